//! The community desk: organizations serving the staff member's communities, with
//! verify / suspend / reinstate, and the audit log of those actions.

use super::PleaseSignIn;
use crate::account_text::account_text;
use crate::api::account::load_staff;
use crate::components::form::{take_flash, Field, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DeskPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let t = account_text(lang);
    provide_context(take_flash());
    let desk = Resource::new(|| (), |_| load_staff());
    let signed_in = super::organization_new::signed_in();
    view! {
        <Title text=t.staff_desk />
        <h1 class="page-title">{t.staff_desk}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match desk.await {
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    Ok(None) if !signed_in => view! { <PleaseSignIn /> }.into_any(),
                    Ok(None) => {
                        #[cfg(feature = "ssr")]
                        if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
                            r.set_status(http::StatusCode::FORBIDDEN);
                        }
                        view! { <p class="notice error" role="alert">{t.not_staff}</p> }.into_any()
                    }
                    Ok(Some(view)) => view! {
                        <p class="lead">{t.staff_intro}</p>
                        <p class="actions">
                            <a class="button" href="/staff/dashboard">{t.dashboard}</a>
                            <a class="button" href="/staff/follow-ups">{t.follow_ups}</a>
                            {view.communities.iter().map(|c| view! {
                                <a class="button secondary" href=format!("/account/communities/{c}/activities/new")>
                                    {crate::i18n::say(lang, "发布社区志愿活动", "Publish a community volunteer activity")}</a>
                            }).collect_view()}
                        </p>
                        <FormNotice form="desk" />
                        <ul class="link-list">
                            {view.organizations.into_iter().map(|o| {
                                let state = if o.suspended { t.org_suspended } else if o.verified { t.org_verified } else { t.org_pending };
                                let act = |action: &'static str, label: &'static str| {
                                    let path = format!("/staff/organizations/{}/{action}", o.id);
                                    view! {
                                        <form method="post" action=path class="inline-form">
                                            <button type="submit" class="button secondary">{label}</button>
                                        </form>
                                    }
                                };
                                view! {
                                    <li class="card">
                                        <span><strong>{o.name.clone()}</strong> " · " {state}</span>
                                        <span>{o.credit_code.clone()} " · " {o.contact_name.clone()} " " {o.contact_phone.clone()}</span>
                                        <span class="actions">
                                            {(!o.verified || o.suspended).then(|| act(if o.suspended { "reinstate" } else { "verify" }, if o.suspended { t.reinstate } else { t.verify }))}
                                            {(!o.suspended).then(|| act("suspend", t.suspend))}
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <section class="panel" aria-labelledby="in-person-heading">
                            <h2 id="in-person-heading">{t.in_person_heading}</h2>
                            <p>{t.in_person_intro}</p>
                            <FormNotice form="in-person" />
                            <form method="post" action="/staff/family-links" novalidate>
                                <input type="hidden" name="community" value=view.communities.first().map(|c| c.to_string()).unwrap_or_default() />
                                <Field form="in-person" name="person_name" label=t.person_name_label required=true />
                                <Field form="in-person" name="member_login" label=t.member_login_label inputmode="tel" required=true />
                                <Field form="in-person" name="relation" label=t.relation_label required=true />
                                <button type="submit" class="button secondary">{t.in_person_submit}</button>
                            </form>
                        </section>
                        <section aria-labelledby="audit-heading">
                            <h2 id="audit-heading">{t.audit_heading}</h2>
                            {if view.audit.is_empty() {
                                view! { <p>{t.audit_none}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="audit">
                                        <thead><tr><th scope="col">"#"</th><th scope="col">{t.role_label}</th><th scope="col">{t.audit_heading}</th></tr></thead>
                                        <tbody>
                                            {view.audit.into_iter().map(|e| view! {
                                                <tr>
                                                    <td>{e.subject_id.map(|i| i.to_string()).unwrap_or_default()}</td>
                                                    <td>{e.actor.map(|a| a.to_string()).unwrap_or_default()}</td>
                                                    <td>{e.action} " " {e.request_id.unwrap_or_default()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
