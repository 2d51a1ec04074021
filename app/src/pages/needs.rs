//! Needs no service meets, for a community: named by residents (never shown who), "me
//! too" in one tap, and answered by the community's staff, who point a need to a service
//! or record it as unmet. Plain form posts, so it works without JavaScript.

use crate::api::needs::{load_needs, NeedsView};
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::lang::Lang;
use crate::domain::needs::{Need, NeedStatus};
use crate::flash::Flash;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NeedsPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let place = use_query_map().with_untracked(|q| q.get("place").and_then(|p| p.parse::<i64>().ok()));
    let view = Resource::new(move || (), move |_| load_needs(place));
    let title = say(lang, "社区居民的需求", "What residents need");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        <p class="lead">{say(lang, "找不到需要的服务？告诉社区。邻居也需要的，点“我也需要”：需要的人越多，社区越能据此购买服务。",
            "Cannot find the service you need? Tell the community. If a neighbour's need is yours too, say “me too”: the more people need it, the stronger the case for contracting it.")}</p>
        <FormNotice form="need" />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match view.await {
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    Ok(v) => needs_view(lang, v).into_any(),
                }
            })}
        </Suspense>
    }
}

fn needs_view(lang: Lang, v: NeedsView) -> impl IntoView {
    let Some((place, community)) = v.place.clone() else {
        return view! {
            <p>{say(lang, "请先选择您住的地方。", "First choose where you live.")}</p>
            <p><a class="button" href="/places">{say(lang, "选择住址", "Choose your place")}</a></p>
        }
        .into_any();
    };
    let flash = use_context::<Flash>().unwrap_or_default();
    let description_error = flash.error("need", "description", lang);
    let unit_error = flash.error("need", "grid_unit_id", lang);
    let zh = lang == Lang::Zh;
    view! {
        <p>{say(lang, "社区：", "Community: ")} <strong>{community}</strong></p>
        {if v.needs.is_empty() {
            view! { <p>{say(lang, "这里还没有人提出需求。", "Nobody has named a need here yet.")}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list">
                    {v.needs.iter().map(|n| need_card(lang, n, place, v.signed_in, v.staff)).collect_view()}
                </ul>
            }.into_any()
        }}
        {if v.signed_in {
            view! {
                <section class="panel" aria-labelledby="name-need-heading">
                    <h2 id="name-need-heading">{say(lang, "提出一个需求", "Name a need")}</h2>
                    <form method="post" action="/account/needs" class="stack">
                        <input type="hidden" name="place" value=place.to_string() />
                        <div class="field">
                            <label for="need-description">{say(lang, "您需要什么帮助", "What help do you need")}</label>
                            {description_error.clone().map(|e| view! { <p class="field-error" id="need-description-error">{e}</p> })}
                            <textarea id="need-description" name="description" rows="3"
                                aria-invalid=description_error.is_some().then_some("true")
                                aria-describedby=description_error.is_some().then_some("need-description-error")>
                                {flash.value("need", "description")}
                            </textarea>
                        </div>
                        <div class="field">
                            <label for="need-category">{say(lang, "服务类别（可不选）", "Category (optional)")}</label>
                            <select id="need-category" name="category">
                                <option value="">{say(lang, "不确定", "Not sure")}</option>
                                {v.categories.iter().map(|(slug, name)| view! { <option value=slug.clone()>{name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="need-unit">{say(lang, "在哪个院落或楼栋", "Which courtyard or building")}</label>
                            {unit_error.clone().map(|e| view! { <p class="field-error" id="need-unit-error">{e}</p> })}
                            <select id="need-unit" name="grid_unit_id"
                                aria-invalid=unit_error.is_some().then_some("true")
                                aria-describedby=unit_error.is_some().then_some("need-unit-error")>
                                {v.places.iter().map(|p| {
                                    let selected = p.id.get() == place;
                                    view! { <option value=p.id.to_string() selected=selected>{if zh { p.label_zh.clone() } else { p.label_en.clone() }}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">{say(lang, "告诉社区", "Tell the community")}</button>
                    </form>
                </section>
            }.into_any()
        } else {
            view! { <p><a class="button" href="/sign-in">{say(lang, "登录后提出需求", "Sign in to name a need")}</a></p> }.into_any()
        }}
    }
    .into_any()
}

pub(crate) fn need_card(lang: Lang, n: &Need, place: i64, signed_in: bool, staff: bool) -> impl IntoView {
    let zh = lang == Lang::Zh;
    let id = n.id;
    let category = if zh {
        n.category_zh.clone()
    } else {
        n.category_en.clone()
    };
    let service = if zh {
        n.service_name_zh.clone()
    } else {
        n.service_name_en.clone()
    };
    let people = match lang {
        Lang::Zh => format!("{} 人需要", n.supporters),
        Lang::En => format!("{} need this", n.supporters),
    };
    let open = n.status == NeedStatus::Open;
    let note_id = format!("need-{id}-note");
    let service_id = format!("need-{id}-service");
    view! {
        <li class="card need">
            <p class="need-text">{n.description.clone()}</p>
            <p class="meta">
                {category.map(|c| view! { <span class="badge category">{c}</span> " " })}
                {if zh { n.place_zh.clone() } else { n.place_en.clone() }} " · " <strong>{people}</strong>
            </p>
            <p>{n.status.words().get(lang).to_owned()}</p>
            {n.note.clone().map(|note| view! { <p class="meta">{note}</p> })}
            {n.service.zip(service).map(|(sid, name)| view! {
                <p><a class="button" href=format!("/services/{sid}/request")>{say(lang, "去申请：", "Request: ")} {name}</a></p>
            })}
            {(open && signed_in && !n.mine).then(|| view! {
                <form method="post" action=format!("/account/needs/{id}/support") class="actions">
                    <input type="hidden" name="place" value=place.to_string() />
                    <button type="submit" class="button secondary">{say(lang, "我也需要", "Me too")}</button>
                </form>
            })}
            {(open && n.mine).then(|| view! { <p class="meta">{say(lang, "✔ 您也需要", "✔ You need this too")}</p> })}
            {(open && staff).then(|| view! {
                <div class="answer">
                    <p><strong>{say(lang, "答复这个需求", "Answer this need")}</strong></p>
                    <form method="post" action=format!("/staff/needs/{id}/point") class="stack">
                        <input type="hidden" name="place" value=place.to_string() />
                        <div class="field">
                            <label for=service_id.clone()>{say(lang, "能满足它的服务编号", "Number of a service that meets it")}</label>
                            <input id=service_id name="service_id" type="text" inputmode="numeric" />
                        </div>
                        <button type="submit" class="button secondary">{say(lang, "指向这项服务", "Point to this service")}</button>
                    </form>
                    <form method="post" action=format!("/staff/needs/{id}/unmet") class="stack">
                        <input type="hidden" name="place" value=place.to_string() />
                        <div class="field">
                            <label for=note_id.clone()>{say(lang, "为什么暂时满足不了", "Why it cannot be met yet")}</label>
                            <input id=note_id name="note" type="text" />
                        </div>
                        <button type="submit" class="button secondary">{say(lang, "记为未满足", "Record as unmet")}</button>
                    </form>
                </div>
            })}
        </li>
    }
}
