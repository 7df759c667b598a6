//! Payments, refunds, each parent's statement and their bookings' statuses.

use sqlx::Row;

use super::Db;
use super::audit::Step;
use crate::domain::attendance::Attendance;
use crate::domain::ledger::{
    AccountCharge, Payment, balance, booking_payment, booking_status, due_by, outstanding,
};
use crate::domain::london_time::{format_london_day, parse_date};
use crate::domain::money::{Charge, ChargeKind, Parent, Pence};
use crate::domain::schedule::BookingKind;
use crate::error::AppError;
use crate::model::{AmountDue, Arrear, ParentBooking, Statement, StatementLine};

pub const METHODS: [&str; 4] = ["card", "bank_transfer", "cash", "cheque"];

/// Writes charges inside the caller's transaction: one parent's, for the
/// case, and for one booking if it is a booking's. On a case a local
/// authority funds, each is the authority's (invoiced), never the parent's.
pub(super) async fn raise(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    booking_id: Option<i64>,
    charges: &[Charge],
    now_ms: i64,
) -> Result<(), AppError> {
    for charge in charges {
        sqlx::query(
            "INSERT INTO charges (case_id, parent_side, kind, amount_pence, booking_id, raised_at, funded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, \
             (SELECT CASE WHEN funding = 'local_authority' THEN funding END FROM referrals WHERE case_id = $1))",
        )
        .bind(case_id)
        .bind(charge.parent.as_str())
        .bind(charge.kind.as_str())
        .bind(charge.amount.0)
        .bind(booking_id)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Records money received from (or, for a refund, returned to) a parent.
#[allow(clippy::too_many_arguments)]
pub async fn record_payment(
    db: &Db,
    case_id: i64,
    parent: Parent,
    refund: bool,
    amount: Pence,
    method: &str,
    paid_on: &str,
    recorded_by: i64,
    now_ms: i64,
) -> Result<i64, AppError> {
    if amount.0 <= 0 {
        return Err(AppError::invalid("amount", "Enter an amount above £0.00."));
    }
    if !METHODS.contains(&method) {
        return Err(AppError::invalid(
            "method",
            "Choose how it was paid: card, bank transfer, cash or cheque.",
        ));
    }
    let paid_on = parse_date("paid_on", paid_on)?
        .format("%Y-%m-%d")
        .to_string();
    let paid_before = booking_payments(db, case_id).await?;
    if refund {
        let held = deposit_held(db, case_id, parent).await?;
        if amount > held {
            return Err(AppError::invalid(
                "amount",
                format!(
                    "Only a held deposit is refunded here, and {held} is held for this parent."
                ),
            ));
        }
    }
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "INSERT INTO payments (case_id, parent_side, direction, amount_pence, method, paid_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(case_id)
    .bind(parent.as_str())
    .bind(if refund { "refund" } else { "payment" })
    .bind(amount.0)
    .bind(method)
    .bind(paid_on.clone())
    .bind(recorded_by)
    .bind(now_ms)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match e.as_database_error() {
        Some(d) if d.is_foreign_key_violation() => AppError::not_found("Case"),
        _ => e.into(),
    })?;
    let id: i64 = row.try_get("id")?;
    Step::on_case(db, recorded_by, case_id, now_ms)
        .audit(
            &mut tx,
            if refund { "refund" } else { "payment" },
            &format!(
                "{amount} by {method}, {} parent, paid on {paid_on} (payment {id})",
                parent.as_str()
            ),
        )
        .await?;
    super::audit::commit(db, tx).await?;
    tell_of_confirmed(db, case_id, &paid_before, now_ms).await?;
    Ok(id)
}

/// After a payment: the parents of each booking still ahead that it made
/// fully paid are told it is confirmed, each with their own time. (Which
/// bookings it confirmed is known only from the ledger once the payment is
/// in, so these are queued just after its transaction; each under its own
/// key, once.)
async fn tell_of_confirmed(
    db: &Db,
    case_id: i64,
    before: &BookingPayments,
    now_ms: i64,
) -> Result<(), AppError> {
    let after = booking_payments(db, case_id).await?;
    let rows = sqlx::query(
        "SELECT id, kind, parent_side, starts_at, visiting_arrives_at FROM bookings \
         WHERE case_id = $1 AND cancelled_at IS NULL AND held_at IS NULL AND starts_at > $2",
    )
    .bind(case_id)
    .bind(now_ms)
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.begin_write().await?;
    for row in rows {
        let id: i64 = row.try_get("id")?;
        if after.of(id) != Payment::Paid || before.of(id) == Payment::Paid {
            continue;
        }
        let kind: String = row.try_get("kind")?;
        let Some(kind) = BookingKind::parse(&kind) else {
            continue;
        };
        let only: Option<String> = row.try_get("parent_side")?;
        for side in [Parent::Resident, Parent::Visiting] {
            if only.as_deref().is_some_and(|only| only != side.as_str()) {
                continue;
            }
            let own: i64 = match (side, kind.is_contact()) {
                (Parent::Visiting, true) => row.try_get("visiting_arrives_at")?,
                _ => row.try_get("starts_at")?,
            };
            super::outbox::queue(
                &mut tx,
                super::outbox::To::Parent { case_id, side },
                &crate::domain::message::confirmed(kind, own),
                &format!("confirmed {id} {}", side.as_str()),
                now_ms,
            )
            .await?;
        }
    }
    tx.commit().await?;
    super::outbox::wake();
    Ok(())
}

struct ChargeRow {
    id: i64,
    kind: ChargeKind,
    amount: Pence,
    booking_id: Option<i64>,
    raised_at: i64,
    waived: bool,
    forfeited: bool,
    /// Paid by a funder (Cafcass, or a local authority invoiced for it),
    /// not owed by the parent.
    funded: bool,
    /// Which funder, as stored ("cafcass", "local_authority").
    funder: Option<String>,
}

async fn charges(db: &Db, case_id: i64, parent: Parent) -> Result<Vec<ChargeRow>, AppError> {
    let rows = sqlx::query(
        "SELECT id, kind, amount_pence, booking_id, raised_at, waived_at, forfeited_at, funded_by FROM charges \
         WHERE case_id = $1 AND parent_side = $2 ORDER BY raised_at, id",
    )
    .bind(case_id)
    .bind(parent.as_str())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(ChargeRow {
                id: row.try_get("id")?,
                kind: ChargeKind::parse(&kind)
                    .ok_or_else(|| super::failure::internal("unknown charge kind"))?,
                amount: Pence(row.try_get("amount_pence")?),
                booking_id: row.try_get("booking_id")?,
                raised_at: row.try_get("raised_at")?,
                waived: row.try_get::<Option<i64>, _>("waived_at")?.is_some(),
                forfeited: row.try_get::<Option<i64>, _>("forfeited_at")?.is_some(),
                funded: row.try_get::<Option<String>, _>("funded_by")?.is_some(),
                funder: row.try_get("funded_by")?,
            })
        })
        .collect()
}

/// (total paid in, total refunded, the payment lines).
async fn money_in(
    db: &Db,
    case_id: i64,
    parent: Parent,
) -> Result<(Pence, Pence, Vec<StatementLine>), AppError> {
    let rows = sqlx::query(
        "SELECT direction, amount_pence, method, recorded_at FROM payments \
         WHERE case_id = $1 AND parent_side = $2 ORDER BY recorded_at, id",
    )
    .bind(case_id)
    .bind(parent.as_str())
    .fetch_all(&db.pool)
    .await?;
    let (mut paid, mut refunded, mut lines) = (0, 0, Vec::new());
    for row in rows {
        let direction: String = row.try_get("direction")?;
        let amount: i64 = row.try_get("amount_pence")?;
        let method: String = row.try_get("method")?;
        let method = method.replace('_', " ");
        let at_ms: i64 = row.try_get("recorded_at")?;
        let (description, signed) = if direction == "refund" {
            refunded += amount;
            // The deposit goes back with the money: two lines that cancel.
            lines.push(StatementLine {
                at_ms,
                description: "Deposit returned: no longer held".to_owned(),
                amount: Pence(-amount),
            });
            (format!("Deposit refunded ({method})"), amount)
        } else {
            paid += amount;
            (format!("Payment received ({method})"), -amount)
        };
        lines.push(StatementLine {
            at_ms,
            description,
            amount: Pence(signed),
        });
    }
    Ok((Pence(paid), Pence(refunded), lines))
}

/// The charges still owed (not waived), oldest first, each with whether the
/// parent's payments cover it in full.
async fn owed_and_settled(
    db: &Db,
    case_id: i64,
    parent: Parent,
) -> Result<Vec<(ChargeRow, bool)>, AppError> {
    Ok(owed_and_outstanding(db, case_id, parent)
        .await?
        .into_iter()
        .map(|(charge, left)| (charge, left.0 <= 0))
        .collect())
}

/// The charges still owed (not waived), oldest first, each with what the
/// parent's payments leave of it.
async fn owed_and_outstanding(
    db: &Db,
    case_id: i64,
    parent: Parent,
) -> Result<Vec<(ChargeRow, Pence)>, AppError> {
    let owed: Vec<ChargeRow> = charges(db, case_id, parent)
        .await?
        .into_iter()
        .filter(|c| !c.waived && !c.funded)
        .collect();
    let (paid, _, _) = money_in(db, case_id, parent).await?;
    Ok(apply_payments(owed, paid))
}

fn apply_payments(owed: Vec<ChargeRow>, paid: Pence) -> Vec<(ChargeRow, Pence)> {
    let accounts: Vec<AccountCharge> = owed
        .iter()
        .map(|c| AccountCharge {
            id: c.id,
            amount: c.amount,
        })
        .collect();
    let left = outstanding(&accounts, paid);
    owed.into_iter()
        .zip(left)
        .map(|(charge, (_, left))| (charge, left))
        .collect()
}

/// Every booking of the case with a charge still owed on it (not waived),
/// and whether each of those charges is paid: a booking is confirmed only
/// once every charge on it is, whichever parent owes it.
pub async fn booking_payments(db: &Db, case_id: i64) -> Result<BookingPayments, AppError> {
    let mut by_booking: Vec<(i64, Parent, bool)> = Vec::new();
    for parent in [Parent::Resident, Parent::Visiting] {
        for (charge, paid) in owed_and_settled(db, case_id, parent).await? {
            if let Some(booking) = charge.booking_id {
                by_booking.push((booking, parent, paid));
            }
        }
    }
    Ok(BookingPayments(by_booking))
}

/// Which of a case's bookings' charges are paid (`booking_payments`).
pub struct BookingPayments(Vec<(i64, Parent, bool)>);

impl BookingPayments {
    pub fn of(&self, booking_id: i64) -> Payment {
        booking_payment(
            self.0
                .iter()
                .filter(|(id, _, _)| *id == booking_id)
                .map(|(_, parent, paid)| (*parent, *paid)),
        )
    }
}

/// Which bookings are paid, read once per case for the length of one
/// request (a list of bookings across cases asks case by case).
#[derive(Default)]
pub struct PaymentsByCase(Vec<(i64, BookingPayments)>);

impl PaymentsByCase {
    pub async fn of(
        &mut self,
        db: &Db,
        case_id: i64,
        booking_id: i64,
    ) -> Result<Payment, AppError> {
        if !self.0.iter().any(|(case, _)| *case == case_id) {
            self.0.push((case_id, booking_payments(db, case_id).await?));
        }
        Ok(self
            .0
            .iter()
            .find(|(case, _)| *case == case_id)
            .map_or(Payment::NotCharged, |(_, paid)| paid.of(booking_id)))
    }
}

/// Every parent who owes the centre money: how much, and since when (the
/// oldest charge not yet paid in full was raised), the longest owed first.
/// Two reads of the whole ledger, settled here, whatever the number of
/// cases.
pub async fn arrears(db: &Db) -> Result<Vec<Arrear>, AppError> {
    arrears_on(&mut *db.pool.acquire().await?).await
}

/// `arrears`, read on a connection the caller already holds (a page that
/// reads several tables takes one connection for all of them).
pub async fn arrears_on(conn: &mut sqlx::AnyConnection) -> Result<Vec<Arrear>, AppError> {
    let charges = sqlx::query(
        "SELECT ch.case_id, ch.parent_side, ch.id, ch.amount_pence, ch.raised_at, c.reference \
         FROM charges ch JOIN cases c ON c.id = ch.case_id \
         WHERE ch.waived_at IS NULL AND ch.funded_by IS NULL \
         ORDER BY ch.case_id, ch.parent_side, ch.raised_at, ch.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let payments = sqlx::query(
        "SELECT case_id, parent_side, amount_pence FROM payments WHERE direction = 'payment'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut paid: Vec<((i64, String), i64)> = Vec::new();
    for row in &payments {
        let key = (row.try_get("case_id")?, row.try_get("parent_side")?);
        let amount: i64 = row.try_get("amount_pence")?;
        match paid.iter_mut().find(|(k, _)| *k == key) {
            Some((_, total)) => *total += amount,
            None => paid.push((key, amount)),
        }
    }
    // One account per case and side, its charges oldest first.
    struct Account {
        key: (i64, String),
        reference: String,
        /// Each charge with when it was raised.
        charges: Vec<(AccountCharge, i64)>,
    }
    let mut accounts: Vec<Account> = Vec::new();
    for row in &charges {
        let key: (i64, String) = (row.try_get("case_id")?, row.try_get("parent_side")?);
        let charge = AccountCharge {
            id: row.try_get("id")?,
            amount: Pence(row.try_get("amount_pence")?),
        };
        let raised: i64 = row.try_get("raised_at")?;
        match accounts.last_mut() {
            Some(account) if account.key == key => account.charges.push((charge, raised)),
            _ => accounts.push(Account {
                key,
                reference: row.try_get("reference")?,
                charges: vec![(charge, raised)],
            }),
        }
    }
    let mut arrears = Vec::new();
    for Account {
        key: (case_id, side),
        reference,
        charges: list,
    } in accounts
    {
        let paid_in = paid
            .iter()
            .find(|(k, _)| *k == (case_id, side.clone()))
            .map_or(0, |(_, total)| *total);
        let just_charges: Vec<AccountCharge> = list.iter().map(|(c, _)| *c).collect();
        let left = outstanding(&just_charges, Pence(paid_in));
        let owed: i64 = left.iter().map(|(_, left)| left.0).sum();
        let oldest = left
            .iter()
            .zip(&list)
            .find(|((_, left), _)| left.0 > 0)
            .map(|(_, (_, raised))| *raised);
        if let Some(since_ms) = oldest {
            arrears.push(Arrear {
                case_id,
                reference,
                parent: Parent::parse(&side)
                    .ok_or_else(|| super::failure::internal("unknown parent side"))?,
                owed: Pence(owed),
                since_ms,
            });
        }
    }
    arrears.sort_by_key(|a| (a.since_ms, a.case_id));
    Ok(arrears)
}

/// What one parent still has to pay, each with when it is due
/// (`domain::ledger::due_by` under the centre's payment terms), soonest
/// first.
pub async fn to_pay(
    db: &Db,
    case_id: i64,
    parent: Parent,
    now_ms: i64,
) -> Result<Vec<AmountDue>, AppError> {
    let terms = super::settings::payment_terms(db).await?;
    let starts: Vec<(i64, i64)> =
        sqlx::query("SELECT id, starts_at FROM bookings WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("starts_at")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let mut due: Vec<AmountDue> = owed_and_outstanding(db, case_id, parent)
        .await?
        .into_iter()
        .filter(|(_, left)| left.0 > 0)
        .map(|(charge, left)| {
            let booking_starts = charge
                .booking_id
                .and_then(|id| starts.iter().find(|(b, _)| *b == id).map(|(_, at)| *at));
            let description = match booking_starts {
                Some(at) => format!("{} on {}", charge.kind.label(), format_london_day(at)),
                None => charge.kind.label().to_owned(),
            };
            let due_ms = due_by(charge.raised_at, booking_starts, terms.days_before);
            AmountDue {
                description,
                amount: left,
                due_ms,
                due_now: due_ms <= now_ms,
            }
        })
        .collect();
    due.sort_by_key(|d| d.due_ms);
    Ok(due)
}

/// The deposit still held for a parent: paid, not forfeited, not refunded.
pub async fn deposit_held(db: &Db, case_id: i64, parent: Parent) -> Result<Pence, AppError> {
    let (_, refunded, _) = money_in(db, case_id, parent).await?;
    let held: i64 = owed_and_settled(db, case_id, parent)
        .await?
        .iter()
        .filter(|(c, paid)| *paid && c.kind == ChargeKind::Deposit && !c.forfeited)
        .map(|(c, _)| c.amount.0)
        .sum();
    Ok(Pence((held - refunded.0).max(0)))
}

/// A parent's itemised statement: charges, forfeits, payments and refunds.
pub async fn statement(db: &Db, case_id: i64, parent: Parent) -> Result<Statement, AppError> {
    let all = charges(db, case_id, parent).await?;
    let (paid, _, payment_lines) = money_in(db, case_id, parent).await?;
    let cancelled_bookings: Vec<i64> =
        sqlx::query("SELECT id FROM bookings WHERE case_id = $1 AND cancelled_at IS NOT NULL")
            .bind(case_id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|row| row.try_get("id"))
            .collect::<Result<_, _>>()?;
    let mut lines = Vec::new();
    let mut charged = 0;
    for charge in &all {
        let mut description = charge.kind.label().to_owned();
        if charge.funded && !charge.waived {
            description.push_str(match charge.funder.as_deref() {
                Some("local_authority") => ": invoiced to the local authority",
                _ => ": funded by Cafcass",
            });
        } else if charge.waived {
            description.push_str(": cancelled in good time, not charged");
        } else {
            charged += charge.amount.0;
            let late = charge
                .booking_id
                .is_some_and(|id| cancelled_bookings.contains(&id));
            if charge.forfeited || late {
                description.push_str(": kept after a late cancellation");
            }
        }
        lines.push(StatementLine {
            at_ms: charge.raised_at,
            description,
            amount: if charge.waived || charge.funded {
                Pence(0)
            } else {
                charge.amount
            },
        });
    }
    lines.extend(payment_lines);
    lines.sort_by_key(|line| line.at_ms);
    Ok(Statement {
        lines,
        balance: balance(Pence(charged), paid),
        deposit_held: deposit_held(db, case_id, parent).await?,
    })
}

/// A parent's bookings with their own arrival and departure times only.
pub async fn parent_bookings(
    db: &Db,
    case_id: i64,
    parent: Parent,
) -> Result<Vec<ParentBooking>, AppError> {
    let payments = booking_payments(db, case_id).await?;
    let rows = sqlx::query(
        "SELECT id, kind, parent_side, starts_at, ends_at, visiting_arrives_at, visiting_leaves_at, \
         cancelled_at, held_at, attendance FROM bookings WHERE case_id = $1 ORDER BY starts_at",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    let mut bookings = Vec::new();
    for row in rows {
        let side: Option<String> = row.try_get("parent_side")?;
        if side.as_deref().is_some_and(|s| s != parent.as_str()) {
            continue; // the other parent's pre-visit
        }
        let id: i64 = row.try_get("id")?;
        let kind: String = row.try_get("kind")?;
        let kind = BookingKind::parse(&kind)
            .ok_or_else(|| super::failure::internal("unknown booking kind"))?;
        let starts: i64 = row.try_get("starts_at")?;
        let ends: i64 = row.try_get("ends_at")?;
        let (arrive_ms, leave_ms) = match (parent, kind) {
            (Parent::Visiting, k) if k.is_contact() => (
                row.try_get("visiting_arrives_at")?,
                row.try_get("visiting_leaves_at")?,
            ),
            _ => (starts, ends),
        };
        let attendance: Option<String> = row.try_get("attendance")?;
        let cancelled = row.try_get::<Option<i64>, _>("cancelled_at")?.is_some();
        bookings.push(ParentBooking {
            id,
            kind,
            starts_ms: starts,
            arrive_ms,
            leave_ms,
            status: booking_status(
                cancelled,
                row.try_get::<Option<i64>, _>("held_at")?.is_some(),
                attendance.as_deref().and_then(Attendance::parse),
                payments.of(id),
            ),
        });
    }
    Ok(bookings)
}
