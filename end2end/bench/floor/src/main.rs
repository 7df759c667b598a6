//! Serves the floor app as the contact centre is served: pages rendered on
//! the server and compressed, built files sent precompressed.
#[tokio::main]
async fn main() {
    use leptos::prelude::*;
    use leptos_axum::{LeptosRoutes, generate_route_list};
    use leptos_floor::{App, shell};

    let options = get_configuration(None)
        .expect("cargo-leptos settings")
        .leptos_options;
    let addr =
        std::env::var("FLOOR_ADDR").map_or(options.site_addr, |a| a.parse().expect("FLOOR_ADDR"));
    let routes = generate_route_list(App);
    let app = axum::Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    axum::serve(listener, app.into_make_service())
        .await
        .expect("serve");
}
