//! Session records after the session: the 2-hour and 48-hour rules, the
//! record's path from draft to release, and what a signature's hash covers.
//!
//! The rules (DOMAIN.md): the supervising worker completes and signs the
//! record within 2 hours of the session ending wherever possible and within
//! 48 hours at the latest; a coordinator who is not its author checks and
//! co-signs it before it goes to anyone. Deadlines are clock hours from the
//! end, computed in UTC, so a change to or from summer time in between
//! neither adds nor removes an hour.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const HOUR_MS: i64 = 3_600_000;
/// The worker's target: signed within 2 hours of the end.
pub const TARGET_MS: i64 = 2 * HOUR_MS;
/// The latest a record may be completed, signed and co-signed.
pub const LIMIT_MS: i64 = 48 * HOUR_MS;
/// A record waiting for co-signature is "due soon" this close to the limit.
pub const DUE_SOON_MS: i64 = 12 * HOUR_MS;

/// The two deadlines of one record, from when its session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    pub ended_ms: i64,
    pub target_ms: i64,
    pub limit_ms: i64,
}

impl Deadlines {
    pub fn from_end(ended_ms: i64) -> Self {
        Deadlines {
            ended_ms,
            target_ms: ended_ms + TARGET_MS,
            limit_ms: ended_ms + LIMIT_MS,
        }
    }

    /// Where an unsigned record stands at `now_ms`.
    pub fn signing(&self, now_ms: i64) -> Timeliness {
        if now_ms <= self.target_ms {
            Timeliness::WithinTarget {
                left_ms: self.target_ms - now_ms,
            }
        } else if now_ms <= self.limit_ms {
            Timeliness::PastTarget {
                left_ms: self.limit_ms - now_ms,
            }
        } else {
            Timeliness::Overdue {
                by_ms: now_ms - self.limit_ms,
            }
        }
    }

    /// Where a record waiting for co-signature stands at `now_ms`.
    pub fn cosigning(&self, now_ms: i64) -> QueueMark {
        let left = self.limit_ms - now_ms;
        if left < 0 {
            QueueMark::Overdue
        } else if left <= DUE_SOON_MS {
            QueueMark::DueSoon
        } else {
            QueueMark::OnTime
        }
    }
}

/// An unsigned record against the worker's deadlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Timeliness {
    /// Inside the 2-hour target.
    WithinTarget { left_ms: i64 },
    /// Past the 2-hour target, still inside the 48-hour limit.
    PastTarget { left_ms: i64 },
    /// Past the 48-hour limit.
    Overdue { by_ms: i64 },
}

/// A record in the coordinator's co-signing queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueMark {
    OnTime,
    DueSoon,
    Overdue,
}

impl QueueMark {
    pub fn label(self) -> &'static str {
        match self {
            QueueMark::OnTime => "On time",
            QueueMark::DueSoon => "Due soon",
            QueueMark::Overdue => "Overdue",
        }
    }
}

/// "1 h 05 min" for a span of time.
pub fn span_words(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    let (hours, minutes) = (minutes / 60, minutes % 60);
    if hours == 0 {
        format!("{minutes} min")
    } else {
        format!("{hours} h {minutes:02} min")
    }
}

/// What one signature binds: the version signed, the record's text, why
/// the other worker did not sign (if said), and every entry the record held
/// then, each by its id and its stored body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedContent<'a> {
    pub booking_id: i64,
    pub version: i32,
    pub summary: &'a str,
    pub ended_early: &'a str,
    pub incident: &'a str,
    pub unsigned_note: &'a str,
    /// (entry id, stored body), in any order: they are hashed sorted by id.
    pub entries: Vec<(&'a str, &'a str)>,
}

impl SignedContent<'_> {
    /// The SHA-256 of exactly this content, as hex. Every part is
    /// length-prefixed, so moving words from one part to the next, or an
    /// entry's body into its id, gives another hash.
    pub fn hash(&self) -> String {
        let mut entries = self.entries.clone();
        entries.sort_unstable();
        let mut hash = Sha256::new();
        let mut part = |text: &str| {
            hash.update((text.len() as u64).to_be_bytes());
            hash.update(text.as_bytes());
        };
        part("signed record v1");
        part(&self.booking_id.to_string());
        part(&self.version.to_string());
        part(self.summary);
        part(self.ended_early);
        part(self.incident);
        part(self.unsigned_note);
        part(&entries.len().to_string());
        for (id, body) in entries {
            part(id);
            part(body);
        }
        hash.finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content<'a>(summary: &'a str, entries: Vec<(&'a str, &'a str)>) -> SignedContent<'a> {
        SignedContent {
            booking_id: 4,
            version: 1,
            summary,
            ended_early: "",
            incident: "",
            unsigned_note: "",
            entries,
        }
    }

    #[test]
    fn a_signature_hash_changes_with_any_word_or_entry_signed() {
        let base = content("Went well", vec![("a", "{x}"), ("b", "{y}")]);
        let hash = base.hash();
        assert_eq!(hash.len(), 64);
        // The order entries are read in does not matter.
        assert_eq!(
            hash,
            content("Went well", vec![("b", "{y}"), ("a", "{x}")]).hash()
        );
        assert_ne!(
            hash,
            content("Went well.", vec![("a", "{x}"), ("b", "{y}")]).hash()
        );
        assert_ne!(hash, content("Went well", vec![("a", "{x}")]).hash());
        assert_ne!(
            hash,
            content("Went well", vec![("a", "{x}"), ("b", "{z}")]).hash()
        );
        assert_ne!(
            hash,
            SignedContent {
                version: 2,
                ..base.clone()
            }
            .hash()
        );
        assert_ne!(
            hash,
            SignedContent {
                unsigned_note: "Tom was ill",
                ..base.clone()
            }
            .hash()
        );
        assert_ne!(
            SignedContent {
                summary: "ab",
                ended_early: "c",
                ..base.clone()
            }
            .hash(),
            SignedContent {
                summary: "a",
                ended_early: "bc",
                ..base.clone()
            }
            .hash()
        );
    }
    use crate::domain::london_time::ms_from_london;
    use chrono::NaiveDate;

    const MIN: i64 = 60_000;

    fn london(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        ms_from_london(
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, min, 0)
                .unwrap(),
        )
    }

    #[test]
    fn the_status_at_each_edge() {
        let end = london(2026, 6, 13, 11, 0);
        let d = Deadlines::from_end(end);
        assert_eq!(
            d.signing(end + TARGET_MS - MIN),
            Timeliness::WithinTarget { left_ms: MIN }
        );
        assert_eq!(
            d.signing(end + TARGET_MS + MIN),
            Timeliness::PastTarget {
                left_ms: 46 * HOUR_MS - MIN
            }
        );
        assert_eq!(
            d.signing(end + LIMIT_MS - MIN),
            Timeliness::PastTarget { left_ms: MIN }
        );
        assert_eq!(
            d.signing(end + LIMIT_MS + MIN),
            Timeliness::Overdue { by_ms: MIN }
        );
        assert_eq!(d.cosigning(end + LIMIT_MS - MIN), QueueMark::DueSoon);
        assert_eq!(d.cosigning(end + LIMIT_MS + MIN), QueueMark::Overdue);
        assert_eq!(d.cosigning(end + 2 * HOUR_MS), QueueMark::OnTime);
    }

    #[test]
    fn deadlines_are_clock_hours_across_the_change_to_and_from_summer_time() {
        // The clocks go back at 02:00 on Sunday 25 October 2026: 48 hours
        // after 11:00 on Saturday is 10:00 on Monday by the wall clock.
        let autumn = Deadlines::from_end(london(2026, 10, 24, 11, 0));
        assert_eq!(autumn.limit_ms, london(2026, 10, 26, 10, 0));
        // They go forward at 01:00 on Sunday 29 March 2026: 48 hours after
        // 11:00 on Saturday is 12:00 on Monday.
        let spring = Deadlines::from_end(london(2026, 3, 28, 11, 0));
        assert_eq!(spring.limit_ms, london(2026, 3, 30, 12, 0));
        // Two hours after 00:30 on the night the clocks go back is 01:30 the
        // second time round (GMT).
        let night = Deadlines::from_end(london(2026, 10, 25, 0, 30));
        assert_eq!(night.target_ms - night.ended_ms, TARGET_MS);
    }

    #[test]
    fn spans_read_as_hours_and_minutes() {
        assert_eq!(span_words(65 * MIN), "1 h 05 min");
        assert_eq!(span_words(59 * MIN + 59_000), "59 min");
        assert_eq!(span_words(-5), "0 min");
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        use crate::domain::audit::content_hash;
        assert_ne!(
            content_hash(1, 2, "ab", "c", ""),
            content_hash(1, 2, "a", "bc", "")
        );
    }
}
