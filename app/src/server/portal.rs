//! What the parent portal needs beyond the ledger: which side of a case a
//! parent is, and whether a booking is theirs to see.

use sqlx::Row;

use super::{Db, bookings, cases, outbox};
use crate::domain::message::Outgoing;
use crate::domain::money::{Canceller, Parent};
use crate::domain::role::CaseRelation;
use crate::error::AppError;
use crate::model::{CancellationPreview, Notice};

pub fn side_of(relation: CaseRelation) -> Option<Parent> {
    match relation {
        CaseRelation::ResidentParent => Some(Parent::Resident),
        CaseRelation::VisitingParent => Some(Parent::Visiting),
        CaseRelation::Referrer => None,
    }
}

/// The parent's side of the booking's case. A booking of another family,
/// or the other parent's own booking (a pre-visit), is "not found": a
/// parent may not even learn that it exists, nor when the other parent is
/// at the centre.
pub async fn parent_side_for_booking(
    db: &Db,
    user_id: i64,
    booking_id: i64,
) -> Result<Parent, AppError> {
    let row = sqlx::query("SELECT case_id, parent_side FROM bookings WHERE id = $1")
        .bind(booking_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("Booking"))?;
    let case_id: i64 = row.try_get("case_id")?;
    let only_for: Option<String> = row.try_get("parent_side")?;
    cases::memberships(db, user_id)
        .await?
        .into_iter()
        .find(|(id, _, _)| *id == case_id)
        .and_then(|(_, _, relation)| side_of(relation))
        .filter(|side| only_for.as_deref().is_none_or(|only| only == side.as_str()))
        .ok_or_else(|| AppError::not_found("Booking"))
}

/// The messages to one parent of a case, newest first (the last 20).
pub async fn notices(db: &Db, case_id: i64, side: Parent) -> Result<Vec<Notice>, AppError> {
    sqlx::query(
        "SELECT body, created_ms FROM notices WHERE case_id = $1 AND parent_side = $2 \
         ORDER BY created_ms DESC, id DESC LIMIT 20",
    )
    .bind(case_id)
    .bind(side.as_str())
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| {
        Ok(Notice {
            body: row.try_get("body")?,
            created_ms: row.try_get("created_ms")?,
        })
    })
    .collect()
}

/// A parent's choice of how to hear from the centre, and whether the
/// centre has an email address and a mobile number for them.
pub async fn message_choice(
    db: &Db,
    case_id: i64,
    side: Parent,
) -> Result<(String, bool, bool), AppError> {
    let row = sqlx::query(
        "SELECT message_by, email, phone FROM case_parents WHERE case_id = $1 AND side = $2",
    )
    .bind(case_id)
    .bind(side.as_str())
    .fetch_one(&db.pool)
    .await?;
    let email: String = row.try_get("email")?;
    let phone: String = row.try_get("phone")?;
    Ok((
        row.try_get("message_by")?,
        !email.trim().is_empty(),
        !phone.trim().is_empty(),
    ))
}

/// Sets how a parent hears from the centre, on every case they are a
/// parent of.
pub async fn set_message_choice(
    db: &Db,
    user_id: i64,
    by: crate::domain::message::MessageBy,
) -> Result<(), AppError> {
    for (case_id, _, relation) in cases::memberships(db, user_id).await? {
        let Some(side) = side_of(relation) else {
            continue;
        };
        sqlx::query("UPDATE case_parents SET message_by = $1 WHERE case_id = $2 AND side = $3")
            .bind(by.as_str())
            .bind(case_id)
            .bind(side.as_str())
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

/// What cancelling one of the parent's own bookings would cost them now.
pub async fn preview(
    db: &Db,
    user_id: i64,
    booking_id: i64,
    now_ms: i64,
) -> Result<CancellationPreview, AppError> {
    let side = parent_side_for_booking(db, user_id, booking_id).await?;
    bookings::cancellation_cost(db, booking_id, Canceller::Parent(side), now_ms).await
}

/// A message to both parents of a case, in their portal and by email or
/// SMS as each chose.
pub(super) async fn tell_both(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    body: &str,
    message: &Outgoing,
    now_ms: i64,
) -> Result<(), AppError> {
    for parent in [Parent::Resident, Parent::Visiting] {
        tell(tx, case_id, parent, None, body, message, now_ms).await?;
    }
    Ok(())
}

/// A message to one parent of a case, about a booking or the case as a
/// whole: `body` in their portal, `message` (which says less) by email or
/// SMS as they chose, queued in the same transaction.
pub(super) async fn tell(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    parent: Parent,
    booking_id: Option<i64>,
    body: &str,
    message: &Outgoing,
    now_ms: i64,
) -> Result<(), AppError> {
    let notice: i64 = sqlx::query_scalar(
        "INSERT INTO notices (case_id, parent_side, booking_id, body, created_ms) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(case_id)
    .bind(parent.as_str())
    .bind(booking_id)
    .bind(body)
    .bind(now_ms)
    .fetch_one(&mut **tx)
    .await?;
    let to = outbox::To::Parent {
        case_id,
        side: parent,
    };
    outbox::queue(tx, to, message, &format!("notice {notice}"), now_ms).await?;
    Ok(())
}
