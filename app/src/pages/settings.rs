//! Settings: language, elder mode, and forgetting the remembered location.

use crate::components::prefs_forms::ElderModeSwitch;
use crate::domain::lang::Lang;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let t = text(prefs.lang);
    view! {
        <Title text=t.settings_title />
        <h1 class="page-title">{t.settings_title}</h1>
        <section class="panel" aria-labelledby="language-heading">
            <h2 id="language-heading">{t.language}</h2>
            <form method="post" action="/prefs" class="stack">
                <input type="hidden" name="return_to" value="/settings" />
                <fieldset>
                    <legend class="visually-hidden">{t.language}</legend>
                    {Lang::ALL.into_iter().map(|lang| {
                        let id = format!("lang-{}", lang.code());
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="lang" value=lang.code() checked=prefs.lang == lang />
                                <label for=id lang=lang.html_tag()>{match lang { Lang::Zh => "中文（简体）", Lang::En => "English" }}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">{t.save}</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="elder-heading">
            <h2 id="elder-heading">{t.elder_mode}</h2>
            <p>{t.elder_mode_hint}</p>
            <ElderModeSwitch />
        </section>
        <section class="panel" aria-labelledby="home-heading">
            <h2 id="home-heading">{t.where_are_you}</h2>
            <p>{t.remembered_location}</p>
            <form method="post" action="/prefs">
                <input type="hidden" name="forget_home" value="1" />
                <input type="hidden" name="return_to" value="/settings" />
                <button type="submit" class="button secondary">{t.forget_location}</button>
            </form>
        </section>
    }
}
