//! Session records through the real router: signing with a password, the
//! co-signature that releases a record, returns, locks the database itself
//! enforces, addenda, who may read what, and the audit trail's hash chain.

mod common;

use app::server::db::Backend as Dialect;
use axum::body::Body;
use common::{Backend, TestApp};
use http::{Request, StatusCode};
use serde_json::{Value, json};

fn json_call(function: &str, body: Value, cookie: &str) -> Request<Body> {
    Request::post(format!("/api/{function}"))
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn id(n: u32) -> String {
    format!("0190b000-0000-7000-8000-{n:012}")
}

/// The demo's session today (FAM-0002), moved to have started two hours
/// ago, so that it is over at any time of day: its booking id and start.
async fn todays_session(app: &TestApp, worker: &str) -> (i64, i64) {
    let mine = app.call("my_sessions", &[], Some(worker)).await.json();
    let session = mine["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["case_reference"] == "FAM-0002")
        .unwrap()
        .clone();
    let booking = session["booking_id"].as_i64().unwrap();
    let start = session["starts_ms"].as_i64().unwrap();
    (
        booking,
        app.move_earlier(booking, app::server::now_ms() - start + 2 * 3_600_000)
            .await,
    )
}

/// Syncs entries from the signed-in worker's phone, whose clock agrees
/// with the server's; returns the outcomes.
async fn sync(app: &TestApp, worker: &str, items: Vec<(u32, i64, i64, Value)>) -> Value {
    sync_from_clock(app, worker, items, 0).await
}

/// Syncs from a phone whose clock is `fast_ms` ahead of the server's (its
/// entries' times are given by that clock already).
async fn sync_from_clock(
    app: &TestApp,
    worker: &str,
    items: Vec<(u32, i64, i64, Value)>,
    fast_ms: i64,
) -> Value {
    let me = app.my_id(worker).await;
    let items: Vec<Value> = items
        .into_iter()
        .map(|(n, booking, at, kind)| {
            json!({ "id": id(n), "device_ms": at, "rejected": null, "author": me, "payload": { "booking_id": booking, "at_ms": at, "kind": kind } })
        })
        .collect();
    let reply = app
        .send(json_call(
            "sync_entries",
            json!({ "batch": { "sent_ms": app::server::now_ms() + fast_ms, "items": items } }),
            worker,
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["outcomes"].clone()
}

/// A session that has been run and ended on Priya's phone.
async fn ended_session(app: &TestApp) -> (i64, String, String) {
    let priya = app.sign_in_demo("worker1").await;
    let tom = app.sign_in_demo("worker2").await;
    let (booking, start) = todays_session(app, &priya).await;
    sync(app, &priya, vec![
        (1, booking, start, json!({ "type": "started" })),
        (2, booking, start + 60_000, json!({ "type": "observation", "category": "play", "text": "Ava and her dad played cards" })),
        (3, booking, start + 50 * 60_000, json!({ "type": "ended" })),
    ])
    .await;
    (booking, priya, tom)
}

async fn write(app: &TestApp, worker: &str, booking: i64, summary: &str) -> StatusCode {
    let text = json!({ "summary": summary, "ended_early": "Ava was tired", "incident": "" });
    app.send(json_call(
        "save_record_text",
        json!({ "booking_id": booking, "text": text }),
        worker,
    ))
    .await
    .status
}

/// Signs the record's text as the worker's page shows it now.
async fn sign(
    app: &TestApp,
    worker: &str,
    booking: i64,
    password: &str,
    note: &str,
) -> (StatusCode, Value) {
    let (_, record) = read(app, worker, booking).await;
    sign_text(app, worker, booking, record["text"].clone(), password, note).await
}

/// Signs `text`: the words the worker read on their page.
async fn sign_text(
    app: &TestApp,
    worker: &str,
    booking: i64,
    text: Value,
    password: &str,
    note: &str,
) -> (StatusCode, Value) {
    let reply = app
        .send(json_call(
            "sign_record",
            json!({ "booking_id": booking, "text": text, "password": password, "unsigned_note": note, "device_ms": 1 }),
            worker,
        ))
        .await;
    let value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status, value)
}

/// A signature made on the phone, as it queues it: the proofs of the PIN
/// whose check is `check`, for queue item `n` of session `proved_for`.
fn phone_signature(check: &str, n: u32, proved_for: i64, summary: &str, note: &str) -> Value {
    use app::domain::pin;
    let digest = pin::text_digest(summary, "", "", note);
    json!({ "type": "signature", "summary": summary, "ended_early": "", "incident": "",
            "unsigned_note": note,
            "proof": pin::signing_proof(check, &id(n), proved_for),
            "text_proof": pin::text_proof(check, &id(n), proved_for, &digest) })
}

async fn read(app: &TestApp, who: &str, booking: i64) -> (StatusCode, Value) {
    let reply = app
        .call(
            "read_record",
            &[("booking_id", &booking.to_string())],
            Some(who),
        )
        .await;
    let value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
    (reply.status, value)
}

async fn new_referrer_of(app: &TestApp, case: &str, username: &str) -> String {
    let coordinator = app.sign_in_demo("coordinator").await;
    let created = app
        .call(
            "create_account",
            &[
                ("username", username),
                ("display_name", "Sam Social Worker"),
                ("role", "referrer"),
                ("password", "long-enough-pass"),
                ("case_reference", case),
                ("relation", "referrer"),
            ],
            Some(&coordinator),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    app.first_sign_in(username, "long-enough-pass").await
}

both_databases! {
    async fn both_workers_sign_a_coordinator_returns_then_cosigns_and_the_referrer_reads_it(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        let coordinator = app.sign_in_demo("coordinator").await;

        let due = app.call("my_unsigned_records", &[], Some(&priya)).await.json();
        assert_eq!(due[0]["booking_id"], booking, "{due}");
        let deadlines = &due[0]["deadlines"];
        assert_eq!(deadlines["target_ms"].as_i64().unwrap() - deadlines["ended_ms"].as_i64().unwrap(), 2 * 3_600_000);

        let (status, _) = sign(&app, &priya, booking, "contact-demo", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no summary yet");
        assert_eq!(write(&app, &priya, booking, "A calm session.").await, StatusCode::OK);
        let (status, body) = sign(&app, &priya, booking, "not-my-password", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["field"], "password");
        let (status, body) = sign(&app, &priya, booking, "contact-demo", "").await;
        assert_eq!((status, body), (StatusCode::OK, json!("draft")), "waiting for Tom's signature");
        // The coordinator sees the draft Tom has still to sign, and who signed.
        let drafts = app.call("unsigned_drafts", &[], Some(&coordinator)).await.json();
        let draft = drafts.as_array().unwrap().iter().find(|d| d["booking_id"] == booking).expect("the draft is listed");
        assert_eq!(draft["signed_by"], json!(["Priya Shah"]), "{draft}");
        assert_eq!(app.call("cosign_record", &[("booking_id", &booking.to_string()), ("password", "contact-demo")], Some(&coordinator)).await.status, StatusCode::CONFLICT, "not co-signed before it is signed");
        let (_, body) = sign(&app, &tom, booking, "contact-demo", "").await;
        assert_eq!(body, json!("signed"));
        let drafts = app.call("unsigned_drafts", &[], Some(&coordinator)).await.json();
        assert!(drafts.as_array().unwrap().iter().all(|d| d["booking_id"] != booking), "signed: no longer a draft");

        // An author (a worker) cannot co-sign; the queue shows it to the coordinator.
        assert_eq!(app.call("cosign_record", &[("booking_id", &booking.to_string()), ("password", "contact-demo")], Some(&priya)).await.status, StatusCode::FORBIDDEN);
        let queue = app.call("cosign_queue", &[], Some(&coordinator)).await.json();
        assert_eq!(queue[0]["signed_by"], json!(["Priya Shah", "Tom Barker"]));

        let returned = app.call("return_record", &[("booking_id", &booking.to_string()), ("comment", "Say who brought Ava.")], Some(&coordinator)).await;
        assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
        assert_eq!(write(&app, &priya, booking, "A calm session. Ava's mum brought her.").await, StatusCode::OK);
        let (_, body) = sign(&app, &priya, booking, "contact-demo", "Tom is on leave until Monday.").await;
        assert_eq!(body, json!("signed"), "signed with a note of who did not sign and why");

        let cosigned = app.call("cosign_record", &[("booking_id", &booking.to_string()), ("password", "contact-demo")], Some(&coordinator)).await;
        assert_eq!(cosigned.status, StatusCode::OK, "{}", cosigned.body);
        let (_, record) = read(&app, &coordinator, booking).await;
        assert_eq!(record["status"], "released");
        assert_eq!(record["cosigned_by"], "Morgan Ellis");
        assert_eq!(record["unsigned_note"], "Tom is on leave until Monday.");
        let signatures = record["signatures"].as_array().unwrap();
        assert_eq!(signatures.len(), 3);
        assert_eq!(signatures[0]["text"]["summary"], "A calm session.", "the first signed version is kept");
        assert_eq!(record["text"]["summary"], "A calm session. Ava's mum brought her.");

        // The case's referrer reads it; another case's referrer and a parent cannot.
        let referrer = app.sign_in_demo("referrer").await;
        let released = app.call("my_released_records", &[], Some(&referrer)).await;
        let released = released.json();
        assert_eq!(released[0]["booking_id"], booking);
        let (status, seen) = read(&app, &referrer, booking).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["entries"][1]["kind"]["text"], "Ava and her dad played cards");
        let other = new_referrer_of(&app, "FAM-0001", "other.referrer").await;
        assert_eq!(read(&app, &other, booking).await.0, StatusCode::NOT_FOUND, "another case's referrer");
        assert_eq!(app.call("my_released_records", &[], Some(&other)).await.body, "[]");
        let parent = app.sign_in_demo("visiting").await;
        assert_eq!(read(&app, &parent, booking).await.0, StatusCode::FORBIDDEN);

        let entries = app::server::audit::audit_trail(&app.db).await.unwrap();
        let record_subject = format!("record:{booking}");
        let changes: Vec<&str> = entries.iter().filter(|e| e.subject == record_subject && e.action != "read").map(|e| e.action.as_str()).collect();
        assert_eq!(changes, ["sign", "sign", "return", "sign", "cosign", "release"]);
        // Every reading is there too: the workers', the coordinator's and the
        // referrer's (one entry per reader within 15 minutes).
        use sqlx::Row;
        let referrer_id: i64 = sqlx::query("SELECT id FROM users WHERE username = 'referrer'").fetch_one(&app.db.pool).await.unwrap().try_get::<i64, _>("id").unwrap();
        let readers: std::collections::BTreeSet<i64> = entries.iter().filter(|e| e.subject == record_subject && e.action == "read").map(|e| e.actor).collect();
        assert!(readers.contains(&referrer_id), "the referrer's reading is in the trail");
        assert!(readers.len() >= 3, "{readers:?}");
        assert_eq!(app.call("verify_audit_trail", &[], Some(&coordinator)).await.json()["holds"], true);
    }

    async fn a_referrer_cannot_read_an_unreleased_record(app: TestApp) {
        let (booking, priya, _) = ended_session(&app).await;
        write(&app, &priya, booking, "Fine.").await;
        sign(&app, &priya, booking, "contact-demo", "Tom was called away.").await;
        let referrer = app.sign_in_demo("referrer").await;
        assert_eq!(read(&app, &referrer, booking).await.0, StatusCode::NOT_FOUND, "signed but not co-signed");
        assert_eq!(app.call("my_released_records", &[], Some(&referrer)).await.body, "[]");
    }

    async fn nothing_signed_changes_by_the_api_or_by_sql_and_a_correction_is_an_addendum(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        write(&app, &priya, booking, "Settled quickly.").await;
        sign(&app, &priya, booking, "contact-demo", "").await;
        sign(&app, &tom, booking, "contact-demo", "").await;

        assert_eq!(write(&app, &priya, booking, "Rewritten").await, StatusCode::CONFLICT);
        let wrong_clock = sync(&app, &priya, vec![(9, booking, 1, json!({ "type": "observation", "category": "play", "text": "late" }))]).await;
        assert_eq!(wrong_clock[0]["outcome"], "rejected");
        assert!(wrong_clock[0]["reason"].as_str().unwrap().contains("clock"), "{wrong_clock}");

        let by_sql = sqlx::query("UPDATE session_records SET summary = 'forged' WHERE booking_id = $1").bind(booking).execute(&app.db.pool).await;
        assert!(by_sql.is_err(), "the database refuses to change a signed record");
        let entry = sqlx::query("UPDATE session_entries SET body = 'forged' WHERE booking_id = $1").bind(booking).execute(&app.db.pool).await;
        assert!(entry.is_err(), "the database refuses to change an entry");
        let gone = sqlx::query("DELETE FROM session_entries WHERE booking_id = $1").bind(booking).execute(&app.db.pool).await;
        assert!(gone.is_err(), "or to remove one");

        let addendum = app
            .call("add_addendum", &[("booking_id", &booking.to_string()), ("body", "Ava's coat was left behind; returned at 12:10."), ("password", "contact-demo")], Some(&priya))
            .await;
        assert_eq!(addendum.status, StatusCode::OK, "{}", addendum.body);
        let (_, record) = read(&app, &tom, booking).await;
        assert_eq!(record["text"]["summary"], "Settled quickly.");
        assert_eq!(record["addenda"][0]["author"], "Priya Shah");
        assert_eq!(record["addenda"][0]["body"], "Ava's coat was left behind; returned at 12:10.");

        // Neither signatures nor addenda can be removed, on either database.
        for table in ["record_signatures", "record_addenda"] {
            let removed = sqlx::query(&format!("DELETE FROM {table} WHERE booking_id = $1")).bind(booking).execute(&app.db.pool).await;
            assert!(removed.is_err(), "{table}: a row was removed");
        }
        let (_, still) = read(&app, &tom, booking).await;
        assert_eq!(still["signatures"].as_array().unwrap().len(), 2);
        assert_eq!(still["addenda"].as_array().unwrap().len(), 1);
    }

    async fn the_audit_trail_of_a_record_holds_and_refuses_changes(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        write(&app, &priya, booking, "Fine.").await;
        sign(&app, &priya, booking, "contact-demo", "").await;
        sign(&app, &tom, booking, "contact-demo", "").await;
        let coordinator = app.sign_in_demo("coordinator").await;
        app.call("cosign_record", &[("booking_id", &booking.to_string()), ("password", "contact-demo")], Some(&coordinator)).await;
        let verdict = app.call("verify_audit_trail", &[], Some(&coordinator)).await.json();
        assert_eq!(verdict["holds"], true, "{verdict}");
        let holds = server::startup::verify_audit(&app.db).await.unwrap();
        assert!(holds.contains("holds"), "{holds}");
        assert!(sqlx::query("UPDATE audit_log SET detail = 'x'").execute(&app.db.pool).await.is_err(), "guarded");
        assert!(sqlx::query("DELETE FROM audit_log").execute(&app.db.pool).await.is_err(), "guarded");
        assert_eq!(app.call("verify_audit_trail", &[], Some(&priya)).await.status, StatusCode::FORBIDDEN);
        // (Tampering with the guards removed: tests/audit.rs.)
    }

    async fn a_supported_session_is_signed_as_an_attendance_record(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let (booking, start) = todays_session(&app, &priya).await;
        sqlx::query("UPDATE contact_plans SET service = 'supported' WHERE id = (SELECT plan_id FROM bookings WHERE id = $1)")
            .bind(booking)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let outcomes = sync(&app, &priya, vec![
            (60, booking, start, json!({ "type": "started" })),
            (61, booking, start, json!({ "type": "attendance", "party": "child", "movement": "arrived" })),
            (62, booking, start + 60_000, json!({ "type": "observation", "category": "play", "text": "A note" })),
            (63, booking, start + 40 * 60_000, json!({ "type": "ended" })),
        ])
        .await;
        assert_eq!(outcomes[2]["outcome"], "rejected", "no notes in a supported session");
        let (status, body) = sign(&app, &priya, booking, "contact-demo", "One worker supports this session.").await;
        assert_eq!((status, body), (StatusCode::OK, json!("signed")), "no summary needed for attendance only");
        let (_, record) = read(&app, &priya, booking).await;
        assert_eq!(record["service"], "supported");
        let kinds: Vec<&str> = record["entries"].as_array().unwrap().iter().map(|e| e["kind"]["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["started", "attendance", "ended"]);
    }

    async fn a_senior_worker_cosigns_other_sessions_records_and_reports_never_their_own(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        write(&app, &priya, booking, "A calm session.").await;
        sign(&app, &priya, booking, "contact-demo", "").await;
        assert_eq!(sign(&app, &tom, booking, "contact-demo", "").await.1, json!("signed"));
        let coordinator = app.sign_in_demo("coordinator").await;
        let created = app
            .call("create_account", &[("username", "sam.senior"), ("display_name", "Sam Okafor"), ("role", "worker"), ("password", "long-enough-pass")], Some(&coordinator))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let sam = app.first_sign_in("sam.senior", "long-enough-pass").await;
        let booking_arg = booking.to_string();
        let cosign_as = |who: &str| {
            let who = who.to_owned();
            let booking_arg = booking_arg.clone();
            let app = &app;
            async move { app.call("cosign_record", &[("booking_id", &booking_arg), ("password", common::OWN_PASSWORD)], Some(&who)).await }
        };

        // Not yet senior: a worker co-signs nothing and reads no one else's record.
        assert_eq!(app.call("cosign_queue", &[], Some(&sam)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(cosign_as(&sam).await.status, StatusCode::FORBIDDEN);
        assert_eq!(read(&app, &sam, booking).await.0, StatusCode::NOT_FOUND);

        let accounts = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        let account_id = |username: &str| accounts.as_array().unwrap().iter().find(|a| a["username"] == username).unwrap()["id"].to_string();
        let mark = |user: String, senior: bool| {
            let coordinator = coordinator.clone();
            let app = &app;
            async move { app.call("set_account_senior", &[("user_id", &user), ("senior", if senior { "true" } else { "false" })], Some(&coordinator)).await }
        };
        // Only a worker can be senior, and only the coordinator marks one.
        let parent = mark(account_id("visiting"), true).await;
        assert_eq!(parent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", parent.body);
        assert!(parent.json()["message"].as_str().unwrap().contains("contact worker"));
        assert_eq!(app.call("set_account_senior", &[("user_id", &account_id("sam.senior")), ("senior", "true")], Some(&priya)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(mark(account_id("sam.senior"), true).await.status, StatusCode::OK);
        assert_eq!(mark(account_id("worker1"), true).await.status, StatusCode::OK);
        let listed = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        assert_eq!(listed.as_array().unwrap().iter().find(|a| a["username"] == "sam.senior").unwrap()["senior"], true);

        // Priya, senior now, is not offered her own session's record and cannot co-sign or return it.
        let priyas_queue = app.call("cosign_queue", &[], Some(&priya)).await.json();
        assert!(priyas_queue.as_array().unwrap().iter().all(|d| d["booking_id"] != booking), "{priyas_queue}");
        assert_eq!(cosign_as(&priya).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.call("return_record", &[("booking_id", &booking_arg), ("comment", "Fine by me.")], Some(&priya)).await.status, StatusCode::FORBIDDEN);

        // Sam, who did not work the session, sees it, reads it and co-signs it.
        let sams_queue = app.call("cosign_queue", &[], Some(&sam)).await.json();
        assert!(sams_queue.as_array().unwrap().iter().any(|d| d["booking_id"] == booking), "{sams_queue}");
        assert_eq!(read(&app, &sam, booking).await.0, StatusCode::OK);
        let cosigned = cosign_as(&sam).await;
        assert_eq!(cosigned.status, StatusCode::OK, "{}", cosigned.body);
        let (_, record) = read(&app, &coordinator, booking).await;
        assert_eq!((record["status"].clone(), record["cosigned_by"].clone()), (json!("released"), json!("Sam Okafor")));

        // A centre with one coordinator: Sam co-signs the coordinator's report too.
        use sqlx::Row;
        let family: i64 = sqlx::query("SELECT id FROM cases WHERE reference = 'FAM-0001'").fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let written = app
            .send(json_call("write_final_report", json!({ "case_id": family, "password": "contact-demo",
                "report": { "summary": "Warm sessions.", "recommendation": "Move to supported contact", "charge": false } }), &coordinator))
            .await;
        assert_eq!(written.status, StatusCode::OK, "{}", written.body);
        let report = written.json().to_string();
        assert_eq!(app.call("reports_to_cosign", &[], Some(&coordinator)).await.body, "[]", "not the author's own");
        let waiting = app.call("reports_to_cosign", &[], Some(&sam)).await.json();
        assert_eq!(waiting[0]["summary"], "Warm sessions.", "{waiting}");
        let released = app.call("cosign_report", &[("report_id", &report), ("password", common::OWN_PASSWORD)], Some(&sam)).await;
        assert_eq!(released.status, StatusCode::OK, "{}", released.body);
        let referrer = app.sign_in_demo("referrer").await;
        assert_eq!(app.call("my_released_reports", &[], Some(&referrer)).await.json()[0]["cosigned_by"], "Sam Okafor");

        // No longer senior: the next request already knows.
        assert_eq!(mark(account_id("sam.senior"), false).await.status, StatusCode::OK);
        assert_eq!(app.call("reports_to_cosign", &[], Some(&sam)).await.status, StatusCode::FORBIDDEN);
        let trail: Vec<String> = app::server::audit::audit_trail(&app.db).await.unwrap().into_iter()
            .filter(|e| e.subject.starts_with("account:")).map(|e| e.action).collect();
        assert_eq!(trail.iter().filter(|a| a.ends_with("senior")).collect::<Vec<_>>(), ["mark senior", "mark senior", "unmark senior"]);
    }

    async fn a_released_record_downloads_as_a_pdf_whose_code_anyone_can_check_and_tampering_shows(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        write(&app, &priya, booking, "A calm session. Ava (7) and her dad played cards.").await;
        sign(&app, &priya, booking, "contact-demo", "").await;
        sign(&app, &tom, booking, "contact-demo", "").await;
        let coordinator = app.sign_in_demo("coordinator").await;
        let path = format!("/documents/records/{booking}");
        // Not before release, for anyone.
        assert_eq!(app.get_page(&path, Some(&coordinator)).await.status, StatusCode::NOT_FOUND);
        let cosigned = app.call("cosign_record", &[("booking_id", &booking.to_string()), ("password", "contact-demo")], Some(&coordinator)).await;
        assert_eq!(cosigned.status, StatusCode::OK, "{}", cosigned.body);

        let pdf = app.get_page(&path, Some(&coordinator)).await;
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        assert!(pdf.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"session-record-FAM-0002-"), "{:?}", pdf.headers);
        assert!(pdf.body.starts_with("%PDF-1.4") && pdf.body.ends_with("%%EOF\n"));
        assert!(pdf.body.contains("A calm session. Ava \\(7\\) and her dad played cards."), "the summary, as written");
        assert!(pdf.body.contains("Co-signed by Morgan Ellis and released to the referrer on"));
        let code_of = |body: &str| {
            let at = body.find("(Verification code ").expect("a code on the page") + "(Verification code ".len();
            body[at..at + 14].to_owned()
        };
        let code = code_of(&pdf.body);
        // The same code every time, for everyone allowed to read it.
        let referrer = app.sign_in_demo("referrer").await;
        let theirs = app.get_page(&path, Some(&referrer)).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert_eq!(code_of(&theirs.body), code);
        let other = new_referrer_of(&app, "FAM-0001", "other.referrer").await;
        assert_eq!(app.get_page(&path, Some(&other)).await.status, StatusCode::NOT_FOUND, "another case's referrer");
        let parent = app.sign_in_demo("visiting").await;
        assert_eq!(app.get_page(&path, Some(&parent)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get_page(&path, None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get_page("/documents/records/not-a-number", Some(&coordinator)).await.status, StatusCode::NOT_FOUND);

        // Anyone checks the code, however they type it: the kind, the day, never the content.
        let check = |typed: String| {
            let app = &app;
            async move { app.call("verify_document", &[("code", &typed)], None).await }
        };
        let verified = check(code.to_lowercase().replace('-', " ")).await;
        assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
        let verified = verified.json();
        assert_eq!(verified["kind"], "session record");
        assert_eq!(verified["intact"], true);
        assert!(pdf.body.contains(&format!("Fingerprint {}", verified["fingerprint"].as_str().unwrap())), "the page's fingerprint is the printed one");
        assert!(!verified.to_string().contains("Ava") && !verified.to_string().contains("FAM-"), "{verified}");
        let junk = check("not a code".into()).await;
        assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(junk.json()["message"].as_str().unwrap().contains("12 letters and digits"));
        let unknown = if code.starts_with('0') { "1111-1111-1111" } else { "0000-0000-0000" };
        assert_eq!(check(unknown.into()).await.body, "null");

        // Stored words change behind the record's back (here a signer's name,
        // which no guard covers): the check says the document was altered.
        sqlx::query("UPDATE users SET display_name = 'Someone Else' WHERE username = 'worker1'").execute(&app.db.pool).await.unwrap();
        assert_eq!(check(code.clone()).await.json()["intact"], false);
        sqlx::query("UPDATE users SET display_name = 'Priya Shah' WHERE username = 'worker1'").execute(&app.db.pool).await.unwrap();
        assert_eq!(check(code.clone()).await.json()["intact"], true);
        // The code itself is fixed.
        assert!(sqlx::query("UPDATE released_documents SET fingerprint = 'x'").execute(&app.db.pool).await.is_err());
        assert!(sqlx::query("DELETE FROM released_documents").execute(&app.db.pool).await.is_err());
        // Each download is in the audit trail, with the code.
        let downloads = app::server::audit::audit_trail(&app.db).await.unwrap().into_iter()
            .filter(|e| e.action == "download pdf").count();
        assert_eq!(downloads, 2);
    }

    async fn a_final_report_is_counted_signed_and_released_only_when_another_coordinator_cosigns(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let case_of = |reference: &'static str| {
            let db = app.db.clone();
            async move {
                use sqlx::Row;
                sqlx::query("SELECT id FROM cases WHERE reference = $1").bind(reference).fetch_one(&db.pool).await.unwrap().try_get::<i64, _>("id").unwrap()
            }
        };
        let family = case_of("FAM-0001").await;
        sqlx::query("UPDATE bookings SET attendance = 'attended' WHERE id = (SELECT MIN(id) FROM bookings WHERE case_id = $1)")
            .bind(family).execute(&app.db.pool).await.unwrap();
        sqlx::query("UPDATE bookings SET attendance = 'missed_without_reason' WHERE id = (SELECT MAX(id) FROM bookings WHERE case_id = $1)")
            .bind(family).execute(&app.db.pool).await.unwrap();
        let write = |case_id: i64, password: &'static str| {
            json!({ "case_id": case_id, "password": password,
                    "report": { "summary": "Warm sessions; Lily relaxed quickly.", "recommendation": "Move to supported contact", "charge": true } })
        };
        let refused = app.send(json_call("write_final_report", write(family, "wrong"), &coordinator)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let written = app.send(json_call("write_final_report", write(family, "contact-demo"), &coordinator)).await;
        assert_eq!(written.status, StatusCode::OK, "{}", written.body);
        let report = written.json();
        let charges = |case_id: i64| {
            let db = app.db.clone();
            async move {
                use sqlx::Row;
                sqlx::query("SELECT COUNT(*) AS n FROM charges WHERE case_id = $1 AND kind = 'final_report'")
                    .bind(case_id).fetch_one(&db.pool).await.unwrap().try_get::<i64, _>("n").unwrap()
            }
        };
        assert_eq!(charges(family).await, 1, "the report's charge, as the parents asked for it");

        let referrer = app.sign_in_demo("referrer").await;
        assert_eq!(app.call("my_released_reports", &[], Some(&referrer)).await.body, "[]", "not before co-signature");
        let id = report.to_string();
        assert_eq!(app.call("cosign_report", &[("report_id", &id), ("password", "contact-demo")], Some(&coordinator)).await.status, StatusCode::FORBIDDEN, "not by its author");
        let created = app
            .call("create_account", &[("username", "second.coordinator"), ("display_name", "Alex Senior"), ("role", "coordinator"), ("password", "long-enough-pass")], Some(&coordinator))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let second = app.first_sign_in("second.coordinator", "long-enough-pass").await;
        assert_eq!(app.call("cosign_report", &[("report_id", &id), ("password", common::OWN_PASSWORD)], Some(&second)).await.status, StatusCode::OK);

        let released = app.call("my_released_reports", &[], Some(&referrer)).await.json();
        assert_eq!(released[0]["sessions_attended"], 1);
        assert_eq!(released[0]["sessions_missed"], 1);
        assert_eq!(released[0]["cosigned_by"], "Alex Senior");
        assert_eq!(app.call("read_final_report", &[("report_id", &id)], Some(&referrer)).await.status, StatusCode::OK);
        let pdf = app.get_page(&format!("/documents/reports/{id}"), Some(&referrer)).await;
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
        assert!(pdf.body.contains("(Warm sessions; Lily relaxed quickly.)"), "the report's summary");
        assert!(pdf.body.contains("(Verification code "));
        let stranger = new_referrer_of(&app, "FAM-0002", "other.referrer").await;
        assert_eq!(app.call("read_final_report", &[("report_id", &id)], Some(&stranger)).await.status, StatusCode::NOT_FOUND);
        let worker = app.sign_in_demo("worker1").await;
        assert_eq!(app.call("read_final_report", &[("report_id", &id)], Some(&worker)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get_page(&format!("/documents/reports/{id}"), Some(&worker)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get_page(&format!("/documents/reports/{id}"), Some(&stranger)).await.status, StatusCode::NOT_FOUND);

        // A Cafcass-funded case raises no charge for its report.
        let cafcass = case_of("FAM-0002").await;
        let written = app.send(json_call("write_final_report", write(cafcass, "contact-demo"), &coordinator)).await;
        assert_eq!(written.status, StatusCode::OK, "{}", written.body);
        assert_eq!(charges(cafcass).await, 0);
        let rewrite = sqlx::query("UPDATE final_reports SET summary = 'forged'").execute(&app.db.pool).await;
        assert!(rewrite.is_err(), "a signed report does not change");
        let trail: Vec<String> = app::server::audit::audit_trail(&app.db).await.unwrap().into_iter().filter(|e| e.subject.starts_with("report:")).map(|e| e.action).collect();
        assert_eq!(trail, ["report-sign", "report-cosign", "report-release", "read", "download pdf", "report-sign"]);
    }

    async fn a_parent_never_gets_notes_from_any_function(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        write(&app, &priya, booking, "Played cards happily.").await;
        sign(&app, &priya, booking, "contact-demo", "").await;
        sign(&app, &tom, booking, "contact-demo", "").await;
        for parent in ["resident", "visiting"] {
            let cookie = app.sign_in_demo(parent).await;
            for function in ["my_family_accounts", "my_cases", "my_unsigned_records", "my_released_records", "cosign_queue", "my_sessions", "recent_concerns"] {
                let reply = app.call(function, &[], Some(&cookie)).await;
                assert!(!reply.body.contains("played cards") && !reply.body.contains("Played cards"), "{function}: {}", reply.body);
            }
            for function in ["read_record", "session_log"] {
                let reply = app.call(function, &[("booking_id", &booking.to_string())], Some(&cookie)).await;
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{function}");
            }
        }
    }

    async fn a_worker_sets_a_pin_signs_with_it_and_five_wrong_pins_clear_it(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        let set = |password: &'static str, pin: &'static str| {
            let priya = priya.clone();
            let app = &app;
            async move { app.call("set_signing_pin", &[("password", password), ("pin", pin)], Some(&priya)).await }
        };
        let refused = set("contact-demo", "123456").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("in a row"), "{}", refused.body);
        assert_eq!(set("wrong-password", "394817").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(set("contact-demo", "394817").await.status, StatusCode::OK);
        let parent = app.sign_in_demo("visiting").await;
        assert_eq!(app.call("set_signing_pin", &[("password", "contact-demo"), ("pin", "394817")], Some(&parent)).await.status, StatusCode::FORBIDDEN);

        write(&app, &priya, booking, "A calm session.").await;
        let (status, body) = sign(&app, &priya, booking, "394810", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["message"].as_str().unwrap().contains("4 tries left"), "{body}");
        let (status, body) = sign(&app, &priya, booking, "394817", "").await;
        assert_eq!((status, body), (StatusCode::OK, json!("draft")));
        let (_, record) = read(&app, &priya, booking).await;
        assert_eq!(record["signatures"][0]["method"], "pin");

        // Tom sets a PIN, then mistypes it five times: it stops working.
        assert_eq!(app.call("set_signing_pin", &[("password", "contact-demo"), ("pin", "505050")], Some(&tom)).await.status, StatusCode::OK);
        for _ in 0..5 {
            assert_eq!(sign(&app, &tom, booking, "111112", "").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let (status, body) = sign(&app, &tom, booking, "505050", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the right PIN no longer works");
        assert!(body["message"].as_str().unwrap().contains("password or PIN"), "{body}");
        let mine = app.call("my_sessions", &[], Some(&tom)).await.json();
        assert_eq!(mine["pin_salt"], Value::Null, "the phone learns it has no PIN");
        let (_, body) = sign(&app, &tom, booking, "contact-demo", "").await;
        assert_eq!(body, json!("signed"), "the password still works");
        // Setting a PIN and losing it are account changes, in the trail.
        let toms: Vec<String> = sqlx::query_scalar(
            "SELECT a.action FROM audit_log a JOIN users u ON a.subject = 'account:' || CAST(u.id AS TEXT) \
             WHERE u.username = 'worker2' ORDER BY a.seq",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(toms, ["set signing pin", "signing pin cleared"]);
    }

    async fn a_record_signed_on_a_phone_without_signal_syncs_once_with_the_phone_time(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let (booking, start) = todays_session(&app, &priya).await;
        assert_eq!(app.call("set_signing_pin", &[("password", "contact-demo"), ("pin", "394817")], Some(&priya)).await.status, StatusCode::OK);
        let salt = app.call("my_sessions", &[], Some(&priya)).await.json()["pin_salt"].as_str().unwrap().to_owned();
        let check = app::domain::pin::pin_check(&salt, "394817");
        let signed_at = start + 55 * 60_000;
        let signature = |n: u32, check: &str| {
            phone_signature(check, n, booking, "Ava and her dad played cards.", "Tom was called away before the end.")
        };
        let batch = vec![
            (11, booking, start, json!({ "type": "started" })),
            (12, booking, start + 60_000, json!({ "type": "observation", "category": "play", "text": "Cards" })),
            (13, booking, start + 50 * 60_000, json!({ "type": "ended" })),
            (14, booking, signed_at, signature(14, &check)),
        ];
        let outcomes = sync(&app, &priya, batch.clone()).await;
        assert!(outcomes.as_array().unwrap().iter().all(|o| o["outcome"] == "stored"), "{outcomes}");
        let (_, record) = read(&app, &priya, booking).await;
        assert_eq!(record["status"], "signed");
        assert_eq!(record["text"]["summary"], "Ava and her dad played cards.");
        assert_eq!(record["signatures"][0]["method"], "pin on the phone");
        assert_eq!(record["signatures"][0]["device_ms"], signed_at, "the phone's time of signing is kept");
        assert_eq!(record["unsigned_note"], "Tom was called away before the end.");

        // The reply was lost: the phone sends it all again. Nothing is
        // stored or signed twice, and the phone may let every item go.
        let again = sync(&app, &priya, batch).await;
        assert!(again.as_array().unwrap().iter().all(|o| o["outcome"] == "already_stored"), "{again}");
        let (_, record) = read(&app, &priya, booking).await;
        assert_eq!(record["signatures"].as_array().unwrap().len(), 1);
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM session_entries WHERE booking_id = $1")
            .bind(booking).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(stored, 3);
    }

    async fn an_offline_signature_with_a_wrong_pin_is_refused_and_the_record_stays_open(app: TestApp) {
        let (booking, priya, _tom) = ended_session(&app).await;
        assert_eq!(app.call("set_signing_pin", &[("password", "contact-demo"), ("pin", "394817")], Some(&priya)).await.status, StatusCode::OK);
        let salt = app.call("my_sessions", &[], Some(&priya)).await.json()["pin_salt"].as_str().unwrap().to_owned();
        let wrong = app::domain::pin::pin_check(&salt, "394818");
        let start: i64 = sqlx::query_scalar("SELECT starts_at FROM bookings WHERE id = $1")
            .bind(booking).fetch_one(&app.db.pool).await.unwrap();
        let outcomes = sync(&app, &priya, vec![(20, booking, start + 55 * 60_000, phone_signature(&wrong, 20, booking, "Went well", ""))]).await;
        assert_eq!(outcomes[0]["outcome"], "rejected");
        assert!(outcomes[0]["reason"].as_str().unwrap().contains("PIN"), "{outcomes}");
        let (_, record) = read(&app, &priya, booking).await;
        assert_eq!(record["status"], "draft");
        assert_eq!(record["signatures"], json!([]));
        // A wrong PIN typed offline counts against Priya's re-checks, as a
        // wrong password typed online would.
        let priya_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'worker1'")
            .fetch_one(&app.db.pool).await.unwrap();
        let recheck_marks = || async {
            let mut n = 0_i64;
            for counter in app::domain::throttle::recheck(priya_id) {
                n += sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM throttle_attempts WHERE key = $1")
                    .bind(counter.key.clone()).fetch_one(&app.db.pool).await.unwrap();
            }
            n
        };
        assert_eq!(recheck_marks().await, 1);

        // A proof made for another session does not sign this one either.
        let right = app::domain::pin::pin_check(&salt, "394817");
        let outcomes = sync(&app, &priya, vec![(21, booking, start + 56 * 60_000, phone_signature(&right, 21, booking + 1, "Went well", ""))]).await;
        assert_eq!(outcomes[0]["outcome"], "rejected", "{outcomes}");
        assert_eq!(recheck_marks().await, 2);
    }

    async fn a_signature_binds_the_words_signed_and_a_signed_version_never_changes(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        assert_eq!(write(&app, &priya, booking, "Settled quickly.").await, StatusCode::OK);
        let (status, _) = sign(&app, &priya, booking, "contact-demo", "").await;
        assert_eq!(status, StatusCode::OK);

        // Before: Tom could rewrite the summary and sign, and the record
        // showed Priya signing words she never saw.
        assert_eq!(write(&app, &tom, booking, "Tom's version").await, StatusCode::CONFLICT);
        let other_words = json!({ "summary": "Tom's version", "ended_early": "Ava was tired", "incident": "" });
        let (status, body) = sign_text(&app, &tom, booking, other_words, "contact-demo", "").await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["message"].as_str().unwrap().contains("differs from the version Priya Shah signed"), "{body}");
        let by_sql = sqlx::query("UPDATE session_records SET summary = 'forged' WHERE booking_id = $1").bind(booking).execute(&app.db.pool).await;
        assert!(by_sql.is_err(), "the database refuses to change a version someone signed");

        let (_, record) = read(&app, &tom, booking).await;
        assert_eq!(record["text"]["summary"], "Settled quickly.");
        let mine = &record["signatures"][0];
        assert_eq!(mine["matches_current"], true);
        assert_eq!(mine["intact"], true);
        assert_eq!(mine["covered"], 3, "the three entries stored when Priya signed");
        assert_eq!(mine["content_hash"].as_str().unwrap().len(), 64);

        // Who may ask for changes: a worker booked on the session only.
        let ask = [("booking_id", booking.to_string()), ("comment", "Say more.".to_owned())];
        let ask: Vec<(&str, &str)> = ask.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(app.call("ask_for_changes", &ask, None).await.status, StatusCode::UNAUTHORIZED);
        for role in ["visiting", "referrer", "coordinator"] {
            let someone = app.sign_in_demo(role).await;
            assert_eq!(app.call("ask_for_changes", &ask, Some(&someone)).await.status, StatusCode::FORBIDDEN, "{role}");
        }
        let empty = app.call("ask_for_changes", &[("booking_id", &booking.to_string()), ("comment", " ")], Some(&tom)).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.call("ask_for_changes", &[("booking_id", "999999"), ("comment", "x")], Some(&tom)).await.status, StatusCode::NOT_FOUND, "another session's id");

        // Tom disagrees: he asks for changes, which opens version 2 for
        // everyone to sign again; version 1 stays as Priya signed it.
        let asked = app.call("ask_for_changes", &[("booking_id", &booking.to_string()), ("comment", "Ava asked to leave early: say so.")], Some(&tom)).await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
        assert_eq!(write(&app, &tom, booking, "Settled quickly; Ava asked to leave at 10:40.").await, StatusCode::OK);
        let (_, body) = sign(&app, &tom, booking, "contact-demo", "").await;
        assert_eq!(body, json!("draft"), "Priya must sign version 2 too");
        let (_, body) = sign(&app, &priya, booking, "contact-demo", "").await;
        assert_eq!(body, json!("signed"));
        let (_, record) = read(&app, &tom, booking).await;
        assert_eq!(record["version"], 2);
        let signatures = record["signatures"].as_array().unwrap();
        assert_eq!(signatures.len(), 3);
        assert_eq!(signatures[0]["text"]["summary"], "Settled quickly.");
        assert_eq!(signatures[0]["matches_current"], false, "version 1's words are not the record's now");
        assert!(signatures[1..].iter().all(|s| s["matches_current"] == true && s["intact"] == true), "{signatures:?}");

        // Someone with the database's keys removes the guard and edits an
        // entry: the record says the signatures no longer match.
        let unguard = match app.db.backend {
            Dialect::Sqlite => "DROP TRIGGER session_entries_never_change",
            Dialect::Postgres => "ALTER TABLE session_entries DISABLE TRIGGER session_entries_never_change",
        };
        sqlx::query(unguard).execute(&app.db.pool).await.unwrap();
        sqlx::query("UPDATE session_entries SET body = $1 WHERE id = $2")
            .bind(r#"{"type":"observation","category":"play","text":"Ava and her dad argued"}"#)
            .bind(id(2))
            .execute(&app.db.pool).await.unwrap();
        let (_, record) = read(&app, &tom, booking).await;
        assert!(record["signatures"].as_array().unwrap().iter().all(|s| s["intact"] == false), "{record}");
    }

    async fn a_signature_whose_words_were_changed_on_the_phone_is_refused_and_the_pin_still_works(app: TestApp) {
        let (booking, priya, _tom) = ended_session(&app).await;
        assert_eq!(app.call("set_signing_pin", &[("password", "contact-demo"), ("pin", "394817")], Some(&priya)).await.status, StatusCode::OK);
        let salt = app.call("my_sessions", &[], Some(&priya)).await.json()["pin_salt"].as_str().unwrap().to_owned();
        let check = app::domain::pin::pin_check(&salt, "394817");
        let start: i64 = sqlx::query_scalar("SELECT starts_at FROM bookings WHERE id = $1")
            .bind(booking).fetch_one(&app.db.pool).await.unwrap();
        // Signed "Went well" with the PIN; the words in the queue were then
        // edited before the phone synced.
        let mut tampered = phone_signature(&check, 30, booking, "Went well", "");
        tampered["summary"] = json!("Went badly");
        let outcomes = sync(&app, &priya, vec![(30, booking, start + 55 * 60_000, tampered)]).await;
        assert_eq!(outcomes[0]["outcome"], "rejected", "{outcomes}");
        assert!(outcomes[0]["reason"].as_str().unwrap().contains("changed on the phone after it was signed"), "{outcomes}");
        let (_, record) = read(&app, &priya, booking).await;
        assert_eq!(record["status"], "draft");
        assert_eq!(record["text"]["summary"], "", "nothing of the altered text was used");
        // The PIN was right, so it is not held against it.
        let outcomes = sync(&app, &priya, vec![(31, booking, start + 56 * 60_000, phone_signature(&check, 31, booking, "Went well", "Tom left at 10:30."))]).await;
        assert_eq!(outcomes[0]["outcome"], "stored", "{outcomes}");
        let (_, record) = read(&app, &priya, booking).await;
        assert_eq!(record["text"]["summary"], "Went well");
        assert_eq!(record["signatures"][0]["intact"], true);
    }

    async fn a_concern_is_never_refused_and_what_comes_after_signing_is_kept_as_late(app: TestApp) {
        let (booking, priya, tom) = ended_session(&app).await;
        let start: i64 = sqlx::query_scalar("SELECT starts_at FROM bookings WHERE id = $1")
            .bind(booking).fetch_one(&app.db.pool).await.unwrap();
        write(&app, &priya, booking, "Settled quickly.").await;
        // Priya locks the record alone, while Tom's phone still holds his
        // entries from the session (typed without signal).
        let (_, body) = sign(&app, &priya, booking, "contact-demo", "Tom had to leave for another case.").await;
        assert_eq!(body, json!("signed"));
        let concern = json!({ "type": "observation", "category": "safeguarding_concern", "text": "Dad whispered an address to Ava" });
        let outcomes = sync(&app, &tom, vec![
            (40, booking, start + 30 * 60_000, json!({ "type": "observation", "category": "play", "text": "Tom: cards" })),
            (41, booking, start + 31 * 60_000, concern.clone()),
        ]).await;
        // Before: both were refused because the record was signed, and the
        // concern never reached the coordinator.
        assert!(outcomes.as_array().unwrap().iter().all(|o| o["outcome"] == "stored"), "{outcomes}");
        let (_, record) = read(&app, &priya, booking).await;
        let late = record["late_entries"].as_array().unwrap();
        assert_eq!(late.len(), 2, "{record}");
        assert!(late.iter().all(|l| l["received_ms"].as_i64().unwrap() > l["entry"]["at_ms"].as_i64().unwrap()));
        assert_eq!(record["entries"].as_array().unwrap().len(), 3, "the signed record holds what was signed");
        assert_eq!(record["signatures"][0]["intact"], true, "late entries do not disturb a signature");
        let coordinator = app.sign_in_demo("coordinator").await;
        let concerns = app.call("recent_concerns", &[], Some(&coordinator)).await.json();
        assert_eq!(concerns[0]["text"], "Dad whispered an address to Ava");
        assert_eq!(concerns[0]["late"], true);

        // Co-signed and released: a concern still arrives.
        app.call("cosign_record", &[("booking_id", &booking.to_string()), ("password", "contact-demo")], Some(&coordinator)).await;
        let outcomes = sync(&app, &tom, vec![(42, booking, start + 40 * 60_000, concern.clone())]).await;
        assert_eq!(outcomes[0]["outcome"], "stored", "{outcomes}");

        // The session is cancelled: a note is refused, a concern is not,
        // even one the phone dated two hours after the server's clock.
        sqlx::query("UPDATE bookings SET cancelled_at = $1 WHERE id = $2")
            .bind(app::server::now_ms()).bind(booking).execute(&app.db.pool).await.unwrap();
        let ahead = app::server::now_ms() + 2 * 3_600_000;
        let outcomes = sync(&app, &tom, vec![
            (43, booking, start + 41 * 60_000, json!({ "type": "observation", "category": "play", "text": "A note" })),
            (44, booking, ahead, json!({ "type": "observation", "category": "safeguarding_concern", "text": "Dad waited outside" })),
        ]).await;
        assert_eq!(outcomes[0]["outcome"], "rejected");
        assert!(outcomes[0]["reason"].as_str().unwrap().contains("cancelled"), "{outcomes}");
        assert_eq!(outcomes[1]["outcome"], "stored", "{outcomes}");
        let concerns = app.call("recent_concerns", &[], Some(&coordinator)).await.json();
        let flagged = concerns.as_array().unwrap().iter().find(|c| c["text"] == "Dad waited outside").unwrap();
        assert_eq!(flagged["dated_ahead"], true, "shown with the server's time beside it");
    }

    async fn an_entry_dated_after_the_servers_clock_is_refused_and_no_record_is_signed_before_its_end(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let mine = app.call("my_sessions", &[], Some(&priya)).await.json();
        let session = mine["sessions"].as_array().unwrap().iter().find(|s| s["case_reference"] == "FAM-0002").unwrap().clone();
        let booking = session["booking_id"].as_i64().unwrap();
        // The session runs now, ending in an hour or more.
        let now = app::server::now_ms();
        app.move_earlier(booking, session["starts_ms"].as_i64().unwrap() - now + 60_000).await;
        let outcomes = sync(&app, &priya, vec![
            (50, booking, now - 30_000, json!({ "type": "started" })),
            (51, booking, now + 30 * 60_000, json!({ "type": "ended" })),
        ]).await;
        // Before: the "ended" entry for later was stored, and the record
        // could be signed while the session was still running.
        assert_eq!(outcomes[0]["outcome"], "stored");
        assert_eq!(outcomes[1]["outcome"], "rejected", "{outcomes}");
        assert!(outcomes[1]["reason"].as_str().unwrap().contains("after the centre's clock"), "{outcomes}");
        let (status, body) = read(&app, &priya, booking).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, _) = sign_text(&app, &priya, booking, json!({ "summary": "Early", "ended_early": "", "incident": "" }), "contact-demo", "").await;
        assert_eq!(status, StatusCode::CONFLICT);

        // A phone ten minutes fast dates its entries ten minutes ahead: its
        // measured offset puts them right, and the record shows the offset.
        let fast = 10 * 60_000;
        let outcomes = sync_from_clock(&app, &priya, vec![(52, booking, app::server::now_ms() + fast, json!({ "type": "ended" }))], fast).await;
        assert_eq!(outcomes[0]["outcome"], "stored", "{outcomes}");
        let (status, record) = read(&app, &priya, booking).await;
        assert_eq!(status, StatusCode::OK, "{record}");
        assert!(record["deadlines"]["ended_ms"].as_i64().unwrap() <= app::server::now_ms(), "ended by the server's clock");
        let offset = record["clock_offsets"][0]["offset_ms"].as_i64().unwrap();
        assert!((-fast - 5_000..=-fast + 5_000).contains(&offset), "{record}");
        let (status, body) = sign_text(&app, &priya, booking, json!({ "summary": "Ended early.", "ended_early": "", "incident": "" }), "contact-demo", "No co-worker today.").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}
