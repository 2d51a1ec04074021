//! The request page's forms about a rating's words: the organization's one reply, and
//! community staff hiding an abusive comment. Each calls the use case its JSON twin
//! (`rest::reviews`) calls.

use super::{refused, see_other, with_flash, Ctx, Fields};
use crate::rest::error::ApiError;
use crate::rest::requests::requests;
use app::domain::ids::RequestId;
use app::domain::message::Message;
use app::domain::requests::reviews::{HideInput, ReplyInput};
use app::flash::Flash;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;

/// `POST /account/requests/{id}/rating/reply`.
pub(super) async fn reply(
    (State(store), Extension(caller), _, _): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: RequestId = crate::rest::path_id(&id)?;
    let back = format!("/account/requests/{id}");
    let input = ReplyInput { reply: f.get("reply") };
    Ok(match requests(&store).reply(who, id, &input).await {
        Ok(_) => with_flash(
            &back,
            &Flash::done(
                "review",
                Message::fixed(
                    "回复已发布，会显示在服务页面的这条评价下。",
                    "Your reply is published under this rating on the service's page.",
                ),
            ),
        ),
        Err(error) => refused("review", &f, error, &back),
    })
}

/// `POST /account/requests/{id}/rating/hide-comment`.
pub(super) async fn hide_comment(
    (State(store), Extension(caller), _, headers): Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: RequestId = crate::rest::path_id(&id)?;
    let back = format!("/account/requests/{id}");
    let input = HideInput {
        reason: f.get("reason"),
    };
    let request_id = crate::request_context::request_id_of(&headers);
    Ok(
        match requests(&store)
            .hide_comment(who, id, &input, request_id.as_deref())
            .await
        {
            Ok(_) => with_flash(
                &back,
                &Flash::done(
                    "review",
                    Message::fixed(
                        "评语已隐藏，评分仍然计入。操作已记入审计日志。",
                        "The comment is hidden; its score still counts. This is in the audit log.",
                    ),
                ),
            ),
            Err(error) => refused("review", &f, error, &back),
        },
    )
}
