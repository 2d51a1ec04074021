//! The needs page's form posts: name a need, "me too", and (community staff) point a need
//! to a service or record it as unmet. Each calls the use case its JSON twin
//! (`rest::needs`) calls, and returns to the community's needs.

use super::{refused, see_other, with_flash, Ctx, Fields};
use crate::rest::error::ApiError;
use crate::rest::needs::needs;
use app::domain::error::AppError;
use app::domain::ids::ServiceId;
use app::domain::message::Message;
use app::domain::needs::{Answer, NeedInput};
use app::flash::Flash;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

/// Back to the needs of the place the form was on.
fn back(f: &Fields) -> String {
    match f.get("place").trim().parse::<i64>() {
        Ok(place) if place > 0 => format!("/needs?place={place}"),
        _ => "/needs".to_owned(),
    }
}

fn need_id(raw: &str) -> Result<i64, ApiError> {
    let id: app::domain::ids::RequestId = crate::rest::path_id(raw)?;
    Ok(id.get())
}

/// `POST /account/needs`.
pub(super) async fn name(
    (State(store), Extension(caller), _, _): Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let input = NeedInput {
        grid_unit_id: f.get("grid_unit_id").trim().parse().ok(),
        category: Some(f.get("category")),
        description: f.get("description"),
    };
    Ok(match needs(&store).name(who, &input).await {
        Ok(_) => with_flash(
            &back(&f),
            &Flash::done(
                "need",
                Message::fixed(
                    "谢谢！社区工作人员会看到您的需求；邻居也可以说“我也需要”。",
                    "Thank you. Community staff will see your need; neighbours can say “me too”.",
                ),
            ),
        ),
        Err(e) => refused("need", &f, e, &back(&f)),
    })
}

/// `POST /account/needs/{id}/support`: "me too".
pub(super) async fn support(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id = need_id(&id)?;
    Ok(match needs(&store).support(who, id).await {
        Ok(_) => with_flash(
            &back(&f),
            &Flash::done("need", Message::fixed("已记下：您也需要。", "Noted: you need it too.")),
        ),
        Err(e) => refused("need", &f, e, &back(&f)),
    })
}

async fn answer(
    store: &crate::store::SqlStore,
    caller: &crate::auth::Caller,
    id: &str,
    f: &Fields,
    answer: Result<Answer, AppError>,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id = need_id(id)?;
    let result = match answer {
        Ok(answer) => needs(store).answer(who, id, answer).await,
        Err(e) => Err(e),
    };
    Ok(match result {
        Ok(_) => with_flash(
            &back(f),
            &Flash::done("need", Message::fixed("已答复这个需求。", "The need is answered.")),
        ),
        Err(e) => refused("need", f, e, &back(f)),
    })
}

/// `POST /staff/needs/{id}/point`.
pub(super) async fn point(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let service = ServiceId::parse("service_id", &f.get("service_id")).map_err(|e| AppError::Invalid(vec![e]));
    let note = Some(f.get("note"));
    answer(
        &store,
        &caller,
        &id,
        &f,
        service.map(|service| Answer::Point { service, note }),
    )
    .await
}

/// `POST /staff/needs/{id}/unmet`.
pub(super) async fn unmet(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let note = f.get("note");
    answer(&store, &caller, &id, &f, Ok(Answer::Unmet { note })).await
}
