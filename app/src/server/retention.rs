//! Closing a case, legal holds, and a referrer's access after closure
//! (`domain::retention`); erasure itself is in `erasure`.

use sqlx::Row;

use super::Db;
use super::audit::Step;
use crate::domain::retention::{Clock, ClosureReason, DataKind};
use crate::error::AppError;
use crate::model::{CaseClosed, CaseRetention, LegalHold};

const DAY_MS: i64 = 86_400_000;

/// Refuses new material (bookings, plans, indirect items) on a closed case.
pub async fn refuse_if_closed(db: &Db, case_id: i64) -> Result<(), AppError> {
    let closed: Option<i64> = sqlx::query("SELECT closed_ms FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| row.try_get("closed_ms"))
        .transpose()?
        .flatten();
    match closed {
        Some(at) => Err(AppError::conflict(format!(
            "This case was closed on {}: nothing new can be added to it.",
            crate::domain::london_time::format_london_day(at)
        ))),
        None => Ok(()),
    }
}

/// The earliest closure time whose referrer still reads what was released
/// before it, at `now_ms`.
pub async fn referrer_cutoff(db: &Db, now_ms: i64) -> Result<i64, AppError> {
    Ok(super::settings::retention(db)
        .await?
        .referrer_cutoff(now_ms))
}

/// The SQL condition (on a case aliased `case_alias` and a document's
/// release time `released`) under which a referrer still reads a released
/// document: the case is open, or it was released before the case closed
/// and the closure is within the referrer's access period (`cutoff`, the
/// query's parameter `$n`, from `referrer_cutoff`).
pub fn referrer_still_reads(case_alias: &str, released: &str, cutoff_param: usize) -> String {
    format!(
        "({case_alias}.closed_ms IS NULL OR ({released} <= {case_alias}.closed_ms AND {case_alias}.closed_ms > ${cutoff_param}))"
    )
}

/// Closes a case with a reason: stored and audited in one step, then every
/// booking still ahead is cancelled as the centre (each its own step, the
/// parents told as for any cancellation). Returns how many were cancelled.
pub async fn close(
    db: &Db,
    case_id: i64,
    reason: ClosureReason,
    note: &str,
    by: i64,
    now_ms: i64,
) -> Result<usize, AppError> {
    let note = note.trim();
    if note.chars().count() > 1000 {
        return Err(AppError::invalid(
            "note",
            "Keep the note on closing under 1,000 characters.",
        ));
    }
    let mut tx = db.begin_write().await?;
    // One guarded write: two closings at once, or a closing racing an
    // erasure, cannot both go through (the row is locked by the first).
    let closed = sqlx::query(
        "UPDATE cases SET closed_ms = $1, closed_by = $2, closed_reason = $3, closed_note = $4 \
         WHERE id = $5 AND erased_ms IS NULL AND closed_ms IS NULL",
    )
    .bind(now_ms)
    .bind(by)
    .bind(reason.as_str())
    .bind(note.to_owned())
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() == 0 {
        let at: Option<i64> =
            sqlx::query("SELECT closed_ms FROM cases WHERE id = $1 AND erased_ms IS NULL")
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::not_found("Case"))?
                .try_get("closed_ms")?;
        return Err(AppError::conflict(format!(
            "This case was closed already, on {}.",
            at.map(crate::domain::london_time::format_london_day)
                .unwrap_or_default()
        )));
    }
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "close case",
            &format!("{}; {note}", reason.as_str()),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    super::bookings::cancel_ahead(db, case_id, "The case has closed", by, now_ms).await
}

/// Puts a legal hold on a case (court proceedings, a safeguarding
/// investigation): its retention clock stops until the hold is lifted.
pub async fn set_hold(
    db: &Db,
    case_id: i64,
    reason: &str,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let reason = crate::domain::retention::hold_reason(reason)?;
    let mut tx = db.begin_write().await?;
    // Guarded: a hold is written only on a case not yet erased (an erasure
    // that claimed the case first finishes, and the hold then finds it gone).
    let held = sqlx::query(
        "UPDATE cases SET hold_since_ms = $1, hold_by = $2, hold_reason = $3 \
         WHERE id = $4 AND erased_ms IS NULL AND hold_since_ms IS NULL",
    )
    .bind(now_ms)
    .bind(by)
    .bind(reason.clone())
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    if held.rows_affected() == 0 {
        sqlx::query("SELECT 1 AS one FROM cases WHERE id = $1 AND erased_ms IS NULL")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::not_found("Case"))?;
        return Err(AppError::conflict("This case is on legal hold already."));
    }
    Step::on_case(db, by, case_id, now_ms)
        .audit(&mut tx, "legal hold", &reason)
        .await?;
    super::audit::commit(db, tx).await
}

/// Lifts a case's legal hold: the clock runs again, later by the time the
/// hold lasted after closure.
pub async fn lift_hold(db: &Db, case_id: i64, by: i64, now_ms: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT closed_ms, held_ms, hold_since_ms FROM cases WHERE id = $1 AND erased_ms IS NULL",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("Case"))?;
    let Some(since) = row.try_get::<Option<i64>, _>("hold_since_ms")? else {
        return Err(AppError::conflict("This case is not on legal hold."));
    };
    let held_ms = match row.try_get::<Option<i64>, _>("closed_ms")? {
        // Only time after closure held the clock.
        Some(closed_ms) => Clock {
            closed_ms,
            held_ms: row.try_get("held_ms")?,
            hold_since_ms: Some(since.max(closed_ms)),
        }
        .held_after_lifting(now_ms),
        None => 0,
    };
    sqlx::query(
        "UPDATE cases SET hold_since_ms = NULL, hold_by = NULL, hold_reason = '', held_ms = $1 WHERE id = $2",
    )
    .bind(held_ms)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "lift legal hold",
            &format!("held for {} days in all", held_ms / DAY_MS),
        )
        .await?;
    super::audit::commit(db, tx).await
}

/// A case's closure, hold and retention dates, for its page.
pub async fn of_case(db: &Db, case_id: i64) -> Result<CaseRetention, AppError> {
    let row = sqlx::query(
        "SELECT c.closed_ms, c.closed_reason, c.closed_note, c.held_ms, c.hold_since_ms, c.hold_reason, \
         cb.display_name AS closed_by, hb.display_name AS hold_by \
         FROM cases c LEFT JOIN users cb ON cb.id = c.closed_by LEFT JOIN users hb ON hb.id = c.hold_by \
         WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Case"))?;
    let schedule = super::settings::retention(db).await?;
    let hold_since_ms: Option<i64> = row.try_get("hold_since_ms")?;
    let hold = match hold_since_ms {
        Some(since_ms) => Some(LegalHold {
            since_ms,
            reason: row.try_get("hold_reason")?,
            by: row
                .try_get::<Option<String>, _>("hold_by")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let subjects = super::subject_access::subjects_of_case(db, case_id).await?;
    let Some(closed_ms) = row.try_get::<Option<i64>, _>("closed_ms")? else {
        return Ok(CaseRetention {
            hold,
            subjects,
            ..CaseRetention::default()
        });
    };
    let reason: String = row
        .try_get::<Option<String>, _>("closed_reason")?
        .unwrap_or_default();
    let clock = Clock {
        closed_ms,
        held_ms: row.try_get("held_ms")?,
        hold_since_ms,
    };
    Ok(CaseRetention {
        closed: Some(CaseClosed {
            at_ms: closed_ms,
            reason: ClosureReason::parse(&reason)
                .ok_or_else(|| super::failure::internal("unknown closure reason"))?,
            note: row.try_get("closed_note")?,
            by: row
                .try_get::<Option<String>, _>("closed_by")?
                .unwrap_or_default(),
        }),
        hold,
        due: DataKind::OF_A_CASE
            .into_iter()
            .map(|kind| (kind, clock.due_ms(schedule.years(kind))))
            .collect(),
        referrer_access_until: Some(schedule.referrer_access_until(closed_ms)),
        subjects,
    })
}
