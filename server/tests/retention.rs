//! Data protection on both databases: closing a case ends referrers' access
//! to what comes after; a case on legal hold is never erased; an erasure
//! leaves none of the case's personal data in any table and the audit trail
//! still verifies; a subject access export for one parent holds nothing of
//! the other parent's contact details.

mod common;

use app::domain::money::Funding;
use app::model::ParentDetails;
use app::server::{Db, bookings, erasure, now_ms, referrals};
use common::cases::{BY, HOUR, assess, saturday_ten_next_week, series, worker_ids};
use common::{Backend, TestApp, json_request};
use http::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

const YEAR: i64 = 366 * 24 * HOUR;

/// What only this family's rows carry: searched for in every table.
const NAMES: [&str; 9] = [
    "Zephyrine",
    "Quillfeather",
    "Oswin Brackenridge",
    "Perpetua Vantablack",
    "07700 900456",
    "perpetua@visiting.example",
    "9 Faraway Road",
    "17 Umbrella Lane",
    "Rosalind Referrer",
];

fn parent(name: &str, phone: &str, email: &str, address: &str) -> ParentDetails {
    ParentDetails {
        full_name: name.into(),
        phone: phone.into(),
        email: email.into(),
        address: address.into(),
    }
}

/// A case of the test's own, accepted, assessed and planned with both
/// agreements, whose people have names nobody else has.
async fn family(app: &TestApp, reference: &str) -> i64 {
    let mut referral = common::cases::referral(reference, Funding::Private);
    referral.children[0].first_name = "Zephyrine".into();
    referral.children[0].last_name = "Quillfeather".into();
    referral.court_orders = "Order about Zephyrine Quillfeather".into();
    referral.resident = parent(
        "Oswin Brackenridge",
        "07700 900123",
        "oswin@resident.example",
        "17 Umbrella Lane",
    );
    referral.visiting = parent(
        "Perpetua Vantablack",
        "07700 900456",
        "perpetua@visiting.example",
        "9 Faraway Road",
    );
    let case = referrals::record(
        &app.db,
        &referral,
        &referrals::Recorder::Coordinator(BY),
        now_ms(),
    )
    .await
    .unwrap();
    referrals::decide(&app.db, case, true, "", BY, now_ms())
        .await
        .unwrap();
    assess(app, case, app::domain::risk::SuggestedService::Supervised).await;
    let plan = app::server::plans::create(
        &app.db,
        case,
        &common::cases::supervised_weekly(),
        BY,
        now_ms(),
    )
    .await
    .unwrap();
    for side in [
        app::domain::money::Parent::Resident,
        app::domain::money::Parent::Visiting,
    ] {
        app::server::plans::record_agreement(&app.db, plan, side, "2026-11-20", BY, now_ms())
            .await
            .unwrap();
    }
    case
}

/// A room of the test's own, free at every hour.
async fn room(db: &Db) -> i64 {
    let name = uuid::Uuid::new_v4().simple().to_string();
    app::server::settings::add_room(db, &name, BY, now_ms())
        .await
        .unwrap()
}

/// Two sessions that are over (worked by Ada and Ben; Ada's phone logged
/// them and both signed both records) and one still ahead. Returns (the two
/// ended bookings, the one ahead, Ada's sign-in).
async fn sessions_signed(app: &TestApp, case: i64) -> ([i64; 2], i64, String) {
    let workers = worker_ids(app).await;
    let booked = bookings::book_series(
        &app.db,
        &series(
            case,
            room(&app.db).await,
            saturday_ten_next_week(),
            3,
            workers,
        ),
        BY,
        now_ms(),
    )
    .await
    .unwrap();
    let cookie = app.sign_in("ada.test", "long-enough-pass").await;
    let ben = app.sign_in("ben.test", "long-enough-pass").await;
    let me = app.my_id(&cookie).await;
    let mut ended = [0; 2];
    for (n, booking) in booked[..2].iter().enumerate() {
        let start = sqlx::query_scalar::<_, i64>("SELECT starts_at FROM bookings WHERE id = $1")
            .bind(*booking)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let start = app
            .move_earlier(*booking, start - now_ms() + (3 + n as i64) * HOUR)
            .await;
        let items: Vec<Value> = [
            (json!({ "type": "started" }), start),
            (json!({ "type": "observation", "category": "play", "text": "Zephyrine and Perpetua Vantablack played cards" }), start + 60_000),
            (json!({ "type": "ended" }), start + 50 * 60_000),
        ]
        .into_iter()
        .enumerate()
        .map(|(k, (kind, at))| {
            json!({ "id": format!("0190c000-0000-7000-8000-{:012}", booking * 10 + k as i64), "device_ms": at,
                    "rejected": null, "author": me, "payload": { "booking_id": booking, "at_ms": at, "kind": kind } })
        })
        .collect();
        let synced = app
            .send(json_request(
                "sync_entries",
                &json!({ "batch": { "sent_ms": now_ms(), "items": items } }).to_string(),
                Some(&cookie),
            ))
            .await;
        assert_eq!(synced.status, StatusCode::OK, "{}", synced.body);
        let text = json!({ "summary": "Zephyrine Quillfeather enjoyed the session.", "ended_early": "", "incident": "" });
        let saved = app
            .send(json_request(
                "save_record_text",
                &json!({ "booking_id": booking, "text": text }).to_string(),
                Some(&cookie),
            ))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        for signer in [&cookie, &ben] {
            let record = app
                .call(
                    "read_record",
                    &[("booking_id", &booking.to_string())],
                    Some(signer),
                )
                .await
                .json();
            let signed = app
                .send(json_request(
                    "sign_record",
                    &json!({ "booking_id": booking, "text": record["text"], "password": "long-enough-pass", "unsigned_note": "", "device_ms": 1 }).to_string(),
                    Some(signer),
                ))
                .await;
            assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
        }
        ended[n] = *booking;
    }
    (ended, booked[2], cookie)
}

/// A referrer of the case, signed in with a password of their own.
async fn referrer_of(app: &TestApp, reference: &str, coordinator: &str) -> String {
    let created = app
        .call(
            "create_account",
            &[
                ("username", "rosalind"),
                ("display_name", "Rosalind Referrer"),
                ("role", "referrer"),
                ("password", "long-enough-pass"),
                ("case_reference", reference),
                ("relation", "referrer"),
            ],
            Some(coordinator),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    app.first_sign_in("rosalind", "long-enough-pass").await
}

async fn cosign(app: &TestApp, coordinator: &str, booking: i64) {
    let cosigned = app
        .call(
            "cosign_record",
            &[
                ("booking_id", &booking.to_string()),
                ("password", "contact-demo"),
            ],
            Some(coordinator),
        )
        .await;
    assert_eq!(cosigned.status, StatusCode::OK, "{}", cosigned.body);
}

async fn released_to(app: &TestApp, referrer: &str) -> Vec<i64> {
    app.call("my_released_records", &[], Some(referrer))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["booking_id"].as_i64().unwrap())
        .collect()
}

/// Every text in every table (each column cast to text), for the search.
async fn every_value(db: &Db, backend: Backend) -> Vec<(String, String)> {
    let tables: Vec<String> = match backend {
        Backend::Sqlite => sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
        ),
        Backend::Postgres => sqlx::query(
            "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
        ),
    }
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get("name").unwrap())
    .collect();
    assert!(tables.len() > 25, "every table is searched: {tables:?}");
    let mut values = Vec::new();
    for table in tables {
        let sql = match backend {
            Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
            Backend::Postgres => format!(
                "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'"
            ),
        };
        let columns: Vec<String> = sqlx::query(&sql)
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get("name").unwrap())
            .collect();
        for column in columns {
            for row in sqlx::query(&format!("SELECT CAST({column} AS TEXT) AS v FROM {table}"))
                .fetch_all(&db.pool)
                .await
                .unwrap()
            {
                if let Some(text) = row.try_get::<Option<String>, _>("v").unwrap() {
                    values.push((format!("{table}.{column}"), text));
                }
            }
        }
    }
    values
}

async fn found_names(db: &Db, backend: Backend) -> Vec<String> {
    every_value(db, backend)
        .await
        .into_iter()
        .filter_map(|(place, text)| {
            NAMES
                .iter()
                .find(|name| text.contains(*name))
                .map(|name| format!("{name} in {place}"))
        })
        .collect()
}

both_databases! {
    async fn closing_a_case_ends_bookings_ahead_and_referrers_get_nothing_released_after(app: TestApp) {
        let case = family(&app, "RET-0001").await;
        let coordinator = app.sign_in_demo("coordinator").await;
        let ([first, second], ahead, _) = sessions_signed(&app, case).await;
        let referrer = referrer_of(&app, "RET-0001", &coordinator).await;
        cosign(&app, &coordinator, first).await;
        assert_eq!(released_to(&app, &referrer).await, vec![first]);

        let unknown = app.call("close_case", &[("case_id", &case.to_string()), ("reason", "bored"), ("note", "")], Some(&coordinator)).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.body);
        assert!(unknown.body.contains("Choose why the case is closing"));
        let closed = app.call("close_case", &[("case_id", &case.to_string()), ("reason", "contact_ended"), ("note", "Final hearing done")], Some(&coordinator)).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
        assert!(closed.body.contains("1 booking(s) still ahead are cancelled"), "{}", closed.body);
        let cancelled: Option<i64> = sqlx::query_scalar("SELECT cancelled_at FROM bookings WHERE id = $1").bind(ahead).fetch_one(&app.db.pool).await.unwrap();
        assert!(cancelled.is_some(), "the booking ahead is cancelled");
        let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE booking_id = $1").bind(ahead).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(told, 2, "both parents are told");
        let again = app.call("close_case", &[("case_id", &case.to_string()), ("reason", "contact_ended"), ("note", "")], Some(&coordinator)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        // Nothing new is added to a closed case.
        let refused = bookings::book_series(&app.db, &series(case, room(&app.db).await, saturday_ten_next_week() + 14 * 24 * HOUR, 1, vec![]), BY, now_ms()).await;
        assert!(matches!(refused, Err(app::error::AppError::Conflict { .. })), "{refused:?}");

        // A record released after closure does not reach the referrer.
        cosign(&app, &coordinator, second).await;
        assert_eq!(released_to(&app, &referrer).await, vec![first]);
        let read = app.call("read_record", &[("booking_id", &second.to_string())], Some(&referrer)).await;
        assert_eq!(read.status, StatusCode::NOT_FOUND);
        let read = app.call("read_record", &[("booking_id", &first.to_string())], Some(&referrer)).await;
        assert_eq!(read.status, StatusCode::OK, "what was released before closure is still read, within the period");

        // Once the referrer's period is over, nothing of the closed case.
        let saved = app.call("save_retention", &[("records_years", "6"), ("referral_years", "6"), ("payments_years", "6"), ("accounts_years", "1"), ("referrer_access_days", "0")], Some(&coordinator)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert!(released_to(&app, &referrer).await.is_empty());
        let read = app.call("read_record", &[("booking_id", &first.to_string())], Some(&referrer)).await;
        assert_eq!(read.status, StatusCode::NOT_FOUND);
        let bad = app.call("save_retention", &[("records_years", "0"), ("referral_years", "6"), ("payments_years", "6"), ("accounts_years", "1"), ("referrer_access_days", "0")], Some(&coordinator)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        let detail = app.call("case_detail", &[("case_id", &case.to_string())], Some(&coordinator)).await.json();
        assert_eq!(detail["retention"]["closed"]["reason"], "contact_ended");
        assert_eq!(detail["retention"]["due"].as_array().unwrap().len(), 3);
    }

    async fn a_case_on_legal_hold_is_never_erased_and_an_erased_case_leaves_no_personal_data(app: TestApp) {
        let case = family(&app, "RET-0002").await;
        let coordinator = app.sign_in_demo("coordinator").await;
        let ([first, _], _, _) = sessions_signed(&app, case).await;
        let referrer = referrer_of(&app, "RET-0002", &coordinator).await;
        cosign(&app, &coordinator, first).await;
        assert_eq!(released_to(&app, &referrer).await, vec![first]);
        for (name, role, relation) in [("Oswin Brackenridge", "parent", "resident_parent"), ("Perpetua Vantablack", "parent", "visiting_parent")] {
            let username = name.split(' ').next().unwrap().to_lowercase();
            let made = app.call("create_account", &[("username", &username), ("display_name", name), ("role", role), ("password", "long-enough-pass"), ("case_reference", "RET-0002"), ("relation", relation)], Some(&coordinator)).await;
            assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        }
        // The guards refuse to remove a signed record outside an erasure.
        assert!(sqlx::query("DELETE FROM session_records WHERE booking_id = $1").bind(first).execute(&app.db.pool).await.is_err());
        assert!(sqlx::query("DELETE FROM session_entries WHERE booking_id = $1").bind(first).execute(&app.db.pool).await.is_err());
        assert!(sqlx::query("UPDATE audit_log SET detail = '', erased_ms = 1 WHERE subject = $1").bind(format!("case:{case}")).execute(&app.db.pool).await.is_err());

        // Even with an erasure's marker, an open case's records do not go.
        sqlx::query("INSERT INTO erasing (case_id, started_ms) VALUES ($1, 0)").bind(case).execute(&app.db.pool).await.unwrap();
        assert!(sqlx::query("DELETE FROM session_entries WHERE booking_id = $1").bind(first).execute(&app.db.pool).await.is_err(), "open case");
        assert!(sqlx::query("UPDATE audit_log SET detail = '', erased_ms = 1 WHERE subject = $1").bind(format!("case:{case}")).execute(&app.db.pool).await.is_err(), "open case");
        sqlx::query("DELETE FROM erasing").execute(&app.db.pool).await.unwrap();
        let held = app.call("set_legal_hold", &[("case_id", &case.to_string()), ("reason", " ")], Some(&coordinator)).await;
        assert_eq!(held.status, StatusCode::UNPROCESSABLE_ENTITY, "a hold says why");
        let held = app.call("set_legal_hold", &[("case_id", &case.to_string()), ("reason", "Court proceedings: appeal listed")], Some(&coordinator)).await;
        assert_eq!(held.status, StatusCode::OK, "{}", held.body);
        let closed = app.call("close_case", &[("case_id", &case.to_string()), ("reason", "court_decision"), ("note", "")], Some(&coordinator)).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);

        // Thirty years on, held: nothing of it is erased.
        let later = now_ms() + 30 * YEAR;
        let plan = erasure::erase_due(&app.db, later).await.unwrap();
        assert!(plan.cases.iter().all(|c| c.case_id != case), "{:?}", plan.cases);
        assert!(!found_names(&app.db, app.backend).await.is_empty());
        let detail = app.call("case_detail", &[("case_id", &case.to_string())], Some(&coordinator)).await.json();
        assert_eq!(detail["retention"]["hold"]["reason"], "Court proceedings: appeal listed");
        assert!(detail["retention"]["due"].as_array().unwrap().iter().all(|due| due[1].is_null()), "no date while held");

        // The hold lifted, the dry run lists the case; the erasure removes it.
        let lifted = app.call("lift_legal_hold", &[("case_id", &case.to_string())], Some(&coordinator)).await;
        assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
        let plan = erasure::plan(&app.db, later).await.unwrap();
        let ours = plan.cases.iter().find(|c| c.case_id == case).expect("the case is due");
        assert!(ours.whole_case);
        assert!(plan.lines().iter().any(|line| line.starts_with("case RET-0002")));
        assert!(!found_names(&app.db, app.backend).await.is_empty(), "a plan removes nothing");
        let code: String = sqlx::query_scalar("SELECT code FROM released_documents WHERE kind = 'record' AND object_id = $1")
            .bind(first).fetch_one(&app.db.pool).await.unwrap();
        erasure::erase(&app.db, &plan, later).await.unwrap();
        // The released record's code still answers: erased, not altered.
        let checked = app::server::documents::verify(&app.db, &code, later).await.unwrap().unwrap();
        assert!(checked.erased && !checked.intact, "{checked:?}");

        let left = found_names(&app.db, app.backend).await;
        assert!(left.is_empty(), "personal data left after erasure: {left:?}");
        let verdict = server::startup::verify_audit(&app.db).await.expect("verify-audit still holds");
        assert!(verdict.contains("erased under the retention schedule"), "{verdict}");
        let erased: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE subject = $1 AND erased_ms IS NOT NULL")
            .bind(format!("case:{case}")).fetch_one(&app.db.pool).await.unwrap();
        assert!(erased > 3, "the case's audit entries keep their place and hashes, not their content");
        let noted: String = sqlx::query_scalar("SELECT detail FROM audit_log WHERE subject = $1 AND action = 'erase'")
            .bind(format!("case:{case}")).fetch_one(&app.db.pool).await.unwrap();
        assert!(noted.contains("the whole case"), "{noted}");
        let marker: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM erasing").fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(marker, 0, "the erasure's marker never outlives it");
        assert_eq!(app.call("case_detail", &[("case_id", &case.to_string())], Some(&coordinator)).await.status, StatusCode::NOT_FOUND);
        let again = erasure::plan(&app.db, later).await.unwrap();
        assert!(again.cases.iter().all(|c| c.case_id != case), "an erased case is not erased twice");
    }

    async fn a_subject_access_export_for_one_parent_holds_nothing_of_the_others_contact_details(app: TestApp) {
        let case = family(&app, "RET-0003").await;
        let coordinator = app.sign_in_demo("coordinator").await;
        sessions_signed(&app, case).await;
        let item = json!({ "item": { "case_id": case, "from_side": "visiting", "for_child": "Zephyrine", "kind": "card",
            "description": "A birthday card with a drawing of a fox", "received_on": "2026-11-20" } });
        let logged = app.send(json_request("log_indirect_item", &item.to_string(), Some(&coordinator))).await;
        assert_eq!(logged.status, StatusCode::OK, "{}", logged.body);
        let children = app.get_page(&format!("/documents/subject-access/children-{case}"), Some(&coordinator)).await;
        assert!(children.body.contains("A birthday card with a drawing of a fox"), "the children's export has what was sent to them");
        let visiting = app.get_page(&format!("/documents/subject-access/visiting-{case}"), Some(&coordinator)).await;
        assert!(visiting.body.contains("A birthday card with a drawing of a fox"), "and the sender's has what they sent");
        assert!(!visiting.body.contains("17 Umbrella Lane") && !visiting.body.contains("07700 900123"));
        for format in ["", "?format=json"] {
            let export = app.get_page(&format!("/documents/subject-access/resident-{case}{format}"), Some(&coordinator)).await;
            assert_eq!(export.status, StatusCode::OK, "{}", export.body);
            assert!(export.body.contains("Oswin Brackenridge") && export.body.contains("17 Umbrella Lane") && export.body.contains("07700 900123"));
            for theirs in ["07700 900456", "perpetua@visiting.example", "9 Faraway Road"] {
                assert!(!export.body.contains(theirs), "the visiting parent's {theirs} is in the export");
            }
            assert!(!export.body.contains("birthday card"), "what the other parent sent is not the resident parent's");
            // The record names the other parent: it is there only for review.
            assert!(export.body.contains("CHECK BEFORE RELEASE") || export.body.contains("\"review\": true"));
        }
        let json: Value = serde_json::from_str(&app.get_page(&format!("/documents/subject-access/resident-{case}?format=json"), Some(&coordinator)).await.body).unwrap();
        let records = json["sections"].as_array().unwrap().iter().find(|s| s["title"] == "Session records and reports").unwrap();
        assert!(records["lines"].as_array().unwrap().iter().all(|line| line["review"] == true));
        assert_eq!(records["lines"].as_array().unwrap().len(), 2);

        let worker = app.sign_in_demo("worker1").await;
        assert_eq!(app.get_page(&format!("/documents/subject-access/resident-{case}"), Some(&worker)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get_page(&format!("/documents/subject-access/resident-{case}"), None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get_page("/documents/subject-access/resident-99999", Some(&coordinator)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get_page("/documents/subject-access/neighbour-1", Some(&coordinator)).await.status, StatusCode::NOT_FOUND);
        let exports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'subject access' AND subject = $1")
            .bind(format!("case:{case}")).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(exports, 5, "every export is in the audit trail");
    }

    async fn the_erase_command_lists_what_is_due_and_its_dry_run_removes_nothing(app: TestApp) {
        let case = family(&app, "RET-0004").await;
        let coordinator = app.sign_in_demo("coordinator").await;
        let closed = app.call("close_case", &[("case_id", &case.to_string()), ("reason", "family_withdrew"), ("note", "")], Some(&coordinator)).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
        // Closed seven years ago (the test's own row, moved back in time).
        sqlx::query("UPDATE cases SET closed_ms = $1 WHERE id = $2").bind(now_ms() - 7 * YEAR).bind(case).execute(&app.db.pool).await.unwrap();
        let data = std::env::temp_dir().join(format!("ccc-erase-{}", uuid::Uuid::new_v4().simple()));
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_contact-centre"))
            .args(["erase", "--dry-run"])
            .env("DATABASE_URL", &app.url)
            .env("CCC_DATA_DIR", &data)
            .env("CCC_LOG", "error")
            .output()
            .expect("run the erase command");
        let _ = std::fs::remove_dir_all(&data);
        let printed = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{printed} {}", String::from_utf8_lossy(&output.stderr));
        assert!(printed.contains(&format!("case RET-0004 ({case}): Session records and reports, Referral and risk papers, Payments; the whole case")), "{printed}");
        assert!(printed.contains("children: 1") && printed.contains("(a dry run: nothing was removed)"), "{printed}");
        assert!(!found_names(&app.db, app.backend).await.is_empty(), "nothing was removed");
    }

    async fn when_only_the_referral_papers_are_due_they_go_and_the_records_stay(app: TestApp) {
        let case = family(&app, "RET-0005").await;
        let coordinator = app.sign_in_demo("coordinator").await;
        let ([first, _], _, _) = sessions_signed(&app, case).await;
        let saved = app.call("save_retention", &[("records_years", "6"), ("referral_years", "1"), ("payments_years", "6"), ("accounts_years", "1"), ("referrer_access_days", "30")], Some(&coordinator)).await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let closed = app.call("close_case", &[("case_id", &case.to_string()), ("reason", "contact_ended"), ("note", "")], Some(&coordinator)).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
        let later = now_ms() + 2 * YEAR;
        let plan = erasure::plan(&app.db, later).await.unwrap();
        let ours = plan.cases.iter().find(|c| c.case_id == case).expect("the referral papers are due");
        assert_eq!(ours.kinds, vec![app::domain::retention::DataKind::Referral]);
        assert!(!ours.whole_case);
        erasure::erase(&app.db, &plan, later).await.unwrap();

        let words: String = sqlx::query_scalar("SELECT court_orders FROM referrals WHERE case_id = $1").bind(case).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(words, "", "the court orders' words are gone");
        let assessments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM risk_assessments WHERE case_id = $1").bind(case).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(assessments, 0);
        let why: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit_log WHERE subject = $1 AND action IN ('risk decision', 'referral recorded')")
            .bind(format!("case:{case}")).fetch_all(&app.db.pool).await.unwrap();
        assert!(!why.is_empty() && why.iter().all(String::is_empty), "the referral's audit entries lose their words: {why:?}");
        let plan_entry: String = sqlx::query_scalar("SELECT detail FROM audit_log WHERE subject = $1 AND action = 'plan'")
            .bind(format!("case:{case}")).fetch_one(&app.db.pool).await.unwrap();
        assert!(!plan_entry.is_empty(), "other entries of the case keep theirs");
        assert_eq!(app.call("read_record", &[("booking_id", &first.to_string())], Some(&coordinator)).await.status, StatusCode::OK, "the records stay");
        let verdict = server::startup::verify_audit(&app.db).await.expect("verify-audit still holds");
        assert!(verdict.contains("erased under the retention schedule"), "{verdict}");

        // An entry emptied outside any erasure is caught by the check.
        sqlx::query("INSERT INTO erasing (case_id, started_ms) VALUES (0, 0)").execute(&app.db.pool).await.unwrap();
        sqlx::query("UPDATE audit_log SET detail = '', erased_ms = $1 WHERE subject = $2 AND action = 'plan'")
            .bind(later + 1).bind(format!("case:{case}")).execute(&app.db.pool).await.unwrap();
        sqlx::query("DELETE FROM erasing").execute(&app.db.pool).await.unwrap();
        let found = server::startup::verify_audit(&app.db).await.expect_err("an unrecorded emptying is found");
        assert!(found.to_string().contains("no erasure under the retention schedule names it"), "{found}");
    }
}
