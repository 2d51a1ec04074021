//! What the request pages show: the form to request a service, a resident's requests, one
//! request with its timeline and what the caller may do to it, and an organization's
//! inbox. Changes are plain form posts (`server/src/forms/requests.rs`).

use super::error::FnError;
use crate::domain::ids::{GridUnitId, PersonId};
use crate::domain::offerings::store::PlaceOption;
use crate::domain::requests::store::{Bucket, Request, RequestLine};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The request form of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestFormView {
    pub service: i64,
    pub service_name: String,
    pub organization_name: String,
    pub at_home: bool,
    pub min_age: Option<i64>,
    pub certificate_required: bool,
    /// Where it can be for: the grid units it reaches, named by their path.
    pub places: Vec<PlaceOption>,
    /// The resident's remembered place, chosen first when it is one of `places`.
    pub home: Option<GridUnitId>,
    /// The residents this person may request for (active family links).
    pub family: Vec<(PersonId, String)>,
    /// A fresh key for this form: a double tap posts it twice, one request is made.
    pub idempotency_key: String,
    /// What a refused post had typed.
    pub values: std::collections::BTreeMap<String, String>,
    /// When the address was outside its area: nearby offerings of the same category
    /// that reach it (id, name, organization).
    pub alternatives: Vec<(i64, String, String)>,
}

/// One request and what the caller may do to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestPageView {
    pub request: Request,
    /// The caller is on the resident's side (the resident, who made it, family).
    pub requester: bool,
    /// The caller is a member of the organization.
    pub provider: bool,
    /// Whether it may still be reopened or its rating changed, now.
    pub may_reopen: bool,
    pub may_rate: bool,
    /// The organization may still give its one public reply to the rating.
    pub may_reply: bool,
    /// The caller is staff of the request's community and the rating has a comment shown.
    pub may_hide_comment: bool,
    /// For the organization's members, while the request is open: whom it can be
    /// assigned to (id, name).
    pub members: Vec<(i64, String)>,
}

/// A list of requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestListView {
    pub lines: Vec<RequestLine>,
    pub bucket: Bucket,
    /// For an inbox: the organization and its name.
    pub organization: Option<(i64, String)>,
    /// Counts per bucket, in `Bucket::ALL` order (an inbox's tabs).
    pub counts: Vec<(Bucket, u32)>,
    pub next_before: Option<i64>,
    /// For an inbox: what it may be narrowed to, and what it is narrowed to now.
    pub filters: Option<InboxFilters>,
}

/// An inbox narrowed to one offering and to one place (and what is under it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxFilters {
    /// The organization's offerings: id and name.
    pub offerings: Vec<(i64, String)>,
    /// Where its requests may come from: its communities down to buildings, by path.
    pub places: Vec<PlaceOption>,
    pub service: Option<i64>,
    pub place: Option<i64>,
    /// Whom requests can be assigned to: the organization's members, id and name.
    pub members: Vec<(i64, String)>,
    /// The narrowing by assignee: `me`, `nobody` or a member's id.
    pub assigned: Option<String>,
}

#[cfg(feature = "ssr")]
fn requests_store() -> Result<std::sync::Arc<dyn crate::domain::requests::store::RequestStore>, FnError> {
    use crate::domain::error::AppError;
    use_context::<std::sync::Arc<dyn crate::domain::requests::store::RequestStore>>().ok_or_else(|| {
        tracing::error!("no requests store in context: the router was built without one");
        FnError::App(AppError::Internal {
            reference: "no-requests-store".into(),
        })
    })
}

#[cfg(feature = "ssr")]
fn signed_in() -> Result<crate::domain::accounts::principal::Principal, FnError> {
    super::context::principal().ok_or(FnError::App(crate::domain::error::AppError::Unauthenticated))
}

#[cfg(feature = "ssr")]
use super::context::now;

/// The form to request `service`; `draft` is the key a refused post left for what was
/// typed.
#[server(prefix = "/api/fn", endpoint = "request-form")]
pub async fn load_request_form(service: i64, draft: Option<String>) -> Result<RequestFormView, FnError> {
    use super::context::{accounts_store, store, with_status};
    use crate::domain::directory::Delivery;
    use crate::domain::error::AppError;
    use crate::domain::ids::ServiceId;
    use crate::domain::lang::Lang;
    with_status(
        async {
            let who = signed_in()?;
            let lang = crate::prefs::Prefs::current().lang;
            let id = ServiceId::new(service).ok_or_else(|| AppError::not_found("服务", "service"))?;
            let detail = store()?
                .service(id, lang, None)
                .await?
                .ok_or_else(|| AppError::not_found("服务", "service"))?;
            let requests = requests_store()?;
            let places = requests.places_for(id).await?;
            let family = accounts_store()?
                .family_links(who.person)
                .await?
                .into_iter()
                .filter(|l| l.status == "active" && l.member == who.person)
                .map(|l| (l.person, l.person_name))
                .collect();
            let mut values: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
            if let Some(key) = draft.filter(|k| !k.is_empty()) {
                let offerings = use_context::<std::sync::Arc<dyn crate::domain::offerings::store::OfferingStore>>();
                if let Some(offerings) = offerings {
                    let hash = super::offerings::draft_key_hash(&key);
                    if let Some(kept) = offerings.take_form_draft(&hash, who.person).await? {
                        values = serde_json::from_str(&kept).unwrap_or_default();
                    }
                }
            }
            let alternatives = match values.get("grid_unit_id").and_then(|v| v.parse::<i64>().ok()) {
                Some(unit) if values.contains_key("outside") => requests
                    .alternatives(
                        id,
                        GridUnitId::new(unit).ok_or_else(|| AppError::not_found("地点", "place"))?,
                        5,
                    )
                    .await?
                    .into_iter()
                    .map(|a| {
                        let name = if lang == Lang::Zh { a.name_zh } else { a.name_en };
                        (a.id.get(), name, a.organization_name)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let home = super::context::request_cookie(crate::prefs::HOME_COOKIE)
                .as_deref()
                .and_then(crate::prefs::decode_home)
                .and_then(|origin| match origin {
                    crate::domain::search::Origin::Place(id) => Some(id),
                    _ => None,
                });
            Ok(RequestFormView {
                service,
                service_name: detail.summary.name.clone(),
                organization_name: detail.summary.organization.name.clone(),
                at_home: detail.delivery == Delivery::AtHome,
                min_age: detail.eligibility.min_age.map(i64::from),
                certificate_required: detail.eligibility.disability_certificate_required,
                home: home.filter(|h| places.iter().any(|p| p.id == *h)),
                places,
                family,
                idempotency_key: format!("request-{}-{}", now(), random_suffix()),
                values,
                alternatives,
            })
        }
        .await,
    )
}

/// A count for a form's key, so two forms rendered in the same millisecond never share
/// one (keys are scoped to the person as well).
#[cfg(feature = "ssr")]
fn random_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

/// One request, for either side (or the community's staff, masked).
#[server(prefix = "/api/fn", endpoint = "request")]
pub async fn load_request(id: i64) -> Result<RequestPageView, FnError> {
    use super::context::with_status;
    use crate::domain::calendar::DAY_MS;
    use crate::domain::error::AppError;
    use crate::domain::ids::RequestId;
    use crate::domain::requests::lifecycle::{Status, REOPEN_DAYS};
    use crate::domain::requests::rating::EDIT_DAYS;
    use crate::domain::requests::use_cases::Requests;
    with_status(
        async {
            let who = signed_in()?;
            let id = RequestId::new(id).ok_or_else(|| AppError::not_found("服务请求", "request"))?;
            let store = requests_store()?;
            let now = now();
            let use_cases = Requests {
                store: store.as_ref(),
                now,
            };
            let request = use_cases.get(&who, id).await?;
            let requester =
                crate::domain::requests::use_cases::on_requester_side(&who, request.made_by, request.resident);
            let provider = who.role_in(request.organization).is_some();
            let completed_recently = request.status == Status::Completed
                && request.completed_at.is_some_and(|at| now - at <= REOPEN_DAYS * DAY_MS);
            let may_rate = requester
                && request.status == Status::Completed
                && request
                    .rating
                    .as_ref()
                    .is_none_or(|r| now - r.rated_at <= EDIT_DAYS * DAY_MS);
            let may_reply = provider && request.rating.as_ref().is_some_and(|r| r.reply.is_none());
            let may_hide_comment =
                who.is_staff_of(request.community) && request.rating.as_ref().is_some_and(|r| r.comment.is_some());
            let members = if provider && request.status.is_open() {
                use_cases.assignable(&who, request.organization).await?
            } else {
                Vec::new()
            };
            Ok(RequestPageView {
                members: members.into_iter().map(|(id, name)| (id.get(), name)).collect(),
                may_reopen: requester && completed_recently,
                may_rate,
                may_reply,
                may_hide_comment,
                requester,
                provider,
                request,
            })
        }
        .await,
    )
}

/// The latest ratings of a service as the public sees them (for its page).
#[server(prefix = "/api/fn", endpoint = "reviews")]
pub async fn load_reviews(service: i64) -> Result<Vec<crate::domain::requests::reviews::Review>, FnError> {
    use super::context::with_status;
    use crate::domain::error::AppError;
    use crate::domain::ids::ServiceId;
    use crate::domain::requests::use_cases::Requests;
    with_status(
        async {
            let service = ServiceId::new(service).ok_or_else(|| AppError::not_found("服务", "service"))?;
            let store = requests_store()?;
            Ok(Requests {
                store: store.as_ref(),
                now: now(),
            }
            .reviews(service)
            .await?)
        }
        .await,
    )
}

/// The caller's requests and those of the residents they act for.
#[server(prefix = "/api/fn", endpoint = "my-requests")]
pub async fn load_my_requests(bucket: Option<String>, before: Option<i64>) -> Result<RequestListView, FnError> {
    use super::context::with_status;
    use crate::domain::ids::RequestId;
    use crate::domain::requests::use_cases::Requests;
    with_status(
        async {
            let who = signed_in()?;
            let store = requests_store()?;
            let bucket = bucket.as_deref().and_then(Bucket::parse).unwrap_or_default();
            let limit = 20;
            let lines = Requests {
                store: store.as_ref(),
                now: now(),
            }
            .mine(&who, bucket, before.and_then(RequestId::new), limit)
            .await?;
            let next_before = (lines.len() == limit as usize)
                .then(|| lines.last().map(|l| l.id.get()))
                .flatten();
            Ok(RequestListView {
                lines,
                bucket,
                organization: None,
                counts: Vec::new(),
                next_before,
                filters: None,
            })
        }
        .await,
    )
}

/// An organization's inbox, for its members.
#[server(prefix = "/api/fn", endpoint = "inbox")]
pub async fn load_inbox(
    organization: i64,
    bucket: Option<String>,
    before: Option<i64>,
    service: Option<i64>,
    place: Option<i64>,
    assigned: Option<String>,
) -> Result<RequestListView, FnError> {
    use super::context::with_status;
    use crate::domain::error::AppError;
    use crate::domain::ids::{OrganizationId, RequestId, ServiceId};
    use crate::domain::requests::assignment::Assignee;
    use crate::domain::requests::store::Narrowing;
    use crate::domain::requests::use_cases::Requests;
    with_status(
        async {
            let who = signed_in()?;
            let org = OrganizationId::new(organization).ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let store = requests_store()?;
            let use_cases = Requests {
                store: store.as_ref(),
                now: now(),
            };
            let bucket = bucket.as_deref().and_then(Bucket::parse).unwrap_or(Bucket::Open);
            let limit = 20;
            // An id that is not a positive number narrows nothing (a link may be stale).
            let narrowing = Narrowing {
                service: service.and_then(ServiceId::new),
                grid_unit: place.and_then(GridUnitId::new),
                assignee: assigned.as_deref().and_then(|a| Assignee::parse(a, who.person)),
            };
            let lines = use_cases
                .inbox(&who, org, bucket, narrowing, before.and_then(RequestId::new), limit)
                .await?;
            let members = use_cases.assignable(&who, org).await?;
            let counts = use_cases.inbox_counts(&who, org).await?;
            let offerings = use_context::<std::sync::Arc<dyn crate::domain::offerings::store::OfferingStore>>()
                .ok_or_else(|| AppError::Internal {
                    reference: "no-offerings-store".into(),
                })?;
            let filters = InboxFilters {
                offerings: offerings
                    .offerings_of(org)
                    .await?
                    .into_iter()
                    .map(|o| (o.id.get(), o.name_zh))
                    .collect(),
                places: offerings.places_of(org).await?,
                service: narrowing.service.map(ServiceId::get),
                place: narrowing.grid_unit.map(GridUnitId::get),
                members: members.into_iter().map(|(id, name)| (id.get(), name)).collect(),
                assigned: narrowing.assignee.map(|a| a.slug(who.person)),
            };
            let name = offerings
                .organization_name(org)
                .await?
                .map(|(zh, en)| match crate::prefs::Prefs::current().lang {
                    crate::domain::lang::Lang::Zh => zh,
                    crate::domain::lang::Lang::En => en,
                })
                .unwrap_or_default();
            let next_before = (lines.len() == limit as usize)
                .then(|| lines.last().map(|l| l.id.get()))
                .flatten();
            Ok(RequestListView {
                lines,
                bucket,
                organization: Some((organization, name)),
                counts,
                next_before,
                filters: Some(filters),
            })
        }
        .await,
    )
}

/// The follow-ups of the caller's communities (community staff).
#[server(prefix = "/api/fn", endpoint = "follow-ups")]
pub async fn load_follow_ups(
    bucket: Option<String>,
) -> Result<
    (
        crate::domain::requests::store::FollowUpBucket,
        Vec<crate::domain::requests::store::FollowUp>,
    ),
    FnError,
> {
    use super::context::with_status;
    use crate::domain::error::AppError;
    use crate::domain::requests::follow_ups::FollowUps;
    use crate::domain::requests::store::{FollowUpBucket, FollowUpStore};
    with_status(
        async {
            let who = signed_in()?;
            let store = use_context::<std::sync::Arc<dyn FollowUpStore>>().ok_or_else(|| AppError::Internal {
                reference: "no-follow-up-store".into(),
            })?;
            let bucket = bucket.as_deref().and_then(FollowUpBucket::parse).unwrap_or_default();
            let list = FollowUps {
                store: store.as_ref(),
                now: now(),
            }
            .list(&who, bucket)
            .await?;
            Ok((bucket, list))
        }
        .await,
    )
}

/// The community dashboard for a period (community staff).
#[server(prefix = "/api/fn", endpoint = "dashboard")]
pub async fn load_dashboard(
    from: Option<String>,
    to: Option<String>,
) -> Result<crate::domain::oversight::Dashboard, FnError> {
    use super::context::with_status;
    use crate::domain::error::AppError;
    use crate::domain::oversight::{self, OversightStore, Period};
    with_status(
        async {
            let who = signed_in()?;
            let store = use_context::<std::sync::Arc<dyn OversightStore>>().ok_or_else(|| AppError::Internal {
                reference: "no-oversight-store".into(),
            })?;
            let now = now();
            let period = Period::parse(from.as_deref(), to.as_deref(), crate::domain::calendar::Day::of(now))?;
            Ok(oversight::load(store.as_ref(), &who, period, now).await?)
        }
        .await,
    )
}

/// The caller's notifications, how many are unread, and whether they also come by text.
#[server(prefix = "/api/fn", endpoint = "notifications")]
pub async fn load_notifications() -> Result<(Vec<crate::domain::notifications::Notification>, u32, bool), FnError> {
    use super::context::with_status;
    use crate::domain::error::AppError;
    use crate::domain::notifications::{self, NotificationStore};
    with_status(
        async {
            let who = signed_in()?;
            let store = use_context::<std::sync::Arc<dyn NotificationStore>>().ok_or_else(|| AppError::Internal {
                reference: "no-notification-store".into(),
            })?;
            let (items, unread) = notifications::list(store.as_ref(), &who).await?;
            let sms = store.sms(who.person).await?;
            Ok((items, unread, sms))
        }
        .await,
    )
}
