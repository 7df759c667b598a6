//! Who pays for a session: on a Cafcass-funded case, Cafcass for a set
//! number of sessions (six unless extended), the visiting parent beyond.

use sqlx::Row;

use super::audit::Step;
use super::{Db, plans};
use crate::domain::money::{CAFCASS_SESSIONS, Funding, funded_positions};
use crate::error::AppError;

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
