//! `/account/organizations/:id/needs`: the needs residents named in the communities an
//! organization works in, for its members. A courtyard's self-governance organization
//! (院落自治组织) sees what its neighbours need, as the seed's 协商共治 asks; a provider sees
//! what to offer next. Read only: who named or supported a need is never shown.

use super::requests::param_id;
use super::PleaseSignIn;
use crate::api::needs::load_organization_needs;
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::lang::Lang;
use crate::domain::needs::CommunityNeeds;
use crate::i18n::say;
use crate::pages::needs::need_card;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrganizationNeedsPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let organization = param_id("id");
    let needs = Resource::new(move || organization, load_organization_needs);
    let title = say(lang, "居民提出的需求", "Needs residents named");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        <p class="lead">{say(lang,
            "您的机构所在社区里，居民说出的、还没有服务满足的需求。人数越多，越值得提供。",
            "What residents of the communities you work in said they need and no service meets. The more people need it, the stronger the case.")}</p>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match needs.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(communities) => communities_view(lang, organization, communities).into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

fn communities_view(lang: Lang, organization: i64, communities: Vec<CommunityNeeds>) -> impl IntoView {
    view! {
        <p><a href=format!("/account/organizations/{organization}/requests")>{say(lang, "← 收到的申请", "← Requests received")}</a></p>
        {communities.into_iter().map(|c| {
            let id = c.community.get();
            let name = if lang == Lang::Zh { c.name_zh } else { c.name_en };
            let (labelled_by, heading) = (format!("community-{id}"), format!("community-{id}"));
            view! {
                <section class="panel" aria-labelledby=labelled_by>
                    <h2 id=heading>{name}</h2>
                    {if c.needs.is_empty() {
                        view! { <p>{say(lang, "这里还没有人提出需求。", "Nobody has named a need here yet.")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="card-list">
                                {c.needs.iter().map(|n| need_card(lang, n, id, false, false)).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <p><a href=format!("/needs?place={id}")>{say(lang, "在需求页面查看", "Open the needs page")}</a></p>
                </section>
            }
        }).collect_view()}
    }
}
