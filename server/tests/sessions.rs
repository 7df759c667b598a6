//! Session mode through the real router: a worker's sessions for the phone,
//! syncing entries exactly once, refusals that say why, and the merged log.

mod common;

use axum::body::Body;
use common::{Backend, TestApp};
use http::{Request, StatusCode};
use serde_json::{Value, json};

fn json_call(function: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder =
        Request::post(format!("/api/{function}")).header("content-type", "application/json");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

/// The demo's session in progress (family FAM-0002), as worker1's phone
/// gets it, moved to have started an hour ago: entries dated up to an hour
/// after its start are then in the past at any time of day.
async fn todays_session(app: &TestApp, worker: &str) -> Value {
    let reply = app.call("my_sessions", &[], Some(worker)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mine = reply.json();
    let mut session = mine["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["case_reference"] == "FAM-0002")
        .cloned()
        .expect("the demo's session today");
    let booking = session["booking_id"].as_i64().unwrap();
    let shift = now() - session["starts_ms"].as_i64().unwrap() + 3_600_000;
    app.move_earlier(booking, shift).await;
    for time in [
        "visiting_arrives_ms",
        "starts_ms",
        "ends_ms",
        "visiting_leaves_ms",
    ] {
        session[time] = json!(session[time].as_i64().unwrap() - shift);
    }
    session
}

fn now() -> i64 {
    app::server::now_ms()
}

fn entry(id: &str, booking: i64, at_ms: i64, kind: Value) -> Value {
    json!({ "id": id, "device_ms": at_ms, "rejected": null,
            "payload": { "booking_id": booking, "at_ms": at_ms, "kind": kind } })
}

fn note(text: &str) -> Value {
    json!({ "type": "observation", "category": "play", "text": text })
}

fn id(n: u32) -> String {
    format!("0190a000-0000-7000-8000-{n:012}")
}

/// Sends items from the signed-in worker's phone, each carrying that
/// worker as its author unless it names one, with the phone's clock agreeing
/// with the server's.
async fn sync(app: &TestApp, cookie: &str, items: Vec<Value>) -> (StatusCode, Value) {
    let me = app.my_id(cookie).await;
    let items: Vec<Value> = items
        .into_iter()
        .map(|mut item| {
            if item.get("author").is_none() {
                item["author"] = json!(me);
            }
            item
        })
        .collect();
    let body = json!({ "batch": { "sent_ms": now(), "items": items } }).to_string();
    let reply = app
        .send(json_call("sync_entries", &body, Some(cookie)))
        .await;
    let value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status, value)
}

async fn log(app: &TestApp, cookie: &str, booking: i64) -> Value {
    let reply = app
        .call(
            "session_log",
            &[("booking_id", &booking.to_string())],
            Some(cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

both_databases! {
    async fn a_worker_gets_todays_session_with_what_they_need_and_nothing_private(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        let reply = app.call("my_sessions", &[], Some(&worker)).await;
        assert!(!reply.body.contains("07700"), "no phone numbers: {}", reply.body);
        assert!(!reply.body.contains("Hughes"), "no surnames or parents' names");
        let session = todays_session(&app, &worker).await;
        assert_eq!(session["children"], json!([{ "first_name": "Ava", "age": session["children"][0]["age"] }]));
        assert_eq!(session["service"], "supervised");
        assert_eq!(session["workers"].as_array().unwrap().len(), 2);
        assert_eq!(session["risk_flags"].as_array().unwrap().len(), 1);
        assert!(session["ground_rules"].as_str().unwrap().contains("No phones"));
        let arrives = session["visiting_arrives_ms"].as_i64().unwrap();
        assert_eq!(session["starts_ms"].as_i64().unwrap() - arrives, 15 * 60_000, "staggered times");

        let parent = app.sign_in_demo("visiting").await;
        assert_eq!(app.call("my_sessions", &[], Some(&parent)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.call("my_sessions", &[], None).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn the_same_batch_sent_twice_is_stored_once(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        let session = todays_session(&app, &worker).await;
        let booking = session["booking_id"].as_i64().unwrap();
        let start = session["starts_ms"].as_i64().unwrap();
        let items = vec![
            entry(&id(1), booking, start, json!({ "type": "started" })),
            entry(&id(2), booking, start + 60_000, note("Lily and dad built a tower")),
            entry(&id(3), booking, start + 120_000, note("Talked about school")),
        ];
        let (status, first) = sync(&app, &worker, items.clone()).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert!(first["outcomes"].as_array().unwrap().iter().all(|o| o["outcome"] == "stored"), "{first}");
        let (_, again) = sync(&app, &worker, items).await;
        assert!(again["outcomes"].as_array().unwrap().iter().all(|o| o["outcome"] == "already_stored"), "{again}");
        let stored = log(&app, &worker, booking).await;
        assert_eq!(stored["entries"].as_array().unwrap().len(), 3, "stored once: {stored}");
        assert!(stored["received_ms"][0].as_i64().unwrap() > 0, "the receipt time is kept");
    }

    async fn a_batch_with_bad_items_stores_the_good_ones_and_says_why_for_the_rest(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        let session = todays_session(&app, &worker).await;
        let booking = session["booking_id"].as_i64().unwrap();
        let start = session["starts_ms"].as_i64().unwrap();
        let items = vec![
            entry(&id(10), booking, start, note("Good one")),
            entry(&id(11), booking, start, note("   ")),
            entry("not-a-uuid", booking, start, note("Bad id")),
            entry(&id(12), booking, start - 2 * 86_400_000, note("A wrong clock")),
            entry(&id(13), 999_999, start, note("No such session")),
            entry(&id(14), booking, start, json!({ "type": "sight_and_sound", "holder": 999_999 })),
            entry(&id(15), booking, start + 1, note("Another good one")),
        ];
        let (status, reply) = sync(&app, &worker, items).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        let outcomes = reply["outcomes"].as_array().unwrap();
        let kinds: Vec<&str> = outcomes.iter().map(|o| o["outcome"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["stored", "rejected", "rejected", "rejected", "rejected", "rejected", "stored"]);
        assert!(outcomes[1]["reason"].as_str().unwrap().contains("empty"));
        assert!(outcomes[2]["reason"].as_str().unwrap().contains("UUID"));
        assert!(outcomes[3]["reason"].as_str().unwrap().contains("clock"));
        assert!(outcomes[4]["reason"].as_str().unwrap().contains("not booked to supervise"));
        assert_eq!(log(&app, &worker, booking).await["entries"].as_array().unwrap().len(), 2);
    }

    async fn a_worker_cannot_push_to_or_read_another_workers_session(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        let session = todays_session(&app, &worker).await;
        let booking = session["booking_id"].as_i64().unwrap();
        let start = session["starts_ms"].as_i64().unwrap();
        let coordinator = app.sign_in_demo("coordinator").await;
        let created = app
            .call(
                "create_account",
                &[("username", "new.worker"), ("display_name", "New Worker"), ("role", "worker"), ("password", "long-enough-pass")],
                Some(&coordinator),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let stranger = app.first_sign_in("new.worker", "long-enough-pass").await;
        let (_, reply) = sync(&app, &stranger, vec![entry(&id(20), booking, start, note("Not mine"))]).await;
        assert_eq!(reply["outcomes"][0]["outcome"], "rejected");
        assert!(reply["outcomes"][0]["reason"].as_str().unwrap().contains("not booked"));
        let read = app.call("session_log", &[("booking_id", &booking.to_string())], Some(&stranger)).await;
        assert_eq!(read.status, StatusCode::NOT_FOUND);
        // An id another worker already used is refused, never overwritten.
        sync(&app, &worker, vec![entry(&id(21), booking, start, note("Priya's"))]).await;
        let tom = app.sign_in_demo("worker2").await;
        let (_, clash) = sync(&app, &tom, vec![entry(&id(21), booking, start, note("Tom's"))]).await;
        assert_eq!(clash["outcomes"][0]["outcome"], "rejected");
        let stored = log(&app, &coordinator, booking).await;
        assert_eq!(stored["entries"][0]["kind"]["text"], "Priya's");
    }

    async fn malformed_payloads_get_a_clear_4xx(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        let garbled = app.send(json_call("sync_entries", "{not json", Some(&worker))).await;
        assert_eq!(garbled.status, StatusCode::BAD_REQUEST, "{}", garbled.body);
        let missing = app.send(json_call("sync_entries", r#"{"batch": {"items": []}}"#, Some(&worker))).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
        // Beyond the batch's own shape, items are read one by one: see
        // `an_item_the_server_cannot_read_is_refused_alone`.
        let huge = format!(r#"{{"batch": {{"sent_ms": 0, "items": ["{}"]}}}}"#, "x".repeat(1_100_000));
        let reply = app.send(json_call("sync_entries", &huge, Some(&worker))).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.body);
        assert!(reply.body.contains("larger than the 1024 KB"), "{}", reply.body);
        let too_many: Vec<Value> = (0..501).map(|n| entry(&id(1000 + n), 1, 0, note("x"))).collect();
        let (status, body) = sync(&app, &worker, too_many).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let parent = app.sign_in_demo("resident").await;
        let (status, _) = sync(&app, &parent, vec![]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let nobody = app.send(json_call("sync_entries", r#"{"batch": {"sent_ms": 0, "items": []}}"#, None)).await;
        assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    }

    async fn both_workers_entries_merge_and_a_concern_reaches_the_coordinator(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let tom = app.sign_in_demo("worker2").await;
        let session = todays_session(&app, &priya).await;
        let booking = session["booking_id"].as_i64().unwrap();
        let start = session["starts_ms"].as_i64().unwrap();
        let tom_id = session["workers"].as_array().unwrap().iter().find(|w| w["name"] == "Tom Barker").unwrap()["id"].clone();
        // Each phone was offline; they sync in the opposite order to events.
        sync(&app, &tom, vec![
            entry(&id(41), booking, start + 5 * 60_000, note("Tom: snack time")),
            entry(&id(43), booking, start + 15 * 60_000, json!({ "type": "observation", "category": "safeguarding_concern", "text": "Whispered about moving house" })),
        ]).await;
        sync(&app, &priya, vec![
            entry(&id(40), booking, start + 60_000, note("Priya: greeting")),
            entry(&id(42), booking, start + 10 * 60_000, json!({ "type": "sight_and_sound", "holder": tom_id })),
        ]).await;
        let coordinator = app.sign_in_demo("coordinator").await;
        let stored = log(&app, &coordinator, booking).await;
        let ids: Vec<&str> = stored["entries"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [id(40), id(41), id(42), id(43)], "one timeline in time order");
        let concerns = app.call("recent_concerns", &[], Some(&coordinator)).await;
        assert_eq!(concerns.status, StatusCode::OK, "{}", concerns.body);
        assert_eq!(concerns.json()[0]["text"], "Whispered about moving house");
        assert_eq!(concerns.json()[0]["author"], "Tom Barker");
        assert_eq!(app.call("recent_concerns", &[], Some(&tom)).await.status, StatusCode::FORBIDDEN);
    }

    async fn a_correction_keeps_the_earlier_wording_and_only_the_author_may_make_it(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let tom = app.sign_in_demo("worker2").await;
        let session = todays_session(&app, &priya).await;
        let booking = session["booking_id"].as_i64().unwrap();
        let start = session["starts_ms"].as_i64().unwrap();
        sync(&app, &priya, vec![entry(&id(50), booking, start, note("Played with bricks"))]).await;
        let correct = |n: u32, text: &str| entry(&id(n), booking, start, json!({ "type": "correction", "of": id(50), "text": text }));
        let (_, by_tom) = sync(&app, &tom, vec![correct(51, "Tom's rewrite")]).await;
        assert_eq!(by_tom["outcomes"][0]["outcome"], "rejected");
        let (_, by_priya) = sync(&app, &priya, vec![correct(52, "Played with blocks")]).await;
        assert_eq!(by_priya["outcomes"][0]["outcome"], "stored", "{by_priya}");
        let stored = log(&app, &priya, booking).await;
        let texts: Vec<&str> = stored["entries"].as_array().unwrap().iter().map(|e| e["kind"]["text"].as_str().unwrap()).collect();
        assert_eq!(texts, ["Played with bricks", "Played with blocks"], "both wordings are kept");
    }

    async fn entries_made_by_another_worker_are_never_stored_under_the_sender(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let tom = app.sign_in_demo("worker2").await;
        let priya_id = app.my_id(&priya).await;
        let session = todays_session(&app, &priya).await;
        let booking = session["booking_id"].as_i64().unwrap();
        let start = session["starts_ms"].as_i64().unwrap();
        // Priya's entry, still on a shared phone when Tom signs in on it and
        // it syncs. Before: stored as Tom's.
        let mut item = entry(&id(60), booking, start + 60_000, note("Priya: greeting"));
        item["author"] = json!(priya_id);
        let (status, reply) = sync(&app, &tom, vec![item.clone()]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(reply["outcomes"][0]["outcome"], "held", "{reply}");
        let coordinator = app.sign_in_demo("coordinator").await;
        assert_eq!(log(&app, &coordinator, booking).await["entries"], json!([]), "nothing stored under Tom");
        // When Priya signs in on it, the phone sends it as hers.
        let (_, reply) = sync(&app, &priya, vec![item]).await;
        assert_eq!(reply["outcomes"][0]["outcome"], "stored", "{reply}");
        let entries = log(&app, &coordinator, booking).await["entries"].clone();
        assert_eq!(entries[0]["author"], priya_id);
    }

    async fn an_item_the_server_cannot_read_is_refused_alone_and_client_numbers_cannot_overflow(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        let me = app.my_id(&worker).await;
        let session = todays_session(&app, &worker).await;
        let booking = session["booking_id"].as_i64().unwrap();
        let start = session["starts_ms"].as_i64().unwrap();
        // A phone on a newer build sends a kind this server does not know.
        // Before: the whole batch failed with 400, and the phone retried the
        // same batch for ever.
        let (status, reply) = sync(&app, &worker, vec![
            entry(&id(70), booking, start + 60_000, note("Before")),
            entry(&id(71), booking, start + 61_000, json!({ "type": "dance" })),
            json!({ "not": "an entry" }),
            entry(&id(72), booking, start + 62_000, note("After")),
        ]).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        let outcomes = reply["outcomes"].as_array().unwrap();
        assert_eq!(outcomes.len(), 4);
        assert_eq!(outcomes[0]["outcome"], "stored");
        assert_eq!(outcomes[1]["outcome"], "rejected");
        assert_eq!(outcomes[1]["id"], id(71), "named, so the phone keeps it with the reason");
        assert!(outcomes[1]["reason"].as_str().unwrap().contains("could not read"), "{reply}");
        assert_eq!(outcomes[2]["outcome"], "rejected");
        assert_eq!(outcomes[3]["outcome"], "stored");

        // The phone's numbers at their extremes: refused or stored, never a 500.
        for sent_ms in [i64::MIN, i64::MAX] {
            for at_ms in [i64::MIN, i64::MAX, start] {
                let mut item = entry(&id(80), booking, at_ms, note("Extreme"));
                item["author"] = json!(me);
                let body = json!({ "batch": { "sent_ms": sent_ms, "items": [item] } }).to_string();
                let reply = app.send(json_call("sync_entries", &body, Some(&worker))).await;
                assert_eq!(reply.status, StatusCode::OK, "sent {sent_ms}, at {at_ms}: {}", reply.body);
            }
        }
    }
}

#[tokio::test]
async fn the_service_worker_script_is_served_versioned_and_never_cached() {
    let app = TestApp::start(Backend::Sqlite).await.unwrap();
    let reply = app
        .send(Request::get("/sw.js").body(Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["cache-control"], "no-cache");
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(reply.body.contains("const VERSION = \"") && !reply.body.contains("__VERSION__"));
    assert!(
        reply.body.contains("/api/"),
        "server functions are left alone"
    );
    app.finish().await;
}
