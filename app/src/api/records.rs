//! Session records after the session: a worker completes and signs, a
//! coordinator co-signs (releasing it to the referrer) or returns it, and
//! the referrer reads what was released for their own cases. Parents get
//! none of it: a parent's page shows only that a session took place.

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{RecordDue, RecordStatus, RecordText, SessionRecord};

/// One record in full, for whoever may read it; a referrer's reading is
/// noted in the audit trail.
#[server(endpoint = "read_record")]
pub async fn read_record(booking_id: i64) -> Result<SessionRecord, AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("read_record").await?;
    let db = &state()?.db;
    if !records::may_read(db, booking_id, &user).await? {
        return Err(AppError::not_found("That record"));
    }
    let record = records::read(db, booking_id, now_ms()).await?;
    records::note_read(db, booking_id, &user, now_ms()).await?;
    Ok(record)
}

/// The signed-in worker's records still waiting for their signature.
#[server(endpoint = "my_unsigned_records")]
pub async fn my_unsigned_records() -> Result<Vec<RecordDue>, AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("my_unsigned_records").await?;
    records::unsigned_for(&state()?.db, &user, now_ms()).await
}

/// Saves the workers' text of a draft record.
#[server(endpoint = "save_record_text", input = Json)]
pub async fn save_record_text(booking_id: i64, text: RecordText) -> Result<(), AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("save_record_text").await?;
    records::save_text(&state()?.db, booking_id, &user, &text, now_ms()).await
}

/// Signs `text`, the words the worker read, confirmed with their password
/// or PIN; `unsigned_note` says why the other worker did not sign, when
/// they will not. Refused when a co-worker signed other words.
#[server(endpoint = "sign_record", input = Json)]
pub async fn sign_record(
    booking_id: i64,
    text: RecordText,
    password: String,
    unsigned_note: String,
    device_ms: i64,
) -> Result<RecordStatus, AppError> {
    use crate::server::{now_ms, require, signatures, state};
    let user = require("sign_record").await?;
    let request = signatures::SignRequest {
        text: &text,
        password: &password,
        unsigned_note: &unsigned_note,
        device_ms,
    };
    signatures::sign(&state()?.db, booking_id, &user, &request, now_ms()).await
}

/// A worker on the session asks for changes to a version someone signed:
/// a new version, its text open again, which everyone signs afresh.
#[server(endpoint = "ask_for_changes")]
pub async fn ask_for_changes(booking_id: i64, comment: String) -> Result<(), AppError> {
    use crate::server::{now_ms, require, signatures, state};
    let user = require("ask_for_changes").await?;
    signatures::ask_for_changes(&state()?.db, booking_id, &user, &comment, now_ms()).await
}

/// Records waiting for a coordinator's co-signature, soonest limit first.
#[server(endpoint = "cosign_queue")]
pub async fn cosign_queue() -> Result<Vec<RecordDue>, AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("cosign_queue").await?;
    records::waiting_for_cosignature(&state()?.db, &user, now_ms()).await
}

/// Records the workers have not yet signed, with their time left.
#[server(endpoint = "unsigned_drafts")]
pub async fn unsigned_drafts() -> Result<Vec<RecordDue>, AppError> {
    use crate::server::{now_ms, records, require, state};
    require("unsigned_drafts").await?;
    records::drafts(&state()?.db, now_ms()).await
}

/// Co-signs a signed record (not one's own), releasing it to the referrer.
#[server(endpoint = "cosign_record")]
pub async fn cosign_record(booking_id: i64, password: String) -> Result<(), AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("cosign_record").await?;
    records::cosign(&state()?.db, booking_id, &user, &password, now_ms()).await
}

/// Returns a signed record to its workers with a comment.
#[server(endpoint = "return_record")]
pub async fn return_record(booking_id: i64, comment: String) -> Result<(), AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("return_record").await?;
    records::send_back(&state()?.db, booking_id, &user, &comment, now_ms()).await
}

/// Adds a signed correction to a signed record.
#[server(endpoint = "add_addendum")]
pub async fn add_addendum(booking_id: i64, body: String, password: String) -> Result<(), AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("add_addendum").await?;
    let db = &state()?.db;
    if !records::may_read(db, booking_id, &user).await? {
        return Err(AppError::not_found("That record"));
    }
    records::add_addendum(db, booking_id, &user, &body, &password, now_ms()).await
}

/// Released records of the referrer's own cases.
#[server(endpoint = "my_released_records")]
pub async fn my_released_records() -> Result<Vec<RecordDue>, AppError> {
    use crate::server::{now_ms, records, require, state};
    let user = require("my_released_records").await?;
    records::released_for(&state()?.db, &user, now_ms()).await
}

/// Checks the audit trail's keyed chain and its head: whether it holds, and
/// what was found, in a sentence.
#[server(endpoint = "verify_audit_trail")]
pub async fn verify_audit_trail() -> Result<crate::model::AuditVerdict, AppError> {
    use crate::server::{audit, require, state};
    require("verify_audit_trail").await?;
    let finding = audit::verify_trail(&state()?.db).await?;
    Ok(crate::model::AuditVerdict {
        holds: finding.holds(),
        finding: finding.sentence(),
    })
}

/// Writes and signs a final report on a case's sessions; returns its id.
#[server(endpoint = "write_final_report", input = Json)]
pub async fn write_final_report(
    case_id: i64,
    report: crate::model::NewFinalReport,
    password: String,
) -> Result<i64, AppError> {
    use crate::server::{now_ms, reports, require, state};
    let user = require("write_final_report").await?;
    reports::write_report(&state()?.db, case_id, &user, &report, &password, now_ms()).await
}

/// A case's final reports (coordinators).
#[server(endpoint = "case_reports")]
pub async fn case_reports(case_id: i64) -> Result<Vec<crate::model::FinalReport>, AppError> {
    use crate::server::{reports, require, state};
    require("case_reports").await?;
    reports::reports_of_case(&state()?.db, case_id).await
}

/// Final reports waiting for a co-signature the caller may give (not their
/// own), with their text; each listing is in the audit trail.
#[server(endpoint = "reports_to_cosign")]
pub async fn reports_to_cosign() -> Result<Vec<crate::model::FinalReport>, AppError> {
    use crate::server::{now_ms, reports, require, state};
    let user = require("reports_to_cosign").await?;
    let db = &state()?.db;
    let waiting = reports::waiting_for(db, &user).await?;
    reports::note_listed(db, &user, &waiting, "reports to co-sign", now_ms()).await?;
    Ok(waiting)
}

/// Co-signs someone else's report (a coordinator or a senior worker),
/// releasing it to the referrer.
#[server(endpoint = "cosign_report")]
pub async fn cosign_report(report_id: i64, password: String) -> Result<(), AppError> {
    use crate::server::{now_ms, reports, require, state};
    let user = require("cosign_report").await?;
    reports::cosign_report(&state()?.db, report_id, &user, &password, now_ms()).await
}

/// Released final reports of the referrer's own cases.
#[server(endpoint = "my_released_reports")]
pub async fn my_released_reports() -> Result<Vec<crate::model::FinalReport>, AppError> {
    use crate::server::{now_ms, reports, require, state};
    let user = require("my_released_reports").await?;
    let db = &state()?.db;
    let reports = reports::released_reports_for(db, &user).await?;
    reports::note_listed(db, &user, &reports, "released reports", now_ms()).await?;
    Ok(reports)
}

/// One final report, for a coordinator or the case's referrer once released.
#[server(endpoint = "read_final_report")]
pub async fn read_final_report(report_id: i64) -> Result<crate::model::FinalReport, AppError> {
    use crate::server::{now_ms, reports, require, state};
    let user = require("read_final_report").await?;
    reports::read_report(&state()?.db, report_id, &user, now_ms()).await
}

/// Sets the caller's signing PIN (six digits), confirmed with their
/// password. Workers and coordinators sign; the PIN works for both.
#[server(endpoint = "set_signing_pin")]
pub async fn set_signing_pin(password: String, pin: String) -> Result<(), AppError> {
    use crate::server::{now_ms, require, signing, state};
    let user = require("set_signing_pin").await?;
    signing::set_pin(&state()?.db, &user, &password, pin.trim(), now_ms()).await
}

/// Checks a verification code printed on a released record's or report's
/// PDF, for anyone, signed in or not: what kind of document it belongs to,
/// when it was released, its fingerprint, and whether it is unaltered;
/// `None` for a code that belongs to nothing. Never the content.
#[server(endpoint = "verify_document")]
pub async fn verify_document(
    code: String,
) -> Result<Option<crate::model::VerifiedDocument>, AppError> {
    use crate::server::{documents, now_ms, state};
    // Open to anyone (the access table's row says so): nobody to check.
    documents::verify(&state()?.db, &code, now_ms()).await
}
