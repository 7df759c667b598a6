//! The server: configuration, the axum router, the guard in front of server
//! functions, and start-up. `main.rs` only calls `run`; the integration tests
//! build the same router with `router` and call it without a network.

/// Flags and environment variables.
pub mod config;
/// Refuses cross-site writes and gives server-function errors their status.
pub mod guard;
/// `/sw.js`: the service worker, versioned from the built assets.
pub mod service_worker;
/// Start-up: database, demo data or first-coordinator hint, serving.
pub mod startup;

use std::sync::{Arc, Mutex};

use app::app::{App, shell};
use app::server::{AppState, Db, SecureCookies};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};

/// The name cargo-leptos gives the built bundle (`/pkg/contact-centre.js`).
pub const OUTPUT_NAME: &str = "contact-centre";

/// Leptos's settings, from the variables cargo-leptos sets, with this app's
/// bundle name when they are missing (as in `cargo test`).
pub fn leptos_options() -> LeptosOptions {
    let set_by_cargo_leptos = option_env!("LEPTOS_OUTPUT_NAME").is_some()
        || std::env::var_os("LEPTOS_OUTPUT_NAME").is_some();
    if set_by_cargo_leptos && let Ok(conf) = get_configuration(None) {
        return conf.leptos_options;
    }
    LeptosOptions::builder().output_name(OUTPUT_NAME).build()
}

pub fn app_state(db: Db, leptos_options: LeptosOptions, secure_cookies: SecureCookies) -> AppState {
    AppState {
        leptos_options,
        db,
        sign_in_limiter: Arc::new(Mutex::new(Default::default())),
        secure_cookies,
    }
}

/// Pages, server functions under `/api/`, and the built assets.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
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
        .leptos_routes_with_context(&state, routes, || (), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(guard::server_function_guard))
        .with_state(state)
}
