//! Session mode: what a contact worker's phone fetches and sends, and the
//! coordinator's view of what arrived. Parents and referrers get none of it.

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{ConcernAlert, LoggedSession, PhoneKey, SyncBatch, SyncReply, WorkerSessions};

/// The signed-in worker's sessions from today for two weeks, for the phone
/// to keep offline.
#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<WorkerSessions, AppError> {
    use crate::server::{now_ms, require, sessions, state};
    let user = require("my_sessions").await?;
    sessions::for_worker(&state()?.db, &user, now_ms()).await
}

/// The signed-in worker's phone key, which seals what their phone keeps
/// (`domain::phone_seal`). Fetched at sign-in; forgotten at sign-out.
#[server(endpoint = "my_phone_key")]
pub async fn my_phone_key() -> Result<PhoneKey, AppError> {
    use crate::server::{require, state};
    let user = require("my_phone_key").await?;
    let key = state()?.db.audit_seal().phone_key(user.id);
    Ok(PhoneKey {
        worker_id: user.id,
        key: crate::domain::phone_seal::to_hex(&key),
    })
}

/// Stores a batch of the phone's queued entries, each exactly once, and says
/// what became of each one.
#[server(endpoint = "sync_entries", input = Json)]
pub async fn sync_entries(batch: SyncBatch) -> Result<SyncReply, AppError> {
    use crate::server::{now_ms, require, sessions, state};
    let user = require("sync_entries").await?;
    sessions::ingest(&state()?.db, &user, &batch, now_ms()).await
}

/// Every entry of one session, from every worker: for a worker booked on it,
/// or a coordinator.
#[server(endpoint = "session_log")]
pub async fn session_log(booking_id: i64) -> Result<LoggedSession, AppError> {
    use crate::domain::role::Role;
    use crate::server::{now_ms, records, require, sessions, state};
    let user = require("session_log").await?;
    let db = &state()?.db;
    if user.role == Role::Worker && !sessions::is_booked(db, booking_id, user.id).await? {
        return Err(AppError::not_found("That session"));
    }
    let log = sessions::log(db, booking_id).await?;
    records::note_read(db, booking_id, &user, now_ms()).await?;
    Ok(log)
}

/// Safeguarding concerns synced in the last two weeks, newest first.
#[server(endpoint = "recent_concerns")]
pub async fn recent_concerns() -> Result<Vec<ConcernAlert>, AppError> {
    use crate::server::{now_ms, require, sessions, state};
    require("recent_concerns").await?;
    sessions::concerns_since(&state()?.db, now_ms() - 14 * 24 * 3_600_000).await
}
