//! A parent's account with the centre: which charges their payments cover,
//! each booking's status, and the balance. Payments settle charges oldest
//! first; a refund (of a deposit) is money returned and does not unpay a
//! charge.

use serde::{Deserialize, Serialize};

use super::attendance::Attendance;
use super::money::{Parent, Pence};

/// A charge on the parent's account, in the order it was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountCharge {
    pub id: i64,
    pub amount: Pence,
}

/// What is still owed of each charge once the payments are applied, oldest
/// charge first: `(charge id, still owed)`. A payment that does not cover a
/// charge in full goes towards it, and nothing is left for later charges.
pub fn outstanding(charges: &[AccountCharge], paid_in: Pence) -> Vec<(i64, Pence)> {
    let mut left = paid_in.0.max(0);
    charges
        .iter()
        .map(|charge| {
            let covered = left.min(charge.amount.0.max(0));
            left -= covered;
            (charge.id, Pence(charge.amount.0 - covered))
        })
        .collect()
}

/// Which charges the payments cover in full, oldest first: `(charge id, paid)`.
pub fn settle(charges: &[AccountCharge], paid_in: Pence) -> Vec<(i64, bool)> {
    outstanding(charges, paid_in)
        .into_iter()
        .map(|(id, owed)| (id, owed.0 <= 0))
        .collect()
}

/// What owed minus what paid: positive means the parent owes the centre.
/// Only a held deposit is ever refunded, and a refund gives back the
/// money and ends the deposit with it, so it leaves the balance as it was.
pub fn balance(charged: Pence, paid_in: Pence) -> Pence {
    Pence(charged.0 - paid_in.0)
}

/// When a charge is due: a booking's by `days_before` days before it
/// starts (at once if it was booked later than that); any other charge
/// (registration, deposit, a report) as soon as it is raised.
pub fn due_by(raised_ms: i64, booking_starts_ms: Option<i64>, days_before: u32) -> i64 {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    match booking_starts_ms {
        Some(starts) => (starts - i64::from(days_before) * DAY_MS).max(raised_ms),
        None => raised_ms,
    }
}

/// Whether a booking's charges are paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payment {
    /// It raises no charge (a Cafcass-funded case, a review meeting).
    NotCharged,
    Paid,
    /// This parent has not yet paid their charge for it.
    Owed(Parent),
}

/// A booking's payment from its charges (those not waived), each with the
/// parent who owes it and whether their payments cover it in full.
pub fn booking_payment(charges: impl IntoIterator<Item = (Parent, bool)>) -> Payment {
    let mut payment = Payment::NotCharged;
    for (parent, paid) in charges {
        if !paid {
            return Payment::Owed(parent);
        }
        payment = Payment::Paid;
    }
    payment
}

/// A booking's one status, the same for staff and both parents (each is
/// told it in their own words, `label_for`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// A charge for it is not yet paid: a booking is not confirmed until it
    /// is, for either parent.
    AwaitingPayment {
        from: Parent,
    },
    Confirmed,
    /// Contact is suspended after missed sessions: it neither goes ahead
    /// nor is cancelled until a new agreement, or the centre cancels it.
    OnHold,
    Cancelled,
    Attended,
    Missed,
}

impl BookingStatus {
    /// The status in the words of whoever reads it: a parent (`Some`), or
    /// staff (`None`).
    pub fn label_for(self, reader: Option<Parent>) -> String {
        match (self, reader) {
            (BookingStatus::AwaitingPayment { from }, Some(reader)) if from == reader => {
                "Awaiting your payment".to_owned()
            }
            (BookingStatus::AwaitingPayment { .. }, Some(_)) => {
                "Not confirmed yet: awaiting payment".to_owned()
            }
            (BookingStatus::AwaitingPayment { from }, None) => {
                format!("Awaiting payment from the {} parent", from.as_str())
            }
            (BookingStatus::Confirmed, _) => "Confirmed".to_owned(),
            (BookingStatus::OnHold, Some(_)) => "On hold: the centre will be in touch".to_owned(),
            (BookingStatus::OnHold, None) => "On hold: contact suspended".to_owned(),
            (BookingStatus::Cancelled, _) => "Cancelled".to_owned(),
            (BookingStatus::Attended, _) => "Attended".to_owned(),
            (BookingStatus::Missed, _) => "Missed".to_owned(),
        }
    }

    /// Still ahead of the family: it can be cancelled, and paid for.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            BookingStatus::AwaitingPayment { .. } | BookingStatus::Confirmed
        )
    }
}

/// The status from what is recorded.
pub fn booking_status(
    cancelled: bool,
    held: bool,
    attendance: Option<Attendance>,
    payment: Payment,
) -> BookingStatus {
    if cancelled {
        return BookingStatus::Cancelled;
    }
    if held && attendance.is_none() {
        return BookingStatus::OnHold;
    }
    match attendance {
        Some(Attendance::Attended) => BookingStatus::Attended,
        Some(Attendance::MissedWithReason | Attendance::MissedWithoutReason) => {
            BookingStatus::Missed
        }
        Some(Attendance::CancelledByCentre) => BookingStatus::Cancelled,
        None => match payment {
            Payment::Owed(from) => BookingStatus::AwaitingPayment { from },
            Payment::Paid | Payment::NotCharged => BookingStatus::Confirmed,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charges(amounts: &[i64]) -> Vec<AccountCharge> {
        amounts
            .iter()
            .enumerate()
            .map(|(i, a)| AccountCharge {
                id: i as i64 + 1,
                amount: Pence(*a),
            })
            .collect()
    }

    #[test]
    fn payments_settle_the_oldest_charges_first() {
        let settled = settle(&charges(&[11_000, 11_000, 9_900]), Pence(22_000));
        assert_eq!(settled, [(1, true), (2, true), (3, false)]);
    }

    #[test]
    fn a_part_payment_settles_nothing_it_does_not_cover_in_full() {
        let settled = settle(&charges(&[9_900, 500]), Pence(9_000));
        assert_eq!(settled, [(1, false), (2, false)]);
    }

    #[test]
    fn the_balance_is_what_was_charged_less_what_was_paid() {
        assert_eq!(balance(Pence(31_900), Pence(22_000)), Pence(9_900));
        assert_eq!(balance(Pence(22_000), Pence(22_000)), Pence(0));
    }

    #[test]
    fn a_part_payment_goes_towards_the_oldest_charge() {
        let left = outstanding(&charges(&[11_000, 9_900, 9_900]), Pence(15_000));
        assert_eq!(left, [(1, Pence(0)), (2, Pence(5_900)), (3, Pence(9_900))]);
    }

    #[test]
    fn a_booking_charge_is_due_days_before_it_and_others_at_once() {
        const DAY: i64 = 24 * 60 * 60 * 1000;
        assert_eq!(due_by(0, Some(10 * DAY), 7), 3 * DAY);
        assert_eq!(
            due_by(5 * DAY, Some(10 * DAY), 7),
            5 * DAY,
            "booked late: due at once"
        );
        assert_eq!(due_by(2 * DAY, None, 7), 2 * DAY);
    }

    #[test]
    fn a_booking_is_awaiting_payment_until_every_charge_on_it_is_paid() {
        let unpaid = booking_payment([(Parent::Visiting, false)]);
        assert_eq!(
            booking_status(false, false, None, unpaid),
            BookingStatus::AwaitingPayment {
                from: Parent::Visiting
            }
        );
        let paid = booking_payment([(Parent::Visiting, true)]);
        assert_eq!(
            booking_status(false, false, None, paid),
            BookingStatus::Confirmed
        );
        assert_eq!(booking_payment([]), Payment::NotCharged);
        assert_eq!(
            booking_status(false, false, None, Payment::NotCharged),
            BookingStatus::Confirmed
        );
        assert_eq!(
            booking_payment([(Parent::Visiting, true), (Parent::Resident, false)]),
            Payment::Owed(Parent::Resident)
        );
    }

    #[test]
    fn a_held_booking_is_on_hold_whatever_its_payment() {
        assert_eq!(
            booking_status(false, true, None, Payment::Owed(Parent::Visiting)),
            BookingStatus::OnHold
        );
        assert_eq!(
            booking_status(true, true, None, Payment::Paid),
            BookingStatus::Cancelled
        );
    }

    #[test]
    fn each_reader_is_told_the_status_in_their_own_words() {
        let owed = BookingStatus::AwaitingPayment {
            from: Parent::Visiting,
        };
        assert_eq!(
            owed.label_for(Some(Parent::Visiting)),
            "Awaiting your payment"
        );
        assert_eq!(
            owed.label_for(Some(Parent::Resident)),
            "Not confirmed yet: awaiting payment"
        );
        assert!(owed.label_for(None).contains("visiting parent"));
        assert_eq!(BookingStatus::Confirmed.label_for(None), "Confirmed");
    }

    #[test]
    fn cancellation_and_attendance_outrank_payment() {
        let unpaid = Payment::Owed(Parent::Visiting);
        assert_eq!(
            booking_status(true, false, None, unpaid),
            BookingStatus::Cancelled
        );
        assert_eq!(
            booking_status(false, false, Some(Attendance::Attended), unpaid),
            BookingStatus::Attended
        );
        assert_eq!(
            booking_status(
                false,
                false,
                Some(Attendance::MissedWithoutReason),
                Payment::Paid
            ),
            BookingStatus::Missed
        );
    }
}
