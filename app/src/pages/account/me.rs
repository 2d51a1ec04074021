//! The signed-in person's own page: who they are, family members, organizations, API
//! tokens, their data, signing out.

use super::PleaseSignIn;
use crate::account_text::{account_text, AccountText};
use crate::api::account::{load_account, AccountView};
use crate::components::form::{take_flash, Checkbox, Field, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::accounts::store::FamilyLink;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = account_text(expect_context::<Prefs>().lang);
    provide_context(take_flash());
    let account = Resource::new(|| (), |_| load_account());
    view! {
        <Title text=t.my_account />
        <h1 class="page-title">{t.my_account}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(Some(view)) => view! { <Account view /> }.into_any(),
                    Ok(None) => view! { <PleaseSignIn /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Account(view: AccountView) -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let t = account_text(lang);
    let me = view.person;
    let (pending_for_me, links): (Vec<FamilyLink>, Vec<FamilyLink>) = view
        .family_links
        .into_iter()
        .partition(|l| l.member == me && l.status == "pending");
    view! {
        <section class="panel" aria-labelledby="who-heading">
            <h2 id="who-heading" class="visually-hidden">{t.my_account}</h2>
            <p>{t.signed_in_as} <strong>{view.display_name}</strong> {view.login.map(|l| format!("（{l}）"))}</p>
            <p><a class="button" href="/account/requests">{t.my_requests}</a></p>
            <p><a class="button secondary" href="/account/activities">{crate::i18n::say(lang, "我报名的志愿活动", "My volunteering")}</a></p>
            <div class="actions">
                <form method="post" action="/account/sign-out" class="inline-form">
                    <button type="submit" class="button secondary">{t.sign_out}</button>
                </form>
                <form method="post" action="/account/sign-out-everywhere" class="inline-form">
                    <button type="submit" class="button secondary">{t.sign_out_everywhere}</button>
                </form>
                {view.is_staff.then(|| view! { <a class="button" href="/staff">{t.staff_desk}</a> })}
            </div>
        </section>
        {pending_for_me.into_iter().map(|l| view! { <ConfirmLink link=l t /> }).collect_view()}
        <section class="panel" aria-labelledby="family-heading">
            <h2 id="family-heading">{t.family_heading}</h2>
            <p>{t.family_intro}</p>
            <FormNotice form="family" />
            {if links.is_empty() {
                view! { <p>{t.family_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {links.into_iter().map(|l| {
                            let (name, role) = if l.member == me { (l.person_name.clone(), t.you_act_for) } else { (l.member_name.clone(), t.acts_for_you) };
                            let status = if l.status == "active" { t.status_active } else { t.status_pending };
                            view! {
                                <li>
                                    <span><strong>{name}</strong> "（" {l.relation.clone()} "）· " {role} " · " {status}</span>
                                    <form method="post" action=format!("/account/family-links/{}/end", l.id) class="inline-form">
                                        <button type="submit" class="button secondary">{t.end_link}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action="/account/family-links" novalidate>
                <Field form="family" name="member_login" label=t.member_login_label autocomplete="off" inputmode="tel" required=true />
                <Field form="family" name="relation" label=t.relation_label required=true />
                <button type="submit" class="button">{t.link_submit}</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="organizations-heading">
            <h2 id="organizations-heading">{t.organizations_heading}</h2>
            <FormNotice form="member" />
            {if view.organizations.is_empty() {
                view! { <p>{t.organizations_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {view.organizations.into_iter().map(|(o, role, members)| {
                            let state = if o.suspended { t.org_suspended } else if o.verified { t.org_verified } else { t.org_pending };
                            let owner = role == "owner";
                            let role = if owner { t.role_owner } else { t.role_member };
                            let action = format!("/account/organizations/{}/members", o.id);
                            view! {
                                <li>
                                    <span><strong>{o.name.clone()}</strong> " · " {state} " · " {role}</span>
                                    <a class="button secondary" href=format!("/account/organizations/{}/offerings", o.id)>{t.manage_offerings}</a>
                                    " "
                                    <a class="button secondary" href=format!("/account/organizations/{}/requests", o.id)>{t.inbox}</a>
                                    " "
                                    <a class="button secondary" href=format!("/account/organizations/{}/activities", o.id)>{crate::i18n::say(lang, "本机构的志愿活动", "Our volunteer activities")}</a>
                                    {owner.then(|| view! {
                                        <ul class="plain">
                                            {members.into_iter().map(|m| {
                                                let remove = format!("/account/organizations/{}/members/{}/remove", o.id, m.person);
                                                let role = if m.role == crate::domain::accounts::principal::MemberRole::Owner { t.role_owner } else { t.role_member };
                                                view! {
                                                    <li class="actions">
                                                        <span>{m.display_name} "（" {m.login} "）· " {role}</span>
                                                        <form method="post" action=remove class="inline-form">
                                                            <button type="submit" class="button secondary">{t.remove_member}</button>
                                                        </form>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                        <form method="post" action=action class="actions">
                                            <Field form="member" name="login" instance=o.id.to_string() label=t.login_label inputmode="tel" required=true />
                                            <input type="hidden" name="role" value="member" />
                                            <button type="submit" class="button secondary">{t.add_member}</button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a class="button secondary" href="/account/organizations/new">{t.register_organization}</a></p>
        </section>
        <section class="panel" aria-labelledby="volunteer-heading">
            <h2 id="volunteer-heading">{t.volunteer_heading}</h2>
            <p>{t.volunteer_intro}</p>
            <FormNotice form="volunteer" />
            <form method="post" action="/account/volunteer" novalidate>
                <div class="choice">
                    <input type="checkbox" id="volunteer-volunteer" name="volunteer" value="1" checked=view.volunteer />
                    <label for="volunteer-volunteer">{t.volunteer_opt_in}</label>
                </div>
                <div class="field">
                    <label for="volunteer-skills">{t.skills_label}</label>
                    <input id="volunteer-skills" name="skills" value=view.skills.clone() />
                </div>
                <div class="field">
                    <label for="volunteer-availability">{t.availability_label}</label>
                    <input id="volunteer-availability" name="availability" value=view.availability.clone() />
                </div>
                <button type="submit" class="button secondary">{t.save}</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">{t.tokens_heading}</h2>
            <p>{t.tokens_intro}</p>
            <FormNotice form="tokens" />
            <ul class="link-list">
                {view.tokens.into_iter().map(|token| view! {
                    <li>
                        <span>{token.name}</span>
                        <form method="post" action=format!("/account/tokens/{}/revoke", token.id) class="inline-form">
                            <button type="submit" class="button secondary">{t.token_revoke}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
            <form method="post" action="/account/tokens" novalidate>
                <Field form="tokens" name="name" label=t.token_name_label required=true />
                <button type="submit" class="button secondary">{t.token_create}</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="data-heading">
            <h2 id="data-heading">{t.data_heading}</h2>
            <p><a href="/api/v1/me/export" download="doorstep-my-data.json">{t.download_data}</a></p>
            <FormNotice form="delete" />
            <form method="post" action="/account/delete" novalidate>
                <Checkbox form="delete" name="confirm" label=t.delete_confirm_label />
                <button type="submit" class="button danger">{t.delete_submit}</button>
            </form>
        </section>
    }
}

/// A link waiting for this person (the member) to confirm with the code sent to them.
#[component]
fn ConfirmLink(link: FamilyLink, t: &'static AccountText) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby=format!("confirm-{}", link.id)>
            <h2 id=format!("confirm-{}", link.id)>{t.confirm_heading} " " {link.person_name.clone()}</h2>
            <FormNotice form="confirm" />
            <form method="post" action=format!("/account/family-links/{}/confirm", link.id) novalidate>
                <Field form="confirm" name="code" label=t.code_label hint=t.code_hint autocomplete="one-time-code" inputmode="numeric" required=true />
                <button type="submit" class="button">{t.confirm_submit}</button>
            </form>
        </section>
    }
}
