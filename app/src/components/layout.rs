//! The frame of every page: skip link, header with the language and elder-mode switches,
//! the main region, and a footer.

use super::prefs_forms::{ElderModeSwitch, LanguageSwitch};
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_router::components::A;

/// "Sign in" for visitors, "Me" for someone signed in.
#[component]
fn AccountLink() -> impl IntoView {
    let a = crate::account_text::account_text(expect_context::<Prefs>().lang);
    if crate::pages::account::organization_new::signed_in() {
        view! { <A href="/account" attr:class="nav-link">{a.account_nav}</A> }.into_any()
    } else {
        view! { <A href="/sign-in" attr:class="nav-link">{a.sign_in}</A> }.into_any()
    }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let t = text(prefs.lang);
    view! {
        <a class="skip-link" href="#main">{t.skip_to_content}</a>
        <header class="site-header">
            <div class="brand">
                <A href="/" attr:class="brand-name">{t.site_name}</A>
                <span class="tagline">{t.tagline}</span>
            </div>
            <nav class="site-nav" aria-label=t.nav_settings>
                <ElderModeSwitch />
                <LanguageSwitch />
                <A href="/settings" attr:class="nav-link">{t.nav_settings}</A>
                <AccountLink />
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{t.site_name} " · " {t.tagline}</p>
        </footer>
    }
}
