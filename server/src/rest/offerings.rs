//! Offerings over JSON: an organization's staff publish, edit, pause, resume and retire
//! them, and read their history. Thin: each handler parses, calls one use case of
//! `domain::offerings` and shapes the answer.
//!
//! An offering's id is its service id. `PATCH` takes a JSON merge patch (RFC 7396) of
//! the offering's `fields`: the patch is merged into the current fields and the whole
//! result checked again, so a patch can never leave an offering half-valid. Every answer
//! carries the offering's revision as its `ETag`; an `If-Match` with an older one is
//! refused with 409 instead of overwriting someone else's change.

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::patching::{if_match, merged};
use super::{path_id, request_lang};
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::error::AppError;
use app::domain::ids::{OrganizationId, ServiceId};
use app::domain::offerings::draft::OfferingInput;
use app::domain::offerings::store::{Offering, OfferingLine, Revision};
use app::domain::offerings::use_cases::{Offerings, Transition};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn offerings(store: &SqlStore) -> Offerings<'_> {
    Offerings {
        store,
        now: crate::store::migrate::now_millis(),
    }
}

/// An offering's editable fields (the create body; `PATCH` merges a part of it).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::offerings::draft::OfferingInput`, which parses.
pub struct OfferingFields {
    /// A category slug (`GET /api/v1/categories`).
    category: String,
    /// Chinese name (required, at most 40 characters).
    name_zh: String,
    /// English name; without it English pages show the Chinese one.
    name_en: Option<String>,
    /// Chinese description (required, at most 1,000 characters).
    description_zh: String,
    description_en: Option<String>,
    /// `on-site` or `at-home`.
    delivery: String,
    /// The grid unit where it is delivered (on-site) or worked from (at-home); it must
    /// lie in a community the organization serves.
    place_id: i64,
    /// Default: the place's; within 5 km of it.
    latitude: Option<f64>,
    longitude: Option<f64>,
    /// Default: the place's name.
    address: Option<String>,
    /// At-home offerings: the grid units reached (at least one; none for on-site).
    coverage: Option<Vec<i64>>,
    hours: Option<HoursFields>,
    eligibility: Option<EligibilityFields>,
    /// `free`, `subsidized` or `paid`.
    cost: String,
    /// Required unless free.
    price: Option<PriceFields>,
    /// A number residents can call.
    phone: String,
    /// Residents served a week, if limited (1–10,000).
    capacity: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct HoursFields {
    /// Open ranges per weekday (1 = Monday … 7 = Sunday); a day may have several.
    weekly: Option<Vec<WeeklyFields>>,
    /// Dates that differ from the week: closed when no times are given.
    exceptions: Option<Vec<DatedFields>>,
    /// Anything else about hours, e.g. "请提前一天预约".
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct WeeklyFields {
    #[schema(minimum = 1, maximum = 7)]
    day: u8,
    /// "08:30"
    opens: String,
    /// "17:00"
    closes: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DatedFields {
    /// "2026-10-01"
    date: String,
    opens: Option<String>,
    closes: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EligibilityFields {
    min_age: Option<i64>,
    residence_required: Option<bool>,
    disability_certificate_required: Option<bool>,
    note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PriceFields {
    /// In fen (1/100 yuan).
    amount_fen: i64,
    /// `visit`, `meal`, `hour`, `day` or `month`.
    unit: String,
}

/// An offering as its organization sees it: every field of `GET /api/v1/services/{id}`
/// (whatever its status), its status and revision, and its editable `fields`.
#[derive(Serialize)]
pub struct OfferingView {
    #[serde(flatten)]
    page: app::domain::directory::ServiceDetail,
    status: &'static str,
    status_reason: Option<String>,
    revision: i64,
    /// Epoch milliseconds.
    updated_at: i64,
    fields: OfferingInput,
}

/// The OpenAPI twin of [`OfferingView`].
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OfferingViewSchema {
    #[schema(inline)]
    #[serde(flatten)]
    page: super::schema::ServiceDetail,
    /// `active`, `paused` or `retired`.
    status: String,
    status_reason: Option<String>,
    revision: i64,
    updated_at: i64,
    fields: OfferingFields,
}

#[derive(Serialize, ToSchema)]
pub struct OfferingLineView {
    id: i64,
    name_zh: String,
    /// `active`, `paused` or `retired`.
    status: String,
    revision: i64,
    updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct RevisionView {
    revision: i64,
    /// `created`, `edited`, `paused`, `resumed` or `retired`.
    action: String,
    /// The person's id and name (absent once their account is deleted).
    by: Option<i64>,
    by_name: Option<String>,
    /// Epoch milliseconds.
    at: i64,
    changes: Vec<ChangeView>,
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeView {
    field: String,
    #[schema(value_type = Object)]
    before: serde_json::Value,
    #[schema(value_type = Object)]
    after: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Required to pause (shown on the offering's page), optional to retire.
    #[serde(default)]
    reason: Option<String>,
}

/// The answer for an offering: its view with its revision as `ETag`.
async fn answer(
    store: &SqlStore,
    headers: &HeaderMap,
    offering: Offering,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let lang = request_lang(None, headers);
    let page = store
        .offering_page(offering.id, lang)
        .await?
        .ok_or_else(|| AppError::not_found("服务项目", "offering"))?;
    let etag = format!("\"{}\"", offering.revision);
    let view = OfferingView {
        page,
        status: offering.status.slug(),
        status_reason: offering.status_reason,
        revision: offering.revision,
        updated_at: offering.updated_at,
        fields: offering.input,
    };
    let mut response = (status, Json(view)).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(http::header::ETAG, value);
    }
    Ok(response)
}

/// Publish an offering for an organization (its members; the organization verified
/// and not suspended).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/offerings", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)), request_body = OfferingFields,
    responses((status = 201, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<OfferingInput>,
) -> Result<Response, ApiError> {
    let organization: OrganizationId = path_id(&id)?;
    let who = caller.require()?;
    let offering = offerings(&store).create(who, organization, &input).await?;
    let mut response = answer(&store, &headers, offering.clone(), StatusCode::CREATED).await?;
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/offerings/{}", offering.id)) {
        response.headers_mut().insert(http::header::LOCATION, location);
    }
    Ok(response)
}

/// An organization's offerings, active first (its members and the community staff
/// overseeing it).
#[utoipa::path(get, path = "/api/v1/organizations/{id}/offerings", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Vec<OfferingLineView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn list(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Vec<OfferingLineView>>, ApiError> {
    let organization: OrganizationId = path_id(&id)?;
    let who = caller.require()?;
    let lines = offerings(&store).list(who, organization).await?;
    Ok(Json(lines.into_iter().map(line_view).collect()))
}

fn line_view(l: OfferingLine) -> OfferingLineView {
    OfferingLineView {
        id: l.id.get(),
        name_zh: l.name_zh,
        status: l.status.slug().to_owned(),
        revision: l.revision,
        updated_at: l.updated_at,
    }
}

/// One offering (its organization's members and the community staff overseeing it).
#[utoipa::path(get, path = "/api/v1/offerings/{id}", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let who = caller.require()?;
    let offering = offerings(&store).get(who, id).await?;
    answer(&store, &headers, offering, StatusCode::OK).await
}

/// Edit an offering with a JSON merge patch of its `fields` (`null` clears an optional
/// field). `If-Match` with its ETag refuses the edit if someone changed it meanwhile.
#[utoipa::path(patch, path = "/api/v1/offerings/{id}", tag = "offerings",
    params(("id" = i64, Path, minimum = 1), ("If-Match" = Option<String>, Header, description = "the ETag the edit was made from")),
    request_body(content = Object, content_type = "application/merge-patch+json",
                 description = "Any of the fields of OfferingFields; the result must be a valid offering"),
    responses((status = 200, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn patch(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let who = caller.require()?;
    let from_revision = if_match(&headers)?;
    let use_cases = offerings(&store);
    let current = use_cases.get(who, id).await?;
    let input: OfferingInput = merged(&current.input, patch)?;
    // The revision read above stands in for a missing If-Match: a change that lands
    // between that read and the edit is refused, not silently overwritten.
    let offering = use_cases
        .edit(who, id, &input, Some(from_revision.unwrap_or(current.revision)))
        .await?;
    answer(&store, &headers, offering, StatusCode::OK).await
}

async fn transition(
    store: SqlStore,
    caller: Caller,
    headers: HeaderMap,
    id: String,
    change: impl FnOnce(Option<String>) -> Transition,
    body: Option<ReasonBody>,
) -> Result<Response, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let who = caller.require()?;
    let from_revision = if_match(&headers)?;
    let change = change(body.and_then(|b| b.reason));
    let offering = offerings(&store).transition(who, id, change, from_revision).await?;
    answer(&store, &headers, offering, StatusCode::OK).await
}

/// Pause an offering: its page stays and says "暂停服务" with the reason; search no
/// longer finds it.
#[utoipa::path(post, path = "/api/v1/offerings/{id}/pause", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)), request_body = ReasonBody,
    responses((status = 200, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn pause(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReasonBody>,
) -> Result<Response, ApiError> {
    transition(
        store,
        caller,
        headers,
        id,
        |reason| Transition::Pause {
            reason: reason.unwrap_or_default(),
        },
        Some(body),
    )
    .await
}

/// Resume a paused offering.
#[utoipa::path(post, path = "/api/v1/offerings/{id}/resume", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resume(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    transition(store, caller, headers, id, |_| Transition::Resume, None).await
}

/// Retire an offering: it leaves the directory for good; its history stays.
#[utoipa::path(post, path = "/api/v1/offerings/{id}/retire", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)), request_body = ReasonBody,
    responses((status = 200, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn retire(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReasonBody>,
) -> Result<Response, ApiError> {
    transition(
        store,
        caller,
        headers,
        id,
        |reason| Transition::Retire { reason },
        Some(body),
    )
    .await
}

/// Upload the offering's photo: the body is the image (JPEG, PNG or WebP, at most 5 MB).
/// It is decoded and re-encoded (EXIF, GPS included, dropped) in the sizes the pages use;
/// the answer's `photo` is its path.
#[utoipa::path(put, path = "/api/v1/offerings/{id}/photo", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "A JPEG, PNG or WebP image, at most 5 MB"),
    responses((status = 200, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_photo(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let who = caller.require()?;
    let offering = store_photo(&store, who, id, body).await?;
    answer(&store, &headers, offering, StatusCode::OK).await
}

/// Checks `who` may change the offering, processes the upload and stores it, then sets
/// it as the offering's photo (shared by the API and the form).
pub(crate) async fn store_photo(
    store: &SqlStore,
    who: &app::domain::accounts::principal::Principal,
    id: ServiceId,
    body: axum::body::Bytes,
) -> Result<Offering, AppError> {
    let use_cases = offerings(store);
    // Asked first: a stranger's upload is never decoded or stored.
    use_cases.may_change(who, id).await?;
    let processed = tokio::task::spawn_blocking(move || crate::photos::process(&body))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "photo processing failed");
            AppError::Internal {
                reference: "photo-task".into(),
            }
        })?
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let now = crate::store::migrate::now_millis();
    for (size, jpeg) in &processed.images {
        store.put_photo(&processed.key, *size, jpeg, now).await?;
    }
    use_cases.set_photo(who, id, Some(&processed.key)).await
}

/// Remove the offering's photo.
#[utoipa::path(delete, path = "/api/v1/offerings/{id}/photo", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = OfferingViewSchema), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_photo(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let who = caller.require()?;
    let offering = offerings(&store).set_photo(who, id, None).await?;
    answer(&store, &headers, offering, StatusCode::OK).await
}

/// Who changed what and when, newest first.
#[utoipa::path(get, path = "/api/v1/offerings/{id}/history", tag = "offerings",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Vec<RevisionView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn history(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Vec<RevisionView>>, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let who = caller.require()?;
    let (_, revisions) = offerings(&store).history(who, id).await?;
    Ok(Json(revisions.into_iter().map(revision_view).collect()))
}

fn revision_view(r: Revision) -> RevisionView {
    RevisionView {
        revision: r.revision,
        action: r.action,
        by: r.by.map(|p| p.get()),
        by_name: r.by_name,
        at: r.at,
        changes: r
            .changes
            .into_iter()
            .map(|c| ChangeView {
                field: c.field,
                before: c.before,
                after: c.after,
            })
            .collect(),
        reason: r.reason,
    }
}
