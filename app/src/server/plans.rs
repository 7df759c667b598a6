//! Contact plans and the parents' signed agreements. Starting a plan raises
//! the registration and deposit charges (none for a Cafcass-funded case).

use sqlx::Row;

use super::audit::Step;
use super::{Db, settings};
use crate::domain::london_time::parse_date;
use crate::domain::money::{Chargeable, Funding, Parent, charges_for};
use crate::error::AppError;
use crate::model::NewPlan;

/// How the case is funded, from its referral.
pub async fn funding(db: &Db, case_id: i64) -> Result<Funding, AppError> {
    let row = sqlx::query("SELECT funding, status FROM referrals WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("Case"))?;
    let text: String = row.try_get("funding")?;
    Funding::parse(&text)
        .ok_or_else(|| super::failure::internal(format!("unknown funding {text:?}")))
}

/// Drafts a plan for an accepted referral and raises its starting charges,
/// in one transaction. Returns the plan id.
pub async fn create(
    db: &Db,
    case_id: i64,
    plan: &NewPlan,
    created_by: i64,
    now_ms: i64,
) -> Result<i64, AppError> {
    super::retention::refuse_if_closed(db, case_id).await?;
    if !(1..=365).contains(&plan.every_days) {
        return Err(AppError::invalid(
            "every_days",
            "Sessions repeat every 1 to 365 days.",
        ));
    }
    if !(15..=480).contains(&plan.duration_min) {
        return Err(AppError::invalid(
            "duration_min",
            "A session lasts 15 minutes to 8 hours.",
        ));
    }
    if !(1..=52).contains(&plan.sessions_planned) {
        return Err(AppError::invalid(
            "sessions_planned",
            "Plan 1 to 52 sessions.",
        ));
    }
    let status: Option<String> = sqlx::query("SELECT status FROM referrals WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| row.try_get("status"))
        .transpose()?;
    match status.as_deref() {
        None => return Err(AppError::not_found("Case")),
        Some("accepted") => {}
        Some(_) => {
            return Err(AppError::conflict(
                "A plan can only be made once the referral is accepted.",
            ));
        }
    }
    let funding = funding(db, case_id).await?;
    let prices = settings::prices(db).await?;
    let first_plan = sqlx::query("SELECT COUNT(*) AS n FROM contact_plans WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(&db.pool)
        .await?
        .try_get::<i64, _>("n")?
        == 0;

    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO contact_plans (case_id, service, every_days, duration_min, sessions_planned, \
         ground_rules, who_may_attend, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(case_id)
    .bind(plan.service.as_str())
    .bind(plan.every_days)
    .bind(plan.duration_min)
    .bind(plan.sessions_planned)
    .bind(plan.ground_rules.trim())
    .bind(plan.who_may_attend.trim())
    .bind(now_ms)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    let plan_id: i64 = row.try_get("id")?;
    if first_plan {
        let charges = charges_for(Chargeable::PlanStarts, funding, &prices);
        super::ledger::raise(&mut tx, case_id, None, &charges, now_ms).await?;
    }
    Step::on_case(db, created_by, case_id, now_ms)
        .audit(
            &mut tx,
            "plan",
            &format!(
                "plan {plan_id}: {}, every {} days, {} minutes, {} sessions",
                plan.service.as_str(),
                plan.every_days,
                plan.duration_min,
                plan.sessions_planned
            ),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(plan_id)
}

/// Records the date a parent signed the plan's agreement.
pub async fn record_agreement(
    db: &Db,
    plan_id: i64,
    parent: Parent,
    signed_on: &str,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let date = parse_date("signed_on", signed_on)?
        .format("%Y-%m-%d")
        .to_string();
    let column = match parent {
        Parent::Resident => "resident_agreed_on",
        Parent::Visiting => "visiting_agreed_on",
    };
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(&format!(
        "UPDATE contact_plans SET {column} = $1 WHERE id = $2 RETURNING case_id"
    ))
    .bind(date.clone())
    .bind(plan_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("Contact plan"))?;
    let case_id: i64 = updated.try_get("case_id")?;
    let step = Step::on_case(db, by, case_id, now_ms);
    step.audit(
        &mut tx,
        "agreement",
        &format!(
            "plan {plan_id}: the {} parent signed on {date}",
            parent.as_str()
        ),
    )
    .await?;
    // Both parents have now signed this plan: a suspension under an earlier
    // plan is lifted, and the sessions it held go ahead under this one.
    let agreed = sqlx::query(
        "SELECT resident_agreed_on, visiting_agreed_on FROM contact_plans WHERE id = $1",
    )
    .bind(plan_id)
    .fetch_one(&mut *tx)
    .await?;
    let both = agreed
        .try_get::<Option<String>, _>("resident_agreed_on")?
        .is_some()
        && agreed
            .try_get::<Option<String>, _>("visiting_agreed_on")?
            .is_some();
    if both {
        sqlx::query(
            "UPDATE bookings SET plan_id = $1 WHERE case_id = $2 AND held_at IS NOT NULL \
             AND starts_at > $3 AND cancelled_at IS NULL",
        )
        .bind(plan_id)
        .bind(case_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let released = super::attendance::release_held(&mut tx, case_id, now_ms).await?;
        if released > 0 {
            super::portal::tell_both(
                &mut tx,
                case_id,
                &crate::domain::notice::suspension_lifted_notice(released),
                &crate::domain::message::resumed(),
                now_ms,
            )
            .await?;
            step.audit(
                &mut tx,
                "lift",
                &format!("new agreement on plan {plan_id}; {released} held session(s) released"),
            )
            .await?;
        }
    }
    super::audit::commit(db, tx).await
}

/// The case's current plan: the latest, with both agreements signed, and
/// when it was made (for the attendance rule).
pub struct CurrentPlan {
    pub id: i64,
    pub service: crate::domain::schedule::Service,
    pub created_at: i64,
}

pub async fn current_signed_plan(db: &Db, case_id: i64) -> Result<Option<CurrentPlan>, AppError> {
    let row = sqlx::query(
        "SELECT id, service, created_at, resident_agreed_on, visiting_agreed_on FROM contact_plans \
         WHERE case_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let resident: Option<String> = row.try_get("resident_agreed_on")?;
    let visiting: Option<String> = row.try_get("visiting_agreed_on")?;
    if resident.is_none() || visiting.is_none() {
        return Ok(None);
    }
    let service: String = row.try_get("service")?;
    Ok(Some(CurrentPlan {
        id: row.try_get("id")?,
        service: crate::domain::schedule::Service::parse(&service)
            .ok_or_else(|| super::failure::internal(format!("unknown service {service:?}")))?,
        created_at: row.try_get("created_at")?,
    }))
}

/// The services of every plan the case has had, oldest first.
pub async fn services_of(
    db: &Db,
    case_id: i64,
) -> Result<Vec<crate::domain::schedule::Service>, AppError> {
    sqlx::query("SELECT service FROM contact_plans WHERE case_id = $1 ORDER BY created_at, id")
        .bind(case_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| {
            let text: String = row.try_get("service")?;
            crate::domain::schedule::Service::parse(&text)
                .ok_or_else(|| super::failure::internal(format!("unknown service {text:?}")))
        })
        .collect()
}

/// The latest plan's rules, with the date the given parent signed them.
pub async fn agreed_rules(
    db: &Db,
    case_id: i64,
    parent: Parent,
) -> Result<Option<crate::model::AgreedRules>, AppError> {
    let row = sqlx::query(
        "SELECT ground_rules, who_may_attend, resident_agreed_on, visiting_agreed_on FROM contact_plans \
         WHERE case_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let signed_column = match parent {
        Parent::Resident => "resident_agreed_on",
        Parent::Visiting => "visiting_agreed_on",
    };
    Ok(Some(crate::model::AgreedRules {
        ground_rules: row.try_get("ground_rules")?,
        who_may_attend: row.try_get("who_may_attend")?,
        signed_on: row.try_get(signed_column)?,
    }))
}
