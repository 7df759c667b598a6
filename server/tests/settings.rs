//! The centre's settings through the real router, on SQLite and PostgreSQL:
//! only a coordinator changes them, bad values are refused with the field
//! named, and what is saved is what bookings and charges then use.

mod common;

use common::{Backend, TestApp};
use http::StatusCode;

const PRICES: [(&str, &str); 5] = [
    ("registration_per_parent", "110"),
    ("pre_visit_per_parent", "75"),
    ("deposit_per_parent", "110"),
    ("supervised_session", "104.50"),
    ("final_report", "60"),
];

both_databases! {
    async fn only_a_coordinator_changes_settings(app: TestApp) {
        for who in ["worker1", "visiting", "referrer"] {
            let cookie = app.sign_in_demo(who).await;
            assert_eq!(app.call("save_prices", &PRICES, Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(app.call("add_room", &[("name", "Sneaky room")], Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(app.call("centre_settings", &[], Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
        }
        assert_eq!(app.call("save_prices", &PRICES, None).await.status, StatusCode::UNAUTHORIZED);
        let coordinator = app.sign_in_demo("coordinator").await;
        let settings = app.call("centre_settings", &[], Some(&coordinator)).await.json();
        assert_eq!(settings["prices"]["supervised_session"], 9_900, "the default price is unchanged");
        assert!(!settings["rooms"].as_array().unwrap().iter().any(|r| r == "Sneaky room"));
    }

    async fn prices_are_saved_in_pence_and_bad_ones_refused(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let saved = app.call("save_prices", &PRICES, Some(&coordinator)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let settings = app.call("centre_settings", &[], Some(&coordinator)).await.json();
        assert_eq!(settings["prices"]["supervised_session"], 10_450);

        let mut negative = PRICES;
        negative[3] = ("supervised_session", "-99");
        let refused = app.call("save_prices", &negative, Some(&coordinator)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["field"], "supervised_session");
        let settings = app.call("centre_settings", &[], Some(&coordinator)).await.json();
        assert_eq!(settings["prices"]["supervised_session"], 10_450, "nothing changed");
        // The change, not the refusal, is in the audit trail with its new value.
        let changes: Vec<_> = app::server::audit::audit_trail(&app.db).await.unwrap().into_iter().filter(|e| e.subject == "settings:prices").collect();
        assert_eq!(changes.len(), 1);
        assert!(changes[0].detail.contains("10450"), "{}", changes[0].detail);
    }

    async fn staggering_hours_rooms_and_closed_days_are_checked(app: TestApp) {
        let coordinator = app.sign_in_demo("coordinator").await;
        let meet = app.call("save_stagger", &[("visiting_arrives_before_min", "2"), ("visiting_leaves_after_min", "10"), ("door_window_min", "5")], Some(&coordinator)).await;
        assert_eq!(meet.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(meet.body.contains("meet at the door"), "{}", meet.body);
        let good = app.call("save_stagger", &[("visiting_arrives_before_min", "20"), ("visiting_leaves_after_min", "15"), ("door_window_min", "10")], Some(&coordinator)).await;
        assert_eq!(good.status, StatusCode::OK, "{}", good.body);

        let backwards = app.call("save_hours", &[("opens", "18:00"), ("closes", "09:00")], Some(&coordinator)).await;
        assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(backwards.json()["field"], "closes");
        let nonsense = app.call("save_hours", &[("opens", "nine"), ("closes", "17:00")], Some(&coordinator)).await;
        assert_eq!(nonsense.json()["field"], "opens");
        // Hours saved without the box ticked: open on bank holidays.
        assert_eq!(app.call("save_hours", &[("opens", "08:30"), ("closes", "17:00")], Some(&coordinator)).await.status, StatusCode::OK);

        let rooms_added = || async {
            sqlx::query_scalar::<_, String>("SELECT detail FROM audit_log WHERE subject = 'settings:rooms' AND action = 'add room' ORDER BY seq")
                .fetch_all(&app.db.pool)
                .await
                .unwrap()
        };
        let before = rooms_added().await.len();
        assert_eq!(app.call("add_room", &[("name", "Blue room")], Some(&coordinator)).await.status, StatusCode::UNPROCESSABLE_ENTITY, "a room of that name exists");
        assert_eq!(rooms_added().await.len(), before, "a refused room leaves no entry");
        assert_eq!(app.call("add_room", &[("name", "Garden room")], Some(&coordinator)).await.status, StatusCode::OK);
        let added = rooms_added().await;
        assert_eq!(added.len(), before + 1);
        assert!(added.last().unwrap().ends_with(": Garden room"), "the trail names the room: {added:?}");
        let no_reason = app.call("add_closed_day", &[("date", "2027-02-15"), ("reason", " ")], Some(&coordinator)).await;
        assert_eq!(no_reason.json()["field"], "reason");
        assert_eq!(app.call("add_closed_day", &[("date", "2027-02-15"), ("reason", "Staff training")], Some(&coordinator)).await.status, StatusCode::OK);

        let settings = app.call("centre_settings", &[], Some(&coordinator)).await.json();
        assert_eq!(settings["stagger"]["door_window_min"], 10);
        assert_eq!(settings["hours"]["opens"], "08:30:00");
        assert_eq!(settings["closures"]["bank_holidays"], false);
        assert_eq!(settings["closures"]["extra"][0]["reason"], "Staff training");
        assert!(settings["rooms"].as_array().unwrap().iter().any(|r| r == "Garden room"));

        assert_eq!(app.call("remove_closed_day", &[("date", "2027-02-15")], Some(&coordinator)).await.status, StatusCode::OK);
        let settings = app.call("centre_settings", &[], Some(&coordinator)).await.json();
        assert_eq!(settings["closures"]["extra"], serde_json::json!([]));
    }
}
