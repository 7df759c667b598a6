//! Attendance at sessions and the three-misses rule: recording and
//! correcting attendance, and the suspension that holds the sessions
//! already booked until a correction or a new plan lifts it.

use sqlx::Row;

use super::audit::Step;
use super::{Db, plans, portal};
use crate::domain::attendance::{Attendance, AttendanceEffect, is_suspended};
use crate::domain::notice::{suspension_lifted_notice, suspension_notice};
use crate::error::AppError;

/// Attendance of the case's contact sessions booked since `since_ms`, in order.
pub(super) async fn attendance_since(
    db: &Db,
    case_id: i64,
    since_ms: i64,
) -> Result<Vec<Attendance>, AppError> {
    attendance_in(&db.pool, case_id, since_ms).await
}

/// `attendance_since`, read with any executor (inside a transaction too).
async fn attendance_in<'e, E>(
    executor: E,
    case_id: i64,
    since_ms: i64,
) -> Result<Vec<Attendance>, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT attendance FROM bookings WHERE case_id = $1 AND kind IN ('session', 'handover') \
         AND starts_at >= $2 AND attendance IS NOT NULL ORDER BY starts_at",
    )
    .bind(case_id)
    .bind(since_ms)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| {
            let text: String = row.try_get("attendance")?;
            Attendance::parse(&text).ok_or_else(|| super::failure::internal("unknown attendance"))
        })
        .collect()
}

/// Records (or, for the coordinator, corrects) whether the visiting parent
/// came to a session that has started. If that makes the third unexplained
/// miss in a row since the current plan, contact is suspended in the same
/// transaction: the contact sessions still ahead are held and both parents
/// are told; a correction that ends a suspension releases them again.
pub async fn record_attendance(
    db: &Db,
    booking_id: i64,
    attendance: Attendance,
    by: i64,
    now_ms: i64,
) -> Result<AttendanceEffect, AppError> {
    record(db, booking_id, attendance, by, Source::Coordinator, now_ms).await
}

/// Who is recording attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The coordinator, on the case page: once the session has started;
    /// corrects anything recorded before.
    Coordinator,
    /// A worker's session log (started, or did not take place): sets
    /// attendance not yet recorded, or corrects what an earlier entry of the
    /// log set, never the coordinator's.
    SessionLog,
}

/// Attendance as the session's log now says it, after a worker's phone
/// synced a start or a "did not take place": the session started (they
/// came), or the latest non-attendance entry. Nothing when the log says
/// neither, the booking was cancelled, or the coordinator recorded it.
pub async fn record_from_session_log(
    db: &Db,
    booking_id: i64,
    worker: i64,
    now_ms: i64,
) -> Result<AttendanceEffect, AppError> {
    let log = super::sessions::log(db, booking_id).await?;
    let merged = crate::domain::session_log::merge(&log.entries);
    let attendance = match (merged.started_ms, merged.not_attended) {
        (Some(_), _) => Attendance::Attended,
        (None, Some(absent)) => absent.attendance(),
        (None, None) => return Ok(AttendanceEffect::None),
    };
    record(
        db,
        booking_id,
        attendance,
        worker,
        Source::SessionLog,
        now_ms,
    )
    .await
}

async fn record(
    db: &Db,
    booking_id: i64,
    attendance: Attendance,
    by: i64,
    source: Source,
    now_ms: i64,
) -> Result<AttendanceEffect, AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT case_id, starts_at, cancelled_at, attendance, attendance_from_log FROM bookings WHERE id = $1",
    )
    .bind(booking_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("Booking"))?;
    let case_id: i64 = row.try_get("case_id")?;
    let cancelled = row.try_get::<Option<i64>, _>("cancelled_at")?.is_some();
    let before: Option<String> = row.try_get("attendance")?;
    let from_log = row.try_get::<i32, _>("attendance_from_log")? != 0;
    if source == Source::SessionLog && (cancelled || (before.is_some() && !from_log)) {
        return Ok(AttendanceEffect::None);
    }
    if cancelled {
        return Err(AppError::conflict(
            "That booking was cancelled: there is no attendance to record.",
        ));
    }
    // The worker in the room may record that nobody came before the start.
    if source == Source::Coordinator && row.try_get::<i64, _>("starts_at")? > now_ms {
        return Err(AppError::conflict(
            "That session has not started yet: record attendance once it has.",
        ));
    }
    if before.as_deref() == Some(attendance.as_str()) {
        if source == Source::Coordinator && from_log {
            // The coordinator confirms what the phone said: theirs now.
            sqlx::query("UPDATE bookings SET attendance_from_log = 0 WHERE id = $1")
                .bind(booking_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        return Ok(AttendanceEffect::None);
    }
    // Misses count from the current plan (a new plan and agreements lift a
    // suspension); without a signed plan there is nothing to suspend.
    let since = plans::current_signed_plan(db, case_id)
        .await?
        .map(|plan| plan.created_at);
    let was_suspended = match since {
        Some(since) => is_suspended(&attendance_in(&mut *tx, case_id, since).await?),
        None => false,
    };
    sqlx::query("UPDATE bookings SET attendance = $1, attendance_from_log = $2 WHERE id = $3")
        .bind(attendance.as_str())
        .bind(i32::from(source == Source::SessionLog))
        .bind(booking_id)
        .execute(&mut *tx)
        .await?;
    let suspended = match since {
        Some(since) => is_suspended(&attendance_in(&mut *tx, case_id, since).await?),
        None => false,
    };
    let step = Step::on_case(db, by, case_id, now_ms);
    step.audit(
        &mut tx,
        "attendance",
        &(match before {
            Some(before) => format!(
                "booking {booking_id}: corrected from {before} to {}",
                attendance.as_str()
            ),
            None => format!("booking {booking_id}: {}", attendance.as_str()),
        } + if source == Source::SessionLog {
            ", from the session log"
        } else {
            ""
        }),
    )
    .await?;
    let effect = match (was_suspended, suspended) {
        (false, true) => {
            let held = sqlx::query(
                "UPDATE bookings SET held_at = $1 WHERE case_id = $2 AND starts_at > $1 \
                 AND kind IN ('session', 'handover') AND cancelled_at IS NULL \
                 AND attendance IS NULL AND held_at IS NULL",
            )
            .bind(now_ms)
            .bind(case_id)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
            portal::tell_both(
                &mut tx,
                case_id,
                &suspension_notice(held),
                &crate::domain::message::suspended(),
                now_ms,
            )
            .await?;
            let reference: String = sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1")
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?;
            super::outbox::queue_to_coordinators(
                &mut tx,
                &crate::domain::message::suspended_for_staff(&reference),
                &format!("suspended {case_id} {booking_id} {now_ms}"),
                now_ms,
            )
            .await?;
            step.audit(
                &mut tx,
                "suspend",
                &format!("three unexplained misses in a row; {held} booked session(s) held"),
            )
            .await?;
            AttendanceEffect::Suspended { held }
        }
        (true, false) => {
            let released = release_held(&mut tx, case_id, now_ms).await?;
            portal::tell_both(
                &mut tx,
                case_id,
                &suspension_lifted_notice(released),
                &crate::domain::message::resumed(),
                now_ms,
            )
            .await?;
            step.audit(
                &mut tx,
                "lift",
                &format!("attendance corrected; {released} held session(s) released"),
            )
            .await?;
            AttendanceEffect::Lifted { released }
        }
        _ => AttendanceEffect::None,
    };
    super::audit::commit(db, tx).await?;
    Ok(effect)
}

/// Releases the case's held sessions still ahead; returns how many.
pub(super) async fn release_held(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    now_ms: i64,
) -> Result<usize, AppError> {
    Ok(sqlx::query(
        "UPDATE bookings SET held_at = NULL WHERE case_id = $1 AND held_at IS NOT NULL \
         AND starts_at > $2 AND cancelled_at IS NULL",
    )
    .bind(case_id)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?
    .rows_affected() as usize)
}

/// Whether contact on the case is suspended now (`domain::attendance`).
pub async fn is_case_suspended(db: &Db, case_id: i64) -> Result<bool, AppError> {
    let Some(plan) = plans::current_signed_plan(db, case_id).await? else {
        return Ok(false);
    };
    Ok(is_suspended(
        &attendance_since(db, case_id, plan.created_at).await?,
    ))
}
