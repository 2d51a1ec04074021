//! The activity pages' form posts: sign up, cancel, publish and change. Each calls the use case
//! its JSON twin (`rest::activities`) calls. Signing up and cancelling return to the
//! activity's page with a notice; a refused publication goes back to its form with what
//! was typed (kept in `form_drafts`, as the offering form's are) and every refusal.

use super::offerings::keep_values;
use super::{refused, see_other, with_flash, Ctx, Fields};
use crate::rest::activities::activities;
use crate::rest::error::ApiError;
use app::domain::activities::input::ActivityInput;
use app::domain::activities::signup::SignupStatus;
use app::domain::activities::{Activity, ActivityStatus, Organizer};
use app::domain::error::AppError;
use app::domain::ids::{ActivityId, GridUnitId, OrganizationId};
use app::domain::message::Message;
use app::domain::offerings::form::DRAFT_FIELD;
use app::flash::Flash;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

fn page(id: ActivityId) -> String {
    format!("/activities/{id}")
}

/// `POST /account/activities/{id}/signup`: one tap.
pub(super) async fn sign_up(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ActivityId = crate::rest::path_id(&id)?;
    Ok(match activities(&store).sign_up(who, id).await {
        // Short: the page's own status line says the rest (the position in line).
        Ok(standing) => with_flash(
            &page(id),
            &Flash::done(
                "activity",
                if standing.status == SignupStatus::Confirmed {
                    Message::fixed("报名成功，到时见！", "You are signed up. See you there!")
                } else {
                    Message::fixed("名额已满，已为您加入候补名单。", "It is full: you are on the waitlist.")
                },
            ),
        ),
        Err(e) => refused("activity", &f, e, &page(id)),
    })
}

/// `POST /account/activities/{id}/signup/cancel`: the volunteer cancels their sign-up.
pub(super) async fn cancel(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ActivityId = crate::rest::path_id(&id)?;
    Ok(match activities(&store).cancel(who, id).await {
        Ok(()) => with_flash(
            &page(id),
            &Flash::done(
                "activity",
                Message::fixed(
                    "已取消报名。谢谢告知，名额会留给候补的志愿者。",
                    "Cancelled. Thank you for saying so: the place goes to someone waiting.",
                ),
            ),
        ),
        Err(e) => refused("activity", &f, e, &page(id)),
    })
}

/// `POST /account/activities/{id}/cancel`: an organizer cancels the activity, saying why.
pub(super) async fn cancel_activity(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ActivityId = crate::rest::path_id(&id)?;
    Ok(
        match activities(&store).cancel_activity(who, id, &f.get("reason")).await {
            Ok(_) => with_flash(
                &page(id),
                &Flash::done(
                    "activity",
                    Message::fixed(
                        "活动已取消，已通知所有报名和候补的志愿者。",
                        "The activity is cancelled; everyone signed up or waiting has been told.",
                    ),
                ),
            ),
            Err(e) => refused("activity-cancel", &f, e, &page(id)),
        },
    )
}

/// `POST /account/activities/{id}/check-in` and `/check-out`: with the organizer's code.
async fn use_code(
    (State(store), Extension(caller), _, _): Ctx,
    id: String,
    body: axum::body::Bytes,
    out: bool,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ActivityId = crate::rest::path_id(&id)?;
    Ok(match activities(&store).use_code(who, id, &f.get("code"), out).await {
        Ok(()) => with_flash(
            &page(id),
            &Flash::done(
                "activity-code",
                if out {
                    Message::fixed(
                        "已签退，谢谢您的付出！时长由组织方确认后记入。",
                        "Checked out. Thank you! The time counts once the organizer approves it.",
                    )
                } else {
                    Message::fixed(
                        "签到成功。结束时请用同一个签到码签退。",
                        "Checked in. When you leave, check out with the same code.",
                    )
                },
            ),
        ),
        Err(e) => refused("activity-code", &f, e, &page(id)),
    })
}

pub(super) async fn check_in(ctx: Ctx, Path(id): Path<String>, body: axum::body::Bytes) -> Result<Response, ApiError> {
    use_code(ctx, id, body, false).await
}

pub(super) async fn check_out(ctx: Ctx, Path(id): Path<String>, body: axum::body::Bytes) -> Result<Response, ApiError> {
    use_code(ctx, id, body, true).await
}

/// `POST /account/activities/{id}/attendance`: the organizer marks one volunteer.
pub(super) async fn mark(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ActivityId = crate::rest::path_id(&id)?;
    let person = app::domain::ids::PersonId::parse("person_id", &f.get("person_id")).map_err(AppError::from)?;
    let mark = crate::rest::activities::parse_mark(&f.get("mark"))?;
    Ok(match activities(&store).mark(who, id, person, mark).await {
        Ok(()) => with_flash(
            &page(id),
            &Flash::done("activity-roster", Message::fixed("已记下。", "Recorded.")),
        ),
        Err(e) => refused("activity-roster", &f, e, &page(id)),
    })
}

/// `POST /account/activities/{id}/hours`: the organizer approves one volunteer's time.
pub(super) async fn approve_hours(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ActivityId = crate::rest::path_id(&id)?;
    let person = app::domain::ids::PersonId::parse("person_id", &f.get("person_id")).map_err(AppError::from)?;
    // A correction is a number and its reason; blank minutes mean "as attended".
    let minutes = f.get("minutes");
    let correction = match minutes.trim() {
        "" => None,
        m => Some((m.parse::<i64>().unwrap_or(-1), f.get("reason"))),
    };
    Ok(
        match activities(&store).approve_hours(who, id, person, correction).await {
            Ok(minutes) => with_flash(
                &page(id),
                &Flash::done(
                    "activity-roster",
                    Message::owned(format!("已确认 {minutes} 分钟。"), format!("Approved: {minutes} min.")),
                ),
            ),
            Err(e) => refused("activity-roster", &f, e, &page(id)),
        },
    )
}

/// `POST /account/certificates`: issue a certificate and show it, ready to print.
pub(super) async fn issue_certificate(
    (State(store), Extension(caller), _, _): Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    Ok(
        match activities(&store)
            .issue_certificate(who, crate::rest::activities::random_bits)
            .await
        {
            Ok(c) => see_other(&format!("/certificates/{}", c.code)),
            Err(e) => refused("certificate", &f, e, "/account/activities"),
        },
    )
}

/// The input the activity form describes, for `organization` (none: a community runs it).
fn input_of(organization: Option<OrganizationId>, f: &Fields) -> ActivityInput {
    let optional = |name: &str| Some(f.get(name)).filter(|v| !v.trim().is_empty());
    // A number that is not one is kept as 0, which the checks refuse with the range.
    let number = |name: &str| optional(name).map(|v| v.trim().parse::<i64>().unwrap_or(0));
    ActivityInput {
        organization_id: organization.map(OrganizationId::get),
        title_zh: f.get("title_zh"),
        title_en: optional("title_en"),
        description_zh: f.get("description_zh"),
        description_en: optional("description_en"),
        kind: f.get("kind"),
        place_id: number("place_id"),
        latitude: None,
        longitude: None,
        address: optional("address"),
        starts_at: f.get("starts_at"),
        ends_at: f.get("ends_at"),
        signup_deadline: optional("signup_deadline"),
        places: number("places"),
        skills: f
            .0
            .iter()
            .filter(|(k, _)| k == "skills")
            .map(|(_, v)| v.clone())
            .collect(),
        min_age: number("min_age"),
        draft: f.has("draft"),
    }
}

/// `POST /account/organizations/{id}/activities`: publish (or keep as a draft).
pub(super) async fn publish(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let organization: OrganizationId = crate::rest::path_id(&id)?;
    let back = format!("/account/organizations/{organization}/activities/new");
    let outcome = activities(&store).publish(who, &input_of(Some(organization), &f)).await;
    answer(&store, who, &f, outcome, &back, published).await
}

/// `POST /account/communities/{id}/activities`: a community's staff publish one their
/// community runs (the place chosen says which of their communities).
pub(super) async fn publish_for_community(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let community: GridUnitId = crate::rest::path_id(&id)?;
    if !who.is_staff_of(community) {
        return Err(ApiError(AppError::Forbidden));
    }
    let back = format!("/account/communities/{community}/activities/new");
    let outcome = activities(&store).publish(who, &input_of(None, &f)).await;
    answer(&store, who, &f, outcome, &back, published).await
}

/// `POST /account/activities/{id}/edit`: its organizers change it (the form carries the
/// revision it was opened at, so a change made meanwhile is not overwritten).
pub(super) async fn edit(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: ActivityId = crate::rest::path_id(&id)?;
    let use_case = activities(&store);
    let current = match use_case.get(Some(who), id).await {
        Ok(current) => current,
        Err(e) => return Ok(refused("activity", &f, e, &page(id))),
    };
    let organization = match current.organizer {
        Organizer::Organization(o) => Some(o),
        Organizer::Community(_) => None,
    };
    let revision = f.get("revision").trim().parse::<i64>().ok();
    let outcome = use_case.edit(who, id, &input_of(organization, &f), revision).await;
    let back = format!("/account/activities/{id}/edit");
    answer(&store, who, &f, outcome, &back, |_| {
        Message::fixed(
            "已保存修改。改了时间或地点的，已通知报名和候补的志愿者。",
            "Saved. If the time or place changed, everyone signed up or waiting has been told.",
        )
    })
    .await
}

fn published(activity: &Activity) -> Message {
    if activity.status == ActivityStatus::Draft {
        Message::fixed(
            "已存为草稿，只有举办方能看到。",
            "Kept as a draft: only the organizers see it.",
        )
    } else {
        Message::fixed(
            "已发布。附近的志愿者现在可以报名了。",
            "Published. Volunteers nearby can sign up now.",
        )
    }
}

/// The activity's page with `done`'s notice; or the form again with what was typed and
/// every refusal beside its field.
async fn answer(
    store: &crate::store::SqlStore,
    who: &app::domain::accounts::principal::Principal,
    f: &Fields,
    outcome: Result<Activity, AppError>,
    back: &str,
    done: impl Fn(&Activity) -> Message,
) -> Result<Response, ApiError> {
    match outcome {
        Ok(activity) => Ok(with_flash(
            &page(activity.id),
            &Flash::done("activity", done(&activity)),
        )),
        Err(AppError::Invalid(errors)) | Err(AppError::BadRequest(errors)) => {
            let key = keep_values(store, who, f).await?;
            let flash = Flash::refused("activity-form", &[(DRAFT_FIELD.to_owned(), key)], errors, None);
            Ok(with_flash(back, &flash))
        }
        Err(AppError::Unauthenticated) => Ok(see_other("/sign-in")),
        Err(other) => Ok(refused("activity-form", &Fields(Vec::new()), other, back)),
    }
}
