//! What residents browse, read whole from one snapshot of the database and kept in memory:
//! the search index, every service's result card, the categories and the grid.
//!
//! A [`Snapshot`] is immutable and remembers the `directory_version` it was read at;
//! `store::directory_cache` decides when it may answer (only while the database still has
//! that version) and when to read a new one.

mod cards;
mod grid;

use super::Engine;
use crate::search_index::{IndexedService, SearchIndex};
use app::domain::catalog::{CategoryGroup, CostKind};
use app::domain::lang::Lang;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

pub use cards::Cards;
pub use grid::{Categories, Grid};

/// Services read per statement: each stays well inside the statement timeout however big
/// the city grows (one statement for 100,000 took ~1.5 s on SQLite), all in one snapshot.
const SERVICES_PER_STATEMENT: usize = 10_000;

/// A text in both languages; pages pick one per request.
#[derive(Debug, Clone)]
pub struct Localized {
    zh: Box<str>,
    en: Box<str>,
}

impl Localized {
    /// Reads `{column}_zh` and `{column}_en`.
    fn read(row: &AnyRow, column: &str) -> Result<Self, sqlx::Error> {
        let zh: String = row.try_get(format!("{column}_zh").as_str())?;
        let en: String = row.try_get(format!("{column}_en").as_str())?;
        Ok(Self {
            zh: zh.into(),
            en: en.into(),
        })
    }

    fn get(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh.to_string(),
            Lang::En => self.en.to_string(),
        }
    }
}

/// The directory at one `directory_version`.
pub struct Snapshot {
    pub version: i64,
    pub index: SearchIndex,
    pub cards: Cards,
    pub categories: Categories,
    pub grid: Grid,
}

/// The rows a [`Snapshot`] is made of, before the index is built (which is CPU work, done
/// off the async threads).
pub struct DirectoryRead {
    pub version: i64,
    pub services: Vec<IndexedService>,
    cards: Cards,
    categories: Categories,
    grid: Grid,
}

impl DirectoryRead {
    /// `directory_version` and the whole directory, from one snapshot of the database.
    pub async fn read(pool: &AnyPool, engine: Engine) -> Result<Self, sqlx::Error> {
        Self::read_in_batches(pool, engine, SERVICES_PER_STATEMENT).await
    }

    /// As [`read`](Self::read), reading services `batch` at a time (public for tests).
    pub async fn read_in_batches(pool: &AnyPool, engine: Engine, batch: usize) -> Result<Self, sqlx::Error> {
        let mut tx = pool.begin().await?;
        if engine == Engine::Postgres {
            // One snapshot for every statement (SQLite's read transaction already is one).
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let version: i64 = sqlx::query_scalar("SELECT version FROM directory_version WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let mut services = Vec::new();
        let mut cards = Cards::default();
        let sql = format!(
            "SELECT {}, s.description_zh, s.description_en \
             FROM services s JOIN organizations o ON o.id = s.organization_id \
             JOIN categories c ON c.slug = s.category_slug \
             WHERE s.id > $1 AND o.suspended = 0 ORDER BY s.id LIMIT {batch}",
            cards::COLUMNS
        );
        let mut after = i64::MIN;
        loop {
            let rows = sqlx::query(&sql).bind(after).fetch_all(&mut *tx).await?;
            for row in &rows {
                services.push(indexed_service(row)?);
                cards.add(row)?;
            }
            match rows.last() {
                Some(last) if rows.len() == batch => after = last.try_get("id")?,
                _ => break,
            }
        }
        let categories = Categories::from_rows(&sqlx::query(grid::CATEGORIES_SQL).fetch_all(&mut *tx).await?)?;
        let grid = Grid::from_rows(&sqlx::query(grid::GRID_SQL).fetch_all(&mut *tx).await?)?;
        tx.commit().await?;
        Ok(Self {
            version,
            services,
            cards,
            categories,
            grid,
        })
    }

    /// Builds the search index (CPU-bound: about a second for 100,000 services).
    pub fn into_snapshot(self) -> Snapshot {
        Snapshot {
            version: self.version,
            index: SearchIndex::build(self.services),
            cards: self.cards,
            categories: self.categories,
            grid: self.grid,
        }
    }
}

fn indexed_service(row: &AnyRow) -> Result<IndexedService, sqlx::Error> {
    let group: String = row.try_get("group_slug")?;
    let cost: String = row.try_get("cost_kind")?;
    Ok(IndexedService {
        id: row.try_get("id")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        category: row.try_get("category_slug")?,
        group: CategoryGroup::parse(&group).ok_or_else(|| super::rows::corrupt("group_slug", &group))?,
        cost: CostKind::parse(&cost).ok_or_else(|| super::rows::corrupt("cost_kind", &cost))?,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
        description_zh: row.try_get("description_zh")?,
        description_en: row.try_get("description_en")?,
    })
}
