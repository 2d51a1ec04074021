//! The account pages: sign up, sign in, one's own account, registering an organization,
//! and the community desk. Every form is a plain POST to the server that answers 303
//! back here (see `flash`): they work the same with JavaScript off.

pub mod activities;
pub mod dashboard;
pub mod desk;
pub mod follow_ups;
pub mod inbox;
pub mod me;
pub mod notifications;
pub mod offering_fields;
pub mod offerings;
pub mod organization_needs;
pub mod organization_new;
pub mod request_form;
pub mod requests;
pub mod review_forms;
pub mod sign_in;
pub mod sign_up;

use crate::account_text::account_text;
use crate::prefs::Prefs;
use leptos::prelude::*;

/// Shown instead of a page that needs a signed-in person.
#[component]
pub fn PleaseSignIn() -> impl IntoView {
    let t = account_text(expect_context::<Prefs>().lang);
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::UNAUTHORIZED);
    }
    view! {
        <section class="notice" role="alert">
            <p>{t.please_sign_in}</p>
            <p><a class="button" href="/sign-in">{t.sign_in}</a></p>
        </section>
    }
}
