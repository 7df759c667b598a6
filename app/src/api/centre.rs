//! The coordinator's back office. Every function here is for coordinators
//! only; the rules live in `crate::server` and `crate::domain`.

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{NewPlan, NewReferral, SeriesRequest, Statement};

/// Records a referral with its children, parents and reasons; returns the case id.
#[server(endpoint = "record_referral", input = Json)]
pub async fn record_referral(referral: NewReferral) -> Result<i64, AppError> {
    use crate::domain::role::Role;
    use crate::server::{now_ms, referrals, require, state};
    require(&[Role::Coordinator]).await?;
    referrals::record(&state()?.db, &referral, now_ms()).await
}

/// Accepts or declines a referral; a decline needs a reason.
#[server(endpoint = "decide_referral")]
pub async fn decide_referral(case_id: i64, accept: bool, note: String) -> Result<(), AppError> {
    use crate::domain::role::Role;
    use crate::server::{now_ms, referrals, require, state};
    let user = require(&[Role::Coordinator]).await?;
    referrals::decide(&state()?.db, case_id, accept, &note, user.id, now_ms()).await
}

/// Drafts a contact plan for an accepted referral; returns the plan id.
#[server(endpoint = "create_plan", input = Json)]
pub async fn create_plan(case_id: i64, plan: NewPlan) -> Result<i64, AppError> {
    use crate::domain::role::Role;
    use crate::server::{now_ms, plans, require, state};
    let user = require(&[Role::Coordinator]).await?;
    plans::create(&state()?.db, case_id, &plan, user.id, now_ms()).await
}

/// Records the date a parent signed the plan's agreement.
#[server(endpoint = "record_agreement")]
pub async fn record_agreement(
    plan_id: i64,
    parent: String,
    signed_on: String,
) -> Result<(), AppError> {
    use crate::domain::money::Parent;
    use crate::domain::role::Role;
    use crate::server::{plans, require, state};
    require(&[Role::Coordinator]).await?;
    let parent = Parent::parse(&parent).ok_or_else(|| {
        AppError::invalid("parent", "Say which parent signed: resident or visiting.")
    })?;
    plans::record_agreement(&state()?.db, plan_id, parent, &signed_on).await
}

/// Books one session or a series; returns the new booking ids.
#[server(endpoint = "book_series", input = Json)]
pub async fn book_series(request: SeriesRequest) -> Result<Vec<i64>, AppError> {
    use crate::domain::role::Role;
    use crate::server::{bookings, now_ms, require, state};
    require(&[Role::Coordinator]).await?;
    bookings::book_series(&state()?.db, &request, now_ms()).await
}

/// Records a payment (or a deposit refund) in pence.
#[server(endpoint = "record_payment")]
pub async fn record_payment(
    case_id: i64,
    parent: String,
    refund: bool,
    amount_pence: i64,
    method: String,
    paid_on: String,
) -> Result<(), AppError> {
    use crate::domain::money::{Parent, Pence};
    use crate::domain::role::Role;
    use crate::server::{ledger, now_ms, require, state};
    let user = require(&[Role::Coordinator]).await?;
    let parent = Parent::parse(&parent).ok_or_else(|| {
        AppError::invalid("parent", "Say which parent paid: resident or visiting.")
    })?;
    ledger::record_payment(
        &state()?.db,
        case_id,
        parent,
        refund,
        Pence(amount_pence),
        &method,
        &paid_on,
        user.id,
        now_ms(),
    )
    .await
    .map(|_| ())
}

/// The centre cancels a booking (child ill, appointment): it costs nobody anything.
#[server(endpoint = "cancel_booking")]
pub async fn cancel_booking(booking_id: i64, reason: String) -> Result<(), AppError> {
    use crate::domain::money::Canceller;
    use crate::domain::role::Role;
    use crate::server::{bookings, now_ms, require, state};
    require(&[Role::Coordinator]).await?;
    bookings::cancel(
        &state()?.db,
        booking_id,
        Canceller::Centre,
        &reason,
        now_ms(),
    )
    .await
    .map(|_| ())
}

/// Records whether a session was attended.
#[server(endpoint = "record_attendance")]
pub async fn record_attendance(booking_id: i64, attendance: String) -> Result<(), AppError> {
    use crate::domain::attendance::Attendance;
    use crate::domain::role::Role;
    use crate::server::{bookings, require, state};
    require(&[Role::Coordinator]).await?;
    let attendance = Attendance::parse(&attendance)
        .ok_or_else(|| AppError::invalid("attendance", "Choose attended or missed."))?;
    bookings::record_attendance(&state()?.db, booking_id, attendance).await
}

/// One parent's statement, for the coordinator.
#[server(endpoint = "parent_statement")]
pub async fn parent_statement(case_id: i64, parent: String) -> Result<Statement, AppError> {
    use crate::domain::money::Parent;
    use crate::domain::role::Role;
    use crate::server::{ledger, require, state};
    require(&[Role::Coordinator]).await?;
    let parent = Parent::parse(&parent)
        .ok_or_else(|| AppError::invalid("parent", "Say which parent: resident or visiting."))?;
    ledger::statement(&state()?.db, case_id, parent).await
}

/// Every case, newest referral first.
#[server(endpoint = "list_cases")]
pub async fn list_cases() -> Result<Vec<crate::model::CaseRow>, AppError> {
    use crate::domain::role::Role;
    use crate::server::{casebook, require, state};
    require(&[Role::Coordinator]).await?;
    casebook::list(&state()?.db).await
}

/// One case in full, for the coordinator.
#[server(endpoint = "case_detail")]
pub async fn case_detail(case_id: i64) -> Result<crate::model::CaseDetail, AppError> {
    use crate::domain::role::Role;
    use crate::server::{casebook, now_ms, require, state};
    require(&[Role::Coordinator]).await?;
    casebook::detail(&state()?.db, case_id, now_ms()).await
}

/// The rooms and the contact workers, to book with.
#[server(endpoint = "booking_choices")]
pub async fn booking_choices()
-> Result<(Vec<crate::model::Choice>, Vec<crate::model::Choice>), AppError> {
    use crate::domain::role::Role;
    use crate::server::{casebook, require, state};
    require(&[Role::Coordinator]).await?;
    let db = state()?.db;
    Ok((casebook::rooms(&db).await?, casebook::workers(&db).await?))
}

/// The week (Monday to Saturday, London) holding `week_of` (YYYY-MM-DD), or
/// this week; each day with its bookings.
#[server(endpoint = "week_bookings")]
pub async fn week_bookings(week_of: Option<String>) -> Result<crate::model::Week, AppError> {
    use crate::domain::role::Role;
    use crate::server::{casebook, now_ms, require, state};
    require(&[Role::Coordinator]).await?;
    casebook::week(&state()?.db, week_of.as_deref(), now_ms()).await
}

/// Records a risk assessment: the decision, why, the next review date; at
/// referral or in the review after the pre-visits.
#[server(endpoint = "record_risk_assessment")]
pub async fn record_risk_assessment(
    case_id: i64,
    stage: String,
    decision: String,
    why: String,
    review_on: String,
) -> Result<(), AppError> {
    use crate::domain::risk::{AssessmentStage, SuggestedService};
    use crate::domain::role::Role;
    use crate::server::{now_ms, referrals, require, state};
    let user = require(&[Role::Coordinator]).await?;
    let stage = AssessmentStage::parse(&stage).ok_or_else(|| {
        AppError::invalid(
            "stage",
            "Say whether this is at referral or after the pre-visits.",
        )
    })?;
    let decision = SuggestedService::parse(&decision).ok_or_else(|| {
        AppError::invalid("decision", "Choose supervised, supported or not suitable.")
    })?;
    referrals::record_assessment(
        &state()?.db,
        case_id,
        stage,
        decision,
        &why,
        &review_on,
        user.id,
        now_ms(),
    )
    .await
}

/// A case's risk assessments, newest first.
#[server(endpoint = "risk_assessments")]
pub async fn risk_assessments(case_id: i64) -> Result<Vec<crate::model::RiskAssessment>, AppError> {
    use crate::domain::role::Role;
    use crate::server::{referrals, require, state};
    require(&[Role::Coordinator]).await?;
    referrals::assessments(&state()?.db, case_id).await
}
