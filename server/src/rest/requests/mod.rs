//! Requests over JSON: residents (and family members acting for them) request services,
//! organizations answer them, residents rate them. Thin: each handler parses, calls one
//! use case of `domain::requests` and shapes the answer.
//!
//! `POST /requests` takes an `Idempotency-Key`: the same key from the same person
//! answers with the request it made the first time (with `Idempotent-Replayed: true`),
//! however many times and however concurrently it is sent. Times are RFC 3339 in
//! Chengdu's offset (+08:00).

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::{path_id, query_pairs, request_lang};
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::calendar::parse_rfc3339;
use app::domain::ids::{GridUnitId, OrganizationId, RequestId, ServiceId};
use app::domain::requests::assignment::{AssignInput, Assignee};
use app::domain::requests::input::RequestInput;
use app::domain::requests::lifecycle::Action;
use app::domain::requests::rating::RatingInput;
use app::domain::requests::store::{Bucket, Narrowing};
use app::domain::requests::use_cases::Requests;
use app::domain::validation::FieldError;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod views;

pub use views::*;

pub fn requests(store: &SqlStore) -> Requests<'_> {
    Requests {
        store,
        now: crate::store::migrate::now_millis(),
    }
}

/// The body of `POST /api/v1/requests`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::requests::input::RequestInput`, which parses.
pub struct RequestFields {
    /// The service requested (`GET /api/v1/services`).
    service_id: i64,
    /// Where: a grid unit inside a community, down to a building.
    grid_unit_id: i64,
    /// The door: "3 单元 502" (at most 60 characters).
    address_detail: String,
    /// Someone else it is for (a parent without the app); absent: the requester.
    #[serde(rename = "for")]
    recipient: Option<RecipientFields>,
    /// When it is for the requester: `under-18`, `18-59`, `60-69`, `70-79`, `80-89` or `90+`.
    age_band: Option<String>,
    /// What is needed, in plain words.
    needs: Option<String>,
    /// Preferred days and times in plain words ("工作日上午").
    preferred_time: Option<String>,
    /// The first day that suits, "2026-12-01" (today to 90 days ahead); its week counts
    /// against the offering's weekly capacity. Default: today.
    preferred_date: Option<String>,
    notes: Option<String>,
    /// Default: the requester's account number.
    contact_phone: Option<String>,
    /// A family member acting for a linked resident names the resident's person id.
    on_behalf_of: Option<i64>,
    /// Whether whoever it is for holds a disability certificate, for offerings that
    /// require one.
    disability_certificate: Option<bool>,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientFields {
    name: String,
    /// In the requester's words: 父亲, 母亲, 邻居 …
    relation: String,
    /// As `age_band` above.
    age_band: Option<String>,
}

/// Request a service, for oneself, for someone described in `for`, or (a linked family
/// member) for a resident named in `on_behalf_of`. The offering's coverage,
/// eligibility and weekly capacity are checked; a refusal says why.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = RequestFields,
    params(("Idempotency-Key" = Option<String>, Header,
            description = "16 to 100 letters, digits or dashes; the same key again answers with the same request")),
    responses((status = 201, body = RequestView, description = "Made now, or made earlier with the same key (then `Idempotent-Replayed: true`)"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<RequestInput>,
) -> Result<Response, ApiError> {
    let key = match headers.get(crate::idempotency::HEADER) {
        Some(raw) => Some(crate::idempotency::parse_key(raw).map_err(ApiError::from)?.to_owned()),
        None => None,
    };
    let who = caller.require()?;
    let submitted = requests(&store).submit(who, &input, key.as_deref()).await?;
    let location = format!("/api/v1/requests/{}", submitted.request.id);
    let mut response = answer(submitted.request, &headers, StatusCode::CREATED);
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(http::header::LOCATION, location);
    }
    if !submitted.created {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// Requests, newest first: the caller's own and those of the residents they act for;
/// with `organization`, that organization's inbox (its members).
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests",
    params(("organization" = Option<i64>, Query, minimum = 1, description = "an organization's inbox"),
           ("bucket" = Option<String>, Query, description = "`all` (default), `new`, `open`, `overdue` or `closed`"),
           ("service" = Option<i64>, Query, minimum = 1, description = "inbox: one offering's"),
           ("grid_unit" = Option<i64>, Query, minimum = 1, description = "inbox: at this grid unit or under it"),
           ("assigned" = Option<String>, Query, description = "inbox: `me`, `nobody` or a member's id"),
           ("before" = Option<i64>, Query, minimum = 1, description = "the next page: `next_before` of this one"),
           ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "default 20")),
    responses((status = 200, body = RequestPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn list(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<RequestPage>, ApiError> {
    let mut organization = None;
    let mut bucket = Bucket::All;
    let (mut service, mut grid_unit, mut assigned, mut before, mut limit) = (None, None, None, None, 20u32);
    for (name, value) in query_pairs(query.as_deref())? {
        match name.as_str() {
            "organization" => organization = Some(OrganizationId::parse("organization", &value)?),
            "bucket" => {
                bucket = Bucket::parse(&value).ok_or_else(|| {
                    FieldError::new(
                        "bucket",
                        "应为 all、new、open、overdue 或 closed",
                        "must be all, new, open, overdue or closed",
                    )
                })?
            }
            "service" => service = Some(ServiceId::parse("service", &value)?),
            "grid_unit" => grid_unit = Some(GridUnitId::parse("grid_unit", &value)?),
            "assigned" => assigned = Some(value),
            "before" => before = Some(RequestId::parse("before", &value)?),
            "limit" => {
                limit = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| FieldError::new("limit", "应为 1 到 100", "must be 1 to 100"))?
            }
            "lang" => {}
            other => {
                return Err(FieldError::with(
                    other,
                    app::domain::message::Message::owned(
                        format!("不认识的参数 {other}"),
                        format!("{other} is not a parameter of this endpoint"),
                    ),
                )
                .into())
            }
        }
    }
    let who = caller.require()?;
    let assignee = assigned
        .map(|raw| {
            Assignee::parse(&raw, who.person).ok_or_else(|| {
                FieldError::new(
                    "assigned",
                    "应为 me、nobody 或机构成员的编号",
                    "must be me, nobody or a member's id",
                )
            })
        })
        .transpose()?;
    let use_cases = requests(&store);
    let narrowing = Narrowing {
        service,
        grid_unit,
        assignee,
    };
    let lines = match organization {
        Some(o) => use_cases.inbox(who, o, bucket, narrowing, before, limit).await?,
        None => {
            if narrowing != Narrowing::default() {
                return Err(FieldError::new(
                    "organization",
                    "按服务、网格或指派筛选只用于机构的收件箱",
                    "service, grid_unit and assigned filter an organization's inbox: give organization",
                )
                .into());
            }
            use_cases.mine(who, bucket, before, limit).await?
        }
    };
    let lang = request_lang(None, &headers);
    let next_before = (lines.len() == limit as usize)
        .then(|| lines.last().map(|l| l.id.get()))
        .flatten();
    Ok(Json(RequestPage {
        requests: lines.into_iter().map(|l| line_view(l, lang)).collect(),
        next_before,
    }))
}

/// One request with its timeline and rating: its resident, who made it, family members
/// acting for the resident, the organization's members, and (masked) the community's staff.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: RequestId = path_id(&id)?;
    let who = caller.require()?;
    let request = requests(&store).get(who, id).await?;
    Ok(answer(request, &headers, StatusCode::OK))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonFields {
    /// Required to decline or reopen, optional to cancel (at most 200 characters).
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFields {
    /// RFC 3339, e.g. "2026-12-01T09:30:00+08:00": from now to a year ahead.
    scheduled_for: String,
}

async fn act(
    store: SqlStore,
    caller: Caller,
    headers: HeaderMap,
    id: String,
    action: Action,
) -> Result<Response, ApiError> {
    let id: RequestId = path_id(&id)?;
    let who = caller.require()?;
    let request = requests(&store).act(who, id, action).await?;
    Ok(answer(request, &headers, StatusCode::OK))
}

/// The body of `POST /api/v1/requests/{id}/assign`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::requests::assignment::AssignInput`, which parses.
pub struct AssignFields {
    /// A member of the request's organization; `null` for nobody.
    #[schema(minimum = 1)]
    person_id: Option<i64>,
}

/// Assign the request to a member of its organization (`person_id`), or to nobody
/// (`null`); the organization's members, while the request is open. The member is told.
#[utoipa::path(post, path = "/api/v1/requests/{id}/assign", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = AssignFields,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AssignInput>,
) -> Result<Response, ApiError> {
    let id: RequestId = path_id(&id)?;
    let who = caller.require()?;
    let request = requests(&store).assign(who, id, &body).await?;
    Ok(answer(request, &headers, StatusCode::OK))
}

/// The reason in a body that may be absent (`cancel`): no body, or JSON.
fn optional_reason(body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<ReasonFields>(body)
        .map(|b| b.reason)
        .map_err(|e| {
            let detail = e.to_string();
            FieldError::with(
                "body",
                app::domain::message::Message::owned(
                    format!("内容格式不对：{detail}"),
                    format!("is not valid: {detail}"),
                ),
            )
            .into()
        })
}

macro_rules! provider_action {
    ($(#[$doc:meta])* $name:ident, $path:literal, $action:expr) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "requests", params(("id" = i64, Path, minimum = 1)),
            responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
                      (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
        pub async fn $name(
            State(store): State<SqlStore>,
            Extension(caller): Extension<Caller>,
            headers: HeaderMap,
            Path(id): Path<String>,
        ) -> Result<Response, ApiError> {
            act(store, caller, headers, id, $action).await
        }
    };
}

provider_action!(
    /// Accept a submitted request (the organization's members).
    accept,
    "/api/v1/requests/{id}/accept",
    Action::Accept
);
provider_action!(
    /// Mark a scheduled request done (the organization's members).
    complete,
    "/api/v1/requests/{id}/complete",
    Action::Complete
);

/// Decline a submitted request, saying why (the organization's members).
#[utoipa::path(post, path = "/api/v1/requests/{id}/decline", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = ReasonFields,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn decline(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReasonFields>,
) -> Result<Response, ApiError> {
    let reason = body.reason.unwrap_or_default();
    act(store, caller, headers, id, Action::Decline { reason }).await
}

/// Agree a time (again: move it) for an accepted request (the organization's members).
#[utoipa::path(post, path = "/api/v1/requests/{id}/schedule", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = ScheduleFields,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn schedule(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ScheduleFields>,
) -> Result<Response, ApiError> {
    let at = parse_rfc3339(&body.scheduled_for).ok_or_else(|| {
        ApiError::from(FieldError::new(
            "scheduled_for",
            "时间格式应为 2026-12-01T09:30:00+08:00",
            "must be an RFC 3339 time such as 2026-12-01T09:30:00+08:00",
        ))
    })?;
    act(store, caller, headers, id, Action::Schedule { at }).await
}

/// Cancel a request before it is completed (its resident or family; a reason is optional).
#[utoipa::path(post, path = "/api/v1/requests/{id}/cancel", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body(content = ReasonFields, description = "optional"),
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn cancel(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let reason = optional_reason(&body)?;
    act(store, caller, headers, id, Action::Cancel { reason }).await
}

/// "Not solved": reopen a request within 7 days of completion, saying why (its resident
/// or family). It returns to the organization's inbox.
#[utoipa::path(post, path = "/api/v1/requests/{id}/reopen", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = ReasonFields,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn reopen(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReasonFields>,
) -> Result<Response, ApiError> {
    let reason = body.reason.unwrap_or_default();
    act(store, caller, headers, id, Action::Reopen { reason }).await
}

/// The body of `PUT /api/v1/requests/{id}/rating`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::requests::rating::RatingInput`, which parses.
pub struct RatingFields {
    /// 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
    #[schema(minimum = 1, maximum = 5)]
    score: i64,
    /// Any of `on-time`, `patient`, `professional`, `solved`, `friendly`, `late`.
    tags: Option<Vec<String>>,
    /// At most 500 characters.
    comment: Option<String>,
}

/// Rate a completed request, or change the rating within 14 days (its resident or the
/// family member acting for them). A 1 or 2 opens a follow-up by the community's staff.
#[utoipa::path(put, path = "/api/v1/requests/{id}/rating", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = RatingFields,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn put_rating(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<RatingInput>,
) -> Result<Response, ApiError> {
    let id: RequestId = path_id(&id)?;
    let who = caller.require()?;
    let request = requests(&store).rate(who, id, &input).await?;
    Ok(answer(request, &headers, StatusCode::OK))
}
