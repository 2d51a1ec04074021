//! The directory in memory ([`Snapshot`]: search index, result cards, categories, grid),
//! kept coherent with the database across any number of instances.
//!
//! Design:
//! - A snapshot is read whole from one consistent view of the database together with
//!   `directory_version`, which triggers bump in every transaction that changes services,
//!   categories, organizations or the grid (migration 0002).
//! - Every read first learns the database's current version ([`CoalescedRead`]: shared by
//!   concurrent requests, never older than the request) and uses the snapshot only when
//!   the versions are equal: then the snapshot holds exactly what the database holds, so
//!   the answer is as fresh as SQL's. A write through any instance, or by hand, therefore
//!   shows at once everywhere.
//! - When the versions differ, the snapshot is brought up to date from the change log
//!   (migration 0009): one read of what changed since, applied beside the shared base
//!   (`snapshot::changes`), one at a time, by the first request that finds it stale; the
//!   requests behind it take its result. A request never answers from a snapshot read
//!   before the request began (`Snapshot::read_started`).
//! - Only when changes cannot be applied one by one (no snapshot yet, the grid or the
//!   categories changed, the log was pruned past the snapshot) does a read go to SQL,
//!   while the directory is read whole in the background; no request waits for that.
//! - Once many services have changed since the base was read, a whole read in the
//!   background folds them into a new base (reads meanwhile keep using the changes), then
//!   catches up with the changes committed while it ran, and prunes the log.

use super::coalesced_read::CoalescedRead;
use super::snapshot::{DirectoryRead, Snapshot};
use super::{failed, SqlStore};
use app::domain::directory::SearchPage;
use app::domain::search::ServiceSearch;
use app::domain::store::StoreError;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// Once this many services changed since the base was read, a new base is read in the
/// background. Each search pays for the changed services it must leave out of the base
/// and merge back in; a few hundred cost microseconds, and a whole read every few hundred
/// edits costs a second of one core.
const FOLD_CHANGES_AT: usize = 500;

/// The change log keeps this many versions behind each whole read, so an instance that
/// lags a little still applies changes instead of reading everything.
const VERSIONS_KEPT: i64 = 10_000;

/// How long a read waits for the database to say which directory version is current.
/// The query is a primary-key read of one row: seconds mean the database is stuck.
const VERSION_READ_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

/// The current snapshot, shared by every request of this process.
#[derive(Default)]
pub(crate) struct DirectoryCache {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Held while a rebuild runs, so there is only ever one.
    building: Arc<tokio::sync::Mutex<()>>,
    /// Held while changes are applied or a rebuild is installed: one at a time, in order.
    applying: tokio::sync::Mutex<()>,
    /// The database's current `directory_version`, one query for many requests.
    version: CoalescedRead<Result<i64, StoreError>>,
}

impl std::fmt::Debug for DirectoryCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let version = self.snapshot().map(|s| s.version);
        f.debug_struct("DirectoryCache").field("version", &version).finish()
    }
}

impl DirectoryCache {
    fn snapshot(&self) -> Option<Arc<Snapshot>> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn replace(&self, snapshot: Arc<Snapshot>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(snapshot);
    }
}

/// What the loaded snapshot holds, for `/healthz` and the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IndexStatus {
    pub version: i64,
    pub services: usize,
    /// Services changed since the snapshot's base was read (applied from the change log).
    pub changed: usize,
    /// Bytes the search index holds, and the part its text search holds.
    pub index_bytes: usize,
    pub text_index_bytes: usize,
}

impl IndexStatus {
    fn of(snapshot: &Snapshot) -> Self {
        let (index_bytes, text_index_bytes) = snapshot.index_bytes();
        IndexStatus {
            version: snapshot.version,
            services: snapshot.len(),
            changed: snapshot.changed(),
            index_bytes,
            text_index_bytes,
        }
    }
}

impl SqlStore {
    /// The snapshot, if it is as current as the database at some moment after this call
    /// began; else `None` (a rebuild is then under way, and the caller should ask SQL).
    pub(super) async fn fresh_snapshot(&self) -> Result<Option<Arc<Snapshot>>, StoreError> {
        let began = Instant::now();
        let Some(snapshot) = self.cache.snapshot() else {
            self.rebuild_index_in_background();
            metrics::counter!("directory_sql_fallbacks_total", "why" => "no snapshot").increment(1);
            return Ok(None);
        };
        if self.directory_version().await? == snapshot.version {
            return Ok(Some(snapshot));
        }
        self.catch_up(began).await
    }

    /// Applies the changes committed since the current snapshot was read, unless another
    /// request did so after `began`; `None` when they cannot be applied one by one.
    async fn catch_up(&self, began: Instant) -> Result<Option<Arc<Snapshot>>, StoreError> {
        let _turn = self.cache.applying.lock().await;
        let Some(current) = self.cache.snapshot() else {
            return Ok(None);
        };
        if current.read_started >= began {
            return Ok(Some(current));
        }
        let applying = Instant::now();
        match current.with_changes_since(self.pool(), self.engine()).await {
            Ok(Some(next)) => {
                // Every search that arrived after the change waits this long.
                metrics::histogram!("directory_delta_seconds").record(applying.elapsed().as_secs_f64());
                let next = Arc::new(next);
                self.cache.replace(next.clone());
                if next.changed() >= FOLD_CHANGES_AT {
                    self.rebuild_index_in_background();
                }
                Ok(Some(next))
            }
            Ok(None) => {
                self.rebuild_index_in_background();
                metrics::counter!("directory_sql_fallbacks_total", "why" => "changes not applicable").increment(1);
                Ok(None)
            }
            Err(error) => {
                tracing::warn!(%error, "applying directory changes failed; searching by SQL meanwhile");
                metrics::counter!("directory_sql_fallbacks_total", "why" => "changes failed").increment(1);
                Ok(None)
            }
        }
    }

    /// The search through the index, or `None` when SQL would have to answer (for the
    /// tests and benchmarks that compare the two).
    pub async fn search_by_index(&self, search: &ServiceSearch) -> Result<Option<SearchPage>, StoreError> {
        Ok(self
            .fresh_snapshot()
            .await?
            .and_then(|snapshot| snapshot.search(search)))
    }

    /// The database's `directory_version` as of some moment after this call began.
    /// Every read of the directory waits on it, so it has a deadline of its own: a stuck
    /// database fails requests with "unavailable" instead of piling them up.
    async fn directory_version(&self) -> Result<i64, StoreError> {
        let read = self.cache.version.get(|| async {
            sqlx::query_scalar("SELECT version FROM directory_version WHERE id = 1")
                .fetch_one(self.pool())
                .await
                .map_err(failed)
        });
        match tokio::time::timeout(VERSION_READ_DEADLINE, read).await {
            Ok(version) => version,
            Err(_) => {
                tracing::warn!("directory_version did not answer in time");
                Err(StoreError::Unavailable)
            }
        }
    }

    /// What the loaded index holds, if one is loaded.
    pub fn index_status(&self) -> Option<IndexStatus> {
        self.cache.snapshot().map(|s| IndexStatus::of(&s))
    }

    /// Starts a rebuild unless one is running. Errors are logged; searches meanwhile go
    /// to SQL, so a failed rebuild costs speed, never answers.
    pub fn rebuild_index_in_background(&self) {
        let Ok(guard) = self.cache.building.clone().try_lock_owned() else {
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
        let _guard = self.cache.building.lock().await;
        self.build_index().await
    }

    async fn build_index(&self) -> Result<IndexStatus, StoreError> {
        let started = std::time::Instant::now();
        let read = self.read_for_index().await.map_err(failed)?;
        if self
            .cache
            .snapshot()
            .is_some_and(|s| s.version == read.version && s.changed() == 0)
        {
            return Ok(self.index_status().expect("a snapshot is loaded"));
        }
        let built = read.into_snapshot();
        // This thread fetched the rows the readers freed: hand their memory back now.
        crate::memory::release_freed();
        let base_version = built.version;
        // Writes went on while the directory was read and indexed: apply them before the
        // new snapshot replaces one that may already have them.
        let snapshot = {
            let _turn = self.cache.applying.lock().await;
            let caught_up = built.with_changes_since(self.pool(), self.engine()).await;
            let snapshot = match caught_up {
                Ok(Some(caught_up)) => caught_up,
                // The next request finds it stale and reads the directory whole again.
                _ => built,
            };
            let snapshot = Arc::new(snapshot);
            self.cache.replace(snapshot.clone());
            snapshot
        };
        self.prune_changes(base_version - VERSIONS_KEPT).await;
        crate::memory::release_freed();
        let status = IndexStatus::of(&snapshot);
        metrics::counter!("directory_full_rebuilds_total").increment(1);
        metrics::histogram!("directory_full_rebuild_seconds").record(started.elapsed().as_secs_f64());
        tracing::info!(
            version = status.version,
            services = status.services,
            millis = started.elapsed().as_millis() as u64,
            "directory snapshot built"
        );
        Ok(status)
    }

    /// Forgets changes up to `version`: no instance needs them once it has read the
    /// directory whole since (one that has not falls back to a whole read). Best effort.
    async fn prune_changes(&self, version: i64) {
        let prune = async {
            let mut tx = self.pool().begin().await?;
            let kept =
                sqlx::query("UPDATE directory_changes_kept SET from_version = $1 WHERE id = 1 AND from_version < $1")
                    .bind(version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if kept == 1 {
                sqlx::query("DELETE FROM directory_changes WHERE version <= $1")
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        };
        if let Err(error) = prune.await {
            tracing::warn!(%error, "pruning the directory change log failed");
        }
    }

    /// `directory_version` and the whole directory, from one snapshot of the database
    /// (public for the benchmarks, which time the index apart from the store).
    pub async fn read_for_index(&self) -> Result<DirectoryRead, sqlx::Error> {
        DirectoryRead::read(self.pool(), self.engine()).await
    }
}
