//! The HTML shell and the routes.

use crate::components::layout::Layout;
use crate::pages::account::{
    activities::{
        EditActivityPage, MyActivitiesPage, NewActivityPage, NewCommunityActivityPage, OrganizationActivitiesPage,
    },
    dashboard::DashboardPage,
    desk::DeskPage,
    follow_ups::FollowUpsPage,
    inbox::InboxPage,
    me::AccountPage,
    notifications::NotificationsPage,
    offerings::{EditOfferingPage, NewOfferingPage, OfferingsPage},
    organization_needs::OrganizationNeedsPage,
    organization_new::NewOrganizationPage,
    request_form::RequestFormPage,
    requests::{MyRequestsPage, RequestPage},
    sign_in::SignInPage,
    sign_up::SignUpPage,
};
use crate::pages::{
    activities::ActivitiesPage, activity::ActivityPage, certificate::CertificatePage, home::HomePage, needs::NeedsPage,
    not_found::NotFound, organization::OrganizationPage, places::PlacesPage, service::ServicePage,
    settings::SettingsPage,
};
use crate::prefs::Prefs;
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Meta, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Which build of the browser side this server serves (see `server::app_shell`). Pages
/// carry it so that the navigation script never mixes a page of one build with the wasm
/// of another.
#[derive(Clone, Debug, Default)]
pub struct BuildId(pub std::sync::Arc<str>);

/// The built stylesheet's text, inlined into `<head>` when the server has it (see
/// `server::app_shell::inline_style`); otherwise pages link `/pkg/doorstep.css`.
#[derive(Clone, Debug)]
pub struct InlineStyle(pub std::sync::Arc<str>);

/// The document around the app. Rendered on the server only: it carries the resident's
/// language and elder mode on `<html>`, where the browser side reads them back.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let prefs = Prefs::current();
    let build = use_context::<BuildId>().unwrap_or_default().0.to_string();
    let style = match use_context::<InlineStyle>() {
        Some(InlineStyle(css)) => view! { <style nonce=use_nonce() inner_html=css.to_string()></style> }.into_any(),
        None => view! { <link rel="stylesheet" href="/pkg/doorstep.css" /> }.into_any(),
    };
    view! {
        <!DOCTYPE html>
        <html lang=prefs.lang.html_tag() class=if prefs.elder { "elder" } else { "" }>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b5394" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <meta name="doorstep-build" content=build />
                {style}
                <script src="/app-shell.js" defer></script>
                <AutoReload options=options.clone() />
                {island_loader(options)}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Leptos' island loader without the `<link rel="preload">` hints it puts before itself.
/// The loader fetches the JS and wasm when the browser is idle anyway; hinting them at
/// high priority had a slow phone network carry 100 KB of wasm before the page's largest
/// text could count as painted (Lighthouse's LCP: 1.5 s with the hints, about 1.0 s
/// without; docs/PERFORMANCE.md). Islands are enhancements, so they can wait for idle.
fn island_loader(options: LeptosOptions) -> impl IntoView {
    let html = view! { <HydrationScripts options islands=true /> }.to_html();
    let script = html
        .find("<script")
        .and_then(|open| {
            let body = open + html[open..].find('>')? + 1;
            let close = html.rfind("</script>")?;
            (body <= close).then(|| html[body..close].to_owned())
        })
        .filter(|body| !body.contains("</script"))
        .unwrap_or_else(|| {
            // Leptos changed its markup: without the loader no island comes alive, so say
            // so loudly (the page tests check the loader is there).
            leptos::logging::error!("the island loader could not be read from <HydrationScripts>");
            String::new()
        });
    view! { <script type="module" nonce=use_nonce() inner_html=script></script> }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let prefs = Prefs::current();
    provide_context(prefs);
    let t = crate::i18n::text(prefs.lang);

    view! {
        <Title formatter=move |page: String| if page.is_empty() { t.site_name.to_owned() } else { format!("{page} · {}", t.site_name) } />
        <Meta name="description" content=t.tagline />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/services/:id") view=ServicePage ssr=SsrMode::Async />
                    <Route path=path!("/organizations/:id") view=OrganizationPage ssr=SsrMode::Async />
                    <Route path=path!("/places") view=PlacesPage ssr=SsrMode::Async />
                    <Route path=path!("/needs") view=NeedsPage ssr=SsrMode::Async />
                    <Route path=path!("/activities") view=ActivitiesPage ssr=SsrMode::Async />
                    <Route path=path!("/activities/:id") view=ActivityPage ssr=SsrMode::Async />
                    <Route path=path!("/account/activities") view=MyActivitiesPage ssr=SsrMode::Async />
                    <Route path=path!("/certificates/:code") view=CertificatePage ssr=SsrMode::Async />
                    <Route path=path!("/account/organizations/:id/activities") view=OrganizationActivitiesPage ssr=SsrMode::Async />
                    <Route path=path!("/account/organizations/:id/activities/new") view=NewActivityPage ssr=SsrMode::Async />
                    <Route path=path!("/account/communities/:id/activities/new") view=NewCommunityActivityPage ssr=SsrMode::Async />
                    <Route path=path!("/account/activities/:id/edit") view=EditActivityPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-up") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/account/organizations/new") view=NewOrganizationPage ssr=SsrMode::Async />
                    <Route path=path!("/staff") view=DeskPage ssr=SsrMode::Async />
                    <Route path=path!("/account/organizations/:id/offerings") view=OfferingsPage ssr=SsrMode::Async />
                    <Route path=path!("/account/organizations/:id/offerings/new") view=NewOfferingPage ssr=SsrMode::Async />
                    <Route path=path!("/account/offerings/:id") view=EditOfferingPage ssr=SsrMode::Async />
                    <Route path=path!("/services/:id/request") view=RequestFormPage ssr=SsrMode::Async />
                    <Route path=path!("/account/requests") view=MyRequestsPage ssr=SsrMode::Async />
                    <Route path=path!("/account/notifications") view=NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/follow-ups") view=FollowUpsPage ssr=SsrMode::Async />
                    <Route path=path!("/staff/dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/account/requests/:id") view=RequestPage ssr=SsrMode::Async />
                    <Route path=path!("/account/organizations/:id/requests") view=InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/account/organizations/:id/needs") view=OrganizationNeedsPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
