//! Who may call each server function, and which objects it may touch: one
//! table, read by `server::require` in every server function, by the guard
//! in front of them (which answers before the request is even decoded), and
//! by the table-driven test (`server/tests/access_table.rs`), which calls
//! every function as every kind of caller and fails for a function with no
//! row.
//!
//! The object check itself is made in the function (it needs the
//! database); `Scope` says which one it is, so the test knows what another
//! family's or another session's id must get: "not found" (404), never a
//! hint that it exists.

use crate::domain::role::Role;
use crate::error::AppError;

/// Who may call a function at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Anyone, signed in or not (signing in, asking who is signed in).
    Anyone,
    /// Anyone signed in, even with a temporary password still to change.
    SignedIn,
    /// Signed in with one of these roles, and a password of their own.
    Roles(&'static [Role]),
    /// Those who may co-sign records and reports: a coordinator, or a
    /// contact worker the coordinator marked as senior ("a senior member of
    /// staff or the coordinator"). Whose own record it is, the function
    /// itself checks.
    Cosigners,
}

/// What a function acts on, and the check that keeps a caller to their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Takes no id and acts on nothing stored (signing in).
    Nothing,
    /// The caller's own things only: it takes no id of anyone else's.
    Own,
    /// Anything in the centre: the coordinator runs the centre. An id that
    /// does not exist is "not found".
    Centre,
    /// A booking of a case the parent is linked to, on their side: another
    /// family's booking, or the other parent's pre-visit, is "not found".
    ParentsBooking,
    /// A session the worker is booked on (a coordinator: any): another
    /// session is "not found", or for synced entries refused with the same
    /// words whether it exists or not.
    BookedSession,
    /// A session record: a worker booked on it, a coordinator, or a referrer
    /// of its case once it is released. Anyone else: "not found".
    Record,
    /// A final report: a coordinator, or a referrer of its case once it is
    /// released. Anyone else: "not found".
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub endpoint: &'static str,
    pub who: Who,
    pub scope: Scope,
}

const fn rule(endpoint: &'static str, who: Who, scope: Scope) -> Rule {
    Rule {
        endpoint,
        who,
        scope,
    }
}

/// Every server function, by its endpoint (`/api/<endpoint>`).
pub const RULES: &[Rule] = &[
    rule("current_user", Who::Anyone, Scope::Own),
    rule("sign_in", Who::Anyone, Scope::Nothing),
    rule("privacy_facts", Who::Anyone, Scope::Nothing),
    rule(
        "close_case",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "set_legal_hold",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "lift_legal_hold",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "save_retention",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule("sign_out", Who::Anyone, Scope::Own),
    rule(
        "list_accounts",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "create_account",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "reset_password",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule("change_my_password", Who::SignedIn, Scope::Own),
    rule("my_password_history", Who::SignedIn, Scope::Own),
    rule("my_contact", Who::SignedIn, Scope::Own),
    rule(
        "set_my_contact",
        Who::Roles(&[Role::Coordinator, Role::Worker, Role::Referrer]),
        Scope::Own,
    ),
    rule(
        "set_account_disabled",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "set_account_senior",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "my_cases",
        Who::Roles(&[Role::Parent, Role::Referrer]),
        Scope::Own,
    ),
    rule(
        "record_referral",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "decide_referral",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "create_plan",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "record_agreement",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "book_series",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "record_payment",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "cancel_booking",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "record_attendance",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "parent_statement",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "list_cases",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "case_detail",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "booking_choices",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "week_bookings",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "record_risk_assessment",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "risk_assessments",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "centre_settings",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "save_prices",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "set_funded_sessions",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "record_authority_payment",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "record_review_outcome",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "move_booking",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "save_payment_terms",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "arrears_list",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "save_stagger",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "save_hours",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "add_closed_day",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "remove_closed_day",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule("add_room", Who::Roles(&[Role::Coordinator]), Scope::Centre),
    rule(
        "log_indirect_item",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "indirect_item_step",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "indirect_items",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "case_reads",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "my_family_accounts",
        Who::Roles(&[Role::Parent]),
        Scope::Own,
    ),
    rule(
        "preview_cancellation",
        Who::Roles(&[Role::Parent]),
        Scope::ParentsBooking,
    ),
    rule(
        "set_my_message_choice",
        Who::Roles(&[Role::Parent]),
        Scope::Own,
    ),
    rule(
        "cancel_my_booking",
        Who::Roles(&[Role::Parent]),
        Scope::ParentsBooking,
    ),
    rule(
        "read_record",
        Who::Roles(&[Role::Worker, Role::Coordinator, Role::Referrer]),
        Scope::Record,
    ),
    rule(
        "my_unsigned_records",
        Who::Roles(&[Role::Worker]),
        Scope::Own,
    ),
    rule(
        "save_record_text",
        Who::Roles(&[Role::Worker]),
        Scope::BookedSession,
    ),
    rule(
        "sign_record",
        Who::Roles(&[Role::Worker]),
        Scope::BookedSession,
    ),
    rule(
        "ask_for_changes",
        Who::Roles(&[Role::Worker]),
        Scope::BookedSession,
    ),
    rule(
        "unsigned_drafts",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule("cosign_queue", Who::Cosigners, Scope::Centre),
    rule("cosign_record", Who::Cosigners, Scope::Centre),
    rule("return_record", Who::Cosigners, Scope::Centre),
    rule(
        "add_addendum",
        Who::Roles(&[Role::Worker, Role::Coordinator]),
        Scope::Record,
    ),
    rule(
        "my_released_records",
        Who::Roles(&[Role::Referrer]),
        Scope::Own,
    ),
    rule(
        "verify_audit_trail",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "write_final_report",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule(
        "case_reports",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
    rule("cosign_report", Who::Cosigners, Scope::Centre),
    rule("reports_to_cosign", Who::Cosigners, Scope::Centre),
    rule("verify_document", Who::Anyone, Scope::Nothing),
    rule(
        "my_released_reports",
        Who::Roles(&[Role::Referrer]),
        Scope::Own,
    ),
    rule(
        "read_final_report",
        Who::Roles(&[Role::Coordinator, Role::Referrer]),
        Scope::Report,
    ),
    rule(
        "set_signing_pin",
        Who::Roles(&[Role::Worker, Role::Coordinator]),
        Scope::Own,
    ),
    rule("submit_referral", Who::Roles(&[Role::Referrer]), Scope::Own),
    rule("my_referrals", Who::Roles(&[Role::Referrer]), Scope::Own),
    rule("my_sessions", Who::Roles(&[Role::Worker]), Scope::Own),
    rule("my_phone_key", Who::Roles(&[Role::Worker]), Scope::Own),
    rule(
        "sync_entries",
        Who::Roles(&[Role::Worker]),
        Scope::BookedSession,
    ),
    rule(
        "session_log",
        Who::Roles(&[Role::Worker, Role::Coordinator]),
        Scope::BookedSession,
    ),
    rule(
        "recent_concerns",
        Who::Roles(&[Role::Coordinator]),
        Scope::Centre,
    ),
];

/// The row of a server function, if it has one.
pub fn rule_for(endpoint: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.endpoint == endpoint)
}

/// Who is calling, as far as the table cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub role: Role,
    /// Still on a temporary password someone else set.
    pub must_change_password: bool,
    /// A worker marked senior.
    pub senior: bool,
}

impl Caller {
    /// A coordinator, or a worker marked senior.
    pub fn may_cosign(&self) -> bool {
        match self.role {
            Role::Coordinator => true,
            Role::Worker => self.senior,
            Role::Parent | Role::Referrer => false,
        }
    }
}

/// Whether this caller may call the function at all: 401 for nobody signed
/// in, 403 for a temporary password (with its own message) or the wrong role.
pub fn admit(rule: &Rule, caller: Option<Caller>) -> Result<(), AppError> {
    let caller = match (rule.who, caller) {
        (Who::Anyone, _) => return Ok(()),
        (_, None) => return Err(AppError::NotSignedIn),
        (Who::SignedIn, Some(_)) => return Ok(()),
        (Who::Roles(_) | Who::Cosigners, Some(caller)) => caller,
    };
    if caller.must_change_password {
        return Err(AppError::PasswordChangeNeeded);
    }
    match rule.who {
        Who::Roles(roles) if roles.contains(&caller.role) => Ok(()),
        Who::Cosigners if caller.may_cosign() => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Option<Caller> {
        Some(Caller {
            role,
            must_change_password: false,
            senior: false,
        })
    }

    #[test]
    fn each_endpoint_has_one_row() {
        for (at, rule) in RULES.iter().enumerate() {
            assert_eq!(
                RULES.iter().position(|r| r.endpoint == rule.endpoint),
                Some(at),
                "{} twice",
                rule.endpoint
            );
        }
    }

    #[test]
    fn nobody_signed_in_gets_401_and_the_wrong_role_403() {
        let rule = rule_for("list_accounts").unwrap();
        assert_eq!(admit(rule, None), Err(AppError::NotSignedIn));
        assert_eq!(admit(rule, caller(Role::Worker)), Err(AppError::Forbidden));
        assert_eq!(admit(rule, caller(Role::Coordinator)), Ok(()));
    }

    #[test]
    fn a_coordinator_or_a_senior_worker_co_signs_and_nobody_else() {
        let rule = rule_for("cosign_record").unwrap();
        let senior = Some(Caller {
            role: Role::Worker,
            must_change_password: false,
            senior: true,
        });
        assert_eq!(admit(rule, caller(Role::Coordinator)), Ok(()));
        assert_eq!(admit(rule, senior), Ok(()));
        assert_eq!(admit(rule, caller(Role::Worker)), Err(AppError::Forbidden));
        assert_eq!(
            admit(rule, caller(Role::Referrer)),
            Err(AppError::Forbidden)
        );
        // "Senior" means nothing on a parent's account, should one carry it.
        let parent = Some(Caller {
            role: Role::Parent,
            must_change_password: false,
            senior: true,
        });
        assert_eq!(admit(rule, parent), Err(AppError::Forbidden));
        // Marking someone senior stays the coordinator's alone.
        assert_eq!(
            admit(rule_for("set_account_senior").unwrap(), senior),
            Err(AppError::Forbidden)
        );
    }

    #[test]
    fn a_temporary_password_opens_only_the_password_change() {
        let temporary = Some(Caller {
            role: Role::Coordinator,
            must_change_password: true,
            senior: false,
        });
        assert_eq!(
            admit(rule_for("list_accounts").unwrap(), temporary),
            Err(AppError::PasswordChangeNeeded)
        );
        assert_eq!(
            admit(rule_for("change_my_password").unwrap(), temporary),
            Ok(())
        );
        assert_eq!(
            admit(rule_for("change_my_password").unwrap(), None),
            Err(AppError::NotSignedIn)
        );
    }

    #[test]
    fn only_signing_in_and_asking_who_is_signed_in_are_open_to_anyone() {
        let open: Vec<&str> = RULES
            .iter()
            .filter(|rule| rule.who == Who::Anyone)
            .map(|rule| rule.endpoint)
            .collect();
        // Checking a document's verification code is public by design: it
        // answers with the kind, the release date and the fingerprint only.
        // The privacy notice's facts are the centre's name and its
        // retention schedule: nothing about anyone.
        assert_eq!(
            open,
            [
                "current_user",
                "sign_in",
                "privacy_facts",
                "sign_out",
                "verify_document"
            ]
        );
    }
}
