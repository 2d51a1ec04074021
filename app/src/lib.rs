#![recursion_limit = "256"]
//! Doorstep (家门口): the Leptos app, compiled to wasm (feature `hydrate`) and into the
//! server (feature `ssr`).

pub mod account_text;
pub mod api;
pub mod app;
/// The pure domain crate, under the name the rest of the app uses.
pub use doorstep_domain as domain;
pub mod components;
pub mod flash;
pub mod i18n;
pub mod pages;
pub mod prefs;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Islands: the server renders every page whole; only `#[island]` widgets (the phone
    // position button, read-aloud) come alive here.
    leptos::mount::hydrate_islands();
    // A marker for browser tests (and curious developers): the page is now interactive.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
