//! The home page's forms: what the resident looks for (a GET form whose fields are the
//! search API's parameters), and "use my location".

use crate::components::client_only::ClientOnly;
use crate::domain::catalog::{CategoryGroup, CostKind};
use crate::domain::directory::Category;
use crate::domain::lang::Lang;
use crate::domain::search::{Origin, SearchParams, SortOrder, DEFAULT_RADIUS_M};
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_router::components::Form;

/// Radii offered in the form, in metres.
const RADII: [u32; 5] = [500, 1_000, 3_000, 5_000, 10_000];

/// Use the phone's position (JavaScript only). On success, searches from there.
/// An island: the language comes as a prop, since the server's context does not travel.
#[island]
pub fn GeoButton(lang: Lang) -> impl IntoView {
    let t = text(lang);
    let (state, set_state) = signal(None::<&'static str>);
    let locate = move |_| {
        set_state.set(Some(t.locating));
        geo::locate(move |position| match position {
            Some((lat, lon)) => {
                set_state.set(None);
                // About 100 m: enough to find services nearby, not enough to find a door.
                geo::go_to(&format!("/?lat={lat:.3}&lon={lon:.3}"));
            }
            None => set_state.set(Some(t.location_failed)),
        });
    };
    view! {
        <ClientOnly>
            <button type="button" class="button secondary geo-button" on:click=locate>
                <span aria-hidden="true">"🧭 "</span>
                {t.use_my_location}
            </button>
            <p class="hint" role="status">{move || state.get()}</p>
        </ClientOnly>
    }
}

/// Filters over the current location. Hidden fields carry the location along.
#[component]
pub fn FilterForm(params: SearchParams, categories: Vec<Category>) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let origin_fields = match params.origin {
        Some(Origin::Position(p)) => view! {
            <input type="hidden" name="lat" value=format!("{:.3}", p.latitude()) />
            <input type="hidden" name="lon" value=format!("{:.3}", p.longitude()) />
        }
        .into_any(),
        Some(Origin::Place(id)) => view! { <input type="hidden" name="place" value=id.to_string() /> }.into_any(),
        None => ().into_any(),
    };
    let has_origin = params.origin.is_some();
    let group = params.group;
    let cost = params.cost;
    let radius = params.radius.get();
    let sort = params.sort;
    let chosen = params.categories.first().map(|c| c.as_str().to_owned());
    let group_name = move |g: CategoryGroup| match g {
        CategoryGroup::ElderCare => t.elder_care,
        CategoryGroup::Disability => t.disability,
    };
    view! {
        <Form method="GET" action="/" attr:class="filter-grid">
                {origin_fields}
                <div class="field wide">
                    <label for="q">{t.search_label}</label>
                    <input id="q" name="q" type="search" maxlength="100" placeholder=t.search_placeholder
                        value=params.text.as_ref().map(|q| q.as_str().to_owned()).unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="group">{t.group_label}</label>
                    <select id="group" name="group">
                        <option value="">{t.all_groups}</option>
                        {CategoryGroup::ALL.into_iter().map(|g| view! {
                            <option value=g.slug() selected=group == Some(g)>{group_name(g)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="category">{t.category_label}</label>
                    <select id="category" name="category">
                        <option value="">{t.all_categories}</option>
                        {CategoryGroup::ALL.into_iter().map(|g| {
                            let options = categories.iter().filter(|c| c.group == g).map(|c| {
                                let selected = chosen.as_deref() == Some(c.slug.as_str());
                                view! { <option value=c.slug.clone() selected=selected>{c.name.clone()}</option> }
                            }).collect_view();
                            view! { <optgroup label=group_name(g)>{options}</optgroup> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="cost">{t.cost_label}</label>
                    <select id="cost" name="cost">
                        <option value="">{t.any}</option>
                        {CostKind::ALL.into_iter().map(|c| view! {
                            <option value=c.slug() selected=cost == Some(c)>{t.cost_kind(c)}</option>
                        }).collect_view()}
                    </select>
                </div>
                {has_origin.then(|| view! {
                    <div class="field">
                        <label for="radius_m">{t.radius_label}</label>
                        <select id="radius_m" name="radius_m">
                            {RADII.into_iter().map(|r| view! {
                                <option value=r.to_string() selected=r == radius || (r == DEFAULT_RADIUS_M && !RADII.contains(&radius))>
                                    {(t.metres)(r)}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="field">
                    <label for="sort">{t.sort_label}</label>
                    <select id="sort" name="sort">
                        {SortOrder::ALL.into_iter().map(|s| view! {
                            <option value=s.slug() selected=sort == s>
                                {match s {
                                    // Without a place to measure from, the usual order is by name.
                                    SortOrder::Nearest if has_origin => t.sort_nearest,
                                    SortOrder::Nearest => t.sort_name,
                                    SortOrder::Rating => t.sort_rating,
                                }}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="actions wide">
                    <button type="submit" class="button">{t.search_button}</button>
                    <a class="button secondary" href="/">{t.clear_filters}</a>
                </div>
        </Form>
    }
}

#[cfg(feature = "hydrate")]
mod geo {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// Asks the browser for the position once; calls `done` with it, or `None`.
    pub fn locate(done: impl Fn(Option<(f64, f64)>) + Clone + 'static) {
        let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
            done(None);
            return;
        };
        let ok_done = done.clone();
        let ok = Closure::once_into_js(move |position: web_sys::Position| {
            let c = position.coords();
            ok_done(Some((c.latitude(), c.longitude())));
        });
        let err = Closure::once_into_js(move |_: wasm_bindgen::JsValue| done(None));
        let options = web_sys::PositionOptions::new();
        options.set_timeout(15_000);
        options.set_maximum_age(300_000);
        let _ = geolocation.get_current_position_with_error_callback_and_options(
            ok.unchecked_ref(),
            Some(err.unchecked_ref()),
            &options,
        );
    }

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// `public/app-shell.js`: fetches the page and swaps it in, no document reload.
        #[wasm_bindgen(js_namespace = doorstep, js_name = navigate, catch)]
        fn navigate(url: &str) -> Result<(), wasm_bindgen::JsValue>;
    }

    /// The results near the position, rendered by the server and swapped in; a full page
    /// load where the navigation script is missing.
    pub fn go_to(url: &str) {
        if navigate(url).is_err() {
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(url);
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod geo {
    pub fn locate(done: impl Fn(Option<(f64, f64)>) + Clone + 'static) {
        done(None)
    }

    pub fn go_to(_url: &str) {}
}
