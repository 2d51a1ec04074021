//! The frame of every page: skip link, header with the language and elder-mode switches,
//! the main region, and a footer.

use super::prefs_forms::{ElderModeSwitch, LanguageSwitch};
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_router::components::A;

/// How many notifications the signed-in person has not read (the server counts them for
/// each page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadNotifications(pub u32);

/// "Sign in" for visitors, "Me" for someone signed in, and their unread notifications.
#[component]
fn AccountLink() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let a = crate::account_text::account_text(lang);
    if crate::pages::account::organization_new::signed_in() {
        let unread = use_context::<UnreadNotifications>().map_or(0, |u| u.0);
        let label = match lang {
            crate::domain::lang::Lang::Zh => format!("通知，{unread} 条未读"),
            crate::domain::lang::Lang::En => format!("Notifications, {unread} unread"),
        };
        view! {
            <A href="/account/notifications" attr:class="nav-link notifications-link" attr:aria-label=label>
                <span aria-hidden="true">"🔔"</span>
                {(unread > 0).then(|| view! { <span class="count" aria-hidden="true">{unread}</span> })}
            </A>
            <A href="/account" attr:class="nav-link">{a.account_nav}</A>
        }
        .into_any()
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
