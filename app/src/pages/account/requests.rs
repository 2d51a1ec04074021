//! Requests, for residents, family members and organizations: the form to request a
//! service, one's requests, one request with its timeline, its answers and its rating,
//! and an organization's inbox. Every change is a plain form post to `/account/requests…`
//! answered 303 back here, so all of it works without JavaScript.
//!
//! Words are given in both languages where they are used (`say(zh, en)`), as on the
//! offering pages.

use super::offering_fields::{OfferingInput as TextInput, OfferingSelect as Select, OfferingText as TextArea, Shown};
use super::PleaseSignIn;
use crate::api::requests::{
    load_inbox, load_my_requests, load_request, load_request_form, RequestFormView, RequestPageView,
};
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::calendar::local_time;
use crate::domain::lang::Lang;
use crate::domain::offerings::form::DRAFT_FIELD;
use crate::domain::requests::input::AgeBand;
use crate::domain::requests::lifecycle::Status;
use crate::domain::requests::rating::{tag_words, Score, TAGS};
use crate::domain::requests::store::{Bucket, Event, RequestLine};
use crate::flash::Flash;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn say(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn param_id(name: &'static str) -> i64 {
    use_params_map().with_untracked(|p| p.get(name).and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn status_badge(lang: Lang, status: Status) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.slug())>{status.words().get(lang).to_owned()}</span> }
}

/// `/services/:id/request`: the form.
#[component]
pub fn RequestFormPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let flash = take_flash();
    let draft = (flash.form == "request")
        .then(|| flash.values.get(DRAFT_FIELD).cloned())
        .flatten();
    provide_context(flash);
    let service = param_id("id");
    let form = Resource::new(move || (), move |_| load_request_form(service, draft.clone()));
    let title = say(lang, "申请服务", "Request a service");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match form.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(v) => request_form(lang, v).into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

fn request_form(lang: Lang, v: RequestFormView) -> impl IntoView {
    let flash = use_context::<Flash>().unwrap_or_default();
    let mut values = v.values.clone();
    if !values.contains_key("grid_unit_id") {
        if let Some(home) = v.home {
            values.insert("grid_unit_id".into(), home.to_string());
        }
    }
    let shown = Shown {
        form: "request",
        values,
        flash,
        lang,
    };
    provide_context(shown.clone());
    let chosen_for = Some(shown.value("for"))
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "self".into());
    let mut who_for: Vec<(String, String)> = vec![("self".into(), say(lang, "我自己", "Myself").to_owned())];
    who_for.extend(v.family.iter().map(|(id, name)| (format!("person:{id}"), name.clone())));
    who_for.push((
        "other".into(),
        say(
            lang,
            "其他人（填写下面的姓名和关系）",
            "Someone else (name and relation below)",
        )
        .to_owned(),
    ));
    let for_error = shown.error("for").or_else(|| shown.error("on_behalf_of"));
    let mut bands = vec![(String::new(), say(lang, "请选择", "Choose").to_owned())];
    bands.extend(
        AgeBand::ALL
            .iter()
            .map(|b| (b.slug().to_owned(), b.words().get(lang).to_owned())),
    );
    let mut places = vec![(
        String::new(),
        say(lang, "请选择院落或楼栋", "Choose a courtyard or building").to_owned(),
    )];
    places.extend(v.places.iter().map(|p| {
        (
            p.id.to_string(),
            if lang == Lang::Zh {
                p.label_zh.clone()
            } else {
                p.label_en.clone()
            },
        )
    }));
    let age_hint = v.min_age.map(|age| match lang {
        Lang::Zh => format!("这项服务面向 {age} 岁及以上的居民"),
        Lang::En => format!("This service is for people aged {age} or over"),
    });
    let alternatives = (!v.alternatives.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="alternatives-heading">
                <h2 id="alternatives-heading">{say(lang, "这些服务能到您的地址", "These services reach your address")}</h2>
                <ul class="link-list">
                    {v.alternatives.iter().map(|(id, name, org)| view! {
                        <li><a href=format!("/services/{id}")>{name.clone()}</a> " · " {org.clone()}</li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <p class="lead"><a href=format!("/services/{}", v.service)>{v.service_name.clone()}</a> " · " {v.organization_name.clone()}</p>
        <FormNotice form="request" />
        {alternatives}
        <form method="post" action="/account/requests" class="stack request-form">
            <input type="hidden" name="service_id" value=v.service.to_string() />
            <input type="hidden" name="idempotency_key" value=v.idempotency_key.clone() />
            <fieldset class="field">
                <legend>{say(lang, "为谁申请", "Who is it for")}</legend>
                {for_error.clone().map(|e| view! { <p class="field-error" id="request-for-error">{e}</p> })}
                {who_for.into_iter().enumerate().map(|(i, (value, label))| {
                    let id = format!("request-for-{i}");
                    let checked = value == chosen_for;
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name="for" value=value checked=checked
                                aria-describedby=for_error.is_some().then_some("request-for-error") />
                            <label for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <TextInput name="for_name" label=say(lang, "姓名（为其他人申请时填写）", "Their name (for someone else)") error_of="for.name" />
            <TextInput name="for_relation" label=say(lang, "与您的关系，如 父亲、邻居", "How you know them, e.g. father, neighbour") error_of="for.relation" />
            <Select name="age_band" label=say(lang, "年龄段", "Age") options=bands />
            {age_hint.map(|h| view! { <p class="hint">{h}</p> })}
            <Select name="grid_unit_id" label=say(lang, "住址所在的院落或楼栋", "Courtyard or building of the address") options=places />
            <TextInput name="address_detail" label=say(lang, "门牌号，如 3 单元 502", "Door, e.g. Unit 3, No. 502") required=true />
            <TextArea name="needs" label=say(lang, "需要什么帮助（用自己的话说）", "What help is needed, in your own words") />
            <TextInput name="preferred_date" kind="date" label=say(lang, "希望从哪天开始", "First day that suits") />
            <TextInput name="preferred_time" label=say(lang, "方便的时间，如 工作日上午", "Convenient times, e.g. weekday mornings") />
            <TextArea name="notes" label=say(lang, "其他说明（可不填）", "Anything else (optional)") />
            <TextInput name="contact_phone" kind="tel" inputmode="tel"
                label=say(lang, "联系电话", "Contact phone")
                hint=say(lang, "不填就用您注册的手机号", "Leave empty to use the number you signed up with") />
            {v.certificate_required.then(|| {
                let error = shown.error("disability_certificate");
                view! {
                    <div class="field">
                        {error.clone().map(|e| view! { <p class="field-error" id="request-certificate-error">{e}</p> })}
                        <div class="choice">
                            <input type="checkbox" id="request-certificate" name="disability_certificate" value="1"
                                aria-invalid=error.is_some().then_some("true")
                                aria-describedby=error.is_some().then_some("request-certificate-error") />
                            <label for="request-certificate">{say(lang, "持有残疾人证", "Holds a disability certificate")}</label>
                        </div>
                    </div>
                }
            })}
            <button type="submit" class="button">{say(lang, "提交申请", "Send the request")}</button>
        </form>
    }
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

fn request_lines(lang: Lang, lines: Vec<RequestLine>, inbox: bool) -> impl IntoView {
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
        <FormNotice form="rating" />
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
    Some(view! {
        <section class="panel" aria-labelledby="answer-heading">
            <h2 id="answer-heading">{say(lang, "处理这个申请", "Handle this request")}</h2>
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
            {(rating.is_some() && v.may_rate).then(|| view! { <p class="hint">{say(lang, "14 天内可以修改评价。", "You can change it for 14 days.")}</p> })}
            {form}
        </section>
    })
}

/// `/account/organizations/:id/requests`: the inbox.
#[component]
pub fn InboxPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let organization = param_id("id");
    let query = use_query_map();
    let bucket = query.with_untracked(|q| q.get("bucket"));
    let before = query.with_untracked(|q| q.get("before").and_then(|b| b.parse().ok()));
    let list = Resource::new(move || (), move |_| load_inbox(organization, bucket.clone(), before));
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
                            Ok(v) => {
                                let (org, name) = v.organization.clone().unwrap_or_default();
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
                                        <li><a href=format!("/account/organizations/{org}/requests?bucket={}", b.slug()) aria-current=current>
                                            {words} {n.map(|n| format!(" ({n})"))}
                                        </a></li>
                                    }
                                };
                                view! {
                                    <p class="lead"><a href=format!("/account/organizations/{org}/offerings")>{name}</a></p>
                                    <nav aria-label=say(lang, "申请分类", "Request lists")>
                                        <ul class="tabs">
                                            {[Bucket::New, Bucket::Open, Bucket::Overdue, Bucket::Closed, Bucket::All].into_iter().map(tab).collect_view()}
                                        </ul>
                                    </nav>
                                    {if v.lines.is_empty() {
                                        view! { <p>{say(lang, "这里没有申请。", "No requests here.")}</p> }.into_any()
                                    } else {
                                        request_lines(lang, v.lines, true).into_any()
                                    }}
                                    {v.next_before.map(|b| view! {
                                        <p><a class="button secondary" href=format!("/account/organizations/{org}/requests?bucket={}&before={b}", v.bucket.slug())>
                                            {say(lang, "更早的申请", "Older requests")}
                                        </a></p>
                                    })}
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}
