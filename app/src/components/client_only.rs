//! Marks widgets that need JavaScript: they appear only once the page has hydrated, so a
//! resident without JavaScript never sees a button that does nothing.

use leptos::prelude::*;

/// True once the app runs in the browser (effects never run on the server).
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

#[component]
pub fn ClientOnly(children: ChildrenFn) -> impl IntoView {
    let hydrated = use_hydrated();
    view! { <Show when=move || hydrated.get()>{children()}</Show> }
}
