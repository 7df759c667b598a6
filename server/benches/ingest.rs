//! Server ingest of session entries, in observations per second, beside a
//! plain batched sqlx insert of the same rows into the same database.
//!
//! The ingest side goes the whole way a phone's batch goes: the router, the
//! cross-site guard, the session cookie, JSON decoding, every item's checks,
//! the transaction and the reply. The plain side is one multi-row INSERT per
//! 100 rows in one transaction, nothing checked. Run by `scripts/bench.sh`
//! (or `cargo bench -p server --bench ingest`); SQLite always, PostgreSQL
//! when `TEST_POSTGRES_URL` is set.

use std::time::Instant;

use app::server::{Db, SecureCookies, demo, now_ms};
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

const ROWS: usize = 5_000;
const BATCH: usize = 250;
const ROUNDS: usize = 3;

#[tokio::main]
async fn main() {
    let folder = std::env::temp_dir().join(format!("ccc-bench-{}", uuid::Uuid::new_v4().simple()));
    run("SQLite", &app::server::db::sqlite_url_in(&folder)).await;
    let _ = std::fs::remove_dir_all(folder);
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
            let admin = Db::connect_without_migrating(&url)
                .await
                .expect("PostgreSQL");
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin.pool)
                .await
                .unwrap();
            let separator = if url.contains('?') { '&' } else { '?' };
            run(
                "PostgreSQL",
                &format!("{url}{separator}options[search_path]={schema}"),
            )
            .await;
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin.pool)
                .await
                .unwrap();
        }
        _ => println!("ingest on PostgreSQL: skipped (TEST_POSTGRES_URL not set)"),
    }
}

async fn call(
    router: &axum::Router,
    function: &str,
    content_type: &str,
    body: String,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let mut request = Request::post(format!("/api/{function}"))
        .header("content-type", content_type)
        .header("host", "127.0.0.1:3000");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let mut request = request.body(Body::from(body)).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(std::net::SocketAddr::from((
            [10, 0, 0, 1],
            5000,
        ))));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        cookie.unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned()),
    )
}

async fn run(name: &str, url: &str) {
    let db = Db::connect(url).await.expect("connect and migrate");
    demo::seed_if_empty(&db, now_ms()).await.unwrap();
    let state = server::app_state(
        db.clone(),
        server::leptos_options(),
        SecureCookies::Auto,
        server::DEFAULT_IDLE_MINUTES,
    );
    let router = server::router(state);
    let (_, cookie) = call(
        &router,
        "sign_in",
        "application/x-www-form-urlencoded",
        format!("username=worker1&password={}", demo::DEMO_PASSWORD),
        None,
    )
    .await;
    let (_, sessions) = call(
        &router,
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
    let booking = today["booking_id"].as_i64().unwrap();
    let start = today["starts_ms"].as_i64().unwrap();
    let author: i64 = sessions["me"]["id"].as_i64().unwrap();

    let mut ingest_rates = Vec::new();
    let mut plain_rates = Vec::new();
    for _ in 0..ROUNDS {
        let items: Vec<Value> = (0..ROWS)
            .map(|n| {
                json!({ "id": uuid::Uuid::now_v7().to_string(), "device_ms": start + n as i64, "rejected": null, "author": author,
                        "payload": { "booking_id": booking, "at_ms": start + n as i64,
                                     "kind": { "type": "observation", "category": "play", "text": format!("Observation {n}: played with the blocks together") } } })
            })
            .collect();
        let bodies: Vec<String> = items
            .chunks(BATCH)
            .map(|chunk| json!({ "batch": { "sent_ms": now_ms(), "items": chunk } }).to_string())
            .collect();
        let began = Instant::now();
        for body in bodies {
            let (status, reply) = call(
                &router,
                "sync_entries",
                "application/json",
                body,
                Some(&cookie),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{reply}");
            // A figure counts only entries really stored.
            let reply: Value = serde_json::from_str(&reply).unwrap();
            let outcomes = reply["outcomes"].as_array().unwrap();
            assert!(outcomes.iter().all(|o| o["outcome"] == "stored"), "{reply}");
        }
        ingest_rates.push(ROWS as f64 / began.elapsed().as_secs_f64());

        // The same rows (fresh ids), plainly inserted, 100 to a statement.
        let rows: Vec<(String, i64, String)> = items
            .iter()
            .map(|item| {
                (
                    uuid::Uuid::now_v7().to_string(),
                    item["payload"]["at_ms"].as_i64().unwrap(),
                    item["payload"]["kind"].to_string(),
                )
            })
            .collect();
        let began = Instant::now();
        for batch in rows.chunks(BATCH) {
            let mut tx = db.pool.begin().await.unwrap();
            for chunk in batch.chunks(100) {
                let mut sql = String::from(
                    "INSERT INTO session_entries (id, booking_id, author_id, kind, safeguarding, at_ms, saved_ms, received_ms, clock_offset_ms, body) VALUES ",
                );
                let values: Vec<String> = (0..chunk.len())
                    .map(|r| {
                        format!(
                            "({})",
                            (1..=10)
                                .map(|c| format!("${}", r * 10 + c))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect();
                sql.push_str(&values.join(", "));
                let mut query = sqlx::query(&sql);
                for (id, at, body) in chunk {
                    query = query
                        .bind(id.clone())
                        .bind(booking)
                        .bind(author)
                        .bind("observation")
                        .bind(0_i32)
                        .bind(*at)
                        .bind(*at)
                        .bind(now_ms())
                        .bind(0_i64)
                        .bind(body.clone());
                }
                query.execute(&mut *tx).await.unwrap();
            }
            tx.commit().await.unwrap();
        }
        plain_rates.push(ROWS as f64 / began.elapsed().as_secs_f64());
    }
    let best = |rates: &[f64]| rates.iter().cloned().fold(0.0, f64::max);
    let (ingest, plain) = (best(&ingest_rates), best(&plain_rates));
    println!(
        "ingest on {name}: {ingest:.0} observations/s through sync_entries (batches of {BATCH}, best of {ROUNDS} runs of {ROWS}); \
         plain batched sqlx insert {plain:.0} rows/s; ingest is {:.0}% of plain (target at least 50%)",
        100.0 * ingest / plain
    );
    db.pool.close().await;
}
