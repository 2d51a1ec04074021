//! Fields of the long forms (an offering, a request): each shows the value to edit (a refused post's, else the
//! offering's, [`Shown`]) and its refusal beside it, linked by `aria-describedby`. Unlike
//! [`crate::components::form::Field`], whose values come from the flash cookie, these
//! read values the page loaded (the offering, or a kept draft too long for a cookie).

use crate::domain::lang::Lang;
use crate::flash::Flash;
use leptos::prelude::*;

/// The values and refusals the form shows, provided as context by the form.
#[derive(Clone)]
pub struct Shown {
    /// The form's name: its flash and the prefix of its fields' ids.
    pub form: &'static str,
    pub values: crate::domain::offerings::form::FormValues,
    pub flash: Flash,
    pub lang: Lang,
}

impl Shown {
    pub fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    pub fn error(&self, name: &str) -> Option<String> {
        self.flash.error(self.form, name, self.lang)
    }
}

/// What every field needs: its id, value, refusal and the ids that describe it.
struct Labelled {
    id: String,
    value: String,
    error: Option<String>,
    hint_id: Option<String>,
    error_id: Option<String>,
    described: Option<String>,
}

fn labelled(name: &str, error_of: Option<&str>, hint: Option<&str>) -> Labelled {
    let shown = use_context::<Shown>();
    let id = format!("{}-{name}", shown.as_ref().map_or("offering", |s| s.form));
    let error = shown.as_ref().and_then(|s| s.error(error_of.unwrap_or(name)));
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let error_id = error.as_ref().map(|_| format!("{id}-error"));
    let described = [hint_id.clone(), error_id.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Labelled {
        value: shown.map(|s| s.value(name)).unwrap_or_default(),
        id,
        error,
        hint_id,
        error_id,
        described: (!described.is_empty()).then_some(described),
    }
}

/// A labelled text input, with its hint and refusal (`error_of`: the field whose refusal
/// it shows, when several inputs make one value, as latitude and longitude do).
#[component]
pub fn OfferingInput(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] error_of: Option<&'static str>,
) -> impl IntoView {
    let l = labelled(name, error_of, hint);
    view! {
        <div class="field">
            <label for=l.id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=l.hint_id.clone()>{h}</p> })}
            {l.error.clone().map(|e| view! { <p class="field-error" id=l.error_id.clone()>{e}</p> })}
            <input id=l.id name=name type=kind value=l.value inputmode=inputmode required=required
                aria-invalid=l.error.is_some().then_some("true")
                aria-describedby=l.described />
        </div>
    }
}

/// A labelled text area, with its hint and refusal.
#[component]
pub fn OfferingText(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let l = labelled(name, None, hint);
    view! {
        <div class="field">
            <label for=l.id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=l.hint_id.clone()>{h}</p> })}
            {l.error.clone().map(|e| view! { <p class="field-error" id=l.error_id.clone()>{e}</p> })}
            <textarea id=l.id name=name rows="4" required=required
                aria-invalid=l.error.is_some().then_some("true")
                aria-describedby=l.described>{l.value}</textarea>
        </div>
    }
}

/// A labelled select of `(value, text)` options, with its refusal.
#[component]
pub fn OfferingSelect(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    #[prop(optional)] error_of: Option<&'static str>,
) -> impl IntoView {
    let l = labelled(name, error_of, None);
    let chosen = l.value.clone();
    view! {
        <div class="field">
            <label for=l.id.clone()>{label}</label>
            {l.error.clone().map(|e| view! { <p class="field-error" id=l.error_id.clone()>{e}</p> })}
            <select id=l.id name=name aria-invalid=l.error.is_some().then_some("true") aria-describedby=l.described>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
