//! Registering an organization: it stays unverified until staff of the community it
//! serves verify it.

use super::PleaseSignIn;
use crate::account_text::account_text;
use crate::api::account::load_communities;
use crate::components::form::{take_flash, Field, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::flash::Flash;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewOrganizationPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let t = account_text(lang);
    provide_context(take_flash());
    let signed_in = signed_in();
    let communities = Resource::new(|| (), |_| load_communities());
    view! {
        <Title text=t.register_organization />
        <h1 class="page-title">{t.register_organization}</h1>
        {if !signed_in {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <p class="lead">{t.org_intro}</p>
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match communities.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(communities) => {
                                let flash = use_context::<Flash>().unwrap_or_default();
                                let chosen = flash.value("organization", "community");
                                let kind = flash.value("organization", "kind");
                                let community_error = flash.error("organization", "communities", lang);
                                view! {
                                    <form method="post" action="/account/organizations" class="panel" novalidate>
                                        <FormNotice form="organization" />
                                        <Field form="organization" name="name" label=t.org_name_label autocomplete="organization" required=true />
                                        <div class="field">
                                            <label for="organization-kind">{t.org_kind_label}</label>
                                            <select id="organization-kind" name="kind">
                                                {[("social-organization", t.kind_social), ("volunteer-organization", t.kind_volunteer), ("resident-unit", t.kind_unit)]
                                                    .into_iter()
                                                    .map(|(v, label)| view! { <option value=v selected=kind == v>{label}</option> })
                                                    .collect_view()}
                                            </select>
                                        </div>
                                        <Field form="organization" name="credit_code" label=t.credit_code_label hint=t.credit_code_hint required=true />
                                        <Field form="organization" name="contact_name" label=t.contact_name_label autocomplete="name" required=true />
                                        <Field form="organization" name="contact_phone" label=t.contact_phone_label autocomplete="tel" inputmode="tel" required=true />
                                        <div class="field">
                                            <label for="organization-community">{t.community_label}</label>
                                            {community_error.clone().map(|e| view! { <p class="field-error" id="organization-community-error">{e}</p> })}
                                            <select
                                                id="organization-community"
                                                name="community"
                                                aria-invalid=community_error.is_some().then_some("true")
                                                aria-describedby=community_error.is_some().then_some("organization-community-error")
                                            >
                                                {communities.into_iter().map(|c| {
                                                    let id = c.id.to_string();
                                                    let selected = chosen == id;
                                                    view! { <option value=id selected=selected>{c.name}</option> }
                                                }).collect_view()}
                                            </select>
                                        </div>
                                        <button type="submit" class="button">{t.org_submit}</button>
                                    </form>
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

/// Whether someone is signed in for this request.
pub fn signed_in() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::api::context::principal().is_some()
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}
