//! Who referred a family, under which law, and the self-referral rule.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralSource {
    Solicitor,
    SocialWorker,
    Mediator,
    Cafcass,
    CourtOrder,
    /// The parents themselves: both must consent.
    SelfReferral,
}

impl ReferralSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralSource::Solicitor => "solicitor",
            ReferralSource::SocialWorker => "social_worker",
            ReferralSource::Mediator => "mediator",
            ReferralSource::Cafcass => "cafcass",
            ReferralSource::CourtOrder => "court_order",
            ReferralSource::SelfReferral => "self",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Law {
    /// Separation of the parents.
    Private,
    /// Child protection, with the local authority.
    Public,
}

impl Law {
    pub fn as_str(self) -> &'static str {
        match self {
            Law::Private => "private",
            Law::Public => "public",
        }
    }
}

/// A self-referral needs both parents' consent; other referrals do not.
pub fn check_consent(
    source: ReferralSource,
    resident_consent_on: Option<&str>,
    visiting_consent_on: Option<&str>,
) -> Result<(), AppError> {
    if source != ReferralSource::SelfReferral {
        return Ok(());
    }
    let given = |date: Option<&str>| date.is_some_and(|d| !d.trim().is_empty());
    if !given(resident_consent_on) {
        return Err(AppError::invalid(
            "resident_consent_on",
            "A self-referral needs the resident parent's consent: enter the date they signed.",
        ));
    }
    if !given(visiting_consent_on) {
        return Err(AppError::invalid(
            "visiting_consent_on",
            "A self-referral needs the visiting parent's consent: enter the date they signed.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_referral_needs_both_parents_consent() {
        let source = ReferralSource::SelfReferral;
        assert_eq!(
            check_consent(source, None, Some("2026-11-01"))
                .unwrap_err()
                .field(),
            Some("resident_consent_on")
        );
        assert_eq!(
            check_consent(source, Some("2026-11-01"), Some(" "))
                .unwrap_err()
                .field(),
            Some("visiting_consent_on")
        );
        assert!(check_consent(source, Some("2026-11-01"), Some("2026-11-02")).is_ok());
    }

    #[test]
    fn a_professional_referral_needs_no_consent_dates() {
        assert!(check_consent(ReferralSource::Cafcass, None, None).is_ok());
    }
}

/// Caps on a referral's parts: enough for any real family, and no one
/// request can make thousands of rows or megabytes of text.
pub mod caps {
    pub const REFERENCE: usize = 20;
    /// Court orders and pending proceedings, as free text.
    pub const PROCEEDINGS: usize = 4_000;
    pub const CHILDREN: usize = 12;
    pub const REASONS: usize = 40;
    pub const NAME: usize = 80;
    pub const PHONE: usize = 30;
    pub const EMAIL: usize = 254;
    pub const ADDRESS: usize = 400;
}
