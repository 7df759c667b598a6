//! What goes over the wire compressed: pages and server-function answers as
//! the browser asks (brotli, else gzip), the built assets as the compressed
//! copies made at build time, and never a copy that no longer holds its file.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use app::server::SecureCookies;
use axum::body::Body;
use common::{Backend, TestApp};
use http::{Request, StatusCode};
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

struct Raw {
    status: StatusCode,
    encoding: Option<String>,
    bytes: Vec<u8>,
}

async fn fetch(router: &axum::Router, request: Request<Body>) -> Raw {
    let mut request = request;
    let from: std::net::SocketAddr = "10.0.0.9:5000".parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(from));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    Raw {
        status,
        encoding,
        bytes,
    }
}

/// The body as the browser reads it, whatever it was sent as.
fn decoded(raw: &Raw) -> String {
    let mut text = String::new();
    match raw.encoding.as_deref() {
        None => text = String::from_utf8(raw.bytes.clone()).unwrap(),
        Some("gzip") => {
            flate2::read::GzDecoder::new(&raw.bytes[..])
                .read_to_string(&mut text)
                .unwrap();
        }
        Some("br") => {
            brotli::Decompressor::new(&raw.bytes[..], 4096)
                .read_to_string(&mut text)
                .unwrap();
        }
        Some(other) => panic!("unexpected encoding {other}"),
    }
    text
}

fn get(path: &str, accept: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path).header("accept", "text/html");
    if let Some(accept) = accept {
        builder = builder.header("accept-encoding", accept);
    }
    builder.body(Body::empty()).unwrap()
}

fn with_site(app: &TestApp, site: &Path) -> axum::Router {
    let options = LeptosOptions::builder()
        .output_name(server::OUTPUT_NAME)
        .site_root(site.to_string_lossy().into_owned())
        .build();
    server::router(server::app_state(
        app.db.clone(),
        options,
        SecureCookies::Auto,
        server::DEFAULT_IDLE_MINUTES,
    ))
}

fn site_folder() -> PathBuf {
    let folder = std::env::temp_dir().join(format!("ccc-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(folder.join("pkg")).unwrap();
    folder
}

fn brotli_of(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliCompress(
        &mut text.as_bytes(),
        &mut out,
        &brotli::enc::BrotliEncoderParams::default(),
    )
    .unwrap();
    out
}

#[test]
fn pages_and_answers_go_compressed_as_the_browser_asks() {
    common::RUNTIME.block_on(async {
        let app = TestApp::start(Backend::Sqlite).await.unwrap();
        let plain = fetch(&app.router, get("/sign-in", None)).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert_eq!(plain.encoding, None, "nothing asked, nothing compressed");
        for (accept, expected) in [
            ("gzip", "gzip"),
            ("gzip, deflate, br", "br"),
            ("br;q=1.0, gzip;q=0.5", "br"),
        ] {
            let page = fetch(&app.router, get("/sign-in", Some(accept))).await;
            assert_eq!(page.encoding.as_deref(), Some(expected), "{accept}");
            // At least a third smaller. Not half: the encoder flushes each
            // time the page's stream waits, so under a loaded test run the
            // same page comes out in more, smaller blocks (seen: 54%).
            assert!(
                page.bytes.len() * 3 < plain.bytes.len() * 2,
                "{accept}: {} of {} bytes",
                page.bytes.len(),
                plain.bytes.len()
            );
            let html = decoded(&page);
            assert!(html.contains("<html") && html.contains("Sign in"), "{html}");
        }

        let coordinator = app.sign_in_demo("coordinator").await;
        let mut call = common::api_request("list_accounts", &[], Some(&coordinator));
        call.headers_mut()
            .insert("accept-encoding", "br".parse().unwrap());
        let answer = fetch(&app.router, call).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.encoding.as_deref(), Some("br"));
        let accounts: serde_json::Value = serde_json::from_str(&decoded(&answer)).unwrap();
        assert!(
            accounts
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["username"] == "worker1")
        );
        app.finish().await;
    });
}

#[test]
fn built_assets_go_as_their_compressed_copies_and_a_stale_copy_is_never_sent() {
    common::RUNTIME.block_on(async {
        let app = TestApp::start(Backend::Sqlite).await.unwrap();
        let site = site_folder();
        let wasm = site.join("pkg/contact-centre.wasm");
        std::fs::write(&wasm, "the bundle, build one ".repeat(100)).unwrap();
        std::fs::write(
            site.join("pkg/contact-centre.wasm.br"),
            brotli_of(&"the bundle, build one ".repeat(100)),
        )
        .unwrap();
        let router = with_site(&app, &site);

        let sent = fetch(&router, get("/pkg/contact-centre.wasm", Some("gzip, br"))).await;
        assert_eq!(sent.status, StatusCode::OK);
        assert_eq!(sent.encoding.as_deref(), Some("br"));
        assert_eq!(decoded(&sent), "the bundle, build one ".repeat(100));
        // The service worker keeps the file, not its copies.
        let worker = server::service_worker::script_for(&site, "pkg");
        assert!(
            worker.contains("/pkg/contact-centre.wasm\"") && !worker.contains(".wasm.br"),
            "{worker}"
        );

        // A copy that still holds its file stays, whatever the files' times.
        server::service_worker::drop_stale_copies(&site);
        assert!(site.join("pkg/contact-centre.wasm.br").exists());
        // The file replaced and the copy left: the copy goes at start-up, and
        // the new bundle is compressed as it is sent.
        std::fs::write(&wasm, "the bundle, build two ".repeat(100)).unwrap();
        server::service_worker::drop_stale_copies(&site);
        assert!(!site.join("pkg/contact-centre.wasm.br").exists());
        let sent = fetch(&router, get("/pkg/contact-centre.wasm", Some("gzip, br"))).await;
        assert_eq!(sent.encoding.as_deref(), Some("br"));
        assert_eq!(decoded(&sent), "the bundle, build two ".repeat(100));

        let _ = std::fs::remove_dir_all(&site);
        app.finish().await;
    });
}
