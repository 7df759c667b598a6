//! The contact centre app: pages, components and server functions, built
//! twice: with `ssr` into the server binary and with `hydrate` into the
//! WebAssembly bundle the phone runs.

/// Server functions: thin wrappers that check the caller, validate, and call `server`.
pub mod api;
/// The app shell, router and session context.
pub mod app;
/// Small reusable pieces of UI.
pub mod components;
/// The phone's own storage (IndexedDB) for session mode.
pub mod device;
/// Pure rules: roles, validation, sign-in limits, London time. No I/O.
pub mod domain;
/// The one error type that crosses the wire.
pub mod error;
/// Types that cross the wire (server function inputs and outputs).
pub mod model;
/// One module per page.
pub mod pages;
/// What differs between server and browser, behind one facade.
pub mod platform;
/// Syncing the phone's queued entries: status and loop.
pub mod sync;

/// Server-only code (database, hashing, sessions), fenced here once.
#[cfg(feature = "ssr")]
pub mod server;

/// The WebAssembly entry point: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A mark that the page is now interactive: the end-to-end tests wait for it.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
