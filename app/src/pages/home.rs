//! The home page is the directory: services near the resident, nearest first.
//!
//! Everything it shows follows from the URL's query string, so a result page can be shared
//! and reloaded, and the filter form is a plain GET form that works without JavaScript.

use super::home_forms::{FilterForm, GeoButton};
use crate::api::directory::{find_services, SearchView};
use crate::components::category_tiles::CategoryTiles;
use crate::components::pager::Pager;
use crate::components::service_card::ServiceCard;
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::search::Origin;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let location = use_location();
    let search = Resource::new(move || location.search.get(), find_services);

    view! {
        <Title text=t.nav_home />
        <h1 class="page-title">{t.near_you}</h1>
        <crate::pages::activities::DirectoryTabs activities=false />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match search.await {
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    Ok(view) => view! { <Directory view /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Directory(view: SearchView) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let SearchView {
        params,
        page,
        place_name,
        options,
    } = view;
    let origin_line = match (params.origin, &place_name) {
        (Some(Origin::Place(_)), Some(name)) => format!("{} {name}", t.near_place),
        (Some(Origin::Position(_)), _) => format!("{} {}", t.near_place, t.my_position),
        _ => t.no_location_yet.to_owned(),
    };
    let categories = options.categories;
    // The picker opens at the chosen place's community, one step from a change.
    let picker_href = match params.origin {
        Some(Origin::Place(id)) => format!("/places?in={id}"),
        _ => "/places".to_owned(),
    };
    let from = params.paging.offset() + 1;
    let to = params.paging.offset() + page.items.len() as u64;
    let summary = if page.items.is_empty() {
        None
    } else if page.total as usize == page.items.len() {
        Some((t.results_count)(page.total))
    } else {
        Some((t.results_range)(from, to, page.total))
    };

    let located = params.origin.is_some();
    let filters_open =
        params.group.is_some() || params.cost.is_some() || !params.categories.is_empty() || params.text.is_some();
    let no_location = params.origin.is_none().then_some(t.no_location_yet);
    view! {
        // The chosen place in one line, which opens the picker (a page of its own, a few
        // short lists); while no place is known, "use my location" sits beside it.
        <section class="location" aria-labelledby="where-heading">
            <h2 id="where-heading" class="visually-hidden">{t.where_are_you}</h2>
            <a class="place-line" href=picker_href>
                <span aria-hidden="true">"📍"</span>
                <span class="origin">{if located { origin_line } else { t.where_are_you.to_owned() }}</span>
                <span class="change">{if located { t.change_place } else { t.choose_place }}</span>
            </a>
            {(!located).then(|| view! {
                // Its room is kept before the wasm draws the button: no layout shift.
                <div class="geo-slot"><GeoButton lang={expect_context::<Prefs>().lang} /></div>
            })}
        </section>
        <CategoryTiles categories=categories.clone() params=params.clone() />
        <details class="panel filters" open=filters_open>
            <summary>{t.filters}</summary>
            <FilterForm params=params.clone() categories />
        </details>
        <section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading" class="visually-hidden">{t.near_you}</h2>
            {no_location.map(|line| view! { <p class="hint">{line}</p> })}
            {summary.map(|s| view! { <p class="result-count">{s}</p> })}
            {if page.items.is_empty() {
                view! {
                    <div class="notice empty">
                        <p><strong>{t.no_results}</strong></p>
                        <p>{t.no_results_hint}</p>
                        <p><a href="/needs">{t.tell_a_need}</a></p>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <ul class="card-list">
                        {page.items.into_iter().map(|service| view! { <ServiceCard service /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <Pager params total=page.total />
            <p class="need-link"><a href="/needs">{t.tell_a_need}</a></p>
        </section>
    }
}
