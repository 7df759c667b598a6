//! What stands for a signature: the signer's password, or the signing PIN
//! they set (`domain::pin`), typed on the server's page or proved by a
//! phone that signed offline. Five wrong PINs in a row clear the PIN.
//!
//! Every re-check of a password or PIN typed here is counted first
//! (`domain::throttle::recheck`), and a temporary password set by a
//! coordinator signs nothing: the person must choose their own first.

use rand::RngCore;
use sqlx::Row;

use super::audit::Step;
use super::{Db, accounts, throttle};
use crate::domain::pin::{self, MAX_FAILURES};
use crate::error::AppError;
use crate::model::CurrentUser;

/// How a signature was confirmed, as stored beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Password,
    Pin,
    /// With the PIN on a phone without signal, synced later.
    PinOnPhone,
}

impl Confirmed {
    pub fn as_str(self) -> &'static str {
        match self {
            Confirmed::Password => "password",
            Confirmed::Pin => "pin",
            Confirmed::PinOnPhone => "pin on the phone",
        }
    }
}

/// Sets (or replaces) the user's signing PIN, after their password.
pub async fn set_pin(
    db: &Db,
    user: &CurrentUser,
    password: &str,
    new_pin: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    pin::check_new_pin(new_pin).map_err(|message| AppError::invalid("pin", message))?;
    refuse_temporary(db, user).await?;
    recheck_password(db, user, password, now_ms)
        .await
        .map_err(|error| match error {
            AppError::Invalid { .. } => AppError::invalid(
                "password",
                "That password is not right. Setting a PIN needs your own password.",
            ),
            other => other,
        })?;
    let mut salt_bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt_bytes);
    let salt: String = salt_bytes.iter().map(|b| format!("{b:02x}")).collect();
    let typed = new_pin.to_owned();
    let salt_for_hash = salt.clone();
    let check = tokio::task::spawn_blocking(move || pin::pin_check(&salt_for_hash, &typed)).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET pin_salt = $1, pin_check = $2, pin_failures = 0 WHERE id = $3")
        .bind(salt)
        .bind(check)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    Step::on_account(db, user.id, user.id, now_ms)
        .audit(&mut tx, "set signing pin", "")
        .await?;
    super::audit::commit(db, tx).await
}

/// The salt of the user's PIN, if they have one: the phone needs it to
/// sign offline.
pub async fn pin_salt(db: &Db, user_id: i64) -> Result<Option<String>, AppError> {
    Ok(stored_pin(db, user_id).await?.map(|(salt, _)| salt))
}

async fn stored_pin(db: &Db, user_id: i64) -> Result<Option<(String, String)>, AppError> {
    let row = sqlx::query("SELECT pin_salt, pin_check FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    let salt: Option<String> = row.try_get("pin_salt")?;
    let check: Option<String> = row.try_get("pin_check")?;
    Ok(salt.zip(check))
}

/// Checks the signed-in person's own password, counted against their
/// re-check limit first. A wrong one is `Invalid` on the field "password".
pub async fn recheck_password(
    db: &Db,
    user: &CurrentUser,
    typed: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let attempt = throttle::attempt(db, crate::domain::throttle::recheck(user.id), now_ms).await?;
    let stored = accounts::find_with_password(db, &user.username)
        .await?
        .filter(|account| account.user.id == user.id)
        .map(|account| account.hash);
    if accounts::verify_password(typed.to_owned(), stored).await? {
        attempt.succeeded(db).await
    } else {
        attempt.failed();
        Err(AppError::invalid("password", "That password is not right."))
    }
}

/// A password someone else set signs nothing.
async fn refuse_temporary(db: &Db, user: &CurrentUser) -> Result<(), AppError> {
    let row = sqlx::query("SELECT must_change_password FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&db.pool)
        .await?;
    if row.try_get::<i32, _>("must_change_password")? != 0 {
        return Err(AppError::PasswordChangeNeeded);
    }
    Ok(())
}

/// Notes a PIN outcome: a success resets the count, a failure adds one and
/// clears the PIN at the limit. Returns the message for a failure.
async fn note_pin(
    db: &Db,
    user_id: i64,
    good: bool,
    now_ms: i64,
) -> Result<Option<String>, AppError> {
    if good {
        sqlx::query("UPDATE users SET pin_failures = 0 WHERE id = $1")
            .bind(user_id)
            .execute(&db.pool)
            .await?;
        return Ok(None);
    }
    let row = sqlx::query(
        "UPDATE users SET pin_failures = pin_failures + 1 WHERE id = $1 RETURNING pin_failures",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    let failures: i32 = row.try_get("pin_failures")?;
    if failures >= MAX_FAILURES {
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "UPDATE users SET pin_salt = NULL, pin_check = NULL, pin_failures = 0 WHERE id = $1",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Step::on_account(db, user_id, user_id, now_ms)
            .audit(
                &mut tx,
                "signing pin cleared",
                &format!("{MAX_FAILURES} wrong in a row"),
            )
            .await?;
        super::audit::commit(db, tx).await?;
        return Ok(Some(format!(
            "That PIN was wrong {MAX_FAILURES} times in a row, so it no longer works. Sign with your password, and set a new PIN on your sessions page."
        )));
    }
    Ok(Some(format!(
        "That PIN is not right ({} tries left before it stops working).",
        MAX_FAILURES - failures
    )))
}

/// Checks what the signer typed: their PIN when it is shaped like one and
/// they have set one (a password is never six digits: passwords have at
/// least ten characters), else their password.
pub async fn confirm(
    db: &Db,
    user: &CurrentUser,
    typed: &str,
    now_ms: i64,
) -> Result<Confirmed, AppError> {
    refuse_temporary(db, user).await?;
    if pin::looks_like_pin(typed)
        && let Some((salt, check)) = stored_pin(db, user.id).await?
    {
        let attempt =
            throttle::attempt(db, crate::domain::throttle::recheck(user.id), now_ms).await?;
        let typed_pin = typed.to_owned();
        let computed =
            tokio::task::spawn_blocking(move || pin::pin_check(&salt, &typed_pin)).await?;
        return match note_pin(db, user.id, pin::same(&computed, &check), now_ms).await? {
            None => {
                attempt.succeeded(db).await?;
                Ok(Confirmed::Pin)
            }
            Some(message) => {
                attempt.failed();
                Err(AppError::invalid("password", message))
            }
        };
    }
    match recheck_password(db, user, typed, now_ms).await {
        Ok(()) => Ok(Confirmed::Password),
        Err(AppError::Invalid { .. }) => Err(AppError::invalid(
            "password",
            "That is not your password or PIN. Signing needs your own.",
        )),
        Err(other) => Err(other),
    }
}

/// Checks the proofs an offline signature carries: that the PIN typed was
/// right (`pin::signing_proof`; a wrong one counts towards the limit), and
/// that the words it carries are the ones signed (`pin::text_proof`
/// against `digest`; words changed on the phone after signing are refused,
/// without counting against the PIN). A wrong PIN also leaves a mark on the
/// person's re-check counter, as a wrong password would; the proof itself
/// is never refused for that counter (it was made offline, and the PIN is
/// cleared after five wrong ones anyway).
pub async fn confirm_proof(
    db: &Db,
    user: &CurrentUser,
    (item_id, booking_id): (&str, i64),
    (proof, text_proof): (&str, &str),
    digest: &str,
    now_ms: i64,
) -> Result<Confirmed, AppError> {
    refuse_temporary(db, user).await?;
    let Some((_, check)) = stored_pin(db, user.id).await? else {
        return Err(AppError::invalid(
            "pin",
            "Your PIN was cleared or changed since this phone fetched your sessions, so this signature could not be checked. Sign again.",
        ));
    };
    let good = pin::same(&pin::signing_proof(&check, item_id, booking_id), proof);
    if !good {
        throttle::note_failure(db, crate::domain::throttle::recheck(user.id), now_ms).await?;
    }
    if let Some(message) = note_pin(db, user.id, good, now_ms).await? {
        return Err(AppError::invalid(
            "pin",
            format!("The PIN typed when signing on the phone was not right. {message} Sign again."),
        ));
    }
    if !pin::same(
        &pin::text_proof(&check, item_id, booking_id, digest),
        text_proof,
    ) {
        return Err(AppError::invalid(
            "pin",
            "The words of this signature were changed on the phone after it was signed, so it was not used. Read the text again and sign it.",
        ));
    }
    Ok(Confirmed::PinOnPhone)
}
