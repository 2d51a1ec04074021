//! The form to request a service (`/services/:id/request`): for oneself, a linked family
//! member or someone described; where, when and what is needed. A plain form post to
//! `/account/requests`, answered 303 to the request's page or back here with what was
//! typed (kept in `form_drafts`) and what is wrong, and the nearby services that reach the
//! address when it is outside this one's area.

use super::offering_fields::{OfferingInput as TextInput, OfferingSelect as Select, OfferingText as TextArea, Shown};
use super::requests::param_id;
use super::PleaseSignIn;
use crate::api::requests::{load_request_form, RequestFormView};
use crate::components::form::{take_flash, FormNotice};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::lang::Lang;
use crate::domain::offerings::form::DRAFT_FIELD;
use crate::domain::requests::input::AgeBand;
use crate::flash::Flash;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

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
