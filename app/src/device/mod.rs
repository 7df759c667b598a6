//! The phone's own storage for session mode: the worker's sessions, the
//! queue of entries not yet on the server, each session's last known log
//! and the sync status, kept in IndexedDB so that they survive a reload, a
//! closed browser and a locked phone. Also the few messages pages send to
//! the service worker.
//!
//! The browser build uses IndexedDB (`indexed_db`); the server build has no
//! phone, and gets functions that say so (`absent`). Effects, the only
//! callers, never run on the server. This is the one place that fence stands.

use serde::{Deserialize, Serialize};

use crate::domain::session_log::SessionEntry;
use crate::domain::sync_queue::QueuedItem;

/// One queued entry, as kept on the phone.
pub type Queued = QueuedItem<SessionEntry>;

/// The phone's queue as the signed-in worker can read it: their own
/// entries, opened, and of everyone else's (sealed under keys this phone
/// no longer holds) only whose they are and how many.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneQueue {
    pub mine: Vec<Queued>,
    /// The worker's own entries that cannot be opened until the phone has
    /// their key again (it needs signal to fetch it): counted, kept.
    pub locked: usize,
    pub others: Vec<(i64, usize)>,
}

/// Entries of one session that the server acknowledged in one sync batch,
/// kept on the phone beside the session's log until a log read from the
/// server holds them all. Sealed on their own, so keeping a batch's answer
/// costs the batch, not the whole log sealed again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedHere {
    /// The phone's clock when the acknowledgement came.
    pub received_ms: i64,
    pub items: Vec<Queued>,
}

/// Where one answer's acknowledged entries of session `booking_id` are kept
/// in the logs store: beside the log (whose key is the number), under a
/// text key that starts with the session and ends with an id of its own
/// (`unique`), so two answers, from two tabs say, never share a key.
pub fn synced_key(booking_id: i64, unique: &str) -> String {
    format!("{booking_id}/{unique}")
}

/// The first and last possible `synced_key` of session `booking_id`: every
/// key between them is one of its own (the "/" ends the number, so session
/// 1's range never reaches session 12's keys).
pub fn synced_range(booking_id: i64) -> (String, String) {
    (format!("{booking_id}/"), format!("{booking_id}/\u{ffff}"))
}

impl SyncedHere {
    /// Whether a log read from the server makes this batch redundant: the
    /// server acknowledged it before the phone asked for that log (at
    /// `asked_ms`, the phone's clock), so the log reflects every item,
    /// signatures included; or the log holds every item as an entry (should
    /// the phone's clock have gone back meanwhile).
    pub fn covered_by(&self, log: &crate::model::LoggedSession, asked_ms: i64) -> bool {
        self.received_ms <= asked_ms || log.holds_all(&self.items)
    }
}

/// What the phone remembers of syncing between page loads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncMemo {
    /// The phone's clock at the last sync the server acknowledged.
    pub last_sync_ms: Option<i64>,
    /// Everyone who has signed in on this phone with entries to make, by
    /// id and name: entries waiting for another worker say whose they are.
    /// Kept across sign-outs, like the entries themselves.
    #[serde(default)]
    pub authors: Vec<crate::model::Colleague>,
    /// The phone's clock when it last heard from the server (sessions
    /// fetched, or a sync acknowledged): the copy of sessions and logs is
    /// removed `KEEP_WITHOUT_CONTACT_MS` after it.
    #[serde(default)]
    pub last_contact_ms: Option<i64>,
    /// When the copy was last removed for going without contact, so the
    /// worker can be told why it is gone.
    #[serde(default)]
    pub expired_ms: Option<i64>,
}

impl SyncMemo {
    /// The name of the worker with this id, as this phone knows it.
    pub fn author_name(&self, id: i64) -> String {
        self.authors
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| "a worker this phone does not know".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sessions_synced_keys_stay_within_its_own_range() {
        let (from, to) = synced_range(1);
        let inside = |key: &str| from.as_str() <= key && key <= to.as_str();
        assert!(inside(&synced_key(
            1,
            "0190f5a2-7b1c-7d3e-9f00-123456789abc"
        )));
        assert!(!inside(&synced_key(
            12,
            "0190f5a2-7b1c-7d3e-9f00-123456789abc"
        )));
        assert!(!inside(&synced_key(2, "a")));
        assert!(!inside(&synced_key(0, "z")));
    }

    #[test]
    fn a_kept_batch_goes_once_a_log_asked_for_after_it_reflects_it() {
        use crate::model::tests::{empty_log, queued};
        let kept = SyncedHere {
            received_ms: 100,
            items: vec![queued("a", 1)],
        };
        let mut log = empty_log();
        // Asked for before the answer came: it may not hold the batch.
        assert!(!kept.covered_by(&log, 99));
        // Asked for after: it reflects everything acknowledged, whatever the
        // kind (a signature is never among the log's entries).
        assert!(kept.covered_by(&log, 100));
        // Or the log holds every item, whatever the clocks say.
        log.keep_synced(&kept.items, 100);
        assert!(kept.covered_by(&log, 0));
    }
}

#[cfg(feature = "hydrate")]
mod indexed_db;
#[cfg(feature = "hydrate")]
pub use indexed_db::*;

#[cfg(not(feature = "hydrate"))]
mod absent;
#[cfg(not(feature = "hydrate"))]
pub use absent::*;
