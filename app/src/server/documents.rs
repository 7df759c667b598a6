//! Released records and final reports as PDFs with a verification code, and
//! the public check of a code. The rules (what a document says, its
//! fingerprint, what a code looks like) are in `domain::document`; the page
//! layout in `pdf`.

use rand::RngCore;
use rand::rngs::OsRng;
use sqlx::Row;

use super::Db;
use super::audit::Step;
use super::{records, reports};
use crate::domain::document::{
    self, Document, DocumentKind, format_code, normalise_code, short_fingerprint,
};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::{CurrentUser, RecordStatus, VerifiedDocument};

/// A released document's code and fingerprint, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    pub code: String,
    pub fingerprint: String,
    pub released_ms: i64,
}

/// The document as it reads from what is stored now, and when it was
/// released; `None` if it is not (or no longer) released.
async fn build(
    db: &Db,
    kind: DocumentKind,
    id: i64,
    now_ms: i64,
) -> Result<Option<(Document, i64)>, AppError> {
    match kind {
        DocumentKind::Record => {
            let released = sqlx::query(
                "SELECT released_ms FROM session_records WHERE booking_id = $1 AND status = 'released'",
            )
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
            if released.is_none() {
                return Ok(None);
            }
            let record = records::read(db, id, now_ms).await?;
            Ok(record
                .released_ms
                .map(|at| (document::record_document(&record), at)))
        }
        DocumentKind::Report => Ok(reports::released_report(db, id).await?.and_then(|report| {
            report
                .released_ms
                .map(|at| (document::report_document(&report), at))
        })),
    }
}

async fn stored(db: &Db, kind: DocumentKind, id: i64) -> Result<Option<Released>, AppError> {
    let row = sqlx::query(
        "SELECT code, fingerprint, released_ms FROM released_documents WHERE kind = $1 AND object_id = $2",
    )
    .bind(kind.as_str())
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(Released {
            code: row.try_get("code")?,
            fingerprint: row.try_get("fingerprint")?,
            released_ms: row.try_get("released_ms")?,
        })
    })
    .transpose()
}

/// Gives a released document its code and fingerprint, once: called when it
/// is released, and again (finding it done) whenever its PDF is made.
pub async fn register(
    db: &Db,
    kind: DocumentKind,
    id: i64,
    now_ms: i64,
) -> Result<(Released, Document), AppError> {
    let (document, released_ms) = build(db, kind, id, now_ms)
        .await?
        .ok_or_else(|| AppError::not_found("That released document"))?;
    if let Some(done) = stored(db, kind, id).await? {
        return Ok((done, document));
    }
    let code = format_code(OsRng.next_u64());
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO released_documents (code, kind, object_id, released_ms, fingerprint) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(&code)
    .bind(kind.as_str())
    .bind(id)
    .bind(released_ms)
    .bind(document.fingerprint())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Another request may have registered it first: theirs stands.
    let done = stored(db, kind, id)
        .await?
        .ok_or_else(|| super::failure::internal("a registered document is missing"))?;
    Ok((done, document))
}

/// Registers a document just released; a failure is logged, not passed on
/// (the release itself is committed, and the code is made when the PDF is
/// first asked for).
pub async fn register_released(db: &Db, kind: DocumentKind, id: i64, now_ms: i64) {
    if let Err(error) = register(db, kind, id, now_ms).await {
        tracing::warn!(
            kind = kind.as_str(),
            id,
            "registering a released document: {error}"
        );
    }
}

/// Whether `reader` may download this released document: the coordinator
/// and senior workers any; the case's referrer their own case's; a worker
/// the records of sessions they worked. Nobody else, and nothing unreleased.
async fn may_download(
    db: &Db,
    kind: DocumentKind,
    id: i64,
    reader: &CurrentUser,
) -> Result<bool, AppError> {
    match kind {
        DocumentKind::Record => Ok(records::status_if_any(db, id).await?
            == Some(RecordStatus::Released)
            && records::may_read(db, id, reader).await?),
        DocumentKind::Report => Ok(match reader.role {
            Role::Coordinator => true,
            Role::Worker => reader.senior,
            Role::Referrer => reports::released_reports_for(db, reader)
                .await?
                .iter()
                .any(|report| report.id == id),
            Role::Parent => false,
        }),
    }
}

/// The released document as a PDF, for someone allowed to read it, with its
/// file name; the download is in the audit trail. `verify_at` is the
/// address of the public checking page, printed on every page.
pub async fn pdf(
    db: &Db,
    kind: DocumentKind,
    id: i64,
    reader: &CurrentUser,
    verify_at: &str,
    now_ms: i64,
) -> Result<(String, Vec<u8>), AppError> {
    if !may_download(db, kind, id, reader).await? {
        return Err(AppError::not_found("That released document"));
    }
    let (released, document) = register(db, kind, id, now_ms).await?;
    let step = match kind {
        DocumentKind::Record => Step::on_record(db, reader.id, id, now_ms),
        DocumentKind::Report => Step::on_report(db, reader.id, id, now_ms),
    };
    let mut tx = db.begin_write().await?;
    step.audit(&mut tx, "download pdf", &format!("code {}", released.code))
        .await?;
    super::audit::commit(db, tx).await?;
    let footer = format!(
        "Verification code {} · Fingerprint {} · Check that this copy is genuine and unaltered at {verify_at}",
        released.code,
        short_fingerprint(&released.fingerprint)
    );
    let bytes = super::pdf::render(&document, &footer);
    let name = document.file_name(released.released_ms);
    Ok((name, bytes))
}

/// What a verification code belongs to, for anyone: the kind, the release
/// date, the fingerprint, and whether the stored document still matches
/// it. `None` for a code that belongs to nothing.
/// Whether the audit trail shows the document's entries emptied by an
/// erasure (`verify-audit` checks that each was named by one).
async fn erased_in_trail(db: &Db, kind: DocumentKind, id: i64) -> Result<bool, AppError> {
    let subject = match kind {
        DocumentKind::Record => format!("record:{id}"),
        DocumentKind::Report => format!("report:{id}"),
    };
    Ok(sqlx::query(
        "SELECT 1 AS one FROM audit_log WHERE subject = $1 AND erased_ms IS NOT NULL LIMIT 1",
    )
    .bind(subject)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

pub async fn verify(
    db: &Db,
    typed: &str,
    now_ms: i64,
) -> Result<Option<VerifiedDocument>, AppError> {
    let code = normalise_code(typed).ok_or_else(|| {
        AppError::invalid(
            "code",
            "A verification code is 12 letters and digits, printed at the foot of each page, like 7Q2M-K9XD-4HRT.",
        )
    })?;
    let row = sqlx::query(
        "SELECT kind, object_id, released_ms, fingerprint FROM released_documents WHERE code = $1",
    )
    .bind(&code)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let kind_text: String = row.try_get("kind")?;
    let kind = DocumentKind::parse(&kind_text)
        .ok_or_else(|| super::failure::internal(format!("unknown document kind {kind_text:?}")))?;
    let fingerprint: String = row.try_get("fingerprint")?;
    let now = build(db, kind, row.try_get("object_id")?, now_ms).await?;
    Ok(Some(VerifiedDocument {
        kind: kind.label().to_owned(),
        released_ms: row.try_get("released_ms")?,
        fingerprint: short_fingerprint(&fingerprint),
        // Nothing but an erasure removes a released document (the guards
        // of migration 0022), and an erasure empties its audit entries:
        // a document gone without that is not called erased.
        erased: now.is_none() && erased_in_trail(db, kind, row.try_get("object_id")?).await?,
        intact: now.is_some_and(|(document, _)| document.fingerprint() == fingerprint),
    }))
}
