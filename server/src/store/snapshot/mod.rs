//! What residents browse, read whole from one snapshot of the database and kept in memory:
//! the search index, every service's result card, the categories and the grid.
//!
//! A [`Snapshot`] is immutable and remembers the `directory_version` it was read at;
//! `store::directory_cache` decides when it may answer (only while the database still has
//! that version) and when to read a new one.
//!
//! A snapshot is a *base*, read whole and shared by every snapshot until the next whole
//! read, plus the services and organizations changed since, as they are now
//! ([`changes`]): applying a change copies only what changed, never the base.

mod by_id;
mod cards;
mod changes;
mod details;
mod grid;
mod read;

use super::directory::SHOWN_JOINED;
use super::Engine;
use crate::search_index::{IndexedService, Layered, SearchIndex};
use app::domain::catalog::{CategoryGroup, CostKind};
use app::domain::directory::{OrganizationDetail, SearchPage, ServiceDetail, ServiceSummary};
use app::domain::geo::LocalPlane;
use app::domain::ids::OrganizationId;
use app::domain::lang::Lang;
use app::domain::search::ServiceSearch;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

pub use cards::{Card, Cards};
use changes::Changes;
pub use details::{Details, OrganizationFacts, ServiceFacts};
pub use grid::{Categories, Grid};
use read::{begin_read, indexed_service, services_sql};
pub use read::{indexed_services, DirectoryRead};

/// The services' texts the index searches (and the pages show), beside the cards' columns.
const DESCRIPTIONS: &str = "s.description_zh, s.description_en, s.search_text";

/// Services read per statement: each stays well inside the statement timeout however big
/// the city grows (one statement for 100,000 took ~1.5 s on SQLite), all in one snapshot.
const SERVICES_PER_STATEMENT: usize = 10_000;

/// A text in both languages, in one allocation (the Chinese, then the English): a
/// service's name is two short texts, and two allocations with their counts cost more
/// than the text itself. Pages pick one language per request.
#[derive(Debug, Clone)]
pub struct Localized {
    both: Arc<str>,
    /// Where the English starts in `both`.
    split: u32,
}

impl Localized {
    fn new(zh: &str, en: &str) -> Self {
        let mut both = String::with_capacity(zh.len() + en.len());
        both.push_str(zh);
        both.push_str(en);
        Self {
            both: both.into(),
            split: zh.len() as u32,
        }
    }

    /// Reads `{column}_zh` and `{column}_en`.
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        // Borrowed from the row: the only allocation is the one the snapshot keeps.
        let zh: &str = row.try_get(format!("{column}_zh").as_str())?;
        let en: &str = row.try_get(format!("{column}_en").as_str())?;
        Ok(Self::new(zh, en))
    }

    /// As [`read`](Self::read), keeping one copy of texts many rows repeat.
    fn read_shared(row: &AnyRow, column: &str, texts: &mut Interner) -> Result<Self, sqlx::Error> {
        Ok(texts.localized(
            row.try_get(format!("{column}_zh").as_str())?,
            row.try_get(format!("{column}_en").as_str())?,
        ))
    }

    pub fn of(&self, lang: Lang) -> &str {
        let (zh, en) = self.both.split_at(self.split as usize);
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    fn get(&self, lang: Lang) -> String {
        self.of(lang).to_owned()
    }
}

/// One copy of each distinct text, while a snapshot is read: hours, descriptions,
/// addresses, eligibility notes and price units recur across thousands of services (an
/// organization describes its offerings alike), and 100,000 copies of each cost tens of
/// megabytes. Dropped once the read is done; the texts stay, shared.
#[derive(Debug, Default)]
pub struct Interner {
    texts: std::collections::HashSet<Arc<str>>,
    /// Both languages joined, and where each pair seen with that join splits (two pairs
    /// may join alike: "ab" + "c" and "a" + "bc").
    pairs: HashMap<Arc<str>, Vec<u32>>,
    joined: String,
    optional_pairs: std::collections::HashSet<OptionalPair>,
}

/// Two optional texts, Chinese and English (an eligibility note), shared by the services
/// that have the same: one pointer each instead of two.
pub type OptionalPair = Arc<(Option<Arc<str>>, Option<Arc<str>>)>;

impl Interner {
    pub fn text(&mut self, text: &str) -> Arc<str> {
        if let Some(known) = self.texts.get(text) {
            return known.clone();
        }
        let text: Arc<str> = text.into();
        self.texts.insert(text.clone());
        text
    }

    pub fn optional(&mut self, text: Option<&str>) -> Option<Arc<str>> {
        text.map(|t| self.text(t))
    }

    pub fn optional_pair(&mut self, zh: Option<&str>, en: Option<&str>) -> Option<OptionalPair> {
        if zh.is_none() && en.is_none() {
            return None;
        }
        let pair = (self.optional(zh), self.optional(en));
        if let Some(known) = self.optional_pairs.get(&pair) {
            return Some(known.clone());
        }
        let pair = Arc::new(pair);
        self.optional_pairs.insert(pair.clone());
        Some(pair)
    }

    pub fn localized(&mut self, zh: &str, en: &str) -> Localized {
        self.joined.clear();
        self.joined.push_str(zh);
        self.joined.push_str(en);
        let split = zh.len() as u32;
        if let Some((both, splits)) = self.pairs.get_key_value(self.joined.as_str()) {
            if splits.contains(&split) {
                return Localized {
                    both: both.clone(),
                    split,
                };
            }
        }
        let both: Arc<str> = self.joined.as_str().into();
        self.pairs.entry(both.clone()).or_default().push(split);
        Localized { both, split }
    }
}

/// Tells snapshots apart within a process, in the order they were built: a version
/// number alone could come round again (a database restored from a backup).
static BUILDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_build() -> u64 {
    BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The directory at one `directory_version`.
pub struct Snapshot {
    pub version: i64,
    /// This process's number for this snapshot's contents, increasing with each change.
    pub build: u64,
    /// When the database read this snapshot reflects began: it holds every write
    /// committed before that moment.
    pub read_started: Instant,
    base: Arc<Base>,
    changes: Arc<Changes>,
    index: Arc<Layered>,
}

/// The directory as read whole: shared by the snapshots that add changes to it.
struct Base {
    cards: Cards,
    details: Details,
    categories: Categories,
    grid: Grid,
}

/// What a snapshot says of one service or organization.
#[derive(Debug, PartialEq)]
pub enum Lookup<T> {
    Found(T),
    /// Not in the directory (or its organization is suspended).
    Absent,
    /// The snapshot's parts disagree, which is a bug (logged): ask SQL instead.
    Inconsistent,
}

impl<T> Lookup<T> {
    /// The snapshot's answer (found or not), or `None` when SQL must answer instead.
    pub fn answer(self) -> Option<Option<T>> {
        match self {
            Lookup::Found(found) => Some(Some(found)),
            Lookup::Absent => Some(None),
            Lookup::Inconsistent => None,
        }
    }
}

impl Snapshot {
    pub fn categories(&self) -> &Categories {
        &self.base.categories
    }

    pub fn grid(&self) -> &Grid {
        &self.base.grid
    }

    /// How many services search finds.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Bytes the search index holds, and its text part ([`Layered::heap_bytes`]).
    pub fn index_bytes(&self) -> (usize, usize) {
        self.index.heap_bytes()
    }

    /// How many services changed since the base was read.
    pub fn changed(&self) -> usize {
        self.changes.services.len()
    }

    fn card(&self, id: i64) -> Option<&Card> {
        match self.changes.services.get(&id) {
            Some(changed) => changed.as_deref().map(|s| &s.card),
            None => self.base.cards.card(id),
        }
    }

    fn facts(&self, id: i64) -> Option<&ServiceFacts> {
        match self.changes.services.get(&id) {
            Some(changed) => changed.as_deref().map(|s| &s.facts),
            None => self.base.details.service(id),
        }
    }

    fn organization_facts(&self, id: i64) -> Option<&OrganizationFacts> {
        match self.changes.organizations.get(&id) {
            Some(changed) => changed.as_deref(),
            None => self.base.details.organization(id),
        }
    }

    /// A service's result card, if it is shown.
    pub fn summary(&self, id: i64, lang: Lang, plane: Option<&LocalPlane>) -> Option<ServiceSummary> {
        self.card(id).map(|card| card.summary(id, lang, plane))
    }

    /// The search as [`SqlStore::search_by_sql`](super::SqlStore) answers it, or `None`
    /// when the snapshot's parts disagree (a bug, logged: SQL answers instead).
    pub fn search(&self, search: &ServiceSearch) -> Option<SearchPage> {
        let hits = self
            .index
            .search(search, |id| self.card(id).map_or("", |card| card.name(search.lang)));
        let plane = search.near.map(LocalPlane::new);
        let items: Vec<_> = hits
            .ids
            .iter()
            .filter_map(|id| self.summary(*id, search.lang, plane.as_ref()))
            .collect();
        if items.len() != hits.ids.len() {
            tracing::error!(version = self.version, "search index and cards disagree");
            return None;
        }
        Some(SearchPage {
            total: hits.total,
            items,
        })
    }

    /// Up to `limit` listed services of an organization by name in `lang`, leaving out
    /// `except`: the base's sorted list without the changed services, merged with the
    /// changed ones still listed there.
    fn of_organization(
        &self,
        organization_id: i64,
        except: Option<i64>,
        lang: Lang,
        plane: Option<&LocalPlane>,
        limit: usize,
    ) -> Vec<ServiceSummary> {
        let changed = &self.changes.services;
        let key = |id: &i64| (self.card(*id).map_or("", |card| card.name(lang)), *id);
        let unchanged = self.base.cards.listed_of(organization_id, lang).iter().copied();
        let mut recent: Vec<i64> = changed
            .iter()
            .filter(|(_, s)| {
                s.as_deref()
                    .is_some_and(|s| s.indexed.is_some() && s.card.organization_id() == organization_id)
            })
            .map(|(id, _)| *id)
            .collect();
        recent.sort_by_key(key);
        let mut unchanged = unchanged.filter(|id| !changed.contains_key(id)).peekable();
        let mut recent = recent.into_iter().peekable();
        let mut found = Vec::new();
        while found.len() < limit {
            let next = match (unchanged.peek(), recent.peek()) {
                (Some(a), Some(b)) if key(a) <= key(b) => unchanged.next(),
                (Some(_), None) => unchanged.next(),
                _ => recent.next(),
            };
            let Some(id) = next else { break };
            if Some(id) != except {
                found.extend(self.summary(id, lang, plane));
            }
        }
        found
    }

    /// A service's page, as [`SqlStore::service`](super::SqlStore) reads it by SQL.
    pub fn service(&self, id: i64, lang: Lang, plane: Option<&LocalPlane>, offerings: usize) -> Lookup<ServiceDetail> {
        let Some(summary) = self.summary(id, lang, plane) else {
            return Lookup::Absent;
        };
        let facts = self.facts(id);
        let place = facts.and_then(|f| self.grid().grid_ref(f.grid_unit_id, lang));
        let (Some(facts), Some(place)) = (facts, place) else {
            return self.inconsistent("service", id);
        };
        let Some(coverage) = facts
            .coverage
            .iter()
            .map(|&unit| self.grid().grid_ref(unit, lang))
            .collect::<Option<Vec<_>>>()
        else {
            return self.inconsistent("coverage", id);
        };
        let other_offerings = self.of_organization(summary.organization.id.get(), Some(id), lang, plane, offerings);
        Lookup::Found(ServiceDetail {
            summary,
            description: facts.description.get(lang),
            delivery: facts.delivery,
            hours: facts.hours.get(lang),
            eligibility: facts.eligibility(lang),
            phone: facts.phone.to_string(),
            capacity: facts.capacity,
            place,
            coverage,
            other_offerings,
            paused: facts.paused().map(str::to_owned),
            photo: facts.photo().map(str::to_owned),
        })
    }

    /// An organization's page, as [`SqlStore::organization`](super::SqlStore) reads it by SQL.
    pub fn organization(
        &self,
        id: i64,
        lang: Lang,
        plane: Option<&LocalPlane>,
        offerings: usize,
    ) -> Lookup<OrganizationDetail> {
        let Some(facts) = self.organization_facts(id) else {
            return Lookup::Absent;
        };
        let Some(community) = self.grid().grid_ref(facts.community_id, lang) else {
            return self.inconsistent("organization", id);
        };
        Lookup::Found(OrganizationDetail {
            id: OrganizationId::from_row(id),
            name: facts.name.get(lang),
            kind: facts.kind,
            description: facts.description.get(lang),
            phone: facts.phone.to_string(),
            address: facts.address.get(lang),
            latitude: facts.latitude,
            longitude: facts.longitude,
            verified: facts.verified,
            community,
            offerings: self.of_organization(id, None, lang, plane, offerings),
        })
    }

    fn inconsistent<T>(&self, what: &str, id: i64) -> Lookup<T> {
        tracing::error!(version = self.version, what, id, "directory snapshot is inconsistent");
        Lookup::Inconsistent
    }
}

/// Every `(table, column)` a snapshot reads, taken from its queries themselves, so that a
/// test can check each one bumps `directory_version` when updated (migration 0004 lists
/// the columns that do; a column read here but missing there would go stale). Primary
/// keys are left out: they never change.
pub fn columns_read() -> Vec<(&'static str, String)> {
    let aliased = |list: &str| -> Vec<(&'static str, String)> {
        list.split(',')
            .filter_map(|item| {
                let column = item.split(" AS ").next()?.trim();
                let (alias, name) = column.split_once('.')?;
                let table = match alias {
                    "s" => "services",
                    "o" => "organizations",
                    "c" => "categories",
                    "sr" => "service_ratings",
                    _ => return None,
                };
                Some((table, name.to_owned()))
            })
            .collect()
    };
    let selected = |table: &'static str, sql: &str| -> Vec<(&'static str, String)> {
        let list = sql
            .trim_start_matches("SELECT ")
            .split(" FROM ")
            .next()
            .unwrap_or_default();
        list.split(',').map(|c| (table, c.trim().to_owned())).collect()
    };
    let mut all = aliased(cards::COLUMNS);
    all.extend(aliased(details::SERVICE_COLUMNS));
    all.extend(aliased(DESCRIPTIONS));
    all.extend(selected("organizations", details::ORGANIZATIONS_SQL));
    all.extend(selected("grid_units", grid::GRID_SQL));
    all.extend(selected("categories", grid::CATEGORIES_SQL));
    // The orders the queries sort by are shown too (sort_order), and primary keys never change.
    all.push(("grid_units", "sort_order".to_owned()));
    all.push(("categories", "sort_order".to_owned()));
    all.retain(|(_, column)| column != "id");
    all.sort();
    all.dedup();
    all
}
