//! The audit trail: every state change and every read of a record, report
//! or case file, appended in the same transaction as the step it records,
//! on a keyed hash chain (`domain::audit`). The key and the head file live
//! outside the database (`AuditSeal`): after each audited commit the newest
//! entry is written to the head file, so a cut tail shows. The table's
//! triggers refuse updates and deletes as well.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sqlx::Row;

use super::Db;
use super::db::Backend;
use crate::domain::audit::{self, AuditEntry, Finding, GENESIS, Head};
use crate::error::AppError;
use crate::model::{CurrentUser, ReadNote};

/// What seals the trail, kept outside the database: the key its links are
/// made with, and the file its head is written to.
pub struct AuditSeal {
    key: Vec<u8>,
    head_file: Option<PathBuf>,
    /// One head write at a time in this process.
    writing: Mutex<()>,
}

impl std::fmt::Debug for AuditSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditSeal")
            .field("head_file", &self.head_file)
            .finish_non_exhaustive()
    }
}

impl AuditSeal {
    pub fn new(key: Vec<u8>, head_file: Option<PathBuf>) -> AuditSeal {
        AuditSeal {
            key,
            head_file,
            writing: Mutex::new(()),
        }
    }

    /// The same key, its head written to `path`.
    pub fn with_head_file(&self, path: PathBuf) -> AuditSeal {
        AuditSeal::new(self.key.clone(), Some(path))
    }

    /// A random key and no head file: for a database opened by a tool or a
    /// test, until the server's configured seal replaces it.
    pub fn ephemeral() -> AuditSeal {
        AuditSeal::new(super::auth::random_hex(32).into_bytes(), None)
    }

    /// Worker `user_id`'s phone key, derived from this key (see
    /// `domain::phone_seal`): the same at every sign-in, never stored.
    pub fn phone_key(&self, user_id: i64) -> [u8; 32] {
        crate::domain::phone_seal::phone_key(&self.key, user_id)
    }

    /// The head written outside the database, if there is a head file and
    /// anything was written to it yet.
    pub fn read_head(&self) -> Result<Option<Head>, AppError> {
        let Some(path) = &self.head_file else {
            return Ok(None);
        };
        match std::fs::read_to_string(path) {
            Ok(text) => Head::parse(&text).map(Some).ok_or_else(|| {
                super::failure::internal(format!("unreadable audit head in {}", path.display()))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(super::failure::internal(error)),
        }
    }

    /// Writes `head` unless the file already holds a newer one (another
    /// process sharing the file may have written after us).
    fn write_head(&self, head: &Head) -> Result<(), AppError> {
        let Some(path) = &self.head_file else {
            return Ok(());
        };
        let _one_at_a_time = self
            .writing
            .lock()
            .map_err(|_| super::failure::internal("audit head lock"))?;
        if self
            .read_head()?
            .is_some_and(|written| written.seq >= head.seq)
        {
            return Ok(());
        }
        let partial = path.with_extension("partial");
        std::fs::write(&partial, head.to_line()).map_err(super::failure::internal)?;
        std::fs::rename(&partial, path).map_err(super::failure::internal)?;
        Ok(())
    }
}

/// Within this long, one person's reads of one thing are one audit entry.
pub const READ_COALESCE_MS: i64 = 15 * 60_000;

/// Who acts on what, and when: what every audit entry of one step shares.
pub(super) struct Step {
    backend: Backend,
    seal: Arc<AuditSeal>,
    actor: i64,
    /// What is acted on: "record:<booking id>", "report:<report id>",
    /// "account:<user id>", "case:<case id>" or "booking:<booking id>".
    subject: String,
    now_ms: i64,
}

impl Step {
    fn on(db: &Db, actor: i64, subject: String, now_ms: i64) -> Step {
        Step {
            backend: db.backend,
            seal: db.audit_seal(),
            actor,
            subject,
            now_ms,
        }
    }

    pub(super) fn on_record(db: &Db, actor: i64, booking_id: i64, now_ms: i64) -> Step {
        Step::on(db, actor, format!("record:{booking_id}"), now_ms)
    }

    pub(super) fn on_report(db: &Db, actor: i64, report_id: i64, now_ms: i64) -> Step {
        Step::on(db, actor, format!("report:{report_id}"), now_ms)
    }

    pub(super) fn on_account(db: &Db, actor: i64, user_id: i64, now_ms: i64) -> Step {
        Step::on(db, actor, format!("account:{user_id}"), now_ms)
    }

    pub(super) fn on_setting(db: &Db, actor: i64, key: &str, now_ms: i64) -> Step {
        Step::on(db, actor, format!("settings:{key}"), now_ms)
    }

    pub(super) fn on_case(db: &Db, actor: i64, case_id: i64, now_ms: i64) -> Step {
        Step::on(db, actor, format!("case:{case_id}"), now_ms)
    }

    /// Notes, in a transaction of its own, that someone read what this step
    /// is on: a read changes nothing else, so there is nothing to share a
    /// transaction with.
    /// Reads by one person of one thing within `READ_COALESCE_MS` make one
    /// entry (a page that reloads every few seconds is one reading).
    pub(super) async fn note_read(
        &self,
        db: &Db,
        reader: &CurrentUser,
        what: &str,
    ) -> Result<(), AppError> {
        let recent = sqlx::query(
            "SELECT 1 AS one FROM audit_log WHERE subject = $1 AND actor = $2 AND action = 'read' AND at_ms > $3 LIMIT 1",
        )
        .bind(self.subject.clone())
        .bind(reader.id)
        .bind(self.now_ms - READ_COALESCE_MS)
        .fetch_optional(&db.pool)
        .await?;
        if recent.is_some() {
            return Ok(());
        }
        let mut tx = db.begin_write().await?;
        self.audit(&mut tx, "read", what).await?;
        commit(db, tx).await
    }

    pub(super) async fn audit(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        action: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        append(
            self.backend,
            tx,
            &self.seal.key,
            self.actor,
            action,
            &self.subject,
            detail,
            self.now_ms,
        )
        .await
    }
}

/// Commits a transaction that appended to the trail, then writes the
/// trail's head outside the database.
pub(super) async fn commit(db: &Db, tx: sqlx::Transaction<'_, sqlx::Any>) -> Result<(), AppError> {
    tx.commit().await?;
    // Messages the step queued can go now.
    super::outbox::wake();
    if let Some(head) = newest(db).await? {
        db.audit_seal().write_head(&head)?;
    }
    Ok(())
}

async fn newest(db: &Db) -> Result<Option<Head>, AppError> {
    sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&db.pool)
        .await?
        .map(|row| {
            Ok(Head {
                seq: row.try_get("seq")?,
                hash: row.try_get("hash")?,
            })
        })
        .transpose()
}

/// Appends one entry to the audit trail, linked to the last, inside the
/// caller's transaction. On PostgreSQL the table is locked for the rest of
/// the transaction so that two writers cannot both link to the same entry;
/// SQLite allows one writer at a time anyway.
#[allow(clippy::too_many_arguments)]
async fn append(
    backend: Backend,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &[u8],
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
    let (last_seq, previous): (i64, String) =
        sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?
            .map(|row| Ok::<_, sqlx::Error>((row.try_get("seq")?, row.try_get("hash")?)))
            .transpose()?
            .unwrap_or((0, GENESIS.to_owned()));
    let seq = last_seq + 1;
    let content = audit::content_hash(now_ms, actor, action, subject, detail);
    let hash = audit::link(key, &previous, seq, &content);
    sqlx::query(
        "INSERT INTO audit_log (seq, at_ms, actor, action, subject, detail, previous, content_hash, hash, keyed) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
    )
    .bind(seq)
    .bind(now_ms)
    .bind(actor)
    .bind(action.to_owned())
    .bind(subject.to_owned())
    .bind(detail.to_owned())
    .bind(previous)
    .bind(content)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The whole trail, oldest first.
pub async fn audit_trail(db: &Db) -> Result<Vec<AuditEntry>, AppError> {
    let rows = sqlx::query(
        "SELECT seq, at_ms, actor, action, subject, detail, previous, content_hash, hash, keyed, erased_ms \
         FROM audit_log ORDER BY seq",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditEntry {
                seq: row.try_get("seq")?,
                at_ms: row.try_get("at_ms")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                detail: row.try_get("detail")?,
                previous: row.try_get("previous")?,
                content_hash: row.try_get("content_hash")?,
                hash: row.try_get("hash")?,
                keyed: row.try_get::<i32, _>("keyed")? != 0,
                erased_ms: row.try_get("erased_ms")?,
            })
        })
        .collect()
}

/// Checks the trail with the seal's key and head: what it found.
pub async fn verify_trail(db: &Db) -> Result<Finding, AppError> {
    let trail = audit_trail(db).await?;
    let seal = db.audit_seal();
    Ok(audit::verify(&trail, &seal.key, seal.read_head()?.as_ref()))
}

/// Who read a case's file, its session records and its reports, newest
/// first (the last 200 readings).
pub async fn reads_of_case(db: &Db, case_id: i64) -> Result<Vec<ReadNote>, AppError> {
    let rows = sqlx::query(
        "SELECT a.at_ms, a.detail, u.display_name, u.role FROM audit_log a JOIN users u ON u.id = a.actor \
         WHERE a.action = 'read' AND (a.subject = $1 \
            OR a.subject IN (SELECT 'record:' || CAST(b.id AS TEXT) FROM bookings b WHERE b.case_id = $2) \
            OR a.subject IN (SELECT 'report:' || CAST(f.id AS TEXT) FROM final_reports f WHERE f.case_id = $3)) \
         ORDER BY a.seq DESC LIMIT 200",
    )
    .bind(format!("case:{case_id}"))
    .bind(case_id)
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let role: String = row.try_get("role")?;
            Ok(ReadNote {
                at_ms: row.try_get("at_ms")?,
                reader: row.try_get("display_name")?,
                role: crate::domain::role::Role::parse(&role)
                    .ok_or_else(|| super::failure::internal(format!("unknown role {role:?}")))?,
                what: row.try_get("detail")?,
            })
        })
        .collect()
}
