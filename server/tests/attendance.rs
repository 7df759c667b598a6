//! Attendance recorded in session mode, through the real router on SQLite
//! and PostgreSQL: a worker's phone says the session started (they came) or
//! did not take place (who did not come, and why), offline like every other
//! entry; that sets the booking's attendance, counts toward the
//! three-misses rule, and asks for a short non-attendance record. The
//! coordinator's own recording is never overwritten from a phone.

mod common;

use app::domain::attendance::Attendance;
use app::domain::ledger::BookingStatus;
use app::domain::money::{Funding, Parent};
use app::server::{bookings, ledger, now_ms, settings};
use axum::body::Body;
use common::cases::*;
use common::{Backend, TestApp};
use http::{Request, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

/// Syncs entries from the signed-in worker's phone (its clock agreeing
/// with the server's): (id number, booking, time, kind).
async fn sync(app: &TestApp, cookie: &str, items: Vec<(u32, i64, i64, Value)>) -> Value {
    let me = app.my_id(cookie).await;
    let items: Vec<Value> = items
        .into_iter()
        .map(|(n, booking, at, kind)| {
            json!({ "id": format!("0190c000-0000-7000-8000-{n:012}"), "device_ms": now_ms(), "rejected": null,
                    "author": me, "payload": { "booking_id": booking, "at_ms": at, "kind": kind } })
        })
        .collect();
    let body = json!({ "batch": { "sent_ms": now_ms(), "items": items } }).to_string();
    let request = Request::post("/api/sync_entries")
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["outcomes"].clone()
}

async fn attendance_of(app: &TestApp, booking: i64) -> Option<String> {
    sqlx::query("SELECT attendance FROM bookings WHERE id = $1")
        .bind(booking)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
        .try_get("attendance")
        .unwrap()
}

fn not_attended(who: &str, reason: &str) -> Value {
    json!({ "type": "not_attended", "who": who, "reason": reason })
}

both_databases! {
    async fn the_worker_records_who_came_in_session_mode_and_three_unexplained_misses_suspend(app: TestApp) {
        let case = signed_case(&app, "FAM-0301", Funding::Cafcass).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let first = saturday_ten_next_week();
        let ids = bookings::book_series(&app.db, &series(case, room, first, 5, workers.clone()), BY, now_ms()).await.unwrap();
        // The first four sessions are today, each starting in ten minutes:
        // the worker is in the room before the start.
        let soon = now_ms() + 10 * 60_000;
        for (at, id) in ids[..4].iter().enumerate() {
            app.move_earlier(*id, first + at as i64 * 7 * 24 * HOUR - soon).await;
        }
        let ada = app.sign_in("ada.test", "long-enough-pass").await;

        // Session 1 started: attended. Session 2: nobody came, no word.
        let outcomes = sync(&app, &ada, vec![
            (1, ids[0], now_ms(), json!({ "type": "started" })),
            (2, ids[1], now_ms(), not_attended("visiting_parent", "")),
        ]).await;
        assert!(outcomes.as_array().unwrap().iter().all(|o| o["outcome"] == "stored"), "{outcomes}");
        assert_eq!(attendance_of(&app, ids[0]).await.as_deref(), Some("attended"));
        assert_eq!(attendance_of(&app, ids[1]).await.as_deref(), Some("missed_without_reason"));
        // The worker hears later why and corrects it: a later entry stands.
        sync(&app, &ada, vec![(3, ids[1], now_ms(), not_attended("visiting_parent", "Car broke down; rang at 10:20."))]).await;
        assert_eq!(attendance_of(&app, ids[1]).await.as_deref(), Some("missed_with_reason"));
        // A child not brought is not the visiting parent's miss.
        sync(&app, &ada, vec![(4, ids[2], now_ms(), not_attended("child", ""))]).await;
        assert_eq!(attendance_of(&app, ids[2]).await.as_deref(), Some("missed_with_reason"));

        // A reason too long is refused with a message, and kept on the phone.
        let long = sync(&app, &ada, vec![(5, ids[3], now_ms(), not_attended("visiting_parent", &"x".repeat(501)))]).await;
        assert_eq!(long[0]["outcome"], "rejected");
        assert!(long[0]["reason"].as_str().unwrap().contains("500 characters"), "{long}");

        // The record of a session that did not take place asks for the
        // short non-attendance record: signing without it is refused.
        let record = app.call("read_record", &[("booking_id", &ids[1].to_string())], Some(&ada)).await;
        assert_eq!(record.status, StatusCode::OK, "the record is there at once: {}", record.body);
        let sign = |summary: &'static str| {
            let ada = ada.clone();
            let app = &app;
            let booking = ids[1];
            async move {
                let body = json!({ "booking_id": booking, "text": { "summary": summary, "ended_early": "", "incident": "" },
                                   "password": "long-enough-pass", "unsigned_note": "Ben was not needed.", "device_ms": 1 });
                app.send(Request::post("/api/sign_record").header("content-type", "application/json").header("cookie", ada.as_str())
                    .body(Body::from(body.to_string())).unwrap()).await
            }
        };
        let refused = sign("").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.json()["message"].as_str().unwrap().contains("non-attendance record"), "{}", refused.body);
        let signed = sign("Waited 30 minutes. Told the coordinator at 10:40.").await;
        assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);

        // The coordinator's correction stands against any later phone entry.
        app::server::attendance::record_attendance(&app.db, ids[2], Attendance::MissedWithoutReason, BY, now_ms() + HOUR).await.unwrap();
        sync(&app, &ada, vec![(6, ids[2], now_ms(), not_attended("child", "Ill."))]).await;
        assert_eq!(attendance_of(&app, ids[2]).await.as_deref(), Some("missed_without_reason"), "the coordinator's, not the phone's");
        let trail = app::server::audit::audit_trail(&app.db).await.unwrap();
        assert!(trail.iter().any(|e| e.action == "attendance" && e.detail.ends_with("from the session log")));
    }

    async fn three_unexplained_misses_recorded_from_phones_hold_the_sessions_ahead(app: TestApp) {
        let case = signed_case(&app, "FAM-0302", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let first = saturday_ten_next_week();
        let ids = bookings::book_series(&app.db, &series(case, room, first, 5, workers.clone()), BY, now_ms()).await.unwrap();
        // Three sessions about to start (misses count from the plan, made
        // a moment ago), each recorded on a phone as nobody coming.
        let soon = now_ms() + 10 * 60_000;
        let ben = app.sign_in("ben.test", "long-enough-pass").await;
        for (at, id) in ids[..3].iter().enumerate() {
            app.move_earlier(*id, first + at as i64 * 7 * 24 * HOUR - soon).await;
            sync(&app, &ben, vec![(10 + at as u32, *id, now_ms(), not_attended("visiting_parent", ""))]).await;
        }
        // The third suspends contact: the two sessions ahead are held, both
        // parents told, as when the coordinator records it.
        for parent in [Parent::Resident, Parent::Visiting] {
            let statuses: Vec<BookingStatus> = ledger::parent_bookings(&app.db, case, parent).await.unwrap().iter().map(|b| b.status).collect();
            assert_eq!(statuses[3..], [BookingStatus::OnHold, BookingStatus::OnHold], "{statuses:?}");
            let told = app::server::portal::notices(&app.db, case, parent).await.unwrap();
            assert!(told[0].body.contains("Contact is suspended"), "{}", told[0].body);
        }
        assert!(app::server::casebook::detail(&app.db, case, now_ms()).await.unwrap().suspended);
        // The coordinator's case list (and the counts on their home page)
        // shows it at once, though no coordinator recorded anything.
        let rows = app::server::casebook::list(&app.db, now_ms()).await.unwrap();
        let row = rows.iter().find(|row| row.id == case).unwrap();
        assert!(row.needs.contains(&app::domain::casework::Need::Suspended), "{:?}", row.needs);
        // And every coordinator is sent a message at once, naming the case
        // and nothing of the family.
        let reference: String = sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1").bind(case).fetch_one(&app.db.pool).await.unwrap();
        let sent: Vec<(String, String)> = sqlx::query_as("SELECT recipient, body FROM outbox WHERE kind = 'contact suspended' AND user_id IS NOT NULL")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].0, "coordinator@centre.example");
        assert!(sent[0].1.contains(&reference) && sent[0].1.contains("suspended"), "{}", sent[0].1);
    }
}
