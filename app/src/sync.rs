//! The phone's side of syncing: a status every worker page shows (entries
//! not yet synced, the last successful sync, any error, online or not) and
//! the loop that pushes queued entries to the server.
//!
//! When it syncs: at start, when the browser comes back online, when the
//! worker taps "Sync now", after each new entry while online, and on a timer
//! that backs off after failures (`sync_queue::retry_delay_ms`). An entry
//! leaves the phone only when the server has acknowledged it; refused
//! entries stay, with the reason, until the worker sees them.

use leptos::prelude::*;

use crate::device::{self, Queued};
use crate::domain::sync_queue::{ItemOutcome, SyncQueue, retry_delay_ms};
use crate::error::AppError;
use crate::model::{Colleague, SyncBatch};

/// Entries per request: small enough for a poor line, large enough that a
/// thousand entries sync in a few round trips.
pub const BATCH: usize = 250;
/// How often the loop looks again when nothing is wrong.
const IDLE_MS: u64 = 30_000;

thread_local! {
    /// Ends the sync loop's current nap (`SyncState::wake_loop`).
    static NAP: std::cell::RefCell<Option<futures::channel::oneshot::Sender<()>>> =
        const { std::cell::RefCell::new(None) };
}

/// Waits `ms`, or less if something asks for a sync meanwhile.
async fn nap(ms: u32) {
    let (wake, woken) = futures::channel::oneshot::channel();
    NAP.with(|nap| *nap.borrow_mut() = Some(wake));
    let pause = std::pin::pin!(device::pause(ms));
    futures::future::select(pause, woken).await;
    NAP.with(|nap| nap.borrow_mut().take());
}

/// What every worker page shows about syncing. Provided once at the root.
#[derive(Clone, Copy)]
pub struct SyncState {
    pub online: RwSignal<bool>,
    /// The signed-in worker: only their own entries are sent.
    me: RwSignal<Option<i64>>,
    /// The signed-in worker's entries not yet synced.
    pub unsynced: RwSignal<usize>,
    /// Entries on this phone made by other workers, by name and count:
    /// they wait for their author to sign in here again.
    pub waiting: RwSignal<Vec<(String, usize)>>,
    /// Entries the server refused, still on the phone.
    pub refused: RwSignal<usize>,
    pub last_sync_ms: RwSignal<Option<i64>>,
    pub error: RwSignal<Option<String>>,
    pub syncing: RwSignal<bool>,
    /// Bumped whenever the phone's data changes (an entry saved, a sync
    /// done), so pages read IndexedDB again.
    pub changed: RwSignal<u64>,
    /// Set to ask the loop to sync now rather than at its next turn.
    wake: RwSignal<bool>,
    /// Recounts in flight may finish out of order: each takes a ticket
    /// before reading the queue, and only a later reading may replace the
    /// counts shown.
    recount_tickets: RwSignal<u64>,
    recount_shown: RwSignal<u64>,
    started: RwSignal<bool>,
    stopped: RwSignal<bool>,
}

impl SyncState {
    pub fn new() -> Self {
        SyncState {
            online: RwSignal::new(true),
            me: RwSignal::new(None),
            unsynced: RwSignal::new(0),
            waiting: RwSignal::new(Vec::new()),
            refused: RwSignal::new(0),
            last_sync_ms: RwSignal::new(None),
            error: RwSignal::new(None),
            syncing: RwSignal::new(false),
            changed: RwSignal::new(0),
            wake: RwSignal::new(false),
            recount_tickets: RwSignal::new(0),
            recount_shown: RwSignal::new(0),
            started: RwSignal::new(false),
            stopped: RwSignal::new(false),
        }
    }

    /// Asks for a sync as soon as possible.
    pub fn sync_now(&self) {
        self.wake_loop();
    }

    /// Flags a sync as wanted and cuts the loop's nap short, so it starts
    /// at once rather than at its next turn.
    fn wake_loop(&self) {
        self.wake.set(true);
        if let Some(nap) = NAP.with(|nap| nap.borrow_mut().take()) {
            let _ = nap.send(());
        }
    }

    /// Notes one more entry saved on the phone: counted at once, and a sync
    /// follows soon if online. A recount still reading the queue may or may
    /// not have seen this entry, so then the count is read again; otherwise
    /// no read is needed (keeping rapid taps quick).
    pub fn note_saved(self) {
        let recount_in_flight =
            self.recount_tickets.get_untracked() > self.recount_shown.get_untracked();
        self.unsynced.update(|n| *n += 1);
        self.wake_loop();
        if recount_in_flight {
            leptos::task::spawn_local(async move { self.recount().await });
        }
    }

    /// Re-reads the counts from the phone's queue. Of several recounts at
    /// once, the one that read the queue last decides what is shown.
    pub async fn recount(&self) {
        let ticket = self.recount_tickets.get_untracked() + 1;
        self.recount_tickets.set(ticket);
        let me = self.me.get_untracked().unwrap_or_default();
        match device::load_queue(me).await {
            Ok(read) if ticket > self.recount_shown.get_untracked() => {
                self.recount_shown.set(ticket);
                let queue = SyncQueue::from_items(read.mine);
                self.refused
                    .set(queue.rejected().filter(|item| item.author == me).count());
                self.unsynced.set(queue.unsynced_of(me) + read.locked);
                let others = read.others;
                let waiting = if others.is_empty() {
                    Vec::new()
                } else {
                    let memo = device::load_memo().await.unwrap_or_default();
                    others
                        .into_iter()
                        .map(|(author, n)| (memo.author_name(author), n))
                        .collect()
                };
                self.waiting.set(waiting);
            }
            Ok(_) => {}
            Err(trouble) => {
                // Not in flight any more, even though nothing was read.
                if ticket > self.recount_shown.get_untracked() {
                    self.recount_shown.set(ticket);
                }
                self.error.set(Some(trouble));
            }
        }
    }

    /// Starts the loop for the signed-in worker `me` (once per page load;
    /// browser only). A different worker signing in on the same page takes
    /// over the running loop: from then on only their entries are sent.
    pub fn start(self, me: Colleague) {
        if self.me.get_untracked() != Some(me.id) {
            self.me.set(Some(me.id));
            leptos::task::spawn_local(async move {
                let mut memo = device::load_memo().await.unwrap_or_default();
                let id = me.id;
                if !memo.authors.contains(&me) {
                    memo.authors.retain(|known| known.id != me.id);
                    memo.authors.push(me);
                    let _ = device::save_memo(&memo).await;
                }
                // The worker's key, so that what the phone keeps for them
                // is sealed, and opens offline later.
                if let Err(trouble) = device::unlock(id).await {
                    self.error.set(Some(trouble));
                }
                self.recount().await;
            });
        }
        if self.started.get_untracked() {
            return;
        }
        self.started.set(true);
        self.stopped.set(false);
        self.online.set(device::is_online());
        let _ = window_event_listener(leptos::ev::online, move |_| {
            self.online.set(true);
            self.wake_loop();
        });
        let _ = window_event_listener(leptos::ev::offline, move |_| self.online.set(false));
        leptos::task::spawn_local(async move {
            if let Ok(memo) = device::load_memo().await {
                self.last_sync_ms.set(memo.last_sync_ms);
            }
            self.recount().await;
            self.run().await;
        });
    }

    /// Stops the loop (at sign-out).
    pub fn stop(&self) {
        self.stopped.set(true);
        self.started.set(false);
        self.me.set(None);
    }

    async fn run(self) {
        let mut failures: u32 = 0;
        let mut waited_ms: u64 = u64::MAX;
        loop {
            if self.stopped.get_untracked() {
                return;
            }
            let due = if failures > 0 {
                retry_delay_ms(failures)
            } else {
                IDLE_MS
            };
            let woken = self.wake.get_untracked();
            // With no network, waiting costs nothing and trying costs battery;
            // the `online` event wakes the loop when the network returns.
            if !self.online.get_untracked() {
                self.wake.set(false);
            } else if woken || waited_ms >= due {
                self.wake.set(false);
                waited_ms = 0;
                if woken
                    || self.unsynced.get_untracked() > self.refused.get_untracked()
                    || failures > 0
                {
                    match self.push_all().await {
                        Ok(()) => failures = 0,
                        Err(_) => failures = failures.saturating_add(1),
                    }
                }
            }
            let began = device::now_ms();
            nap(250).await;
            let napped = (device::now_ms() - began).clamp(0, 250) as u64;
            waited_ms = waited_ms.saturating_add(napped);
        }
    }

    /// Sends everything that can be sent, batch by batch, until the queue
    /// holds only refused entries. Records the outcome in the status.
    pub async fn push_all(&self) -> Result<(), AppError> {
        self.syncing.set(true);
        let outcome = self.push_batches().await;
        self.syncing.set(false);
        self.recount().await;
        match &outcome {
            Ok(()) => {
                let now = device::now_ms();
                self.last_sync_ms.set(Some(now));
                self.error.set(None);
                let mut memo = device::load_memo().await.unwrap_or_default();
                memo.last_sync_ms = Some(now);
                memo.last_contact_ms = Some(now);
                memo.expired_ms = None;
                let _ = device::save_memo(&memo).await;
            }
            Err(error) => self.error.set(Some(error.to_string())),
        }
        self.changed.update(|n| *n += 1);
        outcome
    }

    async fn push_batches(&self) -> Result<(), AppError> {
        // Read the queue once, send the signed-in worker's items batch by
        // batch, then read it again for anything saved meanwhile. A batch
        // the server finds too large is sent again in halves; a single item
        // too large for it stays on the phone, refused, with the reason.
        //
        // The server's answer to one batch is kept on the phone while the
        // next batch is on its way: the line is never idle while IndexedDB
        // works. Nothing can be lost or doubled by this: an entry leaves the
        // queue only once its acknowledgement is kept, and an entry sent
        // twice (the phone stopped before keeping the first answer) is
        // answered "already stored".
        let mut size = BATCH;
        loop {
            let Some(me) = self.me.get_untracked() else {
                return Ok(());
            };
            let read = device::load_queue(me).await.map_err(AppError::phone)?;
            let mut queue = SyncQueue::from_items(read.mine);
            let mut batch = queue.next_batch(me, size);
            if batch.is_empty() {
                return Ok(());
            }
            // A batch answered whose answer is not yet kept on the phone.
            let mut answered: Option<(Vec<ItemOutcome>, Vec<Queued>)> = None;
            while !batch.is_empty() && self.me.get_untracked() == Some(me) {
                let sending = send(&batch);
                let reply = match answered.take() {
                    Some((outcomes, sent)) => {
                        let (kept, reply) =
                            futures::join!(device::apply_outcomes(me, &outcomes, &sent), sending);
                        kept.map_err(AppError::phone)?;
                        self.show_counts(&queue, me);
                        reply
                    }
                    None => sending.await,
                };
                let outcomes = match reply {
                    Ok(outcomes) => outcomes,
                    Err(AppError::TooLarge { .. }) if batch.len() > 1 => {
                        size = (batch.len() / 2).max(1);
                        batch = queue.next_batch(me, size);
                        continue;
                    }
                    Err(AppError::TooLarge { message }) => batch
                        .iter()
                        .map(|item| ItemOutcome::Rejected {
                            id: item.id.clone(),
                            reason: message.clone(),
                        })
                        .collect(),
                    Err(other) => return Err(other),
                };
                if let Some(ItemOutcome::Held { reason, .. }) = outcomes.first().filter(|_| {
                    outcomes
                        .iter()
                        .all(|o| matches!(o, ItemOutcome::Held { .. }))
                }) {
                    // The server took the request as someone else's: the
                    // phone changed hands mid-sync. Nothing was stored; wait.
                    return Err(AppError::conflict(reason.clone()));
                }
                queue.apply(&outcomes);
                let next = queue.next_batch(me, size);
                answered = Some((outcomes, std::mem::replace(&mut batch, next)));
            }
            if let Some((outcomes, sent)) = answered {
                device::apply_outcomes(me, &outcomes, &sent)
                    .await
                    .map_err(AppError::phone)?;
                self.show_counts(&queue, me);
            }
        }
    }

    /// Shows the counts of `queue` as it stands once its answers are kept.
    fn show_counts(&self, queue: &SyncQueue<crate::domain::session_log::SessionEntry>, me: i64) {
        self.refused
            .set(queue.rejected().filter(|item| item.author == me).count());
        self.unsynced.set(queue.unsynced_of(me));
    }
}

/// Sends one batch; answers the server's outcome for each item.
async fn send(batch: &[Queued]) -> Result<Vec<ItemOutcome>, AppError> {
    let items = batch
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::phone(e.to_string()))?;
    let reply = crate::api::worker::sync_entries(SyncBatch {
        sent_ms: device::now_ms(),
        items,
    })
    .await?;
    Ok(reply.outcomes)
}

impl Default for SyncState {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_sync() -> SyncState {
    expect_context::<SyncState>()
}
