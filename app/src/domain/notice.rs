//! What a parent is told when a booking of theirs is cancelled by someone
//! else: the centre (with its reason, and that it costs them nothing) or
//! the other parent (without the reason or anything about that parent);
//! and when contact is suspended after missed sessions, or starts again.

use super::london_time::{format_london_day, format_london_time};
use super::money::{Canceller, Parent};
use super::schedule::BookingKind;

/// Who hears of a cancellation: the parents in the booking, except the one
/// who cancelled it. A pre-visit belongs to one parent.
pub fn told_of_cancellation(by: Canceller, booking_parent: Option<Parent>) -> Vec<Parent> {
    [Parent::Resident, Parent::Visiting]
        .into_iter()
        .filter(|parent| booking_parent.is_none_or(|only| only == *parent))
        .filter(|parent| by != Canceller::Parent(*parent))
        .collect()
}

/// The message for one parent. `own_time_ms` is that parent's own arrival
/// time for the booking.
pub fn cancellation_notice(
    by: Canceller,
    kind: BookingKind,
    own_time_ms: i64,
    reason: &str,
) -> String {
    let when = format!(
        "{} on {} at {}",
        kind.label().to_lowercase(),
        format_london_day(own_time_ms),
        format_london_time(own_time_ms)
    );
    match by {
        Canceller::Centre => format!(
            "The centre has cancelled your {when}: {}. You will not be charged for it.",
            reason.trim().trim_end_matches('.')
        ),
        Canceller::Parent(_) => {
            format!("Your {when} is cancelled. The centre will be in touch about the next one.")
        }
    }
}

/// What a parent is told when the centre moves a booking of theirs: their
/// own old and new times.
pub fn moved_notice(kind: BookingKind, old_own_ms: i64, new_own_ms: i64) -> String {
    format!(
        "The centre has moved your {} on {} at {} to {} at {}.",
        kind.label().to_lowercase(),
        format_london_day(old_own_ms),
        format_london_time(old_own_ms),
        format_london_day(new_own_ms),
        format_london_time(new_own_ms)
    )
}

/// What both parents are told when contact is suspended after missed
/// sessions: nothing of who missed them or why.
pub fn suspension_notice(held: usize) -> String {
    let sessions = match held {
        0 => "No sessions are booked.".to_owned(),
        1 => "The session already booked is on hold.".to_owned(),
        n => format!("The {n} sessions already booked are on hold."),
    };
    format!(
        "Contact is suspended after three missed sessions in a row. {sessions} The centre will be in touch about a new agreement before contact can start again."
    )
}

/// What both parents are told when the suspension is lifted.
pub fn suspension_lifted_notice(released: usize) -> String {
    match released {
        0 => "Contact can start again. The centre will be in touch about new bookings.".to_owned(),
        1 => "Contact can start again: the session that was on hold goes ahead.".to_owned(),
        n => format!("Contact can start again: the {n} sessions that were on hold go ahead."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suspension_says_what_is_on_hold_and_nothing_of_who_missed() {
        let told = suspension_notice(2);
        assert!(
            told.contains("The 2 sessions already booked are on hold"),
            "{told}"
        );
        assert!(!told.to_lowercase().contains("visiting"), "{told}");
        assert!(suspension_notice(1).contains("The session already booked"));
        assert!(suspension_lifted_notice(2).contains("the 2 sessions"));
    }

    #[test]
    fn both_parents_hear_of_a_centre_cancellation_and_only_the_other_of_a_parents() {
        assert_eq!(
            told_of_cancellation(Canceller::Centre, None),
            [Parent::Resident, Parent::Visiting]
        );
        assert_eq!(
            told_of_cancellation(Canceller::Parent(Parent::Visiting), None),
            [Parent::Resident]
        );
        assert_eq!(
            told_of_cancellation(Canceller::Centre, Some(Parent::Visiting)),
            [Parent::Visiting],
            "a pre-visit is one parent's"
        );
        assert!(
            told_of_cancellation(Canceller::Parent(Parent::Visiting), Some(Parent::Visiting))
                .is_empty()
        );
    }

    #[test]
    fn the_centre_gives_its_reason_and_a_parent_cancelling_gives_nothing_away() {
        // Saturday 5 December 2026, 09:45 London (GMT).
        let at = 1_796_463_900_000;
        let centre =
            cancellation_notice(Canceller::Centre, BookingKind::Session, at, "Child unwell.");
        assert_eq!(
            centre,
            "The centre has cancelled your contact session on Sat 5 Dec 2026 at 09:45: Child unwell. You will not be charged for it."
        );
        let parent = cancellation_notice(
            Canceller::Parent(Parent::Visiting),
            BookingKind::Session,
            at,
            "My car broke down",
        );
        assert!(!parent.contains("car"), "{parent}");
        assert!(parent.contains("09:45"), "{parent}");
    }
}
