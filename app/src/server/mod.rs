//! Everything that runs only on the server: the database, password hashing,
//! sign-in sessions and the demo centre. Compiled only with the `ssr` feature;
//! this module is the one place that fence stands.
//!
//! Server functions in `crate::api` stay thin: they call `require` (who is
//! calling, and may they?), validate with `crate::domain`, and call the plain
//! functions here, which take a `&Db` so tests can call them directly.

/// Accounts: creating, listing, password hashing and checking.
pub mod accounts;
/// Attendance, corrected; the three-misses suspension that holds sessions.
pub mod attendance;
/// The hash-chained audit trail: appending inside a step's transaction, verifying.
pub mod audit;
/// Sign-in sessions: tokens, cookies, who is calling.
pub mod auth;
/// Bookings and series, moving them; cancellations with what they cost.
pub mod bookings;
/// What the coordinator reads: cases, one case in full, the week, choices.
pub mod casebook;
/// Cases and the people linked to them.
pub mod cases;
/// Connecting to SQLite or PostgreSQL and applying migrations.
pub mod db;
/// Sending the outbox: email over SMTP, SMS through GOV.UK Notify; the delivery task.
pub mod delivery;
/// The seeded demo centre, used only in demo mode.
pub mod demo;
/// Released records and reports as PDFs with a verification code; checking a code.
pub mod documents;
/// Erasure under the retention schedule: what is due, the dry run, carrying it out.
pub mod erasure;
/// Turning database and other failures into `AppError`s, logged once.
pub mod failure;
/// Crash points the fault-injection harness arms (`CCC_FAULTS`); off otherwise.
pub mod faults;
/// Which session charges Cafcass pays: six unless extended, the first live ones.
pub mod funding;
/// The indirect-contact log: items for a child, checked, forwarded or withheld.
pub mod indirect;
/// Payments, refunds, statements and booking statuses.
pub mod ledger;
/// Messages queued in the transaction of the step that causes them; claims, outcomes.
pub mod outbox;
/// A document laid out on A4 pages and written as a PDF.
pub mod pdf;
/// Contact plans and the parents' agreements.
pub mod plans;
/// The parent portal's checks: a parent's side of a case, their bookings only;
/// the messages parents are told in it.
pub mod portal;
/// Session records: signing, co-signing, returns, addenda, release.
pub mod records;
/// Referrals: the case, children, parents' details, reasons; the decision.
pub mod referrals;
/// Final reports on a series: written, co-signed, released.
pub mod reports;
/// Closing a case, legal holds, a referrer's access after closure.
pub mod retention;
/// Review meetings' outcomes; ending contact after one.
pub mod reviews;
/// Messages due with time: reminders the day before, tomorrow's sessions, records nearly due.
pub mod scheduled;
/// Session mode: a worker's sessions, storing synced entries once, reading them.
pub mod sessions;
/// Centre settings (prices, staggering, hours) and rooms.
pub mod settings;
/// Signing a record: what a signature binds, from a page or a phone; asking for changes.
pub mod signatures;
/// What stands for a signature: password or signing PIN, online or proved offline.
pub mod signing;
/// Subject access: what the centre holds about one person, for export.
pub mod subject_access;
/// Counting password and PIN attempts, atomically, in the database.
pub mod throttle;

use axum::extract::FromRef;
use leptos::prelude::*;

use crate::domain::access;
use crate::error::AppError;
use crate::model::CurrentUser;
pub use db::Db;

/// When the session cookie carries the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureCookies {
    /// When the request arrived over https (directly or as told by a proxy's
    /// `X-Forwarded-Proto`).
    Auto,
    Always,
    Never,
}

/// Shared by every request: handed to leptos_axum, which provides it as
/// context to pages and server functions.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub secure_cookies: SecureCookies,
    /// How long a sign-in that ends when idle (`Role::ends_when_idle`) may
    /// go unused.
    pub idle_ms: i64,
    /// The centre's name (`CCC_CENTRE_NAME`), as its privacy notice and
    /// exports print it.
    pub centre: String,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state of the running app, from inside a server function.
///
/// Missing only when a server function runs outside a request's reactive
/// owner: seen when a browser went away while its page was still being
/// rendered (the render's owner is dropped, its pending fetches are not).
/// The log line says whether any owner was present, to tell cases apart.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        failure::internal(format!(
            "AppState missing from context ({})",
            if Owner::current().is_some() {
                "inside a reactive owner"
            } else {
                "no reactive owner: the request was probably cancelled"
            }
        ))
    })
}

/// How far this process's clock is set from the machine's, in milliseconds:
/// 0, except in a demo started at a chosen time (`start_clock_at`).
static CLOCK_SHIFT_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn machine_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The current time in milliseconds since the Unix epoch (UTC): the
/// machine's clock, or the demo's (see `start_clock_at`). Every rule the
/// server applies reads the time here, so the whole server agrees on it.
pub fn now_ms() -> i64 {
    machine_ms() + CLOCK_SHIFT_MS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Sets this process's clock to `start_ms` now; from here it runs on in
/// step with the machine's. Called once at start-up, for a demo (or a
/// test) that rehearses weeks of a case in minutes (`CCC_DEMO_CLOCK`); a
/// server for real families never calls it.
pub fn start_clock_at(start_ms: i64) {
    CLOCK_SHIFT_MS.store(
        start_ms - machine_ms(),
        std::sync::atomic::Ordering::Relaxed,
    );
}

/// The signed-in caller, if the request carries a live session.
pub async fn caller() -> Result<Option<CurrentUser>, AppError> {
    if let Some(checked) = auth::checked_caller() {
        return Ok(checked);
    }
    let state = state()?;
    let Some(token) = auth::token_from_request() else {
        return Ok(None);
    };
    auth::user_for_token(&state.db, &token, now_ms(), state.idle_ms).await
}

/// The first line of every server function that needs a signed-in person:
/// the caller, admitted by the function's row of `domain::access::RULES`
/// (401 when nobody is signed in, 403 for the wrong role, 403 with its own
/// message while their password is a temporary one). A function with no row
/// is refused, whoever calls.
pub async fn require(endpoint: &str) -> Result<CurrentUser, AppError> {
    let rule = access::rule_for(endpoint)
        .ok_or_else(|| failure::internal(format!("no access rule for {endpoint}")))?;
    let user = caller().await?;
    access::admit(rule, user.as_ref().map(CurrentUser::as_caller))?;
    user.ok_or(AppError::NotSignedIn)
}
