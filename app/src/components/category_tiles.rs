//! Large tiles, one per kind of service, leading the home page: what residents come for,
//! one tap from the first screen. Each is a plain link that keeps the chosen place.

use crate::domain::catalog::CategorySlug;
use crate::domain::directory::Category;
use crate::domain::search::{Paging, SearchParams};
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;

/// Line drawings on a 24 × 24 grid (stroked, so they follow the text colour), one per
/// category of the demo catalogue; a plain circle for categories added later.
fn icon_path(slug: &str) -> &'static str {
    match slug {
        "meal-assistance" => "M3 11h18a9 9 0 0 1-18 0zM8 3.5c0 2 2 2 2 4.5M13 3.5c0 2 2 2 2 4.5",
        "home-care" => "M3 11 12 3l9 8M5 9.5V21h14V9.5M12 18s-3.5-2-3.5-4.2a1.7 1.7 0 0 1 3.5-.6 1.7 1.7 0 0 1 3.5.6C15.5 16 12 18 12 18z",
        "day-care" => "M12 7.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM12 1.5v3M12 19.5v3M1.5 12h3M19.5 12h3M4.6 4.6l2.1 2.1M17.3 17.3l2.1 2.1M4.6 19.4l2.1-2.1M17.3 6.7l2.1-2.1",
        "health" => "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
        "bathing" => "M12 2.5S5.5 10 5.5 14.5a6.5 6.5 0 0 0 13 0C18.5 10 12 2.5 12 2.5z",
        "cleaning" => "M15 2.5 11 12M5.5 12h11l2 9.5h-15zM9 16v5.5M13 16v5.5",
        "companionship" => "M3.5 4.5h17v11H9l-5.5 4.5zM8 9h8M8 12h5",
        "emergency-call" => "M5 3h4l2 5-2.5 1.8a11 11 0 0 0 5.7 5.7L16 13l5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z",
        "rehabilitation" => "M12 2.5a2 2 0 1 1 0 4 2 2 0 0 1 0-4zM4.5 9.5l7.5-1.5 7.5 1.5M12 8v6M8 21.5l4-7.5 4 7.5",
        "assistive-devices" => "M10 2.5a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6zM10 8v6h6l2.5 6M10 11h5M7.5 10.5a5.5 5.5 0 1 0 7.5 7",
        "employment" => "M3 7.5h18V20H3zM8.5 7.5V4.5h7v3M3 12.5h18",
        "mobility" => "M4.5 3.5h15v13h-15zM4.5 10h15M7.5 20.5v-4M16.5 20.5v-4M8 13.2h.01M16 13.2h.01",
        "training" => "M2.5 5c4-1 7 0 9.5 2 2.5-2 5.5-3 9.5-2v14c-4-1-7 0-9.5 2-2.5-2-5.5-3-9.5-2zM12 7v14",
        _ => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z",
    }
}

#[component]
pub fn CategoryIcon(slug: String) -> impl IntoView {
    view! {
        <svg class="category-icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
            <path d=icon_path(&slug) />
        </svg>
    }
}

/// The tiles, each leading to the nearest services of its kind from the chosen place.
#[component]
pub fn CategoryTiles(categories: Vec<Category>, params: SearchParams) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let chosen = params.categories.first().map(|c| c.as_str().to_owned());
    let tiles = categories
        .into_iter()
        .filter_map(|category| {
            let slug = CategorySlug::parse(&category.slug).ok()?;
            let search = SearchParams {
                categories: vec![slug],
                group: None,
                cost: None,
                text: None,
                paging: Paging::default(),
                ..params.clone()
            };
            let href = format!("/?{}", search.to_query_string(Paging::default()));
            let current = (chosen.as_deref() == Some(category.slug.as_str())).then_some("page");
            Some(view! {
                <li>
                    <a class="category-tile" href=href aria-current=current>
                        <CategoryIcon slug=category.slug />
                        <span>{category.name}</span>
                    </a>
                </li>
            })
        })
        .collect_view();
    view! {
        <nav class="category-tiles" aria-labelledby="tiles-heading">
            <h2 id="tiles-heading" class="visually-hidden">{t.browse_by_category}</h2>
            <ul>{tiles}</ul>
        </nav>
    }
}
