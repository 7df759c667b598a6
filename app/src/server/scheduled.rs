//! Messages that come due with time rather than with a step: parents'
//! reminders the day before, workers' sessions tomorrow, and records whose
//! 48 hours are nearly up. The delivery task runs this on every pass; each
//! message's key names what it is about, so a pass run twice, or by two
//! server processes at once, queues each message once.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};

use sqlx::Row;

use super::Db;
use super::outbox::{self, To};
use crate::domain::london_time::london_from_ms;
use crate::domain::message::{self, RECORD_WARNING_MS, reminder_due_ms};
use crate::domain::money::Parent;
use crate::domain::schedule::BookingKind;
use crate::error::AppError;

const HOUR: i64 = 3_600_000;

/// Queues whatever has come due by `now_ms`; `reminder_minutes` is the
/// time of day (London) that reminders go the day before.
pub async fn queue_due(db: &Db, reminder_minutes: u32, now_ms: i64) -> Result<(), AppError> {
    parents_reminders(db, reminder_minutes, now_ms).await?;
    workers_tomorrow(db, reminder_minutes, now_ms).await?;
    records_nearly_due(db, now_ms).await?;
    // Payments are read case by case, so they are looked at once a day, at
    // the reminder time (and on the first pass after it).
    let local = london_from_ms(now_ms);
    let today = i64::from(chrono::Datelike::num_days_from_ce(&local.date()));
    let past_time =
        chrono::Timelike::hour(&local) * 60 + chrono::Timelike::minute(&local) >= reminder_minutes;
    if past_time && PAYMENTS_LOOKED_AT.swap(today, Ordering::Relaxed) != today {
        payments_due(db, now_ms).await?;
    }
    Ok(())
}

/// The London day (days from the common era) payments were last looked at.
static PAYMENTS_LOOKED_AT: AtomicI64 = AtomicI64::new(0);

/// Each parent's payments due within two days (or already due), each told
/// once.
pub async fn payments_due(db: &Db, now_ms: i64) -> Result<(), AppError> {
    let owing: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT case_id FROM charges WHERE waived_at IS NULL ORDER BY case_id",
    )
    .fetch_all(&db.pool)
    .await?;
    for case_id in owing {
        for side in [Parent::Resident, Parent::Visiting] {
            let due: Vec<_> = super::ledger::to_pay(db, case_id, side, now_ms)
                .await?
                .into_iter()
                .filter(|due| due.due_ms <= now_ms + 48 * HOUR)
                .collect();
            if due.is_empty() {
                continue;
            }
            let mut tx = db.begin_write().await?;
            for item in due {
                outbox::queue(
                    &mut tx,
                    To::Parent { case_id, side },
                    &message::payment_due(item.amount, &item.description, item.due_ms),
                    &format!(
                        "payment due {case_id} {} {} {}",
                        side.as_str(),
                        item.description,
                        item.due_ms
                    ),
                    now_ms,
                )
                .await?;
            }
            tx.commit().await?;
        }
    }
    Ok(())
}

/// Bookings in the next two days that are going ahead.
const AHEAD: &str = "SELECT b.id, b.case_id, b.kind, b.parent_side, b.starts_at, b.visiting_arrives_at \
     FROM bookings b WHERE b.cancelled_at IS NULL AND b.held_at IS NULL \
     AND b.starts_at > $1 AND b.starts_at <= $2";

async fn parents_reminders(db: &Db, minutes: u32, now_ms: i64) -> Result<(), AppError> {
    let rows = sqlx::query(AHEAD)
        .bind(now_ms)
        .bind(now_ms + 48 * HOUR)
        .fetch_all(&db.pool)
        .await?;
    for row in rows {
        let starts: i64 = row.try_get("starts_at")?;
        if now_ms < reminder_due_ms(starts, minutes) {
            continue;
        }
        let id: i64 = row.try_get("id")?;
        let case_id: i64 = row.try_get("case_id")?;
        let kind: String = row.try_get("kind")?;
        let Some(kind) = BookingKind::parse(&kind) else {
            continue;
        };
        let only: Option<String> = row.try_get("parent_side")?;
        let visiting_arrives: i64 = row.try_get("visiting_arrives_at")?;
        let mut tx = db.begin_write().await?;
        for side in [Parent::Resident, Parent::Visiting] {
            if only.as_deref().is_some_and(|only| only != side.as_str()) {
                continue;
            }
            let own = match (side, kind.is_contact()) {
                (Parent::Visiting, true) => visiting_arrives,
                _ => starts,
            };
            outbox::queue(
                &mut tx,
                To::Parent { case_id, side },
                &message::reminder(kind, own),
                &format!("reminder {id} {}", side.as_str()),
                now_ms,
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

async fn workers_tomorrow(db: &Db, minutes: u32, now_ms: i64) -> Result<(), AppError> {
    let rows = sqlx::query(
        "SELECT w.user_id, b.starts_at FROM booking_workers w JOIN bookings b ON b.id = w.booking_id \
         WHERE b.cancelled_at IS NULL AND b.held_at IS NULL AND b.starts_at > $1 AND b.starts_at <= $2",
    )
    .bind(now_ms)
    .bind(now_ms + 48 * HOUR)
    .fetch_all(&db.pool)
    .await?;
    // Each worker's sessions by London day: how many, and the first.
    let mut days: BTreeMap<(i64, chrono::NaiveDate), (usize, i64)> = BTreeMap::new();
    for row in rows {
        let user: i64 = row.try_get("user_id")?;
        let starts: i64 = row.try_get("starts_at")?;
        let entry = days
            .entry((user, london_from_ms(starts).date()))
            .or_insert((0, starts));
        entry.0 += 1;
        entry.1 = entry.1.min(starts);
    }
    for ((user, day), (count, first)) in days {
        if now_ms < reminder_due_ms(first, minutes) {
            continue;
        }
        let mut tx = db.begin_write().await?;
        outbox::queue(
            &mut tx,
            To::User(user),
            &message::worker_tomorrow(count, first),
            &format!("tomorrow {user} {day}"),
            now_ms,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

async fn records_nearly_due(db: &Db, now_ms: i64) -> Result<(), AppError> {
    let rows = sqlx::query(
        "SELECT b.id, b.ends_at, c.reference FROM bookings b JOIN cases c ON c.id = b.case_id \
         LEFT JOIN session_records r ON r.booking_id = b.id \
         WHERE b.cancelled_at IS NULL AND b.held_at IS NULL AND b.kind IN ('session', 'handover') \
         AND b.ends_at <= $1 AND b.ends_at > $2 AND (r.status IS NULL OR r.status <> 'released')",
    )
    .bind(now_ms - (48 * HOUR - RECORD_WARNING_MS))
    .bind(now_ms - 48 * HOUR)
    .fetch_all(&db.pool)
    .await?;
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let ends: i64 = row.try_get("ends_at")?;
        let reference: String = row.try_get("reference")?;
        let hours_left = (ends + 48 * HOUR - now_ms).div_euclid(HOUR);
        let mut tx = db.begin_write().await?;
        outbox::queue_to_coordinators(
            &mut tx,
            &message::record_due(&reference, hours_left),
            &format!("record due {id}"),
            now_ms,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
