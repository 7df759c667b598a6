//! Pure rules of the centre: no database, no network, no clock reads. Callers
//! pass the current time in, so every rule here is unit-tested natively.

/// Who may call each server function, and which objects it may touch: one table.
pub mod access;
/// Three unexplained misses in a row suspend the contact.
pub mod attendance;
/// The audit trail's keyed hash chain, its head, and what checking it finds.
pub mod audit;
/// What waits for the coordinator on a case; finding a case by what is typed.
pub mod casework;
/// Days the centre is closed: bank holidays by rule, and days the coordinator adds.
pub mod closures;
/// A released record or report as a fixed document: its words, fingerprint and verification code.
pub mod document;
/// Indirect contact: items for a child, checked, then forwarded or withheld.
pub mod indirect;
/// A parent's account: which charges payments settle, booking statuses, balance.
pub mod ledger;
/// UK local time (Europe/London) from UTC, and ages from dates of birth.
pub mod london_time;
/// Email and SMS: what each message says (nothing sensitive), by which channel, retries.
pub mod message;
/// Prices, charges and cancellation forfeits, in integer pence.
pub mod money;
/// What a parent is told when someone else cancels their booking.
pub mod notice;
/// A worker's phone key, and the envelope that seals what the phone keeps.
pub mod phone_seal;
/// The signing PIN: its rules, its stretched hash, an offline signature's proof.
pub mod pin;
/// Session records: the 2-hour and 48-hour deadlines; the audit trail's hash chain.
pub mod record;
/// Referral sources, the law a case falls under, the self-referral rule.
pub mod referral;
/// Closing a case, the retention schedule, legal holds, records of processing.
pub mod retention;
/// Review meetings: what one decides, and when to book one.
pub mod review;
/// The NACCC risk guide as data, and the service it suggests.
pub mod risk;
/// The four roles and where each one lands after signing in.
pub mod role;
/// Booking rules: staggered times, centre hours, weekly series, clashes.
pub mod schedule;
/// What a worker records in a session; one merged record; sight-and-sound coverage.
pub mod session_log;
/// A subject access export: sections of lines, JSON and readable HTML.
pub mod subject_access;
/// The phone's queue of entries waiting to reach the server (session mode).
pub mod sync_queue;
/// Throttles on guessing passwords and PINs: counters per account, address and person.
pub mod throttle;
/// Checks on what people type into account forms.
pub mod validate;
