//! A case of the tests' own, built through the storage layer: a referral
//! decided, assessed and planned with both agreements, rooms and workers
//! free at any hour, and series of bookings. Tests lean on none of the demo
//! centre's cases.

use app::domain::london_time::{london_from_ms, ms_from_london};
use app::domain::money::{Funding, Parent};
use app::domain::referral::{Law, ReferralSource};
use app::domain::risk::{AssessmentStage, RiskReason, SuggestedService};
use app::domain::schedule::{BookingKind, Service};
use app::model::{ChildDetails, NewPlan, NewReferral, ParentDetails, SeriesRequest};
use app::server::{now_ms, plans, referrals};
use chrono::{Datelike, Duration, NaiveTime, Weekday};

use super::TestApp;

pub const HOUR: i64 = 3_600_000;
/// The actor the audit trail names for bookings these tests make (they look
/// at the bookings, not at the trail, which `audit.rs` tests).
pub const BY: i64 = 1;

/// Next week's Saturday at 10:00, London time, as UTC milliseconds.
pub fn saturday_ten_next_week() -> i64 {
    let mut day = london_from_ms(now_ms()).date() + Duration::days(7);
    while day.weekday() != Weekday::Sat {
        day += Duration::days(1);
    }
    ms_from_london(day.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap()))
}

pub fn referral(reference: &str, funding: Funding) -> NewReferral {
    let parent = |name: &str| ParentDetails {
        full_name: name.into(),
        phone: "07700 900000".into(),
        email: String::new(),
        address: "1 High Street".into(),
    };
    NewReferral {
        reference: reference.into(),
        source: ReferralSource::Solicitor,
        law: Law::Private,
        funding,
        court_orders: "Child arrangements order".into(),
        pending_proceedings: String::new(),
        reasons: vec![RiskReason::PastSubstanceMisuse],
        children: vec![ChildDetails {
            first_name: "Mia".into(),
            last_name: "Hart".into(),
            date_of_birth: "2019-03-02".into(),
        }],
        resident: parent(&format!("{reference} Resident")),
        visiting: parent(&format!("{reference} Visiting")),
        resident_consent_on: None,
        visiting_consent_on: None,
    }
}

/// A case taken from referral to a signed supervised plan.
pub async fn signed_case(app: &TestApp, reference: &str, funding: Funding) -> i64 {
    let case = referrals::record(
        &app.db,
        &referral(reference, funding),
        &referrals::Recorder::Coordinator(BY),
        now_ms(),
    )
    .await
    .unwrap();
    referrals::decide(&app.db, case, true, "", 1, now_ms())
        .await
        .unwrap();
    assess(app, case, SuggestedService::Supervised).await;
    let plan = plans::create(&app.db, case, &supervised_weekly(), 1, now_ms())
        .await
        .unwrap();
    plans::record_agreement(&app.db, plan, Parent::Resident, "2026-11-20", 1, now_ms())
        .await
        .unwrap();
    plans::record_agreement(&app.db, plan, Parent::Visiting, "2026-11-21", 1, now_ms())
        .await
        .unwrap();
    case
}

/// Records a risk assessment with this decision, as contact needs one.
pub async fn assess(app: &TestApp, case: i64, decision: SuggestedService) {
    let review_on = (london_from_ms(now_ms()).date() + Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    referrals::record_assessment(
        &app.db,
        case,
        AssessmentStage::AtReferral,
        decision,
        "Tested.",
        &review_on,
        BY,
        now_ms(),
    )
    .await
    .unwrap();
}

pub fn supervised_weekly() -> NewPlan {
    NewPlan {
        service: Service::Supervised,
        every_days: 7,
        duration_min: 60,
        sessions_planned: 6,
        ground_rules: "No gifts without asking.".into(),
        who_may_attend: "Visiting parent only.".into(),
    }
}

/// Two workers of the test's own, free at every time (the demo centre's
/// workers already have Saturday sessions).
pub async fn worker_ids(app: &TestApp) -> Vec<i64> {
    use app::domain::role::Role;
    use app::server::accounts;
    let mut ids = Vec::new();
    for name in ["Ada Test", "Ben Test"] {
        let username = name.to_lowercase().replace(' ', ".");
        if let Some(account) = accounts::find_with_password(&app.db, &username)
            .await
            .unwrap()
        {
            ids.push(account.user.id);
            continue;
        }
        let hash = accounts::hash_password("long-enough-pass".into())
            .await
            .unwrap();
        ids.push(
            accounts::create(
                &app.db,
                &username,
                name,
                Role::Worker,
                hash,
                accounts::PasswordBy::Owner,
                0,
            )
            .await
            .unwrap(),
        );
    }
    ids
}

pub fn series(
    case_id: i64,
    room_id: i64,
    first: i64,
    count: u32,
    workers: Vec<i64>,
) -> SeriesRequest {
    SeriesRequest {
        case_id,
        kind: BookingKind::Session,
        parent_side: None,
        room_id,
        first_start_ms: first,
        duration_min: 60,
        count,
        every_days: 7,
        worker_ids: workers,
        more_dates: Vec::new(),
    }
}
