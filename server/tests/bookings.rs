//! The back office's rules end to end through the storage layer, on SQLite
//! and PostgreSQL: referral, plan, agreements, a series of bookings with
//! staggered times, charges, payments, cancellations and attendance.

mod common;

use app::domain::attendance::Attendance;
use app::domain::ledger::BookingStatus;
use app::domain::london_time::{london_from_ms, ms_from_london};
use app::domain::money::{Canceller, Forfeit, Funding, Parent, Pence};
use app::domain::referral::ReferralSource;
use app::domain::risk::SuggestedService;
use app::domain::schedule::{BookingKind, Service};
use app::error::AppError;
use app::server::{bookings, ledger, now_ms, plans, referrals, settings};
use chrono::{Duration, NaiveTime};
use common::cases::*;
use common::{Backend, TestApp};

fn field_of(error: AppError) -> String {
    error.field().unwrap_or("(none)").to_owned()
}

both_databases! {
    async fn a_referral_becomes_a_paid_series_of_six_with_staggered_times(app: TestApp) {
        let case = signed_case(&app, "FAM-0100", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let first = saturday_ten_next_week();
        let ids = bookings::book_series(&app.db, &series(case, room, first, 6, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        assert_eq!(ids.len(), 6);
        let booked: Vec<(i64, String)> = sqlx::query_as("SELECT actor, detail FROM audit_log WHERE subject = $1 AND action = 'book'")
            .bind(format!("case:{case}"))
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(booked.len(), 1, "one entry for the series");
        assert_eq!(booked[0].0, BY);
        assert!(booked[0].1.starts_with("6 × session from ") && booked[0].1.contains(&format!("{:?}", ids)), "{}", booked[0].1);

        let visiting = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(visiting.len(), 6);
        assert_eq!(visiting[0].arrive_ms, first - 15 * 60_000, "the visiting parent comes 15 minutes early");
        assert_eq!(visiting[0].leave_ms, first + HOUR + 10 * 60_000, "and leaves 10 minutes after the end");
        assert!(visiting.iter().all(|b| b.status == BookingStatus::AwaitingPayment { from: Parent::Visiting }));
        for booking in &visiting {
            assert_eq!(london_from_ms(booking.starts_ms).format("%a %H:%M").to_string(), "Sat 10:00");
        }
        let resident = ledger::parent_bookings(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(resident[0].arrive_ms, first, "the resident parent brings the child at the start");

        // Registration, deposit and the first session: £110 + £110 + £99.
        let statement = ledger::statement(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(statement.balance, Pence(11_000 + 11_000 + 6 * 9_900));
        ledger::record_payment(&app.db, case, Parent::Visiting, false, Pence(31_900), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        let visiting = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(visiting[0].status, BookingStatus::Confirmed);
        assert_eq!(visiting[1].status, BookingStatus::AwaitingPayment { from: Parent::Visiting });
        let statement = ledger::statement(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(statement.balance, Pence(5 * 9_900));
        assert_eq!(statement.deposit_held, Pence(11_000));
    }

    async fn a_late_cancellation_costs_the_visiting_parent_the_fee_and_the_resident_parent_the_deposit(app: TestApp) {
        let case = signed_case(&app, "FAM-0101", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 2", BY, now_ms()).await.unwrap();
        let first = saturday_ten_next_week();
        let ids = bookings::book_series(&app.db, &series(case, room, first, 3, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        let day_before = |booking_start: i64| booking_start - 24 * HOUR;

        let forfeit = bookings::cancel(&app.db, ids[0], Canceller::Parent(Parent::Visiting), "", 1, day_before(first))
            .await
            .unwrap();
        assert_eq!(forfeit, Forfeit::SessionFee);
        let statement = ledger::statement(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(statement.balance, Pence(11_000 + 11_000 + 3 * 9_900), "the fee is still owed");
        // The resident parent is told the session is off; the visiting parent,
        // who cancelled, gets no message, and nothing says who cancelled.
        let told = app::server::portal::notices(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(told.len(), 1);
        assert!(told[0].body.contains("is cancelled") && !told[0].body.to_lowercase().contains("visiting"), "{}", told[0].body);
        assert!(app::server::portal::notices(&app.db, case, Parent::Visiting).await.unwrap().is_empty());

        // With 48 hours' notice exactly, nothing is lost and the fee goes.
        let second = first + 7 * 24 * HOUR;
        let forfeit = bookings::cancel(&app.db, ids[1], Canceller::Parent(Parent::Visiting), "", 1, second - 48 * HOUR)
            .await
            .unwrap();
        assert_eq!(forfeit, Forfeit::Nothing);
        let statement = ledger::statement(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(statement.balance, Pence(11_000 + 11_000 + 2 * 9_900));
        assert!(statement.lines.iter().any(|l| l.description.contains("not charged")));

        // The resident parent, paid up, cancels late: the deposit is kept.
        ledger::record_payment(&app.db, case, Parent::Resident, false, Pence(22_000), "bank_transfer", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        assert_eq!(ledger::deposit_held(&app.db, case, Parent::Resident).await.unwrap(), Pence(11_000));
        let third = first + 14 * 24 * HOUR;
        let forfeit = bookings::cancel(&app.db, ids[2], Canceller::Parent(Parent::Resident), "", 1, third - HOUR)
            .await
            .unwrap();
        assert_eq!(forfeit, Forfeit::Deposit);
        assert_eq!(ledger::deposit_held(&app.db, case, Parent::Resident).await.unwrap(), Pence(0));
        let refund = ledger::record_payment(&app.db, case, Parent::Resident, true, Pence(11_000), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap_err();
        assert_eq!(field_of(refund), "amount", "a forfeited deposit cannot be refunded");

        let again = bookings::cancel(&app.db, ids[2], Canceller::Centre, "Child ill", 1, now_ms()).await.unwrap_err();
        assert_eq!(again.status(), 409);
    }

    async fn the_centre_cancelling_costs_nothing(app: TestApp) {
        let case = signed_case(&app, "FAM-0102", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 3", BY, now_ms()).await.unwrap();
        let first = saturday_ten_next_week();
        let ids = bookings::book_series(&app.db, &series(case, room, first, 1, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        let missing_reason = bookings::cancel(&app.db, ids[0], Canceller::Centre, " ", 1, first - HOUR).await.unwrap_err();
        assert_eq!(field_of(missing_reason), "reason");
        let forfeit = bookings::cancel(&app.db, ids[0], Canceller::Centre, "Child ill", 1, first - HOUR).await.unwrap();
        let cancelled = app::server::audit::audit_trail(&app.db).await.unwrap().into_iter().filter(|e| e.action == "cancel").count();
        assert_eq!(cancelled, 1, "the cancellation is in the audit trail");
        assert_eq!(forfeit, Forfeit::Nothing);
        let statement = ledger::statement(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(statement.balance, Pence(22_000), "only registration and deposit remain");
        let visiting = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(visiting[0].status, BookingStatus::Cancelled);

        // Both parents are told, each with their own time and the reason.
        let to_visiting = app::server::portal::notices(&app.db, case, Parent::Visiting).await.unwrap();
        let to_resident = app::server::portal::notices(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(to_visiting.len(), 1);
        assert_eq!(to_resident.len(), 1);
        assert!(to_visiting[0].body.contains("09:45") && to_visiting[0].body.contains("Child ill"), "{}", to_visiting[0].body);
        assert!(to_resident[0].body.contains("10:00") && !to_resident[0].body.contains("09:45"), "{}", to_resident[0].body);
    }

    async fn clashes_are_refused_and_named(app: TestApp) {
        let first_case = signed_case(&app, "FAM-0103", Funding::Private).await;
        let second_case = signed_case(&app, "FAM-0104", Funding::Private).await;
        let blue = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let green = settings::add_room(&app.db, "Test room 2", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let start = saturday_ten_next_week();
        bookings::book_series(&app.db, &series(first_case, blue, start, 1, workers.clone()), BY, now_ms()).await.unwrap();

        let room = bookings::book_series(&app.db, &series(second_case, blue, start + HOUR, 1, workers.clone()), BY, now_ms())
            .await
            .unwrap_err();
        assert_eq!(room.status(), 409);
        assert!(room.to_string().contains("Test room 1"), "{room}");

        let worker = bookings::book_series(&app.db, &series(second_case, green, start + 30 * 60_000, 1, workers.clone()), BY, now_ms())
            .await
            .unwrap_err();
        assert!(worker.to_string().contains("Ada Test"), "{worker}");

        // Back to back, with the staggered times taken into account, is fine.
        let after = start + HOUR + 25 * 60_000;
        bookings::book_series(&app.db, &series(second_case, blue, after, 1, workers), BY, now_ms()).await.unwrap();
    }

    async fn no_booking_before_a_plan_and_both_agreements(app: TestApp) {
        let case = referrals::record(&app.db, &referral("FAM-0105", Funding::Private), &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap();
        let plan_too_early = plans::create(&app.db, case, &supervised_weekly(), 1, now_ms()).await.unwrap_err();
        assert_eq!(plan_too_early.status(), 409, "not before the referral is accepted");
        referrals::decide(&app.db, case, true, "", 1, now_ms()).await.unwrap();
        let plan = plans::create(&app.db, case, &supervised_weekly(), 1, now_ms()).await.unwrap();
        plans::record_agreement(&app.db, plan, Parent::Resident, "2026-11-20", 1, now_ms()).await.unwrap();
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let refused = bookings::book_series(&app.db, &series(case, room, saturday_ten_next_week(), 1, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("both parents have signed"), "{refused}");
    }

    async fn supervised_sessions_need_two_workers_and_bad_input_is_named(app: TestApp) {
        let case = signed_case(&app, "FAM-0106", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let start = saturday_ten_next_week();
        let workers = worker_ids(&app).await;
        let one = bookings::book_series(&app.db, &series(case, room, start, 1, workers[..1].to_vec()), BY, now_ms()).await;
        assert_eq!(field_of(one.unwrap_err()), "worker_ids");
        let no_room = bookings::book_series(&app.db, &series(case, 999_999, start, 1, workers.clone()), BY, now_ms()).await;
        assert_eq!(field_of(no_room.unwrap_err()), "room_id");
        let mut zero = series(case, room, start, 1, workers.clone());
        zero.duration_min = 0;
        assert_eq!(field_of(bookings::book_series(&app.db, &zero, BY, now_ms()).await.unwrap_err()), "duration_min");
        let past = bookings::book_series(&app.db, &series(case, room, now_ms() - HOUR, 1, workers.clone()), BY, now_ms()).await;
        assert_eq!(field_of(past.unwrap_err()), "start");
        let sunday = bookings::book_series(&app.db, &series(case, room, start + 24 * HOUR, 1, workers), BY, now_ms()).await;
        assert!(sunday.unwrap_err().to_string().contains("Sundays"));
        for amount in [0, -500] {
            let refused = ledger::record_payment(&app.db, case, Parent::Visiting, false, Pence(amount), "card", "2026-11-26", 1, now_ms())
                .await
                .unwrap_err();
            assert_eq!(field_of(refused), "amount");
        }
    }

    async fn a_cafcass_funded_case_owes_nothing_and_is_confirmed_at_once(app: TestApp) {
        let case = signed_case(&app, "FAM-0107", Funding::Cafcass).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        bookings::book_series(&app.db, &series(case, room, saturday_ten_next_week(), 6, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        for parent in [Parent::Resident, Parent::Visiting] {
            let statement = ledger::statement(&app.db, case, parent).await.unwrap();
            assert_eq!(statement.balance, Pence(0));
            assert!(
                statement.lines.iter().all(|l| l.amount == Pence(0) && l.description.contains("funded by Cafcass")),
                "{:?}",
                statement.lines
            );
            let bookings = ledger::parent_bookings(&app.db, case, parent).await.unwrap();
            assert!(bookings.iter().all(|b| b.status == BookingStatus::Confirmed));
        }
    }

    async fn a_local_authority_is_invoiced_every_charge_and_its_payments_recorded_while_the_parents_owe_nothing(app: TestApp) {
        use app::server::{casebook, funding};
        let case = signed_case(&app, "FAM-0140", Funding::LocalAuthority).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        bookings::book_series(&app.db, &series(case, room, saturday_ten_next_week(), 3, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        for parent in [Parent::Resident, Parent::Visiting] {
            let statement = ledger::statement(&app.db, case, parent).await.unwrap();
            assert_eq!(statement.balance, Pence(0), "{:?}", statement.lines);
            assert!(statement.lines.iter().all(|l| l.description.contains("invoiced to the local authority")), "{:?}", statement.lines);
            assert!(ledger::parent_bookings(&app.db, case, parent).await.unwrap().iter().all(|b| b.status == BookingStatus::Confirmed));
        }
        // The authority: two registrations (no deposit) and three sessions.
        let account = funding::authority_account(&app.db, case).await.unwrap().expect("an authority account");
        let prices = app::domain::money::Prices::default();
        let invoiced = 2 * prices.registration_per_parent.0 + 3 * prices.supervised_session.0;
        assert_eq!((account.invoiced_pence, account.paid_pence, account.owed_pence), (invoiced, 0, invoiced), "{:?}", account.lines);
        assert_eq!(account.lines.len(), 5);
        // Its payment is recorded and audited; nonsense is refused with words.
        let refused = funding::record_authority_payment(&app.db, case, Pence(0), "2026-11-20", "", BY, now_ms()).await.unwrap_err();
        assert_eq!(field_of(refused), "amount");
        let refused = funding::record_authority_payment(&app.db, case, Pence(10_000), "20/11/2026", "", BY, now_ms()).await.unwrap_err();
        assert_eq!(field_of(refused), "paid_on");
        funding::record_authority_payment(&app.db, case, Pence(20_000), "2026-11-20", "INV-77", BY, now_ms()).await.unwrap();
        let detail = casebook::detail(&app.db, case, now_ms()).await.unwrap();
        let account = detail.authority.expect("shown on the case page");
        assert_eq!(account.owed_pence, invoiced - 20_000);
        assert!(account.lines.iter().any(|l| l.what.contains("INV-77") && l.amount_pence == -20_000));
        assert!(app::server::audit::audit_trail(&app.db).await.unwrap().iter().any(|e| e.action == "authority payment"));
        // Any other case has no authority account, and takes no authority payment.
        let private = signed_case(&app, "FAM-0141", Funding::Private).await;
        assert!(funding::authority_account(&app.db, private).await.unwrap().is_none());
        assert_eq!(funding::record_authority_payment(&app.db, private, Pence(100), "2026-11-20", "", BY, now_ms()).await.unwrap_err().status(), 409);
    }

    async fn cafcass_funds_six_sessions_the_rest_are_the_visiting_parents_until_it_extends(app: TestApp) {
        use app::server::casebook;
        let case = signed_case(&app, "FAM-0134", Funding::Cafcass).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let ids = bookings::book_series(&app.db, &series(case, room, saturday_ten_next_week(), 8, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        let statuses = |app: &TestApp| {
            let db = app.db.clone();
            async move { ledger::parent_bookings(&db, case, Parent::Visiting).await.unwrap().iter().map(|b| b.status).collect::<Vec<_>>() }
        };
        let owed = BookingStatus::AwaitingPayment { from: Parent::Visiting };
        let confirmed = BookingStatus::Confirmed;
        assert_eq!(statuses(&app).await[5..], [confirmed, owed, owed], "the seventh and eighth are not funded");
        assert_eq!(ledger::statement(&app.db, case, Parent::Visiting).await.unwrap().balance, Pence(2 * 9_900));
        assert_eq!(casebook::detail(&app.db, case, now_ms()).await.unwrap().funded, Some((6, 6)));
        // A late cancellation of a funded session still costs the parent nothing.
        let first_start = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap()[0].starts_ms;
        let cost = bookings::cancellation_cost(&app.db, ids[0], Canceller::Parent(Parent::Visiting), first_start - HOUR).await.unwrap();
        assert!(cost.explanation.contains("funded through Cafcass"), "{}", cost.explanation);
        let late = bookings::cancellation_cost(&app.db, ids[7], Canceller::Parent(Parent::Visiting), first_start + 49 * 24 * HOUR - HOUR).await.unwrap();
        assert!(late.explanation.contains("£99.00"), "an unfunded one is the parent's: {}", late.explanation);
        // The centre cancels a funded session: its place goes to the seventh.
        bookings::cancel(&app.db, ids[0], Canceller::Centre, "Child unwell", BY, now_ms()).await.unwrap();
        assert_eq!(statuses(&app).await[6..], [confirmed, owed]);
        assert_eq!(ledger::statement(&app.db, case, Parent::Visiting).await.unwrap().balance, Pence(9_900));
        // Cafcass extends to ten: nothing is owed.
        app::server::funding::set_funded_sessions(&app.db, case, 10, BY, now_ms()).await.unwrap();
        assert!(statuses(&app).await[1..].iter().all(|s| *s == confirmed));
        assert_eq!(ledger::statement(&app.db, case, Parent::Visiting).await.unwrap().balance, Pence(0));
        assert!(app::server::audit::audit_trail(&app.db).await.unwrap().iter().any(|e| e.action == "funding"));
        let private = signed_case(&app, "FAM-0135", Funding::Private).await;
        assert_eq!(app::server::funding::set_funded_sessions(&app.db, private, 10, BY, now_ms()).await.unwrap_err().status(), 409);
    }

    async fn three_unexplained_misses_block_new_bookings(app: TestApp) {
        use app::domain::attendance::AttendanceEffect;
        let case = signed_case(&app, "FAM-0108", Funding::Cafcass).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let first = saturday_ten_next_week();
        let week = 7 * 24 * HOUR;
        let ids = bookings::book_series(&app.db, &series(case, room, first, 5, workers.clone()), BY, now_ms()).await.unwrap();
        // Nothing is recorded of a session before it starts.
        let early = app::server::attendance::record_attendance(&app.db, ids[0], Attendance::Attended, 1, first - HOUR).await.unwrap_err();
        assert_eq!(early.status(), 409, "{early}");
        // The third session is over; the fourth and fifth are ahead.
        let after_third = first + 2 * week + 2 * HOUR;
        let mut effects = Vec::new();
        for id in &ids[..3] {
            effects.push(app::server::attendance::record_attendance(&app.db, *id, Attendance::MissedWithoutReason, 1, after_third).await.unwrap());
        }
        assert_eq!(effects, [AttendanceEffect::None, AttendanceEffect::None, AttendanceEffect::Suspended { held: 2 }]);
        assert!(effects[2].message().contains("contact is suspended"), "the coordinator is told at once");
        // Each is in the audit trail, with the plan, the agreements and the
        // decision that came before, on the case's chain.
        let actions: Vec<String> = app::server::audit::audit_trail(&app.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.subject == format!("case:{case}"))
            .map(|e| e.action)
            .collect();
        assert_eq!(actions.iter().filter(|a| *a == "attendance").count(), 3, "{actions:?}");
        assert!(actions.contains(&"suspend".to_owned()), "{actions:?}");
        assert!(actions.contains(&"plan".to_owned()) && actions.contains(&"agreement".to_owned()), "{actions:?}");
        assert!(server::startup::verify_audit(&app.db).await.unwrap().contains("holds"));
        // The sessions already booked are held, not silently kept, for
        // everyone; both parents are told.
        for parent in [Parent::Resident, Parent::Visiting] {
            let statuses: Vec<BookingStatus> = ledger::parent_bookings(&app.db, case, parent).await.unwrap().iter().map(|b| b.status).collect();
            assert_eq!(statuses, [BookingStatus::Missed, BookingStatus::Missed, BookingStatus::Missed, BookingStatus::OnHold, BookingStatus::OnHold]);
            let told = app::server::portal::notices(&app.db, case, parent).await.unwrap();
            assert!(told[0].body.contains("Contact is suspended") && told[0].body.contains("2 sessions"), "{}", told[0].body);
        }
        let detail = app::server::casebook::detail(&app.db, case, now_ms()).await.unwrap();
        assert!(detail.suspended);
        assert_eq!(detail.bookings[4].status, BookingStatus::OnHold);
        let later = first + 42 * 24 * HOUR;
        let refused = bookings::book_series(&app.db, &series(case, room, later, 1, workers), BY, now_ms()).await.unwrap_err();
        assert!(refused.to_string().contains("suspended"), "{refused}");

        // The coordinator corrects the third: the parent had rung with a
        // reason. The suspension ends and the held sessions go ahead.
        let corrected = app::server::attendance::record_attendance(&app.db, ids[2], Attendance::MissedWithReason, 1, after_third + HOUR).await.unwrap();
        assert_eq!(corrected, AttendanceEffect::Lifted { released: 2 });
        let statuses = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(statuses[3].status, BookingStatus::Confirmed);
        assert!(!app::server::casebook::detail(&app.db, case, now_ms()).await.unwrap().suspended);
        let trail = app::server::audit::audit_trail(&app.db).await.unwrap();
        assert!(trail.iter().any(|e| e.action == "attendance" && e.detail.contains("corrected from missed_without_reason to missed_with_reason")));
    }

    async fn a_new_plan_and_both_agreements_lift_a_suspension(app: TestApp) {
        let case = signed_case(&app, "FAM-0124", Funding::Cafcass).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let first = saturday_ten_next_week();
        let week = 7 * 24 * HOUR;
        let ids = bookings::book_series(&app.db, &series(case, room, first, 4, workers.clone()), BY, now_ms()).await.unwrap();
        let after_third = first + 2 * week + 2 * HOUR;
        for id in &ids[..3] {
            app::server::attendance::record_attendance(&app.db, *id, Attendance::MissedWithoutReason, 1, after_third).await.unwrap();
        }
        // A review decides on supported contact: a second plan, the first
        // kept as history.
        let mut supported = supervised_weekly();
        supported.service = Service::Supported;
        assess(&app, case, SuggestedService::Supported).await;
        let plan = plans::create(&app.db, case, &supported, 1, after_third).await.unwrap();
        let detail = app::server::casebook::detail(&app.db, case, now_ms()).await.unwrap();
        assert_eq!(detail.plan.as_ref().unwrap().id, plan);
        assert_eq!(detail.earlier_plans.len(), 1, "the first plan is kept");
        assert_eq!(detail.earlier_plans[0].plan.service, Service::Supervised);
        plans::record_agreement(&app.db, plan, Parent::Resident, "2026-12-20", 1, after_third).await.unwrap();
        assert_eq!(ledger::parent_bookings(&app.db, case, Parent::Resident).await.unwrap()[3].status, BookingStatus::OnHold, "one agreement is not enough");
        plans::record_agreement(&app.db, plan, Parent::Visiting, "2026-12-20", 1, after_third).await.unwrap();
        let bookings_now = ledger::parent_bookings(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(bookings_now[3].status, BookingStatus::Confirmed, "the held session goes ahead");
        let told = app::server::portal::notices(&app.db, case, Parent::Visiting).await.unwrap();
        assert!(told[0].body.contains("Contact can start again"), "{}", told[0].body);
        assert!(!app::server::casebook::detail(&app.db, case, now_ms()).await.unwrap().suspended);
        bookings::book_series(&app.db, &series(case, room, first + 5 * week, 1, workers), BY, after_third).await.unwrap();
    }

    async fn a_self_referral_needs_both_consents_and_a_decline_needs_a_reason(app: TestApp) {
        let mut self_referral = referral("FAM-0109", Funding::Private);
        self_referral.source = ReferralSource::SelfReferral;
        self_referral.resident_consent_on = Some("2026-11-01".into());
        let refused = referrals::record(&app.db, &self_referral, &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap_err();
        assert_eq!(field_of(refused), "visiting_consent_on");
        self_referral.visiting_consent_on = Some("2026-11-02".into());
        let case = referrals::record(&app.db, &self_referral, &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap();
        let duplicate = referrals::record(&app.db, &self_referral, &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap_err();
        assert_eq!(field_of(duplicate), "reference");
        assert_eq!(field_of(referrals::decide(&app.db, case, false, "  ", 1, now_ms()).await.unwrap_err()), "decision_note");
        referrals::decide(&app.db, case, false, "Outside our area", 1, now_ms()).await.unwrap();
        // A declined referral is closed by the decision: its clock starts.
        let closed = app::server::retention::of_case(&app.db, case).await.unwrap().closed.expect("closed");
        assert_eq!(closed.reason, app::domain::retention::ClosureReason::ReferralDeclined);
        assert_eq!(referrals::decide(&app.db, case, true, "", 1, now_ms()).await.unwrap_err().status(), 409);
    }

    async fn the_week_calendar_puts_each_booking_on_its_day(app: TestApp) {
        use app::server::casebook;
        let first = saturday_ten_next_week();
        let saturday = london_from_ms(first).date();
        let week = casebook::week(&app.db, Some(&saturday.format("%Y-%m-%d").to_string()), now_ms()).await.unwrap();
        assert_eq!(week.days.len(), 6, "Monday to Saturday");
        assert!(week.days[0].0.starts_with("Mon"));
        let (day, bookings) = &week.days[5];
        assert!(day.starts_with("Sat"));
        assert_eq!(bookings.len(), 1, "the demo family's session");
        assert_eq!(bookings[0].case_reference, "FAM-0001");
        assert_eq!(bookings[0].workers, ["Priya Shah", "Tom Barker"]);
        assert!(week.days[..5].iter().all(|(_, b)| b.is_empty()));
        let bad = casebook::week(&app.db, Some("next week"), now_ms()).await.unwrap_err();
        assert_eq!(bad.field(), Some("week_of"));
    }

    async fn a_series_moves_a_session_off_a_closed_day_and_refuses_a_closed_first_day(app: TestApp) {
        use app::domain::closures::{ClosedDay, Closures};
        let case = signed_case(&app, "FAM-0190", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 9", BY, now_ms()).await.unwrap();
        let first = saturday_ten_next_week();
        let third_week = london_from_ms(first).date() + Duration::days(14);
        let mut closures = Closures::default();
        closures.add(ClosedDay { date: third_week, reason: "Staff training".into() });
        settings::save(&app.db, settings::CLOSURES, &closures).await.unwrap();

        let ids = bookings::book_series(&app.db, &series(case, room, first, 4, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        assert_eq!(ids.len(), 4, "still four sessions");
        let days: Vec<chrono::NaiveDate> = ledger::parent_bookings(&app.db, case, Parent::Visiting)
            .await
            .unwrap()
            .iter()
            .map(|b| london_from_ms(b.starts_ms).date())
            .collect();
        assert!(!days.contains(&third_week), "{days:?}");
        assert_eq!(days.last().copied(), Some(london_from_ms(first).date() + Duration::days(28)));

        let on_closed = ms_from_london(third_week.and_time(NaiveTime::from_hms_opt(14, 0, 0).unwrap()));
        let refused = bookings::book_series(&app.db, &series(case, room, on_closed, 1, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap_err();
        assert_eq!(field_of(refused.clone()), "start");
        assert!(refused.to_string().contains("Staff training"), "{refused}");
    }

    async fn every_one_sees_a_session_as_awaiting_payment_until_the_parent_who_pays_has_paid(app: TestApp) {
        use app::server::casebook;
        let case = signed_case(&app, "FAM-0120", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        bookings::book_series(&app.db, &series(case, room, saturday_ten_next_week(), 2, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        let owed_by_visiting = BookingStatus::AwaitingPayment { from: Parent::Visiting };
        // The resident parent pays nothing for a session, but it is not
        // confirmed for them either until the visiting parent has paid.
        let resident = ledger::parent_bookings(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(resident[0].status, owed_by_visiting);
        assert_eq!(resident[0].status.label_for(Some(Parent::Resident)), "Not confirmed yet: awaiting payment");
        assert_eq!(resident[0].status.label_for(Some(Parent::Visiting)), "Awaiting your payment");
        let staff = casebook::detail(&app.db, case, now_ms()).await.unwrap().bookings;
        assert_eq!(staff[0].status, owed_by_visiting, "staff see the same status");
        assert_eq!(staff[0].status.label_for(None), "Awaiting payment from the visiting parent");

        // Registration, deposit and the first session are paid.
        ledger::record_payment(&app.db, case, Parent::Visiting, false, Pence(31_900), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        let resident = ledger::parent_bookings(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(resident[0].status, BookingStatus::Confirmed);
        assert_eq!(resident[1].status, owed_by_visiting);
        let staff = casebook::detail(&app.db, case, now_ms()).await.unwrap().bookings;
        assert_eq!(staff[0].status, BookingStatus::Confirmed);
        assert_eq!(staff[1].status, owed_by_visiting);
    }

    async fn a_late_cancelled_pre_visit_keeps_its_own_fee_and_never_the_deposit(app: TestApp) {
        let case = signed_case(&app, "FAM-0121", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let start = saturday_ten_next_week();
        let mut pre_visit = series(case, room, start, 1, worker_ids(&app).await);
        pre_visit.kind = BookingKind::PreVisit;
        pre_visit.parent_side = Some(Parent::Resident);
        let ids = bookings::book_series(&app.db, &pre_visit, BY, now_ms()).await.unwrap();
        ledger::record_payment(&app.db, case, Parent::Resident, false, Pence(11_000 + 11_000 + 7_500), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        let cost = bookings::cancellation_cost(&app.db, ids[0], Canceller::Parent(Parent::Resident), start - HOUR).await.unwrap();
        assert_eq!(cost.forfeit, Forfeit::PreVisitFee);
        assert!(cost.explanation.contains("pre-visit fee of £75.00"), "{}", cost.explanation);
        let forfeit = bookings::cancel(&app.db, ids[0], Canceller::Parent(Parent::Resident), "My car broke down", 1, start - HOUR)
            .await
            .unwrap();
        assert_eq!(forfeit, Forfeit::PreVisitFee);
        assert_eq!(ledger::deposit_held(&app.db, case, Parent::Resident).await.unwrap(), Pence(11_000), "the deposit is still held");
        let statement = ledger::statement(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(statement.balance, Pence(0), "the pre-visit fee stays paid, not refunded");
        // Staff see who cancelled and the parent's own reason.
        let staff = app::server::casebook::detail(&app.db, case, now_ms()).await.unwrap().bookings;
        assert_eq!(staff[0].status, BookingStatus::Cancelled);
        assert_eq!(staff[0].cancelled_note.as_deref(), Some("Cancelled by the resident parent: My car broke down"));
    }

    async fn the_coordinator_sees_who_owes_what_and_since_when(app: TestApp) {
        let case = signed_case(&app, "FAM-0122", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let booked_at = now_ms();
        bookings::book_series(&app.db, &series(case, room, saturday_ten_next_week(), 2, worker_ids(&app).await), BY, booked_at)
            .await
            .unwrap();
        ledger::record_payment(&app.db, case, Parent::Resident, false, Pence(22_000), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        // A part payment leaves the rest owed.
        ledger::record_payment(&app.db, case, Parent::Visiting, false, Pence(20_000), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        let arrears: Vec<_> = ledger::arrears(&app.db).await.unwrap().into_iter().filter(|a| a.case_id == case).collect();
        assert_eq!(arrears.len(), 1, "the resident parent has paid in full: {arrears:?}");
        assert_eq!(arrears[0].reference, "FAM-0122");
        assert_eq!(arrears[0].parent, Parent::Visiting);
        assert_eq!(arrears[0].owed, Pence(11_000 + 11_000 + 2 * 9_900 - 20_000));
        let plan_started = arrears[0].since_ms;
        assert!(plan_started <= booked_at, "owed since the deposit was raised, when the plan was made");
    }

    async fn a_parent_is_told_what_to_pay_and_by_when(app: TestApp) {
        use app::domain::money::PaymentTerms;
        let case = signed_case(&app, "FAM-0123", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let first = saturday_ten_next_week();
        bookings::book_series(&app.db, &series(case, room, first, 2, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        let terms = PaymentTerms { days_before: 3, how_to_pay: "Bank transfer to Example Centre, 00-00-00 12345678.".into() };
        settings::save(&app.db, settings::PAYMENT_TERMS, &terms).await.unwrap();
        ledger::record_payment(&app.db, case, Parent::Visiting, false, Pence(25_000), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        let due = ledger::to_pay(&app.db, case, Parent::Visiting, now_ms()).await.unwrap();
        // £220 of registration and deposit are paid, and £30 of the first session.
        assert_eq!(due.len(), 2, "{due:?}");
        assert_eq!(due[0].amount, Pence(9_900 - 3_000), "what is left of the first session's fee");
        assert_eq!(due[0].due_ms, first - 3 * 24 * HOUR, "three days before the session");
        assert_eq!(due[1].amount, Pence(9_900));
        assert_eq!(due[1].due_ms, first + 7 * 24 * HOUR - 3 * 24 * HOUR);
        assert!(due[0].description.contains("Contact session"), "{}", due[0].description);
        let resident = ledger::to_pay(&app.db, case, Parent::Resident, now_ms()).await.unwrap();
        assert_eq!(resident.len(), 2, "registration and deposit");
        assert!(resident.iter().all(|d| d.due_now), "are due now");
        assert!(!due[0].due_now);
    }

    async fn contact_is_booked_only_after_a_risk_assessment_that_allows_the_plan(app: TestApp) {
        let case = referrals::record(&app.db, &referral("FAM-0125", Funding::Private), &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap();
        referrals::decide(&app.db, case, true, "", 1, now_ms()).await.unwrap();
        let mut supported = supervised_weekly();
        supported.service = Service::Supported;
        let plan = plans::create(&app.db, case, &supported, 1, now_ms()).await.unwrap();
        plans::record_agreement(&app.db, plan, Parent::Resident, "2026-11-20", 1, now_ms()).await.unwrap();
        plans::record_agreement(&app.db, plan, Parent::Visiting, "2026-11-20", 1, now_ms()).await.unwrap();
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let request = series(case, room, saturday_ten_next_week(), 1, workers.clone());
        let unassessed = bookings::book_series(&app.db, &request, BY, now_ms()).await.unwrap_err();
        assert!(unassessed.to_string().contains("Record a risk assessment"), "{unassessed}");
        // A pre-visit needs none: it is part of assessing.
        let mut pre_visit = series(case, room, saturday_ten_next_week() + 2 * HOUR, 1, workers);
        pre_visit.kind = BookingKind::PreVisit;
        pre_visit.parent_side = Some(Parent::Visiting);
        bookings::book_series(&app.db, &pre_visit, BY, now_ms()).await.unwrap();
        assess(&app, case, SuggestedService::Supervised).await;
        let looser = bookings::book_series(&app.db, &request, BY, now_ms()).await.unwrap_err();
        assert!(looser.to_string().contains("decided on supervised contact"), "{looser}");
        assess(&app, case, SuggestedService::Supported).await;
        bookings::book_series(&app.db, &request, BY, now_ms()).await.unwrap();
    }

    async fn sessions_are_booked_fortnightly_or_on_chosen_dates(app: TestApp) {
        let case = signed_case(&app, "FAM-0126", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        // Six Saturdays in a row with no bank holiday among them (a chosen
        // closed date is refused, rightly), whatever the date today.
        let closures = app::domain::closures::Closures::default();
        let mut first = saturday_ten_next_week();
        while (0..6).any(|w| closures.closed_on(london_from_ms(first + w * 7 * 24 * HOUR).date()).is_some()) {
            first = ms_from_london(london_from_ms(first) + Duration::days(7));
        }
        let mut fortnightly = series(case, room, first, 3, workers.clone());
        fortnightly.every_days = 14;
        bookings::book_series(&app.db, &fortnightly, BY, now_ms()).await.unwrap();
        let day = |ms: i64| london_from_ms(ms).date();
        let on_dates = |offsets: &[i64]| -> Vec<String> {
            offsets.iter().map(|d| (day(first) + Duration::days(*d)).format("%Y-%m-%d").to_string()).collect()
        };
        // Chosen dates, in the weeks between, at the first one's time.
        let mut chosen = series(case, room, first + 7 * 24 * HOUR, 1, workers.clone());
        chosen.more_dates = on_dates(&[35, 21]);
        let ids = bookings::book_series(&app.db, &chosen, BY, now_ms()).await.unwrap();
        assert_eq!(ids.len(), 3);
        let visiting = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap();
        let days: Vec<i64> = visiting.iter().map(|b| (day(b.starts_ms) - day(first)).num_days()).collect();
        assert_eq!(days, [0, 7, 14, 21, 28, 35]);
        assert!(visiting.iter().all(|b| london_from_ms(b.starts_ms).format("%H:%M").to_string() == "10:00"));
        let mut both = series(case, room, first + 42 * 24 * HOUR, 2, workers);
        both.more_dates = on_dates(&[49]);
        assert_eq!(field_of(bookings::book_series(&app.db, &both, BY, now_ms()).await.unwrap_err()), "more_dates");
    }

    async fn the_case_list_says_what_waits_on_each_case(app: TestApp) {
        use app::domain::casework::Need;
        use app::server::casebook;
        let needs_of = |list: &[app::model::CaseRow], reference: &str| -> Vec<Need> {
            list.iter().find(|c| c.reference == reference).map(|c| c.needs.clone()).unwrap_or_default()
        };
        let received = referrals::record(&app.db, &referral("FAM-0130", Funding::Cafcass), &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap();
        let unsigned = referrals::record(&app.db, &referral("FAM-0131", Funding::Cafcass), &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap();
        referrals::decide(&app.db, unsigned, true, "", 1, now_ms()).await.unwrap();
        plans::create(&app.db, unsigned, &supervised_weekly(), 1, now_ms()).await.unwrap();
        let owing = signed_case(&app, "FAM-0132", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let ids = bookings::book_series(&app.db, &series(owing, room, saturday_ten_next_week(), 1, worker_ids(&app).await), BY, now_ms())
            .await
            .unwrap();
        let list = casebook::list(&app.db, now_ms()).await.unwrap();
        assert_eq!(needs_of(&list, "FAM-0130"), [Need::Decide]);
        assert_eq!(needs_of(&list, "FAM-0131"), [Need::PlanUnsigned]);
        assert_eq!(needs_of(&list, "FAM-0132"), [Need::Arrears]);
        assert_eq!(list.iter().find(|c| c.id == received).unwrap().child_names, ["Mia"]);

        // Its session ended three hours ago and nobody has signed the record.
        let week_and_a_bit = saturday_ten_next_week() - now_ms() + 4 * HOUR;
        app.move_earlier(ids[0], week_and_a_bit).await;
        let list = casebook::list(&app.db, now_ms()).await.unwrap();
        assert_eq!(needs_of(&list, "FAM-0132"), [Need::Arrears, Need::RecordsDue, Need::ReviewToBook], "its one session is over and no review is booked");
        // Three months on, the risk assessment's review date has come.
        let later = casebook::list(&app.db, now_ms() + 95 * 24 * HOUR).await.unwrap();
        assert!(needs_of(&later, "FAM-0132").contains(&Need::ReviewDue));
        assert!(!needs_of(&list, "FAM-0132").contains(&Need::ReviewDue));
    }

    async fn a_booking_moves_with_every_rule_checked_and_the_parents_told(app: TestApp) {
        let case = signed_case(&app, "FAM-0127", Funding::Private).await;
        let other = signed_case(&app, "FAM-0128", Funding::Private).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let first = saturday_ten_next_week();
        let ids = bookings::book_series(&app.db, &series(case, room, first, 2, workers.clone()), BY, now_ms()).await.unwrap();
        bookings::book_series(&app.db, &series(other, room, first + 3 * HOUR, 1, workers), BY, now_ms()).await.unwrap();

        // Into the other family's slot: the room is taken.
        let clash = bookings::move_booking(&app.db, ids[0], first + 3 * HOUR, BY, now_ms()).await.unwrap_err();
        assert_eq!(clash.status(), 409);
        assert!(clash.to_string().contains("Test room 1"), "{clash}");
        // Before the centre opens.
        let early = bookings::move_booking(&app.db, ids[0], first - 3 * HOUR, BY, now_ms()).await.unwrap_err();
        assert_eq!(early.status(), 422, "{early}");
        // Two hours later the same day is free.
        bookings::move_booking(&app.db, ids[0], first + 5 * HOUR, BY, now_ms()).await.unwrap();
        let visiting = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(london_from_ms(visiting[0].starts_ms).format("%H:%M").to_string(), "15:00");
        assert_eq!(visiting[0].arrive_ms, first + 5 * HOUR - 15 * 60_000, "staggered again");
        let told = app::server::portal::notices(&app.db, case, Parent::Visiting).await.unwrap();
        assert!(told[0].body.contains("09:45") && told[0].body.contains("14:45"), "their own times: {}", told[0].body);
        let told = app::server::portal::notices(&app.db, case, Parent::Resident).await.unwrap();
        assert!(told[0].body.contains("10:00") && told[0].body.contains("15:00"), "{}", told[0].body);
        assert!(app::server::audit::audit_trail(&app.db).await.unwrap().iter().any(|e| e.action == "move"));
        // One that has started cannot be moved.
        let started = bookings::move_booking(&app.db, ids[1], first + 8 * 24 * HOUR, BY, first + 7 * 24 * HOUR + 1).await.unwrap_err();
        assert_eq!(started.status(), 409);
    }

    async fn a_review_is_prompted_before_the_series_ends_and_its_outcome_can_end_contact(app: TestApp) {
        use app::domain::review::ReviewOutcome;
        use app::server::casebook;
        let case = signed_case(&app, "FAM-0129", Funding::Cafcass).await;
        let room = settings::add_room(&app.db, "Test room 1", BY, now_ms()).await.unwrap();
        let workers = worker_ids(&app).await;
        let first = saturday_ten_next_week();
        let week = 7 * 24 * HOUR;
        let sessions = bookings::book_series(&app.db, &series(case, room, first, 2, workers.clone()), BY, now_ms()).await.unwrap();
        assert!(!casebook::detail(&app.db, case, now_ms()).await.unwrap().review_to_book, "nothing held yet");
        // After the first session, one is left and no review is booked.
        let after_first = first + 2 * HOUR;
        assert!(casebook::detail(&app.db, case, after_first).await.unwrap().review_to_book);
        let list = casebook::list(&app.db, after_first).await.unwrap();
        assert!(list.iter().find(|c| c.id == case).unwrap().needs.contains(&app::domain::casework::Need::ReviewToBook));
        let mut review = series(case, room, first + 3 * 24 * HOUR, 1, workers[..1].to_vec());
        review.kind = BookingKind::Review;
        let review = bookings::book_series(&app.db, &review, BY, now_ms()).await.unwrap()[0];
        assert!(!casebook::detail(&app.db, case, after_first).await.unwrap().review_to_book, "a review is booked");

        let early = app::server::reviews::record_review_outcome(&app.db, review, ReviewOutcome::EndContact, "x", BY, after_first).await.unwrap_err();
        assert_eq!(early.status(), 409);
        let not_review = app::server::reviews::record_review_outcome(&app.db, sessions[0], ReviewOutcome::Continue, "x", BY, after_first).await.unwrap_err();
        assert_eq!(not_review.field(), Some("booking_id"));
        let after_review = first + 3 * 24 * HOUR + 2 * HOUR;
        let cancelled = app::server::reviews::record_review_outcome(&app.db, review, ReviewOutcome::EndContact, "Both parents agree contact can move to the community.", BY, after_review)
            .await
            .unwrap();
        assert_eq!(cancelled, 1, "the session still ahead is cancelled");
        let visiting = ledger::parent_bookings(&app.db, case, Parent::Visiting).await.unwrap();
        assert_eq!(visiting.iter().find(|b| b.starts_ms == first + week).unwrap().status, BookingStatus::Cancelled);
        let detail = casebook::detail(&app.db, case, after_review).await.unwrap();
        assert_eq!(detail.review_outcomes.len(), 1);
        assert_eq!(detail.review_outcomes[0].outcome, ReviewOutcome::EndContact);
        let again = app::server::reviews::record_review_outcome(&app.db, review, ReviewOutcome::Continue, "x", BY, after_review).await.unwrap_err();
        assert_eq!(again.status(), 409, "one outcome per review");
        assert!(app::server::audit::audit_trail(&app.db).await.unwrap().iter().any(|e| e.action == "review outcome"));
    }

    async fn a_case_that_only_had_supported_contact_gets_no_final_report(app: TestApp) {
        use app::model::NewFinalReport;
        let case = referrals::record(&app.db, &referral("FAM-0133", Funding::Cafcass), &referrals::Recorder::Coordinator(BY), now_ms()).await.unwrap();
        referrals::decide(&app.db, case, true, "", 1, now_ms()).await.unwrap();
        let mut supported = supervised_weekly();
        supported.service = Service::Supported;
        plans::create(&app.db, case, &supported, 1, now_ms()).await.unwrap();
        let coordinator = app::server::accounts::find(&app.db, BY).await.unwrap().unwrap();
        let report = NewFinalReport { summary: "Calm handovers.".into(), recommendation: "Continue".into(), charge: false };
        let refused = app::server::reports::write_report(&app.db, case, &coordinator, &report, "contact-demo", now_ms()).await.unwrap_err();
        assert_eq!(refused.status(), 409);
        assert!(refused.to_string().contains("supervised"), "{refused}");
        // Once the case has had a supervised plan, a report can be written.
        plans::create(&app.db, case, &supervised_weekly(), 1, now_ms()).await.unwrap();
        app::server::reports::write_report(&app.db, case, &coordinator, &report, "contact-demo", now_ms()).await.unwrap();
    }

    async fn a_refunded_deposit_leaves_nothing_owed(app: TestApp) {
        let case = signed_case(&app, "FAM-0136", Funding::Private).await;
        ledger::record_payment(&app.db, case, Parent::Resident, false, Pence(22_000), "card", "2026-11-26", 1, now_ms())
            .await
            .unwrap();
        ledger::record_payment(&app.db, case, Parent::Resident, true, Pence(11_000), "card", "2026-11-27", 1, now_ms())
            .await
            .unwrap();
        let statement = ledger::statement(&app.db, case, Parent::Resident).await.unwrap();
        assert_eq!(statement.balance, Pence(0), "the deposit went back with the money: {:?}", statement.lines);
        assert_eq!(statement.deposit_held, Pence(0));
        let sum: i64 = statement.lines.iter().map(|l| l.amount.0).sum();
        assert_eq!(sum, statement.balance.0, "the lines add up to the balance");
        assert!(ledger::arrears(&app.db).await.unwrap().iter().all(|a| !(a.case_id == case && a.parent == Parent::Resident)));
    }
}
