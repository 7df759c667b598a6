//! The security findings of issue 11, each as a test that failed before its
//! fix: throttles that count concurrent and sprayed guesses, re-checks that
//! are limited, a parent kept from the other parent's pre-visit, sync
//! refusals that tell nothing to a worker not on the session, accounts
//! people own (temporary passwords, disabling, audit), the idle end of a
//! back-office sign-in. (The delete guards on signatures and addenda are
//! tested with the other guards in `records.rs`.)

mod common;

use axum::body::Body;
use common::{Backend, OWN_PASSWORD, TestApp, api_request};
use http::{Request, StatusCode};
use serde_json::json;
use sqlx::Row;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Sends the same sign-in `times` times at once (each a request of its own),
/// and returns their statuses.
async fn concurrent_sign_ins(
    app: &TestApp,
    username: &str,
    password: &str,
    times: usize,
) -> Vec<StatusCode> {
    let mut tasks = JoinSet::new();
    for _ in 0..times {
        let router = app.router.clone();
        let mut request = api_request(
            "sign_in",
            &[("username", username), ("password", password)],
            None,
        );
        request.extensions_mut().insert(axum::extract::ConnectInfo(
            "10.0.0.9:5000".parse::<std::net::SocketAddr>().unwrap(),
        ));
        tasks.spawn(async move { router.oneshot(request).await.unwrap().status() });
    }
    tasks.join_all().await
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn account_id(app: &TestApp, coordinator: &str, username: &str) -> String {
    let list = app
        .call("list_accounts", &[], Some(coordinator))
        .await
        .json();
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap()["id"]
        .to_string()
}

async fn audit_actions(app: &TestApp, subject: &str) -> Vec<String> {
    sqlx::query("SELECT action FROM audit_log WHERE subject = $1 ORDER BY id")
        .bind(subject.to_owned())
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String, _>("action").unwrap())
        .collect()
}

fn json_call(function: &str, body: &str, cookie: &str) -> Request<Body> {
    common::json_request(function, body, Some(cookie))
}

both_databases! {
    async fn thirty_concurrent_wrong_passwords_are_counted_before_any_is_checked(app: TestApp) {
        let statuses = concurrent_sign_ins(&app, "worker2", "not the password", 30).await;
        // Every guess is counted before any is hashed, so at most five reach
        // the password check (under this much concurrency often fewer: each
        // sees the others' marks); the rest are told to wait.
        let checked = count(&statuses, StatusCode::UNAUTHORIZED);
        assert!(checked <= 5, "{checked} reached the password check: {statuses:?}");
        assert_eq!(checked + count(&statuses, StatusCode::TOO_MANY_REQUESTS), 30, "{statuses:?}");
    }

    async fn one_password_sprayed_over_many_usernames_is_slowed_by_the_address(app: TestApp) {
        let mut statuses = Vec::new();
        for n in 0..32 {
            let reply = app
                .send_from(api_request("sign_in", &[("username", &format!("guess{n}")), ("password", "Summer2026!")], None), "10.9.9.9:4000")
                .await;
            statuses.push(reply.status);
        }
        assert_eq!(count(&statuses, StatusCode::UNAUTHORIZED), 30, "{statuses:?}");
        assert_eq!(&statuses[30..], &[StatusCode::TOO_MANY_REQUESTS; 2]);
        // The real person at another address is not held up.
        app.sign_in_demo("worker1").await;
    }

    async fn a_signed_in_persons_password_rechecks_are_limited_too(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let mut statuses = Vec::new();
        for _ in 0..11 {
            let reply = app.call("set_signing_pin", &[("password", "a wrong guess"), ("pin", "394817")], Some(&priya)).await;
            statuses.push(reply.status);
        }
        assert_eq!(count(&statuses, StatusCode::UNPROCESSABLE_ENTITY), 10, "{statuses:?}");
        assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
        let right = app.call("set_signing_pin", &[("password", "contact-demo"), ("pin", "394817")], Some(&priya)).await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "even the right one waits: {}", right.body);
    }

    async fn a_parent_cannot_preview_or_cancel_the_other_parents_pre_visit(app: TestApp) {
        // A pre-visit of the visiting parent's, in the demo family's case.
        let case_id: i64 = sqlx::query("SELECT id FROM cases WHERE reference = 'FAM-0001'")
            .fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let room: i64 = sqlx::query("SELECT id FROM rooms ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let starts = app::server::now_ms() + 30 * 24 * 3_600_000;
        let booking: i64 = sqlx::query(
            "INSERT INTO bookings (case_id, kind, parent_side, room_id, starts_at, ends_at, visiting_arrives_at, visiting_leaves_at, created_at) \
             VALUES ($1, 'pre_visit', 'visiting', $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(case_id).bind(room).bind(starts).bind(starts + 1_800_000).bind(starts).bind(starts + 1_800_000).bind(starts - 1)
        .fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let id = booking.to_string();

        let resident = app.sign_in_demo("resident").await;
        for function in ["preview_cancellation", "cancel_my_booking"] {
            let reply = app.call(function, &[("booking_id", &id)], Some(&resident)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function}: {}", reply.body);
        }
        let visiting = app.sign_in_demo("visiting").await;
        let own = app.call("preview_cancellation", &[("booking_id", &id)], Some(&visiting)).await;
        assert_eq!(own.status, StatusCode::OK, "the visiting parent's own pre-visit: {}", own.body);
    }

    async fn a_worker_not_on_a_session_learns_nothing_from_a_refusal(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let sessions = app.call("my_sessions", &[], Some(&priya)).await.json();
        let real = sessions["sessions"][0]["booking_id"].as_i64().expect("worker1 has a session");
        let coordinator = app.sign_in_demo("coordinator").await;
        let created = app
            .call("create_account", &[("username", "outsider"), ("display_name", "Out Sider"), ("role", "worker"), ("password", "long-enough-pass")], Some(&coordinator))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let outsider = app.first_sign_in("outsider", "long-enough-pass").await;
        let me = app.my_id(&outsider).await;
        let now = app::server::now_ms();
        let mut reasons = Vec::new();
        for (n, booking) in [real, 987_654].into_iter().enumerate() {
            let item = json!({ "id": format!("0190a000-0000-7000-8000-00000000099{n}"), "device_ms": now, "rejected": null, "author": me,
                "payload": { "booking_id": booking, "at_ms": now, "kind": { "type": "observation", "category": "play", "text": "x" } } });
            let body = json!({ "batch": { "sent_ms": now, "items": [item] } }).to_string();
            let reply = app.send(json_call("sync_entries", &body, &outsider)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            reasons.push(reply.json()["outcomes"][0]["reason"].as_str().unwrap().to_owned());
        }
        assert_eq!(reasons[0], reasons[1], "a real session and none at all read alike");
    }

    async fn a_new_account_must_choose_its_own_password_before_anything_else(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let created = app
            .call("create_account", &[("username", "sam.new"), ("display_name", "Sam New"), ("role", "worker"), ("password", "temporary pass 1")], Some(&coordinator))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let first = app.call("sign_in", &[("username", "sam.new"), ("password", "temporary pass 1")], None).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.json()["must_change_password"], true);
        assert_eq!(first.headers["location"], "/password", "sent to choose a password");
        let temporary = first.session_cookie().unwrap();
        let blocked = app.call("my_sessions", &[], Some(&temporary)).await;
        assert_eq!(blocked.status, StatusCode::FORBIDDEN);
        assert_eq!(blocked.json()["kind"], "password_change_needed");
        let wrong = app
            .call("change_my_password", &[("current", "not it at all"), ("new_password", OWN_PASSWORD)], Some(&temporary))
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(wrong.json()["field"], "current");
        let short = app
            .call("change_my_password", &[("current", "temporary pass 1"), ("new_password", "short")], Some(&temporary))
            .await;
        assert_eq!(short.json()["field"], "new_password", "{}", short.body);
        let own = app.first_sign_in("sam.new", "temporary pass 1").await;
        assert_eq!(app.call("my_sessions", &[], Some(&own)).await.status, StatusCode::OK);
        assert_eq!(app.call("current_user", &[], Some(&temporary)).await.body, "null", "the temporary session ended");

        let id = account_id(&app, &coordinator, "sam.new").await;
        assert_eq!(audit_actions(&app, &format!("account:{id}")).await, ["create account", "change own password"]);
        let listed = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        let sam = listed.as_array().unwrap().iter().find(|a| a["username"] == "sam.new").unwrap().clone();
        assert_eq!(sam["must_change_password"], false);
        assert_eq!(sam["password_set_by"], serde_json::Value::Null, "chosen by Sam");
    }

    async fn a_reset_password_signs_nothing_and_clears_the_pin(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let pin = app.call("set_signing_pin", &[("password", "contact-demo"), ("pin", "394817")], Some(&priya)).await;
        assert_eq!(pin.status, StatusCode::OK);
        let coordinator = app.sign_in_demo("coordinator").await;
        let id = account_id(&app, &coordinator, "worker1").await;
        let reset = app.call("reset_password", &[("user_id", &id), ("password", "coordinator knows this")], Some(&coordinator)).await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);

        // The coordinator, knowing the temporary password, cannot act as Priya.
        let as_priya = app.sign_in("worker1", "coordinator knows this").await;
        for (function, args) in [
            ("set_signing_pin", vec![("password", "coordinator knows this"), ("pin", "111222")]),
            ("my_unsigned_records", vec![]),
        ] {
            let reply = app.call(function, &args, Some(&as_priya)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{function}: {}", reply.body);
        }
        let pin_left: Option<String> = sqlx::query("SELECT pin_check FROM users WHERE username = 'worker1'")
            .fetch_one(&app.db.pool).await.unwrap().try_get("pin_check").unwrap();
        assert_eq!(pin_left, None, "the PIN set with the old password is gone");
        let listed = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        let row = listed.as_array().unwrap().iter().find(|a| a["username"] == "worker1").unwrap().clone();
        assert_eq!(row["password_set_by"], "Morgan Ellis");
        assert!(row["password_set_ms"].as_i64().is_some());
        assert_eq!(row["must_change_password"], true);
        assert_eq!(audit_actions(&app, &format!("account:{id}")).await, ["set signing pin", "reset password"]);
        let own_reset = app
            .call("reset_password", &[("user_id", &account_id(&app, &coordinator, "coordinator").await), ("password", "coordinator knows this")], Some(&coordinator))
            .await;
        assert_eq!(own_reset.status, StatusCode::UNPROCESSABLE_ENTITY, "a coordinator changes their own with their current one");
    }

    async fn a_workers_phone_key_is_theirs_alone_and_outlives_a_password_reset(app: TestApp) {
        let priya = app.sign_in_demo("worker1").await;
        let first = app.call("my_phone_key", &[], Some(&priya)).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let key = first.json()["key"].as_str().unwrap().to_owned();
        assert_eq!(key.len(), 64, "a 256-bit key in hex");
        assert!(first.headers.get("cache-control").is_some_and(|v| v.to_str().unwrap().contains("no-store")));

        // Another sign-in, on another phone: the same key, so what one phone
        // sealed for Priya opens when she signs in again.
        let again = app.sign_in_demo("worker1").await;
        assert_eq!(app.call("my_phone_key", &[], Some(&again)).await.json()["key"], key.as_str());
        // Tom's is not Priya's.
        let tom = app.sign_in_demo("worker2").await;
        let toms = app.call("my_phone_key", &[], Some(&tom)).await.json();
        assert_ne!(toms["key"], key.as_str());
        assert_ne!(toms["worker_id"], first.json()["worker_id"]);
        // Nobody else gets one, and a temporary password gets none.
        for username in ["coordinator", "visiting", "referrer"] {
            let cookie = app.sign_in_demo(username).await;
            assert_eq!(app.call("my_phone_key", &[], Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{username}");
        }
        let coordinator = app.sign_in_demo("coordinator").await;
        let id = account_id(&app, &coordinator, "worker1").await;
        let reset = app.call("reset_password", &[("user_id", &id), ("password", "coordinator knows this")], Some(&coordinator)).await;
        assert_eq!(reset.status, StatusCode::OK);
        let temporary = app.sign_in("worker1", "coordinator knows this").await;
        assert_eq!(app.call("my_phone_key", &[], Some(&temporary)).await.status, StatusCode::FORBIDDEN);
        // Once Priya chooses her own password again, entries her phone
        // sealed before the reset still open: the key did not change.
        let own = app.first_sign_in("worker1", "coordinator knows this").await;
        assert_eq!(app.call("my_phone_key", &[], Some(&own)).await.json()["key"], key.as_str());

        // Priya sees, on her own page, that Morgan reset her password, and
        // when she chose her own again; nobody else reads her history.
        let history = app.call("my_password_history", &[], Some(&own)).await;
        assert_eq!(history.status, StatusCode::OK, "{}", history.body);
        let history = history.json();
        assert_eq!(history["last_set_by_other"][1], "Morgan Ellis");
        assert!(history["own_choice_ms"].as_i64().unwrap() >= history["last_set_by_other"][0].as_i64().unwrap());
        let toms_history = app.call("my_password_history", &[], Some(&tom)).await.json();
        assert_eq!(toms_history["last_set_by_other"], serde_json::Value::Null, "Tom's own history: nobody reset his");
    }

    async fn a_disabled_account_is_signed_out_and_cannot_sign_in(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let tom = app.sign_in_demo("worker2").await;
        let id = account_id(&app, &coordinator, "worker2").await;
        let worker = app.sign_in_demo("worker1").await;
        let by_worker = app.call("set_account_disabled", &[("user_id", &id), ("disabled", "true")], Some(&worker)).await;
        assert_eq!(by_worker.status, StatusCode::FORBIDDEN);
        let done = app.call("set_account_disabled", &[("user_id", &id), ("disabled", "true")], Some(&coordinator)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(app.call("current_user", &[], Some(&tom)).await.body, "null");
        let again = app.call("sign_in", &[("username", "worker2"), ("password", "contact-demo")], None).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        let listed = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        assert!(listed.as_array().unwrap().iter().any(|a| a["username"] == "worker2" && a["disabled_ms"].is_i64()), "kept, marked disabled");
        let me = account_id(&app, &coordinator, "coordinator").await;
        let own = app.call("set_account_disabled", &[("user_id", &me), ("disabled", "true")], Some(&coordinator)).await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        let enabled = app.call("set_account_disabled", &[("user_id", &id), ("disabled", "false")], Some(&coordinator)).await;
        assert_eq!(enabled.status, StatusCode::OK);
        app.sign_in_demo("worker2").await;
        assert_eq!(audit_actions(&app, &format!("account:{id}")).await, ["disable account", "enable account"]);
    }

    async fn a_back_office_sign_in_ends_when_idle_and_a_workers_does_not(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let worker = app.sign_in_demo("worker1").await;
        let idle = (server::DEFAULT_IDLE_MINUTES + 1) * 60_000;
        sqlx::query("UPDATE auth_sessions SET last_seen_ms = last_seen_ms - $1")
            .bind(idle).execute(&app.db.pool).await.unwrap();
        assert_eq!(app.call("current_user", &[], Some(&coordinator)).await.body, "null");
        assert_eq!(app.call("list_accounts", &[], Some(&coordinator)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.call("current_user", &[], Some(&worker)).await.json()["username"], "worker1");
    }

    async fn co_signing_needs_the_co_signers_password(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let missing = app.call("cosign_record", &[("booking_id", "1")], Some(&coordinator)).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
        let report = app.call("cosign_report", &[("report_id", "1")], Some(&coordinator)).await;
        assert_eq!(report.status, StatusCode::BAD_REQUEST, "{}", report.body);
    }

    async fn a_referral_has_caps_on_every_part_and_referrers_a_daily_limit(app: TestApp) {
        let referrer = app.sign_in_demo("referrer").await;
        let parent = json!({ "full_name": "A Parent", "phone": "07700 900000", "email": "a@example.org", "address": "1 Road" });
        let referral = |n: usize, children: usize, orders: usize| json!({ "referral": {
            "reference": format!("REF-{n}"), "source": "cafcass", "law": "private", "funding": "cafcass",
            "court_orders": "x".repeat(orders), "pending_proceedings": "", "reasons": [],
            "children": (0..children).map(|c| json!({ "first_name": format!("Child{c}"), "last_name": "Test", "date_of_birth": "2018-01-01" })).collect::<Vec<_>>(),
            "resident": parent, "visiting": parent, "resident_consent_on": null, "visiting_consent_on": null } }).to_string();
        let too_many = app.send(json_call("submit_referral", &referral(0, 13, 10), &referrer)).await;
        assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", too_many.body);
        assert_eq!(too_many.json()["field"], "children");
        assert_eq!(too_many.json()["message"], "At most 12 children (this has 13).");
        let long = app.send(json_call("submit_referral", &referral(0, 1, 4_001), &referrer)).await;
        assert_eq!(long.json()["field"], "court_orders", "{}", long.body);
        assert!(long.json()["message"].as_str().unwrap().contains("at most 4000 characters"), "{}", long.body);

        let mut statuses = Vec::new();
        for n in 0..21 {
            statuses.push(app.send(json_call("submit_referral", &referral(n, 1, 10), &referrer)).await.status);
        }
        assert_eq!(count(&statuses, StatusCode::OK), 20, "{statuses:?}");
        assert_eq!(statuses[20], StatusCode::TOO_MANY_REQUESTS, "the 21st in a day waits");
    }

    async fn staff_readings_and_payments_are_in_the_trail_and_the_coordinator_sees_who_read(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let case_id: i64 = sqlx::query("SELECT id FROM cases WHERE reference = 'FAM-0001'")
            .fetch_one(&app.db.pool).await.unwrap().try_get("id").unwrap();
        let id = case_id.to_string();
        let before = audit_actions(&app, &format!("case:{case_id}")).await.len();
        assert_eq!(app.call("case_detail", &[("case_id", &id)], Some(&coordinator)).await.status, StatusCode::OK);
        assert_eq!(app.call("case_detail", &[("case_id", &id)], Some(&coordinator)).await.status, StatusCode::OK);
        let paid = app
            .call("record_payment", &[("case_id", &id), ("parent", "visiting"), ("refund", "false"), ("amount_pence", "1250"), ("method", "card"), ("paid_on", "2026-11-20")], Some(&coordinator))
            .await;
        assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
        let actions = audit_actions(&app, &format!("case:{case_id}")).await;
        assert_eq!(&actions[before..], ["read", "payment"], "two readings within minutes are one entry");

        let reads = app.call("case_reads", &[("case_id", &id)], Some(&coordinator)).await;
        assert_eq!(reads.status, StatusCode::OK, "{}", reads.body);
        let reads = reads.json();
        assert_eq!(reads[0]["reader"], "Morgan Ellis");
        assert_eq!(reads[0]["what"], "case file");
        let worker = app.sign_in_demo("worker1").await;
        assert_eq!(app.call("case_reads", &[("case_id", &id)], Some(&worker)).await.status, StatusCode::FORBIDDEN);
        assert!(server::startup::verify_audit(&app.db).await.unwrap().contains("holds"));
    }
}
