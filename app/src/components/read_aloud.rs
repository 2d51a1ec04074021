//! "Read aloud": speaks the page's main text with the browser's speech synthesis, for
//! residents who find reading hard. Shown only where JavaScript runs and the browser
//! can speak.

use super::client_only::use_hydrated;
use crate::domain::lang::Lang;
use crate::i18n::text;
use leptos::prelude::*;

/// An island: hydrated on its own; its props travel from the server as JSON.
#[island]
pub fn ReadAloud(
    /// The element whose text is read.
    target_id: String,
    lang: Lang,
) -> impl IntoView {
    let t = text(lang);
    let hydrated = use_hydrated();
    let (speaking, set_speaking) = signal(false);
    let available = move || hydrated.get() && speech::available();
    let toggle = move |_| {
        if speaking.get_untracked() {
            speech::stop();
            set_speaking.set(false);
        } else {
            set_speaking.set(speech::speak(&target_id, lang.html_tag(), move || {
                set_speaking.set(false)
            }));
        }
    };
    view! {
        <Show when=available>
            <button type="button" class="button secondary read-aloud" on:click=toggle.clone()>
                <span aria-hidden="true">"🔊 "</span>
                {move || if speaking.get() { t.stop_reading } else { t.read_aloud }}
            </button>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod speech {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    fn synth() -> Option<web_sys::SpeechSynthesis> {
        web_sys::window()?.speech_synthesis().ok()
    }

    pub fn available() -> bool {
        synth().is_some()
    }

    pub fn stop() {
        if let Some(s) = synth() {
            s.cancel();
        }
    }

    /// Starts speaking; returns whether it started.
    pub fn speak(target_id: &str, lang: &str, on_end: impl Fn() + 'static) -> bool {
        let Some(synth) = synth() else { return false };
        let Some(text) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(target_id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            .map(|e| e.inner_text())
        else {
            return false;
        };
        let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(&text) else {
            return false;
        };
        utterance.set_lang(lang);
        utterance.set_rate(0.9);
        let end = Closure::<dyn Fn()>::new(on_end);
        utterance.set_onend(Some(end.as_ref().unchecked_ref()));
        // The utterance outlives this call; so must its callback.
        end.forget();
        synth.cancel();
        synth.speak(&utterance);
        true
    }
}

#[cfg(not(feature = "hydrate"))]
mod speech {
    pub fn available() -> bool {
        false
    }
    pub fn stop() {}
    pub fn speak(_: &str, _: &str, _: impl Fn() + 'static) -> bool {
        false
    }
}
