//! The directory as residents read it: a [`DirectoryStore`] layered over the SQL store,
//! answering from the in-memory snapshot (`snapshot/`) whenever it is as current as the
//! database, and from the SQL store beneath it otherwise (no snapshot yet, or changes that
//! cannot be applied one by one). The SQL store is plain SQL; keeping the snapshot current
//! is `directory_cache.rs`. Both layers answer alike: `tests/search_index.rs` and
//! `tests/directory_writes.rs` compare them.

use super::directory::OFFERINGS_SHOWN;
use super::snapshot::Snapshot;
use super::SqlStore;
use app::domain::directory::{Category, OrganizationDetail, SearchPage, ServiceDetail};
use app::domain::geo::{Coordinates, LocalPlane};
use app::domain::grid::GridUnit;
use app::domain::ids::{GridUnitId, OrganizationId, ServiceId};
use app::domain::lang::Lang;
use app::domain::search::ServiceSearch;
use app::domain::store::{DirectoryStore, StoreError};
use std::sync::Arc;

/// The snapshot layer over a [`SqlStore`] (which holds the process's snapshot cache).
#[derive(Clone)]
pub struct SnapshotDirectory {
    sql: SqlStore,
    /// Set for one request or page render: the snapshot (or `None`: SQL) its first read
    /// settled on, for every later read of the request too, so one version query serves
    /// the whole request and a page never mixes versions.
    pinned: Option<Arc<tokio::sync::OnceCell<Option<Arc<Snapshot>>>>>,
}

impl std::fmt::Debug for SnapshotDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotDirectory")
            .field("sql", &self.sql)
            .field("pinned", &self.pinned.is_some())
            .finish()
    }
}

impl SqlStore {
    /// The directory through the snapshot, each read as current as the database.
    pub fn cached(&self) -> SnapshotDirectory {
        SnapshotDirectory {
            sql: self.clone(),
            pinned: None,
        }
    }

    /// The directory through the snapshot for one request: its first read settles which
    /// snapshot (or SQL) answers, and every later read of the request uses the same.
    pub fn pinned(&self) -> SnapshotDirectory {
        SnapshotDirectory {
            sql: self.clone(),
            pinned: Some(Arc::default()),
        }
    }
}

impl SnapshotDirectory {
    /// The snapshot this layer answers from: for a pinned one, the one found current at
    /// its first read; otherwise the current one. `None`: SQL answers.
    async fn current_snapshot(&self) -> Result<Option<Arc<Snapshot>>, StoreError> {
        match &self.pinned {
            Some(cell) => cell.get_or_try_init(|| self.sql.fresh_snapshot()).await.cloned(),
            None => self.sql.fresh_snapshot().await,
        }
    }

    /// Which snapshot this layer answers from (its build number in this process), `None`
    /// when it answers by SQL. On a pinned layer this settles the pin: everything the
    /// request reads afterwards comes from exactly that snapshot (`page_cache` keys whole
    /// pages by it).
    pub async fn snapshot_build(&self) -> Result<Option<u64>, StoreError> {
        Ok(self.current_snapshot().await?.map(|s| s.build))
    }
}

#[async_trait::async_trait]
impl DirectoryStore for SnapshotDirectory {
    /// Through the in-process index when it is current, else by SQL (same answers).
    async fn search_services(&self, search: &ServiceSearch) -> Result<SearchPage, StoreError> {
        match self
            .current_snapshot()
            .await?
            .and_then(|snapshot| snapshot.search(search))
        {
            Some(page) => Ok(page),
            None => self.sql.search_by_sql(search).await,
        }
    }

    /// From the snapshot when it is current, else by SQL (same answers).
    async fn service(
        &self,
        service_id: ServiceId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<ServiceDetail>, StoreError> {
        if let Some(snapshot) = self.current_snapshot().await? {
            let plane = near.map(LocalPlane::new);
            if let Some(answer) = snapshot
                .service(service_id.get(), lang, plane.as_ref(), OFFERINGS_SHOWN)
                .answer()
            {
                return Ok(answer);
            }
        }
        self.sql.service_by_sql(service_id, lang, near).await
    }

    /// From the snapshot when it is current, else by SQL (same answers).
    async fn organization(
        &self,
        organization_id: OrganizationId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<OrganizationDetail>, StoreError> {
        if let Some(snapshot) = self.current_snapshot().await? {
            let plane = near.map(LocalPlane::new);
            if let Some(answer) = snapshot
                .organization(organization_id.get(), lang, plane.as_ref(), OFFERINGS_SHOWN)
                .answer()
            {
                return Ok(answer);
            }
        }
        self.sql.organization_by_sql(organization_id, lang, near).await
    }

    async fn categories(&self, lang: Lang) -> Result<Vec<Category>, StoreError> {
        match self.current_snapshot().await? {
            Some(snapshot) => Ok(snapshot.categories().all(lang)),
            None => self.sql.categories_by_sql(lang).await,
        }
    }

    async fn grid_units(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        match self.current_snapshot().await? {
            Some(snapshot) => Ok(snapshot.grid().all(lang)),
            None => self.sql.grid_units_by_sql(lang).await,
        }
    }

    async fn grid_children(&self, parent: Option<GridUnitId>, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        let parent = parent.map(GridUnitId::get);
        match self.current_snapshot().await? {
            Some(snapshot) => Ok(snapshot.grid().children(parent, lang)),
            None => self.sql.grid_children_by_sql(parent, lang).await,
        }
    }

    async fn communities(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        match self.current_snapshot().await? {
            Some(snapshot) => Ok(snapshot.grid().communities(lang)),
            None => self.sql.communities_by_sql(lang).await,
        }
    }

    async fn home_places_in(&self, community_id: GridUnitId, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        let community_id = community_id.get();
        match self.current_snapshot().await? {
            Some(snapshot) => Ok(snapshot.grid().home_places_in(community_id, lang)),
            None => self.sql.home_places_in_by_sql(community_id, lang).await,
        }
    }

    async fn grid_unit(&self, id: GridUnitId, lang: Lang) -> Result<Option<GridUnit>, StoreError> {
        let id = id.get();
        match self.current_snapshot().await? {
            Some(snapshot) => Ok(snapshot.grid().unit(id, lang)),
            None => self.sql.grid_unit_by_sql(id, lang).await,
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.sql.ping().await
    }
}
