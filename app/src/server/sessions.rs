//! Session mode on the server: the worker's sessions for the phone, storing
//! queued entries exactly once, and reading a session's entries back.
//!
//! Ingest rules: every item is checked on its own (a bad item is reported
//! and the rest are stored); the good ones are written in one transaction
//! with `ON CONFLICT (id) DO NOTHING`, so a replayed batch stores nothing
//! twice; an id already stored by the same author is acknowledged again.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use super::signatures::PhoneSignature;
use super::{Db, failure, faults};
use crate::domain::ledger::Payment;
use crate::domain::london_time::{age_on, london_date, ms_from_london, parse_date};
use crate::domain::risk::RiskReason;
use crate::domain::schedule::{BookingKind, Service};
use crate::domain::session_log::{
    AHEAD_SLACK_MS, Admission, Arrival, EntryKind, LoggedEntry, SessionEntry, SessionFacts,
    check_entry,
};
use crate::domain::sync_queue::{ItemOutcome, QueuedItem};
use crate::error::AppError;
use crate::model::{
    ChildFirstName, ClockOffset, Colleague, ConcernAlert, CurrentUser, LoggedSession, RecordStatus,
    RecordText, SyncBatch, SyncReply, WorkerSession, WorkerSessions,
};

/// One queued entry as a phone sends it.
type Queued = QueuedItem<SessionEntry>;

/// The most items one batch may carry; the phone sends fewer.
pub const MAX_BATCH: usize = 500;
/// How far ahead the phone keeps sessions.
const AHEAD_MS: i64 = 14 * 24 * 3_600_000;
/// Values per stored entry.
const COLUMNS: usize = 11;
/// Rows per INSERT statement (11 values each, well inside both databases' limits).
const ROWS_PER_INSERT: usize = 100;

/// The worker's sessions from the start of today (London) for two weeks,
/// cancelled ones included so that the phone learns of a cancellation.
pub async fn for_worker(
    db: &Db,
    me: &CurrentUser,
    now_ms: i64,
) -> Result<WorkerSessions, AppError> {
    let today = london_date(now_ms);
    let from_ms = ms_from_london(today.and_hms_opt(0, 0, 0).unwrap_or_default());
    let rows = sqlx::query(
        "SELECT b.id, b.case_id, c.reference, b.kind, b.starts_at, b.ends_at, b.visiting_arrives_at, \
         b.visiting_leaves_at, r.name AS room, b.cancelled_at, b.held_at, \
         p.service, p.ground_rules, p.who_may_attend \
         FROM bookings b JOIN booking_workers w ON w.booking_id = b.id \
         JOIN cases c ON c.id = b.case_id JOIN rooms r ON r.id = b.room_id \
         LEFT JOIN contact_plans p ON p.id = b.plan_id \
         WHERE w.user_id = $1 AND b.starts_at >= $2 AND b.starts_at < $3 \
         ORDER BY b.starts_at, b.id",
    )
    .bind(me.id)
    .bind(from_ms)
    .bind(now_ms + AHEAD_MS)
    .fetch_all(&db.pool)
    .await?;
    let mut sessions = Vec::new();
    let mut payments = super::ledger::PaymentsByCase::default();
    for row in rows {
        let booking_id: i64 = row.try_get("id")?;
        let case_id: i64 = row.try_get("case_id")?;
        let kind: String = row.try_get("kind")?;
        let service: Option<String> = row.try_get("service")?;
        sessions.push(WorkerSession {
            booking_id,
            case_reference: row.try_get("reference")?,
            children: children_of(db, case_id, today).await?,
            service: service
                .as_deref()
                .and_then(Service::parse)
                .unwrap_or(Service::Supervised),
            kind: BookingKind::parse(&kind)
                .ok_or_else(|| failure::internal("unknown booking kind"))?,
            room: row.try_get("room")?,
            visiting_arrives_ms: row.try_get("visiting_arrives_at")?,
            starts_ms: row.try_get("starts_at")?,
            ends_ms: row.try_get("ends_at")?,
            visiting_leaves_ms: row.try_get("visiting_leaves_at")?,
            workers: workers_of(db, booking_id).await?,
            ground_rules: row
                .try_get::<Option<String>, _>("ground_rules")?
                .unwrap_or_default(),
            who_may_attend: row
                .try_get::<Option<String>, _>("who_may_attend")?
                .unwrap_or_default(),
            risk_flags: risk_flags(db, case_id).await?,
            cancelled: row.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
            on_hold: row.try_get::<Option<i64>, _>("held_at")?.is_some(),
            awaiting_payment: matches!(
                payments.of(db, case_id, booking_id).await?,
                Payment::Owed(_)
            ),
        });
    }
    Ok(WorkerSessions {
        me: Colleague {
            id: me.id,
            name: me.display_name.clone(),
        },
        fetched_ms: now_ms,
        pin_salt: super::signing::pin_salt(db, me.id).await?,
        sessions,
    })
}

/// A case's children by first name and age on `today`.
pub async fn children_of(
    db: &Db,
    case_id: i64,
    today: chrono::NaiveDate,
) -> Result<Vec<ChildFirstName>, AppError> {
    let rows = sqlx::query(
        "SELECT first_name, date_of_birth FROM children WHERE case_id = $1 ORDER BY date_of_birth",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let born: String = row.try_get("date_of_birth")?;
            Ok(ChildFirstName {
                first_name: row.try_get("first_name")?,
                age: age_on(parse_date("date_of_birth", &born)?, today),
            })
        })
        .collect()
}

async fn workers_of(db: &Db, booking_id: i64) -> Result<Vec<Colleague>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name FROM booking_workers w JOIN users u ON u.id = w.user_id \
         WHERE w.booking_id = $1 ORDER BY u.display_name",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Colleague {
                id: row.try_get("id")?,
                name: row.try_get("display_name")?,
            })
        })
        .collect()
}

async fn risk_flags(db: &Db, case_id: i64) -> Result<Vec<String>, AppError> {
    let rows = sqlx::query(
        "SELECT rr.reason FROM referral_reasons rr JOIN referrals f ON f.id = rr.referral_id \
         WHERE f.case_id = $1 ORDER BY rr.reason",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| row.try_get::<String, _>("reason").ok())
        .filter_map(|name| {
            serde_json::from_value::<RiskReason>(serde_json::Value::String(name)).ok()
        })
        .map(|reason| reason.row().label.to_owned())
        .collect())
}

/// What an entry is checked against; `None` when there is no such booking.
pub async fn facts(db: &Db, booking_id: i64) -> Result<Option<SessionFacts>, AppError> {
    let Some(row) = sqlx::query(
        "SELECT b.starts_at, b.ends_at, b.cancelled_at, p.service, r.status AS record_status FROM bookings b \
         LEFT JOIN contact_plans p ON p.id = b.plan_id \
         LEFT JOIN session_records r ON r.booking_id = b.id WHERE b.id = $1",
    )
    .bind(booking_id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let service: Option<String> = row.try_get("service")?;
    let workers = sqlx::query("SELECT user_id FROM booking_workers WHERE booking_id = $1")
        .bind(booking_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>("user_id"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(SessionFacts {
        service: service
            .as_deref()
            .and_then(Service::parse)
            .unwrap_or(Service::Supervised),
        starts_ms: row.try_get("starts_at")?,
        ends_ms: row.try_get("ends_at")?,
        cancelled: row.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
        locked: row
            .try_get::<Option<String>, _>("record_status")?
            .is_some_and(|status| status != "draft"),
        workers,
    }))
}

/// The id a raw item gives itself, if it gives one: a refusal names it so
/// the phone can find the item it refers to.
fn raw_id(raw: &serde_json::Value) -> String {
    raw.get("id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// An entry that passed its checks, waiting to be written.
struct Admitted<'a> {
    at: usize,
    item: &'a Queued,
    body: String,
    late: bool,
}

/// Stores a batch from `worker`'s phone. Every item gets an outcome, in order.
///
/// Items are read one by one: one the server cannot read is refused alone.
/// An item made by another worker (a shared phone that changed hands
/// mid-sync) is held: never stored under the sender, kept on the phone. Entries are checked one by one and the good ones stored
/// in one transaction; those arriving after the record was signed are
/// stored as late entries. Signatures made on the phone come after (they
/// lock the session, and a phone queues its signature after its entries):
/// each one signs the record through `records::sign_from_phone`. An item
/// refused now but stored by this author before (its reply was lost) is
/// acknowledged as already stored, so the phone lets it go.
pub async fn ingest(
    db: &Db,
    worker: &CurrentUser,
    batch: &SyncBatch,
    now_ms: i64,
) -> Result<SyncReply, AppError> {
    let author = worker.id;
    if batch.items.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "items",
            format!(
                "A batch carries at most {MAX_BATCH} entries; this one had {}.",
                batch.items.len()
            ),
        ));
    }
    let arrival = Arrival {
        sender: author,
        server_ms: now_ms,
        clock_offset_ms: now_ms.saturating_sub(batch.sent_ms),
    };
    let mut outcomes: Vec<Option<ItemOutcome>> = vec![None; batch.items.len()];
    let mut decoded: Vec<(usize, Queued)> = Vec::with_capacity(batch.items.len());
    for (at, raw) in batch.items.iter().enumerate() {
        // Read in place, without copying the value.
        match <Queued as serde::Deserialize>::deserialize(raw) {
            Ok(item) => decoded.push((at, item)),
            Err(error) => {
                outcomes[at] = Some(ItemOutcome::Rejected {
                    id: raw_id(raw),
                    reason: format!(
                        "The centre could not read this entry ({error}). The app on this phone may be out of date: open it with signal to update it, and tell the coordinator what the entry said."
                    ),
                })
            }
        }
    }
    let mut facts_by_booking: HashMap<i64, Option<SessionFacts>> = HashMap::new();
    let mut good: Vec<Admitted> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut good_observations: HashSet<&str> = HashSet::new();
    let mut signatures: Vec<(usize, &Queued)> = Vec::new();
    for (at, item) in &decoded {
        let at = *at;
        if item.author != author {
            // Never stored under the sender; the phone keeps it for its author.
            outcomes[at] = Some(ItemOutcome::Held {
                id: item.id.clone(),
                reason: "This entry was made by another worker on this phone; it waits there for them to sign in.".into(),
            });
            continue;
        }
        let booking_id = item.payload.booking_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = facts_by_booking.entry(booking_id)
        {
            slot.insert(facts(db, booking_id).await?);
        }
        let verdict = match (
            uuid::Uuid::parse_str(&item.id),
            &facts_by_booking[&booking_id],
        ) {
            (Err(_), _) => Err("This entry's id is not a valid UUID.".to_owned()),
            _ if !seen.insert(item.id.as_str()) => {
                Err("This entry appears twice in one batch.".to_owned())
            }
            (Ok(_), None) => Err(crate::domain::session_log::NOT_YOURS.to_owned()),
            (Ok(_), Some(session)) => check_entry(&item.payload, session, &arrival),
        };
        let verdict = match (verdict, &item.payload.kind) {
            (Ok(admission), EntryKind::Correction { of, .. })
                if !good_observations.contains(of.as_str()) =>
            {
                correctable(db, of, author, booking_id)
                    .await?
                    .map(|()| admission)
            }
            (verdict, _) => verdict,
        };
        match verdict {
            Ok(_) if matches!(item.payload.kind, EntryKind::Signature { .. }) => {
                signatures.push((at, item));
            }
            Err(_) if stored_before(db, &item.id, author).await? => {
                outcomes[at] = Some(ItemOutcome::AlreadyStored {
                    id: item.id.clone(),
                })
            }
            Ok(admission) => {
                if matches!(item.payload.kind, EntryKind::Observation { .. }) {
                    good_observations.insert(item.id.as_str());
                }
                let body = serde_json::to_string(&item.payload.kind)
                    .map_err(|e| failure::internal(format!("entry to JSON: {e}")))?;
                good.push(Admitted {
                    at,
                    item,
                    body,
                    late: admission == Admission::Late,
                });
            }
            Err(reason) => {
                outcomes[at] = Some(ItemOutcome::Rejected {
                    id: item.id.clone(),
                    reason,
                })
            }
        }
    }

    let mut tx = db.begin_write().await?;
    let mut stored: HashSet<String> = HashSet::new();
    for chunk in good.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO session_entries (id, booking_id, author_id, kind, safeguarding, at_ms, saved_ms, \
             received_ms, clock_offset_ms, body, late) VALUES ",
        );
        for row in 0..chunk.len() {
            let base = row * COLUMNS;
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(
                &(1..=COLUMNS)
                    .map(|n| format!("${}", base + n))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            sql.push(')');
        }
        sql.push_str(" ON CONFLICT (id) DO NOTHING RETURNING id");
        let mut query = sqlx::query(&sql);
        for admitted in chunk {
            let item = admitted.item;
            query = query
                .bind(item.id.clone())
                .bind(item.payload.booking_id)
                .bind(author)
                .bind(item.payload.kind.as_str())
                .bind(i32::from(item.payload.kind.is_safeguarding()))
                .bind(item.payload.at_ms)
                .bind(item.device_ms)
                .bind(now_ms)
                .bind(arrival.clock_offset_ms)
                .bind(admitted.body.clone())
                .bind(i32::from(admitted.late));
        }
        for row in query.fetch_all(&mut *tx).await? {
            stored.insert(row.try_get("id")?);
        }
    }
    // Ids not stored now were stored before: by this author (a replay, fine)
    // or, far less likely, by someone else (refused, never overwritten).
    let mut earlier_authors: HashMap<String, i64> = HashMap::new();
    for admitted in good.iter().filter(|a| !stored.contains(&a.item.id)) {
        if let Some(row) = sqlx::query("SELECT author_id FROM session_entries WHERE id = $1")
            .bind(admitted.item.id.clone())
            .fetch_optional(&mut *tx)
            .await?
        {
            earlier_authors.insert(admitted.item.id.clone(), row.try_get("author_id")?);
        }
    }
    // A concern is told to every coordinator at once, in the same
    // transaction as the entry (its words stay in the portal).
    for admitted in good.iter().filter(|a| stored.contains(&a.item.id)) {
        if admitted.item.payload.kind.is_safeguarding() {
            let (_, reference) =
                super::outbox::case_of_booking(&mut tx, admitted.item.payload.booking_id).await?;
            super::outbox::queue_to_coordinators(
                &mut tx,
                &crate::domain::message::concern_raised(&reference),
                &format!("concern {}", admitted.item.id),
                now_ms,
            )
            .await?;
        }
    }
    faults::maybe_crash(faults::Point::BeforeCommit);
    tx.commit().await?;
    super::outbox::wake();
    faults::maybe_crash(faults::Point::AfterCommit);

    for admitted in &good {
        let id = admitted.item.id.clone();
        outcomes[admitted.at] = Some(if stored.contains(&id) {
            ItemOutcome::Stored { id }
        } else if earlier_authors.get(&id) == Some(&author) {
            ItemOutcome::AlreadyStored { id }
        } else {
            ItemOutcome::Rejected {
                id,
                reason: "Another entry already has this id.".into(),
            }
        });
    }
    // A start, or "did not take place", records attendance (and may
    // suspend contact) once the entries are safe. Replayed ones too: had
    // this failed after the commit, the phone's retry finishes it (recording
    // what is already recorded changes nothing).
    let mut attendance_of: Vec<i64> = good
        .iter()
        .filter(|a| !a.late)
        .filter(|a| {
            matches!(
                a.item.payload.kind,
                EntryKind::Started | EntryKind::NotAttended { .. }
            )
        })
        .map(|a| a.item.payload.booking_id)
        .collect();
    attendance_of.sort_unstable();
    attendance_of.dedup();
    for booking_id in attendance_of {
        super::attendance::record_from_session_log(db, booking_id, author, now_ms).await?;
    }
    for (at, item) in signatures {
        outcomes[at] = Some(signature_outcome(db, worker, item, now_ms).await?);
    }
    Ok(SyncReply {
        server_ms: now_ms,
        outcomes: outcomes.into_iter().flatten().collect(),
    })
}

/// Whether an item with this id from this author is stored already, as an
/// entry or as a signature.
async fn stored_before(db: &Db, id: &str, author: i64) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM session_entries WHERE id = $1 AND author_id = $2 \
         UNION ALL SELECT 1 AS one FROM record_signatures WHERE item_id = $1 AND user_id = $2",
    )
    .bind(id.to_owned())
    .bind(author)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

/// One signature from the phone's queue, and what to tell the phone.
async fn signature_outcome(
    db: &Db,
    worker: &CurrentUser,
    item: &Queued,
    now_ms: i64,
) -> Result<ItemOutcome, AppError> {
    let EntryKind::Signature {
        summary,
        ended_early,
        incident,
        unsigned_note,
        proof,
        text_proof,
    } = &item.payload.kind
    else {
        return Err(failure::internal("a signature was expected"));
    };
    let id = item.id.clone();
    let signed = PhoneSignature {
        item_id: &id,
        booking_id: item.payload.booking_id,
        text: RecordText {
            summary: summary.clone(),
            ended_early: ended_early.clone(),
            incident: incident.clone(),
        },
        unsigned_note,
        proof,
        text_proof,
        device_ms: item.payload.at_ms,
    };
    let outcome = super::signatures::sign_from_phone(db, worker, &signed, now_ms).await;
    Ok(match outcome {
        Ok(true) => ItemOutcome::Stored { id },
        Ok(false) => ItemOutcome::AlreadyStored { id },
        Err(
            refusal @ (AppError::Invalid { .. }
            | AppError::Conflict { .. }
            | AppError::NotFound { .. }
            | AppError::Forbidden),
        ) => ItemOutcome::Rejected {
            id,
            reason: refusal.to_string(),
        },
        Err(other) => return Err(other),
    })
}

/// Whether `author` may correct the stored entry `of` in `booking_id`.
async fn correctable(
    db: &Db,
    of: &str,
    author: i64,
    booking_id: i64,
) -> Result<Result<(), String>, AppError> {
    let row = sqlx::query("SELECT booking_id, author_id, kind FROM session_entries WHERE id = $1")
        .bind(of.to_owned())
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(Err(
            "This corrects an entry the server does not have. Sync the entry itself first.".into(),
        ));
    };
    let (booking, by, kind): (i64, i64, String) = (
        row.try_get("booking_id")?,
        row.try_get("author_id")?,
        row.try_get("kind")?,
    );
    Ok(if booking != booking_id || kind != "observation" {
        Err("Only an observation of the same session can be corrected.".into())
    } else if by != author {
        Err("Only the worker who wrote an observation can correct it.".into())
    } else {
        Ok(())
    })
}

/// Whether `user` is booked on the session.
pub async fn is_booked(db: &Db, booking_id: i64, user_id: i64) -> Result<bool, AppError> {
    Ok(
        sqlx::query("SELECT 1 AS yes FROM booking_workers WHERE booking_id = $1 AND user_id = $2")
            .bind(booking_id)
            .bind(user_id)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}

/// Everything stored for one session, from every worker, oldest first.
pub async fn log(db: &Db, booking_id: i64) -> Result<LoggedSession, AppError> {
    let booking = sqlx::query(
        "SELECT c.reference, b.starts_at, b.ends_at, r.name AS room, p.service, rec.status AS record_status \
         FROM bookings b JOIN cases c ON c.id = b.case_id JOIN rooms r ON r.id = b.room_id \
         LEFT JOIN contact_plans p ON p.id = b.plan_id \
         LEFT JOIN session_records rec ON rec.booking_id = b.id WHERE b.id = $1",
    )
    .bind(booking_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("That session"))?;
    let rows = sqlx::query(
        "SELECT id, author_id, at_ms, saved_ms, received_ms, clock_offset_ms, late, body FROM session_entries \
         WHERE booking_id = $1 ORDER BY at_ms, id",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    let mut received_ms = Vec::with_capacity(rows.len());
    let mut late_ids = Vec::new();
    // Each author's offset at their latest sync: (author, received, offset).
    let mut latest_offsets: Vec<(i64, i64, i64)> = Vec::new();
    for row in rows {
        let body: String = row.try_get("body")?;
        let id: String = row.try_get("id")?;
        let author: i64 = row.try_get("author_id")?;
        let received: i64 = row.try_get("received_ms")?;
        let offset: i64 = row.try_get("clock_offset_ms")?;
        if row.try_get::<i32, _>("late")? == 1 {
            late_ids.push(id.clone());
        }
        match latest_offsets.iter_mut().find(|(who, _, _)| *who == author) {
            Some(slot) if slot.1 <= received => *slot = (author, received, offset),
            Some(_) => {}
            None => latest_offsets.push((author, received, offset)),
        }
        entries.push(LoggedEntry {
            id,
            author,
            at_ms: row.try_get("at_ms")?,
            saved_ms: row.try_get("saved_ms")?,
            kind: serde_json::from_str(&body)
                .map_err(|e| failure::internal(format!("stored entry: {e}")))?,
        });
        received_ms.push(received);
    }
    let service: Option<String> = booking.try_get("service")?;
    Ok(LoggedSession {
        booking_id,
        case_reference: booking.try_get("reference")?,
        service: service
            .as_deref()
            .and_then(Service::parse)
            .unwrap_or(Service::Supervised),
        starts_ms: booking.try_get("starts_at")?,
        ends_ms: booking.try_get("ends_at")?,
        room: booking.try_get("room")?,
        workers: workers_of(db, booking_id).await?,
        entries,
        received_ms,
        late_ids,
        clock_offsets: latest_offsets
            .into_iter()
            .map(|(author, _, offset_ms)| ClockOffset { author, offset_ms })
            .collect(),
        record_status: booking
            .try_get::<Option<String>, _>("record_status")?
            .as_deref()
            .and_then(RecordStatus::parse),
        signed_by: sqlx::query(
            "SELECT s.user_id FROM record_signatures s JOIN session_records r \
             ON r.booking_id = s.booking_id AND r.version = s.version WHERE s.booking_id = $1",
        )
        .bind(booking_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>("user_id"))
        .collect::<Result<Vec<_>, _>>()?,
    })
}

/// Safeguarding concerns received since `since_ms`, newest first.
pub async fn concerns_since(db: &Db, since_ms: i64) -> Result<Vec<ConcernAlert>, AppError> {
    let rows = sqlx::query(
        "SELECT e.booking_id, c.reference, u.display_name, e.at_ms, e.received_ms, e.clock_offset_ms, e.late, e.body FROM session_entries e \
         JOIN bookings b ON b.id = e.booking_id JOIN cases c ON c.id = b.case_id \
         JOIN users u ON u.id = e.author_id \
         WHERE e.safeguarding = 1 AND e.received_ms >= $1 ORDER BY e.received_ms DESC, e.at_ms DESC LIMIT 50",
    )
    .bind(since_ms)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let body: String = row.try_get("body")?;
            let text = match serde_json::from_str::<EntryKind>(&body) {
                Ok(EntryKind::Observation { text, .. }) => text,
                _ => String::new(),
            };
            let at_ms: i64 = row.try_get("at_ms")?;
            let received_ms: i64 = row.try_get("received_ms")?;
            let arrival = Arrival {
                sender: 0,
                server_ms: received_ms,
                clock_offset_ms: row.try_get("clock_offset_ms")?,
            };
            Ok(ConcernAlert {
                booking_id: row.try_get("booking_id")?,
                case_reference: row.try_get("reference")?,
                author: row.try_get("display_name")?,
                at_ms,
                text,
                received_ms,
                late: row.try_get::<i32, _>("late")? == 1,
                dated_ahead: arrival.ahead_ms(at_ms) > AHEAD_SLACK_MS,
            })
        })
        .collect()
}
