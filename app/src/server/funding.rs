//! Who pays: on a Cafcass-funded case, Cafcass for a set number of
//! sessions (six unless extended), the visiting parent beyond; on a case a
//! local authority funds, the authority for every charge, invoiced, with
//! its payments recorded by the coordinator.

use sqlx::Row;

use super::audit::Step;
use super::{Db, plans};
use crate::domain::london_time::{format_iso_date, london_date, parse_date};
use crate::domain::money::{CAFCASS_SESSIONS, ChargeKind, Funding, Pence, funded_positions};
use crate::error::AppError;
use crate::model::{FunderAccount, FunderLine};

/// Marks which session charges a funder pays: on a Cafcass-funded case,
/// those of the first funded sessions (`domain::money::funded_positions`)
/// among the sessions still live, in date order; the rest are the
/// visiting parent's. Run in the transaction of every change that can move
/// a place: booking, cancelling, extending.
pub(super) async fn apply_funding(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
) -> Result<(), AppError> {
    let referral = sqlx::query("SELECT funding, funded_sessions FROM referrals WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::not_found("Case"))?;
    if referral.try_get::<String, _>("funding")? != Funding::Cafcass.as_str() {
        return Ok(());
    }
    let funded: u32 = referral
        .try_get::<Option<i64>, _>("funded_sessions")?
        .map_or(CAFCASS_SESSIONS, |n| n.clamp(0, i64::from(u32::MAX)) as u32);
    let live: Vec<i64> = sqlx::query(
        "SELECT ch.id FROM charges ch JOIN bookings b ON b.id = ch.booking_id \
         WHERE ch.case_id = $1 AND ch.kind = 'session' AND ch.waived_at IS NULL AND b.cancelled_at IS NULL \
         ORDER BY b.starts_at, b.id",
    )
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<Result<_, _>>()?;
    let places = funded_positions(live.len(), funded);
    for (at, charge) in live.iter().enumerate() {
        let funder = places.contains(&at).then_some(Funding::Cafcass.as_str());
        sqlx::query("UPDATE charges SET funded_by = $1 WHERE id = $2")
            .bind(funder)
            .bind(charge)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The coordinator records how many sessions Cafcass funds on a case (an
/// extension, or fewer before they are used); the charges follow at once.
pub async fn set_funded_sessions(
    db: &Db,
    case_id: i64,
    funded: u32,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    if plans::funding(db, case_id).await? != Funding::Cafcass {
        return Err(AppError::conflict(
            "Only a Cafcass-funded case has funded sessions; the parents pay on this one.",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE referrals SET funded_sessions = $1 WHERE case_id = $2")
        .bind(i64::from(funded))
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    apply_funding(&mut tx, case_id).await?;
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "funding",
            &format!("Cafcass funds {funded} sessions"),
        )
        .await?;
    super::audit::commit(db, tx).await
}

/// How many sessions Cafcass funds on the case and how many live sessions
/// use a funded place; `None` for a case the parents pay for.
pub async fn funded_use(db: &Db, case_id: i64) -> Result<Option<(u32, u32)>, AppError> {
    let referral = sqlx::query("SELECT funding, funded_sessions FROM referrals WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::not_found("Case"))?;
    if referral.try_get::<String, _>("funding")? != Funding::Cafcass.as_str() {
        return Ok(None);
    }
    let funded = referral
        .try_get::<Option<i64>, _>("funded_sessions")?
        .map_or(CAFCASS_SESSIONS, |n| n.clamp(0, i64::from(u32::MAX)) as u32);
    let used = sqlx::query(
        "SELECT id FROM charges WHERE case_id = $1 AND funded_by IS NOT NULL AND waived_at IS NULL",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .len() as u32;
    Ok(Some((funded, used)))
}

/// The local authority's account on a case it funds: every charge
/// invoiced to it and every payment recorded; `None` for any other case.
pub async fn authority_account(db: &Db, case_id: i64) -> Result<Option<FunderAccount>, AppError> {
    if !plans::funding(db, case_id).await?.invoices_funder() {
        return Ok(None);
    }
    let mut lines: Vec<(i64, FunderLine)> = Vec::new();
    let charges = sqlx::query(
        "SELECT kind, amount_pence, raised_at FROM charges \
         WHERE case_id = $1 AND funded_by = 'local_authority' AND waived_at IS NULL ORDER BY raised_at, id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    for row in &charges {
        let kind: String = row.try_get("kind")?;
        let at: i64 = row.try_get("raised_at")?;
        lines.push((
            at,
            FunderLine {
                on: format_iso_date(london_date(at)),
                what: ChargeKind::parse(&kind).map_or(kind.clone(), |k| k.label().to_owned()),
                amount_pence: row.try_get("amount_pence")?,
            },
        ));
    }
    let payments = sqlx::query(
        "SELECT amount_pence, paid_on, reference, recorded_at FROM funder_payments WHERE case_id = $1 ORDER BY recorded_at, id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    for row in &payments {
        let reference: String = row.try_get("reference")?;
        lines.push((
            row.try_get("recorded_at")?,
            FunderLine {
                on: row.try_get("paid_on")?,
                what: if reference.is_empty() {
                    "Payment from the local authority".to_owned()
                } else {
                    format!("Payment from the local authority, ref. {reference}")
                },
                amount_pence: -row.try_get::<i64, _>("amount_pence")?,
            },
        ));
    }
    lines.sort_by_key(|(at, _)| *at);
    let invoiced: i64 = lines.iter().map(|(_, l)| l.amount_pence.max(0)).sum();
    let paid: i64 = lines.iter().map(|(_, l)| (-l.amount_pence).max(0)).sum();
    Ok(Some(FunderAccount {
        lines: lines.into_iter().map(|(_, line)| line).collect(),
        invoiced_pence: invoiced,
        paid_pence: paid,
        owed_pence: invoiced - paid,
    }))
}

/// The coordinator records a payment the local authority made on a case it
/// funds (audited).
pub async fn record_authority_payment(
    db: &Db,
    case_id: i64,
    amount: Pence,
    paid_on: &str,
    reference: &str,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    if !plans::funding(db, case_id).await?.invoices_funder() {
        return Err(AppError::conflict(
            "Only a case a local authority funds is invoiced to it; record parents' payments on their statements.",
        ));
    }
    if amount.0 <= 0 {
        return Err(AppError::invalid("amount", "Enter an amount above £0.00."));
    }
    let paid_on = format_iso_date(parse_date("paid_on", paid_on)?);
    let reference = reference.trim();
    if reference.chars().count() > 60 {
        return Err(AppError::invalid(
            "reference",
            "Keep the authority's reference to 60 characters.",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO funder_payments (case_id, amount_pence, paid_on, reference, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(amount.0)
    .bind(&paid_on)
    .bind(reference)
    .bind(by)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    Step::on_case(db, by, case_id, now_ms)
        .audit(
            &mut tx,
            "authority payment",
            &format!("{amount} paid on {paid_on}"),
        )
        .await?;
    super::audit::commit(db, tx).await
}
