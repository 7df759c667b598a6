//! Referrals: the family's case, children, each parent's details, the reasons
//! for referral; then the coordinator's decision.

use sqlx::Row;

use super::audit::Step;
use super::{Db, cases};
use crate::domain::london_time::{format_iso_date, london_date, parse_date};
use crate::domain::referral::{ReferralSource, check_consent};
use crate::domain::risk::{AssessmentStage, RiskReason, SuggestedService, suggest};
use crate::domain::role::CaseRelation;
use crate::error::AppError;
use crate::model::{CurrentUser, NewReferral, ParentDetails, ReferralStatus, RiskAssessment};

fn required(field: &str, value: &str, what: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        Err(AppError::invalid(field, format!("Enter {what}.")))
    } else {
        Ok(value.to_owned())
    }
}

fn check_parent(side: &str, parent: &ParentDetails) -> Result<(), AppError> {
    required(
        &format!("{side}.full_name"),
        &parent.full_name,
        &format!("the {side} parent's name"),
    )?;
    Ok(())
}

/// Records a referral and its case in one transaction; returns the case id.
/// Every text field and list of a referral within its cap; the error names
/// the field and the cap.
fn check_sizes(referral: &NewReferral) -> Result<(), AppError> {
    use crate::domain::referral::caps;
    use crate::domain::validate::{at_most, capped};
    capped("reference", &referral.reference, caps::REFERENCE)?;
    capped("court_orders", &referral.court_orders, caps::PROCEEDINGS)?;
    capped(
        "pending_proceedings",
        &referral.pending_proceedings,
        caps::PROCEEDINGS,
    )?;
    at_most(
        "children",
        referral.children.len(),
        caps::CHILDREN,
        "children",
    )?;
    at_most("reasons", referral.reasons.len(), caps::REASONS, "reasons")?;
    for (index, child) in referral.children.iter().enumerate() {
        capped(
            &format!("children[{index}].first_name"),
            &child.first_name,
            caps::NAME,
        )?;
        capped(
            &format!("children[{index}].last_name"),
            &child.last_name,
            caps::NAME,
        )?;
        capped(
            &format!("children[{index}].date_of_birth"),
            &child.date_of_birth,
            10,
        )?;
    }
    for (side, parent) in [
        ("resident", &referral.resident),
        ("visiting", &referral.visiting),
    ] {
        capped(&format!("{side}.full_name"), &parent.full_name, caps::NAME)?;
        capped(&format!("{side}.phone"), &parent.phone, caps::PHONE)?;
        capped(&format!("{side}.email"), &parent.email, caps::EMAIL)?;
        capped(&format!("{side}.address"), &parent.address, caps::ADDRESS)?;
    }
    Ok(())
}

pub async fn record(
    db: &Db,
    referral: &NewReferral,
    by: &Recorder,
    now_ms: i64,
) -> Result<i64, AppError> {
    check_sizes(referral)?;
    let reference = required("reference", &referral.reference, "a case reference")?.to_uppercase();
    if referral.children.is_empty() {
        return Err(AppError::invalid("children", "Add at least one child."));
    }
    let mut children = Vec::new();
    for (index, child) in referral.children.iter().enumerate() {
        let field = format!("children[{index}]");
        let first = required(
            &format!("{field}.first_name"),
            &child.first_name,
            "the child's first name",
        )?;
        let last = required(
            &format!("{field}.last_name"),
            &child.last_name,
            "the child's last name",
        )?;
        let born = parse_date(&format!("{field}.date_of_birth"), &child.date_of_birth)?;
        children.push((first, last, born.format("%Y-%m-%d").to_string()));
    }
    check_parent("resident", &referral.resident)?;
    check_parent("visiting", &referral.visiting)?;
    check_consent(
        referral.source,
        referral.resident_consent_on.as_deref(),
        referral.visiting_consent_on.as_deref(),
    )?;
    let consent = |date: &Option<String>, field: &str| -> Result<Option<String>, AppError> {
        date.as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_date(field, d).map(|d| d.format("%Y-%m-%d").to_string()))
            .transpose()
    };
    let resident_consent = consent(&referral.resident_consent_on, "resident_consent_on")?;
    let visiting_consent = consent(&referral.visiting_consent_on, "visiting_consent_on")?;

    let mut tx = db.begin_write().await?;
    let case_row =
        sqlx::query("INSERT INTO cases (reference, created_at) VALUES ($1, $2) RETURNING id")
            .bind(&reference)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match e.as_database_error() {
                Some(d) if d.is_unique_violation() => {
                    AppError::invalid("reference", format!("There is already a case {reference}."))
                }
                _ => e.into(),
            })?;
    let case_id: i64 = case_row.try_get("id")?;
    let referral_row = sqlx::query(
        "INSERT INTO referrals (case_id, source, law, funding, court_orders, pending_proceedings, \
         resident_consent_on, visiting_consent_on, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(case_id)
    .bind(referral.source.as_str())
    .bind(referral.law.as_str())
    .bind(referral.funding.as_str())
    .bind(referral.court_orders.trim())
    .bind(referral.pending_proceedings.trim())
    .bind(resident_consent)
    .bind(visiting_consent)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    let referral_id: i64 = referral_row.try_get("id")?;
    let mut reasons = referral.reasons.clone();
    reasons.dedup();
    for reason in reasons {
        let name = serde_json::to_value(reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        sqlx::query("INSERT INTO referral_reasons (referral_id, reason) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(referral_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    for (first, last, born) in children {
        sqlx::query(
            "INSERT INTO children (case_id, first_name, last_name, date_of_birth) VALUES ($1, $2, $3, $4)",
        )
        .bind(case_id)
        .bind(first)
        .bind(last)
        .bind(born)
        .execute(&mut *tx)
        .await?;
    }
    for (side, parent) in [
        ("resident", &referral.resident),
        ("visiting", &referral.visiting),
    ] {
        sqlx::query(
            "INSERT INTO case_parents (case_id, side, full_name, phone, email, address) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(case_id)
        .bind(side)
        .bind(parent.full_name.trim())
        .bind(parent.phone.trim())
        .bind(parent.email.trim())
        .bind(parent.address.trim())
        .execute(&mut *tx)
        .await?;
    }
    let actor = match *by {
        Recorder::Coordinator(id) => id,
        Recorder::Referrer(id) => {
            cases::link_in(db, &mut tx, case_id, id, CaseRelation::Referrer, id, now_ms).await?;
            super::outbox::queue_to_coordinators(
                &mut tx,
                &crate::domain::message::new_referral(&reference),
                &format!("referral {case_id}"),
                now_ms,
            )
            .await?;
            id
        }
    };
    Step::on_case(db, actor, case_id, now_ms)
        .audit(
            &mut tx,
            "referral recorded",
            &format!(
                "{reference}: {} children, source {}",
                referral.children.len(),
                referral.source.as_str()
            ),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(case_id)
}

/// Who records a referral: a coordinator, or a referrer online (who is then
/// linked to the new case in the same transaction).
#[derive(Debug, Clone, Copy)]
pub enum Recorder {
    Coordinator(i64),
    Referrer(i64),
}

/// Accepts or declines a received referral. A decline needs a reason.
pub async fn decide(
    db: &Db,
    case_id: i64,
    accept: bool,
    note: &str,
    decided_by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    if !accept && note.trim().is_empty() {
        return Err(AppError::invalid(
            "decision_note",
            "Say why the referral is declined.",
        ));
    }
    let mut tx = db.begin_write().await?;
    let decision = if accept { "accepted" } else { "declined" };
    let updated = sqlx::query(
        "UPDATE referrals SET status = $1, decision_note = $2, decided_at = $3, decided_by = $4 \
         WHERE case_id = $5 AND status = 'received'",
    )
    .bind(decision)
    .bind(note.trim())
    .bind(now_ms)
    .bind(decided_by)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::conflict(
            "That referral was not found or has already been decided.",
        ));
    }
    if !accept {
        // A declined referral is closed by the decision: its retention
        // clock starts now.
        sqlx::query(
            "UPDATE cases SET closed_ms = $1, closed_by = $2, closed_reason = 'referral_declined' \
             WHERE id = $3 AND closed_ms IS NULL",
        )
        .bind(now_ms)
        .bind(decided_by)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    }
    Step::on_case(db, decided_by, case_id, now_ms)
        .audit(&mut tx, &format!("referral {decision}"), note.trim())
        .await?;
    super::audit::commit(db, tx).await
}

/// A referral sent online by a referrer: the centre gives it the next case
/// reference, and the referrer is linked to the case, so they can follow
/// its status and, later, read its released records. Returns the reference.
pub async fn submit_by_referrer(
    db: &Db,
    referral: &NewReferral,
    referrer: &CurrentUser,
    now_ms: i64,
) -> Result<String, AppError> {
    if referral.source == ReferralSource::SelfReferral {
        return Err(AppError::invalid(
            "source",
            "Parents refer themselves through the centre. Say how you are referring.",
        ));
    }
    let mut referral = referral.clone();
    // Two referrals at once might both pick the same number: the second
    // is refused by the unique reference and tries the next one.
    for _ in 0..3 {
        referral.reference = next_reference(db).await?;
        match record(db, &referral, &Recorder::Referrer(referrer.id), now_ms).await {
            Ok(_) => return Ok(referral.reference),
            Err(AppError::Invalid { field, .. }) if field == "reference" => continue,
            Err(other) => return Err(other),
        }
    }
    Err(AppError::conflict(
        "The centre is taking many referrals just now. Send it again.",
    ))
}

/// The next free "FAM-nnnn" reference.
async fn next_reference(db: &Db) -> Result<String, AppError> {
    let rows = sqlx::query("SELECT reference FROM cases WHERE reference LIKE 'FAM-%'")
        .fetch_all(&db.pool)
        .await?;
    let mut highest = 0_u32;
    for row in rows {
        let reference: String = row.try_get("reference")?;
        if let Some(n) = reference
            .strip_prefix("FAM-")
            .and_then(|digits| digits.parse::<u32>().ok())
        {
            highest = highest.max(n);
        }
    }
    Ok(format!("FAM-{:04}", highest + 1))
}

/// The referrals a referrer is linked to, newest first, with their status.
pub async fn of_referrer(db: &Db, referrer: &CurrentUser) -> Result<Vec<ReferralStatus>, AppError> {
    let rows = sqlx::query(
        "SELECT c.reference, r.status, r.decision_note, r.received_at FROM referrals r \
         JOIN cases c ON c.id = r.case_id JOIN case_members m ON m.case_id = c.id \
         WHERE m.user_id = $1 AND m.relation = 'referrer' ORDER BY r.received_at DESC",
    )
    .bind(referrer.id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ReferralStatus {
                reference: row.try_get("reference")?,
                status: row.try_get("status")?,
                decision_note: row.try_get("decision_note")?,
                received_ms: row.try_get("received_at")?,
            })
        })
        .collect()
}

/// Records a risk assessment: the coordinator's decision, why, and when it
/// is reviewed next, beside what the guide suggests from the referral's
/// reasons at that moment.
#[allow(clippy::too_many_arguments)]
pub async fn record_assessment(
    db: &Db,
    case_id: i64,
    stage: AssessmentStage,
    decision: SuggestedService,
    why: &str,
    review_on: &str,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let why = required("why", why, "why you decided this")?;
    let review = parse_date("review_on", review_on)?;
    if review <= london_date(now_ms) {
        return Err(AppError::invalid(
            "review_on",
            "The review date must be after today.",
        ));
    }
    let referral = sqlx::query("SELECT id, source FROM referrals WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("Case"))?;
    let referral_id: i64 = referral.try_get("id")?;
    let source: String = referral.try_get("source")?;
    let reasons: Vec<RiskReason> =
        sqlx::query("SELECT reason FROM referral_reasons WHERE referral_id = $1")
            .bind(referral_id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .filter_map(|row| row.try_get::<String, _>("reason").ok())
            .filter_map(|name| serde_json::from_value(serde_json::Value::String(name)).ok())
            .collect();
    let suggested = suggest(&reasons, source == "self").service;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO risk_assessments (case_id, stage, decision, suggested, why, review_on, recorded_by, recorded_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(case_id)
    .bind(stage.as_str())
    .bind(decision.as_str())
    .bind(suggested.as_str())
    .bind(why.clone())
    .bind(format_iso_date(review))
    .bind(by)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "risk decision",
            &format!(
                "{}: {} (the guide suggested {}); review by {}; why: {why}",
                stage.as_str(),
                decision.as_str(),
                suggested.as_str(),
                format_iso_date(review)
            ),
        )
        .await?;
    super::audit::commit(db, tx).await
}

/// The decision of the case's latest risk assessment, if there is one.
pub async fn latest_decision(db: &Db, case_id: i64) -> Result<Option<SuggestedService>, AppError> {
    let row = sqlx::query(
        "SELECT decision FROM risk_assessments WHERE case_id = $1 \
         ORDER BY recorded_ms DESC, id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        let text: String = row.try_get("decision")?;
        SuggestedService::parse(&text)
            .ok_or_else(|| super::failure::internal(format!("unknown decision {text:?}")))
    })
    .transpose()
}

/// A case's risk assessments, newest first.
pub async fn assessments(db: &Db, case_id: i64) -> Result<Vec<RiskAssessment>, AppError> {
    let rows = sqlx::query(
        "SELECT a.stage, a.decision, a.suggested, a.why, a.review_on, u.display_name, a.recorded_ms \
         FROM risk_assessments a JOIN users u ON u.id = a.recorded_by WHERE a.case_id = $1 ORDER BY a.id DESC",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    let unknown = || super::failure::internal("unknown value in risk_assessments");
    rows.iter()
        .map(|row| {
            let stage: String = row.try_get("stage")?;
            let decision: String = row.try_get("decision")?;
            let suggested: String = row.try_get("suggested")?;
            Ok(RiskAssessment {
                stage: AssessmentStage::parse(&stage).ok_or_else(unknown)?,
                decision: SuggestedService::parse(&decision).ok_or_else(unknown)?,
                suggested: SuggestedService::parse(&suggested).ok_or_else(unknown)?,
                why: row.try_get("why")?,
                review_on: row.try_get("review_on")?,
                recorded_by: row.try_get("display_name")?,
                recorded_ms: row.try_get("recorded_ms")?,
            })
        })
        .collect()
}
