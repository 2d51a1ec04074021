//! What an activity's organizers do over JSON: change it, see who signed up, call it
//! off, list an organization's activities.

use super::*;
use crate::rest::patching::{if_match, merged};

/// Change an activity until it starts (its organizers), with a JSON merge patch of the
/// fields it was published with (`null` clears an optional one); the result is checked
/// whole. A new time or place is told to everyone signed up or waiting; more places move
/// the waitlist up in order. `If-Match` with its `revision` refuses an edit made from a
/// stale read.
#[utoipa::path(patch, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = i64, Path, minimum = 1), ("If-Match" = Option<String>, Header, description = "the revision the edit was made from")),
    request_body(content = Object, content_type = "application/merge-patch+json",
                 description = "Any of the fields of ActivityFields except organization_id; the result must be a valid activity"),
    responses((status = 200, body = ActivityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<serde_json::Value>,
) -> Result<Json<ActivityView>, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    let from_revision = if_match(&headers)?;
    let use_case = activities(&store);
    let current = use_case.get(Some(who), id).await?;
    if !app::domain::activities::use_cases::organizes(who, current.organizer) {
        // Refused before the body is read, so nobody learns what would be valid.
        return Err(ApiError(app::domain::error::AppError::Forbidden));
    }
    let input = merged(&current.to_input(), patch)?;
    // The revision read above stands in for a missing If-Match: a change landing between
    // that read and the edit is refused, not silently overwritten.
    let activity = use_case
        .edit(who, id, &input, Some(from_revision.unwrap_or(current.revision)))
        .await?;
    Ok(Json(view(&activity, None, request_lang(None, &headers), use_case.now)))
}

#[derive(Serialize, ToSchema)]
pub struct RosterView {
    person_id: i64,
    name: String,
    /// Masked (138****0000).
    phone: Option<String>,
    signup: StandingView,
    signed_up_at: String,
    checked_in_at: Option<String>,
    checked_out_at: Option<String>,
    no_show: bool,
    /// Attended so far (to the scheduled end while there is no check-out).
    attended_minutes: Option<u32>,
    /// No check-out: the organizer confirms the time.
    to_confirm: bool,
    /// Approved minutes, once approved.
    approved_minutes: Option<u32>,
}

/// Everyone who signed up, confirmed first, then the waitlist in order (the activity's
/// organizers).
#[utoipa::path(get, path = "/api/v1/activities/{id}/signups", tag = "activities",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Vec<RosterView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn roster(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<RosterView>>, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    let lang = request_lang(None, &headers);
    let lines = activities(&store).roster(who, id).await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l: RosterLine| {
                let attended = l.attendance.attended();
                RosterView {
                    person_id: l.person.get(),
                    name: l.name,
                    phone: l.phone,
                    signup: standing_view(&l.standing, lang),
                    signed_up_at: rfc3339(l.signed_up_at),
                    checked_in_at: l.attendance.checked_in_at.map(rfc3339),
                    checked_out_at: l.attendance.checked_out_at.map(rfc3339),
                    no_show: l.attendance.no_show,
                    attended_minutes: attended.map(|a| a.minutes),
                    to_confirm: attended.is_some_and(|a| a.to_confirm),
                    approved_minutes: l.attendance.approved_minutes,
                }
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelFields {
    /// Told to everyone who signed up (at most 200 characters).
    #[serde(default)]
    reason: String,
}

/// Cancel an activity that has not started (its organizers); everyone signed up or
/// waiting is told why.
#[utoipa::path(post, path = "/api/v1/activities/{id}/cancel", tag = "activities",
    params(("id" = i64, Path, minimum = 1)), request_body = CancelFields,
    responses((status = 200, body = ActivityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn cancel_activity(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CancelFields>,
) -> Result<Json<ActivityView>, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    let use_case = activities(&store);
    let activity = use_case.cancel_activity(who, id, &body.reason).await?;
    Ok(Json(view(&activity, None, request_lang(None, &headers), use_case.now)))
}

/// An organization's activities, latest start first, drafts included (its members).
#[utoipa::path(get, path = "/api/v1/organizations/{id}/activities", tag = "activities",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = Vec<ActivityView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn of_organization(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<ActivityView>>, ApiError> {
    let organization: app::domain::ids::OrganizationId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    let lang = request_lang(None, &headers);
    let use_case = activities(&store);
    let list = use_case.of_organization(who, organization).await?;
    Ok(Json(list.iter().map(|a| view(a, None, lang, use_case.now)).collect()))
}
