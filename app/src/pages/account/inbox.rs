//! `/account/organizations/:id/requests`: an organization's inbox. Tabs by where requests
//! stand (new, open, overdue, closed, all), narrowed to one offering, to one place and to
//! whoever handles them (mine, nobody's yet, a colleague's) with a plain GET form, so it
//! works without JavaScript; the tabs and "older" keep the narrowing, the narrowing keeps
//! the tab.

use super::requests::{param_id, request_lines};
use super::PleaseSignIn;
use crate::api::requests::{load_inbox, InboxFilters, RequestListView};
use crate::components::form::take_flash;
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::lang::Lang;
use crate::domain::requests::store::Bucket;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let organization = param_id("id");
    let query = use_query_map();
    let read = |name: &'static str| query.with_untracked(|q| q.get(name));
    let number = |name: &'static str| read(name).and_then(|v| v.trim().parse::<i64>().ok());
    let (bucket, before, service, place) = (read("bucket"), number("before"), number("service"), number("place"));
    let assigned = read("assigned").filter(|a| !a.is_empty());
    let list = Resource::new(
        move || (),
        move |_| load_inbox(organization, bucket.clone(), before, service, place, assigned.clone()),
    );
    let title = say(lang, "收到的申请", "Requests received");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(v) => inbox(lang, v).into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

fn inbox(lang: Lang, v: RequestListView) -> impl IntoView {
    let (org, name) = v.organization.clone().unwrap_or_default();
    let filters = v.filters.clone();
    // The narrowing as query pairs, for the tabs and the "older" link.
    let narrowing: String = filters
        .as_ref()
        .map(|f| {
            [
                ("service", f.service.map(|v| v.to_string())),
                ("place", f.place.map(|v| v.to_string())),
                ("assigned", f.assigned.clone()),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("&{k}={v}")))
            .collect()
        })
        .unwrap_or_default();
    let base = format!("/account/organizations/{org}/requests");
    let tab = |b: Bucket| {
        let words = match b {
            Bucket::New => say(lang, "新申请", "New"),
            Bucket::Open => say(lang, "处理中", "Open"),
            Bucket::Overdue => say(lang, "超时未回复", "Overdue"),
            Bucket::Closed => say(lang, "已结束", "Closed"),
            Bucket::All => say(lang, "全部", "All"),
        };
        let n = v.counts.iter().find(|(c, _)| *c == b).map(|(_, n)| *n);
        let current = (v.bucket == b).then_some("page");
        view! {
            <li><a href=format!("{base}?bucket={}{narrowing}", b.slug()) aria-current=current>
                {words} {n.map(|n| format!(" ({n})"))}
            </a></li>
        }
    };
    view! {
        <p class="lead"><a href=format!("/account/organizations/{org}/offerings")>{name}</a>
            " · " <a href=format!("/account/organizations/{org}/needs")>{say(lang, "居民提出的需求", "Needs residents named")}</a></p>
        <nav aria-label=say(lang, "申请分类", "Request lists")>
            <ul class="tabs">
                {[Bucket::New, Bucket::Open, Bucket::Overdue, Bucket::Closed, Bucket::All].into_iter().map(tab).collect_view()}
            </ul>
        </nav>
        {filters.map(|f| filter_form(lang, &base, v.bucket, f))}
        {if v.lines.is_empty() {
            view! { <p>{say(lang, "这里没有申请。", "No requests here.")}</p> }.into_any()
        } else {
            request_lines(lang, v.lines, true).into_any()
        }}
        {v.next_before.map(|b| view! {
            <p><a class="button secondary" href=format!("{base}?bucket={}&before={b}{narrowing}", v.bucket.slug())>
                {say(lang, "更早的申请", "Older requests")}
            </a></p>
        })}
    }
}

fn filter_form(lang: Lang, base: &str, bucket: Bucket, f: InboxFilters) -> impl IntoView {
    view! {
        <form method="get" action=base.to_owned() class="filter-grid inbox-filters">
            <input type="hidden" name="bucket" value=bucket.slug() />
            <div class="field">
                <label for="inbox-service">{say(lang, "服务项目", "Offering")}</label>
                <select id="inbox-service" name="service">
                    <option value="">{say(lang, "全部服务项目", "All offerings")}</option>
                    {f.offerings.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=f.service == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="inbox-place">{say(lang, "居民所在（含下级）", "Where residents live (and below)")}</label>
                <select id="inbox-place" name="place">
                    <option value="">{say(lang, "所有地方", "Everywhere")}</option>
                    {f.places.into_iter().map(|p| {
                        let id = p.id.get();
                        let label = if lang == Lang::Zh { p.label_zh } else { p.label_en };
                        view! { <option value=id.to_string() selected=f.place == Some(id)>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="inbox-assigned">{say(lang, "负责人", "Handled by")}</label>
                <select id="inbox-assigned" name="assigned">
                    <option value="">{say(lang, "所有人", "Anyone")}</option>
                    <option value="me" selected=f.assigned.as_deref() == Some("me")>{say(lang, "我负责的", "Me")}</option>
                    <option value="nobody" selected=f.assigned.as_deref() == Some("nobody")>{say(lang, "还没有指派", "Nobody yet")}</option>
                    {f.members.into_iter().map(|(id, name)| {
                        let value = id.to_string();
                        let selected = f.assigned.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="actions wide">
                <button type="submit" class="button secondary">{say(lang, "筛选", "Narrow the list")}</button>
                <a class="button secondary" href=format!("{base}?bucket={}", bucket.slug())>{say(lang, "清除筛选", "Clear")}</a>
            </div>
        </form>
    }
}
