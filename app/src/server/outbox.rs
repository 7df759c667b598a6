//! The outbox: messages written in the transaction of the step that causes
//! them, claimed by a delivery task, and marked sent, retrying or given up.
//!
//! A message is named for ever by its idempotency key: writing the same key
//! again does nothing, so a step retried, or a scheduled scan run twice,
//! never queues a message twice. Claims are leases: a task that dies
//! mid-send lets go when its lease runs out, and another task takes the
//! message up (which is why email is at least once, see `delivery`).

use std::sync::LazyLock;

use sqlx::Row;
use tokio::sync::Notify;

use super::Db;
use super::db::Backend;
use crate::domain::message::{Channel, Contact, MessageBy, Outgoing};
use crate::domain::money::Parent;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::Delivery;

static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Tells the delivery task that a step has committed messages.
pub fn wake() {
    WAKE.notify_one();
}

/// Waits until `wake` is called or `most_ms` has passed.
pub async fn wait_for_work(most_ms: u64) {
    let _ = tokio::time::timeout(std::time::Duration::from_millis(most_ms), WAKE.notified()).await;
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Who a message is for.
#[derive(Debug, Clone, Copy)]
pub enum To {
    Parent { case_id: i64, side: Parent },
    User(i64),
}

fn contact_from(row: &sqlx::any::AnyRow) -> Result<Contact, AppError> {
    let by: String = row.try_get("message_by")?;
    Ok(Contact {
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        by: MessageBy::parse(&by).unwrap_or(MessageBy::Email),
    })
}

/// Queues one message to one person, by the channel they chose, in the
/// step's transaction. Nothing is queued for someone with no way to reach
/// them; `key` names the message (a second write of it does nothing).
/// Returns whether a message was queued.
pub(super) async fn queue(
    tx: &mut Tx<'_>,
    to: To,
    message: &Outgoing,
    key: &str,
    now_ms: i64,
) -> Result<bool, AppError> {
    let (contact, case_id, side, user_id) = match to {
        To::Parent { case_id, side } => {
            let row = sqlx::query(
                "SELECT email, phone, message_by FROM case_parents WHERE case_id = $1 AND side = $2",
            )
            .bind(case_id)
            .bind(side.as_str())
            .fetch_optional(&mut **tx)
            .await?;
            let contact = row.as_ref().map(contact_from).transpose()?;
            (contact, Some(case_id), Some(side.as_str()), None)
        }
        To::User(user_id) => {
            let row = sqlx::query(
                "SELECT email, phone, message_by FROM users WHERE id = $1 AND disabled_ms IS NULL",
            )
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
            let contact = row.as_ref().map(contact_from).transpose()?;
            (contact, None, None, Some(user_id))
        }
    };
    let Some((channel, recipient)) = contact.and_then(|c| c.route(message.kind.must_send())) else {
        return Ok(false);
    };
    let queued = sqlx::query(
        "INSERT INTO outbox (idempotency_key, kind, channel, recipient, case_id, parent_side, user_id, \
         subject, body, link_path, next_attempt_ms, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(message.kind.as_str())
    .bind(channel.as_str())
    .bind(recipient)
    .bind(case_id)
    .bind(side)
    .bind(user_id)
    .bind(&message.subject)
    .bind(&message.body)
    .bind(&message.link_path)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(queued == 1)
}

/// Queues one message to every coordinator (each by their own choice).
pub(super) async fn queue_to_coordinators(
    tx: &mut Tx<'_>,
    message: &Outgoing,
    key: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = $1 AND disabled_ms IS NULL ORDER BY id",
    )
    .bind(Role::Coordinator.as_str())
    .fetch_all(&mut **tx)
    .await?;
    queue_to_users(tx, &ids, message, key, now_ms).await
}

/// Queues one message to each of `users` (each by their own choice).
pub(super) async fn queue_to_users(
    tx: &mut Tx<'_>,
    users: &[i64],
    message: &Outgoing,
    key: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    for id in users {
        queue(
            tx,
            To::User(*id),
            message,
            &format!("{key}:user {id}"),
            now_ms,
        )
        .await?;
    }
    Ok(())
}

/// The referrers linked to a case, to be told of something released to
/// them: none once the case is closed (nothing released after closure
/// reaches them).
pub(super) async fn referrers_of(tx: &mut Tx<'_>, case_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT m.user_id FROM case_members m JOIN cases c ON c.id = m.case_id \
         WHERE m.case_id = $1 AND m.relation = 'referrer' AND c.closed_ms IS NULL ORDER BY m.user_id",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// A booking's case and its reference, for messages about it.
pub(super) async fn case_of_booking(
    tx: &mut Tx<'_>,
    booking_id: i64,
) -> Result<(i64, String), AppError> {
    let row = sqlx::query(
        "SELECT c.id, c.reference FROM bookings b JOIN cases c ON c.id = b.case_id WHERE b.id = $1",
    )
    .bind(booking_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.try_get("id")?, row.try_get("reference")?))
}

/// A message a delivery task has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub key: String,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub link_path: String,
    /// Including this one.
    pub attempts: i64,
}

/// Claims up to `limit` messages that are due and not held by a live
/// claim, for `lease_ms`. On PostgreSQL rows another task is claiming are
/// skipped (`FOR UPDATE SKIP LOCKED`); SQLite's one writer serialises
/// claims.
pub async fn claim(
    db: &Db,
    worker: &str,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<Claimed>, AppError> {
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET claimed_by = $1, claimed_until_ms = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE status IN ('queued', 'retrying') \
         AND next_attempt_ms <= $3 AND (claimed_until_ms IS NULL OR claimed_until_ms <= $3) \
         ORDER BY id LIMIT $4{lock}) \
         RETURNING id, idempotency_key, channel, recipient, subject, body, link_path, attempts"
    );
    let mut tx = db.begin_write().await?;
    let rows = sqlx::query(&sql)
        .bind(worker)
        .bind(now_ms + lease_ms)
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut claimed = rows
        .iter()
        .map(|row| {
            let channel: String = row.try_get("channel")?;
            Ok(Claimed {
                id: row.try_get("id")?,
                key: row.try_get("idempotency_key")?,
                channel: Channel::parse(&channel).ok_or_else(|| {
                    super::failure::internal(format!("unknown channel {channel}"))
                })?,
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                body: row.try_get("body")?,
                link_path: row.try_get("link_path")?,
                attempts: row.try_get("attempts")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

/// What became of one try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by the mail server or provider, with its answer.
    Sent(String),
    /// Failed; try again later unless `permanent` or out of tries.
    Failed { answer: String, permanent: bool },
}

/// Records what became of a claimed message, if the claim is still this
/// task's. Returns false when it is not (the lease ran out and another
/// task took the message).
pub async fn settle(
    db: &Db,
    message: &Claimed,
    worker: &str,
    outcome: &Outcome,
    now_ms: i64,
) -> Result<bool, AppError> {
    let (status, answer, next, sent) = match outcome {
        Outcome::Sent(answer) => ("sent", answer.as_str(), now_ms, Some(now_ms)),
        Outcome::Failed { answer, permanent } => {
            match crate::domain::message::retry_after_ms(message.attempts).filter(|_| !permanent) {
                Some(wait) => ("retrying", answer.as_str(), now_ms + wait, None),
                None => ("given_up", answer.as_str(), now_ms, None),
            }
        }
    };
    let answer: String = answer.chars().take(500).collect();
    let changed = sqlx::query(
        "UPDATE outbox SET status = $1, last_answer = $2, next_attempt_ms = $3, sent_ms = $4, \
         claimed_by = NULL, claimed_until_ms = NULL WHERE id = $5 AND claimed_by = $6",
    )
    .bind(status)
    .bind(answer)
    .bind(next)
    .bind(sent)
    .bind(message.id)
    .bind(worker)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// How messages reached one parent of a case: their choice and the last
/// message's fate.
pub async fn parent_deliveries(db: &Db, case_id: i64) -> Result<Vec<Delivery>, AppError> {
    let mut out = Vec::new();
    for side in [Parent::Resident, Parent::Visiting] {
        let row = sqlx::query(
            "SELECT full_name, email, phone, message_by FROM case_parents WHERE case_id = $1 AND side = $2",
        )
        .bind(case_id)
        .bind(side.as_str())
        .fetch_optional(&db.pool)
        .await?;
        let Some(row) = row else {
            continue;
        };
        let name: String = row.try_get("full_name")?;
        let who = format!("{name} ({} parent)", side.as_str());
        let contact = contact_from(&row)?;
        let last = sqlx::query(
            "SELECT kind, channel, status, attempts, last_answer, created_ms, sent_ms FROM outbox \
             WHERE case_id = $1 AND parent_side = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(case_id)
        .bind(side.as_str())
        .fetch_optional(&db.pool)
        .await?;
        out.push(delivery_of(&who, &contact, last.as_ref())?);
    }
    Ok(out)
}

/// The same for staff and referrers' accounts.
pub async fn user_deliveries(db: &Db) -> Result<Vec<(i64, Delivery)>, AppError> {
    // One query: each account with its newest message, if any.
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email, u.phone, u.message_by, o.id AS outbox_id, o.kind, \
         o.channel, o.status, o.attempts, o.last_answer, o.created_ms, o.sent_ms \
         FROM users u LEFT JOIN outbox o ON o.id = (SELECT MAX(x.id) FROM outbox x WHERE x.user_id = u.id) \
         ORDER BY u.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let name: String = row.try_get("display_name")?;
        let last = row
            .try_get::<Option<i64>, _>("outbox_id")?
            .is_some()
            .then_some(row);
        out.push((id, delivery_of(&name, &contact_from(row)?, last)?));
    }
    Ok(out)
}

fn delivery_of(
    who: &str,
    contact: &Contact,
    last: Option<&sqlx::any::AnyRow>,
) -> Result<Delivery, AppError> {
    let last_message = match last {
        None => None,
        Some(row) => {
            let status: String = row.try_get("status")?;
            let channel: String = row.try_get("channel")?;
            let answer: String = row.try_get("last_answer")?;
            let attempts: i64 = row.try_get("attempts")?;
            let kind: String = row.try_get("kind")?;
            let (by, carrier) = if channel == "sms" {
                ("text", "the text message provider")
            } else {
                ("email", "the mail server")
            };
            Some(match status.as_str() {
                "sent" => format!("Last {by} ({kind}) was sent: {carrier} took it."),
                "given_up" => format!("Last {by} ({kind}) did not reach them: {answer}"),
                "retrying" => {
                    format!("Last {by} ({kind}) failed {attempts} time(s), trying again: {answer}")
                }
                _ => format!("Last {by} ({kind}) is waiting to go."),
            })
        }
    };
    Ok(Delivery {
        who: who.to_owned(),
        choice: contact.by.label().to_owned(),
        email: contact.email.clone(),
        phone: contact.phone.clone(),
        reached: contact.route(false).is_some() || contact.route(true).is_some(),
        last_message,
    })
}
