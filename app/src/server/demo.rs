//! The demo centre, seeded on first start in demo mode only. Production starts
//! have no default accounts.

use super::Db;
use super::accounts;
use super::cases;
use crate::domain::role::{CaseRelation, Role};
use crate::error::AppError;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "contact-demo";

/// The demo accounts: username, name, role.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 6] = [
    ("coordinator", "Morgan Ellis", Role::Coordinator),
    ("worker1", "Priya Shah", Role::Worker),
    ("worker2", "Tom Barker", Role::Worker),
    ("resident", "Jade Collins", Role::Parent),
    ("visiting", "Ryan Collins", Role::Parent),
    ("referrer", "Helen Ward (Cafcass)", Role::Referrer),
];

/// The demo family's case reference.
pub const DEMO_CASE: &str = "FAM-0001";

/// Seeds the demo centre when the database has no accounts yet. Returns
/// whether it seeded anything.
pub async fn seed_if_empty(db: &Db, now_ms: i64) -> Result<bool, AppError> {
    if accounts::count(db).await? > 0 {
        return Ok(false);
    }
    let mut ids = Vec::new();
    for (username, name, role) in DEMO_ACCOUNTS {
        let hash = accounts::hash_password(DEMO_PASSWORD.to_owned()).await?;
        ids.push(accounts::create(db, username, name, role, hash, now_ms).await?);
    }
    let case_id = cases::create(db, DEMO_CASE, now_ms).await?;
    cases::add_child(db, case_id, "Lily", "Collins", "2018-05-14").await?;
    cases::add_child(db, case_id, "Noah", "Collins", "2021-09-02").await?;
    cases::link(db, case_id, ids[3], CaseRelation::ResidentParent).await?;
    cases::link(db, case_id, ids[4], CaseRelation::VisitingParent).await?;
    cases::link(db, case_id, ids[5], CaseRelation::Referrer).await?;
    Ok(true)
}
