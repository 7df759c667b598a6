//! Centre settings (prices, staggering, opening hours), stored as JSON by
//! name; a setting never saved reads as its default.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;

use super::Db;
use crate::domain::closures::Closures;
use crate::domain::money::{PaymentTerms, Prices};
use crate::domain::retention::Retention;
use crate::domain::schedule::{CentreHours, StaggerSettings};
use crate::error::AppError;
use crate::model::CentreSettings;

pub const PRICES: &str = "prices";
pub const STAGGER: &str = "stagger";
pub const HOURS: &str = "hours";
pub const CLOSURES: &str = "closures";
pub const PAYMENT_TERMS: &str = "payment_terms";
pub const RETENTION: &str = "retention";

async fn read<T: DeserializeOwned + Default>(db: &Db, key: &str) -> Result<T, AppError> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await?;
    parse(key, row)
}

/// A setting's stored row as its value; its default when never saved.
fn parse<T: DeserializeOwned + Default>(
    key: &str,
    row: Option<sqlx::any::AnyRow>,
) -> Result<T, AppError> {
    match row {
        None => Ok(T::default()),
        Some(row) => {
            let text: String = row.try_get("value")?;
            serde_json::from_str(&text)
                .map_err(|e| super::failure::internal(format!("setting {key} unreadable: {e}")))
        }
    }
}

/// Stores a setting (the demo's seeding and tests; a coordinator's change
/// goes through `change`, which is audited).
pub async fn save<T: Serialize>(db: &Db, key: &str, value: &T) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    write(&mut tx, key, value).await?;
    tx.commit().await?;
    Ok(())
}

/// A coordinator changes a setting: stored, and in the audit trail with
/// its new value, in one transaction.
pub async fn change<T: Serialize>(
    db: &Db,
    key: &str,
    value: &T,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    write_audited(db, &mut tx, key, value, by, now_ms).await?;
    super::audit::commit(db, tx).await
}

/// A coordinator changes the closed days (`edit` is given the closures as
/// they are now): read, changed, stored and audited in one transaction, so
/// two changes at once cannot lose one of them. With `hours`, the opening
/// hours change in the same step.
pub async fn change_closures(
    db: &Db,
    hours: Option<&CentreHours>,
    edit: impl FnOnce(&mut Closures),
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    if let Some(hours) = hours {
        write_audited(db, &mut tx, HOURS, hours, by, now_ms).await?;
    }
    let stored = sqlx::query("SELECT value FROM settings WHERE key = $1")
        .bind(CLOSURES)
        .fetch_optional(&mut *tx)
        .await?;
    let mut closures: Closures = parse(CLOSURES, stored)?;
    edit(&mut closures);
    write_audited(db, &mut tx, CLOSURES, &closures, by, now_ms).await?;
    super::audit::commit(db, tx).await
}

/// Stores a setting and appends its new value to the audit trail, in `tx`.
async fn write_audited<T: Serialize>(
    db: &Db,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    value: &T,
    by: i64,
    now_ms: i64,
) -> Result<(), AppError> {
    let text = write(tx, key, value).await?;
    super::audit::Step::on_setting(db, by, key, now_ms)
        .audit(tx, "settings", &text)
        .await
}

async fn write<T: Serialize>(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    value: &T,
) -> Result<String, AppError> {
    let text = serde_json::to_string(value).map_err(super::failure::internal)?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(text.clone())
    .execute(&mut **tx)
    .await?;
    Ok(text)
}

pub async fn prices(db: &Db) -> Result<Prices, AppError> {
    read(db, PRICES).await
}

pub async fn stagger(db: &Db) -> Result<StaggerSettings, AppError> {
    read(db, STAGGER).await
}

pub async fn hours(db: &Db) -> Result<CentreHours, AppError> {
    read(db, HOURS).await
}

pub async fn closures(db: &Db) -> Result<Closures, AppError> {
    read(db, CLOSURES).await
}

pub async fn payment_terms(db: &Db) -> Result<PaymentTerms, AppError> {
    read(db, PAYMENT_TERMS).await
}

pub async fn retention(db: &Db) -> Result<Retention, AppError> {
    read(db, RETENTION).await
}

/// Every setting and the rooms, for the settings page.
pub async fn all(db: &Db) -> Result<CentreSettings, AppError> {
    Ok(CentreSettings {
        prices: prices(db).await?,
        stagger: stagger(db).await?,
        hours: hours(db).await?,
        closures: closures(db).await?,
        payment_terms: payment_terms(db).await?,
        rooms: rooms(db).await?,
        retention: retention(db).await?,
    })
}

/// The rooms by name.
pub async fn rooms(db: &Db) -> Result<Vec<String>, AppError> {
    sqlx::query("SELECT name FROM rooms ORDER BY name")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| row.try_get("name").map_err(AppError::from))
        .collect()
}

/// Adds a room; its name must be new.
pub async fn add_room(db: &Db, name: &str, by: i64, now_ms: i64) -> Result<i64, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("room", "Give the room a name."));
    }
    let mut tx = db.begin_write().await?;
    let row = sqlx::query("INSERT INTO rooms (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => {
                AppError::invalid("room", format!("There is already a room called {name}."))
            }
            _ => e.into(),
        })?;
    let id: i64 = row.try_get("id")?;
    super::audit::Step::on_setting(db, by, "rooms", now_ms)
        .audit(&mut tx, "add room", &format!("room {id}: {name}"))
        .await?;
    super::audit::commit(db, tx).await?;
    Ok(id)
}
