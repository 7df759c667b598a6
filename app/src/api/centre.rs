//! The coordinator's back office. Every function here is for coordinators
//! only; the rules live in `crate::server` and `crate::domain`.

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{NewPlan, NewReferral, SeriesRequest, Statement};

/// Records a referral with its children, parents and reasons; returns the case id.
#[server(endpoint = "record_referral", input = Json)]
pub async fn record_referral(referral: NewReferral) -> Result<i64, AppError> {
    use crate::server::{now_ms, referrals, require, state};
    let user = require("record_referral").await?;
    let by = referrals::Recorder::Coordinator(user.id);
    referrals::record(&state()?.db, &referral, &by, now_ms()).await
}

/// Accepts or declines a referral; a decline needs a reason.
#[server(endpoint = "decide_referral")]
pub async fn decide_referral(case_id: i64, accept: bool, note: String) -> Result<(), AppError> {
    use crate::server::{now_ms, referrals, require, state};
    let user = require("decide_referral").await?;
    referrals::decide(&state()?.db, case_id, accept, &note, user.id, now_ms()).await
}

/// Drafts a contact plan for an accepted referral; returns the plan id.
#[server(endpoint = "create_plan", input = Json)]
pub async fn create_plan(case_id: i64, plan: NewPlan) -> Result<i64, AppError> {
    use crate::server::{now_ms, plans, require, state};
    let user = require("create_plan").await?;
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

    use crate::server::{now_ms, plans, require, state};
    let user = require("record_agreement").await?;
    let parent = Parent::parse(&parent).ok_or_else(|| {
        AppError::invalid("parent", "Say which parent signed: resident or visiting.")
    })?;
    plans::record_agreement(&state()?.db, plan_id, parent, &signed_on, user.id, now_ms()).await
}

/// Books one session or a series; returns the new booking ids.
#[server(endpoint = "book_series", input = Json)]
pub async fn book_series(request: SeriesRequest) -> Result<Vec<i64>, AppError> {
    use crate::server::{bookings, now_ms, require, state};
    let user = require("book_series").await?;
    bookings::book_series(&state()?.db, &request, user.id, now_ms()).await
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

    use crate::server::{ledger, now_ms, require, state};
    let user = require("record_payment").await?;
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

    use crate::server::{bookings, now_ms, require, state};
    let user = require("cancel_booking").await?;
    bookings::cancel(
        &state()?.db,
        booking_id,
        Canceller::Centre,
        &reason,
        user.id,
        now_ms(),
    )
    .await
    .map(|_| ())
}

/// Moves a booking still ahead to a new day and time (London), the same
/// length, with every booking rule checked; the parents are told.
#[server(endpoint = "move_booking")]
pub async fn move_booking(booking_id: i64, day: String, time: String) -> Result<(), AppError> {
    use crate::domain::london_time::{ms_from_london, parse_date, parse_time};

    use crate::server::{bookings, now_ms, require, state};
    let user = require("move_booking").await?;
    let start = parse_date("day", &day)?.and_time(parse_time("time", &time)?);
    bookings::move_booking(
        &state()?.db,
        booking_id,
        ms_from_london(start),
        user.id,
        now_ms(),
    )
    .await
}

/// Records how many sessions Cafcass funds on a case (an extension).
#[server(endpoint = "set_funded_sessions")]
pub async fn set_funded_sessions(case_id: i64, funded_sessions: String) -> Result<(), AppError> {
    use crate::domain::money::read_funded_sessions;

    use crate::server::{funding, now_ms, require, state};
    let user = require("set_funded_sessions").await?;
    let funded = read_funded_sessions(&funded_sessions)?;
    funding::set_funded_sessions(&state()?.db, case_id, funded, user.id, now_ms()).await
}

/// Records what a review meeting decided; answers with what to do next.
#[server(endpoint = "record_review_outcome")]
pub async fn record_review_outcome(
    booking_id: i64,
    outcome: String,
    note: String,
) -> Result<String, AppError> {
    use crate::domain::review::read_outcome;

    use crate::server::{now_ms, require, reviews, state};
    let user = require("record_review_outcome").await?;
    let (outcome, note) = read_outcome(&outcome, &note)?;
    let cancelled =
        reviews::record_review_outcome(&state()?.db, booking_id, outcome, &note, user.id, now_ms())
            .await?;
    Ok(match cancelled {
        0 => format!("Outcome recorded. {}", outcome.next_step()),
        n => format!(
            "Outcome recorded. {n} booking(s) still ahead are cancelled and both parents told."
        ),
    })
}

/// Records, or corrects, whether a session that has started was attended;
/// answers with what the coordinator must know at once (a suspension).
#[server(endpoint = "record_attendance")]
pub async fn record_attendance(booking_id: i64, attendance: String) -> Result<String, AppError> {
    use crate::domain::attendance::Attendance;

    use crate::server::{attendance, now_ms, require, state};
    let user = require("record_attendance").await?;
    let attendance = Attendance::parse(&attendance)
        .filter(|a| *a != Attendance::CancelledByCentre)
        .ok_or_else(|| {
            AppError::invalid(
                "attendance",
                "Choose attended, missed with a reason, or missed without explanation.",
            )
        })?;
    attendance::record_attendance(&state()?.db, booking_id, attendance, user.id, now_ms())
        .await
        .map(|effect| effect.message())
}

/// One parent's statement, for the coordinator.
#[server(endpoint = "parent_statement")]
pub async fn parent_statement(case_id: i64, parent: String) -> Result<Statement, AppError> {
    use crate::domain::money::Parent;

    use crate::server::{ledger, require, state};
    require("parent_statement").await?;
    let parent = Parent::parse(&parent)
        .ok_or_else(|| AppError::invalid("parent", "Say which parent: resident or visiting."))?;
    ledger::statement(&state()?.db, case_id, parent).await
}

/// Every case, newest referral first, with what waits on each.
#[server(endpoint = "list_cases")]
pub async fn list_cases() -> Result<Vec<crate::model::CaseRow>, AppError> {
    use crate::server::{casebook, now_ms, require, state};
    require("list_cases").await?;
    casebook::list(&state()?.db, now_ms()).await
}

/// One case in full, for the coordinator.
#[server(endpoint = "case_detail")]
pub async fn case_detail(case_id: i64) -> Result<crate::model::CaseDetail, AppError> {
    use crate::server::{casebook, now_ms, require, state};
    let user = require("case_detail").await?;
    casebook::read_case_file(&state()?.db, case_id, &user, now_ms()).await
}

/// The rooms and the contact workers, to book with.
#[server(endpoint = "booking_choices")]
pub async fn booking_choices()
-> Result<(Vec<crate::model::Choice>, Vec<crate::model::Choice>), AppError> {
    use crate::server::{casebook, require, state};
    require("booking_choices").await?;
    let db = state()?.db;
    Ok((casebook::rooms(&db).await?, casebook::workers(&db).await?))
}

/// The week (Monday to Saturday, London) holding `week_of` (YYYY-MM-DD), or
/// this week; each day with its bookings.
#[server(endpoint = "week_bookings")]
pub async fn week_bookings(week_of: Option<String>) -> Result<crate::model::Week, AppError> {
    use crate::server::{casebook, now_ms, require, state};
    require("week_bookings").await?;
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

    use crate::server::{now_ms, referrals, require, state};
    let user = require("record_risk_assessment").await?;
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
    use crate::server::{referrals, require, state};
    require("risk_assessments").await?;
    referrals::assessments(&state()?.db, case_id).await
}

/// Every centre setting and the rooms.
#[server(endpoint = "centre_settings")]
pub async fn centre_settings() -> Result<crate::model::CentreSettings, AppError> {
    use crate::server::{require, settings, state};
    require("centre_settings").await?;
    settings::all(&state()?.db).await
}

/// Sets the prices (typed in pounds). Charges already raised keep their
/// amounts; new charges use the new prices.
#[server(endpoint = "save_prices")]
pub async fn save_prices(
    registration_per_parent: String,
    pre_visit_per_parent: String,
    deposit_per_parent: String,
    supervised_session: String,
    final_report: String,
) -> Result<(), AppError> {
    use crate::domain::money::Prices;

    use crate::server::{require, settings, state};
    let user = require("save_prices").await?;
    let prices = Prices::from_pounds(
        &registration_per_parent,
        &pre_visit_per_parent,
        &deposit_per_parent,
        &supervised_session,
        &final_report,
    )?;
    settings::change(
        &state()?.db,
        settings::PRICES,
        &prices,
        user.id,
        crate::server::now_ms(),
    )
    .await
}

/// Sets when a booking's fee is due and how parents pay (shown to each
/// parent beside what they owe).
#[server(endpoint = "save_payment_terms")]
pub async fn save_payment_terms(days_before: String, how_to_pay: String) -> Result<(), AppError> {
    use crate::domain::money::PaymentTerms;

    use crate::server::{require, settings, state};
    let user = require("save_payment_terms").await?;
    let terms = PaymentTerms::from_form(&days_before, &how_to_pay)?;
    settings::change(
        &state()?.db,
        settings::PAYMENT_TERMS,
        &terms,
        user.id,
        crate::server::now_ms(),
    )
    .await
}

/// Every parent who owes the centre money, the longest owed first.
#[server(endpoint = "arrears_list")]
pub async fn arrears_list() -> Result<Vec<crate::model::Arrear>, AppError> {
    use crate::server::{ledger, require, state};
    require("arrears_list").await?;
    ledger::arrears(&state()?.db).await
}

/// Sets how the parents' arrivals and departures are staggered, in minutes.
/// Bookings already made keep their times.
#[server(endpoint = "save_stagger")]
pub async fn save_stagger(
    visiting_arrives_before_min: i64,
    visiting_leaves_after_min: i64,
    door_window_min: i64,
) -> Result<(), AppError> {
    use crate::domain::schedule::StaggerSettings;
    use crate::server::{require, settings, state};
    let user = require("save_stagger").await?;
    let stagger = StaggerSettings {
        visiting_arrives_before_min,
        visiting_leaves_after_min,
        door_window_min,
    };
    stagger.check()?;
    settings::change(
        &state()?.db,
        settings::STAGGER,
        &stagger,
        user.id,
        crate::server::now_ms(),
    )
    .await
}

/// Sets the opening hours (HH:MM, London time) and whether the centre
/// closes on bank holidays (`bank_holidays` present, as a ticked box sends).
#[server(endpoint = "save_hours")]
pub async fn save_hours(
    opens: String,
    closes: String,
    bank_holidays: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::london_time::parse_time;

    use crate::domain::schedule::CentreHours;
    use crate::server::{require, settings, state};
    let user = require("save_hours").await?;
    let hours = CentreHours {
        opens: parse_time("opens", &opens)?,
        closes: parse_time("closes", &closes)?,
    };
    hours.check()?;
    let bank_holidays = bank_holidays.is_some();
    settings::change_closures(
        &state()?.db,
        Some(&hours),
        |closures| closures.bank_holidays = bank_holidays,
        user.id,
        crate::server::now_ms(),
    )
    .await
}

/// Adds a day the centre is closed, with the reason people will see.
#[server(endpoint = "add_closed_day")]
pub async fn add_closed_day(date: String, reason: String) -> Result<(), AppError> {
    use crate::domain::closures::ClosedDay;
    use crate::domain::london_time::parse_date;

    use crate::server::{require, settings, state};
    let user = require("add_closed_day").await?;
    let date = parse_date("date", &date)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 80 {
        return Err(AppError::invalid(
            "reason",
            "Say why the centre is closed, in up to 80 characters.",
        ));
    }
    let day = ClosedDay {
        date,
        reason: reason.to_owned(),
    };
    settings::change_closures(
        &state()?.db,
        None,
        |closures| closures.add(day),
        user.id,
        crate::server::now_ms(),
    )
    .await
}

/// Opens the centre again on a day added as closed.
#[server(endpoint = "remove_closed_day")]
pub async fn remove_closed_day(date: String) -> Result<(), AppError> {
    use crate::domain::london_time::parse_date;

    use crate::server::{require, settings, state};
    let user = require("remove_closed_day").await?;
    let date = parse_date("date", &date)?;
    settings::change_closures(
        &state()?.db,
        None,
        |closures| closures.extra.retain(|day| day.date != date),
        user.id,
        crate::server::now_ms(),
    )
    .await
}

/// Adds a room; its name must be new.
#[server(endpoint = "add_room")]
pub async fn add_room(name: String) -> Result<(), AppError> {
    use crate::server::{now_ms, require, settings, state};
    let user = require("add_room").await?;
    if name.trim().chars().count() > 60 {
        return Err(AppError::invalid(
            "room",
            "A room's name has at most 60 characters.",
        ));
    }
    settings::add_room(&state()?.db, &name, user.id, now_ms())
        .await
        .map(|_| ())
}

/// Logs an item of indirect contact that has arrived; returns its id.
#[server(endpoint = "log_indirect_item", input = Json)]
pub async fn log_indirect_item(item: crate::model::NewIndirectItem) -> Result<i64, AppError> {
    use crate::server::{indirect, now_ms, require, state};
    let user = require("log_indirect_item").await?;
    indirect::log_item(&state()?.db, &item, &user, now_ms()).await
}

/// The next step with an item: "check" (with a note), "forward", or
/// "withhold" (the note is the reason).
#[server(endpoint = "indirect_item_step")]
pub async fn indirect_item_step(item_id: i64, step: String, note: String) -> Result<(), AppError> {
    use crate::domain::indirect::ItemStep;

    use crate::server::{indirect, now_ms, require, state};
    let user = require("indirect_item_step").await?;
    let step = match step.as_str() {
        "check" => ItemStep::Check { note },
        "forward" => ItemStep::Forward,
        "withhold" => ItemStep::Withhold { reason: note },
        _ => {
            return Err(AppError::invalid(
                "step",
                "The step is one of check, forward or withhold.",
            ));
        }
    };
    indirect::take_step(&state()?.db, item_id, &step, &user, now_ms())
        .await
        .map(|_| ())
}

/// A case's indirect-contact items, for staff.
#[server(endpoint = "indirect_items")]
pub async fn indirect_items(case_id: i64) -> Result<Vec<crate::model::IndirectItem>, AppError> {
    use crate::server::{indirect, require, state};
    require("indirect_items").await?;
    indirect::items_of_case(&state()?.db, case_id).await
}

/// Who read this family's case file, session records and reports, and when
/// (from the audit trail).
#[server(endpoint = "case_reads")]
pub async fn case_reads(case_id: i64) -> Result<Vec<crate::model::ReadNote>, AppError> {
    use crate::server::{audit, require, state};
    require("case_reads").await?;
    audit::reads_of_case(&state()?.db, case_id).await
}

/// Records a payment from the local authority on a case it funds.
#[server(endpoint = "record_authority_payment")]
pub async fn record_authority_payment(
    case_id: i64,
    amount_pence: i64,
    paid_on: String,
    reference: String,
) -> Result<(), AppError> {
    use crate::domain::money::Pence;
    use crate::server::{funding, now_ms, require, state};
    let user = require("record_authority_payment").await?;
    funding::record_authority_payment(
        &state()?.db,
        case_id,
        Pence(amount_pence),
        &paid_on,
        &reference,
        user.id,
        now_ms(),
    )
    .await
}

/// Closes a case with a reason: bookings still ahead are cancelled (the
/// parents told), referrers and parents get nothing new, and the retention
/// clock starts. Answers with what happened.
#[server(endpoint = "close_case")]
pub async fn close_case(case_id: i64, reason: String, note: String) -> Result<String, AppError> {
    use crate::domain::retention::ClosureReason;
    use crate::server::{now_ms, require, retention, state};
    let user = require("close_case").await?;
    let reason = ClosureReason::parse(&reason)
        .filter(|reason| ClosureReason::CHOSEN.contains(reason))
        .ok_or_else(|| {
        AppError::invalid(
            "reason",
            "Choose why the case is closing: contact ended, moved elsewhere, a court decision, or the family withdrew.",
        )
    })?;
    let cancelled =
        retention::close(&state()?.db, case_id, reason, &note, user.id, now_ms()).await?;
    Ok(match cancelled {
        0 => "The case is closed.".to_owned(),
        n => format!(
            "The case is closed. {n} booking(s) still ahead are cancelled and both parents told."
        ),
    })
}

/// Puts a legal hold on a case: nothing of it is erased until it is lifted.
#[server(endpoint = "set_legal_hold")]
pub async fn set_legal_hold(case_id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{now_ms, require, retention, state};
    let user = require("set_legal_hold").await?;
    retention::set_hold(&state()?.db, case_id, &reason, user.id, now_ms()).await
}

/// Lifts a case's legal hold: its retention clock runs again.
#[server(endpoint = "lift_legal_hold")]
pub async fn lift_legal_hold(case_id: i64) -> Result<(), AppError> {
    use crate::server::{now_ms, require, retention, state};
    let user = require("lift_legal_hold").await?;
    retention::lift_hold(&state()?.db, case_id, user.id, now_ms()).await
}

/// Sets the retention schedule: years after closure per kind of data, and
/// the days a referrer keeps access after closure.
#[server(endpoint = "save_retention")]
pub async fn save_retention(
    records_years: String,
    referral_years: String,
    payments_years: String,
    accounts_years: String,
    referrer_access_days: String,
) -> Result<(), AppError> {
    use crate::domain::retention::Retention;
    use crate::server::{now_ms, require, settings, state};
    let user = require("save_retention").await?;
    let schedule = Retention::from_form(
        &records_years,
        &referral_years,
        &payments_years,
        &accounts_years,
        &referrer_access_days,
    )?;
    settings::change(
        &state()?.db,
        settings::RETENTION,
        &schedule,
        user.id,
        now_ms(),
    )
    .await
}
