use serde::{Deserialize, Serialize};

/// What a signed-in person may do. Stored in the database as the snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the centre: referrals, plans, bookings, payments; co-signs records.
    Coordinator,
    /// Supervises sessions and writes the record of each.
    Worker,
    /// A resident or visiting parent, linked to their family's case.
    Parent,
    /// Solicitor, social worker or Cafcass officer, linked to their cases.
    Referrer,
}

/// Where someone with a temporary password goes to choose their own.
pub const CHANGE_PASSWORD_PATH: &str = "/password";

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Coordinator,
        Role::Worker,
        Role::Parent,
        Role::Referrer,
    ];

    /// The name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Worker => "worker",
            Role::Parent => "parent",
            Role::Referrer => "referrer",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Coordinator => "Coordinator",
            Role::Worker => "Contact worker",
            Role::Parent => "Parent",
            Role::Referrer => "Referrer",
        }
    }

    /// The page a person of this role lands on after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Coordinator => "/coordinator",
            Role::Worker => "/worker",
            Role::Parent => "/parent",
            Role::Referrer => "/referrer",
        }
    }

    /// Whether a sign-in ends after a while unused. A worker's phone keeps
    /// its sign-in through the working day, to work offline between
    /// sessions; everyone else's ends when idle (the back office, a parent's
    /// or referrer's portal on a shared computer).
    pub fn ends_when_idle(self) -> bool {
        self != Role::Worker
    }

    /// Parents and referrers only see cases they are linked to.
    pub fn is_linked_to_cases(self) -> bool {
        matches!(self, Role::Parent | Role::Referrer)
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// How a parent or referrer is linked to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseRelation {
    /// The child lives with this parent.
    ResidentParent,
    /// This parent has contact with the child at the centre.
    VisitingParent,
    /// The professional who referred the case and receives its records.
    Referrer,
}

impl CaseRelation {
    pub const ALL: [CaseRelation; 3] = [
        CaseRelation::ResidentParent,
        CaseRelation::VisitingParent,
        CaseRelation::Referrer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseRelation::ResidentParent => "resident_parent",
            CaseRelation::VisitingParent => "visiting_parent",
            CaseRelation::Referrer => "referrer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseRelation::ResidentParent => "Resident parent",
            CaseRelation::VisitingParent => "Visiting parent",
            CaseRelation::Referrer => "Referrer",
        }
    }

    pub fn parse(text: &str) -> Option<CaseRelation> {
        CaseRelation::ALL
            .into_iter()
            .find(|relation| relation.as_str() == text)
    }

    /// Which role an account must hold to be linked this way.
    pub fn required_role(self) -> Role {
        match self {
            CaseRelation::ResidentParent | CaseRelation::VisitingParent => Role::Parent,
            CaseRelation::Referrer => Role::Referrer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip_and_unknown_names_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(Role::parse("Coordinator"), None);
    }

    #[test]
    fn each_role_has_its_own_home() {
        let mut homes: Vec<_> = Role::ALL.iter().map(|r| r.home_path()).collect();
        homes.dedup();
        assert_eq!(homes.len(), 4);
    }

    #[test]
    fn parents_link_as_parents_and_referrers_as_referrers() {
        assert_eq!(CaseRelation::VisitingParent.required_role(), Role::Parent);
        assert_eq!(CaseRelation::Referrer.required_role(), Role::Referrer);
        for relation in CaseRelation::ALL {
            assert_eq!(CaseRelation::parse(relation.as_str()), Some(relation));
        }
    }
}
