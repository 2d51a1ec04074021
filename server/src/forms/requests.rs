//! The request pages' form posts: request a service, answer a request (accept, decline,
//! schedule, complete), assign it to a member, cancel or reopen it, rate it. Each calls the use case its JSON
//! twin (`rest::requests`) calls.
//!
//! The request form carries a key made when the page was rendered (`idempotency_key`):
//! a double tap on a slow phone posts the form twice and makes one request, because the
//! second post is answered with the first one's request. What a refused request form had
//! typed is kept in `form_drafts` (a note can be longer than the flash cookie holds).

use super::offerings::keep_values;
use super::{refused, see_other, with_flash, Ctx, Fields};
use crate::rest::error::ApiError;
use crate::rest::requests::requests;
use crate::store::SqlStore;
use app::domain::calendar::parse_local_datetime;
use app::domain::error::AppError;
use app::domain::ids::RequestId;
use app::domain::message::Message;
use app::domain::offerings::form::DRAFT_FIELD;
use app::domain::requests::assignment::AssignInput;
use app::domain::requests::input::{RecipientInput, RequestInput};
use app::domain::requests::lifecycle::Action;
use app::domain::requests::rating::RatingInput;
use app::domain::validation::FieldError;
use app::flash::Flash;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

fn optional(f: &Fields, name: &str) -> Option<String> {
    Some(f.get(name)).filter(|v| !v.trim().is_empty())
}

/// The request the form describes. "For" is `self`, `person:ID` (a linked family member
/// with an account) or `other` (someone described by name and relation).
fn input_of(f: &Fields) -> Result<RequestInput, FieldError> {
    let number = |name: &str| -> Result<Option<i64>, FieldError> {
        match optional(f, name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| FieldError::new(name.to_owned(), "须为正整数编号", "must be a positive whole number")),
        }
    };
    let who_for = f.get("for");
    let (on_behalf_of, recipient) = match who_for.as_str() {
        "" | "self" => (None, None),
        "other" => (
            None,
            Some(RecipientInput {
                name: f.get("for_name"),
                relation: f.get("for_relation"),
                age_band: None,
            }),
        ),
        person => match person.strip_prefix("person:").and_then(|id| id.parse().ok()) {
            Some(id) => (Some(id), None),
            None => {
                return Err(FieldError::new(
                    "for",
                    "请选择为谁申请",
                    "choose who the service is for",
                ))
            }
        },
    };
    Ok(RequestInput {
        service_id: number("service_id")?,
        grid_unit_id: number("grid_unit_id")?,
        address_detail: f.get("address_detail"),
        recipient,
        age_band: optional(f, "age_band"),
        needs: optional(f, "needs"),
        preferred_time: optional(f, "preferred_time"),
        preferred_date: optional(f, "preferred_date"),
        notes: optional(f, "notes"),
        contact_phone: optional(f, "contact_phone"),
        on_behalf_of,
        disability_certificate: Some(f.get("disability_certificate") == "1"),
    })
}

/// `POST /account/requests`: the request form.
pub(super) async fn submit(
    (State(store), Extension(caller), _, _): Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let service = f.get("service_id");
    let back = format!("/services/{}/request", service.trim());
    let key = optional(&f, "idempotency_key");
    let result = match input_of(&f) {
        Ok(input) => requests(&store).submit(who, &input, key.as_deref()).await,
        Err(refusal) => Err(AppError::Invalid(vec![refusal])),
    };
    match result {
        Ok(submitted) => {
            let notice = Message::fixed(
                "申请已提交。机构会在两个工作日内回复，有变化会通知您。",
                "Your request is sent. The organization answers within two working days; you will be told of every change.",
            );
            Ok(with_flash(
                &format!("/account/requests/{}", submitted.request.id),
                &Flash::done("request", notice),
            ))
        }
        Err(AppError::Invalid(errors)) | Err(AppError::BadRequest(errors)) => {
            let mut fields = Fields(f.0.clone());
            if errors.iter().any(|e| e.field == "grid_unit_id") {
                // The form page then lists offerings that do reach the address.
                fields.0.push(("outside".to_owned(), "1".to_owned()));
            }
            let key = keep_values(&store, who, &fields).await?;
            let flash = Flash::refused("request", &[(DRAFT_FIELD.to_owned(), key)], errors, None);
            Ok(with_flash(&back, &flash))
        }
        Err(other) => Ok(refused("request", &f, other, &back)),
    }
}

async fn act(
    store: &SqlStore,
    caller: &crate::auth::Caller,
    id: &str,
    f: &Fields,
    action: Action,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id: RequestId = crate::rest::path_id(id)?;
    let back = format!("/account/requests/{id}");
    let notice = match &action {
        Action::Accept => Message::fixed("已接受，请尽快约定上门时间。", "Accepted: agree a time soon."),
        Action::Decline { .. } => Message::fixed("已婉拒，居民会收到原因。", "Declined; the resident is told why."),
        Action::Schedule { .. } => Message::fixed("时间已约定，居民会收到通知。", "Time agreed; the resident is told."),
        Action::Complete => Message::fixed(
            "已标记完成，居民可以评价了。",
            "Marked done; the resident can rate it now.",
        ),
        Action::Cancel { .. } => Message::fixed("申请已取消。", "The request is cancelled."),
        Action::Reopen { .. } => Message::fixed(
            "已重新打开，机构会再次处理。",
            "Reopened: the organization will take it up again.",
        ),
    };
    Ok(match requests(store).act(who, id, action).await {
        Ok(_) => with_flash(&back, &Flash::done("request-action", notice)),
        Err(error) => refused("request-action", f, error, &back),
    })
}

macro_rules! request_action {
    ($name:ident, |$f:ident| $action:expr) => {
        pub(super) async fn $name(
            (State(store), Extension(caller), _, _): Ctx,
            Path(id): Path<String>,
            body: axum::body::Bytes,
        ) -> Result<Response, ApiError> {
            let $f = Fields::parse(&body)?;
            let action = $action;
            match action {
                Ok(action) => act(&store, &caller, &id, &$f, action).await,
                Err(refusal) => Ok(refused(
                    "request-action",
                    &$f,
                    AppError::Invalid(vec![refusal]),
                    &format!("/account/requests/{}", id.trim()),
                )),
            }
        }
    };
}

request_action!(accept, |f| Ok::<_, FieldError>(Action::Accept));
request_action!(decline, |f| Ok::<_, FieldError>(Action::Decline {
    reason: f.get("reason")
}));
request_action!(complete, |f| Ok::<_, FieldError>(Action::Complete));
request_action!(cancel, |f| Ok::<_, FieldError>(Action::Cancel {
    reason: optional(&f, "reason")
}));
request_action!(reopen, |f| Ok::<_, FieldError>(Action::Reopen {
    reason: f.get("reason")
}));
request_action!(schedule, |f| parse_local_datetime(&f.get("scheduled_for"))
    .map(|at| Action::Schedule { at })
    .ok_or_else(|| FieldError::new(
        "scheduled_for",
        "请选择上门的日期和时间",
        "choose the date and time of the visit"
    )));

/// `POST /account/requests/{id}/assign`: a member of the organization, or nobody (empty).
pub(super) async fn assign(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: RequestId = crate::rest::path_id(&id)?;
    let back = format!("/account/requests/{id}");
    let person_id = match optional(&f, "person_id") {
        None => Ok(None),
        Some(raw) => raw.trim().parse::<i64>().map(Some).map_err(|_| {
            FieldError::new(
                "person_id",
                "只能指派给本机构的成员",
                "must be a member of the organization",
            )
        }),
    };
    let result = match person_id {
        Ok(person_id) => requests(&store).assign(who, id, &AssignInput { person_id }).await,
        Err(refusal) => Err(AppError::Invalid(vec![refusal])),
    };
    Ok(match result {
        Ok(request) => {
            let notice = match request.assigned_name {
                Some(name) => Message::owned(format!("已指派给 {name}。"), format!("Assigned to {name}.")),
                None => Message::fixed("已取消指派。", "Nobody is assigned now."),
            };
            with_flash(&back, &Flash::done("assign", notice))
        }
        Err(error) => refused("assign", &f, error, &back),
    })
}

/// `POST /account/requests/{id}/rating`: five buttons, one per level, each a submit.
pub(super) async fn rate(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: RequestId = crate::rest::path_id(&id)?;
    let back = format!("/account/requests/{id}");
    let input = RatingInput {
        score: f.get("score").trim().parse().ok(),
        tags: f
            .0
            .iter()
            .filter(|(k, _)| k == "tags")
            .map(|(_, v)| v.clone())
            .collect(),
        comment: optional(&f, "comment"),
    };
    Ok(match requests(&store).rate(who, id, &input).await {
        Ok(request) => {
            let low = request.rating.as_ref().is_some_and(|r| r.score.needs_follow_up());
            let notice = if low {
                Message::fixed(
                    "谢谢您的评价。社区工作人员会在五个工作日内回访，了解情况。",
                    "Thank you. Community staff will follow up with you within five working days.",
                )
            } else {
                Message::fixed("谢谢您的评价！", "Thank you for rating it!")
            };
            with_flash(&back, &Flash::done("rating", notice))
        }
        Err(error) => refused("rating", &f, error, &back),
    })
}

/// `POST /staff/follow-ups/{id}/close`: a follow-up done, with what was done.
pub(super) async fn close_follow_up(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let mut f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: app::domain::ids::FollowUpId = crate::rest::path_id(&id)?;
    // The page lists several follow-ups: the flash says which one it is about.
    f.0.push(("id".to_owned(), id.to_string()));
    let satisfied = match f.get("now_satisfied").as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    let result = crate::rest::follow_ups::follow_ups(&store)
        .close(who, id, &f.get("note"), satisfied)
        .await;
    Ok(match result {
        Ok(_) => with_flash(
            "/staff/follow-ups",
            &Flash::done(
                "follow-up",
                Message::fixed("回访已记录。", "The follow-up is recorded."),
            ),
        ),
        Err(error) => refused("follow-up", &f, error, "/staff/follow-ups"),
    })
}

/// `POST /account/notifications/read`: all of them read.
pub(super) async fn read_notifications(
    (State(store), Extension(caller), _, _): Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    use app::domain::notifications::NotificationStore;
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    Ok(
        match store
            .mark_read(who.person, None, crate::store::migrate::now_millis())
            .await
        {
            Ok(_) => with_flash(
                "/account/notifications",
                &Flash::done(
                    "notifications",
                    Message::fixed("已全部标为已读。", "All marked as read."),
                ),
            ),
            Err(e) => refused("notifications", &f, e.into(), "/account/notifications"),
        },
    )
}

/// `POST /account/notifications/sms`: whether notifications also come by text message.
pub(super) async fn notifications_by_sms(
    (State(store), Extension(caller), _, _): Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    use app::domain::notifications::NotificationStore;
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let on = f.get("sms") == "1";
    Ok(match store.set_sms(who.person, on).await {
        Ok(()) => with_flash(
            "/account/notifications",
            &Flash::done(
                "notifications",
                if on {
                    Message::fixed(
                        "以后每条通知也会发短信给您。",
                        "You will also get each notification by text.",
                    )
                } else {
                    Message::fixed("以后不再发短信通知。", "No more text messages.")
                },
            ),
        ),
        Err(e) => refused("notifications", &f, e.into(), "/account/notifications"),
    })
}
