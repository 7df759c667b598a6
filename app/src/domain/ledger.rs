//! A parent's account with the centre: which charges their payments cover,
//! each booking's status, and the balance. Payments settle charges oldest
//! first; a refund (of a deposit) is money returned and does not unpay a
//! charge.

use serde::{Deserialize, Serialize};

use super::attendance::Attendance;
use super::money::Pence;

/// A charge on the parent's account, in the order it was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountCharge {
    pub id: i64,
    pub amount: Pence,
}

/// Which charges the payments cover in full, oldest first: `(charge id, paid)`.
pub fn settle(charges: &[AccountCharge], paid_in: Pence) -> Vec<(i64, bool)> {
    let mut left = paid_in.0.max(0);
    charges
        .iter()
        .map(|charge| {
            let covered = left >= charge.amount.0;
            if covered {
                left -= charge.amount.0;
            } else {
                // Later, smaller charges are not paid ahead of an older one.
                left = 0;
            }
            (charge.id, covered)
        })
        .collect()
}

/// What owed minus what paid, plus what was refunded: positive means the
/// parent owes the centre.
pub fn balance(charged: Pence, paid_in: Pence, refunded: Pence) -> Pence {
    Pence(charged.0 - paid_in.0 + refunded.0)
}

/// A booking's status as the parent and the coordinator see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Its charge is not yet paid: a booking is not confirmed until it is.
    AwaitingPayment,
    Confirmed,
    Cancelled,
    Attended,
    Missed,
}

impl BookingStatus {
    pub fn label(self) -> &'static str {
        match self {
            BookingStatus::AwaitingPayment => "Awaiting payment",
            BookingStatus::Confirmed => "Confirmed",
            BookingStatus::Cancelled => "Cancelled",
            BookingStatus::Attended => "Attended",
            BookingStatus::Missed => "Missed",
        }
    }
}

/// The status from what is recorded. `charge_paid` is `None` when the
/// booking raises no charge (a Cafcass-funded case).
pub fn booking_status(
    cancelled: bool,
    attendance: Option<Attendance>,
    charge_paid: Option<bool>,
) -> BookingStatus {
    if cancelled {
        return BookingStatus::Cancelled;
    }
    match attendance {
        Some(Attendance::Attended) => BookingStatus::Attended,
        Some(Attendance::MissedWithReason | Attendance::MissedWithoutReason) => {
            BookingStatus::Missed
        }
        Some(Attendance::CancelledByCentre) => BookingStatus::Cancelled,
        None if charge_paid == Some(false) => BookingStatus::AwaitingPayment,
        None => BookingStatus::Confirmed,
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
    fn the_balance_counts_charges_payments_and_refunds() {
        assert_eq!(
            balance(Pence(31_900), Pence(22_000), Pence(0)),
            Pence(9_900)
        );
        assert_eq!(
            balance(Pence(22_000), Pence(22_000), Pence(11_000)),
            Pence(11_000)
        );
    }

    #[test]
    fn a_booking_is_awaiting_payment_until_its_charge_is_paid() {
        assert_eq!(
            booking_status(false, None, Some(false)),
            BookingStatus::AwaitingPayment
        );
        assert_eq!(
            booking_status(false, None, Some(true)),
            BookingStatus::Confirmed
        );
        assert_eq!(booking_status(false, None, None), BookingStatus::Confirmed);
    }

    #[test]
    fn cancellation_and_attendance_outrank_payment() {
        assert_eq!(
            booking_status(true, None, Some(false)),
            BookingStatus::Cancelled
        );
        assert_eq!(
            booking_status(false, Some(Attendance::Attended), Some(false)),
            BookingStatus::Attended
        );
        assert_eq!(
            booking_status(false, Some(Attendance::MissedWithoutReason), Some(true)),
            BookingStatus::Missed
        );
    }
}
