//! The phone's queue of records waiting to reach the server (session mode).
//! Pure logic only: the browser keeps the items in IndexedDB and the server
//! stores them; this decides what to send next, what an acknowledgement
//! removes, what a rejection keeps, and how long to wait after a failure.
//!
//! The rules:
//! - every item carries its author from the moment it is made, and is sent
//!   only while its author is signed in: on a shared phone, one worker's
//!   items wait for them and never travel under another's sign-in;
//! - items are sent oldest first (device time, then id), in batches;
//! - an item leaves the queue only when the server has acknowledged it,
//!   as stored now or as stored before (a replay);
//! - an item the server rejects stays, with the reason, and is not sent
//!   again until the worker deals with it: nothing is dropped silently;
//! - after a failed attempt (no connection, server down) the wait before the
//!   next one doubles, from 2 seconds up to 5 minutes.

use serde::{Deserialize, Serialize};

/// One queued item, as the phone holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedItem<T> {
    /// Client-generated UUID (v7), the item's identity everywhere.
    pub id: String,
    /// When the worker made the entry, by the phone's clock (ms since epoch).
    pub device_ms: i64,
    /// Why the server refused it, if it did.
    pub rejected: Option<String>,
    /// The user id of the worker who made it. Items saved by builds older
    /// than this field read as 0: nobody's, so never sent by anyone.
    #[serde(default)]
    pub author: i64,
    pub payload: T,
}

/// What the server said about one item of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ItemOutcome {
    /// Stored by this request.
    Stored { id: String },
    /// Already stored by an earlier request (a retry or a duplicate delivery).
    AlreadyStored { id: String },
    /// Refused, with a reason a person can act on.
    Rejected { id: String, reason: String },
    /// Not stored, and not refused either: the phone keeps it as it is and
    /// sends it again later (an item that reached the server under another
    /// worker's sign-in, when the phone changed hands mid-sync).
    Held { id: String, reason: String },
}

impl ItemOutcome {
    /// The server has the item (now or from an earlier send): it may leave
    /// the phone's queue.
    pub fn is_kept_by_server(&self) -> bool {
        matches!(
            self,
            ItemOutcome::Stored { .. } | ItemOutcome::AlreadyStored { .. }
        )
    }

    pub fn id(&self) -> &str {
        match self {
            ItemOutcome::Stored { id }
            | ItemOutcome::AlreadyStored { id }
            | ItemOutcome::Rejected { id, .. }
            | ItemOutcome::Held { id, .. } => id,
        }
    }
}

/// The queue, ordered oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncQueue<T> {
    items: Vec<QueuedItem<T>>,
}

/// What applying a server's answer changed, for the status line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub acknowledged: usize,
    pub rejected: usize,
}

impl<T: Clone> SyncQueue<T> {
    pub fn from_items(mut items: Vec<QueuedItem<T>>) -> Self {
        items.sort_by(|a, b| (a.device_ms, &a.id).cmp(&(b.device_ms, &b.id)));
        SyncQueue { items }
    }

    /// Adds an item in its place by time. An id already queued is ignored, so
    /// a double tap cannot queue the same entry twice.
    pub fn push(&mut self, item: QueuedItem<T>) -> bool {
        if self.items.iter().any(|queued| queued.id == item.id) {
            return false;
        }
        let at = self
            .items
            .partition_point(|queued| (queued.device_ms, &queued.id) <= (item.device_ms, &item.id));
        self.items.insert(at, item);
        true
    }

    /// Everything still on the phone, rejected items included.
    pub fn items(&self) -> &[QueuedItem<T>] {
        &self.items
    }

    /// Items not yet acknowledged by the server.
    pub fn unsynced(&self) -> usize {
        self.items.len()
    }

    pub fn rejected(&self) -> impl Iterator<Item = &QueuedItem<T>> {
        self.items.iter().filter(|item| item.rejected.is_some())
    }

    /// The next batch `author` may send: their oldest items that have not
    /// been rejected. Nobody else's items are ever in it.
    pub fn next_batch(&self, author: i64, max: usize) -> Vec<QueuedItem<T>> {
        self.items
            .iter()
            .filter(|item| item.rejected.is_none() && item.author == author)
            .take(max)
            .cloned()
            .collect()
    }

    /// Items on the phone that belong to someone other than `author`, by
    /// author id (ascending) with their count: they wait for their author.
    pub fn waiting_for_others(&self, author: i64) -> Vec<(i64, usize)> {
        let mut counts: Vec<(i64, usize)> = Vec::new();
        for item in self.items.iter().filter(|item| item.author != author) {
            match counts.iter_mut().find(|(who, _)| *who == item.author) {
                Some((_, n)) => *n += 1,
                None => counts.push((item.author, 1)),
            }
        }
        counts.sort_unstable();
        counts
    }

    /// `author`'s own items still on the phone, refused ones included.
    pub fn unsynced_of(&self, author: i64) -> usize {
        self.items
            .iter()
            .filter(|item| item.author == author)
            .count()
    }

    /// Applies the server's answer: acknowledged items leave the queue,
    /// rejected ones stay with their reason. Outcomes for unknown ids are
    /// ignored; items the answer does not mention stay as they were.
    pub fn apply(&mut self, outcomes: &[ItemOutcome]) -> Applied {
        let mut applied = Applied::default();
        for outcome in outcomes {
            let Some(at) = self.items.iter().position(|item| item.id == outcome.id()) else {
                continue;
            };
            match outcome {
                ItemOutcome::Stored { .. } | ItemOutcome::AlreadyStored { .. } => {
                    self.items.remove(at);
                    applied.acknowledged += 1;
                }
                ItemOutcome::Rejected { reason, .. } => {
                    self.items[at].rejected = Some(reason.clone());
                    applied.rejected += 1;
                }
                ItemOutcome::Held { .. } => {}
            }
        }
        applied
    }
}

/// Milliseconds to wait before the next attempt after `failures` failed
/// attempts in a row: 2 s, 4 s, 8 s ... at most 5 minutes.
/// How long the phone keeps its copy of a worker's sessions and logs
/// without reaching the centre: a phone lost or left in a drawer stops
/// holding children's names and notes after this.
pub const KEEP_WITHOUT_CONTACT_MS: i64 = 14 * 24 * 60 * 60 * 1000;

/// Whether the phone's copy has outlived its last contact with the server.
/// A copy with no contact noted (kept before this rule) is not expired: the
/// next contact notes one. The phone's clock decides: set forward, it
/// expires the copy early, which loses nothing the server does not have
/// (unsynced entries are never part of the copy).
pub fn copy_expired(last_contact_ms: Option<i64>, now_ms: i64) -> bool {
    last_contact_ms.is_some_and(|contact| now_ms.saturating_sub(contact) > KEEP_WITHOUT_CONTACT_MS)
}

pub fn retry_delay_ms(failures: u32) -> u64 {
    const FIRST_MS: u64 = 2_000;
    const MOST_MS: u64 = 300_000;
    if failures == 0 {
        return 0;
    }
    FIRST_MS
        .saturating_mul(1u64 << (failures - 1).min(20))
        .min(MOST_MS)
}

/// How the phone lets go of acknowledged entries in as few requests as it
/// can: `acknowledged` (sorted, no repeats) cut into runs, each deletable as
/// one key range because no other key of the queue lies inside it. `present`
/// is every key the queue holds between the first and the last acknowledged
/// id (sorted), read in the same transaction as the deletion, so nothing can
/// appear in a range meanwhile. An acknowledged id the queue no longer holds
/// joins the runs on either side of it. Each run is (first, last), both kept
/// in the range.
pub fn deletion_runs<'a>(acknowledged: &[&'a str], present: &[String]) -> Vec<(&'a str, &'a str)> {
    let mut runs = Vec::new();
    let Some((&first, rest)) = acknowledged.split_first() else {
        return runs;
    };
    let (mut start, mut last) = (first, first);
    let mut others = present.iter().map(String::as_str).peekable();
    for &id in rest {
        // Keys up to the previous id are that id or acknowledged ones.
        while others.next_if(|key| *key <= last).is_some() {}
        if others.peek().is_some_and(|key| *key < id) {
            runs.push((start, last));
            start = id;
        }
        last = id;
    }
    runs.push((start, last));
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phones_copy_expires_fourteen_days_after_the_last_contact() {
        let contact = 1_000_000;
        assert!(!copy_expired(
            Some(contact),
            contact + KEEP_WITHOUT_CONTACT_MS
        ));
        assert!(copy_expired(
            Some(contact),
            contact + KEEP_WITHOUT_CONTACT_MS + 1
        ));
        assert!(!copy_expired(None, i64::MAX), "no contact noted yet");
        assert!(!copy_expired(Some(contact), i64::MIN), "no overflow");
    }

    const ME: i64 = 7;

    fn item(id: &str, device_ms: i64) -> QueuedItem<&'static str> {
        QueuedItem {
            id: id.to_owned(),
            device_ms,
            rejected: None,
            author: ME,
            payload: "note",
        }
    }

    fn ids(queue: &SyncQueue<&'static str>) -> Vec<String> {
        queue.items().iter().map(|i| i.id.clone()).collect()
    }

    #[test]
    fn items_are_kept_oldest_first_whatever_order_they_arrive_in() {
        let mut queue = SyncQueue::default();
        queue.push(item("c", 30));
        queue.push(item("a", 10));
        queue.push(item("b", 10));
        assert_eq!(ids(&queue), ["a", "b", "c"]);
        assert_eq!(queue.next_batch(ME, 2).len(), 2);
        assert_eq!(queue.next_batch(ME, 2)[0].id, "a");
    }

    #[test]
    fn a_double_tap_queues_an_entry_once() {
        let mut queue = SyncQueue::default();
        assert!(queue.push(item("a", 10)));
        assert!(!queue.push(item("a", 10)));
        assert_eq!(queue.unsynced(), 1);
    }

    #[test]
    fn only_acknowledged_items_leave_the_queue() {
        let mut queue = SyncQueue::from_items(vec![item("a", 1), item("b", 2), item("c", 3)]);
        let applied = queue.apply(&[
            ItemOutcome::Stored { id: "a".into() },
            ItemOutcome::AlreadyStored { id: "c".into() },
        ]);
        assert_eq!(
            applied,
            Applied {
                acknowledged: 2,
                rejected: 0
            }
        );
        assert_eq!(ids(&queue), ["b"]);
    }

    #[test]
    fn a_rejected_item_stays_with_its_reason_and_is_not_resent() {
        let mut queue = SyncQueue::from_items(vec![item("a", 1), item("b", 2)]);
        queue.apply(&[ItemOutcome::Rejected {
            id: "a".into(),
            reason: "The session was cancelled.".into(),
        }]);
        assert_eq!(queue.unsynced(), 2);
        assert_eq!(
            queue.rejected().next().unwrap().rejected.as_deref(),
            Some("The session was cancelled.")
        );
        let batch = queue.next_batch(ME, 10);
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].id, "b");
    }

    #[test]
    fn a_shared_phone_sends_only_the_signed_in_workers_items() {
        let theirs = |id: &str, at: i64, author: i64| QueuedItem {
            author,
            ..item(id, at)
        };
        let queue = SyncQueue::from_items(vec![
            theirs("a", 1, 8),
            item("b", 2),
            theirs("c", 3, 8),
            theirs("d", 4, 0),
        ]);
        let mine = queue.next_batch(ME, 10);
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].id, "b");
        let toms: Vec<String> = queue.next_batch(8, 10).into_iter().map(|i| i.id).collect();
        assert_eq!(toms, ["a", "c"]);
        // An item from an older build names user 0, whom nobody signs in as.
        assert_eq!(queue.waiting_for_others(ME), vec![(0, 1), (8, 2)]);
        assert_eq!(queue.unsynced_of(ME), 1);
    }

    #[test]
    fn a_held_item_stays_as_it_was() {
        let mut queue = SyncQueue::from_items(vec![item("a", 1)]);
        let applied = queue.apply(&[ItemOutcome::Held {
            id: "a".into(),
            reason: "Another worker's".into(),
        }]);
        assert_eq!(applied, Applied::default());
        assert_eq!(queue.next_batch(ME, 10).len(), 1);
    }

    #[test]
    fn answers_about_unknown_items_change_nothing() {
        let mut queue = SyncQueue::from_items(vec![item("a", 1)]);
        let applied = queue.apply(&[ItemOutcome::Stored { id: "zzz".into() }]);
        assert_eq!(applied, Applied::default());
        assert_eq!(queue.unsynced(), 1);
    }

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_five_minutes() {
        assert_eq!(retry_delay_ms(0), 0);
        assert_eq!(retry_delay_ms(1), 2_000);
        assert_eq!(retry_delay_ms(2), 4_000);
        assert_eq!(retry_delay_ms(3), 8_000);
        assert_eq!(retry_delay_ms(9), 300_000);
        assert_eq!(retry_delay_ms(u32::MAX), 300_000);
    }

    #[test]
    fn acknowledged_entries_go_in_ranges_that_hold_nothing_else() {
        let keys = |ids: &[&str]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        // Everything between the first and the last was acknowledged: one range.
        assert_eq!(
            deletion_runs(&["a", "b", "c"], &keys(&["a", "b", "c"])),
            vec![("a", "c")]
        );
        // Another worker's entry, or a refused one, sits in between: it is
        // never inside a range.
        assert_eq!(
            deletion_runs(&["a", "b", "d", "e"], &keys(&["a", "b", "bz", "d", "e"])),
            vec![("a", "b"), ("d", "e")]
        );
        assert_eq!(
            deletion_runs(&["a", "c"], &keys(&["a", "b", "c"])),
            vec![("a", "a"), ("c", "c")]
        );
        // An acknowledged id already gone from the queue breaks nothing.
        assert_eq!(
            deletion_runs(&["a", "b", "c"], &keys(&["a", "c"])),
            vec![("a", "c")]
        );
        assert_eq!(deletion_runs(&["a"], &keys(&["a"])), vec![("a", "a")]);
        assert!(deletion_runs(&[], &keys(&["a"])).is_empty());
    }
}
