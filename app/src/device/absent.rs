//! The server build's stand-in: there is no phone storage on the server.
//! Nothing calls these there (they are reached only from browser effects);
//! they exist so that pages compile once for both builds.

use super::{PhoneQueue, Queued, SyncMemo};
use crate::domain::sync_queue::ItemOutcome;
use crate::model::{LoggedSession, WorkerSessions};

const NO_PHONE: &str = "Phone storage exists only in the browser.";

pub fn now_ms() -> i64 {
    0
}

pub fn new_id() -> String {
    uuid::Uuid::nil().to_string()
}

pub async fn unlock(_: i64) -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn save_sessions(_: i64, _: &WorkerSessions) -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn load_sessions(_: i64) -> Result<Option<WorkerSessions>, String> {
    Err(NO_PHONE.into())
}

pub async fn queue_entry(_: &Queued) -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn requeue(_: &Queued, _: &[String]) -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn load_queue(_: i64) -> Result<PhoneQueue, String> {
    Err(NO_PHONE.into())
}

pub async fn apply_outcomes(_: i64, _: &[ItemOutcome], _: &[Queued]) -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn save_log(_: i64, _: &LoggedSession, _: i64) -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn load_log(_: i64, _: i64) -> Result<Option<LoggedSession>, String> {
    Err(NO_PHONE.into())
}

pub async fn save_memo(_: &SyncMemo) -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn note_contact() -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub async fn load_memo() -> Result<SyncMemo, String> {
    Err(NO_PHONE.into())
}

pub async fn forget_everything() -> Result<(), String> {
    Err(NO_PHONE.into())
}

pub fn mark_saved() {}

pub async fn pause(_: u32) {}

pub fn is_online() -> bool {
    true
}

pub fn warm_pages(_: &[String]) {}
