//! The coordinator's account management and what parents and referrers can
//! see of their cases, on SQLite and on PostgreSQL.

mod common;

use common::{Backend, TestApp};
use http::StatusCode;

both_databases! {
    async fn a_coordinator_creates_an_account_that_can_then_sign_in(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let reply = app
            .call(
                "create_account",
                &[
                    ("username", "New.Worker"),
                    ("display_name", "  Sam   Okafor "),
                    ("role", "worker"),
                    ("password", "a long temporary pass"),
                ],
                Some(&coordinator),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let list = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        let created = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == "new.worker")
            .expect("the new account is listed");
        assert_eq!(created["display_name"], "Sam Okafor");
        assert_eq!(created["role"], "worker");
        app.sign_in("new.worker", "a long temporary pass").await;
    }

    async fn bad_account_input_names_the_field(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let cases = [
            (("worker1", "Someone", "worker", "long-enough-pass", ""), "username"),
            (("ok.name", "Someone", "worker", "short", ""), "password"),
            (("ok.name", "   ", "worker", "long-enough-pass", ""), "display_name"),
            (("ok.name", "Someone", "admin", "long-enough-pass", ""), "role"),
            (("ok.name", "Someone", "referrer", "long-enough-pass", "FAM-9999"), "case_reference"),
            (("ok.name", "Someone", "worker", "long-enough-pass", "FAM-0001"), "case_reference"),
            (("bad name!", "Someone", "worker", "long-enough-pass", ""), "username"),
        ];
        for ((username, name, role, password, case), field) in cases {
            let reply = app
                .call(
                    "create_account",
                    &[
                        ("username", username),
                        ("display_name", name),
                        ("role", role),
                        ("password", password),
                        ("case_reference", case),
                    ],
                    Some(&coordinator),
                )
                .await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{username}/{role}: {}", reply.body);
            assert_eq!(reply.json()["field"], field, "{}", reply.body);
            assert!(!reply.json()["message"].as_str().unwrap().is_empty());
        }
        // None of them was created.
        let list = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        assert_eq!(list.as_array().unwrap().len(), 6);
    }

    async fn a_parent_is_linked_to_a_case_and_sees_only_it(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        // A second family, and a parent linked to it.
        let case_id = app::server::cases::create(&app.db, "FAM-0009", 0).await.unwrap();
        app::server::cases::add_child(&app.db, case_id, "Ava", "Stone", "2020-01-10").await.unwrap();
        let reply = app
            .call(
                "create_account",
                &[
                    ("username", "other.parent"),
                    ("display_name", "Other Parent"),
                    ("role", "parent"),
                    ("password", "long-enough-pass"),
                    ("case_reference", "fam-0009"),
                    ("relation", "visiting_parent"),
                ],
                Some(&coordinator),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        // The link is in the audit trail, with who made it.
        let linked: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.action, u.display_name FROM audit_log a JOIN users u ON u.id = a.actor WHERE a.subject = $1 ORDER BY a.seq",
        )
        .bind(format!("case:{case_id}"))
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(linked, [("link account".to_owned(), "Morgan Ellis".to_owned())]);

        let other = app.first_sign_in("other.parent", "long-enough-pass").await;
        let theirs = app.call("my_cases", &[], Some(&other)).await.json();
        assert_eq!(theirs.as_array().unwrap().len(), 1);
        assert_eq!(theirs[0]["reference"], "FAM-0009");
        assert_eq!(theirs[0]["relation"], "visiting_parent");
        assert_eq!(theirs[0]["children"][0]["first_name"], "Ava");

        let demo_parent = app.sign_in_demo("resident").await;
        let mine = app.call("my_cases", &[], Some(&demo_parent)).await;
        assert!(!mine.body.contains("FAM-0009"));
        assert!(!mine.body.contains("Ava"));
        let mine = mine.json();
        assert_eq!(mine[0]["reference"], "FAM-0001");
        let names: Vec<_> = mine[0]["children"].as_array().unwrap().iter().map(|c| c["first_name"].clone()).collect();
        assert_eq!(names, ["Lily", "Noah"]);
        // A parent never gets anyone's surname, username or contact details here.
        assert!(!mine.to_string().contains("Collins"));
    }

    async fn a_worker_has_no_cases_to_read(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        assert_eq!(app.call("my_cases", &[], Some(&worker)).await.status, StatusCode::FORBIDDEN);
    }

    async fn a_password_reset_ends_old_sessions_and_old_passwords(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let worker_session = app.sign_in_demo("worker2").await;
        let list = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        let worker_id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == "worker2")
            .unwrap()["id"]
            .to_string();
        let reply = app
            .call("reset_password", &[("user_id", &worker_id), ("password", "brand new passphrase")], Some(&coordinator))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let me = app.call("current_user", &[], Some(&worker_session)).await;
        assert_eq!(me.body, "null", "the old session must be gone");
        let old = app.call("sign_in", &[("username", "worker2"), ("password", "contact-demo")], None).await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        app.sign_in("worker2", "brand new passphrase").await;

        let missing = app
            .call("reset_password", &[("user_id", "999999"), ("password", "brand new passphrase")], Some(&coordinator))
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }

    async fn the_database_refuses_links_to_nothing(app: TestApp) {
        let result = sqlx::query("INSERT INTO case_members (case_id, user_id, relation) VALUES (424242, 424242, 'referrer')")
            .execute(&app.db.pool)
            .await;
        assert!(result.is_err(), "foreign keys must be enforced");
    }

    async fn a_second_start_does_not_seed_again(app: TestApp) {
        let seeded = app::server::demo::seed_if_empty(&app.db, 0).await.unwrap();
        assert!(!seeded);
        assert_eq!(app::server::accounts::count(&app.db).await.unwrap(), 6);
    }
}
