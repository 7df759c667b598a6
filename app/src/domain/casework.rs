//! What needs the coordinator's action on a case, and finding a case by
//! what a person types: the case list's search and filters, and the counts
//! on the coordinator's home page.

use serde::{Deserialize, Serialize};

use super::record::{Deadlines, QueueMark, Timeliness};

/// Something on a case that waits for the coordinator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// A referral received and not yet accepted or declined.
    Decide,
    /// The current plan lacks a parent's signed agreement.
    PlanUnsigned,
    /// Contact is suspended after three unexplained misses.
    Suspended,
    /// A parent owes the centre money.
    Arrears,
    /// A session record past the 2-hour target unsigned, or with less than
    /// 12 hours of the 48 left before it must be co-signed.
    RecordsDue,
    /// The latest risk assessment's review date has come.
    ReviewDue,
    /// The series is running out and no review meeting is booked.
    ReviewToBook,
}

impl Need {
    pub const ALL: [Need; 7] = [
        Need::Decide,
        Need::PlanUnsigned,
        Need::Suspended,
        Need::Arrears,
        Need::RecordsDue,
        Need::ReviewDue,
        Need::ReviewToBook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Need::Decide => "decide",
            Need::PlanUnsigned => "plan_unsigned",
            Need::Suspended => "suspended",
            Need::Arrears => "arrears",
            Need::RecordsDue => "records_due",
            Need::ReviewDue => "review_due",
            Need::ReviewToBook => "review_to_book",
        }
    }

    pub fn parse(text: &str) -> Option<Need> {
        Need::ALL.into_iter().find(|n| n.as_str() == text)
    }

    /// As a filter and a count are labelled.
    pub fn label(self) -> &'static str {
        match self {
            Need::Decide => "Referrals to decide",
            Need::PlanUnsigned => "Plans not signed",
            Need::Suspended => "Contact suspended",
            Need::Arrears => "In arrears",
            Need::RecordsDue => "Records late or due soon",
            Need::ReviewDue => "Risk reviews due",
            Need::ReviewToBook => "Review meetings to book",
        }
    }
}

/// Whether a session's record needs chasing at `now_ms`: no record or a
/// draft past the 2-hour target, or a signed record with less than 12 hours
/// left (or none) of the 48 in which it must be co-signed. `signed` and
/// `released` say how far the record has gone.
pub fn record_needs_chasing(ended_ms: i64, signed: bool, released: bool, now_ms: i64) -> bool {
    let deadlines = Deadlines::from_end(ended_ms);
    if released || now_ms < ended_ms {
        return false;
    }
    if signed {
        return deadlines.cosigning(now_ms) != QueueMark::OnTime;
    }
    !matches!(deadlines.signing(now_ms), Timeliness::WithinTarget { .. })
}

/// Whether a case matches what was typed in the search box: part of its
/// reference or the start of a child's first name, ignoring case. Nothing
/// typed matches every case.
pub fn matches_search(reference: &str, children: &[String], typed: &str) -> bool {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return true;
    }
    reference.to_lowercase().contains(&typed)
        || children
            .iter()
            .any(|name| name.to_lowercase().starts_with(&typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::HOUR_MS;

    #[test]
    fn a_record_is_chased_past_the_target_and_near_the_limit() {
        let ended = 1_000 * HOUR_MS;
        assert!(!record_needs_chasing(ended, false, false, ended + HOUR_MS));
        assert!(record_needs_chasing(
            ended,
            false,
            false,
            ended + 3 * HOUR_MS
        ));
        assert!(!record_needs_chasing(
            ended,
            true,
            false,
            ended + 30 * HOUR_MS
        ));
        assert!(record_needs_chasing(
            ended,
            true,
            false,
            ended + 37 * HOUR_MS
        ));
        assert!(record_needs_chasing(
            ended,
            true,
            false,
            ended + 50 * HOUR_MS
        ));
        assert!(!record_needs_chasing(
            ended,
            true,
            true,
            ended + 50 * HOUR_MS
        ));
    }

    #[test]
    fn a_case_is_found_by_reference_or_a_childs_first_name() {
        let children = ["Lily".to_owned(), "Noah".to_owned()];
        assert!(matches_search("FAM-0001", &children, "0001"));
        assert!(matches_search("FAM-0001", &children, "fam-00"));
        assert!(matches_search("FAM-0001", &children, " noa"));
        assert!(
            !matches_search("FAM-0001", &children, "ily"),
            "a name from its start"
        );
        assert!(!matches_search("FAM-0001", &children, "Mia"));
        assert!(matches_search("FAM-0001", &children, "  "));
    }

    #[test]
    fn needs_read_back_from_their_names() {
        for need in Need::ALL {
            assert_eq!(Need::parse(need.as_str()), Some(need));
        }
    }
}
