//! The port the offering use cases need, and the facts that cross it.

use super::draft::{OfferingDraft, OfferingInput};
use crate::accounts::store::Millis;
use crate::geo::Coordinates;
use crate::ids::{GridUnitId, OrganizationId, PersonId, ServiceId};
use crate::store::StoreError;
use serde::{Deserialize, Serialize};

/// Where an offering stands. Only active ones are found by search; a paused one keeps
/// its page, which says so and why; a retired one leaves the directory but keeps its
/// history (and, later, its ratings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OfferingStatus {
    Active,
    Paused,
    Retired,
}

impl OfferingStatus {
    pub fn slug(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Retired => "retired",
        }
    }
    pub fn parse(slug: &str) -> Option<Self> {
        [Self::Active, Self::Paused, Self::Retired]
            .into_iter()
            .find(|s| s.slug() == slug)
    }
}

/// An offering as its organization sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offering {
    pub id: ServiceId,
    pub organization: OrganizationId,
    pub status: OfferingStatus,
    /// Why it is paused (or was retired).
    pub status_reason: Option<String>,
    /// Counts every change; an edit may say which revision it was made from.
    pub revision: i64,
    pub input: OfferingInput,
    pub updated_at: Millis,
    /// The key of its photo, if it has one.
    pub photo: Option<String>,
}

/// One line of an organization's list of its offerings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferingLine {
    pub id: ServiceId,
    pub name_zh: String,
    pub status: OfferingStatus,
    pub revision: i64,
    pub updated_at: Millis,
}

/// What an organization is, for the question "may it publish".
#[derive(Debug, Clone, PartialEq)]
pub struct PublisherFacts {
    pub verified: bool,
    pub suspended: bool,
    pub communities: Vec<GridUnitId>,
}

/// A grid unit, with the community it lies in (itself, for a community).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceFacts {
    pub name_zh: String,
    pub name_en: String,
    pub position: Coordinates,
    pub community: Option<GridUnitId>,
}

/// Every column of the directory row, resolved from a draft: defaults filled in, text
/// rendered in both languages. The adapter writes it as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub draft: OfferingDraft,
    /// The draft as its input, serialized: what editing starts from.
    pub input_json: String,
    pub position: Coordinates,
    pub name_en: String,
    pub description_en: String,
    pub address_zh: String,
    pub address_en: String,
    pub hours_zh: String,
    pub hours_en: String,
    pub eligibility_note_en: Option<String>,
    pub price_unit: Option<(&'static str, &'static str)>,
    /// Names and descriptions as stored, folded for search ([`crate::fold::searchable`]).
    pub search_text: String,
}

/// One field's value before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// One entry of an offering's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub revision: i64,
    /// `created`, `edited`, `paused`, `resumed` or `retired`.
    pub action: String,
    pub by: Option<PersonId>,
    /// The name of who did it, as it was then.
    pub by_name: Option<String>,
    pub at: Millis,
    pub changes: Vec<FieldChange>,
    pub reason: Option<String>,
}

/// A new history entry.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRevision<'a> {
    pub service: ServiceId,
    pub revision: i64,
    pub action: &'a str,
    pub by: PersonId,
    pub at: Millis,
    pub changes: &'a [FieldChange],
    pub reason: Option<&'a str>,
}

#[async_trait::async_trait]
pub trait OfferingStore: Send + Sync {
    /// One transaction for a use case's reads and writes; dropped without commit it
    /// rolls back.
    async fn begin_offerings(&self) -> Result<Box<dyn OfferingUnit>, StoreError>;
    async fn offering(&self, id: ServiceId) -> Result<Option<Offering>, StoreError>;
    async fn offerings_of(&self, organization: OrganizationId) -> Result<Vec<OfferingLine>, StoreError>;
    async fn history(&self, id: ServiceId) -> Result<Vec<Revision>, StoreError>;
    /// The communities an organization serves (who oversees it).
    async fn communities_of(&self, organization: OrganizationId) -> Result<Vec<GridUnitId>, StoreError>;
    /// Every grid unit in the communities an organization serves, named by its path
    /// ("南桥社区 › 一片区 › 12号院"), in grid order: where its offerings may be.
    async fn places_of(&self, organization: OrganizationId) -> Result<Vec<PlaceOption>, StoreError>;
    /// A community and every grid unit in it, named by its path: where its staff may hold
    /// an activity.
    async fn places_in(&self, community: GridUnitId) -> Result<Vec<PlaceOption>, StoreError>;
    /// The organization's name, whatever its state.
    async fn organization_name(&self, organization: OrganizationId) -> Result<Option<(String, String)>, StoreError>;
    /// Keeps what a refused form had typed (too long for a cookie) under a key's hash.
    async fn save_form_draft(
        &self,
        key_hash: &str,
        person: PersonId,
        values: &str,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// What was kept under the key's hash for this person, removed as it is read.
    async fn take_form_draft(&self, key_hash: &str, person: PersonId) -> Result<Option<String>, StoreError>;
}

/// A grid unit to choose in a form, named by its path in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceOption {
    pub id: GridUnitId,
    pub label_zh: String,
    pub label_en: String,
}

#[async_trait::async_trait]
pub trait OfferingUnit: Send {
    /// The organization's standing, locked against a concurrent suspension until commit.
    async fn publisher(&mut self, organization: OrganizationId) -> Result<Option<PublisherFacts>, StoreError>;
    async fn category_exists(&mut self, slug: &str) -> Result<bool, StoreError>;
    async fn place(&mut self, id: GridUnitId) -> Result<Option<PlaceFacts>, StoreError>;
    /// The offering, locked until commit.
    async fn offering(&mut self, id: ServiceId) -> Result<Option<Offering>, StoreError>;
    async fn insert_offering(
        &mut self,
        organization: OrganizationId,
        publication: &Publication,
        now: Millis,
    ) -> Result<ServiceId, StoreError>;
    /// Writes the publication over the row and counts a revision.
    async fn update_offering(
        &mut self,
        id: ServiceId,
        publication: &Publication,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// Sets the status (and its reason) and counts a revision.
    async fn set_status(
        &mut self,
        id: ServiceId,
        status: OfferingStatus,
        reason: Option<&str>,
        now: Millis,
    ) -> Result<(), StoreError>;
    /// Sets or removes the photo and counts a revision.
    async fn set_photo(&mut self, id: ServiceId, key: Option<&str>, now: Millis) -> Result<(), StoreError>;
    async fn record_revision(&mut self, revision: &NewRevision<'_>) -> Result<(), StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}
