//! Organizations over JSON: registration, oversight by community staff, members, and
//! the community desk (the organizations staff oversee, the audit log, in-person family
//! links). Thin: each handler parses, calls one use case and shapes the answer.

use super::body::JsonBody;
use super::error::{ApiError, ErrorBody};
use super::path_id;
use crate::auth::{accounts, Caller};
use crate::store::SqlStore;
use app::domain::accounts::store::{AccountStore, AuditEntry, OrganizationAccount, DESK_AUDIT_ENTRIES};
use app::domain::accounts::use_cases::{OrganizationForm, Oversight};
use app::domain::error::AppError;
use app::domain::ids::{GridUnitId, OrganizationId, PersonId};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct OrganizationBody {
    name: String,
    /// `social-organization`, `volunteer-organization` or `resident-unit`.
    kind: String,
    /// The 18-character unified social credit code (checksum validated).
    credit_code: String,
    contact_name: String,
    contact_phone: String,
    /// Ids of the communities served (at least one).
    communities: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationView {
    id: i64,
    name: String,
    kind: String,
    credit_code: String,
    contact_name: String,
    /// Whole for the organization's members and the staff overseeing it, masked otherwise.
    contact_phone: String,
    communities: Vec<i64>,
    verified: bool,
    suspended: bool,
}

/// An organization as shown (already `as_seen_by` the caller).
fn organization_view(o: OrganizationAccount) -> OrganizationView {
    OrganizationView {
        id: o.id.get(),
        name: o.name,
        kind: o.kind.slug().to_owned(),
        credit_code: o.credit_code,
        contact_name: o.contact_name,
        contact_phone: o.contact_phone,
        communities: o.communities.iter().map(|c| c.get()).collect(),
        verified: o.verified,
        suspended: o.suspended,
    }
}

/// Register an organization; the caller becomes its owner. Unverified until staff of
/// a community it serves verify it.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations", request_body = OrganizationBody,
    responses((status = 201, body = OrganizationView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn register_organization(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<OrganizationBody>,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    let communities = body
        .communities
        .iter()
        .map(|id| GridUnitId::checked("communities", *id))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError(AppError::Invalid(vec![e])))?;
    let id = accounts(&store, &caller, &headers)
        .register_organization(
            who,
            OrganizationForm {
                name: body.name,
                kind: body.kind,
                credit_code: body.credit_code,
                contact_name: body.contact_name,
                contact_phone: body.contact_phone,
                communities,
            },
        )
        .await?;
    let account = store
        .organization_account(id)
        .await?
        .ok_or_else(|| AppError::not_found("机构", "organization"))?;
    // The caller just became its owner (their roles were read before it existed).
    Ok((StatusCode::CREATED, Json(organization_view(account))).into_response())
}

async fn oversee(
    store: SqlStore,
    caller: Caller,
    headers: HeaderMap,
    id: String,
    action: Oversight,
) -> Result<Json<OrganizationView>, ApiError> {
    let id: OrganizationId = path_id(&id)?;
    let who = caller.require()?;
    accounts(&store, &caller, &headers)
        .oversee_organization(who, id, action)
        .await?;
    let account = store
        .organization_account(id)
        .await?
        .ok_or_else(|| AppError::not_found("机构", "organization"))?;
    Ok(Json(organization_view(account.as_seen_by(who))))
}

/// Verify an organization (community staff of a community it serves).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/verify", tag = "organizations",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = OrganizationView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn verify(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<OrganizationView>, ApiError> {
    oversee(store, caller, headers, id, Oversight::Verify).await
}

/// Suspend an organization: its offerings leave the directory (community staff).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/suspend", tag = "organizations",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = OrganizationView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn suspend(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<OrganizationView>, ApiError> {
    oversee(store, caller, headers, id, Oversight::Suspend).await
}

/// Reinstate a suspended organization (community staff).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/reinstate", tag = "organizations",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = OrganizationView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reinstate(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<OrganizationView>, ApiError> {
    oversee(store, caller, headers, id, Oversight::Reinstate).await
}

#[derive(Deserialize, ToSchema)]
pub struct MemberBody {
    /// The new member's login (they must have an account).
    login: String,
    /// `owner` or `member`.
    role: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: i64,
}

/// Add a member (owners only).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/members", tag = "organizations", request_body = MemberBody,
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MemberBody>,
) -> Result<Response, ApiError> {
    let id: OrganizationId = path_id(&id)?;
    let who = caller.require()?;
    let person = accounts(&store, &caller, &headers)
        .add_member(who, id, &body.login, &body.role)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: person.get() })).into_response())
}

/// Remove a member (owners only; never the last owner).
#[utoipa::path(delete, path = "/api/v1/organizations/{id}/members/{person}", tag = "organizations",
    params(("id" = i64, Path, minimum = 1), ("person" = i64, Path, minimum = 1)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_member(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path((id, person)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id: OrganizationId = path_id(&id)?;
    let person: PersonId = path_id(&person)?;
    let who = caller.require()?;
    accounts(&store, &caller, &headers)
        .remove_member(who, id, person)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct InPersonLinkBody {
    /// The staff member's community where the resident lives.
    community: i64,
    /// The resident's name (they have no phone, so no login).
    person_name: String,
    /// The family member who will act for them (they must have an account).
    member_login: String,
    relation: String,
}

#[derive(Serialize, ToSchema)]
pub struct InPersonLink {
    person_id: i64,
    link_id: i64,
}

/// Community staff link, in person, a resident without a phone to the family member who
/// acts for them, creating the resident's account. Active at once; audited.
#[utoipa::path(post, path = "/api/v1/community/family-links", tag = "organizations", request_body = InPersonLinkBody,
    responses((status = 201, body = InPersonLink), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link_in_person(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<InPersonLinkBody>,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    // Refused as its form twin refuses it: a malformed community is a field error.
    let community =
        GridUnitId::checked("community", body.community).map_err(|e| ApiError(AppError::Invalid(vec![e])))?;
    let (person, link) = accounts(&store, &caller, &headers)
        .link_in_person(who, community, &body.person_name, &body.member_login, &body.relation)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(InPersonLink {
            person_id: person.get(),
            link_id: link,
        }),
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AuditView {
    at: i64,
    actor_id: Option<i64>,
    action: String,
    subject_kind: String,
    subject_id: Option<i64>,
    on_behalf_of: Option<i64>,
    request_id: Option<String>,
    detail: Option<String>,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        Self {
            at: e.at,
            actor_id: e.actor.map(PersonId::get),
            action: e.action,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            on_behalf_of: e.on_behalf_of.map(PersonId::get),
            request_id: e.request_id,
            detail: e.detail,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Oversees {
    organizations: Vec<OrganizationView>,
    audit: Vec<AuditView>,
}

/// For community staff: the organizations serving their communities and the audit log
/// of what was done to them.
#[utoipa::path(get, path = "/api/v1/community/organizations", tag = "organizations",
    responses((status = 200, body = Oversees), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn community_organizations(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Oversees>, ApiError> {
    let who = caller.require()?;
    if !who.is_community_staff() {
        return Err(AppError::Forbidden.into());
    }
    let organizations = store
        .organizations_in(&who.roles.communities)
        .await?
        .into_iter()
        .map(|o| organization_view(o.as_seen_by(who)))
        .collect();
    let audit = store
        .audit_log(&who.roles.communities, DESK_AUDIT_ENTRIES)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(Oversees { organizations, audit }))
}
