//! The audit trail: every sign, co-sign, return, addendum, release and
//! referrer's reading, appended in the same transaction as the step it
//! records, each entry carrying the hash of the one before (see
//! `domain::record::chain_hash`), so a changed, removed or reordered entry
//! shows. The table's triggers refuse updates and deletes as well.

use sqlx::Row;

use super::Db;
use super::db::Backend;
use crate::domain::record::{AuditEntry, GENESIS, chain_hash, first_broken};
use crate::error::AppError;

/// Who acts on which record, and when: what every audit entry of one step
/// shares.
pub(super) struct Step {
    backend: Backend,
    actor: i64,
    /// What is acted on: "record:<booking id>", "report:<report id>",
    /// or "account:<user id>".
    subject: String,
    now_ms: i64,
}

impl Step {
    fn on(db: &Db, actor: i64, subject: String, now_ms: i64) -> Step {
        Step {
            backend: db.backend,
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

    pub(super) async fn audit(
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
