//! Needs over JSON: name a need no offering meets, see those of one's community, add "me
//! too", and (community staff) point one to an offering or record it as unmet.

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::{path_id, query_pairs, request_lang};
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::calendar::rfc3339;
use app::domain::ids::{GridUnitId, ServiceId};
use app::domain::lang::Lang;
use app::domain::needs::{Answer, Need, NeedInput, Needs};
use app::domain::validation::FieldError;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn needs(store: &SqlStore) -> Needs<'_> {
    Needs {
        store,
        now: crate::store::migrate::now_millis(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::needs::NeedInput`, which parses.
pub struct NeedFields {
    /// The courtyard or building where it is needed (inside a community).
    grid_unit_id: i64,
    /// A category slug, if one fits.
    category: Option<String>,
    /// The need in plain words (at most 300 characters).
    description: String,
}

#[derive(Serialize, ToSchema)]
pub struct NeedView {
    id: i64,
    grid_unit_id: i64,
    community_id: i64,
    place: String,
    category: Option<String>,
    category_name: Option<String>,
    description: String,
    /// `open`, `pointed` (an offering meets it: `service_id`) or `unmet`.
    status: &'static str,
    service_id: Option<i64>,
    service_name: Option<String>,
    note: Option<String>,
    /// People who need it.
    supporters: u32,
    /// Whether the caller is one of them.
    mine: bool,
    created_at: String,
}

fn view(n: Need, lang: Lang) -> NeedView {
    let zh = lang == Lang::Zh;
    NeedView {
        id: n.id,
        grid_unit_id: n.grid_unit.get(),
        community_id: n.community.get(),
        place: if zh { n.place_zh } else { n.place_en },
        category: n.category,
        category_name: if zh { n.category_zh } else { n.category_en },
        description: n.description,
        status: n.status.slug(),
        service_id: n.service.map(|s| s.get()),
        service_name: if zh { n.service_name_zh } else { n.service_name_en },
        note: n.note,
        supporters: n.supporters,
        mine: n.mine,
        created_at: rfc3339(n.created_at),
    }
}

/// Name a need no offering meets, at a grid unit; it goes to that community's staff.
#[utoipa::path(post, path = "/api/v1/needs", tag = "requests", request_body = NeedFields,
    responses((status = 201, body = NeedView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn name(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<NeedInput>,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    let need = needs(&store).name(who, &input).await?;
    Ok((StatusCode::CREATED, Json(view(need, request_lang(None, &headers)))).into_response())
}

/// The needs named in the community of a grid unit, most supported first (never who
/// named them); or, for an organization's members, those of every community it works in.
#[utoipa::path(get, path = "/api/v1/needs", tag = "requests",
    params(("grid_unit" = Option<i64>, Query, minimum = 1, description = "a grid unit in the community"),
           ("organization" = Option<i64>, Query, minimum = 1,
            description = "instead of grid_unit: the communities this organization works in (its members)")),
    responses((status = 200, body = Vec<NeedView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn list(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<NeedView>>, ApiError> {
    let (mut unit, mut organization) = (None, None);
    for (name, value) in query_pairs(query.as_deref())? {
        match name.as_str() {
            "grid_unit" => unit = Some(GridUnitId::parse("grid_unit", &value)?),
            "organization" => organization = Some(app::domain::ids::OrganizationId::parse("organization", &value)?),
            "lang" => {}
            _ => {
                return Err(
                    FieldError::new("query", "不认识的参数", "has a parameter this endpoint does not take").into(),
                )
            }
        }
    }
    let lang = request_lang(None, &headers);
    let list = match (unit, organization) {
        (Some(unit), None) => needs(&store).of_place(caller.principal.as_ref(), unit).await?,
        (None, Some(organization)) => needs(&store)
            .of_organization(caller.require()?, organization)
            .await?
            .into_iter()
            .flat_map(|c| c.needs)
            .collect(),
        _ => {
            return Err(FieldError::new(
                "grid_unit",
                "请给出 grid_unit 或 organization 之一",
                "give one of grid_unit and organization",
            )
            .into())
        }
    };
    Ok(Json(list.into_iter().map(|n| view(n, lang)).collect()))
}

/// "Me too" (我也需要): the caller needs it as well (once per person).
#[utoipa::path(post, path = "/api/v1/needs/{id}/support", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = NeedView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn support(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<NeedView>, ApiError> {
    let id: app::domain::ids::RequestId = path_id(&id)?;
    let who = caller.require()?;
    let need = needs(&store).support(who, id.get()).await?;
    Ok(Json(view(need, request_lang(None, &headers))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PointFields {
    /// The offering that meets it: its residents are sent to its request form.
    service_id: i64,
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmetFields {
    /// Why, and what the community will do (at most 300 characters).
    #[serde(default)]
    note: String,
}

/// Point a need to an offering that meets it (community staff of its community).
#[utoipa::path(post, path = "/api/v1/needs/{id}/point", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = PointFields,
    responses((status = 200, body = NeedView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn point(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PointFields>,
) -> Result<Json<NeedView>, ApiError> {
    let id: app::domain::ids::RequestId = path_id(&id)?;
    let service = ServiceId::checked("service_id", body.service_id)?;
    let who = caller.require()?;
    let need = needs(&store)
        .answer(
            who,
            id.get(),
            Answer::Point {
                service,
                note: body.note,
            },
        )
        .await?;
    Ok(Json(view(need, request_lang(None, &headers))))
}

/// Record a need as unmet, saying why (community staff of its community).
#[utoipa::path(post, path = "/api/v1/needs/{id}/unmet", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = UnmetFields,
    responses((status = 200, body = NeedView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn unmet(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UnmetFields>,
) -> Result<Json<NeedView>, ApiError> {
    let id: app::domain::ids::RequestId = path_id(&id)?;
    let who = caller.require()?;
    let need = needs(&store)
        .answer(who, id.get(), Answer::Unmet { note: body.note })
        .await?;
    Ok(Json(view(need, request_lang(None, &headers))))
}
