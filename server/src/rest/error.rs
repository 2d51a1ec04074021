//! The JSON error body of every failing answer:
//! `{"error": {"code", "message", "field", "fields": [{"field", "message"}], "request_id"}}`.
//!
//! Design:
//! - Handlers return [`ApiError`]; its response carries the [`AppError`] itself as an
//!   extension. The [`render_errors`] middleware, which sees the request, then writes the
//!   body in the request's language (`lang=`, the language cookie, Accept-Language) with
//!   the request id. The body written without it (English) keeps handlers usable alone.
//! - `field` names the first refused field, kept for clients of issue 2's format;
//!   `fields` lists them all.

use app::api::error::{http_status, retry_after_s};
use app::domain::error::AppError;
use app::domain::lang::Lang;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// An [`AppError`] on its way out as JSON with its status.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<app::domain::validation::FieldError> for ApiError {
    fn from(e: app::domain::validation::FieldError) -> Self {
        ApiError(e.into())
    }
}

/// The error envelope every failing API call answers with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: `validation`, `not_found`, `unauthenticated`,
    /// `forbidden`, `conflict`, `rate_limited`, `unavailable`, `internal`.
    pub code: String,
    /// What went wrong, for a person, in the request's language.
    pub message: String,
    /// The first refused field, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every refused field with what is wrong with it (validation errors only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldDetail>,
    /// The id of this request in the server's logs; quote it when asking for help.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldDetail {
    pub field: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(error: &AppError, lang: Lang, request_id: Option<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: error.code().as_str().to_owned(),
                message: error.message(lang),
                field: error.fields().first().map(|f| f.field.clone()),
                fields: error
                    .fields()
                    .iter()
                    .map(|f| FieldDetail {
                        field: f.field.clone(),
                        message: f.message(lang).to_owned(),
                    })
                    .collect(),
                request_id,
            },
        }
    }
}

/// The error itself, riding on the response until [`render_errors`] writes its body.
#[derive(Debug, Clone)]
pub struct ErrorReport(pub AppError);

/// The response for `error` in `lang`: status, `Retry-After` where it helps, JSON body.
pub fn error_response(error: &AppError, lang: Lang, request_id: Option<String>) -> Response {
    let status = http::StatusCode::from_u16(http_status(error)).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(ErrorBody::new(error, lang, request_id))).into_response();
    if let Some(seconds) = retry_after_s(error) {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = error_response(&self.0, Lang::En, None);
        response.extensions_mut().insert(ErrorReport(self.0));
        response
    }
}

/// Rewrites every [`ApiError`] answer in the request's language, with its request id.
pub async fn render_errors(request: Request, next: Next) -> Response {
    let lang = crate::request_context::lang_of(request.headers(), request.uri().query());
    let request_id = crate::request_context::request_id_of(request.headers());
    let response = next.run(request).await;
    match response.extensions().get::<ErrorReport>() {
        Some(ErrorReport(error)) => {
            let mut fresh = error_response(error, lang, request_id);
            // Keep headers the handler added (Set-Cookie, caching) that the body does not decide.
            for (name, value) in response.headers() {
                if name != http::header::CONTENT_LENGTH && !fresh.headers().contains_key(name) {
                    fresh.headers_mut().append(name.clone(), value.clone());
                }
            }
            fresh
        }
        None => response,
    }
}

/// Gives server-function failures their real status. server_fn answers every failure,
/// even arguments that do not decode, with 500 and a `serverfnerror` header; the body is
/// our [`app::api::error::FnError`] as JSON, which says what it was.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    use app::api::error::FnError;
    let response = next.run(request).await;
    if response.status() != http::StatusCode::INTERNAL_SERVER_ERROR
        || !response
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(FnError::App(error)) = serde_json::from_slice::<FnError>(&bytes) {
        parts.status =
            http::StatusCode::from_u16(http_status(&error)).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(seconds) = retry_after_s(&error) {
            parts
                .headers
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
    parts.headers.remove(http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

impl From<app::domain::store::StoreError> for ApiError {
    fn from(e: app::domain::store::StoreError) -> Self {
        ApiError(e.into())
    }
}
