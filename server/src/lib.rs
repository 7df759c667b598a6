//! The server: configuration, the axum router, the guard in front of server
//! functions, and start-up. `main.rs` only calls `run`; the integration tests
//! build the same router with `router` and call it without a network.

/// The access table enforced in front of every server function.
pub mod access;
/// Flags and environment variables.
pub mod config;
/// Released records and reports downloaded as PDFs.
pub mod documents;
/// Refuses cross-site writes and gives server-function errors their status.
pub mod guard;
/// Security headers on every response (CSP with a per-response nonce, HSTS,
/// caching of pages and server-function answers).
pub mod headers;
/// `/sw.js`: the service worker, versioned from the built assets.
pub mod service_worker;
/// Start-up: database, demo data or first-coordinator hint, serving.
pub mod startup;

use app::app::{App, shell};
use app::server::{AppState, Db, SecureCookies};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};

/// The name cargo-leptos gives the built bundle (`/pkg/contact-centre.js`).
pub const OUTPUT_NAME: &str = "contact-centre";

/// Leptos's settings, from the variables cargo-leptos sets, with this app's
/// bundle name when they are missing (as in `cargo test`).
/// The built assets carry their content's hash in their names when
/// cargo-leptos wrote the hashes beside the server binary (`hash.txt`, as
/// release builds do): then pages name those files, and browsers may keep
/// them for a year.
pub fn leptos_options() -> LeptosOptions {
    let set_by_cargo_leptos = option_env!("LEPTOS_OUTPUT_NAME").is_some()
        || std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
    if set_by_cargo_leptos && let Ok(mut conf) = get_configuration(None) {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(conf.leptos_options.hash_file.as_ref())));
        conf.leptos_options.hash_files = hashes.is_some_and(|file| file.is_file());
        return conf.leptos_options;
    }
    LeptosOptions::builder().output_name(OUTPUT_NAME).build()
}

/// How long a back-office, parent or referrer sign-in may go unused, unless
/// configured (`--idle-minutes`).
pub const DEFAULT_IDLE_MINUTES: i64 = 30;

pub fn app_state(
    db: Db,
    leptos_options: LeptosOptions,
    secure_cookies: SecureCookies,
    idle_minutes: i64,
) -> AppState {
    AppState {
        leptos_options,
        db,
        secure_cookies,
        idle_ms: idle_minutes * 60_000,
        centre: "The contact centre".to_owned(),
    }
}

/// Pages, server functions under `/api/`, and the built assets. Every
/// response passes through `headers::security_headers` (so the guard's
/// refusals get the headers too), then compression; pages are rendered with the nonce
/// it chose (`headers::provide_request_nonce`).
pub fn router(state: AppState) -> Router {
    // Worked out once per process: the server builds one router, but the
    // integration tests build one per test, and leptos's route generation
    // keeps process-wide counters that two apps generating at once upset.
    static ROUTES: std::sync::LazyLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::LazyLock::new(|| generate_route_list(App));
    let routes = ROUTES.clone();
    let options = state.leptos_options.clone();
    let worker_script = service_worker::script_for(
        std::path::Path::new(options.site_root.as_ref()),
        options.site_pkg_dir.as_ref(),
    );
    Router::new()
        .route(
            "/sw.js",
            axum::routing::get(move || {
                let script = worker_script.clone();
                async move { service_worker::response(script) }
            }),
        )
        .route(
            "/documents/records/{id}",
            axum::routing::get(documents::record_pdf),
        )
        .route(
            "/documents/reports/{id}",
            axum::routing::get(documents::report_pdf),
        )
        .route(
            "/documents/subject-access/{who}",
            axum::routing::get(documents::subject_access),
        )
        .leptos_routes_with_context(&state, routes, headers::provide_request_nonce, move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(headers::provide_request_nonce, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::access_guard,
        ))
        .layer(axum::middleware::from_fn(guard::server_function_guard))
        .layer(axum::middleware::from_fn_with_state(
            state.secure_cookies,
            headers::security_headers,
        ))
        // Pages and server-function answers compressed as the browser
        // asks (brotli, else gzip); built assets already have compressed
        // copies (`cargo leptos build --precompress`), sent as they are.
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}
