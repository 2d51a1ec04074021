//! Requests, for residents, family members and organizations: the form to request a
//! service, one's requests, one request with its timeline, its answers and its rating
//! (an organization's inbox is in `inbox.rs`). Every change is a plain form post to `/account/requests…`
//! answered 303 back here, so all of it works without JavaScript.
//!
//! Words are given in both languages where they are used (`say(zh, en)`), as on the
//! offering pages.

use super::PleaseSignIn;
use crate::api::requests::{load_my_requests, load_request, RequestPageView};
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::calendar::local_time;
use crate::domain::lang::Lang;
use crate::domain::requests::lifecycle::Status;
use crate::domain::requests::rating::{tag_words, Score, TAGS};
use crate::domain::requests::store::{Event, RequestLine};
use crate::flash::Flash;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub(super) fn param_id(name: &'static str) -> i64 {
    use_params_map().with_untracked(|p| p.get(name).and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn status_badge(lang: Lang, status: Status) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.slug())>{status.words().get(lang).to_owned()}</span> }
}

/// `/account/requests`: the caller's requests and those of the people they act for.
#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let query = use_query_map();
    let bucket = query.with_untracked(|q| q.get("bucket"));
    let before = query.with_untracked(|q| q.get("before").and_then(|b| b.parse().ok()));
    let list = Resource::new(move || (), move |_| load_my_requests(bucket.clone(), before));
    let title = say(lang, "我的申请", "My requests");
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
                            Ok(v) if v.lines.is_empty() => view! {
                                <p>{say(lang, "还没有申请过服务。在首页找到需要的服务，点“申请这项服务”。",
                                    "No requests yet. Find a service on the home page and choose “Request this service”.")}</p>
                                <p><a class="button" href="/">{say(lang, "去找服务", "Find a service")}</a></p>
                            }.into_any(),
                            Ok(v) => view! {
                                {request_lines(lang, v.lines, false)}
                                {v.next_before.map(|b| view! {
                                    <p><a class="button secondary" href=format!("/account/requests?before={b}")>{say(lang, "更早的申请", "Older requests")}</a></p>
                                })}
                            }.into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

pub(super) fn request_lines(lang: Lang, lines: Vec<RequestLine>, inbox: bool) -> impl IntoView {
    let now = js_now();
    view! {
        <ul class="card-list request-list">
            {lines.into_iter().map(|l| {
                let overdue = inbox && l.status == Status::Submitted && l.answer_due < now;
                let name = if lang == Lang::Zh { l.service_name_zh.clone() } else { l.service_name_en.clone() };
                let place = if lang == Lang::Zh { l.place_zh.clone() } else { l.place_en.clone() };
                view! {
                    <li class="card request-line">
                        <h2 class="card-title"><a href=format!("/account/requests/{}", l.id)>{name}</a></h2>
                        <p>
                            {status_badge(lang, l.status)}
                            {overdue.then(|| view! { " " <span class="badge overdue">{say(lang, "超时未回复", "overdue")}</span> })}
                            {l.rated.map(|s| view! { " " <span class="badge">{s.face()} " " {s.words().get(lang).to_owned()}</span> })}
                        </p>
                        <p class="meta">
                            {l.for_name.clone().map(|n| view! { {n} " · " })}
                            {place} " · " {say(lang, "提交于 ", "sent ")} {local_time(l.submitted_at)}
                        </p>
                        {(!inbox).then(|| view! { <p class="meta">{l.organization_name.clone()}</p> })}
                        {l.assigned_name.clone().filter(|_| inbox).map(|n| view! {
                            <p class="meta">{say(lang, "负责人：", "Handled by: ")} {n}</p>
                        })}
                        {l.scheduled_for.filter(|_| l.status == Status::Scheduled).map(|at| view! {
                            <p class="meta">{say(lang, "上门时间：", "Visit: ")} {local_time(at)}</p>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Now, for telling what is overdue: the server's clock while rendering.
fn js_now() -> i64 {
    #[cfg(feature = "ssr")]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}

/// `/account/requests/:id`: one request, its timeline, and what the caller may do.
#[component]
pub fn RequestPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let id = param_id("id");
    let page = Resource::new(move || id, load_request);
    view! {
        {if !super::organization_new::signed_in() {
            view! { <h1 class="page-title">{say(lang, "服务申请", "Request")}</h1> <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match page.await {
                            Err(error) => view! { <h1 class="page-title">{say(lang, "服务申请", "Request")}</h1> <ErrorMessage error /> }.into_any(),
                            Ok(v) => request_view(lang, v).into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

fn request_view(lang: Lang, v: RequestPageView) -> impl IntoView {
    let r = v.request.clone();
    let name = if lang == Lang::Zh {
        r.service_name_zh.clone()
    } else {
        r.service_name_en.clone()
    };
    let place = if lang == Lang::Zh {
        r.place_zh.clone()
    } else {
        r.place_en.clone()
    };
    let who = match (&r.recipient, &r.resident_name) {
        (Some(x), _) => format!("{}（{}）", x.name, x.relation),
        (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    };
    let address = if r.address_detail.is_empty() {
        place.clone()
    } else {
        format!("{place} {}", r.address_detail)
    };
    let title = name.clone();
    view! {
        <Title text=title />
        <p class="eyebrow">{say(lang, "服务申请", "Request")} " #" {r.id.get()}</p>
        <h1 class="page-title">{name}</h1>
        <FormNotice form="request" />
        <FormNotice form="request-action" />
        <FormNotice form="assign" />
        <FormNotice form="rating" />
        <FormNotice form="review" />
        <p class="request-status">{status_badge(lang, r.status)}
            {r.scheduled_for.filter(|_| r.status == Status::Scheduled).map(|at| view! {
                " " {say(lang, "上门时间：", "Visit: ")} <strong>{local_time(at)}</strong>
            })}
        </p>
        <dl class="facts detail-facts">
            <div class="fact"><dt>{say(lang, "服务机构", "Organization")}</dt>
                <dd><a href=format!("/services/{}", r.service)>{r.organization_name.clone()}</a></dd></div>
            <div class="fact"><dt>{say(lang, "为谁", "For")}</dt><dd>{who}</dd></div>
            <div class="fact"><dt>{say(lang, "地址", "Address")}</dt><dd>{address}</dd></div>
            {r.needs.clone().map(|n| view! { <div class="fact"><dt>{say(lang, "需要", "Needs")}</dt><dd>{n}</dd></div> })}
            {r.preferred_time.clone().map(|t| view! { <div class="fact"><dt>{say(lang, "方便的时间", "Convenient times")}</dt><dd>{t}</dd></div> })}
            {r.preferred_date.map(|d| view! { <div class="fact"><dt>{say(lang, "希望开始", "From")}</dt><dd>{d.to_string()}</dd></div> })}
            {r.notes.clone().map(|n| view! { <div class="fact"><dt>{say(lang, "说明", "Notes")}</dt><dd>{n}</dd></div> })}
            <div class="fact"><dt>{say(lang, "联系电话", "Contact phone")}</dt><dd>{r.contact_phone.clone()}</dd></div>
            {r.assigned_name.clone().map(|n| view! { <div class="fact"><dt>{say(lang, "负责人", "Handled by")}</dt><dd>{n}</dd></div> })}
        </dl>
        {provider_actions(lang, &v)}
        {requester_actions(lang, &v)}
        {rating_panel(lang, &v)}
        <section class="panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{say(lang, "进度", "Timeline")}</h2>
            <ol class="plain timeline">
                {r.timeline.into_iter().map(|e| timeline_entry(lang, e)).collect_view()}
            </ol>
        </section>
    }
}

fn timeline_entry(lang: Lang, e: Event) -> impl IntoView {
    let what = match e.action.as_str() {
        "submit" => say(lang, "提交了申请", "sent the request"),
        "accept" => say(lang, "接受了申请", "accepted it"),
        "decline" => say(lang, "婉拒了申请", "declined it"),
        "schedule" => say(lang, "约定了上门时间", "agreed a time"),
        "complete" => say(lang, "标记服务完成", "marked it done"),
        "cancel" => say(lang, "取消了申请", "cancelled it"),
        _ => say(
            lang,
            "说问题没有解决，重新打开",
            "said it was not solved and reopened it",
        ),
    };
    let by = e
        .by_name
        .clone()
        .unwrap_or_else(|| say(lang, "已注销的账号", "a deleted account").to_owned());
    let by = match &e.for_name {
        Some(resident) => match lang {
            Lang::Zh => format!("{by} 代 {resident}"),
            Lang::En => format!("{by} for {resident}"),
        },
        None => by,
    };
    view! {
        <li>
            <strong>{local_time(e.at)}</strong> " · " {by} " " {what}
            {e.scheduled_for.map(|at| view! { "：" {local_time(at)} })}
            {e.reason.map(|reason| view! { "（" {reason} "）" })}
        </li>
    }
}

fn provider_actions(lang: Lang, v: &RequestPageView) -> Option<impl IntoView> {
    if !v.provider {
        return None;
    }
    let id = v.request.id.get();
    let act = move |what: &str| format!("/account/requests/{id}/{what}");
    let status = v.request.status;
    let flash = use_context::<Flash>().unwrap_or_default();
    let error = |name: &str| flash.error("request-action", name, lang);
    let reason_error = error("reason");
    let time_error = error("scheduled_for");
    let answer = (status == Status::Submitted).then(|| view! {
        <form method="post" action=act("accept") class="actions">
            <button type="submit" class="button">{say(lang, "接受申请", "Accept")}</button>
        </form>
        <form method="post" action=act("decline") class="stack">
            <div class="field">
                <label for="decline-reason">{say(lang, "婉拒的原因（居民会看到）", "Why you decline (the resident sees this)")}</label>
                {reason_error.clone().map(|e| view! { <p class="field-error" id="decline-reason-error">{e}</p> })}
                <input id="decline-reason" name="reason" type="text"
                    aria-invalid=reason_error.is_some().then_some("true")
                    aria-describedby=reason_error.is_some().then_some("decline-reason-error") />
            </div>
            <button type="submit" class="button secondary">{say(lang, "婉拒", "Decline")}</button>
        </form>
    });
    let schedule = matches!(status, Status::Accepted | Status::Scheduled).then(|| {
        view! {
            <form method="post" action=act("schedule") class="stack">
                <div class="field">
                    <label for="schedule-at">{if status == Status::Scheduled {
                        say(lang, "改约上门时间", "Move the visit")
                    } else {
                        say(lang, "约定上门时间", "Agree a time for the visit")
                    }}</label>
                    {time_error.clone().map(|e| view! { <p class="field-error" id="schedule-at-error">{e}</p> })}
                    <input id="schedule-at" name="scheduled_for" type="datetime-local"
                        aria-invalid=time_error.is_some().then_some("true")
                        aria-describedby=time_error.is_some().then_some("schedule-at-error") />
                </div>
                <button type="submit" class="button">{say(lang, "确定时间", "Set the time")}</button>
            </form>
        }
    });
    let complete = (status == Status::Scheduled).then(|| {
        view! {
            <form method="post" action=act("complete") class="actions">
                <button type="submit" class="button">{say(lang, "服务已完成", "Mark as done")}</button>
            </form>
        }
    });
    let assign = (!v.members.is_empty()).then(|| {
        let current = v.request.assigned_to.map(|p| p.get());
        let assign_error = flash.error("assign", "person_id", lang);
        view! {
            <form method="post" action=act("assign") class="stack">
                <div class="field">
                    <label for="assign-to">{say(lang, "由谁负责", "Who handles it")}</label>
                    {assign_error.clone().map(|e| view! { <p class="field-error" id="assign-to-error">{e}</p> })}
                    <select id="assign-to" name="person_id"
                        aria-invalid=assign_error.is_some().then_some("true")
                        aria-describedby=assign_error.is_some().then_some("assign-to-error")>
                        <option value="" selected=current.is_none()>{say(lang, "暂不指派", "Nobody yet")}</option>
                        {v.members.iter().map(|(id, name)| view! {
                            <option value=id.to_string() selected=current == Some(*id)>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button secondary">{say(lang, "指派", "Assign")}</button>
            </form>
        }
    });
    Some(view! {
        <section class="panel" aria-labelledby="answer-heading">
            <h2 id="answer-heading">{say(lang, "处理这个申请", "Handle this request")}</h2>
            {assign}
            {answer}
            {schedule}
            {complete}
            {status.is_closed().then(|| view! { <p>{say(lang, "这个申请已经结束。", "This request is closed.")}</p> })}
        </section>
    })
}

fn requester_actions(lang: Lang, v: &RequestPageView) -> Option<impl IntoView> {
    if !v.requester {
        return None;
    }
    let id = v.request.id.get();
    let status = v.request.status;
    let flash = use_context::<Flash>().unwrap_or_default();
    let reopen_error = flash.error("request-action", "reason", lang);
    let cancel = status.is_open().then(|| {
        view! {
            <details>
                <summary>{say(lang, "不需要了？取消申请", "No longer needed? Cancel it")}</summary>
                <form method="post" action=format!("/account/requests/{id}/cancel") class="stack">
                    <div class="field">
                        <label for="cancel-reason">{say(lang, "原因（可不填）", "Why (optional)")}</label>
                        <input id="cancel-reason" name="reason" type="text" />
                    </div>
                    <button type="submit" class="button danger">{say(lang, "取消申请", "Cancel the request")}</button>
                </form>
            </details>
        }
    });
    let reopen = v.may_reopen.then(|| view! {
        <details open=reopen_error.is_some()>
            <summary>{say(lang, "问题没有解决？", "Not solved?")}</summary>
            <form method="post" action=format!("/account/requests/{id}/reopen") class="stack">
                <div class="field">
                    <label for="reopen-reason">{say(lang, "哪里没有解决", "What is not solved")}</label>
                    {reopen_error.clone().map(|e| view! { <p class="field-error" id="reopen-reason-error">{e}</p> })}
                    <input id="reopen-reason" name="reason" type="text"
                        aria-invalid=reopen_error.is_some().then_some("true")
                        aria-describedby=reopen_error.is_some().then_some("reopen-reason-error") />
                </div>
                <button type="submit" class="button secondary">{say(lang, "重新打开，请机构再处理", "Reopen it for the organization")}</button>
            </form>
        </details>
    });
    (cancel.is_some() || reopen.is_some()).then(|| view! { {cancel} {reopen} })
}

/// The rating, shown to everyone who sees the request; to the resident's side, five
/// large buttons to give or change it (never required).
fn rating_panel(lang: Lang, v: &RequestPageView) -> Option<impl IntoView> {
    let rating = v.request.rating.clone();
    if rating.is_none() && !v.may_rate {
        return None;
    }
    let id = v.request.id.get();
    let flash = use_context::<Flash>().unwrap_or_default();
    let score_error = flash.error("rating", "score", lang);
    let current = rating.as_ref().map(|r| {
        let tags = r
            .tags
            .iter()
            .filter_map(|t| tag_words(t).map(|w| w.get(lang).to_owned()))
            .collect::<Vec<_>>()
            .join(say(lang, "、", ", "));
        view! {
            <p class="rating-given">
                <span class="face" aria-hidden="true">{r.score.face()}</span> " "
                <strong>{r.score.words().get(lang).to_owned()}</strong>
                {(!tags.is_empty()).then(|| view! { " · " {tags} })}
            </p>
            {r.comment.clone().map(|c| view! { <blockquote>{c}</blockquote> })}
            {r.comment_hidden.then(|| view! { <p class="hint">{say(lang, "评语已被社区工作人员隐藏。", "The comment was hidden by community staff.")}</p> })}
            {r.reply.clone().map(|c| view! { <p class="reply"><strong>{say(lang, "机构回复：", "The organization replied: ")}</strong>{c}</p> })}
        }
    });
    let chosen: Vec<String> = rating.as_ref().map(|r| r.tags.clone()).unwrap_or_default();
    let comment = rating.as_ref().and_then(|r| r.comment.clone()).unwrap_or_default();
    let form = v.may_rate.then(|| view! {
        <form method="post" action=format!("/account/requests/{id}/rating") class="stack rating-form">
            <p class="hint">{say(lang, "评价完全自愿。您的评价会帮助社区把服务做得更好。",
                "Rating is up to you. It helps the community improve its services.")}</p>
            <fieldset class="field">
                <legend>{say(lang, "可以选几个标签（可不选）", "Pick any that fit (optional)")}</legend>
                {TAGS.iter().map(|(slug, zh, en)| {
                    let id = format!("tag-{slug}");
                    let checked = chosen.iter().any(|t| t.as_str() == *slug);
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=id.clone() name="tags" value=*slug checked=checked />
                            <label for=id>{if lang == Lang::Zh { *zh } else { *en }}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="rating-comment">{say(lang, "想说的话（可不填）", "Comment (optional)")}</label>
                <textarea id="rating-comment" name="comment" rows="3">{comment}</textarea>
            </div>
            <fieldset class="field">
                <legend>{say(lang, "您对这次服务满意吗？点一下就提交", "How satisfied are you? One tap sends it")}</legend>
                {score_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                <div class="score-buttons">
                    {Score::ALL.iter().map(|s| view! {
                        <button type="submit" name="score" value=s.get().to_string() class=format!("button score score-{}", s.get())>
                            <span class="face" aria-hidden="true">{s.face()}</span>
                            <span>{s.words().get(lang).to_owned()}</span>
                        </button>
                    }).collect_view()}
                </div>
            </fieldset>
        </form>
    });
    Some(view! {
        <section class="panel" aria-labelledby="rating-heading">
            <h2 id="rating-heading">{if rating.is_some() {
                say(lang, "评价", "Rating")
            } else {
                say(lang, "评价这次服务", "Rate this service")
            }}</h2>
            {current}
            {super::review_forms::review_forms(lang, v)}
            {(rating.is_some() && v.may_rate).then(|| view! { <p class="hint">{say(lang, "14 天内可以修改评价。", "You can change it for 14 days.")}</p> })}
            {form}
        </section>
    })
}
