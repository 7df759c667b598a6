//! Server functions: the browser's only way in. Each one is thin: it checks
//! who is calling and what role they hold (`server::require`), validates its
//! input (`crate::domain`), and calls a plain function in `crate::server`.
//! Their bodies compile only on the server; the browser gets a fetch stub.

/// Signing in and out; the coordinator's account management; a member's cases.
pub mod accounts;
/// The coordinator's back office: referrals, plans, bookings, payments.
pub mod centre;
/// The parent portal: own bookings, statement, cancelling.
pub mod portal;
/// Session records: signing, co-signing, returning, addenda, reading.
pub mod records;
/// A referrer's online referral and its status.
pub mod referrer;
/// Session mode: a worker's sessions, syncing entries, a session's log.
pub mod worker;

pub use accounts::*;
