//! A referrer's own functions: sending a referral online and following its
//! status. (Their released records and reports are in `api::records`.)

use leptos::prelude::*;
use server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{NewReferral, ReferralStatus};

/// Sends a referral; returns the case reference the centre gave it.
#[server(endpoint = "submit_referral", input = Json)]
pub async fn submit_referral(referral: NewReferral) -> Result<String, AppError> {
    use crate::server::{now_ms, referrals, require, state};
    let user = require("submit_referral").await?;
    referrals::submit_by_referrer(&state()?.db, &referral, &user, now_ms()).await
}

/// The caller's referrals with their status, newest first.
#[server(endpoint = "my_referrals")]
pub async fn my_referrals() -> Result<Vec<ReferralStatus>, AppError> {
    use crate::server::{referrals, require, state};
    let user = require("my_referrals").await?;
    referrals::of_referrer(&state()?.db, &user).await
}
