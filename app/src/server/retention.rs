//! Closing a case, legal holds, a referrer's access after closure, and
//! erasure under the retention schedule (`domain::retention`).
//!
//! Erasure is one transaction per case. It first writes the case to the
//! `erasing` table, the one marker the immutability guards (migration
//! 0022) accept: with it, and only for that case, signed records, their
//! entries, signatures and addenda, and final reports may be removed, whole;
//! and audit entries may lose their detail (never their place, time, actor,
//! action, subject or hashes, so the chain still verifies). The marker is
//! removed before the transaction commits, so no other transaction ever
//! sees it.

use sqlx::Row;

use super::Db;
use super::audit::Step;
use crate::domain::retention::{Clock, ClosureReason, DataKind, Retention};
use crate::error::AppError;
use crate::model::{CaseClosed, CaseRetention, LegalHold};

const DAY_MS: i64 = 86_400_000;

/// Refuses new material (bookings, plans, indirect items) on a closed case.
pub async fn refuse_if_closed(db: &Db, case_id: i64) -> Result<(), AppError> {
    let closed: Option<i64> = sqlx::query("SELECT closed_ms FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| row.try_get("closed_ms"))
        .transpose()?
        .flatten();
    match closed {
        Some(at) => Err(AppError::conflict(format!(
            "This case was closed on {}: nothing new can be added to it.",
            crate::domain::london_time::format_london_day(at)
        ))),
        None => Ok(()),
    }
}

/// The earliest closure time whose referrer still reads what was released
/// before it, at `now_ms`.
pub async fn referrer_cutoff(db: &Db, now_ms: i64) -> Result<i64, AppError> {
    let schedule = super::settings::retention(db).await?;
    Ok(now_ms.saturating_sub(i64::from(schedule.referrer_access_days) * DAY_MS))
}

/// The SQL condition (on a case aliased `case_alias` and a document's
/// release time `released`) under which a referrer still reads a released
/// document: the case is open, or it was released before the case closed
/// and the closure is within the referrer's access period (`cutoff`, the
/// query's parameter `$n`, from `referrer_cutoff`).
pub fn referrer_still_reads(case_alias: &str, released: &str, cutoff_param: usize) -> String {
    format!(
        "({case_alias}.closed_ms IS NULL OR ({released} <= {case_alias}.closed_ms AND {case_alias}.closed_ms > ${cutoff_param}))"
    )
}

/// Closes a case with a reason: stored and audited in one step, then every
/// booking still ahead is cancelled as the centre (each its own step, the
/// parents told as for any cancellation). Returns how many were cancelled.
pub async fn close(
    db: &Db,
    case_id: i64,
    reason: ClosureReason,
    note: &str,
    by: i64,
    now_ms: i64,
) -> Result<usize, AppError> {
    let note = note.trim();
    if note.chars().count() > 1000 {
        return Err(AppError::invalid(
            "note",
            "Keep the note on closing under 1,000 characters.",
        ));
    }
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT closed_ms FROM cases WHERE id = $1 AND erased_ms IS NULL")
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("Case"))?;
    if let Some(at) = row.try_get::<Option<i64>, _>("closed_ms")? {
        return Err(AppError::conflict(format!(
            "This case was closed already, on {}.",
            crate::domain::london_time::format_london_day(at)
        )));
    }
    sqlx::query(
        "UPDATE cases SET closed_ms = $1, closed_by = $2, closed_reason = $3, closed_note = $4 WHERE id = $5",
    )
    .bind(now_ms)
    .bind(by)
    .bind(reason.as_str())
    .bind(note.to_owned())
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "close case",
            &format!("{}; {note}", reason.as_str()),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    super::bookings::cancel_ahead(db, case_id, "The case has closed", by, now_ms).await
}

/// Puts a legal hold on a case (court proceedings, a safeguarding
/// investigation): its retention clock stops until the hold is lifted.
pub async fn set_hold(
    db: &Db,
    case_id: i64,
    reason: &str,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let reason = crate::domain::retention::hold_reason(reason)?;
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("SELECT hold_since_ms FROM cases WHERE id = $1 AND erased_ms IS NULL")
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("Case"))?;
    if row.try_get::<Option<i64>, _>("hold_since_ms")?.is_some() {
        return Err(AppError::conflict("This case is on legal hold already."));
    }
    sqlx::query(
        "UPDATE cases SET hold_since_ms = $1, hold_by = $2, hold_reason = $3 WHERE id = $4",
    )
    .bind(now_ms)
    .bind(by)
    .bind(reason.clone())
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Step::on_case(db, by, case_id, now_ms)
        .audit(&mut tx, "legal hold", &reason)
        .await?;
    super::audit::commit(db, tx).await
}

/// Lifts a case's legal hold: the clock runs again, later by the time the
/// hold lasted after closure.
pub async fn lift_hold(db: &Db, case_id: i64, by: i64, now_ms: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT closed_ms, held_ms, hold_since_ms FROM cases WHERE id = $1 AND erased_ms IS NULL",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("Case"))?;
    let Some(since) = row.try_get::<Option<i64>, _>("hold_since_ms")? else {
        return Err(AppError::conflict("This case is not on legal hold."));
    };
    let held_ms = match row.try_get::<Option<i64>, _>("closed_ms")? {
        // Only time after closure held the clock.
        Some(closed_ms) => Clock {
            closed_ms,
            held_ms: row.try_get("held_ms")?,
            hold_since_ms: Some(since.max(closed_ms)),
        }
        .held_after_lifting(now_ms),
        None => 0,
    };
    sqlx::query(
        "UPDATE cases SET hold_since_ms = NULL, hold_by = NULL, hold_reason = '', held_ms = $1 WHERE id = $2",
    )
    .bind(held_ms)
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "lift legal hold",
            &format!("held for {} days in all", held_ms / DAY_MS),
        )
        .await?;
    super::audit::commit(db, tx).await
}

/// A case's closure, hold and retention dates, for its page.
pub async fn of_case(db: &Db, case_id: i64) -> Result<CaseRetention, AppError> {
    let row = sqlx::query(
        "SELECT c.closed_ms, c.closed_reason, c.closed_note, c.held_ms, c.hold_since_ms, c.hold_reason, \
         cb.display_name AS closed_by, hb.display_name AS hold_by \
         FROM cases c LEFT JOIN users cb ON cb.id = c.closed_by LEFT JOIN users hb ON hb.id = c.hold_by \
         WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::not_found("Case"))?;
    let schedule = super::settings::retention(db).await?;
    let hold_since_ms: Option<i64> = row.try_get("hold_since_ms")?;
    let hold = match hold_since_ms {
        Some(since_ms) => Some(LegalHold {
            since_ms,
            reason: row.try_get("hold_reason")?,
            by: row
                .try_get::<Option<String>, _>("hold_by")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let subjects = super::subject_access::subjects_of_case(db, case_id).await?;
    let Some(closed_ms) = row.try_get::<Option<i64>, _>("closed_ms")? else {
        return Ok(CaseRetention {
            hold,
            subjects,
            ..CaseRetention::default()
        });
    };
    let reason: String = row
        .try_get::<Option<String>, _>("closed_reason")?
        .unwrap_or_default();
    let clock = Clock {
        closed_ms,
        held_ms: row.try_get("held_ms")?,
        hold_since_ms,
    };
    Ok(CaseRetention {
        closed: Some(CaseClosed {
            at_ms: closed_ms,
            reason: ClosureReason::parse(&reason)
                .ok_or_else(|| super::failure::internal("unknown closure reason"))?,
            note: row.try_get("closed_note")?,
            by: row
                .try_get::<Option<String>, _>("closed_by")?
                .unwrap_or_default(),
        }),
        hold,
        due: DataKind::OF_A_CASE
            .into_iter()
            .map(|kind| (kind, clock.due_ms(schedule.years(kind))))
            .collect(),
        referrer_access_until: Some(schedule.referrer_access_until(closed_ms)),
        subjects,
    })
}

/// What an erasure pass removes from one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseErasure {
    pub case_id: i64,
    pub reference: String,
    /// The kinds of data whose time is up.
    pub kinds: Vec<DataKind>,
    /// Every kind is due: the case's people, children and bookings go too.
    pub whole_case: bool,
    /// Rows that go (or, for the referral, are emptied), by table.
    pub rows: Vec<(&'static str, i64)>,
}

/// A parent's or referrer's account whose time is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountErasure {
    pub user_id: i64,
    pub username: String,
}

/// Everything one pass would erase at `now_ms`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErasurePlan {
    pub cases: Vec<CaseErasure>,
    pub accounts: Vec<AccountErasure>,
}

impl ErasurePlan {
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty() && self.accounts.is_empty()
    }

    /// What the dry run prints, a line each.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for case in &self.cases {
            let kinds: Vec<&str> = case.kinds.iter().map(|kind| kind.title()).collect();
            lines.push(format!(
                "case {} ({}): {}{}",
                case.reference,
                case.case_id,
                kinds.join(", "),
                if case.whole_case {
                    "; the whole case: people, children, bookings, messages"
                } else {
                    ""
                }
            ));
            for (table, count) in &case.rows {
                lines.push(format!("    {table}: {count}"));
            }
        }
        for account in &self.accounts {
            lines.push(format!(
                "account {} ({}): no open case, its time is up",
                account.username, account.user_id
            ));
        }
        if lines.is_empty() {
            lines.push("Nothing is due for erasure.".to_owned());
        }
        lines
    }
}

/// The tables each kind removes from, with the SQL that counts and removes
/// a case's rows (`$1` is the case's id). The referral's own row is
/// emptied of its words, not removed, until the whole case goes.
const RECORDS: &[(&str, &str)] = &[
    (
        "record_addenda",
        "FROM record_addenda WHERE booking_id IN (SELECT id FROM bookings WHERE case_id = $1)",
    ),
    (
        "record_signatures",
        "FROM record_signatures WHERE booking_id IN (SELECT id FROM bookings WHERE case_id = $1)",
    ),
    (
        "session_entries",
        "FROM session_entries WHERE booking_id IN (SELECT id FROM bookings WHERE case_id = $1)",
    ),
    (
        "session_records",
        "FROM session_records WHERE booking_id IN (SELECT id FROM bookings WHERE case_id = $1)",
    ),
    (
        "review_outcomes",
        "FROM review_outcomes WHERE booking_id IN (SELECT id FROM bookings WHERE case_id = $1)",
    ),
    ("final_reports", "FROM final_reports WHERE case_id = $1"),
];
const REFERRAL: &[(&str, &str)] = &[
    (
        "referral_reasons",
        "FROM referral_reasons WHERE referral_id IN (SELECT id FROM referrals WHERE case_id = $1)",
    ),
    (
        "risk_assessments",
        "FROM risk_assessments WHERE case_id = $1",
    ),
];
const PAYMENTS: &[(&str, &str)] = &[
    ("payments", "FROM payments WHERE case_id = $1"),
    ("funder_payments", "FROM funder_payments WHERE case_id = $1"),
    ("charges", "FROM charges WHERE case_id = $1"),
];
const WHOLE_CASE: &[(&str, &str)] = &[
    ("outbox", "FROM outbox WHERE case_id = $1"),
    ("notices", "FROM notices WHERE case_id = $1"),
    ("indirect_items", "FROM indirect_items WHERE case_id = $1"),
    (
        "booking_workers",
        "FROM booking_workers WHERE booking_id IN (SELECT id FROM bookings WHERE case_id = $1)",
    ),
    ("bookings", "FROM bookings WHERE case_id = $1"),
    ("contact_plans", "FROM contact_plans WHERE case_id = $1"),
    ("referrals", "FROM referrals WHERE case_id = $1"),
    ("children", "FROM children WHERE case_id = $1"),
    ("case_parents", "FROM case_parents WHERE case_id = $1"),
    ("case_members", "FROM case_members WHERE case_id = $1"),
];

fn tables_of(kind: DataKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        DataKind::Records => RECORDS,
        DataKind::Referral => REFERRAL,
        DataKind::Payments => PAYMENTS,
        DataKind::Accounts => &[],
    }
}

/// What is due for erasure at `now_ms`: closed cases not on hold whose
/// kinds' time is up, and accounts of parents and referrers whose every
/// case closed (none on hold) more than the accounts' years ago, or who
/// never had a case and were created that long ago. Staff accounts are
/// never erased.
pub async fn plan(db: &Db, now_ms: i64) -> Result<ErasurePlan, AppError> {
    let schedule = super::settings::retention(db).await?;
    let mut plan = ErasurePlan::default();
    let rows = sqlx::query(
        "SELECT id, reference, closed_ms, held_ms, hold_since_ms FROM cases \
         WHERE closed_ms IS NOT NULL AND erased_ms IS NULL AND hold_since_ms IS NULL ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    for row in rows {
        let case_id: i64 = row.try_get("id")?;
        let clock = Clock {
            closed_ms: row.try_get("closed_ms")?,
            held_ms: row.try_get("held_ms")?,
            hold_since_ms: row.try_get("hold_since_ms")?,
        };
        let kinds = clock.kinds_due(&schedule, now_ms);
        if kinds.is_empty() {
            continue;
        }
        let whole_case = clock.whole_case_due(&schedule, now_ms);
        let mut tables: Vec<(&'static str, &'static str)> = kinds
            .iter()
            .flat_map(|kind| tables_of(*kind).iter().copied())
            .collect();
        if whole_case {
            tables.extend(WHOLE_CASE.iter().copied());
        }
        let mut counts = Vec::new();
        for (table, from) in tables {
            let count: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n {from}"))
                .bind(case_id)
                .fetch_one(&db.pool)
                .await?
                .try_get("n")?;
            if count > 0 {
                counts.push((table, count));
            }
        }
        // A pass that found nothing left of a kind has nothing to do, unless
        // the case itself is due.
        if counts.is_empty() && !whole_case {
            continue;
        }
        plan.cases.push(CaseErasure {
            case_id,
            reference: row.try_get("reference")?,
            kinds,
            whole_case,
            rows: counts,
        });
    }
    plan.accounts = accounts_due(db, &schedule, now_ms).await?;
    Ok(plan)
}

async fn accounts_due(
    db: &Db,
    schedule: &Retention,
    now_ms: i64,
) -> Result<Vec<AccountErasure>, AppError> {
    let users = sqlx::query(
        "SELECT id, username, created_at FROM users WHERE role IN ('parent', 'referrer') ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    let links = sqlx::query(
        "SELECT m.user_id, c.closed_ms, c.held_ms, c.hold_since_ms, c.erased_ms FROM case_members m \
         JOIN cases c ON c.id = m.case_id \
         UNION ALL \
         SELECT p.user_id, c.closed_ms, c.held_ms, c.hold_since_ms, c.erased_ms FROM case_parents p \
         JOIN cases c ON c.id = p.case_id WHERE p.user_id IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut due = Vec::new();
    'users: for user in users {
        let user_id: i64 = user.try_get("id")?;
        let mut latest = None::<i64>;
        for link in &links {
            if link.try_get::<i64, _>("user_id")? != user_id {
                continue;
            }
            let Some(closed_ms) = link.try_get::<Option<i64>, _>("closed_ms")? else {
                continue 'users; // a case still open
            };
            let clock = Clock {
                closed_ms,
                held_ms: link.try_get("held_ms")?,
                hold_since_ms: link.try_get("hold_since_ms")?,
            };
            let Some(at) = clock.due_ms(schedule.accounts_years) else {
                continue 'users; // a case on hold
            };
            latest = Some(latest.map_or(at, |was| was.max(at)));
        }
        let due_at = match latest {
            Some(at) => at,
            None => crate::domain::retention::years_after(
                user.try_get("created_at")?,
                schedule.accounts_years,
            ),
        };
        if due_at <= now_ms {
            due.push(AccountErasure {
                user_id,
                username: user.try_get("username")?,
            });
        }
    }
    Ok(due)
}

/// Carries out `plan`: each case in a transaction of its own, then each
/// account. Returns the plan carried out.
pub async fn erase(db: &Db, plan: &ErasurePlan, now_ms: i64) -> Result<(), AppError> {
    for case in &plan.cases {
        erase_case(db, case, now_ms).await?;
    }
    for account in &plan.accounts {
        erase_account(db, account, now_ms).await?;
    }
    Ok(())
}

/// Finds and carries out what is due at `now_ms` (the scheduled job).
pub async fn erase_due(db: &Db, now_ms: i64) -> Result<ErasurePlan, AppError> {
    let plan = plan(db, now_ms).await?;
    erase(db, &plan, now_ms).await?;
    Ok(plan)
}

/// The audit entries of `subjects` lose their detail (the guard allows it
/// only while `erasing` holds a row).
async fn blank_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    subjects: &[String],
    now_ms: i64,
) -> Result<(), AppError> {
    for subject in subjects {
        sqlx::query(
            "UPDATE audit_log SET detail = '', erased_ms = $1 \
             WHERE subject = $2 AND erased_ms IS NULL AND keyed = 1",
        )
        .bind(now_ms)
        .bind(subject.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn ids(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    sql: &str,
    case_id: i64,
) -> Result<Vec<i64>, AppError> {
    sqlx::query(sql)
        .bind(case_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| row.try_get("id").map_err(AppError::from))
        .collect()
}

async fn erase_case(db: &Db, case: &CaseErasure, now_ms: i64) -> Result<(), AppError> {
    let case_id = case.case_id;
    let mut tx = db.begin_write().await?;
    // Checked again inside the transaction: a hold set since the plan was
    // made wins.
    let still_due = sqlx::query(
        "SELECT 1 AS one FROM cases WHERE id = $1 AND closed_ms IS NOT NULL AND erased_ms IS NULL AND hold_since_ms IS NULL",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    if still_due.is_none() {
        return Ok(());
    }
    sqlx::query("INSERT INTO erasing (case_id, started_ms) VALUES ($1, $2)")
        .bind(case_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    let bookings = ids(
        &mut tx,
        "SELECT id FROM bookings WHERE case_id = $1",
        case_id,
    )
    .await?;
    let reports = ids(
        &mut tx,
        "SELECT id FROM final_reports WHERE case_id = $1",
        case_id,
    )
    .await?;
    let mut subjects: Vec<String> = Vec::new();
    for kind in &case.kinds {
        for (_, from) in tables_of(*kind) {
            sqlx::query(&format!("DELETE {from}"))
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
        }
        match kind {
            DataKind::Records => {
                subjects.extend(bookings.iter().map(|id| format!("record:{id}")));
                subjects.extend(reports.iter().map(|id| format!("report:{id}")));
            }
            DataKind::Referral => {
                sqlx::query(
                    "UPDATE referrals SET court_orders = '', pending_proceedings = '', decision_note = '' WHERE case_id = $1",
                )
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            }
            DataKind::Payments | DataKind::Accounts => {}
        }
    }
    let mut accounts = Vec::new();
    if case.whole_case {
        // Parents and referrers with no other case lose their account with it.
        accounts = ids(
            &mut tx,
            "SELECT u.id FROM users u WHERE u.role IN ('parent', 'referrer') AND ( \
               u.id IN (SELECT user_id FROM case_members WHERE case_id = $1) \
               OR u.id IN (SELECT user_id FROM case_parents WHERE case_id = $1 AND user_id IS NOT NULL)) \
             AND NOT EXISTS (SELECT 1 FROM case_members o WHERE o.user_id = u.id AND o.case_id <> $1) \
             AND NOT EXISTS (SELECT 1 FROM case_parents o WHERE o.user_id = u.id AND o.case_id <> $1)",
            case_id,
        )
        .await?;
        for (_, from) in WHOLE_CASE {
            sqlx::query(&format!("DELETE {from}"))
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
        }
        for user_id in &accounts {
            remove_account(&mut tx, *user_id).await?;
        }
        subjects.push(format!("case:{case_id}"));
        subjects.extend(bookings.iter().map(|id| format!("booking:{id}")));
        subjects.extend(accounts.iter().map(|id| format!("account:{id}")));
        sqlx::query(
            "UPDATE cases SET closed_note = '', hold_reason = '', erased_ms = $1 WHERE id = $2",
        )
        .bind(now_ms)
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    }
    blank_audit(&mut tx, &subjects, now_ms).await?;
    sqlx::query("DELETE FROM erasing WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let kinds: Vec<&str> = case.kinds.iter().map(|kind| kind.title()).collect();
    Step::on_case(db, 0, case_id, now_ms)
        .audit(
            &mut tx,
            "erase",
            &format!(
                "under the retention schedule: {}{}; {} rows; {} accounts",
                kinds.join(", "),
                if case.whole_case {
                    "; the whole case"
                } else {
                    ""
                },
                case.rows.iter().map(|(_, n)| n).sum::<i64>(),
                accounts.len()
            ),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    tracing::info!(
        case = case.case_id,
        whole = case.whole_case,
        "erased under the retention schedule"
    );
    Ok(())
}

/// Removes a parent's or referrer's account and what names it: its
/// messages, its sign-in attempts; its links go with it.
async fn remove_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: i64,
) -> Result<(), AppError> {
    let username: Option<String> = sqlx::query("SELECT username FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| row.try_get("username"))
        .transpose()?;
    let Some(username) = username else {
        return Ok(());
    };
    sqlx::query("DELETE FROM throttle_attempts WHERE key = $1")
        .bind(format!("account:{username}"))
        .execute(&mut **tx)
        .await?;
    for sql in [
        "DELETE FROM outbox WHERE user_id = $1",
        "UPDATE case_parents SET user_id = NULL WHERE user_id = $1",
        "DELETE FROM case_members WHERE user_id = $1",
        "DELETE FROM auth_sessions WHERE user_id = $1",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut **tx).await?;
    }
    sqlx::query("DELETE FROM users WHERE id = $1 AND role IN ('parent', 'referrer')")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn erase_account(db: &Db, account: &AccountErasure, now_ms: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    // `0` marks an erasure of accounts, not of a case: only the audit
    // trail's guard reads it, and no case has that id.
    sqlx::query("INSERT INTO erasing (case_id, started_ms) VALUES (0, $1)")
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    remove_account(&mut tx, account.user_id).await?;
    blank_audit(&mut tx, &[format!("account:{}", account.user_id)], now_ms).await?;
    sqlx::query("DELETE FROM erasing WHERE case_id = 0")
        .execute(&mut *tx)
        .await?;
    Step::on_account(db, 0, account.user_id, now_ms)
        .audit(&mut tx, "erase", "account: no open case, its time is up")
        .await?;
    super::audit::commit(db, tx).await
}
