//! The store ports: what the use cases need from persistence, one trait per area
//! (the directory here; accounts in `accounts::store`). The server implements them over
//! SQL (SQLite or PostgreSQL); the domain never sees SQL.

use super::directory::{Category, OrganizationDetail, SearchPage, ServiceDetail};
use super::geo::Coordinates;
use super::grid::GridUnit;
use super::ids::{GridUnitId, OrganizationId, ServiceId};
use super::lang::Lang;
use super::search::ServiceSearch;
use std::sync::Arc;

/// A persistence failure. Its cause is logged by the store; callers only learn the kind.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The database did not answer in time or refused connections.
    #[error("the database is unavailable")]
    Unavailable,
    /// A constraint refused the write (a unique login taken, a row that no longer
    /// exists); the use case decides what that means for the person. Carries the
    /// constraint's name (PostgreSQL) or its columns (SQLite).
    #[error("a constraint refused the write ({0})")]
    Constraint(String),
    /// Anything else; the store logged the cause under `reference`.
    #[error("the database failed (reference {reference})")]
    Failed { reference: String },
}

impl From<StoreError> for super::error::AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable => super::error::AppError::Unavailable,
            StoreError::Failed { reference } => super::error::AppError::Internal { reference },
            // A use case that expects a constraint to fire maps it to its own words;
            // one that reaches here clashed with the current state all the same.
            StoreError::Constraint(_) => super::error::AppError::conflict(
                "与现有记录冲突，请刷新后再试",
                "this clashes with the current records; reload and try again",
            ),
        }
    }
}

#[async_trait::async_trait]
pub trait DirectoryStore: Send + Sync {
    /// One page of services matching `search`, and the total count.
    async fn search_services(&self, search: &ServiceSearch) -> Result<SearchPage, StoreError>;
    /// A service with its organization's other offerings; distance from `near` if given.
    async fn service(
        &self,
        id: ServiceId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<ServiceDetail>, StoreError>;
    async fn organization(
        &self,
        id: OrganizationId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<OrganizationDetail>, StoreError>;
    /// Every category, in catalogue order.
    async fn categories(&self, lang: Lang) -> Result<Vec<Category>, StoreError>;
    /// Every grid unit, parents before children, siblings in display order.
    async fn grid_units(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError>;
    /// The units directly under `parent` (the roots when `None`), in display order.
    async fn grid_children(&self, parent: Option<GridUnitId>, lang: Lang) -> Result<Vec<GridUnit>, StoreError>;
    /// Every community, in display order.
    async fn communities(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError>;
    /// The courtyards, estates and resident units of one community, zone by zone.
    async fn home_places_in(&self, community_id: GridUnitId, lang: Lang) -> Result<Vec<GridUnit>, StoreError>;
    /// One grid unit (for resolving a chosen home place).
    async fn grid_unit(&self, id: GridUnitId, lang: Lang) -> Result<Option<GridUnit>, StoreError>;
    /// Answers when the database does.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// How adapters hold the store: one shared handle, cheap to clone.
pub type Store = Arc<dyn DirectoryStore>;
