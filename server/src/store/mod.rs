//! The store port implemented once over SQL, for SQLite and PostgreSQL.
//!
//! Design:
//! - One pool of sqlx's `Any` driver; the engine is chosen by the database URL.
//! - Portable SQL with `$1`-style parameters, which both engines accept. The few DDL
//!   differences are tokens the migrator substitutes ([`migrate`]).
//! - Errors are logged here with a reference; callers get [`StoreError`] without causes.

pub mod accounts;
mod activities;
mod coalesced_read;
mod directory;
mod directory_cache;
pub mod migrate;
mod needs;
mod notifications;
mod offerings;
mod oversight;
mod params;
mod photos;
mod requests;
mod rows;
mod search_text;
mod snapshot;
mod snapshot_directory;

pub use activities::activity_columns_read;
use app::domain::store::StoreError;
use directory_cache::DirectoryCache;
pub use directory_cache::IndexStatus;
pub use snapshot::{columns_read, indexed_services, DirectoryRead};
pub use snapshot_directory::SnapshotDirectory;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Which SQL engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub database_url: String,
    pub max_connections: u32,
    /// PostgreSQL cancels a statement running longer than this; SQLite waits this long
    /// for a lock.
    pub statement_timeout: Duration,
    pub acquire_timeout: Duration,
    /// Where offering photos are kept.
    pub uploads: Uploads,
}

/// Where uploaded photos are kept: in the database (every instance sees them; the
/// default), or as files in a directory (which instances must share, e.g. a mount).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Uploads {
    #[default]
    Database,
    Directory(std::path::PathBuf),
}

impl std::str::FromStr for Uploads {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "database" => Ok(Uploads::Database),
            _ => match s.strip_prefix("dir:") {
                Some(path) if !path.is_empty() => Ok(Uploads::Directory(path.into())),
                _ => Err("expected `database` or `dir:/a/directory`".into()),
            },
        }
    }
}

impl StoreOptions {
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            max_connections: 8,
            statement_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(5),
            uploads: Uploads::Database,
        }
    }
}

/// The SQL store. Cloning shares the pool and the search index.
#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    engine: Engine,
    cache: Arc<DirectoryCache>,
    uploads: Arc<Uploads>,
    /// Upcoming activities in memory (`activities/upcoming.rs`).
    upcoming: Arc<activities::upcoming::UpcomingCache>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("engine", &self.engine)
            .field("cache", &self.cache)
            .finish()
    }
}

impl SqlStore {
    pub async fn connect(options: &StoreOptions) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(&options.database_url).ok_or_else(|| {
            anyhow::anyhow!(
                "DATABASE_URL must start with sqlite: or postgres://, got {:?}",
                redact(&options.database_url)
            )
        })?;
        if engine == Engine::Sqlite {
            ensure_sqlite_directory(&options.database_url)?;
        }
        let timeout_ms = options.statement_timeout.as_millis();
        let connect = AnyConnectOptions::from_str(&options.database_url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            // A pooled SQLite connection is an open file in this process: it cannot go
            // stale, so checking it before each use is a round trip to its worker thread
            // for nothing. A PostgreSQL connection can (a restart, a proxy): keep the check.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    match engine {
                        Engine::Sqlite => {
                            // WAL lets readers run while one writer writes; foreign keys are
                            // off by default in SQLite.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute(format!("PRAGMA busy_timeout = {timeout_ms}").as_str())
                                .await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                        }
                        Engine::Postgres => {
                            conn.execute(format!("SET statement_timeout = {timeout_ms}").as_str())
                                .await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(connect)
            .await?;
        Ok(Self {
            pool,
            engine,
            cache: Arc::default(),
            upcoming: Arc::default(),
            uploads: Arc::new(options.uploads.clone()),
        })
    }

    /// The upcoming activities this instance keeps in memory.
    pub fn upcoming_cache(&self) -> &activities::upcoming::UpcomingCache {
        &self.upcoming
    }

    /// The same store keeping photos in `uploads` instead.
    pub fn with_uploads(mut self, uploads: Uploads) -> Self {
        self.uploads = Arc::new(uploads);
        self
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies every migration not yet applied.
    /// Applies the migrations, then fills what SQL cannot (`search_text` of older rows).
    pub async fn migrate(&self) -> anyhow::Result<Vec<i64>> {
        let applied = migrate::run(&self.pool, self.engine).await?;
        let filled = self.backfill_search_text().await?;
        if filled > 0 {
            tracing::info!(filled, "search text computed for services written before it existed");
        }
        Ok(applied)
    }
}

/// Claims a named data set (demo data, a generated city) inside `tx`. False when it was
/// loaded before, or is being loaded by someone else who then commits: the caller should
/// roll back. This row is what makes loading idempotent and safe to run twice at once.
pub async fn claim_data_load(tx: &mut sqlx::Transaction<'_, sqlx::Any>, name: &str) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query("INSERT INTO data_loads (name, loaded_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .bind(migrate::now_millis())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(claimed == 1)
}

/// Creates the folder of a SQLite file so a fresh checkout needs no set-up.
fn ensure_sqlite_directory(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    Ok(())
}

/// The URL without its password, for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &credentials[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

static NEXT_REFERENCE: AtomicU64 = AtomicU64::new(1);

/// Logs a database error and turns it into a [`StoreError`] the caller may show.
pub(crate) fn failed(error: sqlx::Error) -> StoreError {
    match classify(&error) {
        Failure::Unavailable => {
            tracing::error!(%error, "database unavailable");
            StoreError::Unavailable
        }
        Failure::Constraint(constraint) => {
            tracing::info!(%error, constraint, "constraint refused a write");
            StoreError::Constraint(constraint)
        }
        Failure::Other => {
            let millis = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default();
            let reference = format!("db-{millis:x}-{}", NEXT_REFERENCE.fetch_add(1, Ordering::Relaxed));
            tracing::error!(%error, %reference, "database query failed");
            StoreError::Failed { reference }
        }
    }
}

enum Failure {
    /// Worth retrying shortly: the database is slow, locked or unreachable.
    Unavailable,
    /// A constraint refused the write; carries the constraint's name where known.
    Constraint(String),
    Other,
}

/// Sorts an engine's error into what the caller can act on. SQLSTATE codes for
/// PostgreSQL; SQLite's (extended) result codes, which sqlx reports as the code.
fn classify(error: &sqlx::Error) -> Failure {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => {
            Failure::Unavailable
        }
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            match code.as_str() {
                // PostgreSQL: statement timeout / cancelled, lock not available, deadlock,
                // serialization failure, connection failures, too many connections,
                // shutting down.
                "57014" | "55P03" | "40P01" | "40001" | "57P01" | "57P02" | "57P03" | "53300" => Failure::Unavailable,
                // Connection exceptions, but not 08P01 (a protocol violation is our bug).
                c if c.starts_with("08") && c != "08P01" => Failure::Unavailable,
                // SQLite: SQLITE_BUSY and SQLITE_LOCKED with their extended codes.
                "5" | "6" | "261" | "517" | "262" => Failure::Unavailable,
                // PostgreSQL integrity violations (23xxx) and SQLite's constraint codes.
                c if c.starts_with("23") || c == "19" || c == "1555" || c == "2067" || c == "787" || c == "275" => {
                    Failure::Constraint(
                        db.constraint()
                            .map(str::to_owned)
                            .unwrap_or_else(|| constraint_of_message(db.message())),
                    )
                }
                _ => Failure::Other,
            }
        }
        _ => Failure::Other,
    }
}

/// SQLite names no constraint; its message says which columns ("UNIQUE constraint
/// failed: people.login"), which is what callers match on.
fn constraint_of_message(message: &str) -> String {
    message
        .split_once("failed: ")
        .map(|(_, columns)| columns.to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_follows_the_url_scheme() {
        assert_eq!(Engine::of_url("sqlite://data/x.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("sqlite::memory:"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("postgres://u@h/db"), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("mysql://h/db"), None);
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact("sqlite://data/doorstep.db"), "sqlite://data/doorstep.db");
    }
}
