//! The place picker: a resident narrows the district down to home in a few short steps
//! (subdistrict → community → courtyard, estate or unit) instead of scrolling one list
//! of every community. Each step is a page of its own, so it needs no script, and each
//! list is a handful of large choices, which older residents find easier than a long
//! drop-down.

use crate::error::AppError;
use crate::grid::{GridKind, GridUnit};
use crate::ids::GridUnitId;
use crate::lang::Lang;
use crate::store::DirectoryStore;
use serde::{Deserialize, Serialize};

/// One step of the picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacePicker {
    /// The units above and including the one whose contents are shown, from the top:
    /// each a way back up. Empty at the top of a grid without a single root.
    pub trail: Vec<GridUnit>,
    pub step: PickerStep,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PickerStep {
    /// Areas to narrow down to: a district's subdistricts, a subdistrict's communities.
    Areas(Vec<GridUnit>),
    /// A community: chosen whole, or a place in one of its zones.
    Community {
        community: GridUnit,
        zones: Vec<ZonePlaces>,
    },
}

/// A zone (片区) and the courtyards, estates and resident units in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZonePlaces {
    pub zone: GridUnit,
    pub places: Vec<GridUnit>,
}

/// The grid is district → subdistrict → community → zone → place → building: no walk up
/// or down it takes more steps than this, whatever the data says (a cycle stops here).
const MAX_DEPTH: usize = 8;

/// The step that shows `within`: the top of the grid when `None`; for a unit below a
/// community (a zone, a courtyard, a building), its community, where it can be chosen.
/// Levels with a single area (a city's one district, a subdistrict's one community) are
/// stepped through: a choice of one is no choice.
pub async fn place_picker(
    store: &dyn DirectoryStore,
    within: Option<GridUnitId>,
    lang: Lang,
) -> Result<PlacePicker, AppError> {
    let mut shown = match within {
        None => None,
        Some(id) => Some(
            store
                .grid_unit(id, lang)
                .await?
                .ok_or_else(|| AppError::not_found("地点", "place"))?,
        ),
    };
    for _ in 0..MAX_DEPTH {
        match &shown {
            Some(unit) if unit.kind.level() > 1 => {
                shown = match unit.parent_id {
                    Some(parent) => store.grid_unit(parent, lang).await?,
                    None => None,
                }
            }
            _ => break,
        }
    }
    // Areas to choose from, stepping through any level that offers only one.
    let mut areas = Vec::new();
    if !shown.as_ref().is_some_and(|u| u.kind == GridKind::Community) {
        areas = areas_in(store, shown.as_ref().map(|u| u.id), lang).await?;
        for _ in 0..MAX_DEPTH {
            let [only] = areas.as_slice() else { break };
            shown = Some(only.clone());
            if only.kind == GridKind::Community {
                break;
            }
            areas = areas_in(store, Some(only.id), lang).await?;
        }
    }
    let step = match &shown {
        Some(community) if community.kind == GridKind::Community => PickerStep::Community {
            community: community.clone(),
            zones: zones_of(store, community.id, lang).await?,
        },
        _ => PickerStep::Areas(areas),
    };
    Ok(PlacePicker {
        trail: trail_to(store, shown, lang).await?,
        step,
    })
}

/// The districts, subdistricts and communities directly under `parent` (or at the top).
async fn areas_in(
    store: &dyn DirectoryStore,
    parent: Option<GridUnitId>,
    lang: Lang,
) -> Result<Vec<GridUnit>, AppError> {
    let mut units = store.grid_children(parent, lang).await?;
    units.retain(|u| u.kind.level() <= 1);
    Ok(units)
}

/// A community's places, under the zones they are in, both in display order; a zone with
/// no place to choose is left out.
async fn zones_of(store: &dyn DirectoryStore, community: GridUnitId, lang: Lang) -> Result<Vec<ZonePlaces>, AppError> {
    let mut places = store.home_places_in(community, lang).await?;
    let zones = store.grid_children(Some(community), lang).await?;
    Ok(zones
        .into_iter()
        .filter(|zone| zone.kind == GridKind::Zone)
        .filter_map(|zone| {
            let (inside, rest) = places.drain(..).partition(|p: &GridUnit| p.parent_id == Some(zone.id));
            places = rest;
            (!inside.is_empty()).then_some(ZonePlaces { zone, places: inside })
        })
        .collect())
}

/// `unit` and the units above it, from the top.
async fn trail_to(store: &dyn DirectoryStore, unit: Option<GridUnit>, lang: Lang) -> Result<Vec<GridUnit>, AppError> {
    let mut trail = Vec::new();
    let mut next = unit;
    while let Some(unit) = next.take() {
        if trail.len() == MAX_DEPTH {
            break;
        }
        if let Some(parent) = unit.parent_id {
            next = store.grid_unit(parent, lang).await?;
        }
        trail.push(unit);
    }
    trail.reverse();
    Ok(trail)
}

#[cfg(test)]
mod tests;
