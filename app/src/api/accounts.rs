//! Signing in and out, accounts, and the cases a parent or referrer is linked to.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AccountSummary, CaseSummary, CurrentUser};

/// Who is signed in on this browser, if anyone.
#[server(endpoint = "current_user")]
pub async fn fetch_current_user() -> Result<Option<CurrentUser>, AppError> {
    crate::server::caller().await
}

/// Checks the password, starts a new session (replacing any the browser
/// already had) and sends the person to their role's home page.
#[server(endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::server::{accounts, auth, now_ms, state};
    let state = state()?;
    if username.trim().is_empty() {
        return Err(AppError::invalid("username", "Enter your username."));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let username = username.trim().to_lowercase();
    let address = auth::client_address();
    let now = now_ms();
    state
        .sign_in_limiter()?
        .check(&username, &address, now)
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;

    let found = accounts::find_with_password(&state.db, &username).await?;
    let (user, stored) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = accounts::verify_password(password, stored).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            state
                .sign_in_limiter()?
                .record_failure(&username, &address, now);
            return Err(AppError::SignInFailed);
        }
    };
    state.sign_in_limiter()?.record_success(&username, &address);

    if let Some(old_token) = auth::token_from_request() {
        auth::end_session(&state.db, &old_token).await?;
    }
    let token = auth::start_session(&state.db, user.id, now).await?;
    auth::set_session_cookie(&token, state.secure_cookies);
    leptos_axum::redirect(user.role.home_path());
    Ok(user)
}

/// Ends the session on the server and clears the cookie.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{auth, state};
    let state = state()?;
    if let Some(token) = auth::token_from_request() {
        auth::end_session(&state.db, &token).await?;
    }
    auth::clear_session_cookie(state.secure_cookies);
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// Every account in the centre. Coordinators only.
#[server(endpoint = "list_accounts")]
pub async fn list_accounts() -> Result<Vec<AccountSummary>, AppError> {
    use crate::domain::role::Role;
    use crate::server::{accounts, require, state};
    require(&[Role::Coordinator]).await?;
    accounts::list(&state()?.db).await
}

/// Creates an account; a parent or referrer may be linked to a case at once.
/// Coordinators only.
#[server(endpoint = "create_account")]
pub async fn create_account(
    username: String,
    display_name: String,
    role: String,
    password: String,
    case_reference: Option<String>,
    relation: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::role::{CaseRelation, Role};
    use crate::domain::validate;
    use crate::server::{accounts, cases, now_ms, require, state};
    require(&[Role::Coordinator]).await?;
    let db = state()?.db;

    let username = validate::username(&username)?;
    let display_name = validate::display_name(&display_name)?;
    let role = Role::parse(role.trim())
        .ok_or_else(|| AppError::invalid("role", "Choose a role for the account."))?;
    let password = validate::new_password(&password)?;
    let case_reference = case_reference
        .map(|text| text.trim().to_uppercase())
        .filter(|text| !text.is_empty());
    let link = match (role.is_linked_to_cases(), case_reference) {
        (false, None) => None,
        (false, Some(_)) => {
            return Err(AppError::invalid(
                "case_reference",
                "Only parents and referrers are linked to a case.",
            ));
        }
        (true, None) => None,
        (true, Some(reference)) => {
            let case_id = cases::find_by_reference(&db, &reference)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("case_reference", format!("There is no case {reference}."))
                })?;
            let relation = match role {
                Role::Referrer => CaseRelation::Referrer,
                _ => relation
                    .as_deref()
                    .and_then(CaseRelation::parse)
                    .filter(|r| r.required_role() == Role::Parent)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "relation",
                            "Say whether this parent is the resident or the visiting parent.",
                        )
                    })?,
            };
            Some((case_id, relation))
        }
    };

    let hash = accounts::hash_password(password).await?;
    let user_id = accounts::create(&db, &username, &display_name, role, hash, now_ms()).await?;
    if let Some((case_id, relation)) = link {
        cases::link(&db, case_id, user_id, relation).await?;
    }
    Ok(())
}

/// Sets a new password for an account and signs it out everywhere.
/// Coordinators only.
#[server(endpoint = "reset_password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    use crate::domain::{role::Role, validate};
    use crate::server::{accounts, require, state};
    require(&[Role::Coordinator]).await?;
    let password = validate::new_password(&password)?;
    let hash = accounts::hash_password(password).await?;
    accounts::set_password(&state()?.db, user_id, hash).await
}

/// The cases the calling parent or referrer is linked to.
#[server(endpoint = "my_cases")]
pub async fn my_cases() -> Result<Vec<CaseSummary>, AppError> {
    use crate::domain::role::Role;
    use crate::server::{cases, now_ms, require, state};
    let user = require(&[Role::Parent, Role::Referrer]).await?;
    cases::for_member(&state()?.db, user.id, now_ms()).await
}
