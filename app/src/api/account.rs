//! What the account pages show, read for the signed-in person. Changes go through plain
//! form posts to the server (`/account/...`), which work without JavaScript.

use super::error::FnError;
use crate::domain::accounts::store::{ApiTokenInfo, AuditEntry, FamilyLink, Member, OrganizationAccount};
use crate::domain::ids::{GridUnitId, PersonId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The account page of one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub person: PersonId,
    pub display_name: String,
    /// Masked: 138****1234.
    pub login: Option<String>,
    pub family_links: Vec<FamilyLink>,
    pub tokens: Vec<ApiTokenInfo>,
    /// The person's organizations, with their role in each (owner or member) and, for
    /// the ones they own, the members.
    pub organizations: Vec<(OrganizationAccount, String, Vec<Member>)>,
    pub is_staff: bool,
    pub volunteer: bool,
    pub skills: String,
    pub availability: String,
}

/// The community desk of a staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffView {
    pub organizations: Vec<OrganizationAccount>,
    pub audit: Vec<AuditEntry>,
    /// The communities the staff member works for, for the in-person link form.
    pub communities: Vec<GridUnitId>,
}

/// A community to choose in a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityOption {
    pub id: GridUnitId,
    pub name: String,
}

/// The signed-in person's account; `None` when nobody is signed in.
#[server(prefix = "/api/fn", endpoint = "account")]
pub async fn load_account() -> Result<Option<AccountView>, FnError> {
    use super::context::{accounts_store, principal, with_status};
    use crate::domain::accounts::values::mask;
    with_status(
        async {
            let Some(who) = principal() else { return Ok(None) };
            let store = accounts_store()?;
            let Some(profile) = store.profile(who.person).await? else {
                return Ok(None);
            };
            let mut organizations = Vec::new();
            for o in store.organizations_of(who.person).await? {
                let role = who.role_in(o.id).map(|r| r.slug()).unwrap_or("member").to_owned();
                let members = store.members(o.id, who.person).await?;
                organizations.push((o, role, members));
            }
            Ok(Some(AccountView {
                person: who.person,
                display_name: profile.display_name,
                login: profile.login.as_deref().map(mask),
                family_links: store.family_links(who.person).await?,
                tokens: store.api_tokens(who.person).await?,
                organizations,
                is_staff: who.is_community_staff(),
                volunteer: profile.volunteer,
                skills: profile.skills.unwrap_or_default(),
                availability: profile.availability.unwrap_or_default(),
            }))
        }
        .await,
    )
}

/// The community desk; `None` when the caller is not community staff.
#[server(prefix = "/api/fn", endpoint = "staff")]
pub async fn load_staff() -> Result<Option<StaffView>, FnError> {
    use super::context::{accounts_store, principal, with_status};
    use crate::domain::accounts::store::DESK_AUDIT_ENTRIES;
    with_status(
        async {
            let Some(who) = principal().filter(|p| p.is_community_staff()) else {
                return Ok(None);
            };
            let store = accounts_store()?;
            let organizations = store
                .organizations_in(&who.roles.communities)
                .await?
                .into_iter()
                .map(|o| o.as_seen_by(&who))
                .collect();
            let audit = store.audit_log(&who.roles.communities, DESK_AUDIT_ENTRIES).await?;
            Ok(Some(StaffView {
                organizations,
                audit,
                communities: who.roles.communities.clone(),
            }))
        }
        .await,
    )
}

/// The communities an organization may say it serves.
#[server(prefix = "/api/fn", endpoint = "communities")]
pub async fn load_communities() -> Result<Vec<CommunityOption>, FnError> {
    use super::context::{store, with_status};
    use crate::prefs::Prefs;
    with_status(
        async {
            let store = store()?;
            Ok(store
                .communities(Prefs::current().lang)
                .await?
                .into_iter()
                .map(|c| CommunityOption { id: c.id, name: c.name })
                .collect())
        }
        .await,
    )
}
