//! Follow-ups over JSON: community staff list the follow-ups (回访) of low ratings in
//! their communities and close them with what was done.

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::{path_id, query_pairs, request_lang};
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::calendar::rfc3339;
use app::domain::lang::Lang;
use app::domain::requests::follow_ups::FollowUps;
use app::domain::requests::store::{FollowUp, FollowUpBucket};
use app::domain::validation::FieldError;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn follow_ups(store: &SqlStore) -> FollowUps<'_> {
    FollowUps {
        store,
        now: crate::store::migrate::now_millis(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpView {
    id: i64,
    /// The request whose rating opened it (`GET /api/v1/requests/{id}`).
    request_id: i64,
    community_id: i64,
    service_name: String,
    organization_name: String,
    for_name: Option<String>,
    place: String,
    /// The rating: 1 or 2.
    score: u8,
    comment: Option<String>,
    opened_at: String,
    /// Five working days after it opened.
    due_at: String,
    closed_at: Option<String>,
    closed_by_name: Option<String>,
    /// What was done.
    note: Option<String>,
    now_satisfied: Option<bool>,
}

fn view(f: FollowUp, lang: Lang) -> FollowUpView {
    let zh = lang == Lang::Zh;
    FollowUpView {
        id: f.id.get(),
        request_id: f.request.get(),
        community_id: f.community.get(),
        service_name: if zh { f.service_name_zh } else { f.service_name_en },
        organization_name: f.organization_name,
        for_name: f.for_name,
        place: if zh { f.place_zh } else { f.place_en },
        score: f.score.get(),
        comment: f.comment,
        opened_at: rfc3339(f.opened_at),
        due_at: rfc3339(f.due_at),
        closed_at: f.closed_at.map(rfc3339),
        closed_by_name: f.closed_by_name,
        note: f.note,
        now_satisfied: f.now_satisfied,
    }
}

/// The follow-ups of the caller's communities, soonest due first (community staff).
#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "requests",
    params(("bucket" = Option<String>, Query, description = "`open` (default), `overdue` or `closed`")),
    responses((status = 200, body = Vec<FollowUpView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn list(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<FollowUpView>>, ApiError> {
    let mut bucket = FollowUpBucket::Open;
    for (name, value) in query_pairs(query.as_deref())? {
        match name.as_str() {
            "bucket" => {
                bucket = FollowUpBucket::parse(&value).ok_or_else(|| {
                    FieldError::new(
                        "bucket",
                        "应为 open、overdue 或 closed",
                        "must be open, overdue or closed",
                    )
                })?
            }
            "lang" => {}
            _ => {
                return Err(
                    FieldError::new("query", "不认识的参数", "has a parameter this endpoint does not take").into(),
                )
            }
        }
    }
    let who = caller.require()?;
    let lang = request_lang(None, &headers);
    let list = follow_ups(&store).list(who, bucket).await?;
    Ok(Json(list.into_iter().map(|f| view(f, lang)).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseFields {
    /// What was done (at most 500 characters).
    #[serde(default)]
    note: String,
    /// Whether the resident is now satisfied.
    now_satisfied: Option<bool>,
}

/// Close a follow-up with what was done (community staff of its community; once).
#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/close", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = CloseFields,
    responses((status = 200, body = FollowUpView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn close(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CloseFields>,
) -> Result<Json<FollowUpView>, ApiError> {
    let id: app::domain::ids::FollowUpId = path_id(&id)?;
    let who = caller.require()?;
    let closed = follow_ups(&store)
        .close(who, id, &body.note, body.now_satisfied)
        .await?;
    Ok(Json(view(closed, request_lang(None, &headers))))
}
