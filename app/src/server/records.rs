//! Session records after the session: the workers complete them and sign
//! (`signatures.rs`), a coordinator who is not an author co-signs (which
//! releases the record to the case's referrer) or returns them with a
//! comment; corrections after signing are addenda. Reading a record checks
//! every signature's hash against what is stored. Every step is written to
//! the audit trail in the same transaction (`audit.rs`). The database
//! refuses changes to signed text and to stored entries (triggers in
//! `0004_records.sql` and `0010_signed_content.sql`), whatever calls it.

use sqlx::Row;

use super::audit::Step;
use super::signing;
use super::{Db, failure, outbox, retention, sessions, signatures};
use crate::domain::document::DocumentKind;
use crate::domain::message;
use crate::domain::record::{Deadlines, SignedContent};
use crate::domain::role::Role;
use crate::domain::session_log::EntryKind;
use crate::domain::session_log::SHOWN_OFFSET_MS;
use crate::error::AppError;
use crate::model::{
    Addendum, CurrentUser, LateEntry, RecordDue, RecordSignature, RecordStatus, RecordText,
    SessionRecord,
};

/// The most a record's text fields may hold, in characters.
const MAX_TEXT: usize = 10_000;

/// When the worker ended the session, by the server's clock: the latest
/// "session ended" (or "did not take place") entry's time with its phone's
/// offset allowed for, and never later than the entry reached the server.
async fn ended_entry_ms(db: &Db, booking_id: i64) -> Result<Option<i64>, AppError> {
    let rows = sqlx::query(
        "SELECT at_ms, clock_offset_ms, received_ms, body FROM session_entries \
         WHERE booking_id = $1 AND kind IN ('ended', 'attendance') AND late = 0",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?;
    let mut latest: Option<i64> = None;
    for row in rows {
        let body: String = row.try_get("body")?;
        if matches!(
            serde_json::from_str::<EntryKind>(&body),
            Ok(EntryKind::Ended | EntryKind::NotAttended { .. })
        ) {
            let at: i64 = row.try_get("at_ms")?;
            let offset: i64 = row.try_get("clock_offset_ms")?;
            let received: i64 = row.try_get("received_ms")?;
            let at = at.saturating_add(offset).min(received);
            latest = Some(latest.map_or(at, |l| l.max(at)));
        }
    }
    Ok(latest)
}

/// The record of a session, created as a draft the first time anyone asks
/// once the session has ended (by the worker's "session ended" entry, or
/// else at its booked end). `NotFound` for a cancelled or unknown session,
/// `Conflict` before it has ended.
pub(super) async fn ensure(db: &Db, booking_id: i64, now_ms: i64) -> Result<(), AppError> {
    let booking = sqlx::query(
        "SELECT b.ends_at, b.cancelled_at, r.booking_id AS recorded FROM bookings b \
         LEFT JOIN session_records r ON r.booking_id = b.id WHERE b.id = $1",
    )
    .bind(booking_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("That session"))?;
    if booking.try_get::<Option<i64>, _>("cancelled_at")?.is_some() {
        return Err(AppError::not_found(
            "A record of that session (it was cancelled)",
        ));
    }
    if booking.try_get::<Option<i64>, _>("recorded")?.is_some() {
        return Ok(());
    }
    let booked_end: i64 = booking.try_get("ends_at")?;
    let ended = match ended_entry_ms(db, booking_id).await? {
        Some(at) => at,
        None if now_ms >= booked_end => booked_end,
        None => {
            return Err(AppError::conflict(
                "The session has not ended yet. End it in session mode, or wait for its booked end.",
            ));
        }
    };
    sqlx::query("INSERT INTO session_records (booking_id, ended_ms) VALUES ($1, $2) ON CONFLICT (booking_id) DO NOTHING")
        .bind(booking_id)
        .bind(ended)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Who may read a record: a worker booked on it, any coordinator, and the
/// case's referrer once it is released. Everyone else is told it does not
/// exist.
pub async fn may_read(db: &Db, booking_id: i64, user: &CurrentUser) -> Result<bool, AppError> {
    Ok(match user.role {
        Role::Coordinator => true,
        // A senior worker reads another session's record once it is signed,
        // to co-sign it (every reading is in the audit trail).
        Role::Worker => {
            sessions::is_booked(db, booking_id, user.id).await?
                || (user.senior
                    && sqlx::query(
                        "SELECT 1 AS one FROM session_records WHERE booking_id = $1 AND status IN ('signed', 'released')",
                    )
                    .bind(booking_id)
                    .fetch_optional(&db.pool)
                    .await?
                    .is_some())
        }
        // Once the case closes, only what was released before, and only for
        // the referrer's access period.
        Role::Referrer => sqlx::query(&format!(
            "SELECT 1 AS one FROM session_records r JOIN bookings b ON b.id = r.booking_id \
             JOIN case_members m ON m.case_id = b.case_id JOIN cases cx ON cx.id = b.case_id \
             WHERE r.booking_id = $1 AND r.status = 'released' AND m.user_id = $2 AND m.relation = 'referrer' \
             AND {}",
            retention::referrer_still_reads("cx", "r.released_ms", 3)
        ))
        .bind(booking_id)
        .bind(user.id)
        .bind(retention::referrer_cutoff(db, super::now_ms()).await?)
        .fetch_optional(&db.pool)
        .await?
        .is_some(),
        Role::Parent => false,
    })
}

/// The record in full. The caller has checked `may_read`.
pub async fn read(db: &Db, booking_id: i64, now_ms: i64) -> Result<SessionRecord, AppError> {
    ensure(db, booking_id, now_ms).await?;
    let log = sessions::log(db, booking_id).await?;
    let row = sqlx::query(
        "SELECT r.ended_ms, r.summary, r.ended_early, r.incident, r.status, r.version, r.return_note, \
         r.unsigned_note, r.released_ms, u.display_name AS cosigner, b.case_id \
         FROM session_records r JOIN bookings b ON b.id = r.booking_id \
         LEFT JOIN users u ON u.id = r.cosigned_by WHERE r.booking_id = $1",
    )
    .bind(booking_id)
    .fetch_one(&db.pool)
    .await?;
    let status: String = row.try_get("status")?;
    let case_id: i64 = row.try_get("case_id")?;
    let current_text = RecordText {
        summary: row.try_get("summary")?,
        ended_early: row.try_get("ended_early")?,
        incident: row.try_get("incident")?,
    };
    let version: i32 = row.try_get("version")?;
    // Every stored body by id, to check each signature's hash against what
    // is stored now (entries never change; this shows that they did not).
    let bodies: std::collections::HashMap<String, String> =
        sqlx::query("SELECT id, body FROM session_entries WHERE booking_id = $1")
            .bind(booking_id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("body")?)))
            .collect::<Result<_, AppError>>()?;
    let signatures = sqlx::query(
        "SELECT s.version, u.display_name, s.signed_ms, s.device_ms, s.method, s.signed_text, \
         s.content_hash, s.covered, s.unsigned_note FROM record_signatures s \
         JOIN users u ON u.id = s.user_id WHERE s.booking_id = $1 ORDER BY s.version, s.signed_ms",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|s| {
        let text: String = s.try_get("signed_text")?;
        let text: RecordText = serde_json::from_str(&text)
            .map_err(|e| failure::internal(format!("signed text: {e}")))?;
        let signed_version: i32 = s.try_get("version")?;
        let content_hash: String = s.try_get("content_hash")?;
        let unsigned_note: String = s.try_get("unsigned_note")?;
        let covered: Vec<String> = serde_json::from_str(&s.try_get::<String, _>("covered")?)
            .map_err(|e| failure::internal(format!("covered entries: {e}")))?;
        let intact = (!content_hash.is_empty()).then(|| {
            let entries: Option<Vec<(&str, &str)>> = covered
                .iter()
                .map(|id| bodies.get(id).map(|body| (id.as_str(), body.as_str())))
                .collect();
            entries.is_some_and(|entries| {
                SignedContent {
                    booking_id,
                    version: signed_version,
                    summary: &text.summary,
                    ended_early: &text.ended_early,
                    incident: &text.incident,
                    unsigned_note: &unsigned_note,
                    entries,
                }
                .hash()
                    == content_hash
            })
        });
        Ok(RecordSignature {
            version: signed_version,
            name: s.try_get("display_name")?,
            signed_ms: s.try_get("signed_ms")?,
            device_ms: s.try_get("device_ms")?,
            method: s.try_get("method")?,
            matches_current: signed_version == version && text == current_text,
            text,
            unsigned_note,
            content_hash,
            covered: covered.len(),
            intact,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let addenda = sqlx::query(
        "SELECT u.display_name, a.body, a.signed_ms FROM record_addenda a JOIN users u ON u.id = a.author_id \
         WHERE a.booking_id = $1 ORDER BY a.id",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|a| {
        Ok(Addendum {
            author: a.try_get("display_name")?,
            body: a.try_get("body")?,
            signed_ms: a.try_get("signed_ms")?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let today = crate::domain::london_time::london_date(now_ms);
    let mut entries = Vec::with_capacity(log.entries.len());
    let mut late_entries = Vec::new();
    for (entry, received_ms) in log.entries.into_iter().zip(log.received_ms) {
        if log.late_ids.contains(&entry.id) {
            late_entries.push(LateEntry { entry, received_ms });
        } else {
            entries.push(entry);
        }
    }
    Ok(SessionRecord {
        booking_id,
        case_reference: log.case_reference,
        service: log.service,
        room: log.room,
        starts_ms: log.starts_ms,
        ends_ms: log.ends_ms,
        children: sessions::children_of(db, case_id, today).await?,
        workers: log.workers,
        status: RecordStatus::parse(&status).unwrap_or(RecordStatus::Draft),
        version,
        deadlines: Deadlines::from_end(row.try_get("ended_ms")?),
        text: current_text,
        unsigned_note: row.try_get("unsigned_note")?,
        return_note: row.try_get("return_note")?,
        signatures,
        cosigned_by: row.try_get("cosigner")?,
        released_ms: row.try_get("released_ms")?,
        entries,
        late_entries,
        clock_offsets: log
            .clock_offsets
            .into_iter()
            .filter(|c| c.offset_ms.abs() > SHOWN_OFFSET_MS)
            .collect(),
        addenda,
    })
}

/// Checks the length of each part of a record's text.
pub(super) fn check_record_text(text: &RecordText) -> Result<(), AppError> {
    check_text("summary", &text.summary)?;
    check_text("ended_early", &text.ended_early)?;
    check_text("incident", &text.incident)
}

pub(super) fn check_text(field: &str, text: &str) -> Result<(), AppError> {
    let length = text.chars().count();
    if length > MAX_TEXT {
        return Err(AppError::invalid(
            field,
            format!("This is {length} characters; the most is {MAX_TEXT}."),
        ));
    }
    Ok(())
}

pub(super) async fn status_of(db: &Db, booking_id: i64) -> Result<(RecordStatus, i32), AppError> {
    let row = sqlx::query("SELECT status, version FROM session_records WHERE booking_id = $1")
        .bind(booking_id)
        .fetch_one(&db.pool)
        .await?;
    let status: String = row.try_get("status")?;
    Ok((
        RecordStatus::parse(&status).unwrap_or(RecordStatus::Draft),
        row.try_get::<i32, _>("version")?,
    ))
}

/// The record's status, or `None` when the booking has no record (yet).
pub async fn status_if_any(db: &Db, booking_id: i64) -> Result<Option<RecordStatus>, AppError> {
    let row = sqlx::query("SELECT status FROM session_records WHERE booking_id = $1")
        .bind(booking_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| {
        let status: String = row.try_get("status")?;
        Ok(RecordStatus::parse(&status).unwrap_or(RecordStatus::Draft))
    })
    .transpose()
}

/// Saves the workers' text while the record is a draft.
pub async fn save_text(
    db: &Db,
    booking_id: i64,
    worker: &CurrentUser,
    text: &RecordText,
    now_ms: i64,
) -> Result<(), AppError> {
    if !sessions::is_booked(db, booking_id, worker.id).await? {
        return Err(AppError::not_found("That session"));
    }
    check_record_text(text)?;
    ensure(db, booking_id, now_ms).await?;
    let (status, version) = status_of(db, booking_id).await?;
    if status != RecordStatus::Draft {
        return Err(AppError::conflict(
            "This record is signed, so it no longer changes. Add an addendum instead.",
        ));
    }
    let signers = signatures::signers_of(db, booking_id, version).await?;
    if !signers.is_empty() {
        return Err(AppError::conflict(signatures::fixed_text_message(&signers)));
    }
    write_text(db, booking_id, text).await
}

/// Writes a draft's text; the caller has checked that nobody signed the
/// version (and the database refuses it otherwise).
async fn write_text(db: &Db, booking_id: i64, text: &RecordText) -> Result<(), AppError> {
    sqlx::query("UPDATE session_records SET summary = $1, ended_early = $2, incident = $3 WHERE booking_id = $4 AND status = 'draft'")
        .bind(text.summary.trim())
        .bind(text.ended_early.trim())
        .bind(text.incident.trim())
        .bind(booking_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A coordinator, or a senior worker who neither signed it nor worked the
/// session, co-signs a signed record, which releases it to the case's
/// referrer.
pub async fn cosign(
    db: &Db,
    booking_id: i64,
    coordinator: &CurrentUser,
    password: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let record = read(db, booking_id, now_ms).await?;
    match record.status {
        RecordStatus::Draft => {
            return Err(AppError::conflict(
                "This record has not been signed yet, so it cannot be co-signed.",
            ));
        }
        RecordStatus::Released => {
            return Err(AppError::conflict("This record is already co-signed."));
        }
        RecordStatus::Signed => {}
    }
    if is_own(db, booking_id, coordinator.id).await? {
        return Err(AppError::Forbidden);
    }
    let confirmed = signing::confirm(db, coordinator, password, now_ms).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE session_records SET status = 'released', cosigned_by = $1, cosigned_ms = $2, released_ms = $2 \
         WHERE booking_id = $3 AND status = 'signed'",
    )
    .bind(coordinator.id)
    .bind(now_ms)
    .bind(booking_id)
    .execute(&mut *tx)
    .await?;
    Step::on_record(db, coordinator.id, booking_id, now_ms)
        .audit(
            &mut tx,
            "cosign",
            &format!(
                "version {}, confirmed by {}",
                record.version,
                confirmed.as_str()
            ),
        )
        .await?;
    Step::on_record(db, coordinator.id, booking_id, now_ms)
        .audit(&mut tx, "release", "to the case's referrer")
        .await?;
    let (case_id, reference) = outbox::case_of_booking(&mut tx, booking_id).await?;
    let referrers = outbox::referrers_of(&mut tx, case_id).await?;
    outbox::queue_to_users(
        &mut tx,
        &referrers,
        &message::released(false, &reference),
        &format!("released record {booking_id} v{}", record.version),
        now_ms,
    )
    .await?;
    super::audit::commit(db, tx).await?;
    super::documents::register_released(db, DocumentKind::Record, booking_id, now_ms).await;
    Ok(())
}

/// Whether this person signed the record or worked its session: theirs to
/// sign, never to co-sign or return.
async fn is_own(db: &Db, booking_id: i64, user_id: i64) -> Result<bool, AppError> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM record_signatures WHERE booking_id = $1 AND user_id = $2 \
         UNION SELECT 1 AS one FROM booking_workers WHERE booking_id = $1 AND user_id = $2",
    )
    .bind(booking_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

/// A coordinator returns a signed record to the workers with a comment.
/// The signed version stays in the signatures' history; the workers amend
/// and sign the next version.
pub async fn send_back(
    db: &Db,
    booking_id: i64,
    coordinator: &CurrentUser,
    comment: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(AppError::invalid("comment", "Say what needs amending."));
    }
    check_text("comment", comment)?;
    ensure(db, booking_id, now_ms).await?;
    if is_own(db, booking_id, coordinator.id).await? {
        return Err(AppError::Forbidden);
    }
    let (status, version) = status_of(db, booking_id).await?;
    if status != RecordStatus::Signed {
        return Err(AppError::conflict(
            "Only a signed record waiting for co-signature can be returned.",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE session_records SET status = 'draft', version = version + 1, return_note = $1, unsigned_note = '' \
         WHERE booking_id = $2 AND status = 'signed'",
    )
    .bind(comment)
    .bind(booking_id)
    .execute(&mut *tx)
    .await?;
    Step::on_record(db, coordinator.id, booking_id, now_ms)
        .audit(&mut tx, "return", &format!("version {version}: {comment}"))
        .await?;
    let (_, reference) = outbox::case_of_booking(&mut tx, booking_id).await?;
    let workers: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM booking_workers WHERE booking_id = $1")
            .bind(booking_id)
            .fetch_all(&mut *tx)
            .await?;
    outbox::queue_to_users(
        &mut tx,
        &workers,
        &message::record_returned(&reference),
        &format!("returned record {booking_id} v{version}"),
        now_ms,
    )
    .await?;
    super::audit::commit(db, tx).await?;
    Ok(())
}

/// A correction after signing, by a worker on the session or a
/// coordinator, confirmed with their password.
pub async fn add_addendum(
    db: &Db,
    booking_id: i64,
    author: &CurrentUser,
    body: &str,
    password: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("body", "Write the correction."));
    }
    check_text("body", body)?;
    signing::confirm(db, author, password, now_ms).await?;
    ensure(db, booking_id, now_ms).await?;
    let (status, _) = status_of(db, booking_id).await?;
    if status == RecordStatus::Draft {
        return Err(AppError::conflict(
            "The record is not signed yet: change its text instead of adding an addendum.",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO record_addenda (booking_id, author_id, body, signed_ms) VALUES ($1, $2, $3, $4)")
        .bind(booking_id)
        .bind(author.id)
        .bind(body)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    Step::on_record(db, author.id, booking_id, now_ms)
        .audit(&mut tx, "addendum", body)
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(())
}

/// Notes in the audit trail that someone read a record.
pub async fn note_read(
    db: &Db,
    booking_id: i64,
    reader: &CurrentUser,
    now_ms: i64,
) -> Result<(), AppError> {
    Step::on_record(db, reader.id, booking_id, now_ms)
        .note_read(db, reader, "record")
        .await
}

/// One line per record for the lists, without entries or text.
const DUE_SELECT: &str = "SELECT r.booking_id, c.reference, b.starts_at, r.status, r.ended_ms \
     FROM session_records r JOIN bookings b ON b.id = r.booking_id JOIN cases c ON c.id = b.case_id";

/// Sessions the worker supervised that have ended and still wait for their
/// signature, soonest deadline first.
pub async fn unsigned_for(
    db: &Db,
    worker: &CurrentUser,
    now_ms: i64,
) -> Result<Vec<RecordDue>, AppError> {
    // Sessions that ended since anyone last looked have no record yet.
    let unrecorded = sqlx::query(
        "SELECT b.id FROM bookings b JOIN booking_workers w ON w.booking_id = b.id \
         LEFT JOIN session_records r ON r.booking_id = b.id \
         WHERE w.user_id = $1 AND b.cancelled_at IS NULL AND b.kind IN ('session', 'handover') \
         AND r.booking_id IS NULL \
         AND (b.ends_at <= $2 OR EXISTS (SELECT 1 FROM session_entries e WHERE e.booking_id = b.id AND (e.kind = 'ended' OR (e.kind = 'attendance' AND e.body LIKE '%not_attended%'))))",
    )
    .bind(worker.id)
    .bind(now_ms)
    .fetch_all(&db.pool)
    .await?;
    ensure_each(db, &unrecorded, now_ms).await?;
    let rows = sqlx::query(&format!(
        "{DUE_SELECT} JOIN booking_workers w ON w.booking_id = b.id \
         WHERE w.user_id = $1 AND r.status = 'draft' AND b.cancelled_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM record_signatures s \
             WHERE s.booking_id = r.booking_id AND s.version = r.version AND s.user_id = $1) \
         ORDER BY r.ended_ms"
    ))
    .bind(worker.id)
    .fetch_all(&db.pool)
    .await?;
    due_list(db, &rows, now_ms).await
}

/// Records signed by the workers and waiting for a co-signature, soonest
/// limit first.
pub async fn waiting_for_cosignature(
    db: &Db,
    cosigner: &CurrentUser,
    now_ms: i64,
) -> Result<Vec<RecordDue>, AppError> {
    // Not the records the caller signed or whose session they worked.
    let rows = sqlx::query(&format!(
        "{DUE_SELECT} WHERE r.status = 'signed' \
         AND NOT EXISTS (SELECT 1 FROM record_signatures s WHERE s.booking_id = r.booking_id AND s.user_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM booking_workers w WHERE w.booking_id = r.booking_id AND w.user_id = $1) \
         ORDER BY r.ended_ms"
    ))
    .bind(cosigner.id)
    .fetch_all(&db.pool)
    .await?;
    due_list(db, &rows, now_ms).await
}

/// Every record the workers have not yet signed (sessions that ended and
/// have no record yet included), the earliest deadline first: the
/// coordinator sees what is late before it is overdue.
pub async fn drafts(db: &Db, now_ms: i64) -> Result<Vec<RecordDue>, AppError> {
    let unrecorded = sqlx::query(
        "SELECT b.id FROM bookings b LEFT JOIN session_records r ON r.booking_id = b.id \
         WHERE b.cancelled_at IS NULL AND b.kind IN ('session', 'handover') \
         AND r.booking_id IS NULL AND b.ends_at <= $1",
    )
    .bind(now_ms)
    .fetch_all(&db.pool)
    .await?;
    ensure_each(db, &unrecorded, now_ms).await?;
    let rows = sqlx::query(&format!(
        "{DUE_SELECT} WHERE r.status = 'draft' AND b.cancelled_at IS NULL ORDER BY r.ended_ms"
    ))
    .fetch_all(&db.pool)
    .await?;
    due_list(db, &rows, now_ms).await
}

/// Makes the record of each booking in `rows` (their `id`), if it has none.
async fn ensure_each(db: &Db, rows: &[sqlx::any::AnyRow], now_ms: i64) -> Result<(), AppError> {
    for row in rows {
        ensure(db, row.try_get("id")?, now_ms).await?;
    }
    Ok(())
}

/// Released records of the referrer's own cases, newest first.
pub async fn released_for(
    db: &Db,
    referrer: &CurrentUser,
    now_ms: i64,
) -> Result<Vec<RecordDue>, AppError> {
    let rows = sqlx::query(&format!(
        "{DUE_SELECT} JOIN case_members m ON m.case_id = b.case_id \
         WHERE r.status = 'released' AND m.user_id = $1 AND m.relation = 'referrer' AND {} \
         ORDER BY b.starts_at DESC",
        retention::referrer_still_reads("c", "r.released_ms", 2)
    ))
    .bind(referrer.id)
    .bind(retention::referrer_cutoff(db, now_ms).await?)
    .fetch_all(&db.pool)
    .await?;
    due_list(db, &rows, now_ms).await
}

/// The list lines for rows of `DUE_SELECT`, in the rows' order, with who
/// signed each record's current version (one query for all of them).
async fn due_list(
    db: &Db,
    rows: &[sqlx::any::AnyRow],
    now_ms: i64,
) -> Result<Vec<RecordDue>, AppError> {
    let mut due = rows
        .iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok(RecordDue {
                booking_id: row.try_get("booking_id")?,
                case_reference: row.try_get("reference")?,
                starts_ms: row.try_get("starts_at")?,
                status: RecordStatus::parse(&status).unwrap_or(RecordStatus::Draft),
                deadlines: Deadlines::from_end(row.try_get("ended_ms")?),
                signed_by: Vec::new(),
                as_of_ms: now_ms,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    if due.is_empty() {
        return Ok(due);
    }
    // Booking ids are integers read from the database, so listing them in
    // the query text is safe.
    let ids: Vec<String> = due.iter().map(|d| d.booking_id.to_string()).collect();
    let signers = sqlx::query(&format!(
        "SELECT s.booking_id, u.display_name FROM record_signatures s \
         JOIN session_records r ON r.booking_id = s.booking_id AND r.version = s.version \
         JOIN users u ON u.id = s.user_id WHERE s.booking_id IN ({}) ORDER BY s.signed_ms",
        ids.join(", ")
    ))
    .fetch_all(&db.pool)
    .await?;
    for signer in signers {
        let booking_id: i64 = signer.try_get("booking_id")?;
        let name: String = signer.try_get("display_name")?;
        if let Some(line) = due.iter_mut().find(|d| d.booking_id == booking_id) {
            line.signed_by.push(name);
        }
    }
    Ok(due)
}
