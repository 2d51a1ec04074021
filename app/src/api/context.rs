//! What server functions take from the request: the store, the preferences, the response.

use crate::domain::error::AppError;
use crate::domain::store::Store;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The store the server put into context for this request.
pub fn store() -> Result<Store, AppError> {
    use_context::<Store>().ok_or_else(|| {
        tracing::error!("no store in context: the router was built without one");
        AppError::Internal {
            reference: "no-store".into(),
        }
    })
}

/// Gives an error its HTTP status on the response (pages and server-function calls alike),
/// then passes it on.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let Some(response) = use_context::<ResponseOptions>() {
            response
                .set_status(http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
        }
    }
    result
}

/// Adds a `Set-Cookie` to the response.
pub fn set_cookie(name: &str, value: &str, max_age_s: u32) {
    if let Some(response) = use_context::<ResponseOptions>() {
        let cookie = format!("{name}={value}; Path=/; Max-Age={max_age_s}; SameSite=Lax");
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            response.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// The value of one request cookie.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    crate::prefs::cookie_value(header, name).map(str::to_owned)
}
