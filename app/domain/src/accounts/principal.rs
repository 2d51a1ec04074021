//! Who is asking, and what they may do. Authorization is decided here, in pure
//! functions of the principal and the facts about the thing acted on; the store also
//! repeats ownership in its SQL `WHERE` clauses, so a bug in one is caught by the other.

use crate::ids::{GridUnitId, OrganizationId, PersonId};
use serde::{Deserialize, Serialize};

/// A member's standing in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberRole {
    Owner,
    Member,
}

impl MemberRole {
    pub fn slug(self) -> &'static str {
        match self {
            MemberRole::Owner => "owner",
            MemberRole::Member => "member",
        }
    }
    pub fn parse(slug: &str) -> Option<Self> {
        [MemberRole::Owner, MemberRole::Member]
            .into_iter()
            .find(|r| r.slug() == slug)
    }
}

/// What a person is, beyond a resident (which everyone with an account is).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    /// Opted in to volunteering.
    pub volunteer: bool,
    /// Organizations the person works for, and how.
    pub organizations: Vec<(OrganizationId, MemberRole)>,
    /// Communities whose staff the person is.
    pub communities: Vec<GridUnitId>,
    /// People this person may act for (active family links where they are the member).
    pub acts_for: Vec<PersonId>,
}

/// A signed-in person with their roles, as loaded for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub person: PersonId,
    pub roles: Roles,
}

impl Principal {
    pub fn is_staff_of(&self, community: GridUnitId) -> bool {
        self.roles.communities.contains(&community)
    }

    pub fn is_community_staff(&self) -> bool {
        !self.roles.communities.is_empty()
    }

    pub fn role_in(&self, organization: OrganizationId) -> Option<MemberRole> {
        self.roles
            .organizations
            .iter()
            .find(|(o, _)| *o == organization)
            .map(|(_, r)| *r)
    }

    /// Whether this person may act for `person`: themselves, or through a family link.
    pub fn may_act_for(&self, person: PersonId) -> bool {
        self.person == person || self.roles.acts_for.contains(&person)
    }

    /// Staff of any community the organization serves may verify or suspend it.
    pub fn may_oversee(&self, served: &[GridUnitId]) -> bool {
        served.iter().any(|c| self.is_staff_of(*c))
    }

    /// Whether this person sees an organization's contact phone whole: its members and
    /// the community staff who oversee it. The one rule for every page and API answer.
    pub fn sees_contact_of(&self, organization: OrganizationId, served: &[GridUnitId]) -> bool {
        self.role_in(organization).is_some() || self.may_oversee(served)
    }

    /// Only owners add and remove members.
    pub fn may_manage_members(&self, organization: OrganizationId) -> bool {
        self.role_in(organization) == Some(MemberRole::Owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id<T: TryFrom<i64>>(n: i64) -> T
    where
        T::Error: std::fmt::Debug,
    {
        T::try_from(n).unwrap()
    }

    #[test]
    fn staff_oversee_only_organizations_serving_their_communities() {
        let staff = Principal {
            person: id(1),
            roles: Roles {
                communities: vec![id(10)],
                ..Roles::default()
            },
        };
        assert!(staff.may_oversee(&[id(9), id(10)]));
        assert!(!staff.may_oversee(&[id(11)]));
        assert!(!staff.may_oversee(&[]));
    }

    #[test]
    fn an_organizations_contact_is_seen_whole_by_its_members_and_overseers_only() {
        let member = Principal {
            person: id(1),
            roles: Roles {
                organizations: vec![(id(5), MemberRole::Member)],
                ..Roles::default()
            },
        };
        let staff = Principal {
            person: id(2),
            roles: Roles {
                communities: vec![id(10)],
                ..Roles::default()
            },
        };
        assert!(member.sees_contact_of(id(5), &[id(11)]));
        assert!(!member.sees_contact_of(id(6), &[id(10)]));
        assert!(staff.sees_contact_of(id(6), &[id(10)]));
        // Listed on the desk through its home community, but serving another one.
        assert!(!staff.sees_contact_of(id(7), &[id(11)]));
    }

    #[test]
    fn only_owners_manage_members() {
        let p = Principal {
            person: id(1),
            roles: Roles {
                organizations: vec![(id(5), MemberRole::Owner), (id(6), MemberRole::Member)],
                ..Roles::default()
            },
        };
        assert!(p.may_manage_members(id(5)));
        assert!(!p.may_manage_members(id(6)));
        assert!(!p.may_manage_members(id(7)));
    }

    #[test]
    fn family_members_act_for_the_people_they_are_linked_to() {
        let son = Principal {
            person: id(2),
            roles: Roles {
                acts_for: vec![id(1)],
                ..Roles::default()
            },
        };
        assert!(son.may_act_for(id(1)) && son.may_act_for(id(2)));
        assert!(!son.may_act_for(id(3)));
    }
}
