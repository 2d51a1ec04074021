//! Sign up: mobile number (or e-mail), name, an optional password, and consent to the
//! privacy notice; the code that confirms it arrives by text message.

use crate::account_text::account_text;
use crate::components::form::{take_flash, Checkbox, Field, FormNotice};
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let t = account_text(expect_context::<Prefs>().lang);
    provide_context(take_flash());
    view! {
        <Title text=t.sign_up />
        <h1 class="page-title">{t.sign_up}</h1>
        <p class="lead">{t.sign_up_intro}</p>
        <form method="post" action="/account/sign-up" class="panel" novalidate>
            <FormNotice form="sign-up" />
            <Field form="sign-up" name="login" label=t.login_label hint=t.login_hint autocomplete="tel" inputmode="tel" required=true />
            <Field form="sign-up" name="display_name" label=t.name_label hint=t.name_hint autocomplete="nickname" required=true />
            <Field form="sign-up" name="password" kind="password" label=t.password_optional_label hint=t.password_optional_hint autocomplete="new-password" />
            <section class="privacy" aria-labelledby="privacy-heading">
                <h2 id="privacy-heading">{t.privacy_heading}</h2>
                <p>{t.privacy_notice}</p>
            </section>
            <Checkbox form="sign-up" name="consent" label=t.consent_label />
            <button type="submit" class="button">{t.sign_up_submit}</button>
        </form>
        <p><a href="/sign-in">{t.have_account}</a></p>
    }
}
