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
    use crate::server::{accounts, auth, now_ms, state, throttle};
    let state = state()?;
    if username.trim().is_empty() {
        return Err(AppError::invalid("username", "Enter your username."));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    if username.chars().count() > 100 || password.chars().count() > 1000 {
        return Err(AppError::SignInFailed);
    }
    let username = username.trim().to_lowercase();
    let now = now_ms();
    let counters = crate::domain::throttle::sign_in(&username, &auth::client_address());
    let attempt = throttle::attempt(&state.db, counters, now).await?;

    let found = accounts::find_with_password(&state.db, &username).await?;
    let (user, stored) = match found {
        Some(account) if !account.disabled => (Some(account.user), Some(account.hash)),
        Some(account) => (None, Some(account.hash)),
        None => (None, None),
    };
    let matches = accounts::verify_password(password, stored).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            attempt.failed();
            return Err(AppError::SignInFailed);
        }
    };
    attempt.succeeded(&state.db).await?;

    if let Some(old_token) = auth::token_from_request() {
        auth::end_session(&state.db, &old_token).await?;
    }
    let token = auth::start_session(&state.db, user.id, now).await?;
    auth::set_session_cookie(&token, state.secure_cookies);
    leptos_axum::redirect(if user.must_change_password {
        crate::domain::role::CHANGE_PASSWORD_PATH
    } else {
        user.role.home_path()
    });
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
    use crate::server::{accounts, require, state};
    require("list_accounts").await?;
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
    #[server(default)] email: String,
) -> Result<(), AppError> {
    use crate::domain::message::MessageBy;
    use crate::domain::role::{CaseRelation, Role};
    use crate::domain::validate;
    use crate::server::{accounts, cases, now_ms, require, state};
    let coordinator = require("create_account").await?;
    let db = state()?.db;

    let email = validate::email(&email)?;
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
    let by = accounts::PasswordBy::Coordinator(coordinator.id);
    let user_id = accounts::create(&db, &username, &display_name, role, hash, by, now_ms()).await?;
    if !email.is_empty() {
        accounts::set_contact(
            &db,
            user_id,
            coordinator.id,
            &email,
            "",
            MessageBy::Email,
            now_ms(),
        )
        .await?;
    }
    if let Some((case_id, relation)) = link {
        cases::link(&db, case_id, user_id, relation, coordinator.id, now_ms()).await?;
    }
    Ok(())
}

/// How the centre reaches the signed-in member of staff or referrer; `None`
/// for a parent, whose details are held on their case.
#[server(endpoint = "my_contact")]
pub async fn my_contact() -> Result<Option<crate::model::MyContact>, AppError> {
    use crate::domain::role::Role;
    use crate::server::{accounts, require, state};
    let user = require("my_contact").await?;
    if user.role == Role::Parent {
        return Ok(None);
    }
    accounts::contact(&state()?.db, user.id).await.map(Some)
}

/// The signed-in member of staff or referrer sets their email address,
/// mobile number and how they want to hear (`email`, `sms` or `none`).
#[server(endpoint = "set_my_contact")]
pub async fn set_my_contact(email: String, phone: String, choice: String) -> Result<(), AppError> {
    use crate::domain::message::MessageBy;
    use crate::domain::validate;
    use crate::server::{accounts, now_ms, require, state};
    let user = require("set_my_contact").await?;
    let email = validate::email(&email)?;
    let phone = validate::phone(&phone)?;
    let by = MessageBy::parse(choice.trim()).ok_or_else(|| {
        AppError::invalid(
            "choice",
            "Choose email, text message, or only what must be sent.",
        )
    })?;
    match by {
        MessageBy::Email if email.is_empty() => {
            return Err(AppError::invalid(
                "email",
                "Give an email address to hear by email.",
            ));
        }
        MessageBy::Sms if phone.is_empty() => {
            return Err(AppError::invalid(
                "phone",
                "Give a mobile number to hear by text message.",
            ));
        }
        _ => {}
    }
    accounts::set_contact(&state()?.db, user.id, user.id, &email, &phone, by, now_ms()).await
}

/// Sets a temporary password for an account and signs it out everywhere:
/// the person must choose their own at the next sign-in, and their signing
/// PIN is cleared. Coordinators only; audited.
#[server(endpoint = "reset_password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    use crate::domain::validate;
    use crate::server::{accounts, now_ms, require, state};
    let coordinator = require("reset_password").await?;
    let password = validate::new_password(&password)?;
    if user_id == coordinator.id {
        return Err(AppError::invalid(
            "user_id",
            "Change your own password on your account page, with your current one.",
        ));
    }
    let hash = accounts::hash_password(password).await?;
    let by = accounts::PasswordBy::Coordinator(coordinator.id);
    accounts::set_password(&state()?.db, user_id, hash, by, now_ms()).await
}

/// Who last set the signed-in person's password, and when.
#[server(endpoint = "my_password_history")]
pub async fn my_password_history() -> Result<crate::model::PasswordHistory, AppError> {
    use crate::server::{accounts, require, state};
    let user = require("my_password_history").await?;
    accounts::password_history(&state()?.db, user.id).await
}

/// Changes the signed-in person's own password, after their current one
/// (also when the current one is a temporary one set by a coordinator).
/// Signs them out everywhere else and starts a fresh session here.
#[server(endpoint = "change_my_password")]
pub async fn change_my_password(current: String, new_password: String) -> Result<(), AppError> {
    use crate::domain::validate;
    use crate::server::{accounts, auth, now_ms, require, signing, state};
    let user = require("change_my_password").await?;
    let state = state()?;
    let new_password = validate::new_password(&new_password).map_err(|error| match error {
        AppError::Invalid { message, .. } => AppError::invalid("new_password", message),
        other => other,
    })?;
    if new_password == current {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    let now = now_ms();
    signing::recheck_password(&state.db, &user, &current, now)
        .await
        .map_err(|error| match error {
            AppError::Invalid { .. } => {
                AppError::invalid("current", "That is not your current password.")
            }
            other => other,
        })?;
    let hash = accounts::hash_password(new_password).await?;
    accounts::set_password(&state.db, user.id, hash, accounts::PasswordBy::Owner, now).await?;
    let token = auth::start_session(&state.db, user.id, now).await?;
    auth::set_session_cookie(&token, state.secure_cookies);
    Ok(())
}

/// Disables a staff member's or anyone's account (signed out everywhere,
/// cannot sign in; their records and history stay), or enables it again.
/// Coordinators only, never their own; audited.
#[server(endpoint = "set_account_disabled")]
pub async fn set_account_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::server::{accounts, now_ms, require, state};
    let coordinator = require("set_account_disabled").await?;
    accounts::set_disabled(&state()?.db, user_id, disabled, &coordinator, now_ms()).await
}

/// Marks a contact worker as senior, so they may co-sign records and final
/// reports (never their own), or no longer senior. Coordinators only; audited.
#[server(endpoint = "set_account_senior")]
pub async fn set_account_senior(user_id: i64, senior: bool) -> Result<(), AppError> {
    use crate::server::{accounts, now_ms, require, state};
    let coordinator = require("set_account_senior").await?;
    accounts::set_senior(&state()?.db, user_id, senior, &coordinator, now_ms()).await
}

/// The cases the calling parent or referrer is linked to.
#[server(endpoint = "my_cases")]
pub async fn my_cases() -> Result<Vec<CaseSummary>, AppError> {
    use crate::server::{cases, now_ms, require, state};
    let user = require("my_cases").await?;
    cases::for_member(&state()?.db, user.id, now_ms()).await
}

/// What the privacy notice prints: the centre's name, its retention
/// schedule and the records of processing made from it. Public: the notice
/// is linked from the sign-in page.
#[server(endpoint = "privacy_facts")]
pub async fn privacy_facts() -> Result<crate::model::PrivacyFacts, AppError> {
    use crate::domain::retention::processing_records;
    use crate::server::{settings, state};
    let state = state()?;
    let retention = settings::retention(&state.db).await?;
    Ok(crate::model::PrivacyFacts {
        centre: state.centre.clone(),
        processing: processing_records(&retention),
        retention,
    })
}
