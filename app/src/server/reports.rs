//! Final reports on a series: written and signed by a coordinator, released
//! to the case's referrer only when another coordinator co-signs. The
//! sessions attended and missed are counted from the bookings, not typed.

use sqlx::Row;

use super::audit::Step;
use super::records::check_text;
use super::{Db, plans, settings, signing};
use crate::domain::document::DocumentKind;
use crate::domain::money::{Chargeable, charges_for};
use crate::domain::role::Role;
use crate::domain::schedule::Service;
use crate::error::AppError;
use crate::model::{CurrentUser, FinalReport, NewFinalReport, RecordStatus};

/// A coordinator writes and signs (with their password) a final report on
/// a case's sessions; the sessions attended and missed are counted from
/// the bookings. Raises the report's charge when the parents asked for it.
/// Returns the report's id.
pub async fn write_report(
    db: &Db,
    case_id: i64,
    author: &CurrentUser,
    report: &NewFinalReport,
    password: &str,
    now_ms: i64,
) -> Result<i64, AppError> {
    let summary = report.summary.trim();
    let recommendation = report.recommendation.trim();
    if summary.is_empty() {
        return Err(AppError::invalid("summary", "Write the report's summary."));
    }
    if recommendation.is_empty() {
        return Err(AppError::invalid(
            "recommendation",
            "Give a recommendation, for example \"move to supported contact\".",
        ));
    }
    check_text("summary", summary)?;
    check_text("recommendation", recommendation)?;
    // A report covers supervised sessions: a case that only ever had
    // supported contact or handovers gets none.
    let supervised = plans::services_of(db, case_id)
        .await?
        .into_iter()
        .any(Service::gets_final_report);
    if !supervised {
        return Err(AppError::conflict(
            "Final reports are written on supervised contact; this case has had no supervised plan.",
        ));
    }
    signing::confirm(db, author, password, now_ms).await?;
    let funding = plans::funding(db, case_id).await?;
    let counts = sqlx::query(
        "SELECT \
         SUM(CASE WHEN attendance = 'attended' THEN 1 ELSE 0 END) AS attended, \
         SUM(CASE WHEN attendance IN ('missed_with_reason', 'missed_without_reason') THEN 1 ELSE 0 END) AS missed \
         FROM bookings WHERE case_id = $1 AND kind IN ('session', 'handover')",
    )
    .bind(case_id)
    .fetch_one(&db.pool)
    .await?;
    let attended: i64 = counts.try_get::<Option<i64>, _>("attended")?.unwrap_or(0);
    let missed: i64 = counts.try_get::<Option<i64>, _>("missed")?.unwrap_or(0);
    let charges = if report.charge {
        charges_for(
            Chargeable::FinalReport,
            funding,
            &settings::prices(db).await?,
        )
    } else {
        Vec::new()
    };

    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO final_reports (case_id, author_id, sessions_attended, sessions_missed, summary, \
         recommendation, signed_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(case_id)
    .bind(author.id)
    .bind(attended)
    .bind(missed)
    .bind(summary)
    .bind(recommendation)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await?;
    let report_id: i64 = row.try_get("id")?;
    super::ledger::raise(&mut tx, case_id, None, &charges, now_ms).await?;
    Step::on_report(db, author.id, report_id, now_ms)
        .audit(
            &mut tx,
            "report-sign",
            &format!("attended {attended}, missed {missed}: {recommendation}"),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(report_id)
}

const REPORT_SELECT: &str = "SELECT f.id, c.reference, a.display_name AS author, f.sessions_attended, \
     f.sessions_missed, f.summary, f.recommendation, f.signed_ms, f.status, s.display_name AS cosigner, \
     f.released_ms FROM final_reports f JOIN cases c ON c.id = f.case_id JOIN users a ON a.id = f.author_id \
     LEFT JOIN users s ON s.id = f.cosigned_by";

fn report_from(row: &sqlx::any::AnyRow) -> Result<FinalReport, AppError> {
    let status: String = row.try_get("status")?;
    Ok(FinalReport {
        id: row.try_get("id")?,
        case_reference: row.try_get("reference")?,
        author: row.try_get("author")?,
        sessions_attended: row.try_get::<i64, _>("sessions_attended")?,
        sessions_missed: row.try_get::<i64, _>("sessions_missed")?,
        summary: row.try_get("summary")?,
        recommendation: row.try_get("recommendation")?,
        signed_ms: row.try_get("signed_ms")?,
        status: RecordStatus::parse(&status).unwrap_or(RecordStatus::Signed),
        cosigned_by: row.try_get("cosigner")?,
        released_ms: row.try_get("released_ms")?,
    })
}

/// A case's final reports, newest first (for coordinators).
pub async fn reports_of_case(db: &Db, case_id: i64) -> Result<Vec<FinalReport>, AppError> {
    let rows = sqlx::query(&format!(
        "{REPORT_SELECT} WHERE f.case_id = $1 ORDER BY f.id DESC"
    ))
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(report_from).collect()
}

/// Signed reports waiting for a co-signature, oldest first, without the
/// caller's own.
pub async fn waiting_for(db: &Db, cosigner: &CurrentUser) -> Result<Vec<FinalReport>, AppError> {
    let rows = sqlx::query(&format!(
        "{REPORT_SELECT} WHERE f.status = 'signed' AND f.author_id <> $1 ORDER BY f.id"
    ))
    .bind(cosigner.id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(report_from).collect()
}

/// Another coordinator, or a senior worker, co-signs a report, which
/// releases it to the referrer. Nobody co-signs their own.
pub async fn cosign_report(
    db: &Db,
    report_id: i64,
    coordinator: &CurrentUser,
    password: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT author_id, status FROM final_reports WHERE id = $1")
        .bind(report_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("That report"))?;
    let author: i64 = row.try_get("author_id")?;
    let status: String = row.try_get("status")?;
    if author == coordinator.id {
        return Err(AppError::Forbidden);
    }
    if status != "signed" {
        return Err(AppError::conflict("This report is already co-signed."));
    }
    let confirmed = signing::confirm(db, coordinator, password, now_ms).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE final_reports SET status = 'released', cosigned_by = $1, released_ms = $2 WHERE id = $3 AND status = 'signed'",
    )
    .bind(coordinator.id)
    .bind(now_ms)
    .bind(report_id)
    .execute(&mut *tx)
    .await?;
    let step = Step::on_report(db, coordinator.id, report_id, now_ms);
    step.audit(
        &mut tx,
        "report-cosign",
        &format!("confirmed by {}", confirmed.as_str()),
    )
    .await?;
    step.audit(&mut tx, "report-release", "to the case's referrer")
        .await?;
    let (case_id, reference): (i64, String) = {
        let row = sqlx::query(
            "SELECT c.id, c.reference FROM final_reports f JOIN cases c ON c.id = f.case_id WHERE f.id = $1",
        )
        .bind(report_id)
        .fetch_one(&mut *tx)
        .await?;
        (row.try_get("id")?, row.try_get("reference")?)
    };
    let referrers = super::outbox::referrers_of(&mut tx, case_id).await?;
    super::outbox::queue_to_users(
        &mut tx,
        &referrers,
        &crate::domain::message::released(true, &reference),
        &format!("released report {report_id}"),
        now_ms,
    )
    .await?;
    super::audit::commit(db, tx).await?;
    super::documents::register_released(db, DocumentKind::Report, report_id, now_ms).await;
    Ok(())
}

/// A released report by its id, whoever asks (the caller has checked).
pub async fn released_report(db: &Db, report_id: i64) -> Result<Option<FinalReport>, AppError> {
    sqlx::query(&format!(
        "{REPORT_SELECT} WHERE f.id = $1 AND f.status = 'released'"
    ))
    .bind(report_id)
    .fetch_optional(&db.pool)
    .await?
    .map(|row| report_from(&row))
    .transpose()
}

/// Released reports of the referrer's own cases, newest first.
pub async fn released_reports_for(
    db: &Db,
    referrer: &CurrentUser,
) -> Result<Vec<FinalReport>, AppError> {
    let rows = sqlx::query(&format!(
        "{REPORT_SELECT} JOIN case_members m ON m.case_id = f.case_id \
         WHERE f.status = 'released' AND m.user_id = $1 AND m.relation = 'referrer' AND {} ORDER BY f.id DESC",
        super::retention::referrer_still_reads("c", "f.released_ms", 2)
    ))
    .bind(referrer.id)
    .bind(super::retention::referrer_cutoff(db, super::now_ms()).await?)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(report_from).collect()
}

/// Notes that the reader was shown these reports in full (a referrer's list
/// carries each report's whole text).
pub async fn note_listed(
    db: &Db,
    reader: &CurrentUser,
    reports: &[FinalReport],
    list: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    for report in reports {
        Step::on_report(db, reader.id, report.id, now_ms)
            .note_read(db, reader, &format!("final report, in the list of {list}"))
            .await?;
    }
    Ok(())
}

/// One report, for a coordinator, or for the case's referrer once released
/// (their reading is noted in the audit trail). Anyone else: not found.
pub async fn read_report(
    db: &Db,
    report_id: i64,
    reader: &CurrentUser,
    now_ms: i64,
) -> Result<FinalReport, AppError> {
    let report = match reader.role {
        Role::Coordinator => sqlx::query(&format!("{REPORT_SELECT} WHERE f.id = $1"))
            .bind(report_id)
            .fetch_optional(&db.pool)
            .await?
            .map(|row| report_from(&row))
            .transpose()?,
        Role::Referrer => released_reports_for(db, reader)
            .await?
            .into_iter()
            .find(|r| r.id == report_id),
        Role::Worker | Role::Parent => None,
    }
    .ok_or_else(|| AppError::not_found("That report"))?;
    Step::on_report(db, reader.id, report_id, now_ms)
        .note_read(db, reader, "final report")
        .await?;
    Ok(report)
}
