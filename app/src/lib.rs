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
/// The pages split out of the main bundle (each role's, and the online-only ones), loaded on demand.
pub mod routes;
/// Syncing the phone's queued entries: status and loop.
pub mod sync;

/// Server-only code (database, hashing, sessions), fenced here once.
#[cfg(feature = "ssr")]
pub mod server;

/// Text typed into the server-rendered page before the bundle took it over.
#[cfg(feature = "hydrate")]
mod typing;

/// The WebAssembly entry point: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: a page in a chunk (see `routes`) is fetched
    // before the page it rendered on the server is hydrated.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("a page has a body");
        let typed = typing::before_hydration();
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();

        typing::settle(&typed).await;
        // A mark that the page is now interactive: forms can be sent (see
        // `style/main.css`), and the end-to-end tests wait for it.
        let _ = body.set_attribute("data-hydrated", "true");
        typing::watch(typed).await;
    });
}
