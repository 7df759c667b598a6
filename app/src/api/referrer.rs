//! A referrer's own functions: sending a referral online and following its
//! status. (Their released records and reports are in `api::records`.)

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{NewReferral, ReferralStatus};

/// Sends a referral; returns the case reference the centre gave it.
#[server(endpoint = "submit_referral", input = Json)]
pub async fn submit_referral(referral: NewReferral) -> Result<String, AppError> {
    use crate::server::{now_ms, referrals, require, state, throttle};
    let user = require("submit_referral").await?;
    let db = &state()?.db;
    let now = now_ms();
    let attempt = throttle::attempt(db, crate::domain::throttle::referral(user.id), now).await?;
    match referrals::submit_by_referrer(db, &referral, &user, now).await {
        Ok(reference) => {
            attempt.counted();
            Ok(reference)
        }
        Err(refusal) => {
            // A referral refused for its content is not one made.
            attempt.withdraw(db).await?;
            Err(refusal)
        }
    }
}

/// The caller's referrals with their status, newest first.
#[server(endpoint = "my_referrals")]
pub async fn my_referrals() -> Result<Vec<ReferralStatus>, AppError> {
    use crate::server::{referrals, require, state};
    let user = require("my_referrals").await?;
    referrals::of_referrer(&state()?.db, &user).await
}
