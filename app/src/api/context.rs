//! What server functions take from the request: the store, the preferences, the response.

use super::error::{http_status, FnError};
use crate::domain::error::AppError;
use crate::domain::store::Store;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The store the server put into context for this request.
pub fn store() -> Result<Store, FnError> {
    use_context::<Store>().ok_or_else(|| {
        tracing::error!("no store in context: the router was built without one");
        FnError::App(AppError::Internal {
            reference: "no-store".into(),
        })
    })
}

/// Gives an error its HTTP status on the response (pages and server-function calls alike),
/// then passes it on.
pub fn with_status<T>(result: Result<T, FnError>) -> Result<T, FnError> {
    if let Err(e) = &result {
        if let Some(response) = use_context::<ResponseOptions>() {
            let error = e.app_error();
            response.set_status(
                http::StatusCode::from_u16(http_status(&error)).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let Some(seconds) = super::error::retry_after_s(&error) {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
        }
    }
    result
}

/// The accounts' store the server put into context.
pub fn accounts_store() -> Result<std::sync::Arc<dyn crate::domain::accounts::store::AccountStore>, FnError> {
    use_context::<std::sync::Arc<dyn crate::domain::accounts::store::AccountStore>>().ok_or_else(|| {
        tracing::error!("no accounts store in context: the router was built without one");
        FnError::App(AppError::Internal {
            reference: "no-accounts-store".into(),
        })
    })
}

/// Who is signed in for this request, as the server's authentication found them.
pub fn principal() -> Option<crate::domain::accounts::principal::Principal> {
    use_context::<Option<crate::domain::accounts::principal::Principal>>().flatten()
}

/// The value of one request cookie.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let header = parts.headers.get(http::header::COOKIE)?.to_str().ok()?;
    crate::prefs::cookie_value(header, name).map(str::to_owned)
}

/// Now, in epoch milliseconds: the clock every server function's use case is given.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
