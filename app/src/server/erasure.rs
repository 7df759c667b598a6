//! Erasure under the retention schedule (`domain::retention`): what is due,
//! the dry run's lines, and carrying it out.
//!
//! Erasure is one transaction per case. It first claims the case (a closed
//! case not on hold, not yet erased: a hold committed first wins) and writes
//! it to the `erasing` table, the one marker the immutability guards
//! (migration 0022) accept: with it, and only for that case, signed records,
//! their entries, signatures and addenda, and final reports may be removed,
//! whole; and audit entries may lose their detail (never their place, time,
//! actor, action, subject or hashes, so the chain still verifies). The
//! marker is removed before the transaction commits, so no other
//! transaction ever sees it. The erasure's own audit entry names every
//! subject it emptied; `verify-audit` accepts an emptied entry only so.

use sqlx::Row;

use super::Db;
use super::audit::Step;
use crate::domain::audit::{ERASE, erase_detail};
use crate::domain::retention::{Clock, DataKind, Retention};
use crate::error::AppError;

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
        if kinds.contains(&DataKind::Referral) {
            let worded: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM referrals WHERE case_id = $1 \
                 AND (court_orders <> '' OR pending_proceedings <> '' OR decision_note <> '')",
            )
            .bind(case_id)
            .fetch_one(&db.pool)
            .await?
            .try_get("n")?;
            if worded > 0 {
                counts.push(("referrals (their words)", worded));
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
/// account. One that fails is logged and the others still go; the first
/// failure is returned at the end.
pub async fn erase(db: &Db, plan: &ErasurePlan, now_ms: i64) -> Result<(), AppError> {
    let mut first_failure = None;
    for case in &plan.cases {
        if let Err(error) = erase_case(db, case, now_ms).await {
            tracing::warn!(
                case = case.case_id,
                "erasure failed, to be tried again: {error}"
            );
            first_failure.get_or_insert(error);
        }
    }
    for account in &plan.accounts {
        if let Err(error) = erase_account(db, account, now_ms).await {
            tracing::warn!(
                user = account.user_id,
                "erasure failed, to be tried again: {error}"
            );
            first_failure.get_or_insert(error);
        }
    }
    first_failure.map_or(Ok(()), Err)
}

/// Finds and carries out what is due at `now_ms` (the scheduled job).
pub async fn erase_due(db: &Db, now_ms: i64) -> Result<ErasurePlan, AppError> {
    let plan = plan(db, now_ms).await?;
    erase(db, &plan, now_ms).await?;
    Ok(plan)
}

/// The audit entries of `subjects` lose their detail (the guard allows it
/// only while `erasing` holds a row); with `actions`, only entries of those
/// actions. Erasures' own entries keep theirs: they name what they emptied
/// and hold no personal data.
async fn blank_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    subjects: &[String],
    actions: Option<&[&str]>,
    now_ms: i64,
) -> Result<(), AppError> {
    let only = match actions {
        Some(actions) => format!(
            " AND action IN ({})",
            (0..actions.len())
                .map(|n| format!("${}", n + 3))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    let sql = format!(
        "UPDATE audit_log SET detail = '', erased_ms = $1 \
         WHERE subject = $2 AND erased_ms IS NULL AND keyed = 1 AND action <> '{ERASE}'{only}"
    );
    for subject in subjects {
        let mut query = sqlx::query(&sql).bind(now_ms).bind(subject.clone());
        for action in actions.unwrap_or_default() {
            query = query.bind(action.to_string());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The case's own audit entries that carry a kind's words (a risk
/// decision's why, a payment's amount), emptied with that kind.
fn case_actions(kind: DataKind) -> &'static [&'static str] {
    match kind {
        DataKind::Records => &["review outcome"],
        DataKind::Referral => &[
            "referral recorded",
            "referral accepted",
            "referral declined",
            "risk decision",
        ],
        DataKind::Payments => &["payment", "refund", "authority payment", "funding"],
        DataKind::Accounts => &[],
    }
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
    // Claimed inside the transaction by a guarded write, which locks the
    // row: a hold committed since the plan was made wins, and a hold asked
    // for now waits and then finds the case erased.
    let claimed = sqlx::query(
        "UPDATE cases SET held_ms = held_ms WHERE id = $1 AND closed_ms IS NOT NULL \
         AND erased_ms IS NULL AND hold_since_ms IS NULL",
    )
    .bind(case_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
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
    let case_subject = vec![format!("case:{case_id}")];
    for kind in &case.kinds {
        if !case.whole_case {
            blank_audit(&mut tx, &case_subject, Some(case_actions(*kind)), now_ms).await?;
        }
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
        subjects.extend(case_subject.iter().cloned());
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
    blank_audit(&mut tx, &subjects, None, now_ms).await?;
    if !case.whole_case {
        subjects.extend(case_subject);
    }
    sqlx::query("DELETE FROM erasing WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    let kinds: Vec<&str> = case.kinds.iter().map(|kind| kind.title()).collect();
    Step::on_case(db, 0, case_id, now_ms)
        .audit(
            &mut tx,
            ERASE,
            &erase_detail(
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
                &subjects,
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
    // Checked again inside the transaction: still a parent or referrer, and
    // no case of theirs open or on hold now.
    let still_due = sqlx::query(
        "SELECT 1 AS one FROM users u WHERE u.id = $1 AND u.role IN ('parent', 'referrer') \
         AND NOT EXISTS (SELECT 1 FROM case_members m JOIN cases c ON c.id = m.case_id \
           WHERE m.user_id = u.id AND (c.closed_ms IS NULL OR c.hold_since_ms IS NOT NULL)) \
         AND NOT EXISTS (SELECT 1 FROM case_parents p JOIN cases c ON c.id = p.case_id \
           WHERE p.user_id = u.id AND (c.closed_ms IS NULL OR c.hold_since_ms IS NOT NULL))",
    )
    .bind(account.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    if still_due.is_none() {
        return Ok(());
    }
    // `0` marks an erasure of accounts, not of a case: only the audit
    // trail's guard reads it, and no case has that id.
    sqlx::query("INSERT INTO erasing (case_id, started_ms) VALUES (0, $1)")
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    remove_account(&mut tx, account.user_id).await?;
    let subject = [format!("account:{}", account.user_id)];
    blank_audit(&mut tx, &subject, None, now_ms).await?;
    sqlx::query("DELETE FROM erasing WHERE case_id = 0")
        .execute(&mut *tx)
        .await?;
    Step::on_account(db, 0, account.user_id, now_ms)
        .audit(
            &mut tx,
            ERASE,
            &erase_detail("account: no open case, its time is up", &subject),
        )
        .await?;
    super::audit::commit(db, tx).await
}
