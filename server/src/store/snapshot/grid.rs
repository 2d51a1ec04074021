//! The categories and the grid as the search form and the place picker show them.
//!
//! Orders come from the database (the same `ORDER BY` as the SQL path, so text collation
//! is the engine's own) and are kept as read; lookups are by id.

use super::super::rows::corrupt;
use super::Localized;
use app::domain::catalog::CategoryGroup;
use app::domain::directory::{Category, GridRef};
use app::domain::grid::{GridKind, GridUnit};
use app::domain::ids::GridUnitId;
use app::domain::lang::Lang;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

pub const CATEGORIES_SQL: &str = "SELECT slug, group_slug, name_zh, name_en FROM categories ORDER BY sort_order, slug";

pub const GRID_SQL: &str =
    "SELECT id, parent_id, kind, name_zh, name_en, latitude, longitude FROM grid_units ORDER BY sort_order, id";

#[derive(Debug, Default)]
pub struct Categories(Vec<(String, CategoryGroup, Localized)>);

impl Categories {
    pub fn from_rows(rows: &[AnyRow]) -> Result<Self, sqlx::Error> {
        rows.iter()
            .map(|row| {
                let group: String = row.try_get("group_slug")?;
                Ok((
                    row.try_get("slug")?,
                    CategoryGroup::parse(&group).ok_or_else(|| corrupt("group_slug", &group))?,
                    Localized::read(row, "name")?,
                ))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn all(&self, lang: Lang) -> Vec<Category> {
        self.0
            .iter()
            .map(|(slug, group, name)| Category {
                slug: slug.clone(),
                group: *group,
                name: name.get(lang),
            })
            .collect()
    }
}

#[derive(Debug)]
struct Unit {
    id: i64,
    parent_id: Option<i64>,
    kind: GridKind,
    name: Localized,
    latitude: f64,
    longitude: f64,
}

impl Unit {
    fn view(&self, lang: Lang) -> GridUnit {
        GridUnit {
            id: GridUnitId::from_row(self.id),
            parent_id: self.parent_id.map(GridUnitId::from_row),
            kind: self.kind,
            name: self.name.get(lang),
            latitude: self.latitude,
            longitude: self.longitude,
        }
    }
}

/// Every grid unit, in `(sort_order, id)` order, with each unit's children in that order.
#[derive(Debug, Default)]
pub struct Grid {
    units: Vec<Unit>,
    by_id: HashMap<i64, usize>,
    children: HashMap<i64, Vec<usize>>,
    roots: Vec<usize>,
    /// Every page lists the communities: kept apart rather than filtered from 9,000 units.
    communities: Vec<usize>,
}

impl Grid {
    pub fn from_rows(rows: &[AnyRow]) -> Result<Self, sqlx::Error> {
        let mut grid = Self::default();
        for row in rows {
            let kind: String = row.try_get("kind")?;
            let unit = Unit {
                id: row.try_get("id")?,
                parent_id: row.try_get("parent_id")?,
                kind: GridKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
                name: Localized::read(row, "name")?,
                latitude: row.try_get("latitude")?,
                longitude: row.try_get("longitude")?,
            };
            let at = grid.units.len();
            grid.by_id.insert(unit.id, at);
            if unit.kind == GridKind::Community {
                grid.communities.push(at);
            }
            match unit.parent_id {
                Some(parent) => grid.children.entry(parent).or_default().push(at),
                None => grid.roots.push(at),
            }
            grid.units.push(unit);
        }
        Ok(grid)
    }

    pub fn all(&self, lang: Lang) -> Vec<GridUnit> {
        self.units.iter().map(|u| u.view(lang)).collect()
    }

    pub fn communities(&self, lang: Lang) -> Vec<GridUnit> {
        self.communities.iter().map(|&at| self.units[at].view(lang)).collect()
    }

    pub fn unit(&self, id: i64, lang: Lang) -> Option<GridUnit> {
        self.by_id.get(&id).map(|&at| self.units[at].view(lang))
    }

    /// The units directly under `parent` (the roots when `None`), in display order.
    pub fn children(&self, parent: Option<i64>, lang: Lang) -> Vec<GridUnit> {
        let at = match parent {
            Some(id) => self.children.get(&id).map(Vec::as_slice).unwrap_or_default(),
            None => &self.roots,
        };
        at.iter().map(|&at| self.units[at].view(lang)).collect()
    }

    /// A unit named, as a service or organization page refers to it.
    pub fn grid_ref(&self, id: i64, lang: Lang) -> Option<GridRef> {
        let unit = &self.units[*self.by_id.get(&id)?];
        Some(GridRef {
            id: GridUnitId::from_row(unit.id),
            kind: unit.kind,
            name: unit.name.get(lang),
        })
    }

    /// The courtyards, estates and resident units in the zones of a community, zone by
    /// zone (the order of the SQL path's `ORDER BY z.sort_order, z.id, u.sort_order, u.id`).
    pub fn home_places_in(&self, community_id: i64, lang: Lang) -> Vec<GridUnit> {
        let children = |id: i64| self.children.get(&id).into_iter().flatten().map(|&at| &self.units[at]);
        children(community_id)
            .filter(|zone| zone.kind == GridKind::Zone)
            .flat_map(|zone| children(zone.id))
            .filter(|u| matches!(u.kind, GridKind::Courtyard | GridKind::Estate | GridKind::ResidentUnit))
            .map(|u| u.view(lang))
            .collect()
    }
}
