//! The demo centre, seeded on first start in demo mode only. Production starts
//! have no default accounts.

use chrono::{Datelike, Duration, NaiveTime, Weekday};

use super::{Db, accounts, bookings, cases, ledger, plans, referrals, settings};
use crate::domain::london_time::{london_date, london_from_ms, ms_from_london};
use crate::domain::money::{Funding, Parent, Pence};
use crate::domain::referral::{Law, ReferralSource};
use crate::domain::risk::{AssessmentStage, RiskReason, SuggestedService};
use crate::domain::role::{CaseRelation, Role};
use crate::domain::schedule::{BookingKind, Service};
use crate::error::AppError;
use crate::model::{ChildDetails, NewPlan, NewReferral, ParentDetails, SeriesRequest};

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "contact-demo";

/// The demo accounts: username, name, role.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 6] = [
    ("coordinator", "Morgan Ellis", Role::Coordinator),
    ("worker1", "Priya Shah", Role::Worker),
    ("worker2", "Tom Barker", Role::Worker),
    ("resident", "Jade Collins", Role::Parent),
    ("visiting", "Ryan Collins", Role::Parent),
    ("referrer", "Helen Ward (Cafcass)", Role::Referrer),
];

/// The demo family's case reference.
pub const DEMO_CASE: &str = "FAM-0001";

/// Seeds the demo centre when the database has no accounts yet: the accounts,
/// two rooms, and the demo family referred, accepted, with a signed plan and
/// six weekly Saturday sessions from the first Saturday at least a week away, the
/// visiting parent having paid for the first. Returns whether it seeded.
pub async fn seed_if_empty(db: &Db, now_ms: i64) -> Result<bool, AppError> {
    if accounts::count(db).await? > 0 {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for (username, name, role) in DEMO_ACCOUNTS {
        let hash = accounts::hash_password(DEMO_PASSWORD.to_owned()).await?;
        ids.push(
            accounts::create(
                db,
                username,
                name,
                role,
                hash,
                accounts::PasswordBy::Owner,
                now_ms,
            )
            .await?,
        );
    }
    // Staff and the referrer can be reached by email too (the demo's mail
    // goes to a mail server on loopback, never out).
    for ((username, _, _), id) in DEMO_ACCOUNTS.iter().zip(&ids) {
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(format!("{username}@centre.example"))
            .bind(id)
            .execute(&db.pool)
            .await?;
    }
    let coordinator = ids[0];
    let blue_room = settings::add_room(db, "Blue room", coordinator, now_ms).await?;
    settings::add_room(db, "Green room", coordinator, now_ms).await?;

    let parent = |name: &str, phone: &str| ParentDetails {
        full_name: name.to_owned(),
        phone: phone.to_owned(),
        email: format!("{}@family.example", name.to_lowercase().replace(' ', ".")),
        address: String::new(),
    };
    let child = |first: &str, born: &str| ChildDetails {
        first_name: first.to_owned(),
        last_name: "Collins".to_owned(),
        date_of_birth: born.to_owned(),
    };
    let case_id = referrals::record(
        db,
        &NewReferral {
            reference: DEMO_CASE.to_owned(),
            source: ReferralSource::Cafcass,
            law: Law::Private,
            funding: Funding::Private,
            court_orders: "Child arrangements order (interim)".to_owned(),
            pending_proceedings: "Final hearing listed".to_owned(),
            reasons: vec![RiskReason::PastSubstanceMisuse],
            children: vec![child("Lily", "2018-05-14"), child("Noah", "2021-09-02")],
            resident: parent("Jade Collins", "07700 900111"),
            visiting: parent("Ryan Collins", "07700 900222"),
            resident_consent_on: None,
            visiting_consent_on: None,
        },
        &referrals::Recorder::Coordinator(coordinator),
        now_ms,
    )
    .await?;
    for (user, relation) in [
        (ids[3], CaseRelation::ResidentParent),
        (ids[4], CaseRelation::VisitingParent),
        (ids[5], CaseRelation::Referrer),
    ] {
        cases::link(db, case_id, user, relation, coordinator, now_ms).await?;
    }
    referrals::decide(
        db,
        case_id,
        true,
        "Suitable for supervised contact",
        coordinator,
        now_ms,
    )
    .await?;
    referrals::record_assessment(
        db,
        case_id,
        AssessmentStage::AtReferral,
        SuggestedService::Supervised,
        "Allegations of emotional abuse, no clear evidence: supervised contact, reviewed after six sessions.",
        &(london_date(now_ms) + Duration::days(60))
            .format("%Y-%m-%d")
            .to_string(),
        coordinator,
        now_ms,
    )
    .await?;
    let plan_id = plans::create(
        db,
        case_id,
        &NewPlan {
            service: Service::Supervised,
            every_days: 7,
            duration_min: 60,
            sessions_planned: 6,
            ground_rules:
                "No talk of the court case. Gifts agreed with staff first. English spoken."
                    .to_owned(),
            who_may_attend: "The visiting parent only; no other relatives or friends.".to_owned(),
        },
        coordinator,
        now_ms,
    )
    .await?;
    let today = london_date(now_ms).format("%Y-%m-%d").to_string();
    plans::record_agreement(db, plan_id, Parent::Resident, &today, coordinator, now_ms).await?;
    plans::record_agreement(db, plan_id, Parent::Visiting, &today, coordinator, now_ms).await?;

    let mut day = london_from_ms(now_ms).date() + Duration::days(7);
    while day.weekday() != Weekday::Sat {
        day += Duration::days(1);
    }
    let ten = NaiveTime::from_hms_opt(10, 0, 0).expect("valid time");
    bookings::book_series(
        db,
        &SeriesRequest {
            case_id,
            kind: BookingKind::Session,
            parent_side: None,
            room_id: blue_room,
            first_start_ms: ms_from_london(day.and_time(ten)),
            duration_min: 60,
            count: 6,
            every_days: 7,
            worker_ids: vec![ids[1], ids[2]],
            more_dates: Vec::new(),
        },
        coordinator,
        now_ms,
    )
    .await?;
    // Registration, deposit and the first session.
    ledger::record_payment(
        db,
        case_id,
        Parent::Visiting,
        false,
        Pence(31_900),
        "card",
        &today,
        coordinator,
        now_ms,
    )
    .await?;
    session_today(db, &ids, blue_room, now_ms).await?;
    Ok(true)
}

/// The second demo family, Cafcass-funded, with a supervised session
/// starting now (rounded down to the quarter hour), so that session mode
/// can be tried the moment the demo starts, whatever the day or hour. It is
/// written directly, as demo data: the centre's booking rules (opening
/// hours, booking ahead) would refuse a session at an arbitrary hour.
pub const TODAY_CASE: &str = "FAM-0002";

async fn session_today(db: &Db, ids: &[i64], room_id: i64, now_ms: i64) -> Result<(), AppError> {
    let coordinator = ids[0];
    let case_id = referrals::record(
        db,
        &NewReferral {
            reference: TODAY_CASE.to_owned(),
            source: ReferralSource::Cafcass,
            law: Law::Private,
            funding: Funding::Cafcass,
            court_orders: "Child arrangements order (interim)".to_owned(),
            pending_proceedings: String::new(),
            reasons: vec![RiskReason::FearOfAbduction],
            children: vec![ChildDetails {
                first_name: "Ava".to_owned(),
                last_name: "Hughes".to_owned(),
                date_of_birth: "2019-03-02".to_owned(),
            }],
            resident: ParentDetails {
                full_name: "Sam Hughes".to_owned(),
                phone: "07700 900333".to_owned(),
                email: String::new(),
                address: String::new(),
            },
            visiting: ParentDetails {
                full_name: "Chris Hughes".to_owned(),
                phone: "07700 900444".to_owned(),
                email: String::new(),
                address: String::new(),
            },
            resident_consent_on: None,
            visiting_consent_on: None,
        },
        &referrals::Recorder::Coordinator(coordinator),
        now_ms,
    )
    .await?;
    // The Cafcass officer of the first family has this one too.
    cases::link(
        db,
        case_id,
        ids[5],
        CaseRelation::Referrer,
        coordinator,
        now_ms,
    )
    .await?;
    referrals::decide(
        db,
        case_id,
        true,
        "Supervised, with a safety plan",
        coordinator,
        now_ms,
    )
    .await?;
    let plan_id = plans::create(
        db,
        case_id,
        &NewPlan {
            service: Service::Supervised,
            every_days: 7,
            duration_min: 60,
            sessions_planned: 6,
            ground_rules: "Stay in the room. No phones. No promises about living arrangements."
                .to_owned(),
            who_may_attend: "The visiting parent only.".to_owned(),
        },
        coordinator,
        now_ms,
    )
    .await?;
    let today = london_date(now_ms).format("%Y-%m-%d").to_string();
    plans::record_agreement(db, plan_id, Parent::Resident, &today, coordinator, now_ms).await?;
    plans::record_agreement(db, plan_id, Parent::Visiting, &today, coordinator, now_ms).await?;
    const QUARTER_MS: i64 = 15 * 60_000;
    let starts = now_ms - now_ms.rem_euclid(QUARTER_MS);
    let ends = starts + 60 * 60_000;
    bookings::insert_demo_session(
        db,
        case_id,
        plan_id,
        room_id,
        starts,
        ends,
        &[ids[1], ids[2]],
        now_ms,
    )
    .await
}
