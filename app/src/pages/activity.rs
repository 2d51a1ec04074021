//! One activity: what, when, where, who runs it, how many places are left, and one button
//! to sign up (or join the waitlist, or cancel). Plain form posts, so it works without
//! JavaScript; the calendar file is a plain link.

use super::activities::places_words;
use super::service::path_id;
use crate::api::activities::{load_activity, ActivityView};
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::activities::hours::hours_words;
use crate::domain::activities::signup::SignupStatus;
use crate::domain::activities::{when_words, ActivityStatus};
use crate::domain::ids::ActivityId;
use crate::domain::lang::Lang;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The code a scanned QR code brought in the address.
#[derive(Clone)]
struct ScannedCode(Option<String>);

#[component]
pub fn ActivityPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    provide_context(ScannedCode(
        leptos_router::hooks::use_query_map()
            .with_untracked(|q| q.get("code"))
            .filter(|c| c.len() <= 6 && c.chars().all(|ch| ch.is_ascii_digit())),
    ));
    let params = use_params_map();
    let activity = Resource::new(
        move || path_id::<ActivityId>(params.get().get("id")),
        |id| async move {
            match id {
                Some(id) => load_activity(id.get()).await,
                None => Err(crate::domain::error::AppError::not_found("活动", "activity").into()),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match activity.await {
                    Ok(v) => activity_view(lang, v).into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn activity_view(lang: Lang, v: ActivityView) -> impl IntoView {
    let a = v.activity.clone();
    let title = a.title.get(lang).to_owned();
    let skills = a
        .skills
        .iter()
        .map(|s| s.name().get(lang).to_owned())
        .collect::<Vec<_>>();
    let calendar = format!("/api/v1/activities/{}.ics", a.id);
    let banner = match a.status {
        ActivityStatus::Cancelled => Some(match &a.cancel_reason {
            Some(reason) => format!("{}：{reason}", say(lang, "活动已取消", "Cancelled")),
            None => say(lang, "活动已取消", "This activity is cancelled").to_owned(),
        }),
        ActivityStatus::Draft => Some(
            say(
                lang,
                "草稿：只有举办方能看到，还没有发布",
                "Draft: only its organizers see it",
            )
            .to_owned(),
        ),
        ActivityStatus::Finished => Some(say(lang, "活动已结束", "This activity has finished").to_owned()),
        ActivityStatus::Published => None,
    };
    view! {
        <Title text=title.clone() />
        <article class="activity-detail">
            <p class="eyebrow"><span class="badge category">{a.kind.name().get(lang).to_owned()}</span></p>
            <h1 class="page-title">{title}</h1>
            {banner.map(|b| view! { <p class="notice paused" role="status"><strong>{b}</strong></p> })}
            <FormNotice form="activity" />
            {(!v.organizes).then(|| sign_up_panel(lang, &v))}
            {v.organizes.then(|| organizer_panel(lang, &v))}
            <p class="lead">{a.description.get(lang).to_owned()}</p>
            <dl class="facts detail-facts">
                <div class="fact">
                    <dt>{say(lang, "时间", "When")}</dt>
                    <dd>
                        {when_words(a.starts_at, a.ends_at).get(lang).to_owned()}
                        " (" {hours_words(u64::from(a.minutes())).get(lang).to_owned()} ")"
                    </dd>
                </div>
                <div class="fact">
                    <dt>{say(lang, "地点", "Where")}</dt>
                    <dd>{a.place_name.get(lang).to_owned()} " · " {a.address.clone()}</dd>
                </div>
                <div class="fact">
                    <dt>{say(lang, "举办方", "Organized by")}</dt>
                    <dd>{a.organizer_name.get(lang).to_owned()}</dd>
                </div>
                <div class="fact">
                    <dt>{say(lang, "名额", "Places")}</dt>
                    <dd>
                        {match lang {
                            Lang::Zh => format!("共 {} 人，已报名 {} 人", a.places, a.confirmed),
                            Lang::En => format!("{} in all, {} taken", a.places, a.confirmed),
                        }}
                        " · " <strong>{places_words(lang, a.places_left(), a.waitlisted)}</strong>
                    </dd>
                </div>
                <div class="fact">
                    <dt>{say(lang, "报名截止", "Sign up by")}</dt>
                    <dd>{crate::domain::calendar::local_time(a.signup_deadline)}</dd>
                </div>
                {(!skills.is_empty()).then(|| view! {
                    <div class="fact">
                        <dt>{say(lang, "需要的技能", "Skills wanted")}</dt>
                        <dd>{skills.join("、")}</dd>
                    </div>
                })}
                {a.min_age.map(|age| view! {
                    <div class="fact">
                        <dt>{say(lang, "年龄要求", "Age")}</dt>
                        <dd>{match lang { Lang::Zh => format!("{age} 岁以上"), Lang::En => format!("{age} or older") }}</dd>
                    </div>
                })}
            </dl>
            <p><a class="button secondary" href=calendar download="">{say(lang, "加入手机日历", "Add to my calendar")}</a></p>
            <p><a href="/activities">{say(lang, "← 更多志愿活动", "← More activities")}</a></p>
        </article>
    }
}

/// What the caller can do now: sign in, opt in, sign up, join the waitlist, or cancel.
fn sign_up_panel(lang: Lang, v: &ActivityView) -> impl IntoView {
    let a = &v.activity;
    let id = a.id;
    let open = a.open_at(v.now);
    let holding = v.standing.filter(|s| s.status.holds_a_place());
    let cancel_form = |label: &'static str| {
        view! {
            <form method="post" action=format!("/account/activities/{id}/signup/cancel") class="actions">
                <button type="submit" class="button secondary">{label}</button>
            </form>
        }
    };
    let body = match (holding, v.signed_in, v.volunteer) {
        (Some(s), _, _) if s.status == SignupStatus::Confirmed => view! {
            <p class="status-line"><strong>{say(lang, "✔ 您已报名，到时见！", "✔ You have a place. See you there!")}</strong></p>
            {code_form(lang, v)}
            {(a.starts_at > v.now).then(|| cancel_form(say(lang, "去不了了，取消报名", "I cannot come: cancel")))}
        }
        .into_any(),
        (Some(s), _, _) => view! {
            <p class="status-line"><strong>{match (lang, s.position) {
                (Lang::Zh, Some(n)) => format!("您在候补名单第 {n} 位。有人取消时会按顺序递补，并通知您。"),
                (Lang::En, Some(n)) => format!("You are number {n} on the waitlist. If a place comes free, you will be told."),
                (Lang::Zh, None) => "您在候补名单上。".to_owned(),
                (Lang::En, None) => "You are on the waitlist.".to_owned(),
            }}</strong></p>
            {(a.starts_at > v.now).then(|| cancel_form(say(lang, "退出候补", "Leave the waitlist")))}
        }
        .into_any(),
        (None, _, _) if !open => view! {
            <p class="status-line">{say(lang, "这个活动现在不能报名。", "Sign-ups for this activity are closed.")}</p>
        }
        .into_any(),
        (None, false, _) => view! {
            <p><a class="button" href="/sign-in">{say(lang, "登录后报名", "Sign in to sign up")}</a></p>
        }
        .into_any(),
        (None, true, false) => view! {
            <p>{say(lang, "报名前，请先在“我的账户”里登记成为志愿者（填写技能和方便的时间）。",
                "Before signing up, opt in to volunteering on your account page (your skills and when you are free).")}</p>
            <p><a class="button" href="/account#volunteer-heading">{say(lang, "登记成为志愿者", "Become a volunteer")}</a></p>
        }
        .into_any(),
        (None, true, true) => {
            let full = a.places_left() == 0;
            view! {
                <form method="post" action=format!("/account/activities/{id}/signup") class="actions">
                    <button type="submit" class="button">{if full {
                        say(lang, "名额已满，加入候补", "Full: join the waitlist")
                    } else {
                        say(lang, "报名参加", "Sign up")
                    }}</button>
                </form>
            }
            .into_any()
        }
    };
    view! { <section class="panel sign-up" aria-label=say(lang, "报名", "Sign up")>{body}</section> }
}

/// At the place: the organizer's six digits, to check in on arrival and out on leaving.
fn code_form(lang: Lang, v: &ActivityView) -> Option<impl IntoView> {
    // Scanning the organizer's QR code opens this page with `?code=` filled in.
    let prefill = use_context::<ScannedCode>().and_then(|c| c.0).unwrap_or_default();
    use crate::domain::activities::attendance::{CLOSES_AFTER_MS, OPENS_BEFORE_MS};
    let a = &v.activity;
    let open = a.status == ActivityStatus::Published
        && v.now >= a.starts_at - OPENS_BEFORE_MS
        && v.now <= a.ends_at + CLOSES_AFTER_MS;
    let id = a.id;
    let flash = use_context::<crate::flash::Flash>().unwrap_or_default();
    let error = flash.error("activity-code", "code", lang);
    open.then(|| {
        view! {
            <crate::components::form::FormNotice form="activity-code" />
            <form method="post" action=format!("/account/activities/{id}/check-in") class="stack">
                <div class="field">
                    <label for="activity-code-code">{say(lang, "签到码（组织方现场出示的六位数字）", "Check-in code (the six digits the organizer shows)")}</label>
                    {error.clone().map(|e| view! { <p class="field-error" id="activity-code-code-error">{e}</p> })}
                    <input id="activity-code-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        maxlength="6" value=prefill aria-invalid=error.is_some().then_some("true")
                        aria-describedby=error.is_some().then_some("activity-code-code-error") />
                </div>
                <div class="actions">
                    <button type="submit" class="button">{say(lang, "签到", "Check in")}</button>
                    <button type="submit" class="button secondary" formaction=format!("/account/activities/{id}/check-out")>
                        {say(lang, "签退", "Check out")}</button>
                </div>
            </form>
        }
    })
}

/// For its organizers: who signed up (confirmed, then the waitlist in order), and cancelling
/// the activity with a reason everyone is told.
fn organizer_panel(lang: Lang, v: &ActivityView) -> impl IntoView {
    let a = &v.activity;
    let id = a.id;
    let flash = use_context::<crate::flash::Flash>().unwrap_or_default();
    let reason_error = flash.error("activity-cancel", "reason", lang);
    let cancellable = matches!(a.status, ActivityStatus::Published | ActivityStatus::Draft) && v.now < a.starts_at;
    view! {
        <section class="panel" aria-labelledby="roster-heading">
            <h2 id="roster-heading">{say(lang, "报名名单", "Who signed up")}</h2>
            <crate::components::form::FormNotice form="activity-cancel" />
            <crate::components::form::FormNotice form="activity-roster" />
            {cancellable.then(|| view! {
                <p><a class="button secondary" href=format!("/account/activities/{id}/edit")>
                    {say(lang, "修改时间、地点或名额", "Change the time, place or places")}</a></p>
            })}
            {v.code.clone().map(|code| view! {
                <p class="checkin-code">{say(lang, "签到码：", "Check-in code: ")} <strong>{code}</strong></p>
                <p class="hint">{say(lang, "到场后请出示给志愿者，他们输入或扫码后即签到；离开时再输入一次签退。",
                    "Show it at the place: volunteers enter or scan it to check in, and again to check out.")}</p>
                <img class="checkin-qr" src=format!("/api/v1/activities/{id}/checkin-code.svg") width="240" height="240"
                    alt=say(lang, "签到二维码：扫码打开本活动页面，签到码已填好", "Check-in QR code: opens this page with the code filled in") />
            })}
            {if v.roster.is_empty() {
                view! { <p>{say(lang, "还没有人报名。", "Nobody yet.")}</p> }.into_any()
            } else {
                view! {
                    <ol class="roster">
                        {v.roster.iter().map(|line| {
                            let standing = match (line.standing.status, line.standing.position) {
                                (SignupStatus::Confirmed, _) => say(lang, "已报名", "has a place").to_owned(),
                                (SignupStatus::Waitlisted, Some(n)) => match lang {
                                    Lang::Zh => format!("候补第 {n} 位"),
                                    Lang::En => format!("waitlist, number {n}"),
                                },
                                (SignupStatus::Waitlisted, None) => say(lang, "候补", "waitlist").to_owned(),
                                (SignupStatus::Cancelled, _) => say(lang, "已取消", "cancelled").to_owned(),
                            };
                            view! {
                                <li>
                                    <strong>{line.name.clone()}</strong>
                                    {line.phone.clone().map(|p| view! { " · " {p} })}
                                    " · " <span class=format!("badge signup-{}", line.standing.status.slug())>{standing}</span>
                                    {attendance_controls(lang, id, line, v.now)}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {cancellable.then(|| view! {
                <form method="post" action=format!("/account/activities/{id}/cancel") class="stack">
                    <div class="field">
                        <label for="activity-cancel-reason">{say(lang, "取消活动的原因（会告诉所有报名的志愿者）", "Why it is cancelled (everyone signed up is told)")}</label>
                        {reason_error.clone().map(|e| view! { <p class="field-error" id="activity-cancel-reason-error">{e}</p> })}
                        <input id="activity-cancel-reason" name="reason" type="text"
                            aria-invalid=reason_error.is_some().then_some("true")
                            aria-describedby=reason_error.is_some().then_some("activity-cancel-reason-error") />
                    </div>
                    <button type="submit" class="button secondary">{say(lang, "取消这个活动", "Cancel this activity")}</button>
                </form>
            })}
        </section>
    }
}

/// One volunteer's attendance on the organizer's list: large buttons to mark them arrived
/// or absent, then what they attended and a form to approve it (or correct it, saying why).
fn attendance_controls(
    lang: Lang,
    id: ActivityId,
    line: &crate::domain::activities::store::RosterLine,
    now: i64,
) -> Option<impl IntoView> {
    use crate::domain::activities::hours::hours_words;
    let facts = line.attendance;
    if line.standing.status != SignupStatus::Confirmed
        || now < facts.scheduled.0 - crate::domain::activities::attendance::OPENS_BEFORE_MS
    {
        return None;
    }
    let person = line.person.get();
    let action = |what: &str| format!("/account/activities/{id}/{what}");
    let state = if let Some(m) = facts.approved_minutes {
        format!(
            "{}{}",
            say(lang, "已确认：", "Approved: "),
            hours_words(u64::from(m)).get(lang)
        )
    } else if facts.no_show {
        say(lang, "没来", "Did not come").to_owned()
    } else if let Some(a) = facts.attended() {
        let flag = if a.to_confirm {
            say(lang, "（未签退，按结束时间计）", " (no check-out: counted to the end)")
        } else {
            ""
        };
        format!(
            "{}{}{flag}",
            say(lang, "在场：", "Attended: "),
            hours_words(u64::from(a.minutes)).get(lang)
        )
    } else {
        say(lang, "还没签到", "Not checked in").to_owned()
    };
    let minutes_id = format!("minutes-{person}");
    let reason_id = format!("reason-{person}");
    // A refused approval comes back to its own line, with what is wrong beside each field.
    let flash = use_context::<crate::flash::Flash>().unwrap_or_default();
    let mine = flash.value("activity-roster", "person_id") == person.to_string();
    let error = |field: &str| mine.then(|| flash.error("activity-roster", field, lang)).flatten();
    let (minutes_error, reason_error) = (error("minutes"), error("reason"));
    let (minutes_error_id, reason_error_id) = (format!("{minutes_id}-error"), format!("{reason_id}-error"));
    Some(view! {
        <p class="attendance">{state}</p>
        {(facts.checked_in_at.is_none() && facts.approved_minutes.is_none()).then(|| view! {
            <div class="actions">
                <form method="post" action=action("attendance") class="inline-form">
                    <input type="hidden" name="person_id" value=person.to_string() />
                    <input type="hidden" name="mark" value="arrived" />
                    <button type="submit" class="button">{say(lang, "到了", "Arrived")}</button>
                </form>
                {(!facts.no_show).then(|| view! {
                    <form method="post" action=action("attendance") class="inline-form">
                        <input type="hidden" name="person_id" value=person.to_string() />
                        <input type="hidden" name="mark" value="no-show" />
                        <button type="submit" class="button secondary">{say(lang, "没来", "Did not come")}</button>
                    </form>
                })}
            </div>
        })}
        {(facts.checked_in_at.is_some() && facts.approved_minutes.is_none()).then(|| view! {
            <form method="post" action=action("hours") class="stack">
                <input type="hidden" name="person_id" value=person.to_string() />
                <div class="field">
                    <label for=minutes_id.clone()>{say(lang, "更正时长（分钟，可不填）", "Correct the minutes (optional)")}</label>
                    {minutes_error.clone().map(|e| view! { <p class="field-error" id=minutes_error_id.clone()>{e}</p> })}
                    <input id=minutes_id name="minutes" type="number" inputmode="numeric"
                        aria-invalid=minutes_error.is_some().then_some("true")
                        aria-describedby=minutes_error.is_some().then_some(minutes_error_id.clone()) />
                </div>
                <div class="field">
                    <label for=reason_id.clone()>{say(lang, "更正的原因", "Why it is corrected")}</label>
                    {reason_error.clone().map(|e| view! { <p class="field-error" id=reason_error_id.clone()>{e}</p> })}
                    <input id=reason_id name="reason" type="text"
                        aria-invalid=reason_error.is_some().then_some("true")
                        aria-describedby=reason_error.is_some().then_some(reason_error_id.clone()) />
                </div>
                <button type="submit" class="button">{say(lang, "确认时长", "Approve the time")}</button>
            </form>
        })}
    })
}
