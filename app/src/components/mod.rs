/// A booking's one status as a badge, in its reader's words.
pub mod booking_badge;
/// Shows an `AppError` as a sentence, in an alert box.
pub mod error_note;
/// Labelled form fields bound to signals.
pub mod fields;
/// The bar at the top: app name, who is signed in, sign out.
pub mod header;
/// A page's data, made before anything on the page waits, read again on demand.
pub mod page_data;
/// A session record, read-only and printable; a line of a records list.
pub mod record_view;
/// Lets a page through only for the right role; sends others on.
pub mod role_gate;
/// The sync status every worker page shows.
pub mod sync_bar;
/// A session's merged record in time order; sight-and-sound coverage.
pub mod timeline;
