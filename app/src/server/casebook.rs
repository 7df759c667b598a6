//! What the coordinator reads: the list of cases, one case in full, the
//! week's bookings, and the rooms and workers to choose from.

use sqlx::Row;

use super::audit::Step;
use super::{Db, ledger};
use crate::domain::attendance::{Attendance, is_suspended};
use crate::domain::casework::{Need, record_needs_chasing};
use crate::domain::ledger::booking_status;
use crate::domain::london_time::{age_on, london_date, parse_date};
use crate::domain::money::{Funding, Parent};
use crate::domain::review::{ReviewOutcome, review_to_book};
use crate::domain::risk::RiskReason;
use crate::domain::schedule::{BookingKind, Service};
use crate::error::AppError;
use crate::model::{
    CaseDetail, CaseRow, ChildSummary, Choice, NewPlan, ParentDetails, PlanSummary, ReviewRecorded,
    StaffBooking,
};

/// Every case, newest referral first, each with what waits for the
/// coordinator on it at `now_ms`. A fixed number of reads, whatever the
/// number of cases.
pub async fn list(db: &Db, now_ms: i64) -> Result<Vec<CaseRow>, AppError> {
    // One connection for every read below: each query handed to a pooled
    // connection of its own costs a checkout and a check on return.
    let mut conn = db.pool.acquire().await?;
    let rows = sqlx::query(
        "SELECT c.id, c.reference, c.closed_ms, r.status FROM cases c JOIN referrals r ON r.case_id = c.id \
         ORDER BY r.received_at DESC, c.id DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    let children =
        sqlx::query("SELECT case_id, first_name FROM children ORDER BY case_id, date_of_birth, id")
            .fetch_all(&mut *conn)
            .await?;
    // Each case's latest plan and latest risk assessment come first.
    let plans = sqlx::query(
        "SELECT case_id, created_at, resident_agreed_on, visiting_agreed_on FROM contact_plans \
         ORDER BY case_id, created_at DESC, id DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    let reviews = sqlx::query(
        "SELECT case_id, review_on FROM risk_assessments ORDER BY case_id, recorded_ms DESC, id DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    let attendance = sqlx::query(
        "SELECT case_id, starts_at, attendance FROM bookings \
         WHERE kind IN ('session', 'handover') AND attendance IS NOT NULL ORDER BY case_id, starts_at",
    )
    .fetch_all(&mut *conn)
    .await?;
    let live = sqlx::query(
        "SELECT case_id, kind, starts_at FROM bookings WHERE cancelled_at IS NULL ORDER BY case_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let in_arrears: Vec<i64> = ledger::arrears_on(&mut conn)
        .await?
        .iter()
        .map(|a| a.case_id)
        .collect();
    let records_due = cases_with_records_due(&mut conn, now_ms).await?;
    let today = crate::domain::london_time::format_iso_date(london_date(now_ms));
    let first_of = |rows: &[sqlx::any::AnyRow], id: i64| -> Result<Option<usize>, AppError> {
        for (at, row) in rows.iter().enumerate() {
            if row.try_get::<i64, _>("case_id")? == id {
                return Ok(Some(at));
            }
        }
        Ok(None)
    };
    let mut cases = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let status: String = row.try_get("status")?;
        let closed_ms: Option<i64> = row.try_get("closed_ms")?;
        let mut names = Vec::new();
        for child in &children {
            if child.try_get::<i64, _>("case_id")? == id {
                names.push(child.try_get::<String, _>("first_name")?);
            }
        }
        let mut needs = Vec::new();
        if status == "received" {
            needs.push(Need::Decide);
        }
        // A closed case asks for nothing more but its money and records.
        if status == "accepted" && closed_ms.is_none() {
            if let Some(at) = first_of(&plans, id)? {
                let plan = &plans[at];
                let signed = plan
                    .try_get::<Option<String>, _>("resident_agreed_on")?
                    .is_some()
                    && plan
                        .try_get::<Option<String>, _>("visiting_agreed_on")?
                        .is_some();
                if !signed {
                    needs.push(Need::PlanUnsigned);
                } else {
                    let since: i64 = plan.try_get("created_at")?;
                    let mut history = Vec::new();
                    for booking in &attendance {
                        if booking.try_get::<i64, _>("case_id")? == id
                            && booking.try_get::<i64, _>("starts_at")? >= since
                        {
                            let text: String = booking.try_get("attendance")?;
                            history.extend(Attendance::parse(&text));
                        }
                    }
                    if is_suspended(&history) {
                        needs.push(Need::Suspended);
                    }
                }
            }
            if let Some(at) = first_of(&reviews, id)?
                && reviews[at].try_get::<String, _>("review_on")? <= today
            {
                needs.push(Need::ReviewDue);
            }
            let mut counts = ReviewCounts::default();
            for booking in &live {
                if booking.try_get::<i64, _>("case_id")? == id {
                    counts.add(
                        &booking.try_get::<String, _>("kind")?,
                        booking.try_get("starts_at")?,
                        now_ms,
                    );
                }
            }
            if counts.prompt() {
                needs.push(Need::ReviewToBook);
            }
        }
        if in_arrears.contains(&id) {
            needs.push(Need::Arrears);
        }
        if records_due.contains(&id) {
            needs.push(Need::RecordsDue);
        }
        needs.sort_unstable();
        cases.push(CaseRow {
            id,
            reference: row.try_get("reference")?,
            status,
            children: names.join(", "),
            child_names: names,
            needs,
            closed_ms,
        });
    }
    Ok(cases)
}

/// Whether the case's series is running out with no review booked
/// (`domain::review::review_to_book`).
async fn review_to_book_for(db: &Db, case_id: i64, now_ms: i64) -> Result<bool, AppError> {
    let rows = sqlx::query(
        "SELECT kind, starts_at FROM bookings WHERE case_id = $1 AND cancelled_at IS NULL",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    let mut counts = ReviewCounts::default();
    for row in &rows {
        counts.add(
            &row.try_get::<String, _>("kind")?,
            row.try_get("starts_at")?,
            now_ms,
        );
    }
    Ok(counts.prompt())
}

/// Contact sessions held and ahead, and whether a review is booked ahead.
#[derive(Default)]
struct ReviewCounts {
    held: usize,
    ahead: usize,
    review_ahead: bool,
}

impl ReviewCounts {
    fn add(&mut self, kind: &str, starts_ms: i64, now_ms: i64) {
        let ahead = starts_ms > now_ms;
        match BookingKind::parse(kind) {
            Some(k) if k.is_contact() && ahead => self.ahead += 1,
            Some(k) if k.is_contact() => self.held += 1,
            Some(BookingKind::Review) if ahead => self.review_ahead = true,
            _ => {}
        }
    }

    fn prompt(&self) -> bool {
        review_to_book(self.held, self.ahead, self.review_ahead)
    }
}

/// What each of the case's review meetings decided.
async fn review_outcomes(db: &Db, case_id: i64) -> Result<Vec<ReviewRecorded>, AppError> {
    sqlx::query(
        "SELECT o.booking_id, o.outcome, o.note, o.recorded_ms FROM review_outcomes o \
         JOIN bookings b ON b.id = o.booking_id WHERE b.case_id = $1 ORDER BY b.starts_at",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| {
        let outcome: String = row.try_get("outcome")?;
        Ok(ReviewRecorded {
            booking_id: row.try_get("booking_id")?,
            outcome: ReviewOutcome::parse(&outcome)
                .ok_or_else(|| super::failure::internal("unknown review outcome"))?,
            note: row.try_get("note")?,
            recorded_ms: row.try_get("recorded_ms")?,
        })
    })
    .collect()
}

/// The cases with a session record to chase (`record_needs_chasing`):
/// sessions that ended and were not missed or cancelled.
async fn cases_with_records_due(
    conn: &mut sqlx::AnyConnection,
    now_ms: i64,
) -> Result<Vec<i64>, AppError> {
    let rows = sqlx::query(
        "SELECT b.case_id, b.ends_at, r.status FROM bookings b \
         LEFT JOIN session_records r ON r.booking_id = b.id \
         WHERE b.kind IN ('session', 'handover') AND b.cancelled_at IS NULL AND b.ends_at <= $1 \
         AND (b.attendance IS NULL OR b.attendance = 'attended') \
         AND (r.status IS NULL OR r.status <> 'released')",
    )
    .bind(now_ms)
    .fetch_all(&mut *conn)
    .await?;
    let mut cases = Vec::new();
    for row in rows {
        let status: Option<String> = row.try_get("status")?;
        let signed = status.as_deref() == Some("signed");
        if record_needs_chasing(row.try_get("ends_at")?, signed, false, now_ms) {
            cases.push(row.try_get("case_id")?);
        }
    }
    Ok(cases)
}

pub async fn rooms(db: &Db) -> Result<Vec<Choice>, AppError> {
    choices(db, "SELECT id, name FROM rooms ORDER BY name").await
}

pub async fn workers(db: &Db) -> Result<Vec<Choice>, AppError> {
    choices(
        db,
        "SELECT id, display_name AS name FROM users WHERE role = 'worker' ORDER BY display_name",
    )
    .await
}

async fn choices(db: &Db, sql: &str) -> Result<Vec<Choice>, AppError> {
    let rows = sqlx::query(sql).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            Ok(Choice {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// Bookings (live and cancelled) starting in [from, to), oldest first.
pub async fn bookings_between(
    db: &Db,
    from_ms: i64,
    to_ms: i64,
    case_id: Option<i64>,
    now_ms: i64,
) -> Result<Vec<StaffBooking>, AppError> {
    let rows = sqlx::query(
        "SELECT b.id, c.reference, b.kind, b.starts_at, b.ends_at, b.visiting_arrives_at, b.visiting_leaves_at, \
         b.parent_side, r.name AS room, b.case_id, b.cancelled_at, b.cancelled_by, b.cancel_reason, b.held_at, b.attendance \
         FROM bookings b JOIN cases c ON c.id = b.case_id JOIN rooms r ON r.id = b.room_id \
         WHERE b.starts_at >= $1 AND b.starts_at < $2 AND ($3 = 0 OR b.case_id = $3) \
         ORDER BY b.starts_at, b.id",
    )
    .bind(from_ms)
    .bind(to_ms)
    .bind(case_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    let mut bookings = Vec::new();
    let mut payments = ledger::PaymentsByCase::default();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let case: i64 = row.try_get("case_id")?;
        let payment = payments.of(db, case, id).await?;
        let workers = sqlx::query(
            "SELECT u.display_name FROM booking_workers w JOIN users u ON u.id = w.user_id \
             WHERE w.booking_id = $1 ORDER BY u.display_name",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("display_name"))
        .collect::<Result<Vec<_>, _>>()?;
        let kind: String = row.try_get("kind")?;
        let attendance: Option<String> = row.try_get("attendance")?;
        let attendance = attendance.as_deref().and_then(Attendance::parse);
        let cancelled = row.try_get::<Option<i64>, _>("cancelled_at")?.is_some();
        let held = row.try_get::<Option<i64>, _>("held_at")?.is_some();
        let cancelled_by: Option<String> = row.try_get("cancelled_by")?;
        let reason: Option<String> = row.try_get("cancel_reason")?;
        bookings.push(StaffBooking {
            id,
            case_reference: row.try_get("reference")?,
            kind: BookingKind::parse(&kind)
                .ok_or_else(|| super::failure::internal("unknown booking kind"))?,
            starts_ms: row.try_get("starts_at")?,
            ends_ms: row.try_get("ends_at")?,
            visiting_arrives_ms: row.try_get("visiting_arrives_at")?,
            visiting_leaves_ms: row.try_get("visiting_leaves_at")?,
            room: row.try_get("room")?,
            workers,
            cancelled,
            attendance,
            status: booking_status(cancelled, held, attendance, payment),
            cancelled_note: cancelled_by.map(|by| cancelled_note(&by, reason.as_deref())),
            started: row.try_get::<i64, _>("starts_at")? <= now_ms,
            with_parent: row
                .try_get::<Option<String>, _>("parent_side")?
                .as_deref()
                .and_then(Parent::parse),
        });
    }
    Ok(bookings)
}

/// Who cancelled a booking and why, as staff read it.
fn cancelled_note(by: &str, reason: Option<&str>) -> String {
    let who = match by {
        "centre" => "the centre".to_owned(),
        side => format!("the {side} parent"),
    };
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => format!("Cancelled by {who}: {reason}"),
        None => format!("Cancelled by {who}"),
    }
}

/// Monday to Saturday of the week holding `week_of` (or today), London time.
pub async fn week(
    db: &Db,
    week_of: Option<&str>,
    now_ms: i64,
) -> Result<crate::model::Week, AppError> {
    use chrono::{Datelike, Duration, NaiveTime};
    let day = match week_of {
        Some(text) => parse_date("week_of", text)?,
        None => london_date(now_ms),
    };
    let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
    let midnight = NaiveTime::MIN;
    let mut days = Vec::new();
    for offset in 0..6 {
        let date = monday + Duration::days(offset);
        let from = crate::domain::london_time::ms_from_london(date.and_time(midnight));
        let to = crate::domain::london_time::ms_from_london(
            (date + Duration::days(1)).and_time(midnight),
        );
        days.push((
            date.format("%a %-d %b %Y").to_string(),
            bookings_between(db, from, to, None, now_ms).await?,
        ));
    }
    let iso = crate::domain::london_time::format_iso_date;
    Ok(crate::model::Week {
        monday: iso(monday),
        previous: iso(monday - Duration::days(7)),
        next: iso(monday + Duration::days(7)),
        days,
    })
}

/// One case in full, as the coordinator reads it; the reading is noted in
/// the audit trail.
pub async fn read_case_file(
    db: &Db,
    case_id: i64,
    reader: &crate::model::CurrentUser,
    now_ms: i64,
) -> Result<CaseDetail, AppError> {
    let detail = detail(db, case_id, now_ms).await?;
    Step::on_case(db, reader.id, case_id, now_ms)
        .note_read(db, reader, "case file")
        .await?;
    Ok(detail)
}

pub async fn detail(db: &Db, case_id: i64, now_ms: i64) -> Result<CaseDetail, AppError> {
    let row = sqlx::query(
        "SELECT c.reference, r.id AS referral_id, r.status, r.decision_note, r.source, r.law, r.funding, \
         r.court_orders, r.pending_proceedings \
         FROM cases c JOIN referrals r ON r.case_id = c.id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Case"))?;
    let referral_id: i64 = row.try_get("referral_id")?;
    let reasons = sqlx::query("SELECT reason FROM referral_reasons WHERE referral_id = $1")
        .bind(referral_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("reason").ok())
        .filter_map(|name| {
            serde_json::from_value::<RiskReason>(serde_json::Value::String(name)).ok()
        })
        .collect();
    let today = london_date(now_ms);
    let children = sqlx::query(
        "SELECT first_name, date_of_birth FROM children WHERE case_id = $1 ORDER BY date_of_birth",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let born: String = r.try_get("date_of_birth")?;
        let born = parse_date("date_of_birth", &born)
            .map_err(|_| super::failure::internal("bad date of birth"))?;
        Ok(ChildSummary {
            first_name: r.try_get("first_name")?,
            age_years: age_on(born, today),
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let mut resident = None;
    let mut visiting = None;
    for r in sqlx::query(
        "SELECT side, full_name, phone, email, address FROM case_parents WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    {
        let details = ParentDetails {
            full_name: r.try_get("full_name")?,
            phone: r.try_get("phone")?,
            email: r.try_get("email")?,
            address: r.try_get("address")?,
        };
        match Parent::parse(&r.try_get::<String, _>("side")?) {
            Some(Parent::Resident) => resident = Some(details),
            Some(Parent::Visiting) => visiting = Some(details),
            None => {}
        }
    }
    let mut plans = sqlx::query(
        "SELECT id, service, every_days, duration_min, sessions_planned, ground_rules, who_may_attend, \
         resident_agreed_on, visiting_agreed_on FROM contact_plans WHERE case_id = $1 \
         ORDER BY created_at DESC, id DESC",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|p| -> Result<PlanSummary, AppError> {
        let service: String = p.try_get("service")?;
        Ok(PlanSummary {
            id: p.try_get("id")?,
            plan: NewPlan {
                service: Service::parse(&service).ok_or_else(|| super::failure::internal("unknown service"))?,
                every_days: p.try_get("every_days")?,
                duration_min: p.try_get("duration_min")?,
                sessions_planned: p.try_get("sessions_planned")?,
                ground_rules: p.try_get("ground_rules")?,
                who_may_attend: p.try_get("who_may_attend")?,
            },
            resident_agreed_on: p.try_get("resident_agreed_on")?,
            visiting_agreed_on: p.try_get("visiting_agreed_on")?,
        })
    })
    .collect::<Result<Vec<_>, _>>()?
    .into_iter();
    let plan = plans.next();
    let earlier_plans: Vec<PlanSummary> = plans.collect();
    let funding: String = row.try_get("funding")?;
    let missing = || super::failure::internal("case without both parents");
    Ok(CaseDetail {
        id: case_id,
        reference: row.try_get("reference")?,
        status: row.try_get("status")?,
        decision_note: row.try_get("decision_note")?,
        source: row.try_get("source")?,
        law: row.try_get("law")?,
        funding: Funding::parse(&funding)
            .ok_or_else(|| super::failure::internal("unknown funding"))?,
        court_orders: row.try_get("court_orders")?,
        pending_proceedings: row.try_get("pending_proceedings")?,
        reasons,
        children,
        resident: resident.ok_or_else(missing)?,
        visiting: visiting.ok_or_else(missing)?,
        plan,
        suspended: super::attendance::is_case_suspended(db, case_id).await?,
        review_to_book: review_to_book_for(db, case_id, now_ms).await?,
        funded: super::funding::funded_use(db, case_id).await?,
        authority: super::funding::authority_account(db, case_id).await?,
        review_outcomes: review_outcomes(db, case_id).await?,
        earlier_plans,
        bookings: bookings_between(db, i64::MIN, i64::MAX, Some(case_id), now_ms).await?,
        resident_statement: ledger::statement(db, case_id, Parent::Resident).await?,
        visiting_statement: ledger::statement(db, case_id, Parent::Visiting).await?,
        deliveries: super::outbox::parent_deliveries(db, case_id).await?,
        retention: super::retention::of_case(db, case_id).await?,
    })
}
