//! Subject access: what the centre holds about one person, collected for a
//! coordinator (`domain::subject_access` lays it out). A parent's export
//! reads only their own side's rows, so the other parent's name, address,
//! phone and email are never collected; lines that describe other people
//! (records, referral papers, items for a child) are marked for review.
//! Every export is in the audit trail.

use sqlx::Row;

use super::Db;
use super::audit::Step;
use crate::domain::london_time::{format_london, format_london_day};
use crate::domain::subject_access::{Export, ExportFor, Section};
use crate::error::AppError;
use crate::model::{CurrentUser, ExportSubject};

/// The people on a case an export can be made for.
pub async fn subjects_of_case(db: &Db, case_id: i64) -> Result<Vec<ExportSubject>, AppError> {
    let mut subjects = vec![
        ExportSubject {
            who: ExportFor::Parent {
                case_id,
                resident: true,
            }
            .path(),
            label: "Resident parent".to_owned(),
        },
        ExportSubject {
            who: ExportFor::Parent {
                case_id,
                resident: false,
            }
            .path(),
            label: "Visiting parent".to_owned(),
        },
        ExportSubject {
            who: ExportFor::Children { case_id }.path(),
            label: "The children (asked for by the resident parent)".to_owned(),
        },
    ];
    for row in sqlx::query(
        "SELECT u.id, u.display_name FROM case_members m JOIN users u ON u.id = m.user_id \
         WHERE m.case_id = $1 AND m.relation = 'referrer' ORDER BY u.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    {
        subjects.push(ExportSubject {
            who: ExportFor::Account {
                user_id: row.try_get("id")?,
            }
            .path(),
            label: format!("Referrer: {}", row.try_get::<String, _>("display_name")?),
        });
    }
    Ok(subjects)
}

/// Makes the export and notes it in the audit trail.
pub async fn export(
    db: &Db,
    centre: &str,
    who: ExportFor,
    by: &CurrentUser,
    format: &str,
    now_ms: i64,
) -> Result<Export, AppError> {
    let (subject, sections, step) = match who {
        ExportFor::Parent { case_id, resident } => (
            format!(
                "{} parent of case {}",
                if resident { "Resident" } else { "Visiting" },
                reference(db, case_id).await?
            ),
            parent(db, case_id, if resident { "resident" } else { "visiting" }).await?,
            Step::on_case(db, by.id, case_id, now_ms),
        ),
        ExportFor::Children { case_id } => (
            format!("The children of case {}", reference(db, case_id).await?),
            children(db, case_id).await?,
            Step::on_case(db, by.id, case_id, now_ms),
        ),
        ExportFor::Account { user_id } => {
            let (name, sections) = account(db, user_id).await?;
            (name, sections, Step::on_account(db, by.id, user_id, now_ms))
        }
    };
    let mut tx = db.begin_write().await?;
    step.audit(
        &mut tx,
        "subject access",
        &format!("export for {} ({format})", who.path()),
    )
    .await?;
    super::audit::commit(db, tx).await?;
    Ok(Export {
        centre: centre.to_owned(),
        subject,
        made: format_london(now_ms),
        made_by: by.display_name.clone(),
        sections,
    })
}

async fn reference(db: &Db, case_id: i64) -> Result<String, AppError> {
    sqlx::query("SELECT reference FROM cases WHERE id = $1 AND erased_ms IS NULL")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| row.try_get("reference"))
        .transpose()?
        .ok_or_else(|| AppError::not_found("That person"))
}

fn day(ms: Option<i64>) -> String {
    ms.map(format_london_day).unwrap_or_default()
}

/// One parent: their details, account, case, own bookings and times, money,
/// messages, items they sent; records and referral papers for review.
async fn parent(db: &Db, case_id: i64, side: &str) -> Result<Vec<Section>, AppError> {
    let mut about = Section::new("About you");
    let mut user_id = None;
    if let Some(row) = sqlx::query(
        "SELECT full_name, phone, email, address, message_by, user_id FROM case_parents WHERE case_id = $1 AND side = $2",
    )
    .bind(case_id)
    .bind(side)
    .fetch_optional(&db.pool)
    .await?
    {
        about.own("Name", row.try_get::<String, _>("full_name")?);
        about.own("Phone", row.try_get::<String, _>("phone")?);
        about.own("Email", row.try_get::<String, _>("email")?);
        about.own("Address", row.try_get::<String, _>("address")?);
        about.own("Messages by", row.try_get::<String, _>("message_by")?);
        user_id = row.try_get::<Option<i64>, _>("user_id")?;
    }
    let mut sections = vec![about];
    if let Some(user_id) = user_id {
        sections.push(account_section(db, user_id).await?.1);
    }
    sections.push(case_section(db, case_id, true).await?);

    let mut bookings = Section::new("Your bookings");
    let (arrives, leaves) = if side == "visiting" {
        ("visiting_arrives_at", "visiting_leaves_at")
    } else {
        ("starts_at", "ends_at")
    };
    for row in sqlx::query(&format!(
        "SELECT kind, {arrives} AS arrives, {leaves} AS leaves, cancelled_at, cancelled_by, attendance FROM bookings \
         WHERE case_id = $1 AND (parent_side IS NULL OR parent_side = $2) ORDER BY starts_at"
    ))
    .bind(case_id)
    .bind(side)
    .fetch_all(&db.pool)
    .await?
    {
        let cancelled: Option<i64> = row.try_get("cancelled_at")?;
        let by: Option<String> = row.try_get("cancelled_by")?;
        let attendance: Option<String> = row.try_get("attendance")?;
        let mut value = format!(
            "{} to {}",
            format_london(row.try_get("arrives")?),
            crate::domain::london_time::format_london_time(row.try_get("leaves")?)
        );
        if let Some(at) = cancelled {
            // Who cancelled is said only when it was this parent.
            value.push_str(&if by.as_deref() == Some(side) {
                format!("; you cancelled it on {}", format_london_day(at))
            } else {
                format!("; cancelled on {}", format_london_day(at))
            });
        }
        if let Some(attendance) = attendance {
            value.push_str(&format!("; attendance: {}", attendance.replace('_', " ")));
        }
        bookings.own(row.try_get::<String, _>("kind")?.replace('_', " "), value);
    }
    sections.push(bookings);

    let mut money = Section::new("Your charges and payments");
    for row in sqlx::query(
        "SELECT kind, amount_pence, raised_at, waived_at, forfeited_at FROM charges WHERE case_id = $1 AND parent_side = $2 ORDER BY raised_at, id",
    )
    .bind(case_id)
    .bind(side)
    .fetch_all(&db.pool)
    .await?
    {
        let pence: i64 = row.try_get("amount_pence")?;
        let mut value = format!(
            "£{}.{:02} raised {}",
            pence / 100,
            pence % 100,
            format_london_day(row.try_get("raised_at")?)
        );
        if let Some(at) = row.try_get::<Option<i64>, _>("waived_at")? {
            value.push_str(&format!("; waived {}", format_london_day(at)));
        }
        if let Some(at) = row.try_get::<Option<i64>, _>("forfeited_at")? {
            value.push_str(&format!("; kept {}", format_london_day(at)));
        }
        money.own(format!("Charge: {}", row.try_get::<String, _>("kind")?.replace('_', " ")), value);
    }
    for row in sqlx::query(
        "SELECT direction, amount_pence, method, paid_on FROM payments WHERE case_id = $1 AND parent_side = $2 ORDER BY paid_on, id",
    )
    .bind(case_id)
    .bind(side)
    .fetch_all(&db.pool)
    .await?
    {
        let pence: i64 = row.try_get("amount_pence")?;
        money.own(
            row.try_get::<String, _>("direction")?,
            format!(
                "£{}.{:02} by {} on {}",
                pence / 100,
                pence % 100,
                row.try_get::<String, _>("method")?.replace('_', " "),
                row.try_get::<String, _>("paid_on")?
            ),
        );
    }
    sections.push(money);

    let mut told = Section::new("Messages to you");
    for row in sqlx::query(
        "SELECT body, created_ms FROM notices WHERE case_id = $1 AND parent_side = $2 ORDER BY created_ms",
    )
    .bind(case_id)
    .bind(side)
    .fetch_all(&db.pool)
    .await?
    {
        told.own(
            format!("In the portal, {}", format_london(row.try_get("created_ms")?)),
            row.try_get::<String, _>("body")?,
        );
    }
    for row in sqlx::query(
        "SELECT channel, subject, status, created_ms FROM outbox WHERE case_id = $1 AND parent_side = $2 ORDER BY created_ms",
    )
    .bind(case_id)
    .bind(side)
    .fetch_all(&db.pool)
    .await?
    {
        told.own(
            format!(
                "By {}, {}",
                row.try_get::<String, _>("channel")?,
                format_london(row.try_get("created_ms")?)
            ),
            format!(
                "{} ({})",
                row.try_get::<String, _>("subject")?,
                row.try_get::<String, _>("status")?.replace('_', " ")
            ),
        );
    }
    sections.push(told);

    sections
        .push(items_section(db, case_id, Some(side), "Letters, cards and gifts you sent").await?);
    sections.push(records_section(db, case_id).await?);
    Ok(sections)
}

/// The case as a parent may know it, and (marked for review) the referral.
async fn case_section(db: &Db, case_id: i64, with_children: bool) -> Result<Section, AppError> {
    let mut case = Section::new("The case");
    let row = sqlx::query(
        "SELECT c.reference, c.closed_ms, c.closed_reason, r.source, r.law, r.funding, r.status, r.received_at, \
         r.court_orders, r.pending_proceedings, r.decision_note, r.id AS referral_id \
         FROM cases c LEFT JOIN referrals r ON r.case_id = c.id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("That person"))?;
    case.own("Reference", row.try_get::<String, _>("reference")?);
    case.own("Referral received", day(row.try_get("received_at")?));
    for field in ["source", "law", "funding", "status"] {
        case.own(
            format!("Referral {field}"),
            row.try_get::<Option<String>, _>(field)?
                .unwrap_or_default()
                .replace('_', " "),
        );
    }
    if let Some(closed) = row.try_get::<Option<i64>, _>("closed_ms")? {
        case.own(
            "Closed",
            format!(
                "{} ({})",
                format_london_day(closed),
                row.try_get::<Option<String>, _>("closed_reason")?
                    .unwrap_or_default()
                    .replace('_', " ")
            ),
        );
    }
    for (label, field) in [
        ("Court orders", "court_orders"),
        ("Pending proceedings", "pending_proceedings"),
        ("Decision note", "decision_note"),
    ] {
        let text: String = row.try_get::<Option<String>, _>(field)?.unwrap_or_default();
        if !text.trim().is_empty() {
            case.third_party(label, text);
        }
    }
    if let Some(referral_id) = row.try_get::<Option<i64>, _>("referral_id")? {
        for reason in sqlx::query(
            "SELECT reason FROM referral_reasons WHERE referral_id = $1 ORDER BY reason",
        )
        .bind(referral_id)
        .fetch_all(&db.pool)
        .await?
        {
            case.third_party(
                "Reason for referral",
                reason.try_get::<String, _>("reason")?.replace('_', " "),
            );
        }
    }
    for row in sqlx::query(
        "SELECT decision, why, recorded_ms FROM risk_assessments WHERE case_id = $1 ORDER BY recorded_ms",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    {
        case.third_party(
            format!("Risk assessment, {}", format_london_day(row.try_get("recorded_ms")?)),
            format!(
                "{}: {}",
                row.try_get::<String, _>("decision")?.replace('_', " "),
                row.try_get::<String, _>("why")?
            ),
        );
    }
    if with_children {
        for row in sqlx::query(
            "SELECT first_name, last_name, date_of_birth FROM children WHERE case_id = $1 ORDER BY date_of_birth, id",
        )
        .bind(case_id)
        .fetch_all(&db.pool)
        .await?
        {
            case.own(
                "Child",
                format!(
                    "{} {}, born {}",
                    row.try_get::<String, _>("first_name")?,
                    row.try_get::<String, _>("last_name")?,
                    row.try_get::<String, _>("date_of_birth")?
                ),
            );
        }
    }
    Ok(case)
}

/// Session records of the case (they describe the child and both parents):
/// every line for review.
async fn records_section(db: &Db, case_id: i64) -> Result<Section, AppError> {
    let mut records = Section::new("Session records and reports");
    for row in sqlx::query(
        "SELECT b.starts_at, r.status, r.summary, r.incident, r.ended_early FROM session_records r \
         JOIN bookings b ON b.id = r.booking_id WHERE b.case_id = $1 ORDER BY b.starts_at",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    {
        let mut text: String = row.try_get("summary")?;
        for (label, field) in [("Incident", "incident"), ("Ended early", "ended_early")] {
            let more: String = row.try_get(field)?;
            if !more.trim().is_empty() {
                text.push_str(&format!(" {label}: {more}"));
            }
        }
        records.third_party(
            format!(
                "Record of {} ({})",
                format_london(row.try_get("starts_at")?),
                row.try_get::<String, _>("status")?
            ),
            text,
        );
    }
    for row in sqlx::query(
        "SELECT signed_ms, summary, recommendation FROM final_reports WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    {
        records.third_party(
            format!("Final report of {}", format_london_day(row.try_get("signed_ms")?)),
            format!(
                "{} Recommendation: {}",
                row.try_get::<String, _>("summary")?,
                row.try_get::<String, _>("recommendation")?
            ),
        );
    }
    Ok(records)
}

/// The children of a case: who they are, their sessions, items sent to
/// them, and the records about them (for review).
async fn children(db: &Db, case_id: i64) -> Result<Vec<Section>, AppError> {
    let mut sections = vec![case_section(db, case_id, true).await?];
    let mut sessions = Section::new("Sessions");
    for row in sqlx::query(
        "SELECT kind, starts_at, cancelled_at, attendance FROM bookings WHERE case_id = $1 AND kind IN ('session', 'handover') ORDER BY starts_at",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    {
        let status = match (
            row.try_get::<Option<i64>, _>("cancelled_at")?,
            row.try_get::<Option<String>, _>("attendance")?,
        ) {
            (Some(_), _) => "cancelled".to_owned(),
            (None, Some(attendance)) => attendance.replace('_', " "),
            (None, None) => "booked".to_owned(),
        };
        sessions.own(
            format!(
                "{} {}",
                row.try_get::<String, _>("kind")?,
                format_london(row.try_get("starts_at")?)
            ),
            status,
        );
    }
    sections.push(sessions);
    sections.push(
        items_section(
            db,
            case_id,
            None,
            "Letters, cards and gifts for the children",
        )
        .await?,
    );
    sections.push(records_section(db, case_id).await?);
    Ok(sections)
}

/// Items of indirect contact on the case, those one parent sent or all of
/// them: they name a child and may describe the sender, so for review.
async fn items_section(
    db: &Db,
    case_id: i64,
    from_side: Option<&str>,
    title: &str,
) -> Result<Section, AppError> {
    let mut items = Section::new(title);
    for row in sqlx::query(
        "SELECT kind, for_child, description, received_on, stage, withheld_reason FROM indirect_items \
         WHERE case_id = $1 AND ($2 = '' OR from_side = $2) ORDER BY id",
    )
    .bind(case_id)
    .bind(from_side.unwrap_or_default().to_owned())
    .fetch_all(&db.pool)
    .await?
    {
        items.third_party(
            format!(
                "{} for {}, received {}",
                row.try_get::<String, _>("kind")?,
                row.try_get::<String, _>("for_child")?,
                row.try_get::<String, _>("received_on")?
            ),
            format!(
                "{}; {} {}",
                row.try_get::<String, _>("description")?,
                row.try_get::<String, _>("stage")?,
                row.try_get::<String, _>("withheld_reason")?
            )
            .trim_end()
            .to_owned(),
        );
    }
    Ok(items)
}

/// An account's own details: (who it is, in words; the section).
async fn account_section(db: &Db, user_id: i64) -> Result<(String, Section), AppError> {
    let row = sqlx::query(
        "SELECT username, display_name, role, email, phone, message_by, created_at, disabled_ms FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("That person"))?;
    let mut section = Section::new("Your sign-in account");
    let name: String = row.try_get("display_name")?;
    let role: String = row.try_get("role")?;
    section.own("Username", row.try_get::<String, _>("username")?);
    section.own("Name", name.clone());
    section.own("Role", role.clone());
    section.own("Email", row.try_get::<String, _>("email")?);
    section.own("Phone", row.try_get::<String, _>("phone")?);
    section.own("Messages by", row.try_get::<String, _>("message_by")?);
    section.own("Created", day(Some(row.try_get("created_at")?)));
    if let Some(at) = row.try_get::<Option<i64>, _>("disabled_ms")? {
        section.own("Disabled", day(Some(at)));
    }
    Ok((format!("{name} ({role})"), section))
}

/// An account: its details, its cases, what the person did (from the audit
/// trail), and a worker's sessions and entries (for review).
async fn account(db: &Db, user_id: i64) -> Result<(String, Vec<Section>), AppError> {
    let (name, details) = account_section(db, user_id).await?;
    let mut sections = vec![details];
    let mut cases = Section::new("Cases you are linked to");
    for (_, reference, relation) in super::cases::memberships(db, user_id).await? {
        cases.own(reference, relation.as_str().replace('_', " "));
    }
    sections.push(cases);
    let mut worked = Section::new("Sessions you worked");
    for row in sqlx::query(
        "SELECT c.reference, b.starts_at FROM booking_workers w JOIN bookings b ON b.id = w.booking_id \
         JOIN cases c ON c.id = b.case_id WHERE w.user_id = $1 ORDER BY b.starts_at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?
    {
        worked.own(
            row.try_get::<String, _>("reference")?,
            format_london(row.try_get("starts_at")?),
        );
    }
    for row in sqlx::query(
        "SELECT kind, at_ms, body FROM session_entries WHERE author_id = $1 ORDER BY at_ms",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?
    {
        worked.third_party(
            format!(
                "Your {} entry, {}",
                row.try_get::<String, _>("kind")?,
                format_london(row.try_get("at_ms")?)
            ),
            row.try_get::<String, _>("body")?,
        );
    }
    sections.push(worked);
    let mut done = Section::new("What you did, from the audit trail");
    for row in
        sqlx::query("SELECT at_ms, action, subject FROM audit_log WHERE actor = $1 ORDER BY seq")
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?
    {
        done.own(
            format_london(row.try_get("at_ms")?),
            format!(
                "{} ({})",
                row.try_get::<String, _>("action")?,
                row.try_get::<String, _>("subject")?
            ),
        );
    }
    sections.push(done);
    Ok((name, sections))
}
