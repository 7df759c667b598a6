//! Review meetings: what one can decide, and when the coordinator is
//! prompted to book one before a series runs out.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a review meeting decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// Contact goes on as planned.
    Continue,
    /// A different service (supervised to supported, or to handovers): a
    /// new plan follows.
    ChangeService,
    /// Contact at the centre ends.
    EndContact,
    /// The case goes back to the court or the referrer to decide.
    ReferToCourt,
}

impl ReviewOutcome {
    pub const ALL: [ReviewOutcome; 4] = [
        ReviewOutcome::Continue,
        ReviewOutcome::ChangeService,
        ReviewOutcome::EndContact,
        ReviewOutcome::ReferToCourt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Continue => "continue",
            ReviewOutcome::ChangeService => "change_service",
            ReviewOutcome::EndContact => "end_contact",
            ReviewOutcome::ReferToCourt => "refer_to_court",
        }
    }

    pub fn parse(text: &str) -> Option<ReviewOutcome> {
        ReviewOutcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewOutcome::Continue => "Continue as planned",
            ReviewOutcome::ChangeService => "Change the service (a new plan)",
            ReviewOutcome::EndContact => "End contact at the centre",
            ReviewOutcome::ReferToCourt => "Refer back to the court or referrer",
        }
    }

    /// What the coordinator does next, once it is recorded.
    pub fn next_step(self) -> &'static str {
        match self {
            ReviewOutcome::Continue => "Book the next sessions under the current plan.",
            ReviewOutcome::ChangeService => {
                "Make a new contact plan with the new service and record both agreements."
            }
            ReviewOutcome::EndContact => "Cancel any sessions still booked; both parents are told.",
            ReviewOutcome::ReferToCourt => "Send the referrer the records and the final report.",
        }
    }
}

/// The longest note on a review's outcome.
pub const MOST_NOTE_CHARS: usize = 2_000;

/// Reads a review's outcome and note as typed; the note is required, as
/// the outcome alone does not say why.
pub fn read_outcome(outcome: &str, note: &str) -> Result<(ReviewOutcome, String), AppError> {
    let outcome = ReviewOutcome::parse(outcome).ok_or_else(|| {
        AppError::invalid(
            "outcome",
            "Choose what the review decided: continue, change the service, end contact, or refer back.",
        )
    })?;
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::invalid(
            "note",
            "Say briefly why the review decided this.",
        ));
    }
    if note.chars().count() > MOST_NOTE_CHARS {
        return Err(AppError::invalid(
            "note",
            format!("Keep the note to {MOST_NOTE_CHARS} characters."),
        ));
    }
    Ok((outcome, note.to_owned()))
}

/// Whether to prompt the coordinator to book a review: the case has had
/// contact sessions, at most one is still booked ahead, and no review is
/// booked ahead.
pub fn review_to_book(sessions_held: usize, sessions_ahead: usize, review_ahead: bool) -> bool {
    sessions_held > 0 && sessions_ahead <= 1 && !review_ahead
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_is_prompted_before_the_last_session_unless_one_is_booked() {
        assert!(review_to_book(5, 1, false), "one session left");
        assert!(review_to_book(6, 0, false), "the series has ended");
        assert!(!review_to_book(4, 2, false));
        assert!(!review_to_book(5, 1, true), "a review is booked");
        assert!(!review_to_book(0, 0, false), "nothing has happened yet");
    }

    #[test]
    fn an_outcome_needs_its_reason() {
        assert_eq!(
            read_outcome("change_service", " Going well: supported next ")
                .unwrap()
                .0,
            ReviewOutcome::ChangeService
        );
        assert_eq!(
            read_outcome("maybe", "x").unwrap_err().field(),
            Some("outcome")
        );
        assert_eq!(
            read_outcome("continue", "  ").unwrap_err().field(),
            Some("note")
        );
    }
}
