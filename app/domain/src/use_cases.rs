//! The directory's use cases: the single path from any adapter (server function, REST
//! handler) to the store. Each takes already-parsed input and returns wire types.

use super::directory::{Category, OrganizationDetail, SearchPage, ServiceDetail};
use super::error::AppError;
use super::geo::Coordinates;
use super::grid::{build_tree, GridNode};
use super::ids::{GridUnitId, OrganizationId, ServiceId};
use super::lang::Lang;
use super::search::{Origin, SearchParams};
use super::store::DirectoryStore;
use super::validation::FieldError;

pub use super::place_picker::place_picker;

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
                .ok_or_else(|| FieldError::new("place", "网格上没有这个地点", "no place on the grid has this id"))?;
            Ok(Coordinates::new(unit.latitude, unit.longitude).ok())
        }
    }
}

/// The name of a place on the grid, if it exists (for "near …" on the home page).
pub async fn place_name(store: &dyn DirectoryStore, id: GridUnitId, lang: Lang) -> Result<Option<String>, AppError> {
    Ok(store.grid_unit(id, lang).await?.map(|unit| unit.name))
}

/// The directory search, for the home page and `GET /api/v1/services` alike.
pub async fn search_services(
    store: &dyn DirectoryStore,
    params: SearchParams,
    lang: Lang,
) -> Result<SearchPage, AppError> {
    let lang = params.lang.unwrap_or(lang);
    if !params.categories.is_empty() {
        // A typo in a category must not look like "no services here".
        let known = store.categories(lang).await?;
        if let Some(unknown) = params
            .categories
            .iter()
            .find(|slug| !known.iter().any(|c| c.slug == slug.as_str()))
        {
            return Err(FieldError::with(
                "category",
                super::message::Message::owned(
                    format!("没有“{unknown}”这个分类"),
                    format!("there is no category {unknown:?}"),
                ),
            )
            .into());
        }
    }
    let near = resolve_origin(store, params.origin, lang).await?;
    Ok(store.search_services(&params.resolve(near, lang)).await?)
}

pub async fn service_detail(
    store: &dyn DirectoryStore,
    id: ServiceId,
    lang: Lang,
    near: Option<Coordinates>,
) -> Result<ServiceDetail, AppError> {
    store
        .service(id, lang, near)
        .await?
        .ok_or_else(|| AppError::not_found("服务", "service"))
}

pub async fn organization_detail(
    store: &dyn DirectoryStore,
    id: OrganizationId,
    lang: Lang,
    near: Option<Coordinates>,
) -> Result<OrganizationDetail, AppError> {
    store
        .organization(id, lang, near)
        .await?
        .ok_or_else(|| AppError::not_found("机构", "organization"))
}

pub async fn categories(store: &dyn DirectoryStore, lang: Lang) -> Result<Vec<Category>, AppError> {
    Ok(store.categories(lang).await?)
}

pub async fn grid_tree(store: &dyn DirectoryStore, lang: Lang) -> Result<Vec<GridNode>, AppError> {
    Ok(build_tree(store.grid_units(lang).await?))
}
