//! Review meetings: what one decided, and ending contact after it.

use sqlx::Row;

use super::Db;
use super::audit::Step;
use crate::domain::review::ReviewOutcome;
use crate::domain::schedule::BookingKind;
use crate::error::AppError;

/// Records what a review meeting decided (once it has started; once per
/// review), audited. "End contact" then cancels, as the centre, every
/// booking of the case still ahead (each cancellation its own step, with
/// the parents told); returns how many were cancelled.
pub async fn record_review_outcome(
    db: &Db,
    booking_id: i64,
    outcome: ReviewOutcome,
    note: &str,
    by: i64,
    now_ms: i64,
) -> Result<usize, AppError> {
    let row =
        sqlx::query("SELECT case_id, kind, starts_at, cancelled_at FROM bookings WHERE id = $1")
            .bind(booking_id)
            .fetch_optional(&db.pool)
            .await?
            .ok_or_else(|| AppError::not_found("Booking"))?;
    let case_id: i64 = row.try_get("case_id")?;
    if row.try_get::<String, _>("kind")? != BookingKind::Review.as_str() {
        return Err(AppError::invalid(
            "booking_id",
            "Only a review meeting has an outcome.",
        ));
    }
    if row.try_get::<Option<i64>, _>("cancelled_at")?.is_some() {
        return Err(AppError::conflict("That review meeting was cancelled."));
    }
    if row.try_get::<i64, _>("starts_at")? > now_ms {
        return Err(AppError::conflict(
            "That review meeting has not started yet: record its outcome once it has.",
        ));
    }
    let mut tx = db.begin_write().await?;
    let recorded = sqlx::query(
        "INSERT INTO review_outcomes (booking_id, outcome, note, recorded_by, recorded_ms) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (booking_id) DO NOTHING",
    )
    .bind(booking_id)
    .bind(outcome.as_str())
    .bind(note)
    .bind(by)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if recorded == 0 {
        return Err(AppError::conflict(
            "This review's outcome is recorded already.",
        ));
    }
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "review outcome",
            &format!("review {booking_id}: {}; {note}", outcome.as_str()),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    if outcome != ReviewOutcome::EndContact {
        return Ok(0);
    }
    super::bookings::cancel_ahead(db, case_id, "Contact has ended after a review", by, now_ms).await
}
