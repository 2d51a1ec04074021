//! The directory's server functions: search, service, organization, and the choices the
//! search form offers.

use super::error::FnError;
use crate::domain::directory::{Category, OrganizationDetail, SearchPage, ServiceDetail};
use crate::domain::ids::{GridUnitId, OrganizationId, ServiceId};
use crate::domain::place_picker::PlacePicker;
use crate::domain::search::SearchParams;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A search as the home page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchView {
    /// The search that ran, after any remembered location was filled in.
    pub params: SearchParams,
    pub page: SearchPage,
    /// The chosen place's name, when the search is from a place on the grid.
    pub place_name: Option<String>,
    /// What the search form offers for this search (categories, places to choose).
    pub options: SearchOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchOptions {
    pub categories: Vec<Category>,
}

/// One step of the place picker, with the place remembered as home (to mark it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacesView {
    pub picker: PlacePicker,
    pub home: Option<GridUnitId>,
}

/// Runs a directory search from a raw query string (`lat=..&lon=..&category=..`), the same
/// parameters as `GET /api/v1/services`. Without a position it uses the remembered home.
/// It never changes what is remembered: that is an explicit POST to `/prefs`.
#[server(prefix = "/api/fn", endpoint = "search")]
pub async fn find_services(query: String) -> Result<SearchView, FnError> {
    use super::context::{request_cookie, store, with_status};
    use crate::domain::use_cases;
    use crate::prefs::{decode_home, Prefs, HOME_COOKIE};

    with_status(
        async {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).map_err(|_| {
                crate::domain::validation::FieldError::new("query", "查询字符串格式不对", "is not a valid query string")
            })?;
            let mut params = SearchParams::from_pairs(&pairs)?;
            let store = store()?;
            let lang = params.lang.unwrap_or(Prefs::current().lang);
            if params.origin.is_none() {
                params.origin = request_cookie(HOME_COOKIE).as_deref().and_then(decode_home);
            }
            let place_name = match params.origin {
                Some(crate::domain::search::Origin::Place(id)) => {
                    use_cases::place_name(store.as_ref(), id, lang).await?
                }
                _ => None,
            };
            let page = match use_cases::search_services(store.as_ref(), params.clone(), lang).await {
                // A remembered place that no longer exists: search without it.
                Err(e) if e.refuses("place") => {
                    params.origin = None;
                    use_cases::search_services(store.as_ref(), params.clone(), lang).await?
                }
                other => other?,
            };
            let options = search_options(store.as_ref(), lang).await?;
            Ok(SearchView {
                params,
                page,
                place_name,
                options,
            })
        }
        .await,
    )
}

/// The categories the search form offers. Part of the search's answer, so the form
/// always matches the results it came with.
#[cfg(feature = "ssr")]
async fn search_options(
    store: &dyn crate::domain::store::DirectoryStore,
    lang: crate::domain::lang::Lang,
) -> Result<SearchOptions, crate::domain::error::AppError> {
    Ok(SearchOptions {
        categories: crate::domain::use_cases::categories(store, lang).await?,
    })
}

/// The place picker's step that shows `within` (a grid unit's id as typed in the URL;
/// the top of the grid when absent).
#[server(prefix = "/api/fn", endpoint = "places")]
pub async fn load_place_picker(within: Option<String>) -> Result<PlacesView, FnError> {
    use super::context::{request_cookie, store, with_status};
    use crate::domain::search::Origin;
    use crate::domain::use_cases::place_picker;
    use crate::prefs::{decode_home, Prefs, HOME_COOKIE};

    with_status(
        async {
            let within = within
                .as_deref()
                .filter(|raw| !raw.trim().is_empty())
                .map(|raw| GridUnitId::parse("in", raw))
                .transpose()?;
            let store = store()?;
            let picker = place_picker(store.as_ref(), within, Prefs::current().lang).await?;
            let home = match request_cookie(HOME_COOKIE).as_deref().and_then(decode_home) {
                Some(Origin::Place(id)) => Some(id),
                _ => None,
            };
            Ok(PlacesView { picker, home })
        }
        .await,
    )
}

/// One service, with the distance from the remembered home if there is one.
#[server(prefix = "/api/fn", endpoint = "service")]
pub async fn load_service(id: ServiceId) -> Result<ServiceDetail, FnError> {
    use super::context::{store, with_status};
    use crate::domain::use_cases;
    use crate::prefs::Prefs;

    with_status(
        async {
            let store = store()?;
            let lang = Prefs::current().lang;
            let near = remembered_position(store.as_ref(), lang).await;
            Ok(use_cases::service_detail(store.as_ref(), id, lang, near).await?)
        }
        .await,
    )
}

/// One organization and its offerings.
#[server(prefix = "/api/fn", endpoint = "organization")]
pub async fn load_organization(id: OrganizationId) -> Result<OrganizationDetail, FnError> {
    use super::context::{store, with_status};
    use crate::domain::use_cases;
    use crate::prefs::Prefs;

    with_status(
        async {
            let store = store()?;
            let lang = Prefs::current().lang;
            let near = remembered_position(store.as_ref(), lang).await;
            Ok(use_cases::organization_detail(store.as_ref(), id, lang, near).await?)
        }
        .await,
    )
}

/// The remembered home as a position; a stale or broken cookie counts as none.
#[cfg(feature = "ssr")]
async fn remembered_position(
    store: &dyn crate::domain::store::DirectoryStore,
    lang: crate::domain::lang::Lang,
) -> Option<crate::domain::geo::Coordinates> {
    let origin = super::context::request_cookie(crate::prefs::HOME_COOKIE)
        .as_deref()
        .and_then(crate::prefs::decode_home)?;
    crate::domain::use_cases::resolve_origin(store, Some(origin), lang)
        .await
        .ok()
        .flatten()
}
