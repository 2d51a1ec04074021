//! Forms that change a preference. Plain POST forms to `/prefs`: the server sets the
//! cookie and sends the resident back to the same page, with or without JavaScript.

use crate::domain::lang::Lang;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The current path and query, to come back to after the change.
fn return_to() -> Signal<String> {
    let location = use_location();
    Signal::derive(move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    })
}

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let t = text(prefs.lang);
    let other = match prefs.lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    view! {
        <form method="post" action="/prefs" class="inline-form">
            <input type="hidden" name="lang" value=other.code() />
            <input type="hidden" name="return_to" value=return_to() />
            <button type="submit" class="button secondary" lang=other.html_tag() aria-label=format!("{} ({})", t.switch_language, t.other_language_name)>
                {t.other_language_name}
            </button>
        </form>
    }
}

#[component]
pub fn ElderModeSwitch() -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let t = text(prefs.lang);
    let (value, label) = if prefs.elder {
        ("0", t.elder_mode_off)
    } else {
        ("1", t.elder_mode_on)
    };
    view! {
        <form method="post" action="/prefs" class="inline-form elder-switch">
            <input type="hidden" name="elder" value=value />
            <input type="hidden" name="return_to" value=return_to() />
            <button type="submit" class="button elder-button">
                <span aria-hidden="true">"👓 "</span>
                {label}
            </button>
        </form>
    }
}
