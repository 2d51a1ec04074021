//! `/certificates/:code`: a certificate of volunteer service hours, for the volunteer to
//! print and for anyone to check. The page is the verification: what it shows is what the
//! record said when the certificate was issued, read from the database by its code.

use crate::api::activities::load_certificate;
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::activities::certificate::Certificate;
use crate::domain::activities::hours::hours_words;
use crate::domain::calendar::Day;
use crate::domain::lang::Lang;
use crate::i18n::say;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CertificatePage() -> impl IntoView {
    let lang = expect_context::<Prefs>().lang;
    let code = use_params_map().with_untracked(|p| p.get("code").unwrap_or_default());
    let certificate = Resource::new(move || code.clone(), load_certificate);
    let title = say(lang, "志愿服务时长证明", "Certificate of volunteer service");
    view! {
        <Title text=title />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match certificate.await {
                    Err(error) => view! {
                        <h1 class="page-title">{title}</h1>
                        <ErrorMessage error />
                        <p>{say(lang, "请核对证明上的编号。", "Check the code printed on the certificate.")}</p>
                    }.into_any(),
                    Ok(c) => certificate_view(lang, title, c).into_any(),
                }
            })}
        </Suspense>
    }
}

fn certificate_view(lang: Lang, title: &'static str, c: Certificate) -> impl IntoView {
    let star = c.star();
    let stars = format!("{}{}", "★".repeat(usize::from(star)), "☆".repeat(5 - usize::from(star)));
    let issued = Day::of(c.issued_at).to_string();
    view! {
        <article class="certificate">
            <h1 class="page-title">{title}</h1>
            <p class="verified" role="status">{say(lang, "✔ 本证明真实有效：以下内容与家门口的记录一致。",
                "✔ This certificate is genuine: what follows matches Doorstep's records.")}</p>
            <p class="lead">{match lang {
                Lang::Zh => format!("兹证明 {} 参加社区志愿服务，经活动组织方确认的服务时长如下。", c.name),
                Lang::En => format!("This certifies that {} volunteered in the community, with the service hours below as approved by the organizers.", c.name),
            }}</p>
            <dl class="facts detail-facts">
                <div class="fact"><dt>{say(lang, "累计服务时长", "Hours in all")}</dt>
                    <dd><strong>{hours_words(c.total_minutes).get(lang).to_owned()}</strong></dd></div>
                <div class="fact"><dt>{say(lang, "当年服务时长", "Hours that year")}</dt>
                    <dd>{hours_words(c.year_minutes).get(lang).to_owned()}</dd></div>
                <div class="fact"><dt>{say(lang, "参加活动", "Activities")}</dt>
                    <dd>{match lang { Lang::Zh => format!("{} 次", c.activities), Lang::En => c.activities.to_string() }}</dd></div>
                <div class="fact"><dt>{say(lang, "星级", "Star level")}</dt>
                    <dd><span class="stars" aria-hidden="true">{stars}</span> " "
                        {match lang { Lang::Zh => format!("{star} 星"), Lang::En => format!("{star} of 5 stars") }}</dd></div>
                <div class="fact"><dt>{say(lang, "开具日期", "Issued")}</dt><dd>{issued}</dd></div>
                <div class="fact"><dt>{say(lang, "核验编号", "Verification code")}</dt><dd><strong>{c.code.clone()}</strong></dd></div>
            </dl>
            <p class="hint">{match lang {
                Lang::Zh => format!("任何人都可以打开本网站的 /certificates/{} 核验这份证明。", c.code),
                Lang::En => format!("Anyone can check it at /certificates/{} on this site.", c.code),
            }}</p>
            <p class="no-print">{say(lang, "用浏览器的“打印”即可打印或存为 PDF。", "Use the browser's Print to print it or save it as a PDF.")}</p>
        </article>
    }
}
