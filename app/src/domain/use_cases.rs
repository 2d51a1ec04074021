//! The directory's use cases: the single path from any adapter (server function, REST
//! handler) to the store. Each takes already-parsed input and returns wire types.

use super::directory::{Category, OrganizationDetail, SearchPage, ServiceDetail};
use super::error::AppError;
use super::geo::Coordinates;
use super::grid::{build_tree, GridNode, GridUnit};
use super::lang::Lang;
use super::search::{Origin, SearchParams};
use super::store::DirectoryStore;
use super::validation::FieldError;

/// Resolves where the resident is: a position as given, or a grid place's coordinate.
pub async fn resolve_origin(
    store: &dyn DirectoryStore,
    origin: Option<Origin>,
    lang: Lang,
) -> Result<Option<Coordinates>, AppError> {
    match origin {
        None => Ok(None),
        Some(Origin::Position(p)) => Ok(Some(p)),
        Some(Origin::Place(id)) => {
            let unit = store
                .grid_unit(id, lang)
                .await?
                .ok_or_else(|| FieldError::new("place", "no place on the grid has this id"))?;
            Ok(Coordinates::new(unit.latitude, unit.longitude).ok())
        }
    }
}

/// The directory search, for the home page and `GET /api/v1/services` alike.
pub async fn search_services(
    store: &dyn DirectoryStore,
    params: SearchParams,
    lang: Lang,
) -> Result<SearchPage, AppError> {
    let lang = params.lang.unwrap_or(lang);
    let near = resolve_origin(store, params.origin, lang).await?;
    Ok(store.search_services(&params.resolve(near, lang)).await?)
}

pub async fn service_detail(
    store: &dyn DirectoryStore,
    id: i64,
    lang: Lang,
    near: Option<Coordinates>,
) -> Result<ServiceDetail, AppError> {
    store
        .service(id, lang, near)
        .await?
        .ok_or_else(|| AppError::not_found("service"))
}

pub async fn organization_detail(
    store: &dyn DirectoryStore,
    id: i64,
    lang: Lang,
    near: Option<Coordinates>,
) -> Result<OrganizationDetail, AppError> {
    store
        .organization(id, lang, near)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))
}

pub async fn categories(store: &dyn DirectoryStore, lang: Lang) -> Result<Vec<Category>, AppError> {
    Ok(store.categories(lang).await?)
}

pub async fn grid_tree(store: &dyn DirectoryStore, lang: Lang) -> Result<Vec<GridNode>, AppError> {
    Ok(build_tree(store.grid_units(lang).await?))
}

/// The places a resident can pick as home, grouped under their community, for the
/// location picker: `(community, [its courtyards, estates and units])`.
pub async fn home_places(store: &dyn DirectoryStore, lang: Lang) -> Result<Vec<(GridUnit, Vec<GridUnit>)>, AppError> {
    let units = store.grid_units(lang).await?;
    Ok(group_home_places(units))
}

/// Pure part of [`home_places`]: communities in order, each with the level-3 places below it.
pub fn group_home_places(units: Vec<GridUnit>) -> Vec<(GridUnit, Vec<GridUnit>)> {
    use super::grid::GridKind;
    use std::collections::HashMap;
    let parent_of: HashMap<i64, Option<i64>> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    let community_of = |mut id: i64| -> Option<i64> {
        // Walk up at most the grid's depth.
        for _ in 0..8 {
            let parent = (*parent_of.get(&id)?)?;
            if units.iter().any(|u| u.id == parent && u.kind == GridKind::Community) {
                return Some(parent);
            }
            id = parent;
        }
        None
    };
    let mut places: HashMap<i64, Vec<GridUnit>> = HashMap::new();
    for unit in units.iter().filter(|u| u.kind.level() == 3) {
        if let Some(c) = community_of(unit.id) {
            places.entry(c).or_default().push(unit.clone());
        }
    }
    units
        .iter()
        .filter(|u| u.kind == GridKind::Community)
        .map(|c| (c.clone(), places.remove(&c.id).unwrap_or_default()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::grid::GridKind;

    fn unit(id: i64, parent: Option<i64>, kind: GridKind) -> GridUnit {
        GridUnit {
            id,
            parent_id: parent,
            kind,
            name: format!("u{id}"),
            latitude: 30.6,
            longitude: 104.0,
        }
    }

    #[test]
    fn home_places_group_level_three_units_under_their_community() {
        let grouped = group_home_places(vec![
            unit(1, None, GridKind::Subdistrict),
            unit(2, Some(1), GridKind::Community),
            unit(3, Some(2), GridKind::Zone),
            unit(4, Some(3), GridKind::Courtyard),
            unit(5, Some(3), GridKind::Estate),
            unit(6, Some(5), GridKind::Building),
            unit(7, Some(1), GridKind::Community),
        ]);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped[0].1.iter().map(|u| u.id).collect::<Vec<_>>(), vec![4, 5]);
        assert!(grouped[1].1.is_empty());
    }
}
