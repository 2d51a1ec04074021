//! What the requests API answers: a request whole (with its timeline and rating), a line
//! of a list, a page of lines; in the caller's language.

use super::super::request_lang;
use app::domain::calendar::rfc3339;
use app::domain::lang::Lang;
use app::domain::requests::store::{Request, RequestLine};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct RequestView {
    id: i64,
    /// `submitted`, `accepted`, `declined`, `scheduled`, `completed` or `cancelled`.
    status: &'static str,
    /// The status in the answer's language.
    status_text: String,
    service_id: i64,
    service_name: String,
    organization_id: i64,
    organization_name: String,
    /// The resident it belongs to, and who made it (the same, or a family member).
    resident_id: Option<i64>,
    resident_name: Option<String>,
    made_by: Option<i64>,
    made_by_name: Option<String>,
    grid_unit_id: i64,
    community_id: i64,
    /// The grid unit's path from its community down.
    place: String,
    /// Empty for community staff, who oversee without handling it.
    address_detail: String,
    #[serde(rename = "for")]
    recipient: Option<RecipientView>,
    age_band: Option<&'static str>,
    needs: Option<String>,
    preferred_time: Option<String>,
    preferred_date: Option<String>,
    notes: Option<String>,
    /// Masked for community staff.
    contact_phone: String,
    scheduled_for: Option<String>,
    submitted_at: String,
    updated_at: String,
    /// When the organization must have answered (48 working hours after submission).
    answer_due: String,
    completed_at: Option<String>,
    /// Times the resident said "not solved".
    reopened: i64,
    /// The member of the organization who handles it (`POST …/assign`).
    assigned_to: Option<i64>,
    assigned_name: Option<String>,
    timeline: Vec<EventView>,
    rating: Option<RatingView>,
}

#[derive(Serialize, ToSchema)]
pub struct RecipientView {
    name: String,
    relation: String,
}

#[derive(Serialize, ToSchema)]
pub struct EventView {
    /// `submit`, `accept`, `decline`, `schedule`, `complete`, `cancel` or `reopen`.
    action: String,
    /// The status it left the request in.
    status: &'static str,
    by_name: Option<String>,
    /// Set when a family member acted for the resident.
    for_name: Option<String>,
    at: String,
    reason: Option<String>,
    scheduled_for: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RatingView {
    /// 1 (非常不满意) to 5 (非常满意).
    score: u8,
    score_text: String,
    tags: Vec<String>,
    /// Absent when community staff hid it.
    comment: Option<String>,
    comment_hidden: bool,
    rated_at: String,
    updated_at: String,
    /// The organization's one public reply (`PUT …/rating/reply`).
    reply: Option<String>,
    replied_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestLineView {
    id: i64,
    status: &'static str,
    status_text: String,
    service_id: i64,
    service_name: String,
    organization_name: String,
    for_name: Option<String>,
    place: String,
    submitted_at: String,
    updated_at: String,
    answer_due: String,
    scheduled_for: Option<String>,
    /// The rating's score, once rated.
    rated: Option<u8>,
    /// Who in the organization handles it.
    assigned_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestPage {
    pub(super) requests: Vec<RequestLineView>,
    /// Pass as `before` for the next page; absent on the last.
    pub(super) next_before: Option<i64>,
}

pub(super) fn view(r: Request, lang: Lang) -> RequestView {
    let pick = |zh: String, en: String| if lang == Lang::Zh { zh } else { en };
    RequestView {
        id: r.id.get(),
        status: r.status.slug(),
        status_text: r.status.words().get(lang).to_owned(),
        service_id: r.service.get(),
        service_name: pick(r.service_name_zh, r.service_name_en),
        organization_id: r.organization.get(),
        organization_name: r.organization_name,
        resident_id: r.resident.map(|p| p.get()),
        resident_name: r.resident_name,
        made_by: r.made_by.map(|p| p.get()),
        made_by_name: r.made_by_name,
        grid_unit_id: r.grid_unit.get(),
        community_id: r.community.get(),
        place: pick(r.place_zh, r.place_en),
        address_detail: r.address_detail,
        recipient: r.recipient.map(|x| RecipientView {
            name: x.name,
            relation: x.relation,
        }),
        age_band: r.age_band.map(|b| b.slug()),
        needs: r.needs,
        preferred_time: r.preferred_time,
        preferred_date: r.preferred_date.map(|d| d.to_string()),
        notes: r.notes,
        contact_phone: r.contact_phone,
        scheduled_for: r.scheduled_for.map(rfc3339),
        submitted_at: rfc3339(r.submitted_at),
        updated_at: rfc3339(r.updated_at),
        answer_due: rfc3339(r.answer_due),
        completed_at: r.completed_at.map(rfc3339),
        reopened: r.reopened,
        assigned_to: r.assigned_to.map(|p| p.get()),
        assigned_name: r.assigned_name,
        timeline: r
            .timeline
            .into_iter()
            .map(|e| EventView {
                action: e.action,
                status: e.status.slug(),
                by_name: e.by_name,
                for_name: e.for_name,
                at: rfc3339(e.at),
                reason: e.reason,
                scheduled_for: e.scheduled_for.map(rfc3339),
            })
            .collect(),
        rating: r.rating.map(|x| RatingView {
            score: x.score.get(),
            score_text: x.score.words().get(lang).to_owned(),
            tags: x.tags,
            comment: x.comment,
            comment_hidden: x.comment_hidden,
            rated_at: rfc3339(x.rated_at),
            updated_at: rfc3339(x.updated_at),
            reply: x.reply,
            replied_at: x.replied_at.map(rfc3339),
        }),
    }
}

pub(super) fn line_view(l: RequestLine, lang: Lang) -> RequestLineView {
    RequestLineView {
        id: l.id.get(),
        status: l.status.slug(),
        status_text: l.status.words().get(lang).to_owned(),
        service_id: l.service.get(),
        service_name: if lang == Lang::Zh {
            l.service_name_zh
        } else {
            l.service_name_en
        },
        organization_name: l.organization_name,
        for_name: l.for_name,
        place: if lang == Lang::Zh { l.place_zh } else { l.place_en },
        submitted_at: rfc3339(l.submitted_at),
        updated_at: rfc3339(l.updated_at),
        answer_due: rfc3339(l.answer_due),
        scheduled_for: l.scheduled_for.map(rfc3339),
        rated: l.rated.map(|s| s.get()),
        assigned_name: l.assigned_name,
    }
}

pub(crate) fn answer(request: Request, headers: &HeaderMap, status: StatusCode) -> Response {
    let lang = request_lang(None, headers);
    (status, Json(view(request, lang))).into_response()
}
