//! Messages that leave the portal: queued in the step's own transaction,
//! delivered by the delivery task to a real SMTP server (aiosmtpd) and a
//! stand-in of GOV.UK Notify's API, retried, never sent twice where the
//! channel allows it, on both databases.

mod common;

use std::sync::Arc;

use app::domain::money::{Canceller, Funding, Parent};
use app::server::delivery::{self, GovUkNotify, LEASE_MS, Mailer, Messaging, SmsProvider};
use app::server::{Db, bookings, now_ms, outbox, settings};
use common::cases::{BY, series, signed_case, worker_ids};
use common::mail::{NOTIFY_KEY, NotifyStandIn, SmtpSink, header};
use common::{Backend, TestApp};
use sqlx::Row;

const MINUTE: i64 = 60_000;

/// The demo centre's seeding queues messages of its own (its family's paid
/// session is confirmed): each test starts from an empty outbox, so that
/// what it finds there is what its own steps queued.
async fn empty_outbox(app: &TestApp) {
    sqlx::query("DELETE FROM outbox")
        .execute(&app.db.pool)
        .await
        .unwrap();
}

/// A case of the test's own whose parents gave their email addresses.
async fn case_with_emails(app: &TestApp, reference: &str) -> i64 {
    empty_outbox(app).await;
    let case = signed_case(app, reference, Funding::Private).await;
    for (side, email) in [
        ("resident", "res@family.example"),
        ("visiting", "vis@family.example"),
    ] {
        sqlx::query("UPDATE case_parents SET email = $1 WHERE case_id = $2 AND side = $3")
            .bind(email)
            .bind(case)
            .bind(side)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    case
}

/// `count` weekly sessions from next week's Saturday, `weeks` later still.
async fn book(app: &TestApp, case: i64, count: u32, weeks: i64) -> (Vec<i64>, i64) {
    let room = uuid::Uuid::new_v4().simple().to_string();
    let room = settings::add_room(&app.db, &room, BY, now_ms())
        .await
        .unwrap();
    let first = common::cases::saturday_ten_next_week() + weeks * 7 * 24 * 60 * MINUTE;
    let ids = bookings::book_series(
        &app.db,
        &series(case, room, first, count, worker_ids(app).await),
        BY,
        now_ms(),
    )
    .await
    .unwrap();
    (ids, first)
}

fn mailer(url: &str) -> Option<Mailer> {
    Some(Mailer::new(url, "Riverside Centre <bookings@riverside.example>").unwrap())
}

async fn rows(db: &Db) -> Vec<(String, String, String, i64, String)> {
    sqlx::query("SELECT recipient, status, body, attempts, last_answer FROM outbox ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get("recipient"),
                r.get("status"),
                r.get("body"),
                r.get("attempts"),
                r.get("last_answer"),
            )
        })
        .collect()
}

both_databases! {
    async fn a_cancellation_and_its_messages_commit_together_or_not_at_all(app: TestApp) {
        let case = case_with_emails(&app, "FAM-0601").await;
        let (ids, first) = book(&app, case, 2, 0).await;

        // The step fails at its very end (its audit entry cannot be written):
        // neither the cancellation nor its messages are kept.
        sqlx::query("ALTER TABLE audit_log RENAME TO audit_log_away").execute(&app.db.pool).await.unwrap();
        let failed = bookings::cancel(&app.db, ids[0], Canceller::Centre, "Child unwell", BY, now_ms()).await;
        sqlx::query("ALTER TABLE audit_log_away RENAME TO audit_log").execute(&app.db.pool).await.unwrap();
        assert!(failed.is_err());
        assert!(rows(&app.db).await.is_empty(), "no message for a cancellation that did not happen");
        let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE id = $1 AND cancelled_at IS NULL")
            .bind(ids[0]).fetch_one(&app.db.pool).await.unwrap();
        assert_eq!(live, 1);

        // Done for real: one email to each parent, each with their own time,
        // the listed reason, and nothing of the child.
        bookings::cancel(&app.db, ids[0], Canceller::Centre, "Child unwell", BY, now_ms()).await.unwrap();
        let queued = rows(&app.db).await;
        assert_eq!(queued.len(), 2, "{queued:?}");
        let to = |who: &str| queued.iter().find(|r| r.0 == who).unwrap_or_else(|| panic!("{who}: {queued:?}"));
        let visiting_time = app::domain::london_time::format_london_time(first - 15 * MINUTE);
        let resident_time = app::domain::london_time::format_london_time(first);
        assert!(to("vis@family.example").2.contains(&format!("at {visiting_time}")), "{queued:?}");
        assert!(to("res@family.example").2.contains(&format!("at {resident_time}")), "{queued:?}");
        for row in &queued {
            assert_eq!(row.1, "queued");
            assert!(row.2.contains("The reason: child unwell."), "{}", row.2);
            assert!(!row.2.contains("Mia"), "no child's name: {}", row.2);
        }

        // A reason typed by staff stays in the portal.
        bookings::cancel(&app.db, ids[1], Canceller::Centre, "Mia said she is scared of the car", BY, now_ms()).await.unwrap();
        let queued = rows(&app.db).await;
        assert_eq!(queued.len(), 4);
        for row in &queued[2..] {
            assert!(!row.2.contains("Mia") && !row.2.contains("scared"), "{}", row.2);
            assert!(row.2.contains("The reason is in your portal."), "{}", row.2);
        }
        let portal = app::server::portal::notices(&app.db, case, Parent::Resident).await.unwrap();
        assert!(portal[0].body.contains("scared of the car"), "the portal keeps the whole reason");
    }

    async fn email_goes_once_is_retried_with_backoff_and_is_given_up_in_the_end(app: TestApp) {
        let case = case_with_emails(&app, "FAM-0602").await;
        let (ids, _) = book(&app, case, 2, 0).await;
        bookings::cancel(&app.db, ids[0], Canceller::Centre, "Staff unwell", BY, now_ms()).await.unwrap();
        let t0 = now_ms();

        // The mail server is down: both are tried, kept, and not tried
        // again before their time.
        let closed = format!("smtp://127.0.0.1:{}", common::mail::free_port());
        let down = Messaging::new("Riverside Centre", "https://centre.example", mailer(&closed), None);
        assert_eq!(delivery::deliver_due(&app.db, &down, t0).await.unwrap(), 2);
        let after = rows(&app.db).await;
        assert!(after.iter().all(|r| r.1 == "retrying" && r.3 == 1 && !r.4.is_empty()), "{after:?}");
        assert_eq!(delivery::deliver_due(&app.db, &down, t0 + 10_000).await.unwrap(), 0, "not before the backoff");

        // It is back: each goes once, with the link and the centre's name.
        let sink = SmtpSink::start().await;
        let up = Messaging::new("Riverside Centre", "https://centre.example", mailer(&sink.url()), None);
        assert_eq!(delivery::deliver_due(&app.db, &up, t0 + MINUTE).await.unwrap(), 2);
        assert_eq!(delivery::deliver_due(&app.db, &up, t0 + 60 * MINUTE).await.unwrap(), 0);
        let mail = sink.messages();
        assert_eq!(mail.len(), 2);
        let to_res = mail.iter().find(|m| header(m, "To").unwrap().contains("res@family.example")).unwrap();
        assert_eq!(header(to_res, "Subject").unwrap(), "A session is cancelled");
        assert!(header(to_res, "From").unwrap().contains("bookings@riverside.example"));
        assert!(to_res.contains("https://centre.example/parent"), "{to_res}");
        assert!(to_res.contains("Riverside Centre"));
        assert!(to_res.contains("multipart/alternative") && to_res.contains("text/html"));
        assert!(rows(&app.db).await.iter().all(|r| r.1 == "sent" && r.3 == 2));

        // A message that keeps failing is given up after six tries, with why.
        bookings::cancel(&app.db, ids[1], Canceller::Centre, "Centre closed", BY, now_ms()).await.unwrap();
        let mut at = t0 + 2 * 60 * MINUTE;
        for _ in 0..6 {
            delivery::deliver_due(&app.db, &down, at).await.unwrap();
            at += 24 * 60 * MINUTE;
        }
        let last = rows(&app.db).await;
        assert!(last[2..].iter().all(|r| r.1 == "given_up" && r.3 == 6), "{last:?}");
        assert_eq!(delivery::deliver_due(&app.db, &down, at).await.unwrap(), 0);
        assert_eq!(sink.messages().len(), 2, "nothing more reached the mail server");
    }

    async fn a_task_that_dies_mid_send_lets_go_and_the_next_one_sends_it(app: TestApp) {
        let case = case_with_emails(&app, "FAM-0603").await;
        let (ids, _) = book(&app, case, 1, 0).await;
        bookings::cancel(&app.db, ids[0], Canceller::Centre, "Child unwell", BY, now_ms()).await.unwrap();
        let sink = SmtpSink::start().await;
        let t0 = now_ms();

        // The first server claims both and stops before sending anything.
        let dead = Messaging::new("Riverside", "https://centre.example", mailer(&sink.url()), None);
        let claimed = outbox::claim(&app.db, &dead.worker, t0, LEASE_MS, 20).await.unwrap();
        assert_eq!(claimed.len(), 2);

        // After a restart, a new task leaves them while the claim lasts,
        // then sends each once.
        let next = Messaging::new("Riverside", "https://centre.example", mailer(&sink.url()), None);
        assert_eq!(delivery::deliver_due(&app.db, &next, t0 + 1_000).await.unwrap(), 0);
        assert_eq!(delivery::deliver_due(&app.db, &next, t0 + LEASE_MS).await.unwrap(), 2);
        assert_eq!(sink.messages().len(), 2);
        // The old claim's late word changes nothing.
        let late = outbox::settle(&app.db, &claimed[0], &dead.worker, &outbox::Outcome::Failed { answer: "x".into(), permanent: true }, t0).await.unwrap();
        assert!(!late);
        assert!(rows(&app.db).await.iter().all(|r| r.1 == "sent"));
        // And a restart after they went sends nothing again.
        let again = Messaging::new("Riverside", "https://centre.example", mailer(&sink.url()), None);
        assert_eq!(delivery::deliver_due(&app.db, &again, t0 + 10 * LEASE_MS).await.unwrap(), 0);
        assert_eq!(sink.messages().len(), 2);

        // Email is at least once: a server that sent a message and died
        // before marking it sends it again, with the same Message-ID.
        bookings::cancel(&app.db, book(&app, case, 1, 1).await.0[0], Canceller::Centre, "Child unwell", BY, now_ms()).await.unwrap();
        let t1 = t0 + 20 * LEASE_MS;
        let dying = Messaging::new("Riverside", "https://centre.example", mailer(&sink.url()), None);
        let claimed = outbox::claim(&app.db, &dying.worker, t1, LEASE_MS, 1).await.unwrap();
        assert!(matches!(dying.try_send(&claimed[0]).await, outbox::Outcome::Sent(_)));
        assert_eq!(delivery::deliver_due(&app.db, &again, t1 + LEASE_MS).await.unwrap(), 2);
        let mail = sink.messages();
        assert_eq!(mail.len(), 5);
        let ids: Vec<String> = mail.iter().map(|m| header(m, "Message-ID").unwrap()).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 4, "the resent copy carries the first copy's Message-ID: {ids:?}");
    }

    async fn a_text_message_goes_exactly_once_even_when_its_server_died_after_sending(app: TestApp) {
        empty_outbox(&app).await;
        let case = signed_case(&app, "FAM-0604", Funding::Private).await;
        sqlx::query("UPDATE case_parents SET message_by = 'sms', phone = '07700 900123' WHERE case_id = $1 AND side = 'resident'")
            .bind(case).execute(&app.db.pool).await.unwrap();
        let (ids, _) = book(&app, case, 1, 0).await;
        bookings::cancel(&app.db, ids[0], Canceller::Parent(Parent::Visiting), "", BY, now_ms()).await.unwrap();
        let (notify, url) = NotifyStandIn::start().await;
        let sms: Arc<dyn SmsProvider> = Arc::new(GovUkNotify::new(&url, NOTIFY_KEY, "template-1").unwrap());
        let t0 = now_ms();

        // The first server sends it, and dies before marking it sent.
        let dying = Messaging::new("Riverside", "https://centre.example", None, Some(sms.clone()));
        let claimed = outbox::claim(&app.db, &dying.worker, t0, LEASE_MS, 20).await.unwrap();
        assert_eq!(claimed.len(), 1, "only the resident parent is told, by text");
        assert!(matches!(dying.try_send(&claimed[0]).await, outbox::Outcome::Sent(_)));
        // The next asks Notify by the message's reference and does not send it again.
        let next = Messaging::new("Riverside", "https://centre.example", None, Some(sms));
        assert_eq!(delivery::deliver_due(&app.db, &next, t0 + LEASE_MS).await.unwrap(), 1);
        assert_eq!(*notify.posts.lock().unwrap(), 1, "Notify was sent it once");
        let row = &rows(&app.db).await[0];
        assert_eq!(row.1, "sent");
        assert!(row.4.contains("Notify already had it"), "{row:?}");
        let sent = notify.sent.lock().unwrap();
        let (number, text) = sent.values().next().unwrap();
        assert_eq!(number, "07700 900123");
        assert!(text.contains("is off") && text.ends_with("Riverside"), "{text}");
    }

    async fn reminders_go_the_day_before_once_and_nearly_late_records_are_flagged(app: TestApp) {
        use app::domain::message::reminder_due_ms;
        use app::server::scheduled::queue_due;
        let case = case_with_emails(&app, "FAM-0606").await;
        let workers = worker_ids(&app).await;
        for id in &workers {
            sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
                .bind(format!("worker{id}@centre.example")).bind(id).execute(&app.db.pool).await.unwrap();
        }
        let (ids, first) = book(&app, case, 2, 0).await;
        bookings::cancel(&app.db, ids[1], Canceller::Centre, "Centre closed", BY, now_ms()).await.unwrap();
        // (Payments due are looked at by the same pass once a day: this
        // test looks only at reminders and warnings.)
        let timed = |body: &str| !body.contains("is due by");
        let count = || async { rows(&app.db).await.into_iter().filter(|r| timed(&r.2)).collect::<Vec<_>>() };
        let before: usize = count().await.len();
        let due = reminder_due_ms(first, 17 * 60);

        queue_due(&app.db, 17 * 60, due - 1).await.unwrap();
        assert_eq!(count().await.len(), before, "nothing before 17:00 the day before");
        queue_due(&app.db, 17 * 60, due + 1).await.unwrap();
        queue_due(&app.db, 17 * 60, due + 60_000).await.unwrap();
        let after = count().await;
        // (The demo centre's own session that Saturday has its reminders too.)
        let mine = [
            "res@family.example".to_owned(),
            "vis@family.example".to_owned(),
            format!("worker{}@centre.example", workers[0]),
            format!("worker{}@centre.example", workers[1]),
        ];
        let new: Vec<_> = after[before..].iter().filter(|r| mine.contains(&r.0)).cloned().collect();
        assert_eq!(new.len(), 4, "both parents and both workers, once: {new:?}");
        let to = |who: &str| new.iter().find(|r| r.0 == who).unwrap_or_else(|| panic!("{who}: {new:?}"));
        let time = app::domain::london_time::format_london_time;
        assert!(to("vis@family.example").2.contains(&format!("at {}", time(first - 15 * MINUTE))), "{new:?}");
        assert!(to("res@family.example").2.contains(&format!("at {}", time(first))), "{new:?}");
        let worker = to(&format!("worker{}@centre.example", workers[0]));
        assert!(worker.2.starts_with("You have 1 session tomorrow") && worker.2.contains(&time(first)), "{worker:?}");
        assert!(new.iter().all(|r| !r.2.contains("Mia")));

        // The session ends and nobody signs its record: with 12 hours left
        // of the 48, every coordinator is told once.
        let ends = first + 60 * MINUTE;
        let warnings = || async {
            rows(&app.db).await.into_iter().filter(|r| r.2.contains("FAM-0606") && r.2.contains("48-hour limit")).collect::<Vec<_>>()
        };
        queue_due(&app.db, 17 * 60, ends + 30 * 60 * MINUTE).await.unwrap();
        assert!(warnings().await.is_empty());
        queue_due(&app.db, 17 * 60, ends + 37 * 60 * MINUTE).await.unwrap();
        queue_due(&app.db, 17 * 60, ends + 38 * 60 * MINUTE).await.unwrap();
        let warned = warnings().await;
        assert_eq!(warned.len(), 1, "the demo's one coordinator: {warned:?}");
        assert_eq!(warned[0].0, "coordinator@centre.example");
        assert!(warned[0].2.contains("11 hours left"), "{warned:?}");
    }

    async fn staff_choose_how_they_hear_and_bad_details_are_refused_in_words(app: TestApp) {
        let worker = app.sign_in_demo("worker1").await;
        let call = |email: &'static str, phone: &'static str, choice: &'static str| {
            let worker = worker.clone();
            let app = &app;
            async move {
                app.call("set_my_contact", &[("email", email), ("phone", phone), ("choice", choice)], Some(&worker)).await
            }
        };
        let bad = call("priya@", "", "email").await;
        assert_eq!(bad.status, http::StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(bad.body.contains("does not look like an email address"), "{}", bad.body);
        let no_phone = call("priya@centre.example", "", "sms").await;
        assert!(no_phone.body.contains("Give a mobile number to hear by text message"), "{}", no_phone.body);
        let odd = call("priya@centre.example", "", "pigeon").await;
        assert_eq!(odd.status, http::StatusCode::UNPROCESSABLE_ENTITY);
        let saved = call("priya@centre.example", "07700 900555", "sms").await;
        assert_eq!(saved.status, http::StatusCode::OK, "{}", saved.body);
        let mine = app.call("my_contact", &[], Some(&worker)).await.json();
        assert_eq!(mine["message_by"], "sms");
        assert_eq!(mine["phone"], "07700 900555");
        // The coordinator sees it on the accounts list; a parent's own
        // details are on their case, not here.
        let coordinator = app.sign_in_demo("coordinator").await;
        let list = app.call("list_accounts", &[], Some(&coordinator)).await.json();
        let row = list.as_array().unwrap().iter().find(|a| a["username"] == "worker1").unwrap();
        assert_eq!(row["delivery"]["choice"], "Text message");
        assert_eq!(row["delivery"]["phone"], "07700 900555");
        let parent_row = list.as_array().unwrap().iter().find(|a| a["username"] == "resident").unwrap();
        assert!(parent_row["delivery"].is_null());
        let parent = app.sign_in_demo("resident").await;
        assert!(app.call("my_contact", &[], Some(&parent)).await.json().is_null());
        let refused = app.call("set_my_contact", &[("email", ""), ("phone", ""), ("choice", "none")], Some(&parent)).await;
        assert_eq!(refused.status, http::StatusCode::FORBIDDEN);
        // A parent chooses, for their case's messages.
        let chose = app.call("set_my_message_choice", &[("choice", "none")], Some(&parent)).await;
        assert_eq!(chose.status, http::StatusCode::OK, "{}", chose.body);
        let family = app.call("my_family_accounts", &[], Some(&parent)).await.json();
        assert_eq!(family[0]["message_by"], "none");
        assert_eq!(family[0]["has_email"], true);
    }

    async fn a_payment_that_confirms_a_session_tells_both_parents_once(app: TestApp) {
        use app::domain::money::Pence;
        use app::server::ledger;
        let case = case_with_emails(&app, "FAM-0607").await;
        let (ids, first) = book(&app, case, 3, 0).await;
        // Registration, deposit and the first session: £110 + £110 + £99.
        ledger::record_payment(&app.db, case, Parent::Visiting, false, Pence(31_900), "card", "2026-11-26", BY, now_ms())
            .await
            .unwrap();
        let confirmed: Vec<_> = rows(&app.db).await.into_iter().filter(|r| r.2.contains("is confirmed")).collect();
        assert_eq!(confirmed.len(), 2, "{confirmed:?}");
        let time = app::domain::london_time::format_london_time;
        assert!(confirmed.iter().any(|r| r.0 == "vis@family.example" && r.2.contains(&time(first - 15 * MINUTE))));
        assert!(confirmed.iter().any(|r| r.0 == "res@family.example" && r.2.contains(&time(first))));
        // A payment that confirms nothing more tells nobody again.
        ledger::record_payment(&app.db, case, Parent::Visiting, false, Pence(1_000), "card", "2026-11-26", BY, now_ms())
            .await
            .unwrap();
        assert_eq!(rows(&app.db).await.iter().filter(|r| r.2.contains("is confirmed")).count(), 2);
        assert_eq!(ids.len(), 3);
    }

    async fn each_payment_due_is_told_to_the_parent_who_owes_it_once(app: TestApp) {
        let case = case_with_emails(&app, "FAM-0609").await;
        book(&app, case, 1, 0).await;
        app::server::scheduled::payments_due(&app.db, now_ms()).await.unwrap();
        app::server::scheduled::payments_due(&app.db, now_ms() + 60_000).await.unwrap();
        let due: Vec<_> = rows(&app.db).await.into_iter().filter(|r| r.2.contains("is due by")).collect();
        for parent in ["res@family.example", "vis@family.example"] {
            let theirs: Vec<_> = due.iter().filter(|r| r.0 == parent).collect();
            assert_eq!(
                theirs.iter().filter(|r| r.2.starts_with("£110.00 for registration is due by")).count(),
                1,
                "{parent}: {due:?}"
            );
        }
        assert!(due.iter().all(|r| r.2.contains("How to pay, and the reference to give, are in your portal.") && !r.2.contains("Mia")));
    }

    async fn two_servers_on_one_database_send_each_message_once(app: TestApp) {
        let case = case_with_emails(&app, "FAM-0605").await;
        let (ids, _) = book(&app, case, 6, 0).await;
        for id in &ids {
            bookings::cancel(&app.db, *id, Canceller::Centre, "Room not available", BY, now_ms()).await.unwrap();
        }
        let sink = SmtpSink::start().await;
        let t0 = now_ms();
        // A second pool stands for a second server process on the same database.
        let other_db = Db::connect(&app.url).await.unwrap();
        let one = Messaging::new("Riverside", "https://centre.example", mailer(&sink.url()), None);
        let two = Messaging::new("Riverside", "https://centre.example", mailer(&sink.url()), None);
        let (db1, db2) = (app.db.clone(), other_db.clone());
        let run = |db: Db, m: Messaging| async move {
            let mut total = 0;
            loop {
                let n = delivery::deliver_due(&db, &m, t0).await.unwrap();
                if n == 0 { return total; }
                total += n;
            }
        };
        let (a, b) = tokio::join!(tokio::spawn(run(db1, one)), tokio::spawn(run(db2, two)));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a + b, 12, "each of the 12 messages tried once in all ({a} + {b})");
        let mail = sink.messages();
        assert_eq!(mail.len(), 12);
        let mut message_ids: Vec<String> = mail.iter().map(|m| header(m, "Message-ID").unwrap()).collect();
        message_ids.sort();
        message_ids.dedup();
        assert_eq!(message_ids.len(), 12, "no message twice");
        other_db.pool.close().await;
    }
}

/// Two real server processes (this crate's binary) on one PostgreSQL
/// database, each with its delivery task: every message goes once.
#[test]
fn two_server_processes_on_one_postgresql_send_each_message_once() {
    common::RUNTIME.block_on(async {
        let Some(app) = TestApp::start(Backend::Postgres).await else {
            return;
        };
        let case = case_with_emails(&app, "FAM-0608").await;
        let (ids, _) = book(&app, case, 6, 0).await;
        for id in &ids {
            bookings::cancel(
                &app.db,
                *id,
                Canceller::Centre,
                "Staff unwell",
                BY,
                now_ms(),
            )
            .await
            .unwrap();
        }
        let sink = SmtpSink::start().await;
        let servers: Vec<_> = (0..2)
            .map(|_| {
                let data = std::env::temp_dir()
                    .join(format!("ccc-proc-{}", uuid::Uuid::new_v4().simple()));
                std::process::Command::new(env!("CARGO_BIN_EXE_contact-centre"))
                    .env("DATABASE_URL", &app.url)
                    .env("CCC_DATA_DIR", &data)
                    .env(
                        "CCC_ADDR",
                        format!("127.0.0.1:{}", common::mail::free_port()),
                    )
                    .env("CCC_SMTP_URL", sink.url())
                    .env("CCC_DELIVERY_POLL_SECONDS", "1")
                    .env("CCC_LOG", "error")
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .expect("start the server binary")
            })
            .collect();
        // (Other mail may go too, such as the demo family's reminders on a
        // Friday evening: only this case's cancellations are counted.)
        let ours = || -> Vec<String> {
            sink.messages()
                .into_iter()
                .filter(|m| header(m, "Subject").as_deref() == Some("A session is cancelled"))
                .collect()
        };
        for _ in 0..200 {
            if ours().len() >= 12 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // Time for a second copy, were either process to send one.
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        for mut server in servers {
            let _ = server.kill();
            let _ = server.wait();
        }
        let mail = ours();
        assert_eq!(mail.len(), 12, "each of the 12 messages once");
        let mut message_ids: Vec<String> = mail
            .iter()
            .map(|m| header(m, "Message-ID").unwrap())
            .collect();
        message_ids.sort();
        message_ids.dedup();
        assert_eq!(message_ids.len(), 12);
        assert!(
            rows(&app.db)
                .await
                .iter()
                .filter(|r| r.2.contains("Staff unwell") || r.2.contains("staff unwell"))
                .all(|r| r.1 == "sent")
        );
        app.finish().await;
    });
}
