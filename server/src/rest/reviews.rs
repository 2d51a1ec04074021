//! What residents said about an offering, over JSON: the public reviews of a service, the
//! organization's one reply to a rating, and community staff hiding an abusive comment.
//! Thin: each handler parses, calls one use case of `domain::requests::reviews`.

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::requests::{answer, requests, RequestView};
use super::{path_id, request_lang, RequestStore};
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::calendar::rfc3339;
use app::domain::error::AppError;
use app::domain::ids::{RequestId, ServiceId};
use app::domain::requests::rating::tag_words;
use app::domain::requests::reviews::{HideInput, ReplyInput};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One rating as anyone may see it: never who gave it.
#[derive(Serialize, ToSchema)]
pub struct ReviewView {
    /// 1 (非常不满意) to 5 (非常满意).
    score: u8,
    score_text: String,
    tags: Vec<String>,
    /// The tags in the asked language.
    tags_text: Vec<String>,
    /// Absent when there was none, or when community staff hid it as abusive.
    comment: Option<String>,
    comment_hidden: bool,
    rated_at: String,
    /// The organization's reply, once given.
    reply: Option<String>,
    replied_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewList {
    /// The latest ten, newest first.
    reviews: Vec<ReviewView>,
}

/// The latest reviews of a service (public).
#[utoipa::path(get, path = "/api/v1/services/{id}/reviews", tag = "directory", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = ReviewList), (status = 400, body = ErrorBody),
              (status = 404, description = "No service has this id.", body = ErrorBody)))]
pub async fn list(
    State(store): State<SqlStore>,
    RequestStore(directory): RequestStore,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ReviewList>, ApiError> {
    let id: ServiceId = path_id(&id)?;
    let lang = request_lang(None, &headers);
    // A service without a page has no reviews to show either.
    if directory.service(id, lang, None).await?.is_none() {
        return Err(ApiError(AppError::not_found("服务", "service")));
    }
    let reviews = requests(&store).reviews(id).await?;
    Ok(Json(ReviewList {
        reviews: reviews
            .into_iter()
            .map(|r| ReviewView {
                score: r.score.get(),
                score_text: r.score.words().get(lang).to_owned(),
                tags_text: r
                    .tags
                    .iter()
                    .filter_map(|t| tag_words(t).map(|w| w.get(lang).to_owned()))
                    .collect(),
                tags: r.tags,
                comment: r.comment,
                comment_hidden: r.comment_hidden,
                rated_at: rfc3339(r.rated_at),
                reply: r.reply,
                replied_at: r.replied_at.map(rfc3339),
            })
            .collect(),
    }))
}

/// The body of `PUT /api/v1/requests/{id}/rating/reply`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::requests::reviews::ReplyInput`, which parses.
pub struct ReplyFields {
    /// At most 500 characters; shown under the rating on the service's page.
    reply: String,
}

/// The organization's one public reply to a rating (a member of the offering's
/// organization). A second reply is a 409.
#[utoipa::path(put, path = "/api/v1/requests/{id}/rating/reply", tag = "requests", params(("id" = i64, Path, minimum = 1)),
    request_body = ReplyFields,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn reply(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ReplyInput>,
) -> Result<Response, ApiError> {
    let id: RequestId = path_id(&id)?;
    let who = caller.require()?;
    let request = requests(&store).reply(who, id, &input).await?;
    Ok(answer(request, &headers, StatusCode::OK))
}

/// The body of `POST /api/v1/requests/{id}/rating/hide-comment`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::requests::reviews::HideInput`, which parses.
pub struct HideFields {
    /// Why, for the audit log (at most 200 characters).
    reason: String,
}

/// Hide an abusive comment (community staff of the request's community). The score still
/// counts; the hiding is in the audit log.
#[utoipa::path(post, path = "/api/v1/requests/{id}/rating/hide-comment", tag = "requests",
    params(("id" = i64, Path, minimum = 1)), request_body = HideFields,
    responses((status = 200, body = RequestView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn hide_comment(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<HideInput>,
) -> Result<Response, ApiError> {
    let id: RequestId = path_id(&id)?;
    let who = caller.require()?;
    let request_id = crate::request_context::request_id_of(&headers);
    let request = requests(&store)
        .hide_comment(who, id, &input, request_id.as_deref())
        .await?;
    Ok(answer(request, &headers, StatusCode::OK))
}
