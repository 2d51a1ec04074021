//! Any path no route matches.

use crate::components::status::ErrorMessage;
use crate::domain::error::AppError;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorMessage error=AppError::not_found("页面", "page").into() /> }
}
