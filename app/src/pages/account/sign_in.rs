//! Sign in: with a text-message code (how most older residents sign in to Chinese apps)
//! or with a password.

use crate::account_text::account_text;
use crate::components::form::{take_flash, Field, FormNotice};
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = account_text(expect_context::<Prefs>().lang);
    provide_context(take_flash());
    view! {
        <Title text=t.sign_in />
        <h1 class="page-title">{t.sign_in}</h1>
        <section class="panel" aria-labelledby="code-heading">
            <h2 id="code-heading">{t.with_code}</h2>
            <FormNotice form="code" />
            <CodeForm />
        </section>
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">{t.with_password}</h2>
            <FormNotice form="password" />
            <form method="post" action="/account/sign-in" novalidate>
                <input type="hidden" name="form" value="password" />
                <Field form="password" name="login" label=t.login_label autocomplete="username" inputmode="tel" required=true />
                <Field form="password" name="password" kind="password" label=t.password_label autocomplete="current-password" required=true />
                <button type="submit" class="button">{t.sign_in}</button>
            </form>
        </section>
        <p><a href="/sign-up">{t.no_account}</a></p>
    }
}

/// Step one asks for the number and sends the code; once a code was sent (the flash
/// says so), step two asks for the code, with the number filled in and a button to
/// send another. One form either way, so Enter does the step's main action.
#[component]
fn CodeForm() -> impl IntoView {
    let t = account_text(expect_context::<Prefs>().lang);
    let flash = use_context::<crate::flash::Flash>().unwrap_or_default();
    let code_sent = flash.form == "code" && !flash.value("code", "login").is_empty();
    if code_sent {
        view! {
            <form method="post" action="/account/sign-in" novalidate>
                <input type="hidden" name="form" value="code" />
                <Field form="code" name="login" label=t.login_label autocomplete="tel" inputmode="tel" required=true />
                <Field form="code" name="code" label=t.code_label hint=t.code_hint autocomplete="one-time-code" inputmode="numeric" required=true />
                <div class="actions">
                    <button type="submit" class="button">{t.sign_in}</button>
                    <button type="submit" class="button secondary" formaction="/account/code">{t.send_code}</button>
                </div>
            </form>
        }
        .into_any()
    } else {
        view! {
            <form method="post" action="/account/code" novalidate>
                <Field form="code" name="login" label=t.login_label hint=t.login_hint autocomplete="tel" inputmode="tel" required=true />
                <button type="submit" class="button">{t.send_code}</button>
            </form>
        }
        .into_any()
    }
}
