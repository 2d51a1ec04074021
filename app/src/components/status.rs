//! How a page shows an error or an empty state: in words, never only in colour.

use crate::domain::error::AppError;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    // Whatever page shows the error, the HTTP status says it too (404, 400, …).
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response
            .set_status(http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    let t = text(expect_context::<Prefs>().lang);
    let (title, body) = match &error {
        AppError::NotFound { .. } => (t.not_found_title, t.not_found_body.to_owned()),
        AppError::Validation(e) => (t.error_title, (t.bad_parameter)(&e.field, &e.message)),
        other => (t.error_title, other.to_string()),
    };
    view! {
        <Title text=title />
        <section class="notice error" role="alert">
            <h1>{title}</h1>
            <p>{body}</p>
            <p><a href="/" class="button">{t.back_to_results}</a></p>
        </section>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    view! { <p class="loading" role="status">{t.loading}</p> }
}
