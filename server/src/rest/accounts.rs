//! Accounts over JSON: sign-up, codes, sign-in and out, the caller's own account
//! (volunteering, API tokens, export, deletion) and family links. Organizations are in
//! `organizations.rs`.
//! Thin: each handler parses, calls one use case and shapes the answer.

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::path_id;
use crate::auth::{accounts, Caller, SessionCookie};
use crate::store::SqlStore;
use app::domain::accounts::store::{AccountStore, FamilyLink};
use app::domain::accounts::use_cases::{Credential, SignUp};
use app::domain::accounts::values::{mask, Login};
use app::domain::error::AppError;
use app::domain::ids::{ApiTokenId, FamilyLinkId, GridUnitId};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub(crate) fn with_cookie(mut response: Response, cookie: String) -> Response {
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(http::header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    /// An 11-digit mainland mobile number or an e-mail address.
    login: String,
    /// Optional: without one the person signs in with codes.
    #[serde(default)]
    password: Option<String>,
    display_name: String,
    /// The person read and accepted the privacy notice (PIPL). Must be true.
    #[serde(default)]
    consent: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Accepted {
    /// `code_sent`: a code went to the login if it can be used there.
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Registered {
    /// `code_sent`.
    status: &'static str,
    /// Send this back with the code (`POST /auth/login {"login", "code",
    /// "registration"}`): the code proves the phone, this proves you are who registered.
    registration: String,
}

/// Sign up: keeps the registration and sends a code that completes it at sign-in.
/// Answers 202 alike whether or not the login already has an account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterBody,
    responses((status = 202, body = Registered), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn register(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<RegisterBody>,
) -> Result<Response, ApiError> {
    accounts(&store, &caller, &headers)
        .register(SignUp {
            login: body.login,
            display_name: body.display_name,
            password: body.password,
            consent: body.consent,
        })
        .await
        .map(|registration| {
            (
                StatusCode::ACCEPTED,
                Json(Registered {
                    status: "code_sent",
                    registration,
                }),
            )
                .into_response()
        })
        .map_err(ApiError)
}

#[derive(Deserialize, ToSchema)]
pub struct CodeBody {
    login: String,
}

/// Send a one-time sign-in code. Answers 202 alike whether or not the login exists.
#[utoipa::path(post, path = "/api/v1/auth/code", tag = "accounts", request_body = CodeBody,
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn code(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CodeBody>,
) -> Result<Response, ApiError> {
    accounts(&store, &caller, &headers).request_code(&body.login).await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "code_sent" })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    login: String,
    /// Give a password or a code.
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    code: Option<String>,
    /// With a code that completes a sign-up: the secret the sign-up answered with.
    #[serde(default)]
    registration: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignedIn {
    id: i64,
    display_name: String,
}

/// Sign in with a password or a one-time code; sets the session cookie (a new session
/// every time). A code also completes a sign-up.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginBody,
    responses((status = 200, body = SignedIn), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Extension(cookie): Extension<SessionCookie>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<LoginBody>,
) -> Result<Response, ApiError> {
    let credential = match (body.password, body.code) {
        (Some(p), None) => Credential::Password(p),
        (None, Some(code)) => Credential::Code {
            code,
            registration: body.registration,
        },
        _ => {
            return Err(app::domain::validation::FieldError::new(
                "password",
                "请填写密码或验证码（二选一）",
                "give either a password or a code",
            )
            .into())
        }
    };
    let use_cases = accounts(&store, &caller, &headers);
    let session = use_cases.sign_in(&body.login, credential).await?;
    let profile = store.profile(session.person).await?.ok_or(AppError::Unauthenticated)?;
    let max_age = (session.expires_at - use_cases.now) / 1000;
    let response = Json(SignedIn {
        id: profile.id.get(),
        display_name: profile.display_name,
    })
    .into_response();
    Ok(with_cookie(response, cookie.set(&session.token, max_age)))
}

/// Sign out: ends this session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", responses((status = 204)))]
pub async fn logout(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Extension(cookie): Extension<SessionCookie>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = &caller.session_token {
        accounts(&store, &caller, &headers).sign_out(token).await?;
    }
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), cookie.clear()))
}

/// Sign out everywhere: ends every session of the signed-in person.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "accounts",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout_all(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Extension(cookie): Extension<SessionCookie>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    accounts(&store, &caller, &headers).sign_out_everywhere(who).await?;
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), cookie.clear()))
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: i64,
    display_name: String,
    /// Masked (138****1234): the full login is in the data export.
    login: Option<String>,
    roles: RolesView,
    family_links: Vec<FamilyLinkView>,
}

#[derive(Serialize, ToSchema)]
pub struct RolesView {
    resident: bool,
    volunteer: bool,
    organizations: Vec<MembershipView>,
    communities: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MembershipView {
    organization_id: i64,
    role: String,
}

#[derive(Serialize, ToSchema)]
pub struct FamilyLinkView {
    id: i64,
    person_id: i64,
    person_name: String,
    member_id: i64,
    member_name: String,
    relation: String,
    /// `pending` or `active`.
    status: String,
}

impl From<FamilyLink> for FamilyLinkView {
    fn from(l: FamilyLink) -> Self {
        Self {
            id: l.id,
            person_id: l.person.get(),
            person_name: l.person_name,
            member_id: l.member.get(),
            member_name: l.member_name,
            relation: l.relation,
            status: l.status,
        }
    }
}

/// The signed-in person: name, masked login, roles and family links.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(store): State<SqlStore>, Extension(caller): Extension<Caller>) -> Result<Json<Me>, ApiError> {
    let who = caller.require()?;
    let profile = store.profile(who.person).await?.ok_or(AppError::Unauthenticated)?;
    let links = store.family_links(who.person).await?;
    Ok(Json(Me {
        id: profile.id.get(),
        display_name: profile.display_name,
        login: profile.login.as_deref().map(mask),
        roles: RolesView {
            resident: true,
            volunteer: who.roles.volunteer,
            organizations: who
                .roles
                .organizations
                .iter()
                .map(|(o, r)| MembershipView {
                    organization_id: o.get(),
                    role: r.slug().to_owned(),
                })
                .collect(),
            communities: who.roles.communities.iter().map(|c| c.get()).collect(),
        },
        family_links: links.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct FamilyLinkBody {
    /// The family member's login (they must have an account).
    member_login: String,
    /// How they are related, in the person's words (儿子, daughter, …).
    relation: String,
}

/// Ask a family member to act for the caller. If the number has an account, they get a
/// code and confirm from their own account; the answer is the same either way (202), so
/// it tells nobody who is registered. The request shows in `GET /me` once made.
#[utoipa::path(post, path = "/api/v1/family-links", tag = "accounts", request_body = FamilyLinkBody,
    responses((status = 202, body = Accepted), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_family_link(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<FamilyLinkBody>,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    accounts(&store, &caller, &headers)
        .link_family_member(who, &body.member_login, &body.relation)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { status: "request_sent" })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ConfirmBody {
    /// The six digits sent to the member.
    code: String,
}

/// The family member confirms a link with the code sent to them.
#[utoipa::path(post, path = "/api/v1/family-links/{id}/confirm", tag = "accounts", request_body = ConfirmBody,
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn confirm_family_link(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ConfirmBody>,
) -> Result<StatusCode, ApiError> {
    let id: FamilyLinkId = path_id(&id)?;
    let who = caller.require()?;
    let login = own_login(&store, who).await?;
    accounts(&store, &caller, &headers)
        .confirm_family_link(who, id.get(), &login, &body.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Either side ends a family link.
#[utoipa::path(post, path = "/api/v1/family-links/{id}/end", tag = "accounts",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_family_link(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: FamilyLinkId = path_id(&id)?;
    let who = caller.require()?;
    accounts(&store, &caller, &headers)
        .end_family_link(who, id.get())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    /// What the token is for, to recognise it in the list.
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewToken {
    id: i64,
    /// Shown once: send it as `Authorization: Bearer <token>`.
    token: String,
}

/// Create a personal API token.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = TokenBody,
    responses((status = 201, body = NewToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TokenBody>,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    let (id, token) = accounts(&store, &caller, &headers)
        .create_api_token(who, &body.name)
        .await?;
    Ok((StatusCode::CREATED, Json(NewToken { id, token })).into_response())
}

/// Revoke one of the caller's API tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: ApiTokenId = path_id(&id)?;
    let who = caller.require()?;
    accounts(&store, &caller, &headers)
        .revoke_api_token(who, id.get())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything stored about the caller, as a JSON download.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn export(State(store): State<SqlStore>, Extension(caller): Extension<Caller>) -> Result<Response, ApiError> {
    let who = caller.require()?;
    let data = store.export(who.person).await?;
    let mut response = Json(data).into_response();
    response.headers_mut().insert(
        http::header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"doorstep-my-data.json\""),
    );
    Ok(response)
}

/// Delete the caller's account. Ratings they gave stay, anonymized.
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts",
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn delete_me(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Extension(cookie): Extension<SessionCookie>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    accounts(&store, &caller, &headers).delete_account(who).await?;
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), cookie.clear()))
}

#[derive(Deserialize, ToSchema)]
pub struct VolunteerBody {
    /// Opt in (true) or out (false).
    volunteer: bool,
    /// What they can do, in their own words.
    #[serde(default)]
    skills: String,
    /// When they can help.
    #[serde(default)]
    availability: String,
    /// The grid unit they live in.
    #[serde(default)]
    home_grid_unit: Option<i64>,
}

/// Opt in to volunteering (or out), with skills, availability and home place.
#[utoipa::path(put, path = "/api/v1/me/volunteer", tag = "accounts", request_body = VolunteerBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_volunteer(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<VolunteerBody>,
) -> Result<StatusCode, ApiError> {
    let who = caller.require()?;
    let home_grid_unit = match body.home_grid_unit {
        None => None,
        Some(id) => Some(GridUnitId::checked("home_grid_unit", id).map_err(|e| ApiError(AppError::Invalid(vec![e])))?),
    };
    accounts(&store, &caller, &headers)
        .set_volunteer(
            who,
            app::domain::accounts::store::VolunteerProfile {
                volunteer: body.volunteer,
                skills: body.skills,
                availability: body.availability,
                home_grid_unit,
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's own login, as the family-link confirmation needs it (JSON and form alike).
/// A deleted account has none: forbidden.
pub(crate) async fn own_login(
    store: &SqlStore,
    who: &app::domain::accounts::principal::Principal,
) -> Result<Login, ApiError> {
    Ok(store
        .profile(who.person)
        .await?
        .and_then(|p| p.login)
        .and_then(|l| Login::parse(&l).ok())
        .ok_or(AppError::Forbidden)?)
}
