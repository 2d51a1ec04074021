//! How a page shows an error or an empty state: in words, never only in colour.

use crate::api::error::FnError;
use crate::domain::error::AppError;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ErrorMessage(error: FnError) -> impl IntoView {
    let error = error.app_error();
    // Whatever page shows the error, the HTTP status says it too (404, 400, …).
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(crate::api::error::http_status(&error))
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    let lang = expect_context::<Prefs>().lang;
    let t = text(lang);
    let (title, body) = match &error {
        AppError::NotFound { .. } => (t.not_found_title, t.not_found_body.to_owned()),
        AppError::BadRequest(fields) | AppError::Invalid(fields) => (
            t.error_title,
            fields
                .iter()
                .map(|f| (t.bad_parameter)(&f.field, f.message(lang)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        other => (t.error_title, other.message(lang)),
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
