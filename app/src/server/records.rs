//! Session records after the session: the workers complete and sign them,
//! a coordinator who is not an author co-signs (which releases the record
//! to the case's referrer) or returns them with a comment; corrections
//! after signing are addenda. Every step is written to the audit trail in
//! the same transaction. The database refuses changes to signed text and
//! to stored entries (triggers in `0004_records.sql`), whatever calls it.

use sqlx::Row;

use super::db::Backend;
use super::{Db, accounts, failure, plans, sessions, settings};
use crate::domain::money::{Chargeable, charges_for};
use crate::domain::record::{AuditEntry, Deadlines, GENESIS, chain_hash, first_broken};
use crate::domain::role::Role;
use crate::domain::session_log::EntryKind;
use crate::error::AppError;
use crate::model::{
    Addendum, CurrentUser, FinalReport, NewFinalReport, RecordDue, RecordSignature, RecordStatus,
    RecordText, SessionRecord,
};

/// The most a record's text fields may hold, in characters.
const MAX_TEXT: usize = 10_000;

/// When the session ended: the worker's "session ended" entry, or else the
/// booked end.
async fn ended_ms(db: &Db, booking_id: i64, booked_end: i64) -> Result<i64, AppError> {
    let rows = sqlx::query(
        "SELECT at_ms, body FROM session_entries WHERE booking_id = $1 AND kind = 'ended'",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?;
    let mut latest: Option<i64> = None;
    for row in rows {
        let body: String = row.try_get("body")?;
        if matches!(
            serde_json::from_str::<EntryKind>(&body),
            Ok(EntryKind::Ended)
        ) {
            let at: i64 = row.try_get("at_ms")?;
            latest = Some(latest.map_or(at, |l| l.max(at)));
        }
    }
    Ok(latest.unwrap_or(booked_end))
}

/// The record of a session, created as a draft the first time anyone asks
/// once the session has ended. `NotFound` for a cancelled or unknown
/// session, `Conflict` before it has ended.
async fn ensure(db: &Db, booking_id: i64, now_ms: i64) -> Result<(), AppError> {
    let booking = sqlx::query("SELECT ends_at, cancelled_at FROM bookings WHERE id = $1")
        .bind(booking_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("That session"))?;
    if booking.try_get::<Option<i64>, _>("cancelled_at")?.is_some() {
        return Err(AppError::not_found(
            "A record of that session (it was cancelled)",
        ));
    }
    let exists = sqlx::query("SELECT 1 AS one FROM session_records WHERE booking_id = $1")
        .bind(booking_id)
        .fetch_optional(&db.pool)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let booked_end: i64 = booking.try_get("ends_at")?;
    let ended = ended_ms(db, booking_id, booked_end).await?;
    let ended_entry = sqlx::query(
        "SELECT 1 AS one FROM session_entries WHERE booking_id = $1 AND kind = 'ended'",
    )
    .bind(booking_id)
    .fetch_optional(&db.pool)
    .await?
    .is_some();
    if !ended_entry && now_ms < booked_end {
        return Err(AppError::conflict(
            "The session has not ended yet. End it in session mode, or wait for its booked end.",
        ));
    }
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
        Role::Worker => sessions::is_booked(db, booking_id, user.id).await?,
        Role::Referrer => sqlx::query(
            "SELECT 1 AS one FROM session_records r JOIN bookings b ON b.id = r.booking_id \
             JOIN case_members m ON m.case_id = b.case_id \
             WHERE r.booking_id = $1 AND r.status = 'released' AND m.user_id = $2 AND m.relation = 'referrer'",
        )
        .bind(booking_id)
        .bind(user.id)
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
    let signatures = sqlx::query(
        "SELECT s.version, u.display_name, s.signed_ms, s.device_ms, s.signed_text FROM record_signatures s \
         JOIN users u ON u.id = s.user_id WHERE s.booking_id = $1 ORDER BY s.version, s.signed_ms",
    )
    .bind(booking_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|s| {
        let text: String = s.try_get("signed_text")?;
        Ok(RecordSignature {
            version: s.try_get::<i32, _>("version")?,
            name: s.try_get("display_name")?,
            signed_ms: s.try_get("signed_ms")?,
            device_ms: s.try_get("device_ms")?,
            text: serde_json::from_str(&text).map_err(|e| failure::internal(format!("signed text: {e}")))?,
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
        version: row.try_get::<i32, _>("version")?,
        deadlines: Deadlines::from_end(row.try_get("ended_ms")?),
        text: RecordText {
            summary: row.try_get("summary")?,
            ended_early: row.try_get("ended_early")?,
            incident: row.try_get("incident")?,
        },
        unsigned_note: row.try_get("unsigned_note")?,
        return_note: row.try_get("return_note")?,
        signatures,
        cosigned_by: row.try_get("cosigner")?,
        released_ms: row.try_get("released_ms")?,
        entries: log.entries,
        addenda,
    })
}

fn check_text(field: &str, text: &str) -> Result<(), AppError> {
    let length = text.chars().count();
    if length > MAX_TEXT {
        return Err(AppError::invalid(
            field,
            format!("This is {length} characters; the most is {MAX_TEXT}."),
        ));
    }
    Ok(())
}

async fn status_of(db: &Db, booking_id: i64) -> Result<(RecordStatus, i32), AppError> {
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
    check_text("summary", &text.summary)?;
    check_text("ended_early", &text.ended_early)?;
    check_text("incident", &text.incident)?;
    ensure(db, booking_id, now_ms).await?;
    let (status, _) = status_of(db, booking_id).await?;
    if status != RecordStatus::Draft {
        return Err(AppError::conflict(
            "This record is signed, so it no longer changes. Add an addendum instead.",
        ));
    }
    sqlx::query("UPDATE session_records SET summary = $1, ended_early = $2, incident = $3 WHERE booking_id = $4 AND status = 'draft'")
        .bind(text.summary.trim())
        .bind(text.ended_early.trim())
        .bind(text.incident.trim())
        .bind(booking_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The password check that stands for a signature.
async fn confirm_password(db: &Db, user: &CurrentUser, password: &str) -> Result<(), AppError> {
    let stored = accounts::find_with_password(db, &user.username)
        .await?
        .map(|(_, hash)| hash);
    if accounts::verify_password(password.to_owned(), stored).await? {
        Ok(())
    } else {
        Err(AppError::invalid(
            "password",
            "That password is not right. Signing needs your own password.",
        ))
    }
}

/// A worker signs the current version. Once every booked worker has signed
/// it, or the signer says why the other did not, the record is signed and
/// locked. Returns the record's status afterwards.
pub async fn sign(
    db: &Db,
    booking_id: i64,
    worker: &CurrentUser,
    password: &str,
    unsigned_note: &str,
    device_ms: i64,
    now_ms: i64,
) -> Result<RecordStatus, AppError> {
    if !sessions::is_booked(db, booking_id, worker.id).await? {
        return Err(AppError::not_found("That session"));
    }
    confirm_password(db, worker, password).await?;
    ensure(db, booking_id, now_ms).await?;
    let record = read(db, booking_id, now_ms).await?;
    if record.status != RecordStatus::Draft {
        return Err(AppError::conflict("This record is already signed."));
    }
    if record.service == crate::domain::schedule::Service::Supervised
        && record.text.summary.trim().is_empty()
    {
        return Err(AppError::invalid(
            "summary",
            "Write how the session went before signing.",
        ));
    }
    check_text("unsigned_note", unsigned_note)?;
    let version = record.version;
    let signed_before: Vec<&RecordSignature> = record
        .signatures
        .iter()
        .filter(|s| s.version == version)
        .collect();
    if signed_before.iter().any(|s| s.name == worker.display_name) {
        return Err(AppError::conflict("You have already signed this version."));
    }
    let signers_after = signed_before.len() + 1;
    let everyone = signers_after >= record.workers.len();
    let unsigned_note = unsigned_note.trim();
    let complete = everyone || !unsigned_note.is_empty();
    let signed_text = serde_json::to_string(&record.text).map_err(failure::internal)?;

    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO record_signatures (booking_id, version, user_id, signed_ms, device_ms, signed_text) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(booking_id)
    .bind(version)
    .bind(worker.id)
    .bind(now_ms)
    .bind(device_ms)
    .bind(signed_text)
    .execute(&mut *tx)
    .await?;
    if complete {
        sqlx::query("UPDATE session_records SET status = 'signed', unsigned_note = $1 WHERE booking_id = $2 AND status = 'draft'")
            .bind(if everyone { "" } else { unsigned_note })
            .bind(booking_id)
            .execute(&mut *tx)
            .await?;
    }
    let detail = format!(
        "version {version}{}",
        if complete { ", record signed" } else { "" }
    );
    Step::on_record(db, worker.id, booking_id, now_ms)
        .audit(&mut tx, "sign", &detail)
        .await?;
    tx.commit().await?;
    Ok(if complete {
        RecordStatus::Signed
    } else {
        RecordStatus::Draft
    })
}

/// A coordinator who did not sign it co-signs a signed record, which
/// releases it to the case's referrer.
pub async fn cosign(
    db: &Db,
    booking_id: i64,
    coordinator: &CurrentUser,
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
    let authored = sqlx::query(
        "SELECT 1 AS one FROM record_signatures WHERE booking_id = $1 AND user_id = $2",
    )
    .bind(booking_id)
    .bind(coordinator.id)
    .fetch_optional(&db.pool)
    .await?
    .is_some();
    if authored {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.pool.begin().await?;
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
        .audit(&mut tx, "cosign", &format!("version {}", record.version))
        .await?;
    Step::on_record(db, coordinator.id, booking_id, now_ms)
        .audit(&mut tx, "release", "to the case's referrer")
        .await?;
    tx.commit().await?;
    Ok(())
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
    let (status, version) = status_of(db, booking_id).await?;
    if status != RecordStatus::Signed {
        return Err(AppError::conflict(
            "Only a signed record waiting for co-signature can be returned.",
        ));
    }
    let mut tx = db.pool.begin().await?;
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
    tx.commit().await?;
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
    confirm_password(db, author, password).await?;
    ensure(db, booking_id, now_ms).await?;
    let (status, _) = status_of(db, booking_id).await?;
    if status == RecordStatus::Draft {
        return Err(AppError::conflict(
            "The record is not signed yet: change its text instead of adding an addendum.",
        ));
    }
    let mut tx = db.pool.begin().await?;
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
    tx.commit().await?;
    Ok(())
}

/// Notes in the audit trail that a referrer opened a record.
pub async fn note_opened(
    db: &Db,
    booking_id: i64,
    reader: &CurrentUser,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    Step::on_record(db, reader.id, booking_id, now_ms)
        .audit(
            &mut tx,
            "open",
            &format!("by {}", reader.role.label().to_lowercase()),
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Sessions the worker supervised that have ended and still wait for their
/// signature, soonest deadline first.
pub async fn unsigned_for(
    db: &Db,
    worker: &CurrentUser,
    now_ms: i64,
) -> Result<Vec<RecordDue>, AppError> {
    let rows = sqlx::query(
        "SELECT b.id FROM bookings b JOIN booking_workers w ON w.booking_id = b.id \
         LEFT JOIN session_records r ON r.booking_id = b.id \
         WHERE w.user_id = $1 AND b.cancelled_at IS NULL AND b.kind IN ('session', 'handover') \
         AND (r.status IS NULL OR r.status = 'draft') \
         AND (b.ends_at <= $2 OR EXISTS (SELECT 1 FROM session_entries e WHERE e.booking_id = b.id AND e.kind = 'ended')) \
         ORDER BY b.ends_at",
    )
    .bind(worker.id)
    .bind(now_ms)
    .fetch_all(&db.pool)
    .await?;
    let mut due = Vec::new();
    for row in rows {
        let record = read(db, row.try_get("id")?, now_ms).await?;
        let version = record.version;
        if record
            .signatures
            .iter()
            .any(|s| s.version == version && s.name == worker.display_name)
        {
            continue;
        }
        due.push(due_of(&record, now_ms));
    }
    due.sort_by_key(|d| d.deadlines.limit_ms);
    Ok(due)
}

/// Records signed by the workers and waiting for a co-signature, soonest
/// limit first.
pub async fn waiting_for_cosignature(db: &Db, now_ms: i64) -> Result<Vec<RecordDue>, AppError> {
    let rows = sqlx::query(
        "SELECT booking_id FROM session_records WHERE status = 'signed' ORDER BY ended_ms",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut due = Vec::new();
    for row in rows {
        due.push(due_of(
            &read(db, row.try_get("booking_id")?, now_ms).await?,
            now_ms,
        ));
    }
    Ok(due)
}

/// Released records of the referrer's own cases, newest first.
pub async fn released_for(
    db: &Db,
    referrer: &CurrentUser,
    now_ms: i64,
) -> Result<Vec<RecordDue>, AppError> {
    let rows = sqlx::query(
        "SELECT r.booking_id FROM session_records r JOIN bookings b ON b.id = r.booking_id \
         JOIN case_members m ON m.case_id = b.case_id \
         WHERE r.status = 'released' AND m.user_id = $1 AND m.relation = 'referrer' ORDER BY b.starts_at DESC",
    )
    .bind(referrer.id)
    .fetch_all(&db.pool)
    .await?;
    let mut due = Vec::new();
    for row in rows {
        due.push(due_of(
            &read(db, row.try_get("booking_id")?, now_ms).await?,
            now_ms,
        ));
    }
    Ok(due)
}

fn due_of(record: &SessionRecord, now_ms: i64) -> RecordDue {
    RecordDue {
        booking_id: record.booking_id,
        case_reference: record.case_reference.clone(),
        starts_ms: record.starts_ms,
        status: record.status,
        deadlines: record.deadlines,
        signed_by: record
            .signatures
            .iter()
            .filter(|s| s.version == record.version)
            .map(|s| s.name.clone())
            .collect(),
        as_of_ms: now_ms,
    }
}

/// Who acts on which record, and when: what every audit entry of one step
/// shares.
struct Step {
    backend: Backend,
    actor: i64,
    /// What is acted on: "record:<booking id>" or "report:<report id>".
    subject: String,
    now_ms: i64,
}

impl Step {
    fn on_record(db: &Db, actor: i64, booking_id: i64, now_ms: i64) -> Step {
        Step {
            backend: db.backend,
            actor,
            subject: format!("record:{booking_id}"),
            now_ms,
        }
    }

    fn on_report(db: &Db, actor: i64, report_id: i64, now_ms: i64) -> Step {
        Step {
            backend: db.backend,
            actor,
            subject: format!("report:{report_id}"),
            now_ms,
        }
    }

    async fn audit(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        action: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        append(
            self.backend,
            tx,
            self.actor,
            action,
            &self.subject,
            detail,
            self.now_ms,
        )
        .await
    }
}

/// Appends one entry to the audit trail, chained to the last, inside the
/// caller's transaction. On PostgreSQL the table is locked for the rest of
/// the transaction so that two writers cannot both chain to the same entry;
/// SQLite allows one writer at a time anyway.
async fn append(
    backend: Backend,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: i64,
    action: &str,
    subject: &str,
    detail: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await?;
    }
    let previous: String = sqlx::query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.try_get("hash"))
        .transpose()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let hash = chain_hash(&previous, now_ms, actor, action, subject, detail);
    sqlx::query(
        "INSERT INTO audit_log (at_ms, actor, action, subject, detail, previous, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_ms)
    .bind(actor)
    .bind(action.to_owned())
    .bind(subject.to_owned())
    .bind(detail.to_owned())
    .bind(previous)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The whole trail, oldest first.
pub async fn audit_trail(db: &Db) -> Result<Vec<(i64, AuditEntry)>, AppError> {
    let rows = sqlx::query("SELECT id, at_ms, actor, action, subject, detail, previous, hash FROM audit_log ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("id")?,
                AuditEntry {
                    at_ms: row.try_get("at_ms")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                    previous: row.try_get("previous")?,
                    hash: row.try_get("hash")?,
                },
            ))
        })
        .collect()
}

/// Checks the trail: `None` when it holds, or the id of the first entry
/// that does not follow from the one before it.
pub async fn verify_trail(db: &Db) -> Result<Option<i64>, AppError> {
    let trail = audit_trail(db).await?;
    let entries: Vec<AuditEntry> = trail.iter().map(|(_, entry)| entry.clone()).collect();
    Ok(first_broken(&entries).map(|at| trail[at].0))
}

// ---- Final reports ----

/// A coordinator writes and signs (with their password) a final report on
/// a case's sessions; the sessions attended and missed are counted from
/// the bookings. Raises the report's charge when the parents asked for it.
/// Returns the report's id.
pub async fn write_report(
    db: &Db,
    case_id: i64,
    author: &CurrentUser,
    report: &NewFinalReport,
    password: &str,
    now_ms: i64,
) -> Result<i64, AppError> {
    let summary = report.summary.trim();
    let recommendation = report.recommendation.trim();
    if summary.is_empty() {
        return Err(AppError::invalid("summary", "Write the report's summary."));
    }
    if recommendation.is_empty() {
        return Err(AppError::invalid(
            "recommendation",
            "Give a recommendation, for example \"move to supported contact\".",
        ));
    }
    check_text("summary", summary)?;
    check_text("recommendation", recommendation)?;
    confirm_password(db, author, password).await?;
    let funding = plans::funding(db, case_id).await?;
    let counts = sqlx::query(
        "SELECT \
         SUM(CASE WHEN attendance = 'attended' THEN 1 ELSE 0 END) AS attended, \
         SUM(CASE WHEN attendance IN ('missed_with_reason', 'missed_without_reason') THEN 1 ELSE 0 END) AS missed \
         FROM bookings WHERE case_id = $1 AND kind IN ('session', 'handover')",
    )
    .bind(case_id)
    .fetch_one(&db.pool)
    .await?;
    let attended: i64 = counts.try_get::<Option<i64>, _>("attended")?.unwrap_or(0);
    let missed: i64 = counts.try_get::<Option<i64>, _>("missed")?.unwrap_or(0);
    let charges = if report.charge {
        charges_for(
            Chargeable::FinalReport,
            funding,
            &settings::prices(db).await?,
        )
    } else {
        Vec::new()
    };

    let mut tx = db.pool.begin().await?;
    let row = sqlx::query(
        "INSERT INTO final_reports (case_id, author_id, sessions_attended, sessions_missed, summary, \
         recommendation, signed_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(case_id)
    .bind(author.id)
    .bind(attended)
    .bind(missed)
    .bind(summary)
    .bind(recommendation)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    let report_id: i64 = row.try_get("id")?;
    for charge in charges {
        sqlx::query(
            "INSERT INTO charges (case_id, parent_side, kind, amount_pence, raised_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case_id)
        .bind(charge.parent.as_str())
        .bind(charge.kind.as_str())
        .bind(charge.amount.0)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    }
    Step::on_report(db, author.id, report_id, now_ms)
        .audit(
            &mut tx,
            "report-sign",
            &format!("attended {attended}, missed {missed}: {recommendation}"),
        )
        .await?;
    tx.commit().await?;
    Ok(report_id)
}

const REPORT_SELECT: &str = "SELECT f.id, c.reference, a.display_name AS author, f.sessions_attended, \
     f.sessions_missed, f.summary, f.recommendation, f.signed_ms, f.status, s.display_name AS cosigner, \
     f.released_ms FROM final_reports f JOIN cases c ON c.id = f.case_id JOIN users a ON a.id = f.author_id \
     LEFT JOIN users s ON s.id = f.cosigned_by";

fn report_from(row: &sqlx::any::AnyRow) -> Result<FinalReport, AppError> {
    let status: String = row.try_get("status")?;
    Ok(FinalReport {
        id: row.try_get("id")?,
        case_reference: row.try_get("reference")?,
        author: row.try_get("author")?,
        sessions_attended: row.try_get::<i64, _>("sessions_attended")?,
        sessions_missed: row.try_get::<i64, _>("sessions_missed")?,
        summary: row.try_get("summary")?,
        recommendation: row.try_get("recommendation")?,
        signed_ms: row.try_get("signed_ms")?,
        status: RecordStatus::parse(&status).unwrap_or(RecordStatus::Signed),
        cosigned_by: row.try_get("cosigner")?,
        released_ms: row.try_get("released_ms")?,
    })
}

/// A case's final reports, newest first (for coordinators).
pub async fn reports_of_case(db: &Db, case_id: i64) -> Result<Vec<FinalReport>, AppError> {
    let rows = sqlx::query(&format!(
        "{REPORT_SELECT} WHERE f.case_id = $1 ORDER BY f.id DESC"
    ))
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(report_from).collect()
}

/// Another coordinator co-signs a report, which releases it to the referrer.
pub async fn cosign_report(
    db: &Db,
    report_id: i64,
    coordinator: &CurrentUser,
    now_ms: i64,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT author_id, status FROM final_reports WHERE id = $1")
        .bind(report_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("That report"))?;
    let author: i64 = row.try_get("author_id")?;
    let status: String = row.try_get("status")?;
    if author == coordinator.id {
        return Err(AppError::Forbidden);
    }
    if status != "signed" {
        return Err(AppError::conflict("This report is already co-signed."));
    }
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE final_reports SET status = 'released', cosigned_by = $1, released_ms = $2 WHERE id = $3 AND status = 'signed'",
    )
    .bind(coordinator.id)
    .bind(now_ms)
    .bind(report_id)
    .execute(&mut *tx)
    .await?;
    let step = Step::on_report(db, coordinator.id, report_id, now_ms);
    step.audit(&mut tx, "report-cosign", "").await?;
    step.audit(&mut tx, "report-release", "to the case's referrer")
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Released reports of the referrer's own cases, newest first.
pub async fn released_reports_for(
    db: &Db,
    referrer: &CurrentUser,
) -> Result<Vec<FinalReport>, AppError> {
    let rows = sqlx::query(&format!(
        "{REPORT_SELECT} JOIN case_members m ON m.case_id = f.case_id \
         WHERE f.status = 'released' AND m.user_id = $1 AND m.relation = 'referrer' ORDER BY f.id DESC"
    ))
    .bind(referrer.id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(report_from).collect()
}

/// One report, for a coordinator, or for the case's referrer once released
/// (their reading is noted in the audit trail). Anyone else: not found.
pub async fn read_report(
    db: &Db,
    report_id: i64,
    reader: &CurrentUser,
    now_ms: i64,
) -> Result<FinalReport, AppError> {
    let report = match reader.role {
        Role::Coordinator => sqlx::query(&format!("{REPORT_SELECT} WHERE f.id = $1"))
            .bind(report_id)
            .fetch_optional(&db.pool)
            .await?
            .map(|row| report_from(&row))
            .transpose()?,
        Role::Referrer => released_reports_for(db, reader)
            .await?
            .into_iter()
            .find(|r| r.id == report_id),
        Role::Worker | Role::Parent => None,
    }
    .ok_or_else(|| AppError::not_found("That report"))?;
    if reader.role == Role::Referrer {
        let mut tx = db.pool.begin().await?;
        Step::on_report(db, reader.id, report_id, now_ms)
            .audit(&mut tx, "report-open", "by referrer")
            .await?;
        tx.commit().await?;
    }
    Ok(report)
}
