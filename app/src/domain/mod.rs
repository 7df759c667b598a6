//! Pure rules of the centre: no database, no network, no clock reads. Callers
//! pass the current time in, so every rule here is unit-tested natively.

/// UK local time (Europe/London) from UTC, and ages from dates of birth.
pub mod london_time;
/// The four roles and where each one lands after signing in.
pub mod role;
/// Slowing down repeated failed sign-ins.
pub mod sign_in_limit;
/// The phone's queue of entries waiting to reach the server (session mode).
pub mod sync_queue;
/// Checks on what people type into account forms.
pub mod validate;
