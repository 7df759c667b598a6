//! One small harness for the integration tests: a fresh database (an SQLite
//! file, or a PostgreSQL schema of its own), the demo centre seeded into it,
//! and the real router, called in-process with no network and no browser.
//!
//! `both_databases!` turns one async test body into an SQLite test and a
//! PostgreSQL test. The PostgreSQL one needs `TEST_POSTGRES_URL`; without it,
//! it says that it was skipped and why (and `.ci/run` always sets it).

#![allow(dead_code)]

pub mod cases;
pub mod mail;

use std::net::SocketAddr;

use app::server::{Db, SecureCookies, demo, now_ms};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{HeaderMap, Request, StatusCode};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One runtime for every test of a test binary, as the server has one:
/// pages rendered at once on two runtimes in one process can wait for ever
/// (leptos wakes a render's work on whichever runtime's thread it is on;
/// when a test's runtime ends first, another test's page never finishes).
/// Seen in CI; reproduced only with two runtimes, never with one.
pub static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the tests")
});

/// The password people in the tests choose for themselves at their first
/// sign-in (`TestApp::first_sign_in`).
pub const OWN_PASSWORD: &str = "my own passphrase";

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    /// The database's URL, for a second connection pool (a second server).
    pub url: String,
    #[allow(dead_code)]
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFolder(std::path::PathBuf),
    PostgresSchema { admin_url: String, schema: String },
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    /// The `name=value` part of the session cookie this response sets.
    pub fn session_cookie(&self) -> Option<String> {
        self.set_cookie()
            .and_then(|cookie| cookie.split(';').next().map(str::to_owned))
            .filter(|pair| !pair.ends_with('='))
    }

    pub fn set_cookie(&self) -> Option<String> {
        self.headers
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

impl TestApp {
    /// A fresh app with the demo centre, or `None` when PostgreSQL was asked
    /// for and is not configured.
    pub async fn start(backend: Backend) -> Option<TestApp> {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let folder = std::env::temp_dir().join(format!("ccc-test-{unique}"));
                let url = app::server::db::sqlite_url_in(&folder);
                (url, Cleanup::SqliteFolder(folder))
            }
            Backend::Postgres => {
                let Some(admin_url) = postgres_url() else {
                    eprintln!(
                        "SKIPPED on PostgreSQL: TEST_POSTGRES_URL is not set \
                         (for example postgres://postgres@127.0.0.1:5432/test)"
                    );
                    return None;
                };
                let schema = format!("t_{unique}");
                let admin = Db::connect_without_migrating(&admin_url)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin.pool)
                    .await
                    .expect("create test schema");
                admin.pool.close().await;
                let separator = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{separator}options[search_path]={schema}");
                (url, Cleanup::PostgresSchema { admin_url, schema })
            }
        };
        let db = Db::connect(&url).await.expect("connect and migrate");
        demo::seed_if_empty(&db, now_ms())
            .await
            .expect("seed demo centre");
        let state = server::app_state(
            db.clone(),
            server::leptos_options(),
            SecureCookies::Auto,
            server::DEFAULT_IDLE_MINUTES,
        );
        Some(TestApp {
            router: server::router(state),
            db,
            url,
            backend,
            cleanup,
        })
    }

    /// Moves a booking and its staggered times `by_ms` earlier: a test can
    /// then run a session that is over by the server's clock, at any hour.
    /// Returns the booking's new start.
    #[allow(dead_code)]
    pub async fn move_earlier(&self, booking: i64, by_ms: i64) -> i64 {
        sqlx::query(
            "UPDATE bookings SET starts_at = starts_at - $1, ends_at = ends_at - $1, \
             visiting_arrives_at = visiting_arrives_at - $1, visiting_leaves_at = visiting_leaves_at - $1 \
             WHERE id = $2",
        )
        .bind(by_ms)
        .bind(booking)
        .execute(&self.db.pool)
        .await
        .expect("move the booking");
        sqlx::query_scalar("SELECT starts_at FROM bookings WHERE id = $1")
            .bind(booking)
            .fetch_one(&self.db.pool)
            .await
            .expect("the booking's start")
    }

    /// The signed-in worker's user id (as their phone learns it); 0 for
    /// anyone who is not a worker.
    #[allow(dead_code)]
    pub async fn my_id(&self, cookie: &str) -> i64 {
        let mine = self.call("my_sessions", &[], Some(cookie)).await;
        serde_json::from_str::<serde_json::Value>(&mine.body).unwrap_or_default()["me"]["id"]
            .as_i64()
            .unwrap_or(0)
    }

    /// Removes the test database.
    pub async fn finish(self) {
        self.db.pool.close().await;
        match self.cleanup {
            Cleanup::SqliteFolder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::PostgresSchema { admin_url, schema } => {
                if let Ok(admin) = Db::connect_without_migrating(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&admin.pool)
                        .await;
                }
            }
        }
    }

    /// Sends a request as a program would, from 10.0.0.1 unless `from` says otherwise.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        self.send_from(request, "10.0.0.1:5000").await
    }

    pub async fn send_from(&self, mut request: Request<Body>, from: &str) -> Reply {
        let address: SocketAddr = from.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(address));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 10 * 1024 * 1024)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Calls a server function with a form body, optionally with a cookie.
    pub async fn call(&self, function: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        self.send(api_request(function, form, cookie)).await
    }

    /// Signs in and returns the session cookie (`name=value`).
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let reply = self
            .call(
                "sign_in",
                &[("username", username), ("password", password)],
                None,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "sign in as {username}: {}",
            reply.body
        );
        reply.session_cookie().expect("a session cookie")
    }

    /// A first sign-in with the temporary password a coordinator set: the
    /// person chooses their own (`OWN_PASSWORD`), as they must before doing
    /// anything else. Returns the session cookie that change starts.
    pub async fn first_sign_in(&self, username: &str, temporary: &str) -> String {
        let cookie = self.sign_in(username, temporary).await;
        let changed = self
            .call(
                "change_my_password",
                &[("current", temporary), ("new_password", OWN_PASSWORD)],
                Some(&cookie),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        changed.session_cookie().expect("a fresh session cookie")
    }

    pub async fn sign_in_demo(&self, username: &str) -> String {
        self.sign_in(username, demo::DEMO_PASSWORD).await
    }

    pub async fn get_page(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut builder = Request::get(path).header("accept", "text/html");
        if let Some(cookie) = cookie {
            builder = builder.header("cookie", cookie);
        }
        self.send(builder.body(Body::empty()).unwrap()).await
    }
}

/// A POST to a server function, form-encoded, as the browser sends it.
pub fn api_request(function: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Request<Body> {
    let body = form
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut builder = Request::post(format!("/api/{function}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "127.0.0.1:3000");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::from(body)).unwrap()
}

/// A server function call with a JSON body (the functions whose inputs are
/// structured), optionally with a cookie.
pub fn json_request(function: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::post(format!("/api/{function}"))
        .header("content-type", "application/json")
        .header("host", "127.0.0.1:3000");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Writes each test once and runs it on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_databases {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        mod sqlite {
            use super::*;
            $(
                #[test]
                fn $name() {
                    $crate::common::RUNTIME.block_on(async {
                        let $app = TestApp::start(Backend::Sqlite).await.expect("SQLite is always available");
                        $body
                        $app.finish().await;
                    })
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[test]
                fn $name() {
                    $crate::common::RUNTIME.block_on(async {
                        let Some($app) = TestApp::start(Backend::Postgres).await else { return };
                        $body
                        $app.finish().await;
                    })
                }
            )*
        }
    };
}
