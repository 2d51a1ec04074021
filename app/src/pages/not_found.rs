//! Any path no route matches.

use crate::components::status::ErrorMessage;
use crate::domain::error::AppError;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <ErrorMessage error=AppError::not_found("page") /> }
}
