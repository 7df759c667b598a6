//! A released record or final report as a fixed document: the words its PDF
//! prints, the fingerprint of those words, and the verification code printed
//! on every page, which anyone can check on the centre's public page.
//!
//! The document holds what was released and nothing added later: addenda
//! and entries that reach the centre after release are in the portal, not
//! here, so the fingerprint of a released document never moves. Checking a
//! code builds the document again from what is stored and compares
//! fingerprints: a difference means what is stored changed after release.

use sha2::{Digest, Sha256};

use crate::domain::london_time::{
    format_london, format_london_day, format_london_time, london_date,
};
use crate::domain::schedule::Service;
use crate::domain::session_log::{EntryKind, merge, movement_label};
use crate::model::{FinalReport, RecordSignature, SessionRecord};

/// Which kind of document a code belongs to; stored as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Record,
    Report,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Record => "record",
            DocumentKind::Report => "report",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        [DocumentKind::Record, DocumentKind::Report]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }

    /// How people call it.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Record => "session record",
            DocumentKind::Report => "final report",
        }
    }
}

/// One piece of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Heading(String),
    /// A label and its value, on one line.
    Fact(String, String),
    /// A paragraph of prose (may be long; the PDF wraps it).
    Text(String),
}

impl Block {
    fn tag(&self) -> &'static str {
        match self {
            Block::Title(_) => "title",
            Block::Heading(_) => "heading",
            Block::Fact(..) => "fact",
            Block::Text(_) => "text",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: DocumentKind,
    /// Shown in the PDF's properties.
    pub title: String,
    /// The case's reference, for the file's name.
    pub reference: String,
    pub blocks: Vec<Block>,
}

impl Document {
    /// The PDF's file name: "session-record-FAM-0002-2026-11-27.pdf", by the
    /// London date of release; only letters, digits and dashes.
    pub fn file_name(&self, released_ms: i64) -> String {
        let name = format!(
            "{}-{}-{}",
            self.kind.label().replace(' ', "-"),
            self.reference,
            london_date(released_ms)
        );
        let safe: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("{safe}.pdf")
    }

    /// SHA-256 of every block, each part length-prefixed so no two
    /// documents share the bytes hashed; lower-case hex.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        let mut part = |text: &str| {
            hash.update((text.len() as u64).to_be_bytes());
            hash.update(text.as_bytes());
        };
        part(self.kind.as_str());
        for block in &self.blocks {
            part(block.tag());
            match block {
                Block::Title(text) | Block::Heading(text) | Block::Text(text) => part(text),
                Block::Fact(label, value) => {
                    part(label);
                    part(value);
                }
            }
        }
        hash.finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The first 64 bits of a fingerprint, as printed and shown on the checking
/// page: "1A2B 3C4D 5E6F 7A8B".
pub fn short_fingerprint(fingerprint: &str) -> String {
    let upper: Vec<char> = fingerprint.to_uppercase().chars().take(16).collect();
    upper
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Crockford's base 32: no I, L, O or U, so a code read aloud or retyped
/// from paper is not mistaken.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code: 12 of base 32 carry 60 random bits.
pub const CODE_CHARS: usize = 12;

/// A verification code from 60 random bits (the top 4 of `random` unused),
/// grouped for reading: "7Q2M-K9XD-4HRT".
pub fn format_code(random: u64) -> String {
    let plain: String = (0..CODE_CHARS)
        .map(|at| CODE_ALPHABET[((random >> (5 * at)) & 31) as usize] as char)
        .collect();
    group_code(&plain)
}

fn group_code(plain: &str) -> String {
    plain
        .as_bytes()
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as someone typed it, in its stored form, or `None` when it cannot
/// be one. Case, spaces and dashes do not matter; O reads as 0, I and L as 1.
pub fn normalise_code(typed: &str) -> Option<String> {
    let mut plain = String::with_capacity(CODE_CHARS);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '\u{2013}' | '\u{2014}' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if !CODE_ALPHABET.contains(&(c as u32 as u8)) || !c.is_ascii() {
            return None;
        }
        plain.push(c);
    }
    (plain.len() == CODE_CHARS).then(|| group_code(&plain))
}

/// A logged entry in words, as the record shows it.
pub fn entry_words(kind: &EntryKind) -> String {
    match kind {
        EntryKind::Observation {
            category,
            text,
            child,
        } => format!("{}{} · {text}", category.label(), about(child.as_deref())),
        EntryKind::NotAttended { who, reason } => crate::domain::session_log::NonAttendance {
            who: *who,
            reason: reason.trim().to_owned(),
            at_ms: 0,
            saved_ms: 0,
        }
        .words(),
        EntryKind::Correction { text, .. } => format!("Correction · {text}"),
        EntryKind::Attendance { party, movement } => movement_label(*party, *movement),
        EntryKind::Started => "Session started".to_owned(),
        EntryKind::Ended => "Session ended".to_owned(),
        EntryKind::SightAndSound { .. } => "Sight and sound handed over".to_owned(),
        EntryKind::Signature { .. } => "Signature".to_owned(),
    }
}

/// " (Ava)" for an observation about one child; nothing when about all.
pub fn about(child: Option<&str>) -> String {
    child.map(|name| format!(" ({name})")).unwrap_or_default()
}

/// A phone clock's offset in words: the record's times are the phone's.
pub fn clock_words(name: &str, offset_ms: i64) -> String {
    let minutes = offset_ms.unsigned_abs().div_ceil(60_000);
    let way = if offset_ms < 0 { "fast" } else { "slow" };
    format!(
        "{name}'s phone clock was {minutes} min {way} by the centre's clock when it last synced; the times shown are the phone's."
    )
}

/// Who signed, how, and when (the server's time and the phone's).
pub fn signature_line(s: &RecordSignature) -> String {
    if s.method == "pin on the phone" {
        format!(
            "Signed by {} with their PIN on the phone at {} (without signal); received {}",
            s.name,
            format_london(s.device_ms),
            format_london(s.signed_ms)
        )
    } else {
        format!(
            "Signed by {} with their {} on {} (phone clock {})",
            s.name,
            s.method,
            format_london(s.signed_ms),
            format_london_time(s.device_ms)
        )
    }
}

/// The released record as a document: the session, the workers' text, the
/// timeline (a supported session: attendance and any safeguarding concern),
/// entries received after signing but before release, the signatures of the
/// version released and the co-signature.
pub fn record_document(record: &SessionRecord) -> Document {
    let title = format!("Session record · {}", record.case_reference);
    let mut blocks = vec![Block::Title(title.clone())];
    let fact = |label: &str, value: String| Block::Fact(label.to_owned(), value);
    let children: Vec<String> = record
        .children
        .iter()
        .map(|c| format!("{} ({})", c.first_name, c.age))
        .collect();
    let workers: Vec<&str> = record.workers.iter().map(|w| w.name.as_str()).collect();
    blocks.extend([
        fact("Date", format_london_day(record.starts_ms)),
        fact(
            "Booked",
            format!(
                "{}–{}",
                format_london_time(record.starts_ms),
                format_london_time(record.ends_ms)
            ),
        ),
        fact("Service", record.service.label().to_owned()),
        fact("Room", record.room.clone()),
        fact("Children", children.join(", ")),
        fact("Supervised by", workers.join(" and ")),
    ]);
    let name_of = |id: i64| {
        record
            .workers
            .iter()
            .find(|w| w.id == id)
            .map_or("A worker no longer on this session", |w| w.name.as_str())
            .to_owned()
    };
    let merged = merge(&record.entries);
    let supervised = record.service == Service::Supervised;
    if let Some(absent) = merged.did_not_take_place() {
        blocks.push(Block::Heading("Did not take place".into()));
        blocks.push(Block::Text(absent.words()));
    }
    if merged.needs_summary(record.service) {
        blocks.push(Block::Heading("Summary".into()));
        blocks.push(Block::Text(record.text.summary.clone()));
        if !record.text.ended_early.is_empty() {
            blocks.push(Block::Heading("Why the session ended early".into()));
            blocks.push(Block::Text(record.text.ended_early.clone()));
        }
    }
    if !record.text.incident.is_empty() {
        blocks.push(Block::Heading("Incident".into()));
        blocks.push(Block::Text(record.text.incident.clone()));
    }
    // The timeline: every moment in time order.
    let mut moments: Vec<(i64, String)> = Vec::new();
    moments.extend(
        merged
            .started_ms
            .map(|at| (at, "Session started".to_owned())),
    );
    moments.extend(
        merged
            .attendance
            .iter()
            .map(|(party, movement, at)| (*at, movement_label(*party, *movement))),
    );
    moments.extend(merged.ended_ms.map(|at| (at, "Session ended".to_owned())));
    for line in &merged.observations {
        if !supervised && !line.category.is_safeguarding() {
            continue;
        }
        let reworded = if line.history.is_empty() {
            String::new()
        } else {
            format!(" (reworded; first written: \"{}\")", line.history[0])
        };
        moments.push((
            line.at_ms,
            format!(
                "{} · {}{}: {}{reworded}",
                name_of(line.author),
                line.category.label(),
                about(line.child.as_deref()),
                line.text
            ),
        ));
    }
    if supervised {
        moments.extend(
            merged
                .handovers
                .iter()
                .map(|(at, to)| (*at, format!("Sight and sound handed to {}", name_of(*to)))),
        );
    }
    moments.sort_by_key(|(at, _)| *at);
    blocks.push(Block::Heading(if supervised {
        "Timeline".into()
    } else {
        "Attendance".into()
    }));
    blocks.extend(
        moments
            .into_iter()
            .map(|(at, what)| fact(&format_london_time(at), what)),
    );
    let released = record.released_ms.unwrap_or(i64::MAX);
    let late: Vec<Block> = record
        .late_entries
        .iter()
        .filter(|late| late.received_ms <= released)
        .map(|late| {
            Block::Text(format!(
                "{}: {} (dated {} by the phone, received {})",
                name_of(late.entry.author),
                entry_words(&late.entry.kind),
                format_london(late.entry.at_ms),
                format_london(late.received_ms)
            ))
        })
        .collect();
    if !late.is_empty() {
        blocks.push(Block::Heading(
            "Received after signing (no signature covers these)".into(),
        ));
        blocks.extend(late);
    }
    for offset in &record.clock_offsets {
        blocks.push(Block::Text(clock_words(
            &name_of(offset.author),
            offset.offset_ms,
        )));
    }
    blocks.push(Block::Heading("Signatures".into()));
    for signature in record
        .signatures
        .iter()
        .filter(|s| s.version == record.version)
    {
        blocks.push(Block::Text(signature_line(signature)));
    }
    if !record.unsigned_note.is_empty() {
        blocks.push(Block::Text(format!(
            "Not signed by every worker: {}",
            record.unsigned_note
        )));
    }
    blocks.push(released_line(
        record.cosigned_by.as_deref(),
        record.released_ms,
    ));
    Document {
        kind: DocumentKind::Record,
        title,
        reference: record.case_reference.clone(),
        blocks,
    }
}

/// The released final report as a document.
pub fn report_document(report: &FinalReport) -> Document {
    let title = format!("Final report · {}", report.case_reference);
    let blocks = vec![
        Block::Title(title.clone()),
        Block::Fact(
            "Sessions attended".into(),
            report.sessions_attended.to_string(),
        ),
        Block::Fact("Sessions missed".into(), report.sessions_missed.to_string()),
        Block::Fact("Recommendation".into(), report.recommendation.clone()),
        Block::Heading("Summary".into()),
        Block::Text(report.summary.clone()),
        Block::Heading("Signatures".into()),
        Block::Text(format!(
            "Written and signed by {} on {}",
            report.author,
            format_london(report.signed_ms)
        )),
        released_line(report.cosigned_by.as_deref(), report.released_ms),
    ];
    Document {
        kind: DocumentKind::Report,
        title,
        reference: report.case_reference.clone(),
        blocks,
    }
}

fn released_line(cosigner: Option<&str>, released_ms: Option<i64>) -> Block {
    Block::Text(match (cosigner, released_ms) {
        (Some(name), Some(at)) => format!(
            "Co-signed by {name} and released to the referrer on {}",
            format_london(at)
        ),
        _ => "Not released.".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> FinalReport {
        FinalReport {
            id: 1,
            case_reference: "FAM-0001".into(),
            author: "Morgan Ellis".into(),
            sessions_attended: 5,
            sessions_missed: 1,
            summary: "Warm sessions.".into(),
            recommendation: "Move to supported contact".into(),
            signed_ms: 1_790_000_000_000,
            status: crate::model::RecordStatus::Released,
            cosigned_by: Some("Sam Okafor".into()),
            released_ms: Some(1_790_000_600_000),
        }
    }

    #[test]
    fn a_fingerprint_moves_with_any_word_and_not_otherwise() {
        let first = report_document(&report());
        assert_eq!(
            first.fingerprint(),
            report_document(&report()).fingerprint()
        );
        assert_eq!(first.fingerprint().len(), 64);
        let mut changed = report();
        changed.summary.push('!');
        assert_ne!(first.fingerprint(), report_document(&changed).fingerprint());
        let mut moved = report();
        moved.sessions_missed = 2;
        assert_ne!(first.fingerprint(), report_document(&moved).fingerprint());
        // Two facts that run together the same way still differ.
        let a = Document {
            kind: DocumentKind::Report,
            title: String::new(),
            reference: String::new(),
            blocks: vec![Block::Fact("ab".into(), "c".into())],
        };
        let b = Document {
            blocks: vec![Block::Fact("a".into(), "bc".into())],
            ..a.clone()
        };
        assert_ne!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn the_report_document_says_who_signed_who_co_signed_and_when_in_london_time() {
        let document = report_document(&report());
        let words: Vec<String> = document
            .blocks
            .iter()
            .map(|block| format!("{block:?}"))
            .collect();
        let all = words.join("\n");
        assert!(all.contains("Written and signed by Morgan Ellis"), "{all}");
        assert!(
            all.contains("Co-signed by Sam Okafor and released to the referrer on"),
            "{all}"
        );
        assert_eq!(document.title, "Final report · FAM-0001");
        // Released at 23:30 UTC on 31 May: already 1 June in London.
        assert_eq!(
            document.file_name(1_780_270_200_000),
            "final-report-FAM-0001-2026-06-01.pdf"
        );
    }

    #[test]
    fn codes_are_twelve_unambiguous_characters_and_read_back_however_typed() {
        let code = format_code(0x0123_4567_89ab_cdef);
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        assert!(!code.contains(['I', 'L', 'O', 'U']));
        assert_ne!(code, format_code(0x0123_4567_89ab_cdee));
        assert_eq!(normalise_code(&code).as_deref(), Some(code.as_str()));
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&typed).as_deref(), Some(code.as_str()));
        assert_eq!(
            normalise_code("oool-1111-2222").as_deref(),
            Some("0001-1111-2222")
        );
        assert_eq!(normalise_code("ABC"), None, "too short");
        assert_eq!(normalise_code("ABCD-EFGH-JKMN-P"), None, "too long");
        assert_eq!(
            normalise_code("ABCD-EFGH-JKM!"),
            None,
            "not a code's character"
        );
        assert_eq!(
            normalise_code("ABCD-EFGH-JKMU"),
            None,
            "U is never in a code"
        );
        assert_eq!(normalise_code("ÄBCD-EFGH-JKMN"), None);
    }

    #[test]
    fn a_short_fingerprint_is_four_groups_of_four() {
        assert_eq!(
            short_fingerprint("0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
            "0A1B 2C3D 4E5F 6071"
        );
    }
}
