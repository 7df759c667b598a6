//! The audit trail's chain, as pure rules.
//!
//! Each entry has a sequence number, its content (when, who, what, to what,
//! detail) and two hashes:
//! - `content_hash`: SHA-256 over the content, fields length-prefixed, so
//!   no two different entries hash alike by moving text between fields;
//! - `hash`: an HMAC-SHA-256, under a key the server holds outside the
//!   database, over the previous entry's `hash`, the sequence number and the
//!   `content_hash`. Someone with only the database cannot forge it: a
//!   changed entry, reordered entries, or a chain recomputed without the key
//!   all show.
//!
//! The chain links through the content's hash, not the content itself, so an
//! entry's content can later be erased (data protection) while the chain
//! still verifies. The newest `(seq, hash)`, the head, is also written
//! outside the database on each append: a cut tail shows against it.
//!
//! Entries written before the chain was keyed (`keyed == false`) follow the
//! first scheme: plain SHA-256 over the previous hash and the content
//! (`legacy_hash`). They are checked as such; the first keyed entry links to
//! the last of them.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its place in the chain: 1, 2, 3, … with no gaps.
    pub seq: i64,
    pub at_ms: i64,
    pub actor: i64,
    /// For example "sign", "cosign", "return", "payment", "read".
    pub action: String,
    /// What it was done to, for example "record:12" or "case:3".
    pub subject: String,
    pub detail: String,
    /// The previous entry's `hash` (`GENESIS` for the first).
    pub previous: String,
    /// SHA-256 of the content; empty for entries of the first scheme.
    pub content_hash: String,
    pub hash: String,
    /// Whether `hash` is keyed (every entry since the chain was keyed).
    pub keyed: bool,
    /// When its detail was erased with its case (data protection): its
    /// content can no longer be hashed, but its link still binds its content
    /// hash, and a later "erase" entry of that time names its subject.
    #[serde(default)]
    pub erased_ms: Option<i64>,
}

/// The action of the entry an erasure appends.
pub const ERASE: &str = "erase";
const BLANKED: &str = " | emptied: ";

/// The detail of an erasure's own entry: what was erased, and the subjects
/// whose entries it emptied (ids only: no personal data).
pub fn erase_detail(summary: &str, subjects: &[String]) -> String {
    format!("{summary}{BLANKED}{}", subjects.join(" "))
}

/// The subjects an erasure's entry says it emptied.
fn emptied_by(detail: &str) -> Vec<&str> {
    detail
        .split_once(BLANKED)
        .map(|(_, list)| list.split_whitespace().collect())
        .unwrap_or_default()
}

/// The newest entry, as written outside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    /// The line written to the head file.
    pub fn to_line(&self) -> String {
        format!("{} {}\n", self.seq, self.hash)
    }

    pub fn parse(text: &str) -> Option<Head> {
        let (seq, hash) = text.trim().split_once(' ')?;
        Some(Head {
            seq: seq.parse().ok()?,
            hash: hash.to_owned(),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn length_prefixed(hash: &mut Sha256, parts: &[&str]) {
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
}

/// The hash of an entry's content.
pub fn content_hash(at_ms: i64, actor: i64, action: &str, subject: &str, detail: &str) -> String {
    let mut hash = Sha256::new();
    length_prefixed(
        &mut hash,
        &[
            &at_ms.to_string(),
            &actor.to_string(),
            action,
            subject,
            detail,
        ],
    );
    hex(&hash.finalize())
}

/// The keyed link of an entry to the one before it.
pub fn link(key: &[u8], previous: &str, seq: i64, content_hash: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in [previous, &seq.to_string(), content_hash] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex(&mac.finalize().into_bytes())
}

/// The first scheme's hash: unkeyed, over the previous hash and the content.
pub fn legacy_hash(previous: &str, entry: &AuditEntry) -> String {
    let mut hash = Sha256::new();
    length_prefixed(
        &mut hash,
        &[
            previous,
            &entry.at_ms.to_string(),
            &entry.actor.to_string(),
            &entry.action,
            &entry.subject,
            &entry.detail,
        ],
    );
    hex(&hash.finalize())
}

/// What checking the trail found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Every entry follows from the one before, and the last is the head
    /// written outside the database.
    Holds { entries: usize, erased: usize },
    /// This entry's content is not what was hashed when it was written.
    ContentChanged { seq: i64 },
    /// This entry was emptied, but no later erasure of that time names it:
    /// its content was removed outside the retention schedule.
    ErasedUnaccounted { seq: i64 },
    /// This entry does not follow from the one before it: entries were
    /// reordered, removed or inserted here, or the chain was recomputed
    /// without the key.
    Unlinked { seq: i64 },
    /// The trail ends before the head written outside the database: its
    /// newest entries were cut off.
    Truncated { last_seq: i64, head_seq: i64 },
    /// The trail's newest entry is not the head written outside the
    /// database (same place, other hash; or a head ahead of what it knows).
    HeadDiffers { seq: i64 },
}

impl Finding {
    /// The sentence `verify-audit` prints.
    pub fn sentence(&self) -> String {
        match self {
            Finding::Holds { entries, erased: 0 } => format!(
                "The audit trail holds: {entries} entries, each following from the one before, the newest matching the head kept outside the database."
            ),
            Finding::Holds { entries, erased } => format!(
                "The audit trail holds: {entries} entries, each following from the one before, the newest matching the head kept outside the database; {erased} of them erased under the retention schedule, kept as the fact and its hashes."
            ),
            Finding::ContentChanged { seq } => {
                format!("The audit trail was edited: entry {seq} is not what was written.")
            }
            Finding::ErasedUnaccounted { seq } => format!(
                "The audit trail was edited: entry {seq} was emptied, but no erasure under the retention schedule names it."
            ),
            Finding::Unlinked { seq } => format!(
                "The audit trail is broken at entry {seq}: entries were reordered, removed or inserted there, or the chain was recomputed without the key."
            ),
            Finding::Truncated { last_seq, head_seq } => format!(
                "The audit trail was cut short: it ends at entry {last_seq}, but entry {head_seq} was written."
            ),
            Finding::HeadDiffers { seq } => format!(
                "The audit trail's newest entry ({seq}) is not the one recorded outside the database: it was rewritten."
            ),
        }
    }

    pub fn holds(&self) -> bool {
        matches!(self, Finding::Holds { .. })
    }
}

/// Checks a trail, oldest first, with the key and (when there is one) the
/// head kept outside the database. Names the first problem found.
pub fn verify(entries: &[AuditEntry], key: &[u8], head: Option<&Head>) -> Finding {
    // The erasures the trail records: (their seq, time, subjects emptied).
    // Each is itself a keyed entry, so one cannot be made up without the key.
    let erasures: Vec<(i64, i64, Vec<&str>)> = entries
        .iter()
        .filter(|entry| entry.keyed && entry.action == ERASE && entry.erased_ms.is_none())
        .map(|entry| (entry.seq, entry.at_ms, emptied_by(&entry.detail)))
        .collect();
    let accounted = |entry: &AuditEntry, at_ms: i64| {
        entry.detail.is_empty()
            && erasures.iter().any(|(seq, at, subjects)| {
                *seq > entry.seq && *at == at_ms && subjects.contains(&entry.subject.as_str())
            })
    };
    let mut previous = GENESIS.to_owned();
    for (at, entry) in entries.iter().enumerate() {
        let expected_seq = at as i64 + 1;
        if entry.seq != expected_seq || entry.previous != previous {
            return Finding::Unlinked { seq: entry.seq };
        }
        if entry.keyed {
            // An erased entry's content is gone; its link still binds the
            // content hash it had, so the chain is checked all the same, and
            // a later erasure of the same time must name it.
            if let Some(at_ms) = entry.erased_ms
                && !accounted(entry, at_ms)
            {
                return Finding::ErasedUnaccounted { seq: entry.seq };
            }
            if entry.erased_ms.is_none()
                && content_hash(
                    entry.at_ms,
                    entry.actor,
                    &entry.action,
                    &entry.subject,
                    &entry.detail,
                ) != entry.content_hash
            {
                return Finding::ContentChanged { seq: entry.seq };
            }
            if link(key, &previous, entry.seq, &entry.content_hash) != entry.hash {
                return Finding::Unlinked { seq: entry.seq };
            }
        } else if legacy_hash(&previous, entry) != entry.hash {
            return Finding::ContentChanged { seq: entry.seq };
        }
        previous = entry.hash.clone();
    }
    let last_seq = entries.last().map_or(0, |entry| entry.seq);
    match head {
        Some(head) if head.seq > last_seq => Finding::Truncated {
            last_seq,
            head_seq: head.seq,
        },
        Some(head) if head.seq == last_seq && head.hash != previous => {
            Finding::HeadDiffers { seq: last_seq }
        }
        _ => Finding::Holds {
            entries: entries.len(),
            erased: entries
                .iter()
                .filter(|entry| entry.erased_ms.is_some())
                .count(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"the centre's audit key";

    fn chain(key: &[u8], n: i64) -> Vec<AuditEntry> {
        let mut previous = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let (action, subject, detail) = (
                    "sign".to_owned(),
                    "record:1".to_owned(),
                    format!("step {seq}"),
                );
                let content = content_hash(1_000 + seq, 7, &action, &subject, &detail);
                let hash = link(key, &previous, seq, &content);
                let entry = AuditEntry {
                    seq,
                    at_ms: 1_000 + seq,
                    actor: 7,
                    action,
                    subject,
                    detail,
                    previous: previous.clone(),
                    content_hash: content,
                    hash: hash.clone(),
                    keyed: true,
                    erased_ms: None,
                };
                previous = hash;
                entry
            })
            .collect()
    }

    fn head_of(entries: &[AuditEntry]) -> Head {
        let last = entries.last().unwrap();
        Head {
            seq: last.seq,
            hash: last.hash.clone(),
        }
    }

    #[test]
    fn an_untouched_chain_holds_and_matches_its_head() {
        let entries = chain(KEY, 5);
        assert_eq!(
            verify(&entries, KEY, Some(&head_of(&entries))),
            Finding::Holds {
                entries: 5,
                erased: 0
            }
        );
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut entries = chain(KEY, 5);
        entries[2].detail = "something else".into();
        assert_eq!(
            verify(&entries, KEY, None),
            Finding::ContentChanged { seq: 3 }
        );
    }

    #[test]
    fn reordered_entries_are_found() {
        let mut entries = chain(KEY, 5);
        entries.swap(1, 2);
        assert_eq!(verify(&entries, KEY, None), Finding::Unlinked { seq: 3 });
    }

    #[test]
    fn a_chain_recomputed_without_the_key_is_found() {
        let mut forged = chain(b"a guess at the key", 5);
        forged[1].detail = "rewritten".into();
        assert_eq!(verify(&forged, KEY, None), Finding::Unlinked { seq: 1 });
    }

    #[test]
    fn a_cut_tail_is_found_against_the_head() {
        let entries = chain(KEY, 5);
        let head = head_of(&entries);
        assert_eq!(
            verify(&entries[..3], KEY, Some(&head)),
            Finding::Truncated {
                last_seq: 3,
                head_seq: 5
            }
        );
    }

    /// Appends a keyed entry to `entries`.
    fn append(
        entries: &mut Vec<AuditEntry>,
        at_ms: i64,
        action: &str,
        subject: &str,
        detail: &str,
    ) {
        let previous = entries
            .last()
            .map_or(GENESIS.to_owned(), |e| e.hash.clone());
        let seq = entries.len() as i64 + 1;
        let content = content_hash(at_ms, 7, action, subject, detail);
        entries.push(AuditEntry {
            seq,
            at_ms,
            actor: 7,
            action: action.into(),
            subject: subject.into(),
            detail: detail.into(),
            hash: link(KEY, &previous, seq, &content),
            previous,
            content_hash: content,
            keyed: true,
            erased_ms: None,
        });
    }

    #[test]
    fn an_erased_entry_keeps_the_chain_only_when_a_later_erasure_names_it() {
        let mut entries = chain(KEY, 4);
        // The erasure empties entry 2 (record:1) at time 9000 and says so.
        entries[1].detail = String::new();
        entries[1].erased_ms = Some(9_000);
        append(
            &mut entries,
            9_000,
            ERASE,
            "case:1",
            &erase_detail("whole case", &["record:1".into()]),
        );
        assert_eq!(
            verify(&entries, KEY, Some(&head_of(&entries))),
            Finding::Holds {
                entries: 5,
                erased: 1
            }
        );
        // Emptied at another time, or with words left in: not that erasure.
        let mut other_time = entries.clone();
        other_time[1].erased_ms = Some(9_001);
        assert_eq!(
            verify(&other_time, KEY, None),
            Finding::ErasedUnaccounted { seq: 2 }
        );
        let mut words_left = entries.clone();
        words_left[1].detail = "rewritten".into();
        assert_eq!(
            verify(&words_left, KEY, None),
            Finding::ErasedUnaccounted { seq: 2 }
        );
        // An entry the erasure does not name, marked erased: caught.
        let mut unnamed = entries.clone();
        unnamed[0].subject = "record:2".into();
        unnamed[0].detail = String::new();
        unnamed[0].erased_ms = Some(9_000);
        assert_eq!(
            verify(&unnamed, KEY, None),
            Finding::ErasedUnaccounted { seq: 1 }
        );
        // Erasing does not let anyone swap the content hash the link binds.
        let mut swapped = entries.clone();
        swapped[1].content_hash = content_hash(1, 1, "sign", "record:1", "");
        assert_eq!(verify(&swapped, KEY, None), Finding::Unlinked { seq: 2 });
        // Nor does an entry not marked erased escape the content check.
        let mut edited = chain(KEY, 3);
        edited[0].detail = String::new();
        assert_eq!(
            verify(&edited, KEY, None),
            Finding::ContentChanged { seq: 1 }
        );
    }

    #[test]
    fn a_removed_middle_entry_is_found() {
        let mut entries = chain(KEY, 5);
        entries.remove(2);
        assert_eq!(verify(&entries, KEY, None), Finding::Unlinked { seq: 4 });
    }

    #[test]
    fn the_head_line_reads_back() {
        let head = Head {
            seq: 42,
            hash: "ab".repeat(32),
        };
        assert_eq!(Head::parse(&head.to_line()), Some(head));
        assert_eq!(Head::parse("rubbish"), None);
    }

    #[test]
    fn entries_of_the_first_scheme_still_verify_and_the_keyed_chain_follows_them() {
        let mut legacy = AuditEntry {
            seq: 1,
            at_ms: 5,
            actor: 1,
            action: "sign".into(),
            subject: "record:1".into(),
            detail: String::new(),
            previous: GENESIS.into(),
            content_hash: String::new(),
            hash: String::new(),
            keyed: false,
            erased_ms: None,
        };
        legacy.hash = legacy_hash(GENESIS, &legacy);
        let content = content_hash(6, 1, "cosign", "record:1", "");
        let keyed = AuditEntry {
            seq: 2,
            at_ms: 6,
            actor: 1,
            action: "cosign".into(),
            subject: "record:1".into(),
            detail: String::new(),
            previous: legacy.hash.clone(),
            hash: link(KEY, &legacy.hash, 2, &content),
            content_hash: content,
            keyed: true,
            erased_ms: None,
        };
        assert_eq!(
            verify(&[legacy.clone(), keyed], KEY, None),
            Finding::Holds {
                entries: 2,
                erased: 0
            }
        );
        let mut changed = legacy;
        changed.detail = "x".into();
        assert_eq!(
            verify(&[changed], KEY, None),
            Finding::ContentChanged { seq: 1 }
        );
    }
}
