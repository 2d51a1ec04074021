//! The public JSON API, `/api/v1`: thin handlers over the same use cases the pages call.
//!
//! Design:
//! - Query strings are parsed by the domain's parsers, never by axum's extractors, so a
//!   bad parameter is always our 400 with `field`, never a framework's plain-text reply.
//! - Every response type is described in the OpenAPI document (`openapi.rs`), generated
//!   from these handlers' annotations.

pub(crate) mod accounts;
pub(crate) mod activities;
pub(crate) mod body;
pub(crate) mod dashboard;
pub mod error;
pub(crate) mod follow_ups;
pub(crate) mod needs;
pub(crate) mod notifications;
pub(crate) mod offerings;
pub mod openapi;
mod organizations;
mod params;
mod patching;
mod reference;
pub(crate) mod requests;
pub(crate) mod reviews;
pub mod schema;
mod services;

use crate::store::SqlStore;
use app::domain::lang::Lang;
use app::domain::store::Store;
use app::domain::validation::FieldError;
use axum::extract::FromRequestParts;
use axum::routing::{delete, get, post, put};
use axum::Router;
use error::ApiError;
use http::HeaderMap;

/// The API's routes, relative to `/api/v1` where the router nests them.
pub fn routes() -> Router<SqlStore> {
    Router::new()
        .route("/services", get(services::search))
        .route("/services/{id}", get(services::service))
        .route("/services/{id}/reviews", get(reviews::list))
        .route("/organizations/{id}", get(services::organization))
        .route("/categories", get(services::categories))
        .route("/grid", get(services::grid))
        .route("/version", get(services::version))
        .route("/auth/register", post(accounts::register))
        .route("/auth/code", post(accounts::code))
        .route("/auth/login", post(accounts::login))
        .route("/auth/logout", post(accounts::logout))
        .route("/auth/logout-all", post(accounts::logout_all))
        .route("/me", get(accounts::me).delete(accounts::delete_me))
        .route("/me/export", get(accounts::export))
        .route("/me/tokens", post(accounts::create_token))
        .route("/me/volunteer", put(accounts::set_volunteer))
        .route("/community/family-links", post(organizations::link_in_person))
        .route("/me/tokens/{id}", delete(accounts::revoke_token))
        .route("/organizations", post(organizations::register_organization))
        .route("/organizations/{id}/verify", post(organizations::verify))
        .route("/organizations/{id}/suspend", post(organizations::suspend))
        .route("/organizations/{id}/reinstate", post(organizations::reinstate))
        .route("/organizations/{id}/members", post(organizations::add_member))
        .route(
            "/organizations/{id}/members/{person}",
            delete(organizations::remove_member),
        )
        .route("/family-links", post(accounts::create_family_link))
        .route("/family-links/{id}/confirm", post(accounts::confirm_family_link))
        .route("/family-links/{id}/end", post(accounts::end_family_link))
        .route("/community/organizations", get(organizations::community_organizations))
        .route(
            "/organizations/{id}/offerings",
            get(offerings::list).post(offerings::create),
        )
        .route("/offerings/{id}", get(offerings::get).patch(offerings::patch))
        .route("/offerings/{id}/pause", post(offerings::pause))
        .route("/offerings/{id}/resume", post(offerings::resume))
        .route("/offerings/{id}/retire", post(offerings::retire))
        .route("/offerings/{id}/history", get(offerings::history))
        .route(
            "/offerings/{id}/photo",
            put(offerings::put_photo)
                .delete(offerings::delete_photo)
                .layer(axum::extract::DefaultBodyLimit::max(PHOTO_BODY_LIMIT))
                .layer(axum::middleware::from_fn(body::refuse_announced_oversize)),
        )
        .route("/requests", get(requests::list).post(requests::submit))
        .route("/requests/{id}", get(requests::get))
        .route("/requests/{id}/accept", post(requests::accept))
        .route("/requests/{id}/decline", post(requests::decline))
        .route("/requests/{id}/schedule", post(requests::schedule))
        .route("/requests/{id}/complete", post(requests::complete))
        .route("/requests/{id}/cancel", post(requests::cancel))
        .route("/requests/{id}/reopen", post(requests::reopen))
        .route("/requests/{id}/assign", post(requests::assign))
        .route("/requests/{id}/rating", put(requests::put_rating))
        .route("/requests/{id}/rating/reply", put(reviews::reply))
        .route("/requests/{id}/rating/hide-comment", post(reviews::hide_comment))
        .route("/follow-ups", get(follow_ups::list))
        .route("/needs", get(needs::list).post(needs::name))
        .route("/needs/{id}/support", post(needs::support))
        .route("/needs/{id}/point", post(needs::point))
        .route("/needs/{id}/unmet", post(needs::unmet))
        .route("/activities", get(activities::list).post(activities::create))
        .route("/activities/{id}", get(activities::get).patch(activities::edit))
        .route(
            "/activities/{id}/signup",
            post(activities::sign_up).delete(activities::cancel),
        )
        .route("/activities/{id}/signups", get(activities::roster))
        .route("/activities/{id}/cancel", post(activities::cancel_activity))
        .route("/activities/{id}/checkin-code", get(activities::code))
        .route("/activities/{id}/checkin-code.svg", get(activities::code_svg))
        .route("/activities/{id}/check-in", post(activities::check_in))
        .route("/activities/{id}/check-out", post(activities::check_out))
        .route("/activities/{id}/attendance", post(activities::mark))
        .route("/activities/{id}/hours", post(activities::approve_hours))
        .route("/me/hours", get(activities::hours))
        .route("/me/certificates", post(activities::issue_certificate))
        .route("/certificates/{code}", get(activities::verify_certificate))
        .route("/organizations/{id}/activities", get(activities::of_organization))
        .route("/me/activities", get(activities::mine))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::read))
        .route("/me/notifications", put(notifications::set_sms))
        .route("/dashboard", get(dashboard::figures))
        .route("/dashboard/csv", get(dashboard::csv))
        .route("/follow-ups/{id}/close", post(follow_ups::close))
        .route("/openapi.json", get(openapi::document))
        .route("/docs", get(reference::page))
        .fallback(not_found)
}

/// An upload's body may be a little over the 5 MB a photo may be, so that the domain's
/// check answers it with a clear 422; beyond this, 413.
pub(crate) const PHOTO_BODY_LIMIT: usize = app::domain::offerings::photo::MAX_BYTES + 1024 * 1024;

/// The store for one request, pinned to one directory snapshot for all its reads.
pub struct RequestStore(pub Store);

impl FromRequestParts<SqlStore> for RequestStore {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_parts: &mut http::request::Parts, sql: &SqlStore) -> Result<Self, Self::Rejection> {
        Ok(RequestStore(std::sync::Arc::new(sql.pinned())))
    }
}

async fn not_found() -> ApiError {
    ApiError(app::domain::error::AppError::not_found("接口", "endpoint"))
}

/// Query-string pairs; a malformed string is a 400 on `query`.
pub(crate) fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|_| ApiError(FieldError::new("query", "查询字符串格式不对", "is not a valid query string").into()))
}

/// `lang=` if given, else the `Accept-Language` header.
pub(crate) fn request_lang(explicit: Option<Lang>, headers: &HeaderMap) -> Lang {
    explicit.unwrap_or_else(|| {
        Lang::from_accept_language(
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default(),
        )
    })
}

/// A path id: a positive whole number, else a 400 naming `id`.
pub(crate) fn path_id<Id: TryFrom<i64>>(raw: &str) -> Result<Id, ApiError> {
    raw.parse::<i64>()
        .ok()
        .and_then(|id| Id::try_from(id).ok())
        .ok_or_else(|| ApiError(FieldError::new("id", "须为正整数编号", "must be a positive whole number").into()))
}
