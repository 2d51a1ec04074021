//! Notifications over JSON: a person's notifications, marking them read, and whether
//! they also come by text message.

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::request_lang;
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::calendar::rfc3339;
use app::domain::notifications::{self, NotificationStore};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    id: i64,
    /// `submitted`, `accepted`, `declined`, `scheduled`, `completed`, `cancelled`,
    /// `reopened` or `follow-up`.
    kind: String,
    request_id: Option<i64>,
    text: String,
    /// The page it is about.
    link: String,
    created_at: String,
    read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationList {
    unread: u32,
    /// The newest 50.
    items: Vec<NotificationView>,
}

/// The caller's notifications, newest first, and how many are unread.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "requests",
    responses((status = 200, body = NotificationList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Json<NotificationList>, ApiError> {
    let who = caller.require()?;
    let lang = request_lang(None, &headers);
    let (items, unread) = notifications::list(&store, who).await?;
    Ok(Json(NotificationList {
        unread,
        items: items
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                kind: n.kind,
                request_id: n.request.map(|r| r.get()),
                text: n.text.get(lang).to_owned(),
                link: n.link,
                created_at: rfc3339(n.created_at),
                read: n.read,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadFields {
    /// Marks those up to this id read; absent: all.
    #[schema(minimum = 1)]
    up_to: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Marked {
    marked: u32,
}

/// Marks the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "requests", request_body = ReadFields,
    responses((status = 200, body = Marked), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn read(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody<ReadFields>,
) -> Result<Json<Marked>, ApiError> {
    let who = caller.require()?;
    let marked = store
        .mark_read(who.person, body.up_to, crate::store::migrate::now_millis())
        .await
        .map_err(app::domain::error::AppError::from)?;
    Ok(Json(Marked { marked }))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsFields {
    /// Also send each notification as a text message to the account's number.
    sms: bool,
}

/// Whether the caller's notifications also come by text message.
#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "requests", request_body = SmsFields,
    responses((status = 200, body = SmsFields), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn set_sms(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody<SmsFields>,
) -> Result<Json<SmsFields>, ApiError> {
    let who = caller.require()?;
    store
        .set_sms(who.person, body.sms)
        .await
        .map_err(app::domain::error::AppError::from)?;
    Ok(Json(SmsFields { sms: body.sms }))
}
