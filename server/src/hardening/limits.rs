//! Bounds on time and concurrency, and panics turned into answers.
//!
//! A request that cannot finish in time (a stuck database, a slow client upstream of
//! the database) is answered 503 with `Retry-After` instead of holding its worker; the
//! number of requests in progress is capped so that a burst queues briefly rather than
//! exhausting memory or the database pool. A panic in a handler becomes a 500 in the
//! error format, logged with the request id, and the process carries on.

use crate::rest::error::ApiError;
use app::domain::error::AppError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Answers 503 when the request takes longer than `timeout`, waiting for a turn included.
pub async fn timeout(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, timeout_ms = timeout.as_millis() as u64, "request timed out");
            ApiError(AppError::Unavailable).into_response()
        }
    }
}

/// Lets at most the semaphore's permits through at once; the rest wait their turn.
pub async fn concurrency(State(permits): State<Arc<Semaphore>>, request: Request, next: Next) -> Response {
    match permits.acquire().await {
        Ok(_permit) => next.run(request).await,
        Err(_) => ApiError(AppError::Unavailable).into_response(),
    }
}

/// The answer to a panic: a 500 whose reference is the request id (added by the error
/// renderer, which sits outside this layer).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a handler panicked; answered 500");
    ApiError(AppError::Internal {
        reference: "panic".to_owned(),
    })
    .into_response()
}
