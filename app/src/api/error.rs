//! How the domain's error travels through server functions, and which HTTP status each
//! kind of error gets. Both mappings are transport concerns, so they live here in the
//! adapters rather than in the domain (which knows no HTTP).

use crate::domain::error::AppError;
use crate::domain::message::Message;
use crate::domain::validation::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a server function answers when it fails: the domain's error, or a failure of the
/// call itself on the way (no network, an answer that is not ours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FnError {
    #[error(transparent)]
    App(AppError),
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl From<AppError> for FnError {
    fn from(e: AppError) -> Self {
        FnError::App(e)
    }
}

impl From<FieldError> for FnError {
    fn from(e: FieldError) -> Self {
        FnError::App(e.into())
    }
}

impl From<crate::domain::store::StoreError> for FnError {
    fn from(e: crate::domain::store::StoreError) -> Self {
        FnError::App(e.into())
    }
}

impl FnError {
    /// The domain error, with a transport failure shown as "unavailable".
    pub fn app_error(&self) -> AppError {
        match self {
            FnError::App(e) => e.clone(),
            FnError::Transport(_) => AppError::Unavailable,
        }
    }
}

impl FromServerFnError for FnError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that are missing or do not decode are the caller's fault, like
            // any bad field: a 400 (see `status_of_server_fn_error` in the server).
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::Deserialization(detail) => {
                FnError::App(AppError::BadRequest(vec![FieldError::with(
                    "arguments",
                    Message::owned(
                        format!("请求参数缺失或格式不对：{detail}"),
                        format!("are missing or malformed: {detail}"),
                    ),
                )]))
            }
            other => FnError::Transport(other.to_string()),
        }
    }
}

/// The HTTP status of each error, for server functions, pages and the JSON API alike.
pub fn http_status(error: &AppError) -> u16 {
    match error {
        AppError::BadRequest(_) => 400,
        AppError::Unauthenticated | AppError::WrongCredentials => 401,
        AppError::Forbidden => 403,
        AppError::NotFound { .. } => 404,
        AppError::Conflict(_) => 409,
        AppError::Invalid(_) => 422,
        AppError::RateLimited { .. } => 429,
        AppError::Unavailable => 503,
        AppError::Internal { .. } => 500,
    }
}

/// How long a client should wait before retrying, for the errors where that helps.
pub fn retry_after_s(error: &AppError) -> Option<u64> {
    match error {
        AppError::RateLimited { retry_after_s } => Some(*retry_after_s),
        AppError::Unavailable => Some(UNAVAILABLE_RETRY_AFTER_S),
        _ => None,
    }
}

/// A database that timed out usually answers again within seconds.
pub const UNAVAILABLE_RETRY_AFTER_S: u64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_its_status() {
        let field = || vec![FieldError::new("lat", "错", "bad")];
        assert_eq!(http_status(&AppError::BadRequest(field())), 400);
        assert_eq!(http_status(&AppError::Invalid(field())), 422);
        assert_eq!(http_status(&AppError::Unauthenticated), 401);
        assert_eq!(http_status(&AppError::Forbidden), 403);
        assert_eq!(http_status(&AppError::not_found("服务", "service")), 404);
        assert_eq!(http_status(&AppError::conflict("冲突", "clash")), 409);
        assert_eq!(http_status(&AppError::RateLimited { retry_after_s: 3 }), 429);
        assert_eq!(http_status(&AppError::Unavailable), 503);
        assert_eq!(retry_after_s(&AppError::Unavailable), Some(5));
        assert_eq!(retry_after_s(&AppError::Forbidden), None);
    }

    #[test]
    fn undecodable_arguments_are_the_callers_fault() {
        let e = FnError::from_server_fn_error(ServerFnErrorErr::Args("missing field `query`".into()));
        assert_eq!(http_status(&e.app_error()), 400);
        assert!(e.app_error().refuses("arguments"));
    }
}
