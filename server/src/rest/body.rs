//! JSON request bodies, refused in the error format: a body that is not JSON, or lacks a
//! field, is a 400 naming `body` and saying what is wrong (axum's own rejection would be
//! plain text).

use super::error::ApiError;
use app::domain::message::Message;
use app::domain::validation::FieldError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct JsonBody<T>(pub T);

/// The largest JSON body any endpoint takes.
const MAX_BODY_BYTES: usize = 64 * 1024;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            // JSON, or a JSON merge patch (RFC 7396), which the PATCH endpoints document.
            .is_some_and(|v| v.starts_with("application/json") || v.starts_with("application/merge-patch+json"));
        if !is_json {
            return Err(FieldError::new(
                "body",
                "请以 JSON 格式提交",
                "must be JSON (Content-Type: application/json)",
            )
            .into());
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| FieldError::new("body", "内容太大", "is too large"))?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            // serde's message names the field and the problem; it carries no secrets.
            let detail = e.to_string();
            FieldError::with(
                "body",
                Message::owned(format!("内容格式不对：{detail}"), format!("is not valid: {detail}")),
            )
            .into()
        })
    }
}

/// Whether a request announces a body over [`super::PHOTO_BODY_LIMIT`].
pub(crate) fn announces_oversize_photo(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok())
        .is_some_and(|n| n > super::PHOTO_BODY_LIMIT)
}

/// Refuses a photo upload whose announced length is over [`super::PHOTO_BODY_LIMIT`] before
/// reading any of it (413): the client is told at once, not after sending megabytes the
/// server would drop, and a client still writing them cannot miss the answer. (The photo
/// form makes the same check itself, to answer on its page.)
pub async fn refuse_announced_oversize(request: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    if announces_oversize_photo(request.headers()) {
        // The error format with 413, not the 422 an `ApiError` of a refused field gets.
        let headers = request.headers();
        let lang = crate::request_context::lang_of(headers, request.uri().query());
        let error = app::domain::error::AppError::Invalid(vec![app::domain::offerings::photo::too_large()]);
        let body = super::error::ErrorBody::new(&error, lang, crate::request_context::request_id_of(headers));
        return (http::StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
    }
    next.run(request).await
}
