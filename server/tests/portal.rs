//! The parent portal and the back office's server functions through the real
//! router: who may call what, and what a parent can and cannot see.

mod common;

use axum::body::Body;
use common::{Backend, TestApp};
use http::{Request, StatusCode};

/// The demo family's account as the given parent sees it.
async fn family(app: &TestApp, cookie: &str) -> serde_json::Value {
    let reply = app.call("my_family_accounts", &[], Some(cookie)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()
}

fn json_call(function: &str, body: &str, cookie: &str) -> Request<Body> {
    Request::post(format!("/api/{function}"))
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

both_databases! {
    async fn the_visiting_parent_sees_their_own_times_statuses_and_statement(app: TestApp) {
        let visiting = app.sign_in_demo("visiting").await;
        let accounts = family(&app, &visiting).await;
        assert_eq!(accounts.as_array().unwrap().len(), 1);
        let account = &accounts[0];
        assert_eq!(account["reference"], "FAM-0001");
        assert_eq!(account["side"], "visiting");
        let bookings = account["bookings"].as_array().unwrap();
        assert_eq!(bookings.len(), 6);
        assert_eq!(bookings[0]["status"], "confirmed", "the first session is paid for");
        assert!(bookings[1..].iter().all(|b| b["status"]["awaiting_payment"]["from"] == "visiting"));
        let first = &bookings[0];
        assert_eq!(first["starts_ms"].as_i64().unwrap() - first["arrive_ms"].as_i64().unwrap(), 15 * 60_000);
        assert_eq!(account["statement"]["balance"], 5 * 9_900);
    }

    async fn the_resident_parent_never_sees_the_other_parents_times_or_details(app: TestApp) {
        let resident = app.sign_in_demo("resident").await;
        let reply = app.call("my_family_accounts", &[], Some(&resident)).await;
        let accounts = reply.json();
        let bookings = accounts[0]["bookings"].as_array().unwrap();
        for booking in bookings {
            assert_eq!(booking["arrive_ms"], booking["starts_ms"], "the resident parent's own arrival");
        }
        assert!(!reply.body.contains("Ryan"), "no word of the other parent");
        assert!(!reply.body.contains("07700"), "no phone numbers");
        assert_eq!(accounts[0]["statement"]["balance"], 22_000, "registration and deposit not yet paid");
    }

    async fn a_parent_cancels_in_good_time_after_being_told_it_costs_nothing(app: TestApp) {
        let visiting = app.sign_in_demo("visiting").await;
        let last = family(&app, &visiting).await[0]["bookings"][5]["id"].to_string();
        let preview = app.call("preview_cancellation", &[("booking_id", &last)], Some(&visiting)).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
        assert_eq!(preview.json()["forfeit"], "nothing");
        assert!(preview.json()["explanation"].as_str().unwrap().contains("costs you nothing"));
        let cancelled = app.call("cancel_my_booking", &[("booking_id", &last)], Some(&visiting)).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
        let account = &family(&app, &visiting).await[0];
        assert_eq!(account["bookings"][5]["status"], "cancelled");
        assert_eq!(account["statement"]["balance"], 4 * 9_900);
        let again = app.call("cancel_my_booking", &[("booking_id", &last)], Some(&visiting)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
    }

    async fn another_familys_parent_cannot_see_or_cancel_these_bookings(app: TestApp) {
        let visiting = app.sign_in_demo("visiting").await;
        let booking = family(&app, &visiting).await[0]["bookings"][0]["id"].to_string();
        let coordinator = app.sign_in_demo("coordinator").await;
        let created = app
            .call(
                "create_account",
                &[("username", "stranger"), ("display_name", "A Stranger"), ("role", "parent"), ("password", "long-enough-pass")],
                Some(&coordinator),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK);
        let stranger = app.first_sign_in("stranger", "long-enough-pass").await;
        assert_eq!(family(&app, &stranger).await.as_array().unwrap().len(), 0);
        for function in ["preview_cancellation", "cancel_my_booking"] {
            let reply = app.call(function, &[("booking_id", &booking)], Some(&stranger)).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{function}: {}", reply.body);
        }
        let referrer = app.sign_in_demo("referrer").await;
        assert_eq!(app.call("my_family_accounts", &[], Some(&referrer)).await.status, StatusCode::FORBIDDEN);
        // The booking is untouched.
        assert_eq!(family(&app, &visiting).await[0]["bookings"][0]["status"], "confirmed");
    }

    async fn only_a_coordinator_records_payments_and_bad_amounts_are_named(app: TestApp) {
        let form = |amount: &'static str| {
            [("case_id", "1"), ("parent", "visiting"), ("refund", "false"), ("amount_pence", amount), ("method", "card"), ("paid_on", "2026-11-26")]
        };
        for who in ["worker1", "visiting", "referrer"] {
            let cookie = app.sign_in_demo(who).await;
            let reply = app.call("record_payment", &form("9900"), Some(&cookie)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who}");
        }
        let coordinator = app.sign_in_demo("coordinator").await;
        for bad in ["-500", "0"] {
            let reply = app.call("record_payment", &form(bad), Some(&coordinator)).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", reply.body);
            assert_eq!(reply.json()["field"], "amount");
        }
        let not_money = app.call("record_payment", &form("ten pounds"), Some(&coordinator)).await;
        assert_eq!(not_money.status, StatusCode::BAD_REQUEST);
        let ok = app.call("record_payment", &form("9900"), Some(&coordinator)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        let visiting = app.sign_in_demo("visiting").await;
        assert_eq!(family(&app, &visiting).await[0]["bookings"][1]["status"], "confirmed");
    }

    async fn back_office_functions_refuse_everyone_but_the_coordinator(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        for (function, body) in [
            ("book_series", r#"{"request":{}}"#),
            ("record_referral", r#"{"referral":{}}"#),
            ("create_plan", r#"{"case_id":1,"plan":{}}"#),
        ] {
            // Refused for the role before the body is even read.
            let reply = app.send(json_call(function, body, &worker)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{function}: {}", reply.body);
        }
        for (function, form) in [
            ("cancel_booking", vec![("booking_id", "1"), ("reason", "x")]),
            ("record_attendance", vec![("booking_id", "1"), ("attendance", "attended")]),
            ("decide_referral", vec![("case_id", "1"), ("accept", "true"), ("note", "")]),
            ("parent_statement", vec![("case_id", "1"), ("parent", "visiting")]),
        ] {
            let reply = app.call(function, &form, Some(&worker)).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{function}: {}", reply.body);
        }
        let coordinator = app.sign_in_demo("coordinator").await;
        let malformed = app.send(json_call("book_series", r#"{"request":{"case_id":"one"}}"#, &coordinator)).await;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST, "{}", malformed.body);
        let statement = app.call("parent_statement", &[("case_id", "1"), ("parent", "visiting")], Some(&coordinator)).await;
        assert_eq!(statement.status, StatusCode::OK);
        assert_eq!(statement.json()["balance"], 5 * 9_900);
    }

    async fn an_item_of_indirect_contact_is_checked_then_passed_on_and_the_sender_sees_only_where_it_is(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let child: String = sqlx::query_scalar("SELECT first_name FROM children WHERE case_id = 1 ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let item = |kind: &str, child: &str, date: &str| {
            format!(r#"{{"item":{{"case_id":1,"from_side":"visiting","for_child":"{child}","kind":"{kind}","description":"Birthday card, address of the sender's new flat inside","received_on":"{date}"}}}}"#)
        };
        for who in ["worker1", "visiting", "referrer"] {
            let cookie = app.sign_in_demo(who).await;
            assert_eq!(app.send(json_call("log_indirect_item", &item("card", &child, "2026-11-20"), &cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
        }
        let wrong_kind = app.send(json_call("log_indirect_item", &item("parcel bomb", &child, "2026-11-20"), &coordinator)).await;
        assert_eq!(wrong_kind.json()["field"], "kind");
        let stranger = app.send(json_call("log_indirect_item", &item("card", "Nobody", "2026-11-20"), &coordinator)).await;
        assert_eq!(stranger.json()["field"], "for_child");
        let future = app.send(json_call("log_indirect_item", &item("card", &child, "2099-01-01"), &coordinator)).await;
        assert_eq!(future.json()["field"], "received_on");

        let logged = app.send(json_call("log_indirect_item", &item("card", &child, "2026-11-20"), &coordinator)).await;
        assert_eq!(logged.status, StatusCode::OK, "{}", logged.body);
        let id = logged.body.clone();
        let step = |step: &'static str, note: &'static str| {
            let id = id.clone();
            let coordinator = coordinator.clone();
            let app = &app;
            async move { app.call("indirect_item_step", &[("item_id", &id), ("step", step), ("note", note)], Some(&coordinator)).await }
        };
        assert_eq!(step("forward", "").await.status, StatusCode::CONFLICT, "not before it is checked");
        assert_eq!(step("check", "Removed a note with the sender's address").await.status, StatusCode::OK);
        assert_eq!(step("forward", "").await.status, StatusCode::OK);
        assert_eq!(step("withhold", "too late").await.status, StatusCode::CONFLICT, "already passed on");

        // Each step taken is in the audit trail; the refused ones are not.
        let steps: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE subject = 'case:1' AND action LIKE 'indirect%' ORDER BY seq")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(steps, ["indirect item logged", "indirect item step", "indirect item step"]);

        let items = app.call("indirect_items", &[("case_id", "1")], Some(&coordinator)).await.json();
        assert_eq!(items[0]["stage"], "forwarded");
        assert_eq!(items[0]["checked_by"], "Morgan Ellis");

        let visiting = app.sign_in_demo("visiting").await;
        let account = family(&app, &visiting).await;
        let sent = &account[0]["sent_items"];
        assert_eq!(sent[0]["stage"], "forwarded");
        assert!(sent[0]["forwarded_ms"].is_i64());
        let body = account.to_string();
        assert!(!body.contains("Birthday card") && !body.contains("Removed a note"), "the sender sees no staff notes: {body}");
        let resident = app.sign_in_demo("resident").await;
        assert_eq!(family(&app, &resident).await[0]["sent_items"], serde_json::json!([]));
    }

    async fn a_referrer_refers_a_family_online_and_follows_its_status(app: TestApp) {
        let referral = |source: &str| {
            format!(
                r#"{{"referral":{{"reference":"ignored","source":"{source}","law":"private","funding":"private","court_orders":"Child arrangements order","pending_proceedings":"","reasons":["past_substance_misuse"],"children":[{{"first_name":"Ella","last_name":"Stone","date_of_birth":"2019-06-01"}}],"resident":{{"full_name":"Kim Stone","phone":"07700 900333","email":"","address":""}},"visiting":{{"full_name":"Lee Stone","phone":"07700 900444","email":"","address":""}},"resident_consent_on":null,"visiting_consent_on":null}}}}"#
            )
        };
        for who in ["visiting", "worker1", "coordinator"] {
            let cookie = app.sign_in_demo(who).await;
            assert_eq!(app.send(json_call("submit_referral", &referral("solicitor"), &cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
        }
        let referrer = app.sign_in_demo("referrer").await;
        let own = app.send(json_call("submit_referral", &referral("self_referral"), &referrer)).await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(own.json()["field"], "source");
        let sent = app.send(json_call("submit_referral", &referral("social_worker"), &referrer)).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        let reference = sent.json().as_str().unwrap().to_owned();
        assert_eq!(reference, "FAM-0003", "the next after the demo's two cases");
        // The new case and the referrer's link to it are one step in the
        // trail, by the referrer.
        let steps: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.action, u.username FROM audit_log a JOIN users u ON u.id = a.actor \
             JOIN cases c ON a.subject = 'case:' || CAST(c.id AS TEXT) WHERE c.reference = $1 ORDER BY a.seq",
        )
        .bind(reference.clone())
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(steps, [("link account".to_owned(), "referrer".to_owned()), ("referral recorded".to_owned(), "referrer".to_owned())]);

        let mine = app.call("my_referrals", &[], Some(&referrer)).await.json();
        assert_eq!(mine[0]["reference"], reference.as_str());
        assert_eq!(mine[0]["status"], "received");

        // The coordinator sees it and declines it; the referrer reads why.
        let coordinator = app.sign_in_demo("coordinator").await;
        let cases = app.call("list_cases", &[], Some(&coordinator)).await.json();
        let case = cases.as_array().unwrap().iter().find(|c| c["reference"] == reference.as_str()).unwrap().clone();
        let case_id = case["id"].to_string();
        let declined = app.call("decide_referral", &[("case_id", &case_id), ("accept", "false"), ("note", "Outside our area: try the Northside centre.")], Some(&coordinator)).await;
        assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
        let mine = app.call("my_referrals", &[], Some(&referrer)).await.json();
        assert_eq!(mine[0]["status"], "declined");
        assert_eq!(mine[0]["decision_note"], "Outside our area: try the Northside centre.");
        // A parent of another family sees nothing of it.
        let parent = app.sign_in_demo("visiting").await;
        assert!(!app.call("my_cases", &[], Some(&parent)).await.body.contains(&reference));
        assert_eq!(app.call("my_referrals", &[], Some(&parent)).await.status, StatusCode::FORBIDDEN);
    }
}
