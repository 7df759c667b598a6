//! The attendance rule: three consecutive sessions missed without a reason
//! stop the contact, and no new booking is taken until the coordinator
//! records a new agreement.

use serde::{Deserialize, Serialize};

/// What happened to one booked session, for the visiting parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Attended,
    /// Missed, with a reason the centre accepted.
    MissedWithReason,
    MissedWithoutReason,
    /// Cancelled by the centre: neither attended nor missed.
    CancelledByCentre,
}

impl Attendance {
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Attended => "attended",
            Attendance::MissedWithReason => "missed_with_reason",
            Attendance::MissedWithoutReason => "missed_without_reason",
            Attendance::CancelledByCentre => "cancelled_by_centre",
        }
    }

    pub fn parse(text: &str) -> Option<Attendance> {
        [
            Attendance::Attended,
            Attendance::MissedWithReason,
            Attendance::MissedWithoutReason,
            Attendance::CancelledByCentre,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// How many missed sessions in a row stop the contact.
pub const MISSES_THAT_SUSPEND: usize = 3;

/// Whether contact is suspended, from the sessions since the latest signed
/// agreement, oldest first. Sessions the centre cancelled are passed over;
/// anything else between two unexplained misses breaks the run.
pub fn is_suspended(history_since_agreement: &[Attendance]) -> bool {
    let mut run = 0;
    for attendance in history_since_agreement {
        match attendance {
            Attendance::MissedWithoutReason => {
                run += 1;
                if run >= MISSES_THAT_SUSPEND {
                    return true;
                }
            }
            Attendance::CancelledByCentre => {}
            Attendance::Attended | Attendance::MissedWithReason => run = 0,
        }
    }
    false
}

/// What recording attendance changed beyond the booking itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceEffect {
    None,
    /// This made the third unexplained miss in a row: contact is suspended,
    /// this many booked sessions are held, and both parents are told.
    Suspended {
        held: usize,
    },
    /// A correction ended a suspension: the held sessions go ahead again.
    Lifted {
        released: usize,
    },
}

impl AttendanceEffect {
    /// What the coordinator is told at once.
    pub fn message(self) -> String {
        match self {
            AttendanceEffect::None => "Attendance recorded.".to_owned(),
            AttendanceEffect::Suspended { held } => format!(
                "That is the third missed session in a row without explanation: contact is suspended. {held} booked session(s) are on hold and both parents have been told. A new contact plan with both agreements lifts it."
            ),
            AttendanceEffect::Lifted { released } => format!(
                "Attendance corrected: contact is no longer suspended. {released} session(s) on hold go ahead and both parents have been told."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Attendance::*;
    use super::*;

    #[test]
    fn three_unexplained_misses_in_a_row_suspend_contact() {
        assert!(is_suspended(&[
            Attended,
            MissedWithoutReason,
            MissedWithoutReason,
            MissedWithoutReason
        ]));
    }

    #[test]
    fn two_misses_do_not() {
        assert!(!is_suspended(&[
            MissedWithoutReason,
            MissedWithoutReason,
            Attended
        ]));
    }

    #[test]
    fn an_attended_or_explained_session_breaks_the_run() {
        assert!(!is_suspended(&[
            MissedWithoutReason,
            MissedWithoutReason,
            Attended,
            MissedWithoutReason
        ]));
        assert!(!is_suspended(&[
            MissedWithoutReason,
            MissedWithReason,
            MissedWithoutReason,
            MissedWithoutReason
        ]));
    }

    #[test]
    fn a_centre_cancellation_neither_counts_nor_breaks_the_run() {
        assert!(is_suspended(&[
            MissedWithoutReason,
            CancelledByCentre,
            MissedWithoutReason,
            MissedWithoutReason
        ]));
    }

    #[test]
    fn a_suspension_stays_even_if_the_parent_attends_later() {
        assert!(is_suspended(&[
            MissedWithoutReason,
            MissedWithoutReason,
            MissedWithoutReason,
            Attended
        ]));
    }
}
