//! The types that cross the wire between server functions and the browser.
//! Deriving `Serialize` makes a type a contract: keep these few and named.

use serde::{Deserialize, Serialize};

use crate::domain::role::{CaseRelation, Role};

/// The person signed in on this browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// One account as the coordinator sees it in the account list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Case references this account is linked to (parents and referrers).
    pub cases: Vec<String>,
}

/// A case as its parent or referrer sees it: no other person's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub reference: String,
    pub relation: CaseRelation,
    pub children: Vec<ChildSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSummary {
    pub first_name: String,
    /// Age in whole years on the day asked.
    pub age_years: u32,
}
