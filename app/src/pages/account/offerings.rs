//! An organization's offerings for its staff: the list, the form to publish or edit
//! one (every field of an offering, usable on a phone and without JavaScript), its
//! status (pause with a reason, resume, retire) and its history.
//!
//! Words are given in both languages where they are used (`say(zh, en)`): every string
//! of these pages is a pair, so neither language can be missing.

use super::offering_fields::{OfferingInput, OfferingSelect, OfferingText, Shown};
use super::PleaseSignIn;
use crate::api::offerings::{load_offering_form, load_offerings, OfferingFormView};
use crate::components::form::take_flash;
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::lang::Lang;
use crate::domain::offerings::form::{DRAFT_FIELD, PREVIEW_FIELD};
use crate::domain::offerings::store::{OfferingStatus, Revision};
use crate::flash::Flash;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn status_words(lang: Lang, status: OfferingStatus) -> &'static str {
    match status {
        OfferingStatus::Active => say(lang, "服务中", "active"),
        OfferingStatus::Paused => say(lang, "暂停服务", "paused"),
        OfferingStatus::Retired => say(lang, "已停止提供", "retired"),
    }
}

/// "2026-11-26 19:30" in Chengdu's time (UTC+8, no daylight saving).
pub fn local_time(millis: i64) -> String {
    let minutes = millis.div_euclid(60_000) + 8 * 60;
    let (days, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

fn param_id(name: &'static str) -> i64 {
    use_params_map().with_untracked(|p| p.get(name).and_then(|v| v.parse().ok()).unwrap_or(0))
}

#[component]
pub fn OfferingsPage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    provide_context(take_flash());
    let organization = param_id("id");
    let view = Resource::new(move || organization, load_offerings);
    let title = say(lang, "本机构的服务", "Our offerings");
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <crate::components::form::FormNotice form="offering" />
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match view.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(v) => {
                                let new = format!("/account/organizations/{}/offerings/new", v.organization);
                                view! {
                                    <p class="lead">{v.organization_name}</p>
                                    <p><a class="button" href=new>{say(lang, "发布新服务", "Publish an offering")}</a></p>
                                    {if v.lines.is_empty() {
                                        view! { <p>{say(lang, "还没有发布服务。", "Nothing published yet.")}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="link-list">
                                                {v.lines.into_iter().map(|l| view! {
                                                    <li>
                                                        <a href=format!("/account/offerings/{}", l.id)>{l.name_zh}</a>
                                                        " " <span class=format!("badge status-{}", l.status.slug())>{status_words(lang, l.status)}</span>
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

#[component]
pub fn NewOfferingPage() -> impl IntoView {
    let organization = param_id("id");
    offering_page(Some(organization), None)
}

#[component]
pub fn EditOfferingPage() -> impl IntoView {
    let offering = param_id("id");
    offering_page(None, Some(offering))
}

fn offering_page(organization: Option<i64>, offering: Option<i64>) -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let flash = take_flash();
    let draft = (flash.form == "offering")
        .then(|| flash.values.get(DRAFT_FIELD).cloned())
        .flatten();
    let preview = (flash.form == "offering" && flash.values.contains_key(PREVIEW_FIELD)).then_some(true);
    provide_context(flash);
    let view = Resource::new(
        move || (),
        move |_| load_offering_form(organization, offering, draft.clone(), preview),
    );
    let title = if offering.is_some() {
        say(lang, "修改服务", "Edit offering")
    } else {
        say(lang, "发布新服务", "Publish an offering")
    };
    view! {
        <Title text=title />
        <h1 class="page-title">{title}</h1>
        {if !super::organization_new::signed_in() {
            view! { <PleaseSignIn /> }.into_any()
        } else {
            view! {
                <Suspense fallback=Loading>
                    {move || Suspend::new(async move {
                        match view.await {
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            Ok(v) => offering_view(lang, v).into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

fn offering_view(lang: Lang, v: OfferingFormView) -> impl IntoView {
    let back = format!("/account/organizations/{}/offerings", v.organization);
    let status = v
        .offering
        .zip(v.status)
        .map(|(id, status)| status_panel(lang, id.get(), status, v.status_reason.clone(), v.revision));
    let retired = v.status == Some(OfferingStatus::Retired);
    let history = (!v.history.is_empty()).then(|| history_panel(lang, v.history.clone()));
    let page = v.offering.map(|id| format!("/services/{id}"));
    view! {
        <p class="lead"><a href=back>{v.organization_name.clone()}</a></p>
        <crate::components::form::FormNotice form="offering" />
        {page.filter(|_| !retired).map(|href| view! {
            <p><a href=href>{say(lang, "查看居民看到的服务页面", "See the page residents see")}</a></p>
        })}
        {v.preview.clone().map(|p| preview_panel(lang, p))}
        {status}
        {v.offering.filter(|_| !retired).map(|id| photo_panel(lang, id.get(), v.photo.clone()))}
        {(!retired).then(|| offering_form(lang, &v))}
        {history}
    }
}

fn status_panel(
    lang: Lang,
    id: i64,
    status: OfferingStatus,
    reason: Option<String>,
    revision: Option<i64>,
) -> impl IntoView {
    let revision = revision.unwrap_or_default().to_string();
    let act = |what: &str| format!("/account/offerings/{id}/{what}");
    view! {
        <section class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">{say(lang, "服务状态", "Status")}</h2>
            <p>
                <span class=format!("badge status-{}", status.slug())>{status_words(lang, status)}</span>
                {reason.map(|r| view! { " " {r} })}
            </p>
            {match status {
                OfferingStatus::Active => view! {
                    <form method="post" action=act("pause") class="actions">
                        <input type="hidden" name="revision" value=revision.clone() />
                        <OfferingInput name="reason" label=say(lang, "暂停原因（居民会看到）", "Why it is paused (residents see this)") />
                        <button type="submit" class="button secondary">{say(lang, "暂停服务", "Pause")}</button>
                    </form>
                }.into_any(),
                OfferingStatus::Paused => view! {
                    <form method="post" action=act("resume") class="actions">
                        <input type="hidden" name="revision" value=revision.clone() />
                        <button type="submit" class="button">{say(lang, "恢复服务", "Resume")}</button>
                    </form>
                }.into_any(),
                OfferingStatus::Retired => ().into_any(),
            }}
            {(status != OfferingStatus::Retired).then(|| view! {
                <details>
                    <summary>{say(lang, "不再提供这项服务", "Stop offering this")}</summary>
                    <form method="post" action=act("retire") class="actions">
                        <input type="hidden" name="revision" value=revision.clone() />
                        <p class="hint">{say(lang, "停止后，居民就搜不到这项服务了；修改记录会保留。", "Residents will no longer find it; its history is kept.")}</p>
                        <OfferingInput name="retire_reason" label=say(lang, "原因（可不填）", "Why (optional)") />
                        <button type="submit" class="button danger">{say(lang, "停止提供", "Retire")}</button>
                    </form>
                </details>
            })}
        </section>
    }
}

/// The service page as residents would see it: the same facts, not yet published.
fn preview_panel(lang: Lang, p: crate::api::offerings::OfferingPreview) -> impl IntoView {
    let t = crate::i18n::text(lang);
    let mut eligibility: Vec<String> = Vec::new();
    if let Some(age) = p.eligibility.min_age {
        eligibility.push((t.min_age)(age));
    }
    if p.eligibility.residence_required {
        eligibility.push(t.residence_required.to_owned());
    }
    if p.eligibility.disability_certificate_required {
        eligibility.push(t.certificate_required.to_owned());
    }
    if let Some(note) = &p.eligibility.note {
        eligibility.push(note.clone());
    }
    if eligibility.is_empty() {
        eligibility.push(t.anyone.to_owned());
    }
    let cost = match &p.price {
        Some(price) => format!("{} {price}", t.cost_kind(p.cost)),
        None => t.cost_kind(p.cost).to_owned(),
    };
    let coverage = (!p.coverage.is_empty()).then(|| p.coverage.join("、"));
    view! {
        <section class="panel preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">{say(lang, "预览：居民将看到的样子（还未保存）", "Preview: what residents will see (not saved yet)")}</h2>
            <p class="eyebrow"><span class="badge category">{p.category}</span></p>
            <p class="preview-name">{p.name}</p>
            <p class="lead">{p.description}</p>
            <dl class="facts detail-facts">
                <div class="fact"><dt>{t.where_}</dt><dd>{t.delivery(p.delivery)} " · " {p.place}</dd></div>
                <div class="fact"><dt>{t.address}</dt><dd>{p.address}</dd></div>
                {coverage.map(|c| view! { <div class="fact"><dt>{t.coverage}</dt><dd>{c}</dd></div> })}
                <div class="fact"><dt>{say(lang, "服务时间", "Hours")}</dt><dd>{p.hours}</dd></div>
                <div class="fact"><dt>{say(lang, "服务对象", "Who may use it")}</dt><dd>{eligibility.join("；")}</dd></div>
                <div class="fact"><dt>{say(lang, "费用", "Cost")}</dt><dd>{cost}</dd></div>
                <div class="fact"><dt>{say(lang, "电话", "Phone")}</dt><dd>{p.phone}</dd></div>
            </dl>
        </section>
    }
}

fn photo_panel(lang: Lang, id: i64, photo: Option<String>) -> impl IntoView {
    use crate::domain::offerings::photo::{photo_path, PhotoSize};
    let flash = use_context::<Flash>().unwrap_or_default();
    let error = flash.error("photo", "photo", lang);
    view! {
        <section class="panel" aria-labelledby="photo-heading">
            <h2 id="photo-heading">{say(lang, "照片", "Photo")}</h2>
            <crate::components::form::FormNotice form="photo" />
            {photo.map(|key| view! {
                <img class="offering-photo" src=photo_path(&key, PhotoSize::Card) alt=say(lang, "当前照片", "Current photo") width="320" height="240" />
                <form method="post" action=format!("/account/offerings/{id}/photo/remove") class="actions">
                    <button type="submit" class="button secondary">{say(lang, "删除照片", "Remove photo")}</button>
                </form>
            })}
            <form method="post" action=format!("/account/offerings/{id}/photo") enctype="multipart/form-data" class="actions">
                <div class="field">
                    <label for="photo-file">{say(lang, "上传一张照片（JPEG、PNG 或 WebP，最大 5 MB）", "Upload a photo (JPEG, PNG or WebP, at most 5 MB)")}</label>
                    {error.clone().map(|e| view! { <p class="field-error" id="photo-file-error">{e}</p> })}
                    <input type="file" id="photo-file" name="photo" accept="image/jpeg,image/png,image/webp"
                        aria-invalid=error.is_some().then_some("true")
                        aria-describedby=error.is_some().then_some("photo-file-error") />
                </div>
                <button type="submit" class="button secondary">{say(lang, "上传照片", "Upload photo")}</button>
            </form>
        </section>
    }
}

fn history_panel(lang: Lang, history: Vec<Revision>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">{say(lang, "修改记录", "History")}</h2>
            <ol class="plain history">
                {history.into_iter().map(|r| {
                    let action = match r.action.as_str() {
                        "created" => say(lang, "发布", "published"),
                        "edited" => say(lang, "修改", "edited"),
                        "paused" => say(lang, "暂停", "paused"),
                        "resumed" => say(lang, "恢复", "resumed"),
                        _ => say(lang, "停止提供", "retired"),
                    };
                    let fields = if r.action == "edited" {
                        r.changes.iter().map(|c| field_label(lang, &c.field)).collect::<Vec<_>>().join(say(lang, "、", ", "))
                    } else {
                        String::new()
                    };
                    view! {
                        <li>
                            <strong>{local_time(r.at)}</strong> " · "
                            {r.by_name.unwrap_or_else(|| say(lang, "已注销的账号", "a deleted account").to_owned())} " · "
                            {action}
                            {(!fields.is_empty()).then(|| view! { "：" {fields} })}
                            {r.reason.map(|reason| view! { "（" {reason} "）" })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

fn field_label(lang: Lang, field: &str) -> &'static str {
    match field {
        "category" => say(lang, "类别", "category"),
        "name_zh" => say(lang, "中文名称", "Chinese name"),
        "name_en" => say(lang, "英文名称", "English name"),
        "description_zh" => say(lang, "中文介绍", "Chinese description"),
        "description_en" => say(lang, "英文介绍", "English description"),
        "delivery" => say(lang, "服务方式", "delivery"),
        "place_id" => say(lang, "地点", "place"),
        "latitude" | "longitude" => say(lang, "坐标", "coordinates"),
        "address" => say(lang, "地址", "address"),
        "coverage" => say(lang, "上门范围", "coverage"),
        "hours" => say(lang, "服务时间", "hours"),
        "eligibility" => say(lang, "服务对象", "eligibility"),
        "cost" => say(lang, "收费方式", "cost"),
        "price" => say(lang, "价格", "price"),
        "phone" => say(lang, "电话", "phone"),
        "capacity" => say(lang, "每周名额", "weekly capacity"),
        _ => say(lang, "其他", "other"),
    }
}

fn offering_form(lang: Lang, v: &OfferingFormView) -> impl IntoView {
    let flash = use_context::<Flash>().unwrap_or_default();
    let shown = Shown {
        form: "offering",
        values: v.values.clone(),
        flash,
        lang,
    };
    provide_context(shown.clone());
    let action = match v.offering {
        Some(id) => format!("/account/offerings/{id}"),
        None => format!("/account/organizations/{}/offerings", v.organization),
    };
    let mut categories = vec![(String::new(), say(lang, "请选择", "Choose").to_owned())];
    categories.extend(v.categories.iter().cloned());
    let places: Vec<(String, String)> = std::iter::once((String::new(), say(lang, "请选择", "Choose").to_owned()))
        .chain(v.places.iter().map(|p| {
            (
                p.id.to_string(),
                if lang == Lang::Zh {
                    p.label_zh.clone()
                } else {
                    p.label_en.clone()
                },
            )
        }))
        .collect();
    let covered: Vec<String> = shown.value("coverage").split(',').map(str::to_owned).collect();
    let coverage_error = shown.error("coverage");
    let hours_error = shown.error("hours");
    let delivery = shown.value("delivery");
    let days = [
        ("周一", "Monday"),
        ("周二", "Tuesday"),
        ("周三", "Wednesday"),
        ("周四", "Thursday"),
        ("周五", "Friday"),
        ("周六", "Saturday"),
        ("周日", "Sunday"),
    ];
    let units = [
        ("visit", "次", "visit"),
        ("meal", "餐", "meal"),
        ("hour", "小时", "hour"),
        ("day", "天", "day"),
        ("month", "月", "month"),
    ]
    .into_iter()
    .map(|(slug, zh, en)| {
        (
            slug.to_owned(),
            format!("{} {}", say(lang, "每", "per"), say(lang, zh, en)),
        )
    })
    .collect::<Vec<_>>();
    let costs = [
        ("free", "免费", "free"),
        ("subsidized", "补贴（居民付一部分）", "subsidized"),
        ("paid", "收费", "paid"),
    ]
    .into_iter()
    .map(|(slug, zh, en)| (slug.to_owned(), say(lang, zh, en).to_owned()))
    .collect::<Vec<_>>();
    let checkbox = |name: &'static str, label: &'static str| {
        let checked = shown.value(name) == "1";
        let id = format!("offering-{name}");
        view! {
            <div class="choice">
                <input type="checkbox" id=id.clone() name=name value="1" checked=checked />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <form method="post" action=action class="panel offering-form" novalidate>
            {v.revision.map(|r| view! { <input type="hidden" name="revision" value=r.to_string() /> })}
            <fieldset>
                <legend>{say(lang, "服务内容", "What it is")}</legend>
                <OfferingSelect name="category" label=say(lang, "服务类别", "Category") options=categories />
                <OfferingInput name="name_zh" label=say(lang, "服务名称（中文）", "Name in Chinese") required=true />
                <OfferingInput name="name_en" label=say(lang, "服务名称（英文，可不填）", "Name in English (optional)") />
                <OfferingText name="description_zh" label=say(lang, "服务介绍（中文）", "Description in Chinese") required=true />
                <OfferingText name="description_en" label=say(lang, "服务介绍（英文，可不填）", "Description in English (optional)") />
            </fieldset>
            <fieldset>
                <legend>{say(lang, "在哪里服务", "Where")}</legend>
                <div class="field" role="radiogroup" aria-labelledby="offering-delivery-label">
                    <p id="offering-delivery-label" class="label">{say(lang, "服务方式", "Delivery")}</p>
                    {[("on-site", say(lang, "到服务点", "At our place")), ("at-home", say(lang, "上门服务", "At the resident's home"))].into_iter().map(|(value, label)| {
                        let id = format!("offering-delivery-{value}");
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="delivery" value=value checked=delivery == value />
                                <label for=id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <OfferingSelect name="place_id" label=say(lang, "服务地点（上门服务填出发地）", "Place (for at-home: where you set out from)") options=places />
                <OfferingInput name="address" label=say(lang, "详细地址（可不填，默认为地点名称）", "Address (optional; the place's name by default)") />
                <details>
                    <summary>{say(lang, "精确坐标（可不填）", "Exact coordinates (optional)")}</summary>
                    <OfferingInput name="latitude" label=say(lang, "纬度", "Latitude") inputmode="decimal" />
                    <OfferingInput name="longitude" label=say(lang, "经度", "Longitude") inputmode="decimal" error_of="latitude" />
                </details>
                <fieldset class="field" aria-describedby=coverage_error.as_ref().map(|_| "offering-coverage-error")>
                    <legend>{say(lang, "上门服务范围（上门服务必选）", "Homes reached (at-home offerings)")}</legend>
                    {coverage_error.clone().map(|e| view! { <p class="field-error" id="offering-coverage-error">{e}</p> })}
                    <div class="choices">
                        {v.places.iter().map(|p| {
                            let id = format!("offering-coverage-{}", p.id);
                            let value = p.id.to_string();
                            let checked = covered.contains(&value);
                            let label = if lang == Lang::Zh { p.label_zh.clone() } else { p.label_en.clone() };
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name="coverage" value=value checked=checked />
                                    <label for=id>{label}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </fieldset>
            <fieldset aria-describedby=hours_error.as_ref().map(|_| "offering-hours-error")>
                <legend>{say(lang, "服务时间", "Opening hours")}</legend>
                {hours_error.clone().map(|e| view! { <p class="field-error" id="offering-hours-error">{e}</p> })}
                <p class="hint">{say(lang, "不营业的日子留空。", "Leave closed days empty.")}</p>
                {days.into_iter().enumerate().map(|(i, (zh, en))| {
                    let day = i + 1;
                    let (opens, closes) = (format!("opens_{day}"), format!("closes_{day}"));
                    let day_name = say(lang, zh, en);
                    view! {
                        <div class="day-hours">
                            <span class="day">{day_name}</span>
                            <label for=format!("offering-{opens}") class="visually-hidden">{format!("{day_name} {}", say(lang, "开始", "opens"))}</label>
                            <input type="time" id=format!("offering-{opens}") name=opens.clone() value=shown.value(&opens) />
                            <span aria-hidden="true">"–"</span>
                            <label for=format!("offering-{closes}") class="visually-hidden">{format!("{day_name} {}", say(lang, "结束", "closes"))}</label>
                            <input type="time" id=format!("offering-{closes}") name=closes.clone() value=shown.value(&closes) />
                        </div>
                    }
                }).collect_view()}
                <OfferingText name="exceptions" label=say(lang, "特殊日期（节假日、调休，每行一个）", "Dated exceptions (holidays, adjusted working days), one per line")
                    hint=say(lang, "例如：2026-10-01 休息，或 2026-10-11 08:30-17:00", "e.g. 2026-10-01 closed, or 2026-10-11 08:30-17:00") />
                <OfferingInput name="hours_note" label=say(lang, "时间说明（可不填）", "Note on hours (optional)") />
            </fieldset>
            <fieldset>
                <legend>{say(lang, "服务对象", "Who may use it")}</legend>
                <OfferingInput name="min_age" label=say(lang, "最低年龄（可不填）", "Minimum age (optional)") inputmode="numeric" />
                {checkbox("residence_required", say(lang, "需本地户籍或居住证", "Local hukou or residence permit required"))}
                {checkbox("disability_certificate_required", say(lang, "需残疾证", "Disability certificate required"))}
                <OfferingInput name="eligibility_note" label=say(lang, "其他条件（可不填）", "Other conditions (optional)") />
            </fieldset>
            <fieldset>
                <legend>{say(lang, "费用和联系", "Cost and contact")}</legend>
                <OfferingSelect name="cost" label=say(lang, "收费方式", "Cost") options=costs />
                <OfferingInput name="price_yuan" label=say(lang, "价格（元，免费不填）", "Price in yuan (empty if free)") inputmode="decimal" error_of="price" />
                <OfferingSelect name="price_unit" label=say(lang, "计价单位", "Per") options=units />
                <OfferingInput name="phone" label=say(lang, "咨询电话", "Phone") kind="tel" inputmode="tel" required=true />
                <OfferingInput name="capacity" label=say(lang, "每周可服务人数（可不填）", "Residents served a week (optional)") inputmode="numeric" />
            </fieldset>
            <div class="actions">
                <button type="submit" class="button secondary" name="intent" value="preview">{say(lang, "预览", "Preview")}</button>
                <button type="submit" class="button">
                    {if v.offering.is_some() { say(lang, "保存修改", "Save changes") } else { say(lang, "发布", "Publish") }}
                </button>
            </div>
        </form>
    }
}
