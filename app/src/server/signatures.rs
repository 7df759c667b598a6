//! A worker's signature on a session record: over the words the signer
//! sent (the first signer's words become the version's; a later signer
//! signs those or is refused), with the hash of exactly what it binds
//! (`domain::record::SignedContent`: the text, the note on why a co-worker
//! did not sign, and every entry the record held then). Signatures made on
//! a phone without signal arrive through a sync with proofs of the PIN and
//! of their words. A worker who disagrees with a signed version asks for
//! changes, which opens the next version for everyone to sign again.

use sqlx::Row;

use super::audit::Step;
use super::records::{check_record_text, check_text, ensure, read, status_of};
use super::signing::{self, Confirmed};
use super::{Db, failure, sessions};
use crate::domain::pin;
use crate::domain::record::SignedContent;
use crate::error::AppError;
use crate::model::{CurrentUser, RecordSignature, RecordStatus, RecordText};

/// Who has signed `version` of a record, by name.
pub(super) async fn signers_of(
    db: &Db,
    booking_id: i64,
    version: i32,
) -> Result<Vec<String>, AppError> {
    sqlx::query(
        "SELECT u.display_name FROM record_signatures s JOIN users u ON u.id = s.user_id \
         WHERE s.booking_id = $1 AND s.version = $2 ORDER BY s.signed_ms",
    )
    .bind(booking_id)
    .bind(version)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| Ok(row.try_get("display_name")?))
    .collect()
}

/// Why a version's text can no longer change, and what to do instead.
pub(super) fn fixed_text_message(signers: &[String]) -> String {
    format!(
        "{} signed this version as it stands, so its text no longer changes. Sign it as it is, or ask for changes with a comment: that makes a new version, which everyone signs again.",
        signers.join(" and ")
    )
}

/// How one signature came about, beside who signed.
struct Signing<'a> {
    /// The words the signer saw and signs.
    text: &'a RecordText,
    unsigned_note: &'a str,
    /// The signer's clock when they signed.
    device_ms: i64,
    confirmed: Confirmed,
    /// The phone's queue item, for a signature made offline.
    item_id: Option<&'a str>,
}

/// What a worker sends to sign a record with signal.
pub struct SignRequest<'a> {
    /// The words the worker read on their page.
    pub text: &'a RecordText,
    /// Their password or signing PIN.
    pub password: &'a str,
    /// Why the other worker did not sign, when they will not.
    pub unsigned_note: &'a str,
    /// The phone's clock when they signed.
    pub device_ms: i64,
}

/// A worker signs the text they saw, confirming with their password or
/// PIN. When nobody has signed the current version yet, that text becomes
/// the version's; when someone has, the text must be theirs word for word.
/// Once every booked worker has signed the version, or the signer says why
/// the other did not, the record is signed and locked. Returns the
/// record's status afterwards.
pub async fn sign(
    db: &Db,
    booking_id: i64,
    worker: &CurrentUser,
    request: &SignRequest<'_>,
    now_ms: i64,
) -> Result<RecordStatus, AppError> {
    if !sessions::is_booked(db, booking_id, worker.id).await? {
        return Err(AppError::not_found("That session"));
    }
    check_record_text(request.text)?;
    let confirmed = signing::confirm(db, worker, request.password, now_ms).await?;
    let signing = Signing {
        text: request.text,
        unsigned_note: request.unsigned_note,
        device_ms: request.device_ms,
        confirmed,
        item_id: None,
    };
    add_signature(db, booking_id, worker, signing, now_ms).await
}

/// A signature made on the phone, as it arrives in a sync.
pub struct PhoneSignature<'a> {
    /// The phone's queue item id.
    pub item_id: &'a str,
    pub booking_id: i64,
    pub text: RecordText,
    pub unsigned_note: &'a str,
    /// `pin::signing_proof` of the worker's PIN for this item and session.
    pub proof: &'a str,
    /// `pin::text_proof` binding the proof to `text` and `unsigned_note`.
    pub text_proof: &'a str,
    /// The phone's clock when the worker signed.
    pub device_ms: i64,
}

/// A signature made on a phone without signal and synced later: the text
/// the worker wrote there, confirmed by their PIN's proof, which also binds
/// that text. `Ok(false)` when this queue item was stored before (a
/// replayed sync).
pub async fn sign_from_phone(
    db: &Db,
    worker: &CurrentUser,
    signed: &PhoneSignature<'_>,
    now_ms: i64,
) -> Result<bool, AppError> {
    let PhoneSignature {
        item_id,
        booking_id,
        ref text,
        unsigned_note,
        proof,
        text_proof,
        device_ms,
    } = *signed;
    if let Some(row) = sqlx::query("SELECT user_id FROM record_signatures WHERE item_id = $1")
        .bind(item_id)
        .fetch_optional(&db.pool)
        .await?
    {
        return if row.try_get::<i64, _>("user_id")? == worker.id {
            Ok(false)
        } else {
            Err(AppError::conflict(
                "This signature's id was already used by someone else. Sign again.",
            ))
        };
    }
    if !sessions::is_booked(db, booking_id, worker.id).await? {
        return Err(AppError::not_found("That session"));
    }
    check_record_text(text)?;
    if text_proof.is_empty() {
        return Err(AppError::invalid(
            "pin",
            "This signature was made by an older version of the app, which did not bind the text to the PIN. Sign again.",
        ));
    }
    ensure(db, booking_id, now_ms).await?;
    let (status, _) = status_of(db, booking_id).await?;
    if status != RecordStatus::Draft {
        return Err(AppError::conflict(
            "This record was signed already, so the text signed on the phone was not used. It is kept on the phone; add an addendum if it says more.",
        ));
    }
    let digest = pin::text_digest(
        &text.summary,
        &text.ended_early,
        &text.incident,
        unsigned_note,
    );
    let confirmed = signing::confirm_proof(
        db,
        worker,
        (item_id, booking_id),
        (proof, text_proof),
        &digest,
        now_ms,
    )
    .await?;
    let signing = Signing {
        text,
        unsigned_note,
        device_ms,
        confirmed,
        item_id: Some(item_id),
    };
    add_signature(db, booking_id, worker, signing, now_ms).await?;
    Ok(true)
}

/// Every entry of a session the record holds (late ones excluded), as
/// stored: (id, body).
async fn stored_entries(db: &Db, booking_id: i64) -> Result<Vec<(String, String)>, AppError> {
    sqlx::query("SELECT id, body FROM session_entries WHERE booking_id = $1 AND late = 0")
        .bind(booking_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("body")?)))
        .collect()
}

async fn add_signature(
    db: &Db,
    booking_id: i64,
    worker: &CurrentUser,
    signing: Signing<'_>,
    now_ms: i64,
) -> Result<RecordStatus, AppError> {
    let record = read(db, booking_id, now_ms).await?;
    if record.status != RecordStatus::Draft {
        return Err(AppError::conflict("This record is already signed."));
    }
    if record.deadlines.ended_ms > now_ms {
        return Err(AppError::conflict(format!(
            "The session has not ended yet by the centre's clock (it ends at {}), so its record cannot be signed.",
            crate::domain::london_time::format_london_time(record.deadlines.ended_ms)
        )));
    }
    let text = RecordText {
        summary: signing.text.summary.trim().to_owned(),
        ended_early: signing.text.ended_early.trim().to_owned(),
        incident: signing.text.incident.trim().to_owned(),
    };
    let merged = crate::domain::session_log::merge(&record.entries);
    if merged.needs_summary(record.service) && text.summary.is_empty() {
        return Err(AppError::invalid(
            "summary",
            if merged.did_not_take_place().is_some() {
                "Write the non-attendance record (how long you waited, whom you told) before signing."
            } else {
                "Write how the session went before signing."
            },
        ));
    }
    check_text("unsigned_note", signing.unsigned_note)?;
    let version = record.version;
    let signed_before: Vec<&RecordSignature> = record
        .signatures
        .iter()
        .filter(|s| s.version == version)
        .collect();
    if signed_before.iter().any(|s| s.name == worker.display_name) {
        return Err(AppError::conflict("You have already signed this version."));
    }
    if !signed_before.is_empty() && text != record.text {
        let names: Vec<String> = signed_before.iter().map(|s| s.name.clone()).collect();
        return Err(AppError::conflict(format!(
            "The text you signed differs from the version {} signed. {}",
            names.join(" and "),
            fixed_text_message(&names)
        )));
    }
    let signers_after = signed_before.len() + 1;
    let everyone = signers_after >= record.workers.len();
    let unsigned_note = signing.unsigned_note.trim();
    let complete = everyone || !unsigned_note.is_empty();
    let signed_text = serde_json::to_string(&text).map_err(failure::internal)?;
    let entries = stored_entries(db, booking_id).await?;
    let content = SignedContent {
        booking_id,
        version,
        summary: &text.summary,
        ended_early: &text.ended_early,
        incident: &text.incident,
        unsigned_note,
        entries: entries
            .iter()
            .map(|(id, body)| (id.as_str(), body.as_str()))
            .collect(),
    };
    let covered: Vec<&str> = entries.iter().map(|(id, _)| id.as_str()).collect();
    let covered = serde_json::to_string(&covered).map_err(failure::internal)?;

    let mut tx = db.begin_write().await?;
    if signed_before.is_empty() && text != record.text {
        // The first signer's words become the version's (the database
        // refuses this once anyone has signed it).
        sqlx::query("UPDATE session_records SET summary = $1, ended_early = $2, incident = $3 WHERE booking_id = $4 AND status = 'draft' AND version = $5")
            .bind(text.summary.clone())
            .bind(text.ended_early.clone())
            .bind(text.incident.clone())
            .bind(booking_id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO record_signatures (booking_id, version, user_id, signed_ms, device_ms, signed_text, method, item_id, \
         content_hash, covered, unsigned_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(booking_id)
    .bind(version)
    .bind(worker.id)
    .bind(now_ms)
    .bind(signing.device_ms)
    .bind(signed_text)
    .bind(signing.confirmed.as_str())
    .bind(signing.item_id.map(str::to_owned))
    .bind(content.hash())
    .bind(covered)
    .bind(unsigned_note.to_owned())
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
        "version {version}, with {}, content {}{}",
        signing.confirmed.as_str(),
        content.hash(),
        if complete { ", record signed" } else { "" }
    );
    Step::on_record(db, worker.id, booking_id, now_ms)
        .audit(&mut tx, "sign", &detail)
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(if complete {
        RecordStatus::Signed
    } else {
        RecordStatus::Draft
    })
}

/// A worker booked on the session asks for changes to a version someone
/// has signed (a co-worker who disagrees with it, or a signer who spotted a
/// mistake): the record moves to a new version with their comment, its
/// text open again, and everyone signs it afresh. The signed version stays
/// in the signatures' history.
pub async fn ask_for_changes(
    db: &Db,
    booking_id: i64,
    worker: &CurrentUser,
    comment: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    if !sessions::is_booked(db, booking_id, worker.id).await? {
        return Err(AppError::not_found("That session"));
    }
    let comment = comment.trim();
    if comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            "Say what should change, so your co-worker knows.",
        ));
    }
    check_text("comment", comment)?;
    ensure(db, booking_id, now_ms).await?;
    let (status, version) = status_of(db, booking_id).await?;
    if status != RecordStatus::Draft {
        return Err(AppError::conflict(
            "This record is signed and waits for the coordinator: add an addendum instead.",
        ));
    }
    if signers_of(db, booking_id, version).await?.is_empty() {
        return Err(AppError::conflict(
            "Nobody has signed this version yet, so its text can still be changed: edit it and save.",
        ));
    }
    let note = format!("{} asked for changes: {comment}", worker.display_name);
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE session_records SET version = version + 1, return_note = $1, unsigned_note = '' \
         WHERE booking_id = $2 AND status = 'draft' AND version = $3",
    )
    .bind(note.clone())
    .bind(booking_id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    Step::on_record(db, worker.id, booking_id, now_ms)
        .audit(
            &mut tx,
            "new version",
            &format!("after version {version}: {note}"),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(())
}
