//! Bringing a snapshot up to date from the change log (`directory_changes`, migration
//! 0009) instead of reading the directory whole.
//!
//! One read transaction takes `directory_version`, the changes since the snapshot's
//! version and the changed rows as they are now, so the result is exactly the database at
//! that version. The snapshot's base is shared, not copied: the new snapshot carries the
//! changed services and organizations beside it, and a small search index of the changed
//! services (`search_index::Layered`).

use super::details::{coverage_where, ORGANIZATIONS_SQL};
use super::{
    begin_read, indexed_service, next_build, services_sql, Card, Cards, Interner, OrganizationFacts, ServiceFacts,
    Snapshot,
};
use crate::search_index::IndexedService;
use crate::store::directory::SHOWN_JOINED;
use crate::store::Engine;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Row};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

/// Beyond this many changed services since the base, a change is not applied as a delta:
/// the directory is read whole (a whole organization of thousands suspended, a bulk load).
const MOST_CHANGES: usize = 20_000;

/// Ids per `IN (…)` list: well inside both engines' limits on statement size.
const IDS_PER_STATEMENT: usize = 500;

/// The services and organizations changed since the base was read, as they are now;
/// `None` where one is no longer shown.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub services: HashMap<i64, Option<Arc<ChangedService>>>,
    pub organizations: HashMap<i64, Option<Arc<OrganizationFacts>>>,
}

/// A changed service as the snapshot keeps it.
#[derive(Debug)]
pub struct ChangedService {
    pub card: Card,
    pub facts: ServiceFacts,
    /// What search needs; `None` for a service shown but not listed (paused).
    pub indexed: Option<IndexedService>,
}

/// What the change log says happened since a version.
#[derive(Debug, Default)]
struct Logged {
    services: BTreeSet<i64>,
    organizations: BTreeSet<i64>,
    /// A change to the grid or the categories, which every card shows.
    everything: bool,
}

impl Snapshot {
    /// This snapshot with every change committed since it was read, or `None` when the
    /// changes cannot be applied one by one (the grid or categories changed, the log no
    /// longer reaches back to this version, too much changed, or the database went back
    /// in time): then the directory must be read whole.
    pub async fn with_changes_since(&self, pool: &AnyPool, engine: Engine) -> Result<Option<Snapshot>, sqlx::Error> {
        let read_started = Instant::now();
        let (mut tx, version) = begin_read(pool, engine).await?;
        let kept_from: i64 = sqlx::query_scalar("SELECT from_version FROM directory_changes_kept WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        if version < self.version || self.version < kept_from {
            return Ok(None);
        }
        let logged = read_log(&mut tx, self.version, version).await?;
        if logged.everything || self.changes.services.len() + logged.services.len() > MOST_CHANGES {
            return Ok(None);
        }
        let mut services = logged.services;
        for ids in chunks(&logged.organizations) {
            let sql = format!("SELECT id FROM services WHERE organization_id IN ({ids})");
            services.extend(sqlx::query_scalar::<_, i64>(&sql).fetch_all(&mut *tx).await?);
        }
        if self.changes.services.len() + services.len() > MOST_CHANGES {
            return Ok(None);
        }

        let mut changes = Changes::clone(&self.changes);
        let mut reader = ServiceReader::default();
        if !services.is_empty() && logged.organizations.is_empty() {
            // The usual change (offerings edited): the services the log names, read by
            // statements that stay the same from one change to the next.
            reader
                .read(
                    &mut tx,
                    &Which::Logged {
                        after: self.version,
                        upto: version,
                    },
                )
                .await?;
        } else {
            for ids in chunks(&services) {
                reader.read(&mut tx, &Which::Ids(&ids)).await?;
            }
        }
        for id in &services {
            let now = reader.read.remove(id).map(Arc::new);
            changes.services.insert(*id, now);
        }
        for ids in chunks(&logged.organizations) {
            let sql = format!("{ORGANIZATIONS_SQL} AND id IN ({ids})");
            let mut read = HashMap::new();
            for row in sqlx::query(&sql).fetch_all(&mut *tx).await? {
                read.insert(row.try_get::<i64, _>("id")?, Arc::new(OrganizationFacts::read(&row)?));
            }
            for id in ids.split(',').map(|id| id.parse::<i64>().expect("ids we formatted")) {
                changes.organizations.insert(id, read.remove(&id));
            }
        }
        tx.commit().await?;

        if services.is_empty() && logged.organizations.is_empty() {
            // Versions that changed nothing shown (a statement that touched no row).
            return Ok(Some(Snapshot {
                version,
                read_started,
                ..self.clone()
            }));
        }
        let current: Vec<IndexedService> = changes
            .services
            .values()
            .filter_map(|s| s.as_deref().and_then(|s| s.indexed.clone()))
            .collect();
        let index = self.index.with_changes(changes.services.keys().copied(), current);
        metrics::counter!("directory_deltas_applied_total").increment(1);
        Ok(Some(Snapshot {
            version,
            build: next_build(),
            read_started,
            base: self.base.clone(),
            changes: Arc::new(changes),
            index: Arc::new(index),
        }))
    }
}

impl Clone for Snapshot {
    /// The same contents (and build number); cheap: the parts are shared.
    fn clone(&self) -> Self {
        Snapshot {
            version: self.version,
            build: self.build,
            read_started: self.read_started,
            base: self.base.clone(),
            changes: self.changes.clone(),
            index: self.index.clone(),
        }
    }
}

/// The changed services to read.
enum Which<'a> {
    /// Those the log names after one version up to another: the statements stay the same
    /// from one change to the next, so PostgreSQL prepares and plans them once (ids as
    /// literals made a new statement, planned afresh, for every change).
    Logged { after: i64, upto: i64 },
    /// These ids, comma-separated (when organizations changed, their services too).
    Ids(&'a str),
}

/// The services the log names between two bound versions.
const LOGGED_SERVICES: &str =
    "SELECT entity_id FROM directory_changes WHERE version > $1 AND version <= $2 AND entity = 'service'";

impl Which<'_> {
    /// The condition on `column` (a service id) that selects them.
    fn condition(&self, column: &str) -> String {
        match self {
            Which::Logged { .. } => format!("{column} IN ({LOGGED_SERVICES})"),
            Which::Ids(ids) => format!("{column} IN ({ids})"),
        }
    }

    fn bind<'q>(&self, query: Query<'q, Any, AnyArguments<'q>>) -> Query<'q, Any, AnyArguments<'q>> {
        match self {
            Which::Logged { after, upto } => query.bind(*after).bind(*upto),
            Which::Ids(_) => query,
        }
    }
}

/// Reads changed services as the snapshot keeps them; what is not read is no longer shown.
#[derive(Default)]
struct ServiceReader {
    cards: Cards,
    texts: Interner,
    read: HashMap<i64, ChangedService>,
}

impl ServiceReader {
    async fn read(&mut self, tx: &mut sqlx::Transaction<'_, Any>, which: &Which<'_>) -> Result<(), sqlx::Error> {
        let sql = services_sql(&format!("{} AND {SHOWN_JOINED}", which.condition("s.id")));
        for row in which.bind(sqlx::query(&sql)).fetch_all(&mut **tx).await? {
            let listed = row.try_get::<String, _>("status")? == "active";
            let indexed = listed.then(|| indexed_service(&row)).transpose()?;
            let changed = ChangedService {
                card: self.cards.read(&row)?,
                facts: ServiceFacts::read(&row, &mut self.texts)?,
                indexed,
            };
            self.read.insert(row.try_get("id")?, changed);
        }
        let coverage = coverage_where(&which.condition("sc.service_id"));
        for row in which.bind(sqlx::query(&coverage)).fetch_all(&mut **tx).await? {
            if let Some(changed) = self.read.get_mut(&row.try_get("service_id")?) {
                changed.facts.coverage.push(row.try_get("grid_unit_id")?);
            }
        }
        Ok(())
    }
}

async fn read_log(tx: &mut sqlx::Transaction<'_, sqlx::Any>, after: i64, upto: i64) -> Result<Logged, sqlx::Error> {
    let rows = sqlx::query("SELECT entity, entity_id FROM directory_changes WHERE version > $1 AND version <= $2")
        .bind(after)
        .bind(upto)
        .fetch_all(&mut **tx)
        .await?;
    let mut logged = Logged::default();
    for row in rows {
        let id: i64 = row.try_get("entity_id")?;
        match row.try_get::<String, _>("entity")?.as_str() {
            "service" => {
                logged.services.insert(id);
            }
            "organization" => {
                logged.organizations.insert(id);
            }
            _ => logged.everything = true,
        }
    }
    Ok(logged)
}

/// Ids as comma-separated literals, [`IDS_PER_STATEMENT`] at a time. Literals, not
/// parameters: they are integers read from the database, and one statement shape per
/// chunk size would otherwise be prepared for every count.
fn chunks(ids: &BTreeSet<i64>) -> Vec<String> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    ids.chunks(IDS_PER_STATEMENT)
        .map(|chunk| chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
        .collect()
}
