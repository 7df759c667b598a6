//! IndexedDB through `rexie`. Every value is stored as JSON text under an
//! explicit key; a write returns only once its transaction has committed,
//! which is when the page may say "saved".

use std::cell::RefCell;
use std::rc::Rc;

use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::{Queued, SyncMemo};
use crate::domain::sync_queue::ItemOutcome;
use crate::model::{LoggedSession, WorkerSessions};

const DATABASE: &str = "contact-centre";
const SESSIONS: &str = "sessions";
const QUEUE: &str = "queue";
const LOGS: &str = "logs";
const MEMO: &str = "memo";
const MINE: &str = "mine";

thread_local! {
    static OPEN: RefCell<Option<Rc<Rexie>>> = const { RefCell::new(None) };
}

/// The phone's clock, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A new entry id: a UUID v7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Marks the moment an entry became durable on the phone, on the page's
/// performance timeline (`ccc:entry-saved`): the save benchmark reads it.
pub fn mark_saved() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("ccc:entry-saved");
    }
}

/// Waits without blocking the page.
pub async fn pause(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

pub fn is_online() -> bool {
    web_sys::window().is_some_and(|w| w.navigator().on_line())
}

fn trouble(error: impl std::fmt::Display) -> String {
    format!("This phone's storage failed: {error}")
}

async fn database() -> Result<Rc<Rexie>, String> {
    if let Some(open) = OPEN.with(|open| open.borrow().clone()) {
        return Ok(open);
    }
    let opened = Rexie::builder(DATABASE)
        .version(1)
        .add_object_store(ObjectStore::new(SESSIONS))
        .add_object_store(ObjectStore::new(QUEUE))
        .add_object_store(ObjectStore::new(LOGS))
        .add_object_store(ObjectStore::new(MEMO))
        .build()
        .await
        .map_err(trouble)?;
    let opened = Rc::new(opened);
    OPEN.with(|open| *open.borrow_mut() = Some(opened.clone()));
    Ok(opened)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    serde_json::to_string(value)
        .map(|text| JsValue::from_str(&text))
        .map_err(trouble)
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    let text = value
        .as_string()
        .ok_or_else(|| trouble("a stored value is not text"))?;
    serde_json::from_str(&text).map_err(trouble)
}

/// Writes `values` to `store` in one transaction; returns once committed.
async fn put_all(store: &str, values: Vec<(JsValue, JsValue)>) -> Result<(), String> {
    let db = database().await?;
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .map_err(trouble)?;
    let handle = tx.store(store).map_err(trouble)?;
    for (key, value) in &values {
        handle.put(value, Some(key)).await.map_err(trouble)?;
    }
    committed(tx).await
}

/// Waits for a write transaction to finish: `Ok` only once it committed.
async fn committed(tx: rexie::Transaction) -> Result<(), String> {
    let result = tx.done().await.map_err(trouble)?;
    if result.is_committed() {
        Ok(())
    } else {
        Err(trouble("the write was not committed"))
    }
}

async fn get<T: DeserializeOwned>(store: &str, key: JsValue) -> Result<Option<T>, String> {
    let db = database().await?;
    let tx = db
        .transaction(&[store], TransactionMode::ReadOnly)
        .map_err(trouble)?;
    let value = tx
        .store(store)
        .map_err(trouble)?
        .get(key)
        .await
        .map_err(trouble)?;
    value.map(from_js).transpose()
}

/// Keeps the sessions just fetched from the server, and notes the contact.
pub async fn save_sessions(sessions: &WorkerSessions) -> Result<(), String> {
    put_all(SESSIONS, vec![(JsValue::from_str(MINE), to_js(sessions)?)]).await?;
    note_contact().await
}

/// The phone's copy of the worker's sessions, unless it went
/// `KEEP_WITHOUT_CONTACT_MS` without reaching the server: then it is
/// removed (as at sign-out: unsynced entries stay) and there is none.
pub async fn load_sessions() -> Result<Option<WorkerSessions>, String> {
    if expire_stale_copy().await? {
        return Ok(None);
    }
    get(SESSIONS, JsValue::from_str(MINE)).await
}

/// Notes that the server answered just now.
pub async fn note_contact() -> Result<(), String> {
    let mut memo = load_memo().await?;
    memo.last_contact_ms = Some(now_ms());
    memo.expired_ms = None;
    save_memo(&memo).await
}

/// Removes the copy of sessions, logs and kept pages when it has gone too
/// long without contact; says whether it did.
async fn expire_stale_copy() -> Result<bool, String> {
    let memo = load_memo().await?;
    if !crate::domain::sync_queue::copy_expired(memo.last_contact_ms, now_ms()) {
        return Ok(false);
    }
    forget_everything().await?;
    let mut memo = load_memo().await?;
    memo.expired_ms = Some(now_ms());
    save_memo(&memo).await?;
    Ok(true)
}

/// Keeps one entry on the phone. When this returns `Ok`, the entry is in
/// IndexedDB and survives a reload.
pub async fn queue_entry(item: &Queued) -> Result<(), String> {
    put_all(QUEUE, vec![(JsValue::from_str(&item.id), to_js(item)?)]).await
}

/// Keeps a new item and lets go of the refused ones it takes the place of,
/// in one transaction (a signature made again after the server refused the
/// first: its text was carried into the new one).
pub async fn requeue(item: &Queued, replaces: &[String]) -> Result<(), String> {
    let db = database().await?;
    let tx = db
        .transaction(&[QUEUE], TransactionMode::ReadWrite)
        .map_err(trouble)?;
    let store = tx.store(QUEUE).map_err(trouble)?;
    for id in replaces {
        store.delete(JsValue::from_str(id)).await.map_err(trouble)?;
    }
    let key = JsValue::from_str(&item.id);
    store
        .put(&to_js(item)?, Some(&key))
        .await
        .map_err(trouble)?;
    committed(tx).await
}

pub async fn load_queue() -> Result<Vec<Queued>, String> {
    let db = database().await?;
    let tx = db
        .transaction(&[QUEUE], TransactionMode::ReadOnly)
        .map_err(trouble)?;
    let values = tx
        .store(QUEUE)
        .map_err(trouble)?
        .get_all(None, None)
        .await
        .map_err(trouble)?;
    values.into_iter().map(from_js).collect()
}

/// Applies the server's answer to the items `sent`, in one transaction:
/// acknowledged items leave the queue and join the phone's copy of their
/// session's log (so the page never loses them before it next reads the
/// server's log), refused ones stay with the reason, held ones as they were.
pub async fn apply_outcomes(outcomes: &[ItemOutcome], sent: &[Queued]) -> Result<(), String> {
    let db = database().await?;
    let tx = db
        .transaction(&[QUEUE, LOGS], TransactionMode::ReadWrite)
        .map_err(trouble)?;
    let store = tx.store(QUEUE).map_err(trouble)?;
    let mut synced: Vec<&Queued> = Vec::new();
    for outcome in outcomes {
        let key = JsValue::from_str(outcome.id());
        match outcome {
            ItemOutcome::Stored { .. } | ItemOutcome::AlreadyStored { .. } => {
                store.delete(key).await.map_err(trouble)?;
                synced.extend(sent.iter().filter(|item| item.id == outcome.id()));
            }
            ItemOutcome::Held { .. } => {}
            ItemOutcome::Rejected { reason, .. } => {
                if let Some(value) = store.get(key.clone()).await.map_err(trouble)? {
                    let mut item: Queued = from_js(value)?;
                    item.rejected = Some(reason.clone());
                    store
                        .put(&to_js(&item)?, Some(&key))
                        .await
                        .map_err(trouble)?;
                }
            }
        }
    }
    let logs = tx.store(LOGS).map_err(trouble)?;
    let mut bookings: Vec<i64> = synced.iter().map(|item| item.payload.booking_id).collect();
    bookings.sort_unstable();
    bookings.dedup();
    for booking_id in bookings {
        let key = JsValue::from_f64(booking_id as f64);
        if let Some(value) = logs.get(key.clone()).await.map_err(trouble)? {
            let mut log: LoggedSession = from_js(value)?;
            log.keep_synced(synced.iter().copied(), now_ms());
            logs.put(&to_js(&log)?, Some(&key)).await.map_err(trouble)?;
        }
    }
    committed(tx).await
}

pub async fn save_log(log: &LoggedSession) -> Result<(), String> {
    put_all(
        LOGS,
        vec![(JsValue::from_f64(log.booking_id as f64), to_js(log)?)],
    )
    .await
}

pub async fn load_log(booking_id: i64) -> Result<Option<LoggedSession>, String> {
    if expire_stale_copy().await? {
        return Ok(None);
    }
    get(LOGS, JsValue::from_f64(booking_id as f64)).await
}

pub async fn save_memo(memo: &SyncMemo) -> Result<(), String> {
    put_all(MEMO, vec![(JsValue::from_str(MINE), to_js(memo)?)]).await
}

pub async fn load_memo() -> Result<SyncMemo, String> {
    Ok(get(MEMO, JsValue::from_str(MINE))
        .await?
        .unwrap_or_default())
}

/// Removes what session mode kept on this phone for the worker signing out
/// (their sessions, the sessions' logs, the last sync time), and asks the
/// service worker to drop the pages it kept. Entries not yet synced stay,
/// under their author, until that worker signs in again and they sync:
/// nothing a worker typed is deleted.
pub async fn forget_everything() -> Result<(), String> {
    let authors = load_memo()
        .await
        .map(|memo| memo.authors)
        .unwrap_or_default();
    let db = database().await?;
    let stores = [SESSIONS, LOGS, MEMO];
    let tx = db
        .transaction(&stores, TransactionMode::ReadWrite)
        .map_err(trouble)?;
    for name in stores {
        tx.store(name)
            .map_err(trouble)?
            .clear()
            .await
            .map_err(trouble)?;
    }
    tx.done().await.map_err(trouble)?;
    save_memo(&SyncMemo {
        authors,
        ..SyncMemo::default()
    })
    .await?;
    tell_service_worker(&serde_json::json!({ "type": "forget" }));
    Ok(())
}

/// Asks the service worker to fetch and keep these pages now, so they open
/// offline later even if the worker never visited them online.
pub fn warm_pages(paths: &[String]) {
    tell_service_worker(&serde_json::json!({ "type": "warm", "urls": paths }));
}

fn tell_service_worker(message: &serde_json::Value) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let text = JsValue::from_str(&message.to_string());
    // The active worker, once there is one (on a first visit it is still
    // installing; `ready` waits for it).
    let Ok(ready) = window.navigator().service_worker().ready() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await {
            let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
            if let Some(active) = registration.active() {
                let _ = active.post_message(&text);
            }
        }
    });
}
