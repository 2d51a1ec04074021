//! Volunteer activities near home, soonest first: the tab beside the services. Like the
//! home page, everything follows from the URL's query string (the same place, radius and
//! paging parameters as `GET /api/v1/activities`), and the filters are a plain GET form.

use crate::api::activities::{find_activities, ActivitiesView};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::activities::search::{ActivityOrder, ActivityParams};
use crate::domain::activities::{when_words, ActivityHit, ActivityKind, Skill};
use crate::domain::lang::Lang;
use crate::domain::search::Origin;
use crate::i18n::{say, text};
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

/// Services | Activities: the two halves of what is near home.
#[component]
pub fn DirectoryTabs(activities: bool) -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let current = |on: bool| on.then_some("page");
    view! {
        <nav class="tabs" aria-label=say(lang, "服务和志愿活动", "Services and volunteering")>
            <a href="/" class="tab" aria-current=current(!activities)>{say(lang, "身边的服务", "Services")}</a>
            <a href="/activities" class="tab" aria-current=current(activities)>{say(lang, "志愿活动", "Volunteering")}</a>
        </nav>
    }
}

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let location = use_location();
    let search = Resource::new(move || location.search.get(), find_activities);
    let title = say(lang, "身边的志愿活动", "Volunteering near you");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        <DirectoryTabs activities=true />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match search.await {
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    Ok(view) => activity_list(lang, view).into_any(),
                }
            })}
        </Suspense>
    }
}

fn activity_list(lang: Lang, v: ActivitiesView) -> impl IntoView {
    let t = text(lang);
    let located = v.params.origin.is_some();
    let origin_line = match (v.params.origin, &v.place_name) {
        (Some(Origin::Place(_)), Some(name)) => format!("{} {name}", t.near_place),
        (Some(Origin::Position(_)), _) => format!("{} {}", t.near_place, t.my_position),
        _ => say(
            lang,
            "全区的志愿活动（选择住址可看附近的）",
            "Across the district (choose your place to see those nearby)",
        )
        .to_owned(),
    };
    let picker_href = match v.params.origin {
        Some(Origin::Place(id)) => format!("/places?in={id}"),
        _ => "/places".to_owned(),
    };
    let count = match lang {
        Lang::Zh => format!("共 {} 个活动", v.total),
        Lang::En => format!("{} activities", v.total),
    };
    let filters_open =
        v.params.kind.is_some() || v.params.skill.is_some() || v.params.from.is_some() || v.params.to.is_some();
    let now = v.now;
    let pager = pager(lang, &v.params, v.total);
    view! {
        <section class="location" aria-labelledby="where-heading">
            <h2 id="where-heading" class="visually-hidden">{t.where_are_you}</h2>
            <a class="place-line" href=picker_href>
                <span aria-hidden="true">"📍"</span>
                <span class="origin">{origin_line}</span>
                <span class="change">{if located { t.change_place } else { t.choose_place }}</span>
            </a>
        </section>
        <details class="panel filters" open=filters_open>
            <summary>{t.filters}</summary>
            {filter_form(lang, &v.params)}
        </details>
        <section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading" class="visually-hidden">{say(lang, "活动", "Activities")}</h2>
            <p class="result-count">{count}</p>
            {if v.hits.is_empty() {
                view! {
                    <div class="notice empty">
                        <p><strong>{say(lang, "近期这里没有志愿活动。", "No activities here soon.")}</strong></p>
                        <p>{say(lang, "可以扩大范围、换个日期，或看看全区的活动。", "Try a wider area, other dates, or the whole district.")}</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ul class="card-list">
                        {v.hits.into_iter().map(|hit| activity_card(lang, hit, now)).collect_view()}
                    </ul>
                }.into_any()
            }}
            {pager}
            <p class="need-link"><a href="/account/activities">{say(lang, "我报名的活动", "My sign-ups")}</a></p>
        </section>
    }
}

fn pager(lang: Lang, params: &ActivityParams, total: u64) -> Option<impl IntoView> {
    let t = text(lang);
    let link = |p| format!("/activities?{}", params.to_query_string(p));
    let previous = params.paging.previous().map(link);
    let next = params.paging.next(total).map(link);
    (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=t.results_pagination>
                {previous.map(|href| view! { <a href=href class="button secondary" rel="prev">"← " {t.previous_page}</a> })}
                {next.map(|href| view! { <a href=href class="button" rel="next">{t.next_page} " →"</a> })}
            </nav>
        }
    })
}

fn filter_form(lang: Lang, params: &ActivityParams) -> impl IntoView {
    let t = text(lang);
    let origin = match params.origin {
        Some(Origin::Place(id)) => vec![("place", id.to_string())],
        Some(Origin::Position(c)) => vec![
            ("lat", format!("{:.3}", c.latitude())),
            ("lon", format!("{:.3}", c.longitude())),
        ],
        None => Vec::new(),
    };
    let kind = params.kind;
    let skill = params.skill;
    let nearest = params.order == ActivityOrder::Nearest;
    view! {
        <form method="get" action="/activities" class="stack">
            {origin.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            <div class="field">
                <label for="activity-kind">{say(lang, "活动类型", "Kind")}</label>
                <select id="activity-kind" name="kind">
                    <option value="">{say(lang, "全部", "All")}</option>
                    {ActivityKind::ALL.into_iter().map(|k| view! {
                        <option value=k.slug() selected=kind == Some(k)>{k.name().get(lang).to_owned()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="activity-skill">{say(lang, "用得上我的技能", "Uses my skill")}</label>
                <select id="activity-skill" name="skill">
                    <option value="">{say(lang, "不限", "Any")}</option>
                    {Skill::ALL.into_iter().map(|s| view! {
                        <option value=s.slug() selected=skill == Some(s)>{s.name().get(lang).to_owned()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="activity-from">{say(lang, "从哪天", "From")}</label>
                <input id="activity-from" name="from" type="date" value=params.from.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div class="field">
                <label for="activity-to">{say(lang, "到哪天", "To")}</label>
                <input id="activity-to" name="to" type="date" value=params.to.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div class="field">
                <label for="activity-sort">{say(lang, "排序", "Order")}</label>
                <select id="activity-sort" name="sort">
                    <option value="soonest" selected=!nearest>{say(lang, "最近开始", "Soonest")}</option>
                    <option value="nearest" selected=nearest>{say(lang, "离我最近", "Nearest")}</option>
                </select>
            </div>
            <button type="submit" class="button">{t.search_button}</button>
        </form>
    }
}

/// How many places are left, in words that say what a tap will do.
pub fn places_words(lang: Lang, places_left: u32, waitlisted: u32) -> String {
    match (lang, places_left) {
        (Lang::Zh, 0) => format!("名额已满 · {waitlisted} 人候补"),
        (Lang::En, 0) => format!("Full · {waitlisted} waiting"),
        (Lang::Zh, n) => format!("还剩 {n} 个名额"),
        (Lang::En, 1) => "1 place left".to_owned(),
        (Lang::En, n) => format!("{n} places left"),
    }
}

fn activity_card(lang: Lang, hit: ActivityHit, now: i64) -> impl IntoView {
    let t = text(lang);
    let a = hit.activity;
    let href = format!("/activities/{}", a.id);
    let open = a.open_at(now);
    let places = places_words(lang, a.places_left(), a.waitlisted);
    let places_class = if a.places_left() == 0 {
        "badge full"
    } else {
        "badge places"
    };
    view! {
        <li class="card activity-card">
            <h3 class="card-title"><a href=href>{a.title.get(lang).to_owned()}</a></h3>
            <p class="card-meta">
                <span class="badge category">{a.kind.name().get(lang).to_owned()}</span>
                <span class=places_class>{places}</span>
                {(!open).then(|| view! { <span class="badge closed">{say(lang, "报名已截止", "Sign-ups closed")}</span> })}
            </p>
            <dl class="facts">
                <div class="fact">
                    <dt>{say(lang, "时间", "When")}</dt>
                    <dd>{when_words(a.starts_at, a.ends_at).get(lang).to_owned()}</dd>
                </div>
                <div class="fact">
                    <dt>{say(lang, "地点", "Where")}</dt>
                    <dd>{a.place_name.get(lang).to_owned()}</dd>
                </div>
                {hit.distance_m.map(|m| view! {
                    <div class="fact distance">
                        <dt>{t.distance}</dt>
                        <dd>{(t.metres)(m)}</dd>
                    </div>
                })}
                <div class="fact">
                    <dt>{say(lang, "举办方", "Organized by")}</dt>
                    <dd>{a.organizer_name.get(lang).to_owned()}</dd>
                </div>
            </dl>
        </li>
    }
}
