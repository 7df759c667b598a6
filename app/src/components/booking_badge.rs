use leptos::prelude::*;

use crate::domain::ledger::BookingStatus;
use crate::domain::money::Parent;

/// A booking's status as a badge, in the words of its reader: a parent
/// (`Some`) or staff (`None`). Not yet paid stands out; what is over is
/// muted.
pub fn booking_badge(status: BookingStatus, reader: Option<Parent>) -> impl IntoView {
    let class = match status {
        BookingStatus::AwaitingPayment { .. } | BookingStatus::OnHold => "badge badge-warn",
        BookingStatus::Confirmed | BookingStatus::Attended => "badge badge-ok",
        BookingStatus::Cancelled | BookingStatus::Missed => "badge badge-muted",
    };
    view! { <span class=class data-status=status_name(status)>{status.label_for(reader)}</span> }
}

/// A stable name for the status, for tests and styles.
fn status_name(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::AwaitingPayment { .. } => "awaiting_payment",
        BookingStatus::Confirmed => "confirmed",
        BookingStatus::OnHold => "on_hold",
        BookingStatus::Cancelled => "cancelled",
        BookingStatus::Attended => "attended",
        BookingStatus::Missed => "missed",
    }
}
