//! Form fields that show what a no-JavaScript post left behind ([`Flash`]): the value
//! typed, and what is wrong next to the field (linked by `aria-describedby`, and
//! `aria-invalid` set), in the page's language.

use crate::flash::Flash;
use crate::prefs::Prefs;
use leptos::prelude::*;

/// The flash this request carries, read once: the server clears the cookie as it
/// renders the page.
pub fn take_flash() -> Flash {
    #[cfg(feature = "ssr")]
    {
        use crate::flash::FLASH_COOKIE;
        let flash = crate::api::context::request_cookie(FLASH_COOKIE)
            .as_deref()
            .and_then(Flash::decode);
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(v) =
                http::HeaderValue::from_str(&format!("{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"))
            {
                response.append_header(http::header::SET_COOKIE, v);
            }
            // A notice is shown once and may hold a secret (a new API token): the service
            // worker must not keep this page for offline reading (public/sw.js).
            if flash.is_some() {
                response.insert_header(
                    http::HeaderName::from_static("x-doorstep-keep"),
                    http::HeaderValue::from_static("no"),
                );
            }
        }
        flash.unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    Flash::default()
}

/// The notice of `form` (done, or failed without a field to blame), if any.
#[component]
pub fn FormNotice(form: &'static str) -> impl IntoView {
    let flash = use_context::<Flash>().unwrap_or_default();
    let lang = expect_context::<Prefs>().lang;
    let t = crate::account_text::account_text(lang);
    if flash.form != form {
        return ().into_any();
    }
    let text = match (&flash.notice, flash.errors.is_empty()) {
        (Some(n), _) => n.get(lang).to_owned(),
        (None, false) => t.form_has_errors.to_owned(),
        (None, true) => return ().into_any(),
    };
    let class = if flash.failed { "notice error" } else { "notice success" };
    view! { <p class=class role="alert">{text}</p> }.into_any()
}

/// One labelled input with its hint and its error.
#[component]
pub fn Field(
    form: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// Told apart when the page repeats the form (one per organization, say), so that
    /// every id on the page stays unique.
    #[prop(optional, into)]
    instance: Option<String>,
) -> impl IntoView {
    let flash = use_context::<Flash>().unwrap_or_default();
    let lang = expect_context::<Prefs>().lang;
    let id = match instance {
        Some(n) => format!("{form}-{name}-{n}"),
        None => format!("{form}-{name}"),
    };
    let error = flash.error(form, name, lang);
    let value = if kind == "password" {
        String::new()
    } else {
        flash.value(form, name)
    };
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let described = [hint_id.clone(), error_id.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.clone().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
        </div>
    }
}

/// A checkbox with its label and its error.
#[component]
pub fn Checkbox(form: &'static str, name: &'static str, label: &'static str) -> impl IntoView {
    let flash = use_context::<Flash>().unwrap_or_default();
    let lang = expect_context::<Prefs>().lang;
    let id = format!("{form}-{name}");
    let error = flash.error(form, name, lang);
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            {error.clone().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <div class="choice">
                <input
                    type="checkbox"
                    id=id.clone()
                    name=name
                    value="1"
                    aria-invalid=error.is_some().then_some("true")
                    aria-describedby=error.is_some().then_some(error_id.clone())
                />
                <label for=id>{label}</label>
            </div>
        </div>
    }
}
