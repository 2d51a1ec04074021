//! The one error type that crosses the wire, from server functions and the JSON API alike.
//!
//! Design:
//! - Each variant knows its HTTP status; adapters set it, nobody else picks a status.
//! - It carries only what a resident or an API client may see. Causes (SQL errors, I/O)
//!   are logged where they happen, with a request id, and become [`AppError::Internal`].

use super::validation::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 400: a parameter is malformed or out of range; `field` names it.
    #[error("{0}")]
    Validation(FieldError),
    /// 404: nothing has that id.
    #[error("no such {what}")]
    NotFound { what: String },
    /// 409: the request clashes with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 503: the database does not answer.
    #[error("the service is unavailable; try again shortly")]
    Unavailable,
    /// 500: a fault of ours; the details are in the server log under this id.
    #[error("something went wrong on our side (reference {reference})")]
    Internal { reference: String },
    /// The transport between browser and server failed (no network, bad response).
    #[error("could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 400,
            AppError::NotFound { .. } => 404,
            AppError::Conflict(_) => 409,
            AppError::Unavailable => 503,
            AppError::Internal { .. } | AppError::Transport(_) => 500,
        }
    }

    /// A stable machine-readable code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "invalid_parameter",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Unavailable => "unavailable",
            AppError::Internal { .. } => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation(e) => Some(&e.field),
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Validation(e)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not even decode are the caller's fault, like any bad field.
            ServerFnErrorErr::Args(message) => AppError::Validation(FieldError::new("arguments", message)),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_its_status() {
        assert_eq!(AppError::Validation(FieldError::new("lat", "bad")).status(), 400);
        assert_eq!(AppError::not_found("service").status(), 404);
        assert_eq!(AppError::Conflict("x".into()).status(), 409);
        assert_eq!(AppError::Unavailable.status(), 503);
    }

    #[test]
    fn internal_errors_show_a_reference_not_a_cause() {
        let e = AppError::Internal {
            reference: "r-42".into(),
        };
        assert_eq!(e.to_string(), "something went wrong on our side (reference r-42)");
    }
}
