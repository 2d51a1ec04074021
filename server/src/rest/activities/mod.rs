//! Volunteer activities over JSON: find them near a place (the service search's geo and
//! paging parameters, the same answer shape), publish one, sign up, cancel, and take it
//! into a phone's calendar (`GET /api/v1/activities/{id}.ics`). What organizers do is in
//! `organizers.rs`; attendance, hours and certificates in `attendance.rs`.

mod attendance;
mod organizers;
pub use attendance::*;
pub use organizers::*;

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::{query_pairs, request_lang};
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::activities::input::ActivityInput;
use app::domain::activities::search::ActivityParams;
use app::domain::activities::store::{MySignup, RosterLine, Standing};
use app::domain::activities::use_cases::{standing_words, Activities, Mark};
use app::domain::activities::{Activity, Organizer};
use app::domain::calendar::rfc3339;
use app::domain::ids::{ActivityId, PersonId};
use app::domain::lang::Lang;
use app::domain::validation::FieldError;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn activities(store: &SqlStore) -> Activities<'_> {
    Activities {
        store,
        now: crate::store::migrate::now_millis(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganizerView {
    /// `organization` or `community` (the community's own staff run it).
    kind: &'static str,
    /// The organization's or the community's id.
    id: i64,
    name: String,
}

/// An activity as every answer shows it: what stays the same between two changes to it.
/// The search keeps each card's JSON ([`card_line`]) while nothing changes.
#[derive(Serialize, ToSchema)]
pub struct ActivityCard {
    id: i64,
    organizer: OrganizerView,
    community_id: i64,
    place_id: i64,
    place: String,
    address: String,
    latitude: f64,
    longitude: f64,
    /// `elder-visit`, `meal-delivery`, `escort`, `health-day`, `cleanup`, `haircut`,
    /// `phone-help` or `recreation`.
    kind: &'static str,
    kind_name: String,
    title: String,
    description: String,
    starts_at: String,
    ends_at: String,
    signup_deadline: String,
    places: u32,
    confirmed: u32,
    places_left: u32,
    waitlisted: u32,
    /// Skill slugs (`first-aid`, `driving`, …).
    skills: Vec<&'static str>,
    skill_names: Vec<String>,
    min_age: Option<u8>,
    /// `draft`, `published`, `cancelled` or `finished`.
    status: &'static str,
    cancel_reason: Option<String>,
    /// Counts edits; send it back as `If-Match` so an edit made from a stale read is refused.
    revision: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityView {
    #[serde(flatten)]
    card: ActivityCard,
    /// Whether sign-ups are open now.
    signups_open: bool,
    /// From the search's origin, when it had one. (Its page is `/activities/{id}`, its
    /// calendar file `GET /api/v1/activities/{id}.ics`: no URLs in the body, which
    /// schemathesis' stateful phase would read as links and mismatch.)
    distance_m: Option<u32>,
}

fn card(a: &Activity, lang: Lang) -> ActivityCard {
    let (kind, id) = match a.organizer {
        Organizer::Organization(o) => ("organization", o.get()),
        Organizer::Community(c) => ("community", c.get()),
    };
    ActivityCard {
        id: a.id.get(),
        organizer: OrganizerView {
            kind,
            id,
            name: a.organizer_name.get(lang).to_owned(),
        },
        community_id: a.community.get(),
        place_id: a.place.get(),
        place: a.place_name.get(lang).to_owned(),
        address: a.address.clone(),
        latitude: a.position.latitude(),
        longitude: a.position.longitude(),
        kind: a.kind.slug(),
        kind_name: a.kind.name().get(lang).to_owned(),
        title: a.title.get(lang).to_owned(),
        description: a.description.get(lang).to_owned(),
        starts_at: rfc3339(a.starts_at),
        ends_at: rfc3339(a.ends_at),
        signup_deadline: rfc3339(a.signup_deadline),
        places: a.places,
        confirmed: a.confirmed,
        places_left: a.places_left(),
        waitlisted: a.waitlisted,
        skills: a.skills.iter().map(|s| s.slug()).collect(),
        skill_names: a.skills.iter().map(|s| s.name().get(lang).to_owned()).collect(),
        min_age: a.min_age,
        status: a.status.slug(),
        cancel_reason: a.cancel_reason.clone(),
        revision: a.revision,
    }
}

pub(crate) fn view(a: &Activity, distance_m: Option<u32>, lang: Lang, now: i64) -> ActivityView {
    ActivityView {
        card: card(a, lang),
        signups_open: a.open_at(now),
        distance_m,
    }
}

/// The card's JSON object left open (no closing brace), for [`ActivityLines`] to finish
/// with what changes from one request to the next.
fn card_line(a: &Activity, lang: Lang) -> String {
    let mut line = serde_json::to_string(&card(a, lang)).expect("a card always serializes");
    let closing = line.pop();
    debug_assert_eq!(closing, Some('}'));
    line
}

/// The search's answer ([`ActivityPage`] on the wire) written from kept card lines, each
/// finished with `signups_open` and `distance_m` as [`ActivityView`] writes them.
struct ActivityLines(String);

impl ActivityLines {
    fn new(total: u64) -> Self {
        Self(format!(r#"{{"total":{total},"items":["#))
    }

    fn push(&mut self, card_line: &str, signups_open: bool, distance_m: Option<u32>) {
        use std::fmt::Write;
        if !self.0.ends_with('[') {
            self.0.push(',');
        }
        self.0.push_str(card_line);
        let _ = match distance_m {
            Some(d) => write!(self.0, r#","signups_open":{signups_open},"distance_m":{d}}}"#),
            None => write!(self.0, r#","signups_open":{signups_open},"distance_m":null}}"#),
        };
    }

    fn finish(mut self) -> Response {
        self.0.push_str("]}");
        ([(http::header::CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

/// A page of found activities and how many there are in all (the services' answer
/// shape). [`ActivityLines`] writes it; this type describes it in the OpenAPI document.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ActivityPage {
    total: u64,
    items: Vec<ActivityView>,
}

#[derive(Serialize, ToSchema)]
pub struct StandingView {
    /// `confirmed`, `waitlisted` or `cancelled`.
    status: &'static str,
    /// On the waitlist: 1 for the first in line.
    position: Option<u32>,
    /// What it means, in the request's language.
    message: String,
}

fn standing_view(s: &Standing, lang: Lang) -> StandingView {
    StandingView {
        status: s.status.slug(),
        position: s.position,
        message: standing_words(s).get(lang).to_owned(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct MySignupView {
    activity: ActivityView,
    signup: StandingView,
}

/// Upcoming activities: near a position or place (`lat`/`lon` or `place`, `radius_m`),
/// soonest or nearest first, narrowed by kind, skill and dates.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities",
    params(
        ("lat" = Option<f64>, Query, description = "Latitude; give with lon.", minimum = -90, maximum = 90),
        ("lon" = Option<f64>, Query, description = "Longitude; give with lat.", minimum = -180, maximum = 180),
        ("place" = Option<i64>, Query, description = "A grid unit to search from instead of lat/lon.", minimum = 1),
        ("radius_m" = Option<u32>, Query, description = "Search radius in metres (with a position).", minimum = 1, maximum = 50000),
        ("kind" = Option<String>, Query, description = "An activity kind slug, e.g. `elder-visit`."),
        ("skill" = Option<String>, Query, description = "A skill slug, e.g. `first-aid`."),
        ("from" = Option<String>, Query, description = "First day (YYYY-MM-DD, Chengdu); default today."),
        ("to" = Option<String>, Query, description = "Last day (YYYY-MM-DD)."),
        ("sort" = Option<String>, Query, description = "`soonest` (default) or `nearest`."),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("offset" = Option<u64>, Query, minimum = 0, maximum = 1000),
        ("lang" = Option<crate::rest::schema::Lang>, Query),
    ),
    responses((status = 200, body = ActivityPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(store): State<SqlStore>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = ActivityParams::from_pairs(&query_pairs(query.as_deref())?).map_err(|e| ApiError(e.into()))?;
    let lang = request_lang(params.lang, &headers);
    let use_case = activities(&store);
    // The store's kept activities answer directly (`use_case.search` would clone each
    // hit, as the pages need): each card is shaped once per version and language.
    let search = use_case.resolve(&params).await?;
    let upcoming = store.upcoming(&search).await?;
    let (total, found) = upcoming.find(&search);
    let mut page = ActivityLines::new(total);
    for f in &found {
        let signups_open = upcoming.activity(f).open_at(use_case.now);
        page.push(upcoming.line(f, lang, card_line), signups_open, f.distance_m);
    }
    Ok(page.finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // The schema of `domain::activities::input::ActivityInput`, which parses.
pub struct ActivityFields {
    /// The organization running it (its members publish); absent: the caller's community.
    organization_id: Option<i64>,
    title_zh: String,
    title_en: Option<String>,
    description_zh: String,
    description_en: Option<String>,
    kind: String,
    /// Where volunteers meet: a grid unit down to a building.
    place_id: i64,
    latitude: Option<f64>,
    longitude: Option<f64>,
    address: Option<String>,
    /// RFC 3339.
    starts_at: String,
    ends_at: String,
    signup_deadline: Option<String>,
    /// Volunteer places, 1 to 500.
    places: i64,
    skills: Option<Vec<String>>,
    min_age: Option<i64>,
    /// Keep as a draft instead of publishing at once.
    draft: Option<bool>,
}

/// Publish an activity (members of a verified organization, or a community's staff).
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = ActivityFields,
    responses((status = 201, body = ActivityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<ActivityInput>,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    let use_case = activities(&store);
    let activity = use_case.publish(who, &input).await?;
    let location = format!("/api/v1/activities/{}", activity.id);
    let mut response = (
        StatusCode::CREATED,
        Json(view(&activity, None, request_lang(None, &headers), use_case.now)),
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(http::header::LOCATION, location);
    }
    Ok(response)
}

/// `12` or `12.ics`.
fn activity_path(raw: &str) -> Result<(ActivityId, bool), ApiError> {
    let (raw, ics) = match raw.strip_suffix(".ics") {
        Some(id) => (id, true),
        None => (raw, false),
    };
    Ok((crate::rest::path_id(raw)?, ics))
}

/// One activity with its places left; `{id}.ics` answers its iCalendar file.
#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = i64, Path, minimum = 1, description = "The activity's id; append `.ics` for its calendar file."),
           ("lang" = Option<crate::rest::schema::Lang>, Query)),
    responses((status = 200, body = ActivityView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (id, ics) = activity_path(&id)?;
    let lang = lang_param(query.as_deref(), &headers)?;
    let use_case = activities(&store);
    let activity = use_case.get(caller.principal.as_ref(), id).await?;
    if ics {
        return Ok(crate::calendar_file::response(&activity, lang));
    }
    Ok(Json(view(&activity, None, lang, use_case.now)).into_response())
}

fn lang_param(query: Option<&str>, headers: &HeaderMap) -> Result<Lang, ApiError> {
    let mut explicit = None;
    for (name, value) in query_pairs(query)? {
        match name.as_str() {
            "lang" => {
                explicit = Some(
                    Lang::parse(&value).ok_or_else(|| FieldError::new("lang", "须为 zh 或 en", "must be zh or en"))?,
                )
            }
            _ => {
                return Err(
                    FieldError::new("query", "不认识的参数", "has a parameter this endpoint does not take").into(),
                )
            }
        }
    }
    Ok(request_lang(explicit, headers))
}

/// Sign up: a place while there is one, else the waitlist with its position. Opt in to
/// volunteering first (`PUT /api/v1/me/volunteer`).
#[utoipa::path(post, path = "/api/v1/activities/{id}/signup", tag = "activities",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = StandingView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sign_up(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<StandingView>, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    let standing = activities(&store).sign_up(who, id).await?;
    Ok(Json(standing_view(&standing, request_lang(None, &headers))))
}

/// Cancel one's sign-up (until the activity starts); a freed place goes to the first on
/// the waitlist, who is notified.
#[utoipa::path(delete, path = "/api/v1/activities/{id}/signup", tag = "activities",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    activities(&store).cancel(who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's sign-ups, latest activity first.
#[utoipa::path(get, path = "/api/v1/me/activities", tag = "activities",
    responses((status = 200, body = Vec<MySignupView>), (status = 401, body = ErrorBody)))]
pub async fn mine(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Json<Vec<MySignupView>>, ApiError> {
    let who = caller.require()?;
    let lang = request_lang(None, &headers);
    let use_case = activities(&store);
    let mine = use_case.mine(who).await?;
    Ok(Json(
        mine.into_iter()
            .map(|MySignup { activity, standing }| MySignupView {
                activity: view(&activity, None, lang, use_case.now),
                signup: standing_view(&standing, lang),
            })
            .collect(),
    ))
}
