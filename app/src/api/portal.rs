//! The parent portal: a parent's own bookings with their own times, their
//! statement, and cancelling with the cost told first. A parent only ever
//! reaches bookings of cases they are linked to, and only their side of them.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{CancellationPreview, FamilyAccount};

/// The signed-in parent's families: bookings, statuses and statement.
#[server(endpoint = "my_family_accounts")]
pub async fn my_family_accounts() -> Result<Vec<FamilyAccount>, AppError> {
    use crate::server::{cases, ledger, now_ms, plans, require, settings, state};
    let user = require("my_family_accounts").await?;
    let db = state()?.db;
    let terms = settings::payment_terms(&db).await?;
    let mut accounts = Vec::new();
    for (case_id, reference, relation) in cases::memberships(&db, user.id).await? {
        let Some(side) = crate::server::portal::side_of(relation) else {
            continue;
        };
        let (message_by, has_email, has_phone) =
            crate::server::portal::message_choice(&db, case_id, side).await?;
        accounts.push(FamilyAccount {
            pay_reference: format!("{reference}-{}", side.as_str().to_uppercase()),
            reference,
            side,
            rules: plans::agreed_rules(&db, case_id, side).await?,
            bookings: ledger::parent_bookings(&db, case_id, side).await?,
            statement: ledger::statement(&db, case_id, side).await?,
            to_pay: ledger::to_pay(&db, case_id, side, now_ms()).await?,
            how_to_pay: terms.how_to_pay.clone(),
            notices: crate::server::portal::notices(&db, case_id, side).await?,
            sent_items: crate::server::indirect::sent_by(&db, case_id, side).await?,
            message_by,
            has_email,
            has_phone,
        });
    }
    Ok(accounts)
}

/// How the signed-in parent wants to hear from the centre: "email", "sms"
/// or "none" (the centre still sends what it must).
#[server(endpoint = "set_my_message_choice")]
pub async fn set_my_message_choice(choice: String) -> Result<(), AppError> {
    use crate::domain::message::MessageBy;
    use crate::server::{portal, require, state};
    let user = require("set_my_message_choice").await?;
    let by = MessageBy::parse(choice.trim()).ok_or_else(|| {
        AppError::invalid(
            "choice",
            "Choose email, text message, or only what the centre must send.",
        )
    })?;
    portal::set_message_choice(&state()?.db, user.id, by).await
}

/// What cancelling this booking would cost the signed-in parent.
#[server(endpoint = "preview_cancellation")]
pub async fn preview_cancellation(booking_id: i64) -> Result<CancellationPreview, AppError> {
    use crate::server::{now_ms, portal, require, state};
    let user = require("preview_cancellation").await?;
    portal::preview(&state()?.db, user.id, booking_id, now_ms()).await
}

/// Cancels one of the signed-in parent's bookings, with their reason if
/// they give one (for the centre's staff only); returns what it cost.
#[server(endpoint = "cancel_my_booking")]
pub async fn cancel_my_booking(
    booking_id: i64,
    #[server(default)] reason: String,
) -> Result<CancellationPreview, AppError> {
    use crate::domain::money::Canceller;

    use crate::server::{bookings, now_ms, portal, require, state};
    let user = require("cancel_my_booking").await?;
    let db = state()?.db;
    let now = now_ms();
    let preview = portal::preview(&db, user.id, booking_id, now).await?;
    let side = portal::parent_side_for_booking(&db, user.id, booking_id).await?;
    bookings::cancel(
        &db,
        booking_id,
        Canceller::Parent(side),
        &reason,
        user.id,
        now,
    )
    .await?;
    Ok(preview)
}
