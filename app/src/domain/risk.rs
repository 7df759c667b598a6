//! The NACCC risk guide (see DOMAIN.md): for each reason for referral, whether
//! supervised and supported contact can be offered, and on what condition.
//! Encoded as data; `suggest` reads it. The coordinator decides; the app only
//! suggests, with the table's conditions spelled out.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// The eleven reasons for referral in the guide, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskReason {
    ChildAbuseEvidence,
    AbuseAllegations,
    SexualAbuseAllegations,
    ActualAbduction,
    FearOfAbduction,
    SeriousMentalIllness,
    StableMentalIllnessHistory,
    CurrentSubstanceMisuse,
    PastSubstanceMisuse,
    ProvenDomesticAbuse,
    DomesticAbuseAllegationsPending,
}

/// Whether one kind of service can be offered for one reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Yes,
    /// Only on this condition.
    If(&'static str),
    /// Not to be offered; the text says why or until when.
    No(&'static str),
}

impl Offer {
    fn allowed(self) -> bool {
        !matches!(self, Offer::No(_))
    }
}

/// One row of the guide.
#[derive(Debug, Clone, Copy)]
pub struct GuideRow {
    pub reason: RiskReason,
    pub label: &'static str,
    pub supervised: Offer,
    pub supported: Offer,
    /// What changes when the referral is a self-referral, if anything.
    pub self_referral: Option<Offer>,
}

pub const GUIDE: [GuideRow; 11] = [
    GuideRow {
        reason: RiskReason::ChildAbuseEvidence,
        label: "Evidence or strong suspicion of child abuse",
        supervised: Offer::If("only exceptionally, with the local authority or Cafcass involved"),
        supported: Offer::No("not for evidence or strong suspicion of child abuse"),
        self_referral: Some(Offer::No("not on a self-referral")),
    },
    GuideRow {
        reason: RiskReason::AbuseAllegations,
        label: "Allegations of physical or emotional abuse, no clear evidence",
        supervised: Offer::If("with the local authority or Cafcass involved"),
        supported: Offer::If("possibly, after a risk assessment"),
        self_referral: Some(Offer::If("a self-referral is considered case by case")),
    },
    GuideRow {
        reason: RiskReason::SexualAbuseAllegations,
        label: "Allegations of sexual abuse",
        supervised: Offer::If("only with an agreed safety plan, or while investigations continue"),
        supported: Offer::No("not while allegations of sexual abuse are investigated"),
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::ActualAbduction,
        label: "Actual abduction",
        supervised: Offer::If("only with an agreed safety plan"),
        supported: Offer::No("not after an actual abduction"),
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::FearOfAbduction,
        label: "Fear of abduction, no real evidence",
        supervised: Offer::If("only with an agreed safety plan"),
        supported: Offer::If("possibly, with a risk assessment and a safety plan"),
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::SeriousMentalIllness,
        label: "Serious long-term mental illness",
        supervised: Offer::If("as part of a package with mental health services"),
        supported: Offer::No("not with serious long-term mental illness"),
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::StableMentalIllnessHistory,
        label: "History of mental illness, now stable",
        supervised: Offer::If("as part of a package of support"),
        supported: Offer::If("possibly"),
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::CurrentSubstanceMisuse,
        label: "Current or very recent drug or alcohol problems",
        supervised: Offer::If("if the ground rules are kept"),
        supported: Offer::If("possibly"),
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::PastSubstanceMisuse,
        label: "Past drug or alcohol problems, now stable",
        supervised: Offer::If("if the ground rules are kept"),
        supported: Offer::Yes,
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::ProvenDomesticAbuse,
        label: "Proven domestic abuse",
        supervised: Offer::If(
            "as part of a package: a perpetrator programme with a positive mid-way review",
        ),
        supported: Offer::No(
            "not after proven domestic abuse, unless a qualified risk assessment says so",
        ),
        self_referral: None,
    },
    GuideRow {
        reason: RiskReason::DomesticAbuseAllegationsPending,
        label: "Allegations of domestic abuse, finding of fact pending",
        supervised: Offer::No("wait for the finding of fact"),
        supported: Offer::No("not while allegations of domestic abuse are investigated"),
        self_referral: None,
    },
];

impl RiskReason {
    pub fn row(self) -> &'static GuideRow {
        GUIDE
            .iter()
            .find(|row| row.reason == self)
            .expect("every reason has a row in the guide")
    }
}

/// The least restrictive service every chosen reason allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestedService {
    Supported,
    Supervised,
    NotSuitable,
}

impl SuggestedService {
    /// The suggestion in words, as the coordinator reads it.
    pub fn headline(self) -> &'static str {
        match self {
            SuggestedService::Supported => "The guide suggests: supported contact",
            SuggestedService::Supervised => "The guide suggests: supervised contact",
            SuggestedService::NotSuitable => "The guide suggests: not suitable for contact now",
        }
    }
}

impl SuggestedService {
    /// The decision in words, as the record shows it.
    pub fn decision_label(self) -> &'static str {
        match self {
            SuggestedService::Supported => "Supported contact",
            SuggestedService::Supervised => "Supervised contact",
            SuggestedService::NotSuitable => "Not suitable for contact now",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SuggestedService::Supported => "supported",
            SuggestedService::Supervised => "supervised",
            SuggestedService::NotSuitable => "not_suitable",
        }
    }

    pub fn parse(text: &str) -> Option<SuggestedService> {
        [
            SuggestedService::Supported,
            SuggestedService::Supervised,
            SuggestedService::NotSuitable,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// When an assessment is made: at referral, the review after the
/// pre-visits, or again at a review meeting later in the case's life (when
/// the review changes the service, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStage {
    AtReferral,
    AfterPreVisits,
    AtReview,
}

impl AssessmentStage {
    /// Every stage, in the order a case meets them.
    pub const ALL: [AssessmentStage; 3] = [
        AssessmentStage::AtReferral,
        AssessmentStage::AfterPreVisits,
        AssessmentStage::AtReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentStage::AtReferral => "at_referral",
            AssessmentStage::AfterPreVisits => "after_pre_visits",
            AssessmentStage::AtReview => "at_review",
        }
    }

    pub fn parse(text: &str) -> Option<AssessmentStage> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            AssessmentStage::AtReferral => "At referral",
            AssessmentStage::AfterPreVisits => "Review after the pre-visits",
            AssessmentStage::AtReview => "At a review meeting",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub service: SuggestedService,
    /// The conditions that come with it, or why nothing can be offered.
    pub conditions: Vec<&'static str>,
}

/// Suggests a service from the reasons chosen. Supported contact is
/// suggested only when every reason allows it; otherwise supervised, when
/// every reason allows that; otherwise none, with the reasons why.
pub fn suggest(reasons: &[RiskReason], self_referral: bool) -> Suggestion {
    let rows: Vec<&GuideRow> = reasons.iter().map(|reason| reason.row()).collect();
    let supervised_offer = |row: &GuideRow| match (self_referral, row.self_referral) {
        (true, Some(Offer::No(why))) => Offer::No(why),
        _ => row.supervised,
    };
    let mut supported_conditions = Vec::new();
    let mut supported_possible = true;
    for row in &rows {
        match row.supported {
            Offer::Yes => {}
            Offer::If(condition) => supported_conditions.push(condition),
            Offer::No(_) => supported_possible = false,
        }
        if self_referral && let Some(Offer::If(condition)) = row.self_referral {
            supported_conditions.push(condition);
        }
    }
    if supported_possible && rows.iter().all(|row| supervised_offer(row).allowed()) {
        return Suggestion {
            service: SuggestedService::Supported,
            conditions: dedup(supported_conditions),
        };
    }
    let mut supervised_conditions = Vec::new();
    let mut refusals = Vec::new();
    for row in &rows {
        match supervised_offer(row) {
            Offer::Yes => {}
            Offer::If(condition) => supervised_conditions.push(condition),
            Offer::No(why) => refusals.push(why),
        }
        if self_referral && let Some(Offer::If(condition)) = row.self_referral {
            supervised_conditions.push(condition);
        }
    }
    if refusals.is_empty() {
        Suggestion {
            service: SuggestedService::Supervised,
            conditions: dedup(supervised_conditions),
        }
    } else {
        Suggestion {
            service: SuggestedService::NotSuitable,
            conditions: dedup(refusals),
        }
    }
}

fn dedup(mut texts: Vec<&'static str>) -> Vec<&'static str> {
    let mut seen = Vec::new();
    texts.retain(|text| {
        let new = !seen.contains(text);
        seen.push(*text);
        new
    });
    texts
}

/// Whether contact of this service may be booked under the latest risk
/// decision: nothing without a decision, nothing when contact is not
/// suitable, only supervised contact after a supervised decision; after a
/// supported one, supported contact, handovers, or the closer supervision.
/// The error names what to do.
pub fn check_service_against_risk(
    decision: Option<SuggestedService>,
    service: super::schedule::Service,
) -> Result<(), AppError> {
    use super::schedule::Service;
    let refuse = |text: &str| Err(AppError::conflict(text));
    match (decision, service) {
        (None, _) => refuse(
            "Record a risk assessment before booking contact: the decision it records must allow the plan's service.",
        ),
        (Some(SuggestedService::NotSuitable), _) => refuse(
            "The latest risk assessment found the case not suitable for contact now. Record a new assessment before booking contact.",
        ),
        (Some(SuggestedService::Supervised), Service::Supervised) => Ok(()),
        (Some(SuggestedService::Supervised), _) => refuse(
            "The latest risk assessment decided on supervised contact, but the plan is for another service. Make a supervised plan, or record a new assessment.",
        ),
        (Some(SuggestedService::Supported), _) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::RiskReason::*;
    use super::*;

    #[test]
    fn the_guide_has_one_row_per_reason() {
        for (index, row) in GUIDE.iter().enumerate() {
            assert_eq!(
                GUIDE.iter().filter(|r| r.reason == row.reason).count(),
                1,
                "row {index}"
            );
        }
    }

    #[test]
    fn no_reasons_suggest_supported_contact_without_conditions() {
        let suggestion = suggest(&[], false);
        assert_eq!(suggestion.service, SuggestedService::Supported);
        assert!(suggestion.conditions.is_empty());
    }

    #[test]
    fn past_substance_misuse_alone_allows_supported_contact() {
        assert_eq!(
            suggest(&[PastSubstanceMisuse], false).service,
            SuggestedService::Supported
        );
    }

    #[test]
    fn one_reason_that_rules_out_supported_contact_makes_it_supervised_with_the_condition() {
        let suggestion = suggest(&[PastSubstanceMisuse, ActualAbduction], false);
        assert_eq!(suggestion.service, SuggestedService::Supervised);
        assert!(
            suggestion
                .conditions
                .contains(&"only with an agreed safety plan")
        );
    }

    #[test]
    fn a_pending_finding_of_fact_rules_out_both() {
        let suggestion = suggest(
            &[CurrentSubstanceMisuse, DomesticAbuseAllegationsPending],
            false,
        );
        assert_eq!(suggestion.service, SuggestedService::NotSuitable);
        assert_eq!(suggestion.conditions, ["wait for the finding of fact"]);
    }

    #[test]
    fn evidence_of_abuse_on_a_self_referral_is_not_suitable() {
        assert_eq!(
            suggest(&[ChildAbuseEvidence], false).service,
            SuggestedService::Supervised
        );
        let suggestion = suggest(&[ChildAbuseEvidence], true);
        assert_eq!(suggestion.service, SuggestedService::NotSuitable);
        assert_eq!(suggestion.conditions, ["not on a self-referral"]);
    }

    #[test]
    fn conditions_are_listed_once() {
        let suggestion = suggest(&[ActualAbduction, FearOfAbduction], false);
        assert_eq!(suggestion.service, SuggestedService::Supervised);
        assert_eq!(suggestion.conditions, ["only with an agreed safety plan"]);
    }

    #[test]
    fn contact_is_booked_only_as_the_latest_risk_decision_allows() {
        use crate::domain::schedule::Service;
        assert!(check_service_against_risk(None, Service::Supervised).is_err());
        assert!(
            check_service_against_risk(Some(SuggestedService::NotSuitable), Service::Supervised)
                .is_err()
        );
        assert!(
            check_service_against_risk(Some(SuggestedService::Supervised), Service::Supervised)
                .is_ok()
        );
        let looser =
            check_service_against_risk(Some(SuggestedService::Supervised), Service::Supported)
                .unwrap_err();
        assert_eq!(looser.status(), 409);
        assert!(
            looser.to_string().contains("supervised contact"),
            "{looser}"
        );
        for service in [Service::Supported, Service::Handover, Service::Supervised] {
            assert!(check_service_against_risk(Some(SuggestedService::Supported), service).is_ok());
        }
    }
}
