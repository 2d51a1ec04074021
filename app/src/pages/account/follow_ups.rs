//! Follow-ups (回访) for community staff: each low rating in their communities, what the
//! resident said, and a form to close it with what was done and whether the resident is
//! now satisfied. Plain form posts (`/staff/follow-ups/{id}/close`), so it works
//! without JavaScript.

use super::PleaseSignIn;
use crate::api::requests::load_follow_ups;
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::calendar::local_time;
use crate::domain::lang::Lang;
use crate::domain::requests::store::{FollowUp, FollowUpBucket};
use crate::flash::Flash;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let bucket = use_query_map().with_untracked(|q| q.get("bucket"));
    let list = Resource::new(move || (), move |_| load_follow_ups(bucket.clone()));
    let title = say(lang, "回访任务", "Follow-ups");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <p class="lead">{say(lang, "居民给了“不满意”或“非常不满意”的服务，请在五个工作日内回访。",
                    "Services residents rated dissatisfied: follow up within five working days.")}</p>
                <FormNotice form="follow-up" />
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match list.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok((bucket, items)) => view! {
                                <nav aria-label=say(lang, "回访分类", "Follow-up lists")>
                                    <ul class="tabs">
                                        {FollowUpBucket::ALL.into_iter().map(|b| {
                                            let words = match b {
                                                FollowUpBucket::Open => say(lang, "待回访", "Open"),
                                                FollowUpBucket::Overdue => say(lang, "已超时", "Overdue"),
                                                FollowUpBucket::Closed => say(lang, "已完成", "Closed"),
                                            };
                                            view! { <li><a href=format!("/staff/follow-ups?bucket={}", b.slug())
                                                aria-current=(b == bucket).then_some("page")>{words}</a></li> }
                                        }).collect_view()}
                                    </ul>
                                </nav>
                                {if items.is_empty() {
                                    view! { <p>{say(lang, "这里没有回访任务。", "Nothing here.")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="card-list">
                                            {items.into_iter().map(|f| follow_up_card(lang, f)).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            }.into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

fn follow_up_card(lang: Lang, f: FollowUp) -> impl IntoView {
    let flash = use_context::<Flash>().unwrap_or_default();
    let mine = flash.form == "follow-up" && flash.values.get("id").map(String::as_str) == Some(&f.id.to_string());
    let error = |name: &str| mine.then(|| flash.error("follow-up", name, lang)).flatten();
    let (note_error, satisfied_error) = (error("note"), error("now_satisfied"));
    let id = f.id.get();
    let note_id = format!("note-{id}");
    let name = if lang == Lang::Zh {
        f.service_name_zh.clone()
    } else {
        f.service_name_en.clone()
    };
    let place = if lang == Lang::Zh {
        f.place_zh.clone()
    } else {
        f.place_en.clone()
    };
    let heading = format!("follow-up-{id}");
    view! {
        <li class="card follow-up">
            <h2 class="card-title" id=heading.clone()><a href=format!("/account/requests/{}", f.request)>{name}</a></h2>
            <p>
                <span class="badge overdue">{f.score.face()} " " {f.score.words().get(lang).to_owned()}</span>
                " " {f.organization_name.clone()}
            </p>
            <p class="meta">{f.for_name.clone().map(|n| view! { {n} " · " })} {place}</p>
            {f.comment.clone().map(|c| view! { <blockquote>{c}</blockquote> })}
            <p class="meta">{say(lang, "请在此之前回访：", "Due: ")} {local_time(f.due_at)}</p>
            {match f.closed_at {
                Some(at) => view! {
                    <p>
                        <strong>{say(lang, "已回访", "Followed up")}</strong> " · " {local_time(at)} " · "
                        {f.closed_by_name.clone().unwrap_or_default()} " · "
                        {if f.now_satisfied == Some(true) { say(lang, "居民现在满意", "now satisfied") } else { say(lang, "居民仍不满意", "still dissatisfied") }}
                    </p>
                    {f.note.clone().map(|n| view! { <p>{n}</p> })}
                }.into_any(),
                None => view! {
                    <form method="post" action=format!("/staff/follow-ups/{id}/close") class="stack" aria-labelledby=heading>
                        <div class="field">
                            <label for=note_id.clone()>{say(lang, "回访做了什么", "What was done")}</label>
                            {note_error.clone().map(|e| view! { <p class="field-error" id=format!("{note_id}-error")>{e}</p> })}
                            <textarea id=note_id.clone() name="note" rows="3"
                                aria-invalid=note_error.is_some().then_some("true")
                                aria-describedby=note_error.is_some().then(|| format!("{note_id}-error"))></textarea>
                        </div>
                        <fieldset class="field">
                            <legend>{say(lang, "居民现在满意吗", "Is the resident satisfied now")}</legend>
                            {satisfied_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                            <div class="choice">
                                <input type="radio" id=format!("satisfied-{id}") name="now_satisfied" value="1" />
                                <label for=format!("satisfied-{id}")>{say(lang, "满意了", "Yes")}</label>
                            </div>
                            <div class="choice">
                                <input type="radio" id=format!("unsatisfied-{id}") name="now_satisfied" value="0" />
                                <label for=format!("unsatisfied-{id}")>{say(lang, "仍不满意", "Not yet")}</label>
                            </div>
                        </fieldset>
                        <button type="submit" class="button">{say(lang, "完成回访", "Close the follow-up")}</button>
                    </form>
                }.into_any(),
            }}
        </li>
    }
}
