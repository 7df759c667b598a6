//! Accounts and passwords. Hashing runs on the blocking thread pool: argon2id
//! is meant to be slow, and must not stall the async executor.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use sqlx::Row;

use super::Db;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::model::{AccountSummary, CurrentUser};

/// What a stored password hash is: deliberately neither `Serialize` nor
/// `Debug`-printed in full, so it cannot leak through a server function.
pub struct PasswordHashText(String);

impl std::fmt::Debug for PasswordHashText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashText(..)")
    }
}

pub async fn hash_password(password: String) -> Result<PasswordHashText, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| PasswordHashText(hash.to_string()))
            .map_err(super::failure::internal)
    })
    .await?
}

/// Checks a password against a stored hash. With no stored hash (unknown
/// username) it checks against a throwaway hash, so that both cases take the
/// same time and an attacker cannot tell which usernames exist.
pub async fn verify_password(
    password: String,
    stored: Option<PasswordHashText>,
) -> Result<bool, AppError> {
    let known = stored.is_some();
    let hash = match stored {
        Some(hash) => hash.0,
        None => throwaway_hash().await?,
    };
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .map_err(super::failure::internal)
    })
    .await??;
    Ok(known && matches)
}

async fn throwaway_hash() -> Result<String, AppError> {
    static THROWAWAY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = THROWAWAY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(super::auth::random_hex(16)).await?.0;
    Ok(THROWAWAY.get_or_init(|| hash).clone())
}

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<CurrentUser, AppError> {
    let role_text: String = row.try_get("role")?;
    let role = Role::parse(&role_text)
        .ok_or_else(|| super::failure::internal(format!("unknown role {role_text:?} in users")))?;
    Ok(CurrentUser {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role,
    })
}

/// The account and its password hash, for signing in.
pub async fn find_with_password(
    db: &Db,
    username: &str,
) -> Result<Option<(CurrentUser, PasswordHashText)>, AppError> {
    let row = sqlx::query(
        "SELECT id, username, display_name, role, password_hash FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        let hash: String = row.try_get("password_hash")?;
        Ok((user_from_row(&row)?, PasswordHashText(hash)))
    })
    .transpose()
}

pub async fn find(db: &Db, user_id: i64) -> Result<Option<CurrentUser>, AppError> {
    let row = sqlx::query("SELECT id, username, display_name, role FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Creates an account from already validated parts; returns its id.
pub async fn create(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    password_hash: PasswordHashText,
    now_ms: i64,
) -> Result<i64, AppError> {
    let result = sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(role.as_str())
    .bind(password_hash.0)
    .bind(now_ms)
    .fetch_one(&db.pool)
    .await;
    match result {
        Ok(row) => Ok(row.try_get("id")?),
        Err(error) if is_unique_violation(&error) => Err(AppError::Invalid {
            field: "username".into(),
            message: format!("The username {username:?} is already taken."),
        }),
        Err(error) => Err(error.into()),
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// Replaces an account's password and ends all its sessions, so a reset
/// locks out anyone who knew the old one.
pub async fn set_password(
    db: &Db,
    user_id: i64,
    password_hash: PasswordHashText,
) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash.0)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::not_found("Account"));
    }
    sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64, AppError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get("n")?)
}

/// Every account, with the cases each is linked to, ordered by role then name.
pub async fn list(db: &Db) -> Result<Vec<AccountSummary>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, c.reference \
         FROM users u \
         LEFT JOIN case_members m ON m.user_id = u.id \
         LEFT JOIN cases c ON c.id = m.case_id \
         ORDER BY u.role, u.display_name, u.id, c.reference",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut accounts: Vec<AccountSummary> = Vec::new();
    for row in &rows {
        let user = user_from_row(row)?;
        let reference: Option<String> = row.try_get("reference")?;
        match accounts.last_mut() {
            Some(last) if last.id == user.id => last.cases.extend(reference),
            _ => accounts.push(AccountSummary {
                id: user.id,
                username: user.username,
                display_name: user.display_name,
                role: user.role,
                cases: reference.into_iter().collect(),
            }),
        }
    }
    Ok(accounts)
}
