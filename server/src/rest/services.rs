//! Directory endpoints: services, organizations, categories and the grid.

use super::error::{ApiError, ErrorBody};
use super::params::{CategoryParam, CostParam, GroupParam, SortParam};
use super::schema;
use super::{path_id, query_pairs, request_lang, RequestStore};
use app::domain::directory::{Category, OrganizationDetail, SearchPage, ServiceDetail};
use app::domain::grid::GridNode;
use app::domain::ids::{OrganizationId, ServiceId};
use app::domain::search::SearchParams;
use app::domain::use_cases;
use axum::extract::{Path, RawQuery};
use axum::Json;
use http::HeaderMap;

/// Search services, nearest first when a position is given, or best rated first.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "directory",
    params(
        ("lat" = Option<f64>, Query, description = "Latitude in WGS84 degrees. `lat` and `lon` come together: one without the other is a 400.", minimum = -90, maximum = 90),
        ("lon" = Option<f64>, Query, description = "Longitude in WGS84 degrees; give with lat.", minimum = -180, maximum = 180),
        ("place" = Option<i64>, Query, description = "A grid unit id to search from instead of lat/lon.", minimum = 1),
        ("radius_m" = Option<u32>, Query, description = "Search radius in metres (with a position).", minimum = 1, maximum = 50000),
        ("category" = Option<Vec<CategoryParam>>, Query, description = "Category slug; may repeat (at most 20); empty for any.", explode = true),
        ("group" = Option<GroupParam>, Query, description = "`elder-care` or `disability`; empty for any."),
        ("cost" = Option<CostParam>, Query, description = "`free`, `subsidized` or `paid`; empty for any."),
        ("q" = Option<String>, Query, description = "Text in Chinese or English names and descriptions (≤ 100 characters).", max_length = 100),
        ("sort" = Option<SortParam>, Query, description = "`nearest` (the usual: nearest first, by name without a position) or `rating`: best rated first by a Bayesian average (a 4 worth ten ratings before any, so one 5 does not outrank fifty 4.8s), then nearest, then by id."),
        ("limit" = Option<u32>, Query, description = "Page size.", minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, description = "Items to skip (at most 1,000: narrow the search to see further).", minimum = 0, maximum = 1000),
        ("lang" = Option<schema::Lang>, Query, description = "`zh` or `en`; defaults to Accept-Language, then Chinese."),
    ),
    responses(
        (status = 200, description = "A page of services and the total count.", body = schema::SearchPage),
        (status = 400, description = "A parameter is malformed or out of range.", body = ErrorBody),
        (status = 503, description = "The database is unavailable.", body = ErrorBody),
    )
)]
pub async fn search(
    RequestStore(store): RequestStore,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchPage>, ApiError> {
    let params = SearchParams::from_pairs(&query_pairs(query.as_deref())?).map_err(|e| ApiError(e.into()))?;
    let lang = request_lang(params.lang, &headers);
    Ok(Json(use_cases::search_services(store.as_ref(), params, lang).await?))
}

/// One service in full, with the organization's other offerings.
#[utoipa::path(
    get,
    path = "/api/v1/services/{id}",
    tag = "directory",
    params(
        ("id" = i64, Path, description = "Service id.", minimum = 1),
        ("lat" = Option<f64>, Query, description = "Latitude, to get distances.", minimum = -90, maximum = 90),
        ("lon" = Option<f64>, Query, description = "Longitude, to get distances.", minimum = -180, maximum = 180),
        ("lang" = Option<schema::Lang>, Query, description = "`zh` or `en`."),
    ),
    responses(
        (status = 200, body = schema::ServiceDetail),
        (status = 400, body = ErrorBody),
        (status = 404, description = "No service has this id.", body = ErrorBody),
    )
)]
pub async fn service(
    RequestStore(store): RequestStore,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<ServiceDetail>, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let params = SearchParams::from_pairs(&query_pairs(query.as_deref())?).map_err(|e| ApiError(e.into()))?;
    let lang = request_lang(params.lang, &headers);
    let near = use_cases::resolve_origin(store.as_ref(), params.origin, lang).await?;
    Ok(Json(use_cases::service_detail(store.as_ref(), id, lang, near).await?))
}

/// An organization's profile and offerings.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "directory",
    params(
        ("id" = i64, Path, description = "Organization id.", minimum = 1),
        ("lang" = Option<schema::Lang>, Query, description = "`zh` or `en`."),
    ),
    responses(
        (status = 200, body = schema::OrganizationDetail),
        (status = 400, body = ErrorBody),
        (status = 404, description = "No organization has this id.", body = ErrorBody),
    )
)]
pub async fn organization(
    RequestStore(store): RequestStore,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<OrganizationDetail>, ApiError> {
    let id: OrganizationId = path_id(&id)?;
    let params = SearchParams::from_pairs(&query_pairs(query.as_deref())?).map_err(|e| ApiError(e.into()))?;
    let lang = request_lang(params.lang, &headers);
    let near = use_cases::resolve_origin(store.as_ref(), params.origin, lang).await?;
    Ok(Json(
        use_cases::organization_detail(store.as_ref(), id, lang, near).await?,
    ))
}

/// Every category, in catalogue order.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "directory",
    params(("lang" = Option<schema::Lang>, Query, description = "`zh` or `en`.")),
    responses((status = 200, body = Vec<schema::Category>), (status = 400, body = ErrorBody))
)]
pub async fn categories(
    RequestStore(store): RequestStore,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<Category>>, ApiError> {
    let params = SearchParams::from_pairs(&query_pairs(query.as_deref())?).map_err(|e| ApiError(e.into()))?;
    Ok(Json(
        use_cases::categories(store.as_ref(), request_lang(params.lang, &headers)).await?,
    ))
}

/// The grid as a tree: district → subdistricts → communities → zones → courtyards,
/// estates and resident units → buildings.
#[utoipa::path(
    get,
    path = "/api/v1/grid",
    tag = "directory",
    params(("lang" = Option<schema::Lang>, Query, description = "`zh` or `en`.")),
    responses((status = 200, body = Vec<schema::GridNode>), (status = 400, body = ErrorBody))
)]
pub async fn grid(
    RequestStore(store): RequestStore,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<GridNode>>, ApiError> {
    let params = SearchParams::from_pairs(&query_pairs(query.as_deref())?).map_err(|e| ApiError(e.into()))?;
    Ok(Json(
        use_cases::grid_tree(store.as_ref(), request_lang(params.lang, &headers)).await?,
    ))
}

/// What is serving: the name and version of this build. Constant work: the benchmarks'
/// ceiling for a JSON route on this server.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Version {
    pub name: &'static str,
    pub version: &'static str,
}

#[utoipa::path(get, path = "/api/v1/version", tag = "meta", responses((status = 200, body = Version)))]
pub async fn version() -> Json<Version> {
    Json(Version {
        name: "doorstep",
        version: env!("CARGO_PKG_VERSION"),
    })
}
