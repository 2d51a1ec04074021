//! Bringing a snapshot up to date from the change log (`directory_changes`, migration
//! 0009) instead of reading the directory whole.
//!
//! One read transaction takes `directory_version`, the changes since the snapshot's
//! version and the changed rows as they are now, so the result is exactly the database at
//! that version. The snapshot's base is shared, not copied: the new snapshot carries the
//! changed services and organizations beside it, and a small search index of the changed
//! services (`search_index::Layered`).

use super::details::{coverage_of, ORGANIZATIONS_SQL};
use super::{
    begin_read, indexed_service, next_build, services_sql, Card, Cards, Interner, OrganizationFacts, ServiceFacts,
    Snapshot,
};
use crate::search_index::IndexedService;
use crate::store::directory::SHOWN_JOINED;
use crate::store::Engine;
use sqlx::{AnyPool, Row};
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
        let (mut cards, mut texts) = (Cards::default(), Interner::default());
        for ids in chunks(&services) {
            let sql = services_sql(&format!("s.id IN ({ids}) AND {SHOWN_JOINED}"));
            let mut read: HashMap<i64, (Card, ServiceFacts, Option<IndexedService>)> = HashMap::new();
            for row in sqlx::query(&sql).fetch_all(&mut *tx).await? {
                let listed = row.try_get::<String, _>("status")? == "active";
                let indexed = listed.then(|| indexed_service(&row)).transpose()?;
                read.insert(
                    row.try_get("id")?,
                    (cards.read(&row)?, ServiceFacts::read(&row, &mut texts)?, indexed),
                );
            }
            for row in sqlx::query(&coverage_of(&ids)).fetch_all(&mut *tx).await? {
                if let Some((_, facts, _)) = read.get_mut(&row.try_get("service_id")?) {
                    facts.coverage.push(row.try_get("grid_unit_id")?);
                }
            }
            for id in ids.split(',').map(|id| id.parse::<i64>().expect("ids we formatted")) {
                let now = read
                    .remove(&id)
                    .map(|(card, facts, indexed)| Arc::new(ChangedService { card, facts, indexed }));
                changes.services.insert(id, now);
            }
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
