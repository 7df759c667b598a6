//! The access table, tested as a table: every server function is called as
//! every kind of caller (nobody, a temporary password, each role), and the
//! exact status is asserted from its row of `app::domain::access::RULES`;
//! then every function that takes another family's or another session's id
//! is called with one, and must answer "not found". A server function with
//! no row, or an object-scoped one with no foreign-id call below, fails.

mod common;

use std::collections::BTreeSet;

use app::domain::access::{RULES, Scope, Who};
use app::domain::role::Role;
use axum::body::Body;
use common::{Backend, TestApp};
use http::{Request, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

fn post(endpoint: &str, body: Body, content_type: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder =
        Request::post(format!("/api/{endpoint}")).header("content-type", content_type);
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(body).unwrap()
}

fn form(endpoint: &str, args: &[(&str, &str)], cookie: &str) -> Request<Body> {
    common::api_request(endpoint, args, Some(cookie))
}

fn json_call(endpoint: &str, body: Value, cookie: &str) -> Request<Body> {
    common::json_request(endpoint, &body.to_string(), Some(cookie))
}

/// A case of another family, with a session that ended three hours ago, that
/// none of the demo's parents, workers or referrers is linked to.
async fn another_family(app: &TestApp) -> i64 {
    let now = app::server::now_ms();
    let case: i64 = sqlx::query(
        "INSERT INTO cases (reference, created_at) VALUES ('FAM-0999', $1) RETURNING id",
    )
    .bind(now)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
    .try_get("id")
    .unwrap();
    let room: i64 = sqlx::query("SELECT id FROM rooms ORDER BY id LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    let starts = now - 3 * 3_600_000;
    sqlx::query(
        "INSERT INTO bookings (case_id, kind, room_id, starts_at, ends_at, visiting_arrives_at, visiting_leaves_at, created_at) \
         VALUES ($1, 'session', $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(case)
    .bind(room)
    .bind(starts)
    .bind(starts + 3_600_000)
    .bind(starts)
    .bind(starts + 3_600_000)
    .bind(starts - 86_400_000)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
    .try_get("id")
    .unwrap()
}

/// A caller's role, and whether they are a senior worker.
type Standing = (Role, bool);

both_databases! {
    async fn every_server_function_has_a_row_and_no_row_is_left_over(app: TestApp) {
        let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.strip_prefix("/api/").unwrap_or(path).to_owned())
            .collect();
        let listed: BTreeSet<String> = RULES.iter().map(|rule| rule.endpoint.to_owned()).collect();
        assert_eq!(registered, listed, "server functions and the access table differ");
        let _ = &app;
    }

    async fn every_function_answers_every_caller_as_its_row_says(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let created = app
            .call("create_account", &[("username", "temp.worker"), ("display_name", "Temp Worker"), ("role", "worker"), ("password", "temporary pass 9")], Some(&coordinator))
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let temporary = app.sign_in("temp.worker", "temporary pass 9").await;
        // worker2 is marked senior (may co-sign); worker1 is not.
        let worker2: i64 = app.call("list_accounts", &[], Some(&coordinator)).await.json().as_array().unwrap().iter()
            .find(|a| a["username"] == "worker2").unwrap()["id"].as_i64().unwrap();
        let marked = app.call("set_account_senior", &[("user_id", &worker2.to_string()), ("senior", "true")], Some(&coordinator)).await;
        assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
        let mut callers: Vec<(String, Option<String>, Option<Standing>)> = vec![
            ("nobody".into(), None, None),
            ("a temporary password".into(), Some(temporary), None),
        ];
        for (username, role, senior) in [("coordinator", Role::Coordinator, false), ("worker1", Role::Worker, false), ("worker2", Role::Worker, true), ("visiting", Role::Parent, false), ("referrer", Role::Referrer, false)] {
            callers.push((username.into(), Some(app.sign_in_demo(username).await), Some((role, senior))));
        }
        for rule in RULES.iter().filter(|rule| rule.who != Who::Anyone) {
            for (who, cookie, role) in &callers {
                // An empty body: the table answers before the body is read.
                let reply = app
                    .send(post(rule.endpoint, Body::empty(), "application/x-www-form-urlencoded", cookie.as_deref()))
                    .await;
                let expected = match (cookie, role, rule.who) {
                    (None, _, _) => Some((StatusCode::UNAUTHORIZED, "not_signed_in")),
                    (Some(_), None, Who::Roles(_) | Who::Cosigners) => Some((StatusCode::FORBIDDEN, "password_change_needed")),
                    (Some(_), Some((role, _)), Who::Roles(roles)) if !roles.contains(role) => Some((StatusCode::FORBIDDEN, "forbidden")),
                    (Some(_), Some((role, senior)), Who::Cosigners)
                        if !(*role == Role::Coordinator || (*role == Role::Worker && *senior)) =>
                    {
                        Some((StatusCode::FORBIDDEN, "forbidden"))
                    }
                    _ => None,
                };
                match expected {
                    Some((status, kind)) => {
                        assert_eq!(reply.status, status, "{} as {who}: {}", rule.endpoint, reply.body);
                        assert_eq!(reply.json()["kind"], kind, "{} as {who}", rule.endpoint);
                    }
                    // Admitted: the function itself answers (often "the
                    // request could not be read", as the body is empty).
                    None => assert!(
                        ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&reply.status),
                        "{} as {who} was not admitted: {} {}",
                        rule.endpoint,
                        reply.status,
                        reply.body
                    ),
                }
            }
        }
        let unknown = app.send(post("no_such_function", Body::empty(), "application/x-www-form-urlencoded", Some(&coordinator))).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }

    async fn another_familys_ids_are_not_found_by_anyone_scoped_to_their_own(app: TestApp) {
        let booking = another_family(&app).await;
        let id = booking.to_string();
        let parent = app.sign_in_demo("resident").await;
        let worker = app.sign_in_demo("worker1").await;
        let referrer = app.sign_in_demo("referrer").await;
        let text = json!({ "summary": "x", "ended_early": "", "incident": "" });
        let calls: Vec<(&str, &str, Request<Body>)> = vec![
            ("preview_cancellation", "parent", form("preview_cancellation", &[("booking_id", &id)], &parent)),
            ("cancel_my_booking", "parent", form("cancel_my_booking", &[("booking_id", &id)], &parent)),
            ("read_record", "worker", form("read_record", &[("booking_id", &id)], &worker)),
            ("read_record", "referrer", form("read_record", &[("booking_id", &id)], &referrer)),
            ("save_record_text", "worker", json_call("save_record_text", json!({ "booking_id": booking, "text": text }), &worker)),
            ("sign_record", "worker", json_call("sign_record", json!({ "booking_id": booking, "text": text, "password": "contact-demo", "unsigned_note": "", "device_ms": 0 }), &worker)),
            ("ask_for_changes", "worker", form("ask_for_changes", &[("booking_id", &id), ("comment", "x")], &worker)),
            ("add_addendum", "worker", form("add_addendum", &[("booking_id", &id), ("body", "x"), ("password", "contact-demo")], &worker)),
            ("session_log", "worker", form("session_log", &[("booking_id", &id)], &worker)),
            ("read_final_report", "referrer", form("read_final_report", &[("report_id", "987654")], &referrer)),
        ];
        let mut covered: BTreeSet<&str> = BTreeSet::new();
        for (endpoint, who, request) in calls {
            let reply = app.send(request).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{endpoint} as the {who}: {}", reply.body);
            covered.insert(endpoint);
        }
        // A phone's entries for another family's session are refused, in
        // words that do not say whether it exists.
        let me = app.my_id(&worker).await;
        let now = app::server::now_ms();
        let item = json!({ "id": "0190a000-0000-7000-8000-000000000777", "device_ms": now, "rejected": null, "author": me,
            "payload": { "booking_id": booking, "at_ms": now - 2 * 3_600_000, "kind": { "type": "observation", "category": "play", "text": "x" } } });
        let reply = app.send(json_call("sync_entries", json!({ "batch": { "sent_ms": now, "items": [item] } }), &worker)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(reply.json()["outcomes"][0]["outcome"], "rejected");
        assert_eq!(reply.json()["outcomes"][0]["reason"], app::domain::session_log::NOT_YOURS);
        covered.insert("sync_entries");

        let scoped: BTreeSet<&str> = RULES
            .iter()
            .filter(|rule| matches!(rule.scope, Scope::ParentsBooking | Scope::BookedSession | Scope::Record | Scope::Report))
            .map(|rule| rule.endpoint)
            .collect();
        assert_eq!(covered, scoped, "each object-scoped function is called with another family's id");
    }
}
