//! The directory search through the in-process [`SearchIndex`], kept coherent with the
//! database across any number of instances.
//!
//! Design:
//! - An index is built from one consistent read of `services` together with the value of
//!   `directory_version`, which triggers bump in every transaction that changes services
//!   or categories (migration 0002). The index remembers that version.
//! - A search takes the page's ids from the index, then reads those rows *and the current
//!   version* in one statement (one snapshot). Equal versions prove that the index saw
//!   exactly the data this statement sees: the answer is as fresh as a SQL search. A write
//!   through any instance, or by hand, therefore shows at once everywhere.
//! - When the versions differ (or no index is loaded yet) this request is answered by SQL
//!   and a rebuild starts in the background, one at a time; no request waits for a build.
//!   Fine for a directory that changes a few times a minute; a busier one would apply
//!   changes incrementally from a change log instead of rebuilding.

use super::rows;
use super::{failed, SqlStore};
use crate::search_index::{IndexedService, SearchIndex};
use app::domain::catalog::{CategoryGroup, CostKind};
use app::domain::directory::SearchPage;
use app::domain::geo::LocalPlane;
use app::domain::search::ServiceSearch;
use app::domain::store::StoreError;
use futures_util::TryStreamExt;
use sqlx::Row;
use std::sync::{Arc, RwLock};

/// An index and the `directory_version` it was built at.
pub(crate) struct Snapshot {
    version: i64,
    index: SearchIndex,
}

/// The current snapshot, shared by every request of this process.
#[derive(Default)]
pub(crate) struct IndexCache {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Held while a rebuild runs, so there is only ever one.
    building: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let version = self.snapshot().map(|s| s.version);
        f.debug_struct("IndexCache").field("version", &version).finish()
    }
}

impl IndexCache {
    fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn replace(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(snapshot));
    }
}

/// What the index knows, for `/healthz` and the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IndexStatus {
    pub version: i64,
    pub services: usize,
}

impl SqlStore {
    /// The search through the index, or `None` when the index is missing or stale (a
    /// rebuild is then under way, and the caller should ask SQL).
    pub async fn search_by_index(&self, search: &ServiceSearch) -> Result<Option<SearchPage>, StoreError> {
        let Some(snapshot) = self.index.snapshot() else {
            self.rebuild_index_in_background();
            return Ok(None);
        };
        let hits = snapshot.index.search(search);
        let plane = search.near.map(LocalPlane::new);
        let (version, mut items) = self.rows_and_version(&hits.ids, search, plane.as_ref()).await?;
        if version != snapshot.version || items.len() != hits.ids.len() {
            self.rebuild_index_in_background();
            return Ok(None);
        }
        // The rows come in any order; the index's order is the answer's.
        items.sort_by_key(|item| hits.ids.iter().position(|id| *id == item.id));
        Ok(Some(SearchPage {
            total: hits.total,
            items,
        }))
    }

    /// The services with these ids, and `directory_version`, read in one statement.
    async fn rows_and_version(
        &self,
        ids: &[i64],
        search: &ServiceSearch,
        plane: Option<&LocalPlane>,
    ) -> Result<(i64, Vec<app::domain::directory::ServiceSummary>), StoreError> {
        if ids.is_empty() {
            return Ok((self.directory_version().await?, Vec::new()));
        }
        let mut params = super::params::Params::default();
        let list: Vec<String> = ids.iter().map(|id| params.int(*id)).collect();
        let sql = format!(
            "SELECT (SELECT version FROM directory_version WHERE id = 1) AS directory_version, {} \
             FROM {} WHERE s.id IN ({})",
            super::directory::summary_columns(search.lang),
            super::directory::SUMMARY_JOINS,
            list.join(", ")
        );
        let found = sqlx::query_with(&sql, params.into_arguments())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?;
        let Some(first) = found.first() else {
            // Every row vanished since the index was built: a change, so a new version.
            return Ok((self.directory_version().await?, Vec::new()));
        };
        let version: i64 = first.try_get("directory_version").map_err(failed)?;
        let items = found
            .iter()
            .map(|row| rows::service_summary(row, plane))
            .collect::<Result<_, _>>()
            .map_err(failed)?;
        Ok((version, items))
    }

    async fn directory_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT version FROM directory_version WHERE id = 1")
            .fetch_one(self.pool())
            .await
            .map_err(failed)
    }

    /// What the loaded index holds, if one is loaded.
    pub fn index_status(&self) -> Option<IndexStatus> {
        self.index.snapshot().map(|s| IndexStatus {
            version: s.version,
            services: s.index.len(),
        })
    }

    /// Starts a rebuild unless one is running. Errors are logged; searches meanwhile go
    /// to SQL, so a failed rebuild costs speed, never answers.
    pub fn rebuild_index_in_background(&self) {
        let Ok(guard) = self.index.building.clone().try_lock_owned() else {
            return;
        };
        let store = self.clone();
        tokio::spawn(async move {
            if let Err(error) = store.build_index().await {
                tracing::warn!(%error, "search index rebuild failed; searching by SQL meanwhile");
            }
            drop(guard);
        });
    }

    /// Builds the index now and waits for it (start-up warm-up, tests, benchmarks).
    pub async fn rebuild_index(&self) -> Result<IndexStatus, StoreError> {
        let _guard = self.index.building.lock().await;
        self.build_index().await
    }

    async fn build_index(&self) -> Result<IndexStatus, StoreError> {
        let started = std::time::Instant::now();
        let (version, services) = self.read_for_index().await.map_err(failed)?;
        if self.index.snapshot().is_some_and(|s| s.version == version) {
            return Ok(self.index_status().expect("a snapshot is loaded"));
        }
        let index = tokio::task::spawn_blocking(move || SearchIndex::build(services))
            .await
            .map_err(|e| failed(sqlx::Error::Protocol(format!("index build panicked: {e}"))))?;
        let status = IndexStatus {
            version,
            services: index.len(),
        };
        self.index.replace(Snapshot { version, index });
        tracing::info!(
            version,
            services = status.services,
            millis = started.elapsed().as_millis() as u64,
            "search index built"
        );
        Ok(status)
    }

    /// `directory_version` and every service, from one snapshot of the database (public
    /// for the benchmarks, which time the index apart from the store).
    pub async fn read_for_index(&self) -> Result<(i64, Vec<IndexedService>), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        if self.engine() == super::Engine::Postgres {
            // One snapshot for both statements (SQLite's read transaction already is one).
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let version: i64 = sqlx::query_scalar("SELECT version FROM directory_version WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let mut services = Vec::new();
        {
            let mut stream = sqlx::query(
                "SELECT s.id, s.latitude, s.longitude, s.category_slug, c.group_slug, s.cost_kind, \
                 s.name_zh, s.name_en, s.description_zh, s.description_en \
                 FROM services s JOIN categories c ON c.slug = s.category_slug",
            )
            .fetch(&mut *tx);
            while let Some(row) = stream.try_next().await? {
                services.push(indexed_service(&row)?);
            }
        }
        tx.commit().await?;
        Ok((version, services))
    }
}

fn indexed_service(row: &sqlx::any::AnyRow) -> Result<IndexedService, sqlx::Error> {
    let group: String = row.try_get("group_slug")?;
    let cost: String = row.try_get("cost_kind")?;
    Ok(IndexedService {
        id: row.try_get("id")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        category: row.try_get("category_slug")?,
        group: CategoryGroup::parse(&group).ok_or_else(|| rows::corrupt("group_slug", &group))?,
        cost: CostKind::parse(&cost).ok_or_else(|| rows::corrupt("cost_kind", &cost))?,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
        description_zh: row.try_get("description_zh")?,
        description_en: row.try_get("description_en")?,
    })
}
