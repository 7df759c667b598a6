//! Server ingest of session entries over real HTTP, in observations per
//! second, beside a plain batched sqlx insert of the same rows into the same
//! kind of database.
//!
//! The ingest side goes the whole way a phone's batch goes: a TCP connection
//! on loopback to the server's own router (the cross-site guard, the session
//! cookie, JSON decoding, every item's checks, the transaction and the
//! reply), from 1, 4 and 16 phones at once, each on its own keep-alive
//! connection sending its share in batches the size the app sends. The plain
//! side is as many tasks, each inserting its share 100 rows to a statement,
//! one transaction per batch, nothing checked.
//!
//! Every measurement gets a fresh database (a new SQLite file, a new
//! PostgreSQL schema), seeded with the demo centre, so no run inherits
//! another's rows; within a round the two sides take turns going first.
//! Figures: median [min, max] over the rounds. Run by `scripts/bench.sh`
//! (or `cargo bench -p server --bench ingest`); SQLite always, PostgreSQL
//! when `TEST_POSTGRES_URL` is set.

use std::net::SocketAddr;
use std::time::Instant;

use app::server::{Db, SecureCookies, demo, now_ms};
use axum::serve::{Listener, ListenerExt};
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

/// Entries per measurement: a whole number of the app's batches for every
/// count of phones.
const ROWS: usize = 16_000;
const BATCH: usize = app::sync::BATCH;
const PHONES: [usize; 3] = [1, 4, 16];
const ROUNDS: usize = 5;

#[tokio::main]
async fn main() {
    let mut backends = vec![Backend::Sqlite];
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => backends.push(Backend::Postgres(url)),
        _ => println!("ingest on PostgreSQL: skipped (TEST_POSTGRES_URL not set)"),
    }
    for backend in &backends {
        for phones in PHONES {
            let (mut ingest, mut plain) = (Vec::new(), Vec::new());
            for round in 0..ROUNDS {
                // Odd rounds measure the plain insert first.
                if round % 2 == 0 {
                    ingest.push(measure(backend, phones, Side::Ingest).await);
                    plain.push(measure(backend, phones, Side::Plain).await);
                } else {
                    plain.push(measure(backend, phones, Side::Plain).await);
                    ingest.push(measure(backend, phones, Side::Ingest).await);
                }
            }
            let (ingest, plain) = (Spread::of(ingest), Spread::of(plain));
            println!(
                "ingest on {}, {phones:>2} phone{}: {} observations/s through sync_entries over HTTP; \
                 plain batched insert {} rows/s; ingest is {:.0}% of plain (medians; target at least 50%)",
                backend.name(),
                if phones == 1 { " " } else { "s" },
                ingest,
                plain,
                100.0 * ingest.median / plain.median,
            );
        }
    }
    println!(
        "ingest: {ROWS} entries per measurement in batches of {BATCH}, {ROUNDS} rounds, a fresh database for each, sides alternating first; median [min, max]"
    );
}

enum Backend {
    Sqlite,
    Postgres(String),
}

#[derive(Clone, Copy)]
enum Side {
    Ingest,
    Plain,
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// A new, empty, migrated database with the demo centre in it; the
    /// returned closure removes it.
    async fn fresh(&self) -> (Db, Box<dyn FnOnce() -> DropFuture>) {
        let name = format!("ccc_bench_{}", uuid::Uuid::new_v4().simple());
        match self {
            Backend::Sqlite => {
                let folder = std::env::temp_dir().join(&name);
                let db = Db::connect(&app::server::db::sqlite_url_in(&folder))
                    .await
                    .expect("SQLite");
                seed(&db).await;
                let pool = db.pool.clone();
                let remove = move || -> DropFuture {
                    Box::pin(async move {
                        pool.close().await;
                        let _ = std::fs::remove_dir_all(folder);
                    })
                };
                (db, Box::new(remove))
            }
            Backend::Postgres(url) => {
                let admin = Db::connect_without_migrating(url)
                    .await
                    .expect("PostgreSQL");
                sqlx::query(&format!("CREATE SCHEMA {name}"))
                    .execute(&admin.pool)
                    .await
                    .unwrap();
                let separator = if url.contains('?') { '&' } else { '?' };
                let db = Db::connect(&format!("{url}{separator}options[search_path]={name}"))
                    .await
                    .expect("PostgreSQL schema");
                seed(&db).await;
                let pool = db.pool.clone();
                let remove = move || -> DropFuture {
                    Box::pin(async move {
                        pool.close().await;
                        sqlx::query(&format!("DROP SCHEMA {name} CASCADE"))
                            .execute(&admin.pool)
                            .await
                            .unwrap();
                        admin.pool.close().await;
                    })
                };
                (db, Box::new(remove))
            }
        }
    }
}

type DropFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

async fn seed(db: &Db) {
    demo::seed_if_empty(db, now_ms()).await.unwrap();
}

/// Observations per second for one side, on a fresh database.
async fn measure(backend: &Backend, phones: usize, side: Side) -> f64 {
    let (db, remove) = backend.fresh().await;
    let served = Served::start(db.clone()).await;
    let shares = entries(&served, phones);
    let began = Instant::now();
    match side {
        Side::Ingest => {
            let mut tasks = Vec::new();
            for share in shares {
                let mut phone = connect(served.addr).await;
                let cookie = served.cookie.clone();
                tasks.push(tokio::spawn(async move {
                    for chunk in share.chunks(BATCH) {
                        let body = json!({ "batch": { "sent_ms": now_ms(), "items": chunk } });
                        let (status, reply) = post(
                            &mut phone,
                            "sync_entries",
                            "application/json",
                            body.to_string(),
                            Some(&cookie),
                        )
                        .await;
                        assert_eq!(status, StatusCode::OK, "{reply}");
                        // A figure counts only entries really stored.
                        let reply: Value = serde_json::from_str(&reply).unwrap();
                        let outcomes = reply["outcomes"].as_array().unwrap();
                        assert_eq!(outcomes.len(), chunk.len());
                        assert!(outcomes.iter().all(|o| o["outcome"] == "stored"), "{reply}");
                    }
                }));
            }
            for task in tasks {
                task.await.unwrap();
            }
        }
        Side::Plain => {
            let mut tasks = Vec::new();
            for share in shares {
                let (db, booking, author) = (db.clone(), served.booking, served.author);
                tasks.push(tokio::spawn(async move {
                    for batch in share.chunks(BATCH) {
                        plain_insert(&db, booking, author, batch).await;
                    }
                }));
            }
            for task in tasks {
                task.await.unwrap();
            }
        }
    }
    let rate = ROWS as f64 / began.elapsed().as_secs_f64();
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM session_entries WHERE author_id = $1")
            .bind(served.author)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(stored >= ROWS as i64, "only {stored} rows stored");
    served.stop().await;
    remove().await;
    rate
}

/// The server's own router on a loopback port, with the demo worker signed
/// in and today's session found, as a phone finds it.
struct Served {
    addr: SocketAddr,
    cookie: String,
    booking: i64,
    start_ms: i64,
    author: i64,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Served {
    async fn start(db: Db) -> Served {
        let state = server::app_state(
            db,
            server::leptos_options(),
            SecureCookies::Auto,
            server::DEFAULT_IDLE_MINUTES,
        );
        let router = server::router(state);
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .tap_io(|stream| {
                let _ = stream.set_nodelay(true);
            });
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        let mut phone = connect(addr).await;
        let (status, cookie) = post(
            &mut phone,
            "sign_in",
            "application/x-www-form-urlencoded",
            format!("username=worker1&password={}", demo::DEMO_PASSWORD),
            None,
        )
        .await;
        assert!(status.is_success() || status.is_redirection(), "{cookie}");
        let (_, sessions) = post(
            &mut phone,
            "my_sessions",
            "application/x-www-form-urlencoded",
            String::new(),
            Some(&cookie),
        )
        .await;
        let sessions: Value = serde_json::from_str(&sessions).unwrap();
        let today = sessions["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["case_reference"] == demo::TODAY_CASE)
            .unwrap();
        Served {
            addr,
            cookie,
            booking: today["booking_id"].as_i64().unwrap(),
            start_ms: today["starts_ms"].as_i64().unwrap(),
            author: sessions["me"]["id"].as_i64().unwrap(),
            stop,
            task,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Each phone's share of the entries, as the phone queues them.
fn entries(served: &Served, phones: usize) -> Vec<Vec<Value>> {
    let per_phone = ROWS / phones;
    (0..phones)
        .map(|phone| {
            (0..per_phone)
                .map(|i| {
                    let n = phone * per_phone + i;
                    let at = served.start_ms + n as i64;
                    json!({ "id": uuid::Uuid::now_v7().to_string(), "device_ms": at, "rejected": null, "author": served.author,
                            "payload": { "booking_id": served.booking, "at_ms": at,
                                         "kind": { "type": "observation", "category": "play", "text": format!("Observation {n}: played with the blocks together") } } })
                })
                .collect()
        })
        .collect()
}

/// One batch, plainly inserted in one transaction, 100 rows to a statement.
async fn plain_insert(db: &Db, booking: i64, author: i64, batch: &[Value]) {
    let mut tx = db.pool.begin().await.unwrap();
    for chunk in batch.chunks(100) {
        let mut sql = String::from(
            "INSERT INTO session_entries (id, booking_id, author_id, kind, safeguarding, at_ms, saved_ms, received_ms, clock_offset_ms, body) VALUES ",
        );
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let columns: Vec<String> = (1..=10).map(|c| format!("${}", r * 10 + c)).collect();
                format!("({})", columns.join(", "))
            })
            .collect();
        sql.push_str(&values.join(", "));
        let mut query = sqlx::query(&sql);
        for item in chunk {
            let at = item["payload"]["at_ms"].as_i64().unwrap();
            query = query
                .bind(item["id"].as_str().unwrap().to_owned())
                .bind(booking)
                .bind(author)
                .bind("observation")
                .bind(0_i32)
                .bind(at)
                .bind(at)
                .bind(now_ms())
                .bind(0_i64)
                .bind(item["payload"]["kind"].to_string());
        }
        query.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// A phone's keep-alive HTTP/1.1 connection to the server.
async fn connect(addr: SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    sender
}

/// Posts to a server function; answers the status and the session cookie
/// it set, or else the body.
async fn post(
    phone: &mut SendRequest<Full<Bytes>>,
    function: &str,
    content_type: &str,
    body: String,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let mut request = Request::post(format!("/api/{function}"))
        .header("host", "127.0.0.1")
        .header("content-type", content_type)
        .header("accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    phone.ready().await.unwrap();
    let response = phone
        .send_request(request.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        cookie.unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned()),
    )
}

/// Median, lowest and highest of a few runs.
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(mut runs: Vec<f64>) -> Spread {
        runs.sort_by(f64::total_cmp);
        Spread {
            median: runs[runs.len() / 2],
            min: runs[0],
            max: runs[runs.len() - 1],
        }
    }
}

impl std::fmt::Display for Spread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.0} [{:.0}, {:.0}]", self.median, self.min, self.max)
    }
}
