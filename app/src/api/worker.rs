//! What a contact worker reads: the sessions they supervise, with times,
//! room and co-worker, and never a family's addresses or phone numbers.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::StaffBooking;

/// The signed-in worker's sessions that have not yet ended, soonest first.
#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<StaffBooking>, AppError> {
    use crate::domain::role::Role;
    use crate::server::{casebook, now_ms, require, state};
    let user = require(&[Role::Worker]).await?;
    casebook::for_worker(&state()?.db, user.id, now_ms()).await
}
