//! Sign-in sessions. The browser holds a random token in an HttpOnly cookie;
//! the database holds only its SHA-256, the user and an expiry.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Db, SecureCookies};
use crate::error::AppError;
use crate::model::CurrentUser;

pub const COOKIE_NAME: &str = "ccc_session";
/// A session lasts one working day at most; then the person signs in again.
pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;

pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for the user and returns the token for the cookie.
pub async fn start_session(db: &Db, user_id: i64, now_ms: i64) -> Result<String, AppError> {
    let token = random_hex(32);
    sqlx::query("DELETE FROM auth_sessions WHERE expires_at <= $1")
        .bind(now_ms)
        .execute(&db.pool)
        .await?;
    sqlx::query(
        "INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at, last_seen_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now_ms)
    .bind(now_ms + SESSION_LIFETIME_MS)
    .bind(now_ms)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

pub async fn end_session(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM auth_sessions WHERE token_hash = $1")
        .bind(hash_token(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// How often a session's last use is written down: not on every request.
const LAST_SEEN_STEP_MS: i64 = 60_000;

/// The person a session token belongs to, if the session is live: not past
/// its working day, not idle too long (for the roles that end when idle;
/// a worker's phone keeps its sign-in through the day), and the account
/// not disabled. An ended session is removed.
pub async fn user_for_token(
    db: &Db,
    token: &str,
    now_ms: i64,
    idle_ms: i64,
) -> Result<Option<CurrentUser>, AppError> {
    let token_hash = hash_token(token);
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.must_change_password, u.senior, s.last_seen_ms \
         FROM auth_sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_ms IS NULL",
    )
    .bind(token_hash.clone())
    .bind(now_ms)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = super::accounts::user_from_row(&row)?;
    let last_seen: i64 = row.try_get("last_seen_ms")?;
    if user.role.ends_when_idle() && now_ms - last_seen > idle_ms {
        end_session(db, token).await?;
        return Ok(None);
    }
    if now_ms - last_seen > LAST_SEEN_STEP_MS {
        sqlx::query("UPDATE auth_sessions SET last_seen_ms = $1 WHERE token_hash = $2")
            .bind(now_ms)
            .bind(token_hash)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(user))
}

/// The caller as the access guard found them for this request (kept in the
/// request's extensions, which only the server sets), so a server function
/// does not look the session up a second time.
#[derive(Clone, Debug)]
pub struct CheckedCaller(pub Option<CurrentUser>);

/// The caller the access guard found for this request, if it looked.
pub fn checked_caller() -> Option<Option<CurrentUser>> {
    use_context::<Parts>()?
        .extensions
        .get::<CheckedCaller>()
        .map(|checked| checked.0.clone())
}

/// The session token from the request's cookies, if any.
pub fn token_from_request() -> Option<String> {
    token_from_headers(&use_context::<Parts>()?.headers)
}

/// The session token from these request headers' cookies, if any.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// The address a request came from, for counting failed sign-ins.
pub fn client_address() -> String {
    use_context::<Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn request_is_https() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts.uri.scheme_str() == Some("https")
            || parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https"))
    })
}

fn cookie_attributes(policy: SecureCookies) -> &'static str {
    let secure = match policy {
        SecureCookies::Always => true,
        SecureCookies::Never => false,
        SecureCookies::Auto => request_is_https(),
    };
    if secure {
        "; Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "; Path=/; HttpOnly; SameSite=Lax"
    }
}

/// Puts the session cookie on the response.
pub fn set_session_cookie(token: &str, policy: SecureCookies) {
    let max_age = SESSION_LIFETIME_MS / 1000;
    let value = format!(
        "{COOKIE_NAME}={token}; Max-Age={max_age}{}",
        cookie_attributes(policy)
    );
    set_cookie_header(value);
}

/// Tells the browser to forget the session cookie.
pub fn clear_session_cookie(policy: SecureCookies) {
    set_cookie_header(format!(
        "{COOKIE_NAME}=; Max-Age=0{}",
        cookie_attributes(policy)
    ));
}

fn set_cookie_header(value: String) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        http::HeaderValue::from_str(&value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}
