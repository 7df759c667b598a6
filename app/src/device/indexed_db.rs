//! IndexedDB through `rexie`. Every value is stored as JSON text under an
//! explicit key; a write returns only once its transaction has committed,
//! which is when the page may say "saved". What concerns sessions is sealed
//! (AES-GCM, Web Crypto) under the signed-in worker's phone key before it is
//! written, and opened after it is read: never inside a transaction, which
//! an `await` on anything but IndexedDB would end early.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use rexie::{KeyRange, ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, CryptoKey, SubtleCrypto};

use super::{PhoneQueue, Queued, SyncMemo, SyncedHere, synced_key, synced_range};
use crate::domain::phone_seal::{self, Envelope, Stored};
use crate::domain::sync_queue::{ItemOutcome, deletion_runs};
use crate::model::{LoggedSession, WorkerSessions};

const DATABASE: &str = "contact-centre";
const SESSIONS: &str = "sessions";
const QUEUE: &str = "queue";
const LOGS: &str = "logs";
const MEMO: &str = "memo";
/// The signed-in worker's phone key, as a non-extractable `CryptoKey`.
const KEYS: &str = "keys";
const MINE: &str = "mine";

const NO_KEY: &str = "This phone does not hold your key yet: connect once while signed in, and your sessions open here again.";

thread_local! {
    static OPEN: RefCell<Option<Rc<Rexie>>> = const { RefCell::new(None) };
    /// The signed-in worker's key, once read or fetched in this page.
    static KEY: RefCell<Option<(i64, CryptoKey)>> = const { RefCell::new(None) };
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

fn js_trouble(error: JsValue) -> String {
    trouble(
        error
            .as_string()
            .or_else(|| {
                Reflect::get(&error, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|m| m.as_string())
            })
            .unwrap_or_else(|| "the browser refused".to_owned()),
    )
}

async fn database() -> Result<Rc<Rexie>, String> {
    if let Some(open) = OPEN.with(|open| open.borrow().clone()) {
        return Ok(open);
    }
    // Version 2 added the key store; the others are kept as they were.
    let opened = Rexie::builder(DATABASE)
        .version(2)
        .add_object_store(ObjectStore::new(SESSIONS))
        .add_object_store(ObjectStore::new(QUEUE))
        .add_object_store(ObjectStore::new(LOGS))
        .add_object_store(ObjectStore::new(MEMO))
        .add_object_store(ObjectStore::new(KEYS))
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

fn read_stored<T: DeserializeOwned>(value: &JsValue) -> Result<Stored<T>, String> {
    let text = value
        .as_string()
        .ok_or_else(|| trouble("a stored value is not text"))?;
    phone_seal::read_stored(&text).map_err(trouble)
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

async fn get_raw(store: &str, key: JsValue) -> Result<Option<JsValue>, String> {
    let db = database().await?;
    let tx = db
        .transaction(&[store], TransactionMode::ReadOnly)
        .map_err(trouble)?;
    tx.store(store)
        .map_err(trouble)?
        .get(key)
        .await
        .map_err(trouble)
}

async fn get<T: DeserializeOwned>(store: &str, key: JsValue) -> Result<Option<T>, String> {
    get_raw(store, key).await?.map(from_js).transpose()
}

fn subtle() -> Result<(web_sys::Crypto, SubtleCrypto), String> {
    let crypto = web_sys::window()
        .ok_or_else(|| trouble("no window"))?
        .crypto()
        .map_err(js_trouble)?;
    let subtle = crypto.subtle();
    Ok((crypto, subtle))
}

/// Makes sure this phone holds `me`'s key, fetching it from the server when
/// it does not (which needs signal). Called as a worker's pages start.
pub async fn unlock(me: i64) -> Result<(), String> {
    key_for(me).await.map(|_| ())
}

/// `me`'s key: from this page's memory, else from the key store, else from
/// the server (kept in the key store, replacing any other worker's).
async fn key_for(me: i64) -> Result<CryptoKey, String> {
    let held = KEY.with(|held| {
        held.borrow()
            .as_ref()
            .filter(|(worker, _)| *worker == me)
            .map(|(_, key)| key.clone())
    });
    if let Some(key) = held {
        return Ok(key);
    }
    let key = match stored_key(me).await? {
        Some(key) => key,
        None => fetch_key(me).await?,
    };
    KEY.with(|held| *held.borrow_mut() = Some((me, key.clone())));
    Ok(key)
}

async fn stored_key(me: i64) -> Result<Option<CryptoKey>, String> {
    let Some(record) = get_raw(KEYS, JsValue::from_str(MINE)).await? else {
        return Ok(None);
    };
    let worker = Reflect::get(&record, &JsValue::from_str("worker"))
        .ok()
        .and_then(|w| w.as_f64());
    if worker != Some(me as f64) {
        return Ok(None);
    }
    Ok(Reflect::get(&record, &JsValue::from_str("key"))
        .ok()
        .and_then(|key| key.dyn_into::<CryptoKey>().ok()))
}

async fn fetch_key(me: i64) -> Result<CryptoKey, String> {
    if !is_online() {
        return Err(NO_KEY.to_owned());
    }
    let handed = crate::api::worker::my_phone_key()
        .await
        .map_err(|error| format!("{NO_KEY} ({error})"))?;
    if handed.worker_id != me {
        return Err(NO_KEY.to_owned());
    }
    let raw = Uint8Array::from(phone_seal::from_hex(&handed.key)?.as_slice());
    let usages = js_sys::Array::of2(&JsValue::from_str("encrypt"), &JsValue::from_str("decrypt"));
    let (_, subtle) = subtle()?;
    // Not extractable: pages can use it, nothing can read it back out.
    let importing = subtle
        .import_key_with_str("raw", &raw, "AES-GCM", false, &usages)
        .map_err(js_trouble)?;
    let key: CryptoKey = JsFuture::from(importing)
        .await
        .map_err(js_trouble)?
        .unchecked_into();
    let record = js_sys::Object::new();
    Reflect::set(
        &record,
        &JsValue::from_str("worker"),
        &JsValue::from_f64(me as f64),
    )
    .map_err(js_trouble)?;
    Reflect::set(&record, &JsValue::from_str("key"), &key).map_err(js_trouble)?;
    put_all(KEYS, vec![(JsValue::from_str(MINE), record.into())]).await?;
    Ok(key)
}

fn gcm(iv: &[u8], store: &str, key: &str) -> AesGcmParams {
    let params = AesGcmParams::new_with_u8_array("AES-GCM", &Uint8Array::from(iv));
    params.set_additional_data_u8_array(&Uint8Array::from(
        phone_seal::bound_to(store, key).as_slice(),
    ));
    params
}

/// Seals `value` for `me`, bound to its place (`store`, `key`).
async fn seal<T: Serialize>(
    me: i64,
    store: &str,
    key: &str,
    value: &T,
) -> Result<Envelope, String> {
    let crypto_key = key_for(me).await?;
    let plain = serde_json::to_vec(value).map_err(trouble)?;
    let (crypto, subtle) = subtle()?;
    let mut iv = [0u8; 12];
    crypto
        .get_random_values_with_u8_array(&mut iv)
        .map_err(js_trouble)?;
    let sealing = subtle
        .encrypt_with_object_and_u8_array(&gcm(&iv, store, key), &crypto_key, &plain)
        .map_err(js_trouble)?;
    let sealed = JsFuture::from(sealing).await.map_err(js_trouble)?;
    Ok(Envelope {
        sealed_for: me,
        iv: phone_seal::to_hex(&iv),
        data: phone_seal::to_hex(&Uint8Array::new(&sealed).to_vec()),
        rejected: None,
    })
}

/// Opens an envelope sealed for `me` at (`store`, `key`).
async fn open_envelope<T: DeserializeOwned>(
    me: i64,
    store: &str,
    key: &str,
    envelope: &Envelope,
) -> Result<T, String> {
    let crypto_key = key_for(me).await?;
    let iv = phone_seal::from_hex(&envelope.iv)?;
    let data = phone_seal::from_hex(&envelope.data)?;
    let (_, subtle) = subtle()?;
    let opening = subtle
        .decrypt_with_object_and_u8_array(&gcm(&iv, store, key), &crypto_key, &data)
        .map_err(js_trouble)?;
    let plain = JsFuture::from(opening).await.map_err(|_| {
        trouble("a kept value did not open: it was changed, or moved from its place")
    })?;
    serde_json::from_slice(&Uint8Array::new(&plain).to_vec()).map_err(trouble)
}

/// What `me` may read of a stored value: a value sealed for someone else
/// reads as nothing; one kept in the clear by an earlier release is read.
async fn open<T: DeserializeOwned>(
    me: i64,
    store: &str,
    key: &str,
    value: Option<JsValue>,
) -> Result<Option<T>, String> {
    let Some(value) = value else { return Ok(None) };
    match read_stored::<T>(&value)? {
        Stored::Clear(value) => Ok(Some(value)),
        Stored::Sealed(envelope) if envelope.sealed_for != me => Ok(None),
        Stored::Sealed(envelope) => open_envelope(me, store, key, &envelope).await.map(Some),
    }
}

/// Keeps the sessions just fetched from the server, sealed for `me`, and
/// notes the contact.
pub async fn save_sessions(me: i64, sessions: &WorkerSessions) -> Result<(), String> {
    let envelope = seal(me, SESSIONS, MINE, sessions).await?;
    put_all(SESSIONS, vec![(JsValue::from_str(MINE), to_js(&envelope)?)]).await?;
    note_contact().await
}

/// The phone's copy of `me`'s sessions, unless it went
/// `KEEP_WITHOUT_CONTACT_MS` without reaching the server: then it is
/// removed (as at sign-out: unsynced entries stay) and there is none. A copy
/// sealed for another worker reads as none.
pub async fn load_sessions(me: i64) -> Result<Option<WorkerSessions>, String> {
    if expire_stale_copy().await? {
        return Ok(None);
    }
    let stored = get_raw(SESSIONS, JsValue::from_str(MINE)).await?;
    open(me, SESSIONS, MINE, stored).await
}

/// Notes that the server answered just now.
pub async fn note_contact() -> Result<(), String> {
    let mut memo = load_memo().await?;
    memo.last_contact_ms = Some(now_ms());
    memo.expired_ms = None;
    save_memo(&memo).await
}

/// Removes the copy of sessions, logs and kept pages, and the key, when it
/// has gone too long without contact; says whether it did.
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

/// One queued item as stored: sealed for its author, bound to its id.
async fn sealed_item(item: &Queued) -> Result<JsValue, String> {
    let mut envelope = seal(item.author, QUEUE, &item.id, item).await?;
    envelope.rejected = item.rejected.clone();
    to_js(&envelope)
}

/// Keeps one entry on the phone, sealed for its author. When this returns
/// `Ok`, the entry is in IndexedDB and survives a reload.
pub async fn queue_entry(item: &Queued) -> Result<(), String> {
    let value = sealed_item(item).await?;
    put_all(QUEUE, vec![(JsValue::from_str(&item.id), value)]).await
}

/// Keeps a new item and lets go of the refused ones it takes the place of,
/// in one transaction (a signature made again after the server refused the
/// first: its text was carried into the new one).
pub async fn requeue(item: &Queued, replaces: &[String]) -> Result<(), String> {
    let value = sealed_item(item).await?;
    let db = database().await?;
    let tx = db
        .transaction(&[QUEUE], TransactionMode::ReadWrite)
        .map_err(trouble)?;
    let store = tx.store(QUEUE).map_err(trouble)?;
    for id in replaces {
        store.delete(JsValue::from_str(id)).await.map_err(trouble)?;
    }
    let key = JsValue::from_str(&item.id);
    store.put(&value, Some(&key)).await.map_err(trouble)?;
    committed(tx).await
}

/// The queue as `me` can read it: their entries opened, the rest counted
/// by author.
pub async fn load_queue(me: i64) -> Result<PhoneQueue, String> {
    let db = database().await?;
    let tx = db
        .transaction(&[QUEUE], TransactionMode::ReadOnly)
        .map_err(trouble)?;
    let store = tx.store(QUEUE).map_err(trouble)?;
    // Both in key order, from one transaction.
    let keys = store.get_all_keys(None, None).await.map_err(trouble)?;
    let values = store.get_all(None, None).await.map_err(trouble)?;
    drop(tx);
    let mut others = std::collections::BTreeMap::<i64, usize>::new();
    let mut other = |author: i64| *others.entry(author).or_default() += 1;
    let mut mine = Vec::new();
    let mut sealed = Vec::new();
    for (key, value) in keys.into_iter().zip(values) {
        let id = key
            .as_string()
            .ok_or_else(|| trouble("a queued entry has no id"))?;
        match read_stored::<Queued>(&value)? {
            Stored::Clear(item) if item.author == me => mine.push(item),
            Stored::Clear(item) => other(item.author),
            Stored::Sealed(envelope) if envelope.sealed_for == me => sealed.push((id, envelope)),
            Stored::Sealed(envelope) => other(envelope.sealed_for),
        }
    }
    // Without `me`'s key (gone after 14 days without contact, and no
    // signal to fetch it again) their entries are counted, not opened.
    let mut locked = 0;
    if !sealed.is_empty() && key_for(me).await.is_err() {
        locked = sealed.len();
    } else {
        // Opened all at once: WebCrypto works on them side by side.
        let opened =
            futures::future::try_join_all(sealed.iter().map(|(id, envelope)| async move {
                let mut item: Queued = open_envelope(me, QUEUE, id, envelope).await?;
                item.rejected = envelope.rejected.clone();
                Ok::<_, String>(item)
            }))
            .await?;
        mine.extend(opened);
    }
    // In key order, as read.
    mine.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(PhoneQueue {
        mine,
        locked,
        others: others.into_iter().collect(),
    })
}

/// Applies the server's answer to the items `me` sent, in one transaction:
/// acknowledged items leave the queue and are kept beside their session's
/// log (so the page never loses them before it next reads the server's
/// log), refused ones stay with the reason, held ones as they were. What is
/// kept beside a log is sealed before the transaction starts: the batch's
/// entries of each session on their own, never the whole log again.
pub async fn apply_outcomes(
    me: i64,
    outcomes: &[ItemOutcome],
    sent: &[Queued],
) -> Result<(), String> {
    let mut synced: Vec<Queued> = outcomes
        .iter()
        .filter(|outcome| outcome.is_kept_by_server())
        .flat_map(|outcome| sent.iter().filter(|item| item.id == outcome.id()))
        .cloned()
        .collect();
    synced.sort_by_key(|item| item.payload.booking_id);
    let received_ms = now_ms();
    let mut logs: Vec<(JsValue, JsValue)> = Vec::new();
    for session in synced.chunk_by(|a, b| a.payload.booking_id == b.payload.booking_id) {
        let place = synced_key(session[0].payload.booking_id, &new_id());
        let kept = SyncedHere {
            received_ms,
            items: session.to_vec(),
        };
        let envelope = seal(me, LOGS, &place, &kept).await?;
        logs.push((JsValue::from_str(&place), to_js(&envelope)?));
    }

    let db = database().await?;
    let tx = db
        .transaction(&[QUEUE, LOGS], TransactionMode::ReadWrite)
        .map_err(trouble)?;
    let store = tx.store(QUEUE).map_err(trouble)?;
    // Only ids this batch sent: an answer can never remove anything else.
    let mut acknowledged: Vec<&str> = synced.iter().map(|item| item.id.as_str()).collect();
    acknowledged.sort_unstable();
    acknowledged.dedup();
    delete_acknowledged(&store, &acknowledged).await?;
    for outcome in outcomes {
        let key = JsValue::from_str(outcome.id());
        match outcome {
            ItemOutcome::Stored { .. }
            | ItemOutcome::AlreadyStored { .. }
            | ItemOutcome::Held { .. } => {}
            ItemOutcome::Rejected { reason, .. } => {
                // The reason sits outside the sealed part: no opening needed.
                let Some(value) = store.get(key.clone()).await.map_err(trouble)? else {
                    continue;
                };
                let updated = match read_stored::<Queued>(&value)? {
                    Stored::Sealed(mut envelope) => {
                        envelope.rejected = Some(reason.clone());
                        to_js(&envelope)?
                    }
                    Stored::Clear(mut item) => {
                        item.rejected = Some(reason.clone());
                        to_js(&item)?
                    }
                };
                store.put(&updated, Some(&key)).await.map_err(trouble)?;
            }
        }
    }
    let log_store = tx.store(LOGS).map_err(trouble)?;
    for (key, value) in &logs {
        log_store.put(value, Some(key)).await.map_err(trouble)?;
    }
    committed(tx).await
}

/// Removes the acknowledged entries `ids` (sorted) from the queue, inside
/// the caller's write transaction: each run of them with no other key in
/// between as one key range (`sync_queue::deletion_runs`), so a batch of 250
/// is usually one request rather than 250. Ids are UUIDs; should one not be
/// plain ASCII (where IndexedDB's order of text and Rust's could differ),
/// each goes on its own.
async fn delete_acknowledged(store: &rexie::Store, ids: &[&str]) -> Result<(), String> {
    let (Some(first), Some(last)) = (ids.first(), ids.last()) else {
        return Ok(());
    };
    if !ids.iter().all(|id| id.is_ascii()) {
        futures::future::try_join_all(ids.iter().map(|id| store.delete(JsValue::from_str(id))))
            .await
            .map_err(trouble)?;
        return Ok(());
    }
    let span = key_range(first, last)?;
    let present: Vec<String> = store
        .get_all_keys(Some(span), None)
        .await
        .map_err(trouble)?
        .into_iter()
        .filter_map(|key| key.as_string())
        .collect();
    let runs = deletion_runs(ids, &present);
    futures::future::try_join_all(runs.into_iter().map(|(from, to)| async move {
        store
            .delete(key_range(from, to)?.into())
            .await
            .map_err(trouble)
    }))
    .await?;
    Ok(())
}

/// The keys from `from` to `to`, both included.
fn key_range(from: &str, to: &str) -> Result<KeyRange, String> {
    KeyRange::bound(
        &JsValue::from_str(from),
        &JsValue::from_str(to),
        Some(false),
        Some(false),
    )
    .map_err(trouble)
}

/// Keeps the server's log of one session, sealed for `me`, and lets go of
/// the acknowledged entries kept beside it that the log covers (it was
/// asked for at `asked_ms`, after they were acknowledged), and of any kept
/// batch that does not open (a copy of what the server holds, so nothing is
/// lost). Kept batches that cannot be read never stop the log being kept.
pub async fn save_log(me: i64, log: &LoggedSession, asked_ms: i64) -> Result<(), String> {
    let place = log.booking_id.to_string();
    let envelope = seal(me, LOGS, &place, log).await?;
    let done: Vec<JsValue> = synced_beside(me, log.booking_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, kept)| {
            kept.as_ref()
                .is_none_or(|kept| kept.covered_by(log, asked_ms))
        })
        .map(|(key, _)| key)
        .collect();
    let db = database().await?;
    let tx = db
        .transaction(&[LOGS], TransactionMode::ReadWrite)
        .map_err(trouble)?;
    let store = tx.store(LOGS).map_err(trouble)?;
    store
        .put(
            &to_js(&envelope)?,
            Some(&JsValue::from_f64(log.booking_id as f64)),
        )
        .await
        .map_err(trouble)?;
    for key in done {
        store.delete(key).await.map_err(trouble)?;
    }
    committed(tx).await
}

/// The phone's copy of one session's log: the server's log as last read,
/// with the entries acknowledged since then added.
pub async fn load_log(me: i64, booking_id: i64) -> Result<Option<LoggedSession>, String> {
    if expire_stale_copy().await? {
        return Ok(None);
    }
    let stored = get_raw(LOGS, JsValue::from_f64(booking_id as f64)).await?;
    let Some(mut log) = open::<LoggedSession>(me, LOGS, &booking_id.to_string(), stored).await?
    else {
        return Ok(None);
    };
    for (_, kept) in synced_beside(me, booking_id).await? {
        if let Some(kept) = kept {
            log.keep_synced(&kept.items, kept.received_ms);
        }
    }
    Ok(Some(log))
}

/// The acknowledged entries kept beside session `booking_id`'s log, by key,
/// in the order they were kept. Those sealed for someone else are left out;
/// one of `me`'s that does not open, or one in the clear (never written so,
/// so never trusted), comes as `None`.
async fn synced_beside(
    me: i64,
    booking_id: i64,
) -> Result<Vec<(JsValue, Option<SyncedHere>)>, String> {
    let (from, to) = synced_range(booking_id);
    let range = key_range(&from, &to)?;
    let db = database().await?;
    let tx = db
        .transaction(&[LOGS], TransactionMode::ReadOnly)
        .map_err(trouble)?;
    let store = tx.store(LOGS).map_err(trouble)?;
    let keys = store
        .get_all_keys(Some(range.clone()), None)
        .await
        .map_err(trouble)?;
    let values = store.get_all(Some(range), None).await.map_err(trouble)?;
    drop(tx);
    let opened =
        futures::future::join_all(keys.into_iter().zip(values).map(|(key, value)| async move {
            let place = key.as_string().unwrap_or_default();
            match read_stored::<SyncedHere>(&value) {
                Ok(Stored::Sealed(envelope)) if envelope.sealed_for != me => None,
                Ok(Stored::Sealed(envelope)) => {
                    let kept = open_envelope(me, LOGS, &place, &envelope).await.ok();
                    Some((key, kept))
                }
                _ => Some((key, None)),
            }
        }))
        .await;
    let mut kept: Vec<(JsValue, Option<SyncedHere>)> = opened.into_iter().flatten().collect();
    kept.sort_by_key(|(_, kept)| kept.as_ref().map(|kept| kept.received_ms));
    Ok(kept)
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
/// (their sessions, the sessions' logs, the last sync time, their key), and
/// asks the service worker to drop the pages it kept. Entries not yet synced
/// stay, sealed for their author, until that worker signs in again (and the
/// server hands their key back) and they sync: nothing a worker typed is
/// deleted, and nobody else on the phone can read it.
pub async fn forget_everything() -> Result<(), String> {
    let authors = load_memo()
        .await
        .map(|memo| memo.authors)
        .unwrap_or_default();
    KEY.with(|held| *held.borrow_mut() = None);
    let db = database().await?;
    let stores = [SESSIONS, LOGS, MEMO, KEYS];
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
    committed(tx).await?;
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
