//! The community dashboard: for the staff member's communities over a period, requests
//! by status, how long residents wait, satisfaction by organization, category and grid
//! unit, follow-ups, and the demand that went unmet. Charts are SVG drawn on the server
//! (readable without JavaScript); each has its table beside it as the text alternative,
//! and every table downloads as CSV.

use super::PleaseSignIn;
use crate::api::requests::load_dashboard;
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::lang::Lang;
use crate::domain::oversight::{days, hours, Dashboard, Satisfaction};
use crate::domain::participation::Participation;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let query = use_query_map();
    let from = query.with_untracked(|q| q.get("from"));
    let to = query.with_untracked(|q| q.get("to"));
    let figures = Resource::new(move || (), move |_| load_dashboard(from.clone(), to.clone()));
    let title = say(lang, "社区服务看板", "Community dashboard");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match figures.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(d) => dashboard_view(lang, d).into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

/// A horizontal bar chart: one bar per row, scaled to `max`.
fn bar_chart(id: &str, title: String, rows: Vec<(String, f64, String)>, max: f64) -> impl IntoView {
    let row_height = 28.0;
    let height = (rows.len().max(1) as f64 * row_height + 8.0).to_string();
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 340 {height}") width="100%" role="img" aria-labelledby=labelled_by>
            <title id=title_id>{title}</title>
            {rows.into_iter().enumerate().map(|(i, (label, value, text))| {
                let y = i as f64 * row_height + 4.0;
                let width = if max > 0.0 { (value / max * 170.0).max(0.0) } else { 0.0 };
                let short: String = label.chars().take(9).collect();
                view! {
                    <g>
                        <text x="0" y=(y + 18.0).to_string() class="chart-label">{short}</text>
                        <rect x="120" y=(y + 4.0).to_string() width=width.to_string() height="18" class="chart-bar" />
                        <text x=(126.0 + width).to_string() y=(y + 18.0).to_string() class="chart-value">{text}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

fn csv_link(lang: Lang, d: &Dashboard, table: &'static str) -> impl IntoView {
    let href = format!(
        "/api/v1/dashboard/csv?table={table}&from={}&to={}",
        d.period.from, d.period.to
    );
    view! { <p><a href=href download="">{say(lang, "下载 CSV", "Download CSV")}</a></p> }
}

fn satisfaction_section(
    lang: Lang,
    d: &Dashboard,
    id: &'static str,
    heading: &'static str,
    rows: &[Satisfaction],
    table: &'static str,
) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let name = |r: &Satisfaction| if zh { r.name_zh.clone() } else { r.name_en.clone() };
    let chart_rows: Vec<(String, f64, String)> = rows
        .iter()
        .take(12)
        .map(|r| {
            let avg = r.tally.average().unwrap_or(0.0);
            (name(r), avg, format!("{avg:.1} ({})", r.tally.count()))
        })
        .collect();
    let chart = (!chart_rows.is_empty()).then(|| bar_chart(id, heading.to_owned(), chart_rows, 5.0));
    view! {
        <section class="panel" aria-labelledby=format!("{id}-heading")>
            <h2 id=format!("{id}-heading")>{heading}</h2>
            {if rows.is_empty() {
                view! { <p>{say(lang, "这段时间还没有评价。", "No ratings in this period.")}</p> }.into_any()
            } else {
                view! {
                    {chart}
                    <div class="table-wrap">
                        <table>
                            <caption class="visually-hidden">{heading}</caption>
                            <thead><tr>
                                <th scope="col">{say(lang, "名称", "Name")}</th>
                                <th scope="col">{say(lang, "评价数", "Ratings")}</th>
                                <th scope="col">{say(lang, "平均分", "Average")}</th>
                                <th scope="col">{say(lang, "满意率", "Satisfied")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.iter().map(|r| view! {
                                    <tr>
                                        <th scope="row">{name(r)}</th>
                                        <td>{r.tally.count()}</td>
                                        <td>{r.tally.average().map(|a| format!("{a:.1}")).unwrap_or_default()}</td>
                                        <td>{r.tally.satisfied_percent().map(|p| format!("{p}%")).unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {csv_link(lang, d, table)}
        </section>
    }
}

fn dashboard_view(lang: Lang, d: Dashboard) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let communities = d
        .communities
        .iter()
        .map(|(_, z, e)| if zh { z.clone() } else { e.clone() })
        .collect::<Vec<_>>()
        .join(say(lang, "、", ", "));
    let total = d.requests();
    let max_status = d.by_status.iter().map(|(_, n)| *n).max().unwrap_or(0) as f64;
    let status_rows: Vec<(String, f64, String)> = d
        .by_status
        .iter()
        .map(|(s, n)| (s.words().get(lang).to_owned(), f64::from(*n), n.to_string()))
        .collect();
    let f = d.follow_ups;
    view! {
        <p class="lead">{communities} " · " {d.period.from.to_string()} " – " {d.period.to.to_string()}</p>
        <form method="get" action="/staff/dashboard" class="period-form">
            <div class="field">
                <label for="period-from">{say(lang, "从", "From")}</label>
                <input id="period-from" name="from" type="date" value=d.period.from.to_string() />
            </div>
            <div class="field">
                <label for="period-to">{say(lang, "到", "To")}</label>
                <input id="period-to" name="to" type="date" value=d.period.to.to_string() />
            </div>
            <button type="submit" class="button">{say(lang, "查看", "Show")}</button>
        </form>
        <dl class="facts figures">
            <div class="fact"><dt>{say(lang, "服务申请", "Requests")}</dt><dd>{total}</dd></div>
            <div class="fact"><dt>{say(lang, "从申请到接受（中位数）", "Time to accept (median)")}</dt>
                <dd>{d.median_to_accept_ms.map(|ms| format!("{} {}", hours(ms), say(lang, "小时", "h"))).unwrap_or_else(|| "—".into())}</dd></div>
            <div class="fact"><dt>{say(lang, "从申请到完成（中位数）", "Time to complete (median)")}</dt>
                <dd>{d.median_to_complete_ms.map(|ms| format!("{} {}", days(ms), say(lang, "天", "days"))).unwrap_or_else(|| "—".into())}</dd></div>
            <div class="fact"><dt>{say(lang, "不满意评价 / 已回访", "Low ratings / followed up")}</dt>
                <dd>{f.low_ratings} " / " {f.closed} {f.closed_percent().map(|p| format!("（{p}%）"))}</dd></div>
            <div class="fact"><dt>{say(lang, "超时未回访", "Follow-ups overdue")}</dt><dd>{f.overdue_now}</dd></div>
        </dl>
        <p><a href="/staff/follow-ups">{say(lang, "去处理回访任务", "Go to the follow-ups")}</a></p>
        <section class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">{say(lang, "申请状态", "Requests by status")}</h2>
            {(!status_rows.is_empty()).then(|| bar_chart("status", say(lang, "申请状态", "Requests by status").to_owned(), status_rows.clone(), max_status))}
            <div class="table-wrap">
                <table>
                    <caption class="visually-hidden">{say(lang, "申请状态", "Requests by status")}</caption>
                    <thead><tr><th scope="col">{say(lang, "状态", "Status")}</th><th scope="col">{say(lang, "数量", "Requests")}</th></tr></thead>
                    <tbody>
                        {status_rows.into_iter().map(|(label, _, n)| view! { <tr><th scope="row">{label}</th><td>{n}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </div>
            {csv_link(lang, &d, "status")}
        </section>
        {satisfaction_section(lang, &d, "organizations", say(lang, "各机构满意度", "Satisfaction by organization"), &d.by_organization, "organizations")}
        {satisfaction_section(lang, &d, "categories", say(lang, "各类服务满意度", "Satisfaction by category"), &d.by_category, "categories")}
        {satisfaction_section(lang, &d, "grid-units", say(lang, "各院落满意度", "Satisfaction by grid unit"), &d.by_grid_unit, "grid-units")}
        <section class="panel" aria-labelledby="demand-heading">
            <h2 id="demand-heading">{say(lang, "没有满足的需求", "Unmet demand")}</h2>
            <p class="hint">{say(lang, "被婉拒和超时未回复的申请，以及居民提出、还没有服务满足的需求，按院落和服务类别。没有服务覆盖的排在最前：这是下一步购买服务的依据。",
                "Requests declined or left unanswered, and needs residents named that no service meets yet, by grid unit and category; those no offering reaches come first: the evidence for what to contract next.")}</p>
            {if d.demand.is_empty() {
                view! { <p>{say(lang, "这段时间没有未满足的申请。", "No unmet requests in this period.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <caption class="visually-hidden">{say(lang, "没有满足的需求", "Unmet demand")}</caption>
                            <thead><tr>
                                <th scope="col">{say(lang, "院落", "Grid unit")}</th>
                                <th scope="col">{say(lang, "服务类别", "Category")}</th>
                                <th scope="col">{say(lang, "被婉拒", "Declined")}</th>
                                <th scope="col">{say(lang, "超时未回复", "Unanswered")}</th>
                                <th scope="col">{say(lang, "需要的人", "People in need")}</th>
                                <th scope="col">{say(lang, "有服务覆盖", "Reached")}</th>
                            </tr></thead>
                            <tbody>
                                {d.demand.iter().map(|r| view! {
                                    <tr>
                                        <th scope="row">{if zh { r.unit_zh.clone() } else { r.unit_en.clone() }}</th>
                                        <td>{if zh { r.category_zh.clone() } else { r.category_en.clone() }}</td>
                                        <td>{r.declined}</td>
                                        <td>{r.unanswered}</td>
                                        <td>{r.needs_unmet + r.needs_open}</td>
                                        <td>{if r.covered { say(lang, "有", "yes") } else { say(lang, "没有", "no") }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {csv_link(lang, &d, "demand")}
        </section>
        {participation_section(lang, &d)}
    }
}

/// Volunteering in the period: the totals, then per community, grid unit and organizer.
fn participation_section(lang: Lang, d: &Dashboard) -> impl IntoView {
    let p = &d.participation;
    let t = p.total;
    let percent = |v: Option<u32>| v.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into());
    let table = |caption: &'static str, first: &'static str, rows: &[Participation]| {
        let zh = lang == Lang::Zh;
        // Six columns scroll sideways on a phone: focusable, so a keyboard can scroll them.
        view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=caption>
                <table>
                    <caption>{caption}</caption>
                    <thead><tr>
                        <th scope="col">{first}</th>
                        <th scope="col">{say(lang, "活动（取消）", "Activities (called off)")}</th>
                        <th scope="col">{say(lang, "名额 / 报满", "Places / filled")}</th>
                        <th scope="col">{say(lang, "候补", "Waitlisted")}</th>
                        <th scope="col">{say(lang, "到场率", "Came")}</th>
                        <th scope="col">{say(lang, "确认时长（小时）", "Approved hours")}</th>
                    </tr></thead>
                    <tbody>
                        {rows.iter().map(|r| {
                            let c = r.counts;
                            view! {
                                <tr>
                                    <th scope="row">{if zh { r.name_zh.clone() } else { r.name_en.clone() }}</th>
                                    <td>{c.held} {(c.cancelled > 0).then(|| format!("（{}）", c.cancelled))}</td>
                                    <td>{c.places} " / " {percent(c.filled_percent())}</td>
                                    <td>{c.waitlisted}</td>
                                    <td>{percent(c.came_percent())}</td>
                                    <td>{c.hours()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <section class="panel" aria-labelledby="participation-heading">
            <h2 id="participation-heading">{say(lang, "志愿参与", "Volunteering")}</h2>
            <p class="hint">{say(lang, "这段时间开始的志愿活动：名额报满多少、候补多少人（想参加但没有名额）、报名的人来了多少、经组织方确认的服务时长。",
                "Activities starting in this period: how full they were, how many waited for a place (wanted to help but could not), how many with a place came, and the hours organizers approved.")}</p>
            {if t.held + t.cancelled == 0 {
                view! { <p>{say(lang, "这段时间没有志愿活动。", "No volunteer activities in this period.")}</p> }.into_any()
            } else {
                view! {
                    <dl class="facts figures">
                        <div class="fact"><dt>{say(lang, "志愿者", "Volunteers")}</dt><dd>{p.volunteers}</dd></div>
                        <div class="fact"><dt>{say(lang, "活动", "Activities")}</dt><dd>{t.held}</dd></div>
                        <div class="fact"><dt>{say(lang, "名额报满", "Places filled")}</dt><dd>{percent(t.filled_percent())}</dd></div>
                        <div class="fact"><dt>{say(lang, "到场率", "Came")}</dt><dd>{percent(t.came_percent())}</dd></div>
                        <div class="fact"><dt>{say(lang, "确认时长（小时）", "Approved hours")}</dt><dd>{t.hours()}</dd></div>
                    </dl>
                    {table(say(lang, "各社区", "By community"), say(lang, "社区", "Community"), &p.by_community)}
                    {table(say(lang, "各院落", "By grid unit"), say(lang, "院落", "Grid unit"), &p.by_grid_unit)}
                    {table(say(lang, "各举办方", "By organizer"), say(lang, "举办方", "Organizer"), &p.by_organizer)}
                }.into_any()
            }}
            {csv_link(lang, d, "participation")}
        </section>
    }
}
