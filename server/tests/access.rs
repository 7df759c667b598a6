//! Signing in, sessions, roles and the guard in front of server functions,
//! through the real router, on SQLite and on PostgreSQL.

mod common;

use axum::body::Body;
use common::{Backend, TestApp, api_request};
use http::{Request, StatusCode};

both_databases! {
    async fn each_role_signs_in_and_is_told_who_they_are(app: TestApp) {
        for (username, role) in [
            ("coordinator", "coordinator"),
            ("worker1", "worker"),
            ("resident", "parent"),
            ("referrer", "referrer"),
        ] {
            let reply = app
                .call("sign_in", &[("username", username), ("password", "contact-demo")], None)
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{username}: {}", reply.body);
            assert_eq!(reply.json()["role"], role);
            let set_cookie = reply.set_cookie().unwrap();
            assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
            assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
            assert!(!set_cookie.contains("Secure"), "plain http must not get Secure: {set_cookie}");
            let cookie = reply.session_cookie().unwrap();

            let me = app.call("current_user", &[], Some(&cookie)).await;
            assert_eq!(me.status, StatusCode::OK);
            assert_eq!(me.json()["username"], username);
        }
    }

    async fn usernames_are_not_case_sensitive(app: TestApp) {
        app.sign_in("  Coordinator ", "contact-demo").await;
    }

    async fn the_cookie_is_secure_when_the_request_came_over_https(app: TestApp) {
        let mut request = api_request("sign_in", &[("username", "worker1"), ("password", "contact-demo")], None);
        request.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(reply.set_cookie().unwrap().contains("; Secure"));
    }

    async fn a_wrong_password_and_an_unknown_user_get_the_same_answer(app: TestApp) {
        let wrong = app
            .call("sign_in", &[("username", "worker1"), ("password", "not-the-password")], None)
            .await;
        let unknown = app
            .call("sign_in", &[("username", "nobody"), ("password", "contact-demo")], None)
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.body, unknown.body);
        assert!(wrong.session_cookie().is_none());
        assert!(wrong.json()["kind"] == "sign_in_failed");
    }

    async fn signed_out_callers_get_401(app: TestApp) {
        for function in ["list_accounts", "my_cases", "reset_password"] {
            let reply = app.call(function, &[("user_id", "1"), ("password", "long-enough-pass")], None).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{function}: {}", reply.body);
        }
        let nobody = app.call("current_user", &[], Some("ccc_session=forged-token")).await;
        assert_eq!(nobody.status, StatusCode::OK);
        assert_eq!(nobody.body, "null");
    }

    async fn a_parent_calling_coordinator_functions_gets_403(app: TestApp) {
        let parent = app.sign_in_demo("visiting").await;
        let list = app.call("list_accounts", &[], Some(&parent)).await;
        assert_eq!(list.status, StatusCode::FORBIDDEN);
        let create = app
            .call(
                "create_account",
                &[("username", "sneaky"), ("display_name", "Sneaky"), ("role", "coordinator"), ("password", "long-enough-pass")],
                Some(&parent),
            )
            .await;
        assert_eq!(create.status, StatusCode::FORBIDDEN);
        let worker = app.sign_in_demo("worker1").await;
        let reset = app
            .call("reset_password", &[("user_id", "1"), ("password", "long-enough-pass")], Some(&worker))
            .await;
        assert_eq!(reset.status, StatusCode::FORBIDDEN);
        // Nothing was created or changed.
        app.sign_in_demo("coordinator").await;
        let sneaky = app.call("sign_in", &[("username", "sneaky"), ("password", "long-enough-pass")], None).await;
        assert_eq!(sneaky.status, StatusCode::UNAUTHORIZED);
    }

    async fn five_failures_in_a_minute_slow_down_that_account_from_that_address(app: TestApp) {
        for _ in 0..5 {
            let reply = app
                .call("sign_in", &[("username", "worker2"), ("password", "guess-guess")], None)
                .await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        }
        let locked = app
            .call("sign_in", &[("username", "worker2"), ("password", "contact-demo")], None)
            .await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
        let wait: u64 = locked.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "Retry-After {wait}");
        assert!(locked.session_cookie().is_none());

        // Another address, and another account from the same address, are not held up.
        let other_address = app
            .send_from(
                api_request("sign_in", &[("username", "worker2"), ("password", "contact-demo")], None),
                "10.0.0.2:5000",
            )
            .await;
        assert_eq!(other_address.status, StatusCode::OK);
        app.sign_in_demo("worker1").await;
    }

    async fn signing_out_ends_the_session_on_the_server(app: TestApp) {
        let cookie = app.sign_in_demo("coordinator").await;
        let out = app.call("sign_out", &[], Some(&cookie)).await;
        assert_eq!(out.status, StatusCode::OK);
        assert!(out.set_cookie().unwrap().contains("Max-Age=0"));
        // The old cookie, replayed, is worthless.
        let after = app.call("list_accounts", &[], Some(&cookie)).await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    }

    async fn signing_in_again_replaces_the_old_session(app: TestApp) {
        let first = app.sign_in_demo("coordinator").await;
        let reply = app
            .call("sign_in", &[("username", "coordinator"), ("password", "contact-demo")], Some(&first))
            .await;
        let second = reply.session_cookie().unwrap();
        assert_ne!(first, second);
        assert_eq!(app.call("list_accounts", &[], Some(&first)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.call("list_accounts", &[], Some(&second)).await.status, StatusCode::OK);
    }

    async fn cross_site_writes_are_refused(app: TestApp) {
        let cookie = app.sign_in_demo("coordinator").await;
        let mut request = api_request(
            "create_account",
            &[("username", "planted"), ("display_name", "Planted"), ("role", "coordinator"), ("password", "long-enough-pass")],
            Some(&cookie),
        );
        request.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        let accounts = app.call("list_accounts", &[], Some(&cookie)).await;
        assert!(!accounts.body.contains("planted"));

        let mut same_site = api_request("list_accounts", &[], Some(&cookie));
        same_site.headers_mut().insert("origin", "http://127.0.0.1:3000".parse().unwrap());
        assert_eq!(app.send(same_site).await.status, StatusCode::OK);
    }

    async fn malformed_requests_get_a_4xx_not_a_crash(app: TestApp) {
        let cookie = app.sign_in_demo("coordinator").await;
        // A missing argument.
        let missing = app.call("create_account", &[("username", "x")], Some(&cookie)).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
        // A number that is not a number.
        let not_number = app
            .call("reset_password", &[("user_id", "seven"), ("password", "long-enough-pass")], Some(&cookie))
            .await;
        assert_eq!(not_number.status, StatusCode::BAD_REQUEST, "{}", not_number.body);
        // Bytes that are not a form at all.
        let garbage = Request::post("/api/sign_in")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(vec![0xff, 0xfe, 0x00, 0x25]))
            .unwrap();
        let reply = app.send(garbage).await;
        assert!(reply.status.is_client_error(), "{} {}", reply.status, reply.body);
        // An unknown server function.
        let unknown = app.call("drop_tables", &[], Some(&cookie)).await;
        assert!(unknown.status.is_client_error());
    }

    async fn pages_need_the_right_role(app: TestApp) {
        let sign_in = app.get_page("/sign-in", None).await;
        assert_eq!(sign_in.status, StatusCode::OK);
        assert!(sign_in.body.contains("Sign in"));

        let signed_out = app.get_page("/coordinator", None).await;
        assert!(signed_out.status.is_redirection(), "{}", signed_out.status);
        assert_eq!(signed_out.headers["location"], "/sign-in");

        let worker = app.sign_in_demo("worker1").await;
        let home = app.get_page("/worker", Some(&worker)).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Priya Shah"));
        let not_theirs = app.get_page("/coordinator", Some(&worker)).await;
        assert!(not_theirs.body.contains("This page is not for your role"));
        assert!(!not_theirs.body.contains("New account"));

        let missing = app.get_page("/no-such-page", None).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        // The not-found page still knows who is signed in (its header says so).
        let missing = app.get_page("/favicon.ico", Some(&worker)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("Priya Shah"), "{}", missing.body);
    }
}
