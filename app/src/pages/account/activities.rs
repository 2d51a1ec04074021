//! A volunteer's sign-ups (`/account/activities`), and the one activity form, three ways:
//! an organization's members publish (`/account/organizations/:id/activities/new`), a
//! community's staff publish (`/account/communities/:id/activities/new`), organizers change
//! one (`/account/activities/:id/edit`). The form posts where its loader says; a refused
//! post comes back with what was typed (kept in `form_drafts`, as the offering form's) and
//! every refusal beside its field.

use super::offering_fields::{OfferingInput, OfferingSelect, OfferingText, Shown};
use super::requests::param_id;
use super::PleaseSignIn;
use crate::api::activities::{
    load_activity_edit_form, load_activity_form, load_community_activity_form, load_my_activities,
    load_organization_activities, ActivityFormView, MyActivitiesView, OrganizationActivitiesView,
};
use crate::api::error::FnError;
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::activities::hours::hours_words;
use crate::domain::activities::signup::SignupStatus;
use crate::domain::activities::store::MySignup;
use crate::domain::activities::{when_words, ActivityKind, Skill};
use crate::domain::lang::Lang;
use crate::flash::Flash;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What only a signed-in person sees; the sign-in prompt (401) for anyone else.
#[component]
pub fn SignedIn(children: ChildrenFn) -> impl IntoView {
    if super::organization_new::signed_in() {
        children().into_any()
    } else {
        view! { <PleaseSignIn /> }.into_any()
    }
}

#[component]
pub fn MyActivitiesPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let mine = Resource::new(|| (), |_| load_my_activities());
    let title = say(lang, "我报名的志愿活动", "My volunteering");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        <FormNotice form="activity" />
        <SignedIn>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match mine.await {
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        Ok(v) => my_activities(lang, v).into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

fn my_activities(lang: Lang, v: MyActivitiesView) -> impl IntoView {
    let now = v.now;
    let (upcoming, past): (Vec<MySignup>, Vec<MySignup>) =
        v.signups.into_iter().partition(|s| s.activity.ends_at > now);
    // Soonest first for what is coming; the latest first for what is done.
    let mut upcoming: Vec<MySignup> = upcoming
        .into_iter()
        .filter(|s| s.standing.status.holds_a_place())
        .collect();
    upcoming.sort_by_key(|s| (s.activity.starts_at, s.activity.id));
    let past: Vec<MySignup> = past
        .into_iter()
        .filter(|s| s.standing.status == SignupStatus::Confirmed)
        .collect();
    let h = v.hours;
    let star = h.star();
    let stars = format!("{}{}", "★".repeat(usize::from(star)), "☆".repeat(5 - usize::from(star)));
    let next = crate::domain::activities::hours::next_star_hours(h.total_minutes);
    view! {
        <section class="panel hours" aria-labelledby="hours-heading">
            <h2 id="hours-heading">{say(lang, "我的志愿服务时长", "My volunteer hours")}</h2>
            <dl class="facts">
                <div class="fact"><dt>{say(lang, "累计", "In all")}</dt>
                    <dd>{hours_words(h.total_minutes).get(lang).to_owned()}</dd></div>
                <div class="fact"><dt>{say(lang, "今年", "This year")}</dt>
                    <dd>{hours_words(h.year_minutes).get(lang).to_owned()}</dd></div>
                <div class="fact"><dt>{say(lang, "星级", "Star level")}</dt>
                    <dd><span aria-hidden="true" class="stars">{stars}</span> " "
                        {match lang { Lang::Zh => format!("{star} 星"), Lang::En => format!("{star} of 5 stars") }}</dd></div>
            </dl>
            {next.map(|n| view! { <p class="hint">{match lang {
                Lang::Zh => format!("累计满 {n} 小时可升一星。"),
                Lang::En => format!("The next star comes at {n} hours."),
            }}</p> })}
            {(h.pending > 0).then(|| view! { <p class="hint">{match lang {
                Lang::Zh => format!("还有 {} 次活动的时长等组织方确认。", h.pending),
                Lang::En => format!("{} activities wait for the organizer to approve the time.", h.pending),
            }}</p> })}
            <FormNotice form="certificate" />
            {(h.total_minutes > 0).then(|| view! {
                <form method="post" action="/account/certificates" class="actions">
                    <button type="submit" class="button secondary">{say(lang, "开具服务时长证明（可打印）", "Get a certificate of my hours (to print)")}</button>
                </form>
            })}
        </section>
        {(!v.volunteer).then(|| view! {
            <p class="notice">{say(lang, "您还没有登记成为志愿者。", "You have not opted in to volunteering yet.")}
                " " <a href="/account#volunteer-heading">{say(lang, "现在登记", "Opt in now")}</a></p>
        })}
        <section aria-labelledby="upcoming-heading">
            <h2 id="upcoming-heading">{say(lang, "即将参加", "Coming up")}</h2>
            {if upcoming.is_empty() {
                view! {
                    <p>{say(lang, "还没有报名的活动。", "Nothing signed up for yet.")}
                        " " <a href="/activities">{say(lang, "看看身边的志愿活动", "See activities near you")}</a></p>
                }.into_any()
            } else {
                view! { <ul class="card-list">{upcoming.into_iter().map(|s| signup_line(lang, s)).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="past-heading">
            <h2 id="past-heading">{say(lang, "参加过的活动", "Done")}</h2>
            {if past.is_empty() {
                view! { <p>{say(lang, "还没有。", "None yet.")}</p> }.into_any()
            } else {
                view! { <ul class="card-list">{past.into_iter().map(|s| signup_line(lang, s)).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

fn signup_line(lang: Lang, s: MySignup) -> impl IntoView {
    let a = s.activity;
    let standing = match (s.standing.status, s.standing.position, lang) {
        (SignupStatus::Confirmed, _, Lang::Zh) => "已报名".to_owned(),
        (SignupStatus::Confirmed, _, Lang::En) => "You have a place".to_owned(),
        (SignupStatus::Waitlisted, Some(n), Lang::Zh) => format!("候补第 {n} 位"),
        (SignupStatus::Waitlisted, Some(n), Lang::En) => format!("Waitlist: number {n}"),
        (SignupStatus::Waitlisted, None, _) => say(lang, "候补中", "On the waitlist").to_owned(),
        (SignupStatus::Cancelled, _, _) => say(lang, "已取消", "Cancelled").to_owned(),
    };
    view! {
        <li class="card activity-card">
            <h3 class="card-title"><a href=format!("/activities/{}", a.id)>{a.title.get(lang).to_owned()}</a></h3>
            <p class="card-meta">
                <span class=format!("badge signup-{}", s.standing.status.slug())>{standing}</span>
            </p>
            <p>{when_words(a.starts_at, a.ends_at).get(lang).to_owned()} " · " {a.place_name.get(lang).to_owned()}</p>
        </li>
    }
}

#[component]
pub fn NewActivityPage() -> impl IntoView {
    let organization = param_id("id");
    activity_form_page(
        say(
            expect_context::<Prefs>().lang,
            "发布志愿活动",
            "Publish a volunteer activity",
        ),
        move |draft| load_activity_form(organization, draft),
    )
}

/// `/account/communities/:id/activities/new`: a community's staff publish an activity the
/// community runs itself.
#[component]
pub fn NewCommunityActivityPage() -> impl IntoView {
    let community = param_id("id");
    activity_form_page(
        say(
            expect_context::<Prefs>().lang,
            "发布社区志愿活动",
            "Publish a community volunteer activity",
        ),
        move |draft| load_community_activity_form(community, draft),
    )
}

/// `/account/activities/:id/edit`: its organizers change an activity until it starts.
#[component]
pub fn EditActivityPage() -> impl IntoView {
    let id = param_id("id");
    activity_form_page(
        say(
            expect_context::<Prefs>().lang,
            "修改志愿活动",
            "Change a volunteer activity",
        ),
        move |draft| load_activity_edit_form(id, draft),
    )
}

/// A page holding the activity form that `load` fills, with what a refused post left.
fn activity_form_page<F, Fut>(title: &'static str, load: F) -> impl IntoView
where
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<ActivityFormView, FnError>> + Send + 'static,
{
    let lang = expect_context::<Prefs>().lang;
    let flash = take_flash();
    provide_context(flash.clone());
    let draft = use_query_map()
        .with_untracked(|q| q.get("draft"))
        .or_else(|| flash.values.get(crate::domain::offerings::form::DRAFT_FIELD).cloned());
    let form = Resource::new(move || (), move |_| load(draft.clone()));
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        <SignedIn>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match form.await {
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        Ok(v) => activity_form(lang, v).into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

fn activity_form(lang: Lang, v: ActivityFormView) -> impl IntoView {
    let flash = use_context::<Flash>().unwrap_or_default();
    let zh = lang == Lang::Zh;
    let chosen_skills: Vec<String> = v
        .values
        .get("skills")
        .map(|s| s.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    provide_context(Shown {
        form: "activity-form",
        values: v.values.clone(),
        flash: flash.clone(),
        lang,
    });
    let kinds: Vec<(String, String)> = ActivityKind::ALL
        .into_iter()
        .map(|k| (k.slug().to_owned(), k.name().get(lang).to_owned()))
        .collect();
    let places: Vec<(String, String)> = v
        .places
        .iter()
        .map(|p| {
            (
                p.id.to_string(),
                if zh { p.label_zh.clone() } else { p.label_en.clone() },
            )
        })
        .collect();
    let skills_error = flash.error("activity-form", "skills", lang);
    let editing = v.editing.clone();
    let lead = match &editing {
        None => view! {
            <p class="lead">{say(lang, "为", "For ")} <strong>{v.organizer_name.clone()}</strong>
                {say(lang, "发布。发布后，附近的志愿者就能看到并报名。", ". Once published, volunteers nearby can find it and sign up.")}</p>
        }.into_any(),
        Some(_) => view! {
            <p class="lead"><strong>{v.organizer_name.clone()}</strong> " · "
                {say(lang, "改了时间或地点，会通知所有报名和候补的志愿者；增加名额时，候补的志愿者按顺序递补。",
                    "A new time or place is told to everyone signed up or waiting; more places move the waitlist up in order.")}</p>
        }.into_any(),
    };
    let show_draft_box = !editing.as_ref().is_some_and(|e| e.published);
    let submit = match &editing {
        None => say(lang, "发布活动", "Publish"),
        Some(e) if e.published => say(lang, "保存修改", "Save changes"),
        Some(_) => say(lang, "保存（不勾选草稿即发布）", "Save (unticked: publish)"),
    };
    let draft_checked = editing.as_ref().is_some_and(|e| !e.published);
    view! {
        {lead}
        <FormNotice form="activity-form" />
        <form method="post" action=v.action.clone() class="stack" novalidate>
            {editing.as_ref().map(|e| view! { <input type="hidden" name="revision" value=e.revision.to_string() /> })}
            <OfferingInput name="title_zh" label=say(lang, "活动名称（中文）", "Title (Chinese)") required=true />
            <OfferingInput name="title_en" label=say(lang, "活动名称（英文，可不填）", "Title (English, optional)") />
            <OfferingText name="description_zh" label=say(lang, "做什么（中文）", "What volunteers do (Chinese)") required=true />
            <OfferingText name="description_en" label=say(lang, "做什么（英文，可不填）", "What volunteers do (English, optional)") />
            <OfferingSelect name="kind" label=say(lang, "活动类型", "Kind") options=kinds />
            <OfferingSelect name="place_id" label=say(lang, "在哪里集合", "Where volunteers meet") options=places />
            <OfferingInput name="address" label=say(lang, "具体位置（可不填）", "Exact spot (optional)")
                hint=say(lang, "例如：3 栋楼下的活动室", "e.g. the activity room under building 3") />
            <OfferingInput name="starts_at" kind="datetime-local" label=say(lang, "开始时间", "Starts") required=true />
            <OfferingInput name="ends_at" kind="datetime-local" label=say(lang, "结束时间", "Ends") required=true />
            <OfferingInput name="signup_deadline" kind="datetime-local" label=say(lang, "报名截止（可不填，默认到开始）", "Sign up by (optional; default: the start)") />
            <OfferingInput name="places" kind="number" inputmode="numeric" label=say(lang, "需要几位志愿者", "Volunteers needed") required=true />
            <OfferingInput name="min_age" kind="number" inputmode="numeric" label=say(lang, "最低年龄（可不填）", "Minimum age (optional)") />
            <fieldset class="field">
                <legend>{say(lang, "需要的技能（可多选，最多 5 项）", "Skills wanted (up to 5)")}</legend>
                {skills_error.clone().map(|e| view! { <p class="field-error" id="activity-form-skills-error">{e}</p> })}
                {Skill::ALL.into_iter().map(|s| {
                    let id = format!("activity-form-skill-{}", s.slug());
                    let checked = chosen_skills.iter().any(|c| c == s.slug());
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=id.clone() name="skills" value=s.slug() checked=checked />
                            <label for=id>{s.name().get(lang).to_owned()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {show_draft_box.then(|| view! {
                <div class="choice">
                    <input type="checkbox" id="activity-form-draft" name="draft" value="1" checked=draft_checked />
                    <label for="activity-form-draft">{say(lang, "先存为草稿，不发布", "Keep as a draft; do not publish yet")}</label>
                </div>
            })}
            <button type="submit" class="button">{submit}</button>
        </form>
    }
}

/// `/account/organizations/:id/activities`: what an organization runs, for its members.
#[component]
pub fn OrganizationActivitiesPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let organization = param_id("id");
    let list = Resource::new(move || organization, load_organization_activities);
    let title = say(lang, "本机构的志愿活动", "Our volunteer activities");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        <SignedIn>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        Ok(v) => organization_activities(lang, v).into_any(),
                    }
                })}
            </Suspense>
        </SignedIn>
    }
}

fn organization_activities(lang: Lang, v: OrganizationActivitiesView) -> impl IntoView {
    let now = v.now;
    view! {
        <p class="lead"><strong>{v.organization_name.clone()}</strong></p>
        <p><a class="button" href=format!("/account/organizations/{}/activities/new", v.organization)>
            {say(lang, "发布志愿活动", "Publish an activity")}</a></p>
        {if v.activities.is_empty() {
            view! { <p>{say(lang, "还没有发布过活动。", "No activities yet.")}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list">
                    {v.activities.into_iter().map(|a| {
                        let state = if a.status == crate::domain::activities::ActivityStatus::Published && a.ends_at <= now {
                            say(lang, "已结束", "over").to_owned()
                        } else {
                            a.status.words().get(lang).to_owned()
                        };
                        view! {
                            <li class="card activity-card">
                                <h2 class="card-title"><a href=format!("/activities/{}", a.id)>{a.title.get(lang).to_owned()}</a></h2>
                                <p class="card-meta"><span class="badge category">{state}</span>
                                    <span class="badge places">{crate::pages::activities::places_words(lang, a.places_left(), a.waitlisted)}</span></p>
                                <p>{when_words(a.starts_at, a.ends_at).get(lang).to_owned()} " · " {a.place_name.get(lang).to_owned()}</p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
