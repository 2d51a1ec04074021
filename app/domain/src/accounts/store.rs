//! The accounts' store port, with its unit of work.
//!
//! A use case that changes several rows opens a unit ([`AccountStore::begin`]), makes
//! its changes through it and commits; dropping a unit without committing rolls all of
//! it back, so an error anywhere leaves nothing half-written. Counters that must hold
//! even when the request fails (rate limits, wrong-code attempts) are written outside
//! any unit, each in its own short transaction.

use super::principal::{MemberRole, Principal};
use super::values::Login;
use crate::ids::{GridUnitId, OrganizationId, PersonId};
use crate::store::StoreError;
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch: every time in the accounts.
pub type Millis = i64;

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    SignIn,
    FamilyLink,
}

impl CodePurpose {
    pub fn slug(self) -> &'static str {
        match self {
            CodePurpose::SignIn => "sign-in",
            CodePurpose::FamilyLink => "family-link",
        }
    }
}

/// A sign-up waiting for the code that proves the phone (or mailbox) is the person's.
#[derive(Clone)]
pub struct PendingRegistration {
    pub login: Login,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub notice_version: String,
    /// The hash of the secret the registering client holds. Only that client can
    /// complete the sign-up: the code proves the phone, the secret proves it is the same
    /// person who chose the name and password (someone else who registers the number
    /// cannot slip their password into the owner's account).
    pub secret_hash: String,
}

/// What signing in needs to know about a login.
#[derive(Clone)]
pub struct SignInRecord {
    pub person: PersonId,
    pub password_hash: Option<String>,
}

/// The newest live code for a login.
#[derive(Debug, Clone)]
pub struct StoredCode {
    pub id: i64,
    pub code_hash: String,
    pub attempts: u32,
    pub expires_at: Millis,
}

/// A new organization as registered by its first owner.
#[derive(Clone)]
pub struct NewOrganization {
    pub name: String,
    pub kind: crate::directory::OrganizationKind,
    pub credit_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub communities: Vec<GridUnitId>,
    pub owner: PersonId,
}

/// An organization as its owners and community staff see it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationAccount {
    pub id: OrganizationId,
    pub name: String,
    pub kind: crate::directory::OrganizationKind,
    pub credit_code: String,
    pub contact_name: String,
    /// Masked unless the viewer is a member or community staff of a served community.
    pub contact_phone: String,
    pub communities: Vec<GridUnitId>,
    pub verified: bool,
    pub suspended: bool,
}

impl OrganizationAccount {
    /// The organization as `who` may see it: the contact's phone masked unless they are
    /// a member or oversee it (`Principal::sees_contact_of`).
    pub fn as_seen_by(mut self, who: &crate::accounts::principal::Principal) -> Self {
        if !who.sees_contact_of(self.id, &self.communities) {
            self.contact_phone = crate::accounts::values::mask(&self.contact_phone);
        }
        self
    }
}

/// How many of the latest audit entries the community desk shows (page and API alike).
pub const DESK_AUDIT_ENTRIES: u32 = 200;

/// A member of an organization as its owners see them: name, masked number, role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person: PersonId,
    pub display_name: String,
    /// Masked: 138****1234.
    pub login: String,
    pub role: MemberRole,
}

/// A family link as either side sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyLink {
    pub id: i64,
    /// The person cared for.
    pub person: PersonId,
    pub person_name: String,
    /// The family member who acts for them.
    pub member: PersonId,
    pub member_name: String,
    pub relation: String,
    pub status: String,
}

/// A person's own account, as `GET /api/v1/me` shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: PersonId,
    pub display_name: String,
    pub login: Option<String>,
    pub volunteer: bool,
    pub skills: Option<String>,
    pub availability: Option<String>,
    /// Where a volunteer would rather help.
    pub home_grid_unit: Option<GridUnitId>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: Millis,
    pub actor: Option<PersonId>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub on_behalf_of: Option<PersonId>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
}

/// What a volunteer offers (empty when they opted out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerProfile {
    pub volunteer: bool,
    /// Free words: 陪诊, 理发, 电脑 …, comma separated.
    pub skills: String,
    /// When they can help, in their own words: 周末上午, weekday evenings.
    pub availability: String,
    pub home_grid_unit: Option<GridUnitId>,
}

/// A personal API token, as listed (the secret is shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
}

#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    /// Opens a unit of work.
    async fn begin(&self) -> Result<Box<dyn AccountsUnit>, StoreError>;

    /// Counts one hit against `key` in the fixed window of `window_ms` containing `now`
    /// and returns the hits in the window so far. Committed at once, whatever follows.
    async fn hit(&self, key: &str, window_ms: i64, now: Millis) -> Result<u64, StoreError>;

    /// Counts one try of a code, committed at once; returns the tries so far.
    async fn count_code_try(&self, code_id: i64) -> Result<u32, StoreError>;

    /// The principal of a live session (idle and absolute expiry checked), refreshing
    /// its last-seen time at most once a minute.
    async fn session_principal(
        &self,
        token_hash: &str,
        now: Millis,
        idle_ms: i64,
    ) -> Result<Option<Principal>, StoreError>;

    /// The principal of an unrevoked API token.
    async fn token_principal(&self, token_hash: &str, now: Millis) -> Result<Option<Principal>, StoreError>;

    async fn profile(&self, person: PersonId) -> Result<Option<Profile>, StoreError>;
    async fn family_links(&self, person: PersonId) -> Result<Vec<FamilyLink>, StoreError>;
    async fn organizations_of(&self, person: PersonId) -> Result<Vec<OrganizationAccount>, StoreError>;
    /// The members of an organization, for its owner `by` only (empty for anyone else:
    /// the SQL checks ownership).
    async fn members(&self, organization: OrganizationId, by: PersonId) -> Result<Vec<Member>, StoreError>;
    async fn organization_account(&self, id: OrganizationId) -> Result<Option<OrganizationAccount>, StoreError>;
    async fn api_tokens(&self, person: PersonId) -> Result<Vec<ApiTokenInfo>, StoreError>;
    /// Audit entries about the given communities' organizations, newest first.
    async fn audit_log(&self, communities: &[GridUnitId], limit: u32) -> Result<Vec<AuditEntry>, StoreError>;
    /// Everything stored about a person, for their data export.
    async fn export(&self, person: PersonId) -> Result<serde_json::Value, StoreError>;
    /// Organizations waiting for (or given) verification in these communities.
    async fn organizations_in(&self, communities: &[GridUnitId]) -> Result<Vec<OrganizationAccount>, StoreError>;
}

/// The changes of one use case; nothing is visible to others until `commit`.
#[async_trait::async_trait]
pub trait AccountsUnit: Send {
    async fn sign_in_record(&mut self, login: &Login) -> Result<Option<SignInRecord>, StoreError>;
    async fn save_registration(&mut self, pending: &PendingRegistration, now: Millis) -> Result<(), StoreError>;
    /// The sign-up waiting for `login`, if it was saved after `not_before`.
    async fn pending_registration(
        &mut self,
        login: &Login,
        not_before: Millis,
    ) -> Result<Option<PendingRegistration>, StoreError>;
    async fn delete_registration(&mut self, login: &Login) -> Result<(), StoreError>;
    /// Fails with [`StoreError::Constraint`] when the login is taken.
    async fn create_person(
        &mut self,
        login: Option<&Login>,
        display_name: &str,
        password_hash: Option<&str>,
        created_by: Option<PersonId>,
        now: Millis,
    ) -> Result<PersonId, StoreError>;
    async fn record_consent(&mut self, person: PersonId, notice_version: &str, now: Millis) -> Result<(), StoreError>;
    async fn save_code(
        &mut self,
        login: &Login,
        purpose: CodePurpose,
        code_hash: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError>;
    async fn live_code(
        &mut self,
        login: &Login,
        purpose: CodePurpose,
        now: Millis,
    ) -> Result<Option<StoredCode>, StoreError>;
    /// Marks a code used; false if it was used (or expired) meanwhile.
    async fn use_code(&mut self, code_id: i64, now: Millis) -> Result<bool, StoreError>;
    async fn create_session(
        &mut self,
        token_hash: &str,
        person: PersonId,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError>;
    async fn end_session(&mut self, token_hash: &str) -> Result<(), StoreError>;
    async fn end_all_sessions(&mut self, person: PersonId) -> Result<u64, StoreError>;
    async fn enqueue_message(&mut self, recipient: &Login, body: &str, now: Millis) -> Result<(), StoreError>;
    async fn audit(&mut self, entry: &AuditEntry) -> Result<(), StoreError>;
    async fn add_community_staff(&mut self, person: PersonId, community: GridUnitId) -> Result<(), StoreError>;
    async fn is_community(&mut self, id: GridUnitId) -> Result<bool, StoreError>;
    async fn create_organization(&mut self, new: &NewOrganization, now: Millis) -> Result<OrganizationId, StoreError>;
    async fn served_communities(&mut self, organization: OrganizationId)
        -> Result<Option<Vec<GridUnitId>>, StoreError>;
    /// Sets an organization's verified and suspended flags, only when `by` is staff of a
    /// community it serves (the SQL repeats the check); false when nothing changed.
    async fn set_organization_state(
        &mut self,
        organization: OrganizationId,
        verified: Option<bool>,
        suspended: Option<bool>,
        by: PersonId,
    ) -> Result<bool, StoreError>;
    async fn add_member(
        &mut self,
        organization: OrganizationId,
        person: PersonId,
        role: MemberRole,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// Removes a member unless they are the last owner; false when nothing was removed.
    async fn remove_member(&mut self, organization: OrganizationId, person: PersonId) -> Result<bool, StoreError>;
    async fn create_family_link(
        &mut self,
        person: PersonId,
        member: PersonId,
        relation: &str,
        active_by: Option<PersonId>,
        now: Millis,
    ) -> Result<i64, StoreError>;
    async fn family_link(&mut self, id: i64) -> Result<Option<FamilyLink>, StoreError>;
    /// Activates a pending link where `member` is the member; false otherwise.
    async fn confirm_family_link(&mut self, id: i64, member: PersonId, now: Millis) -> Result<bool, StoreError>;
    /// Ends a link where `by` is either side; false otherwise.
    async fn end_family_link(&mut self, id: i64, by: PersonId, now: Millis) -> Result<bool, StoreError>;
    async fn create_api_token(
        &mut self,
        person: PersonId,
        name: &str,
        token_hash: &str,
        now: Millis,
    ) -> Result<i64, StoreError>;
    /// Revokes a token of `person`; false when they have no such live token.
    async fn revoke_api_token(&mut self, person: PersonId, id: i64, now: Millis) -> Result<bool, StoreError>;
    /// Deletes a person's account: login, name, password, sessions, tokens, links and
    /// memberships go; the row stays, anonymized, so what they rated keeps its history.
    async fn delete_person(&mut self, person: PersonId, now: Millis) -> Result<(), StoreError>;
    /// Sets a person's volunteer opt-in and what they offer.
    async fn set_volunteer(&mut self, person: PersonId, volunteer: &VolunteerProfile) -> Result<(), StoreError>;
    /// Whether `unit` is a grid unit (a home place must be one).
    async fn grid_unit_exists(&mut self, unit: GridUnitId) -> Result<bool, StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

// Debug output ends up in logs and panics: phone numbers appear masked there, always.

impl std::fmt::Debug for NewOrganization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOrganization")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("contact_phone", &super::values::mask(&self.contact_phone))
            .field("communities", &self.communities)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for OrganizationAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrganizationAccount")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("contact_phone", &super::values::mask(&self.contact_phone))
            .field("verified", &self.verified)
            .field("suspended", &self.suspended)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("id", &self.id)
            .field("display_name", &self.display_name)
            .field("login", &self.login.as_deref().map(super::values::mask))
            .field("volunteer", &self.volunteer)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_masks_phone_numbers() {
        let profile = Profile {
            id: PersonId::new(1).unwrap(),
            display_name: "王".into(),
            login: Some("13812345678".into()),
            volunteer: false,
            skills: None,
            availability: None,
            home_grid_unit: None,
        };
        let text = format!("{profile:?}");
        assert!(text.contains("138****5678") && !text.contains("13812345678"), "{text}");
    }
}
