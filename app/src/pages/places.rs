//! Choosing home, one short list at a time: subdistrict → community → courtyard, estate
//! or unit (`crate::domain::place_picker`). Areas are links (`/places?in=ID`); places are
//! buttons of one POST form to `/prefs`, which remembers the choice and shows the
//! services near it. Nothing here needs JavaScript.

use super::home_forms::GeoButton;
use crate::api::directory::{load_place_picker, PlacesView};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::grid::GridUnit;
use crate::domain::ids::GridUnitId;
use crate::domain::place_picker::{PickerStep, ZonePlaces};
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PlacesPage() -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let query = use_query_map();
    let picker = Resource::new(move || query.get().get("in"), load_place_picker);
    view! {
        <Title text=t.choose_place />
        <h1 class="page-title">{t.choose_place}</h1>
        <p class="hint">{t.choose_place_hint}</p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match picker.await {
                    Ok(view) => view! { <Picker view /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
        // Its room is kept before the wasm draws the button: no layout shift.
        <div class="geo-slot"><GeoButton lang={expect_context::<Prefs>().lang} /></div>
    }
}

fn areas_href(unit: &GridUnit) -> String {
    format!("/places?in={}", unit.id)
}

#[component]
fn Picker(view: PlacesView) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let PlacesView { picker, home } = view;
    let last = picker.trail.len().saturating_sub(1);
    let trail = (!picker.trail.is_empty()).then(|| {
        view! {
            <nav class="place-trail" aria-label=t.place_trail>
                <ol>
                    {picker.trail.into_iter().enumerate().map(|(at, unit)| {
                        if at == last {
                            view! { <li aria-current="location">{unit.name}</li> }.into_any()
                        } else {
                            view! { <li><a href=areas_href(&unit)>{unit.name.clone()}</a></li> }.into_any()
                        }
                    }).collect_view()}
                </ol>
            </nav>
        }
    });
    let step = match picker.step {
        PickerStep::Areas(areas) if areas.is_empty() => {
            view! { <p class="notice empty">{t.nothing_to_choose}</p> }.into_any()
        }
        PickerStep::Areas(areas) => view! {
            <ul class="place-choices">
                {areas.into_iter().map(|unit| {
                    let href = areas_href(&unit);
                    view! {
                        <li>
                            <a class="place-choice" href=href>
                                <span>{unit.name}</span>
                                <span class="go" aria-hidden="true">"›"</span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
        PickerStep::Community { community, zones } => view! {
            <form method="post" action="/prefs" class="place-form">
                <ul class="place-choices">
                    <li><PlaceButton id=community.id name=(t.whole_community)(&community.name) home /></li>
                </ul>
                {zones.into_iter().map(|ZonePlaces { zone, places }| view! {
                    <h2 class="zone-name">{zone.name}</h2>
                    <ul class="place-choices">
                        {places.into_iter().map(|place| view! {
                            <li><PlaceButton id=place.id name=place.name home /></li>
                        }).collect_view()}
                    </ul>
                }).collect_view()}
            </form>
        }
        .into_any(),
    };
    view! {
        {trail}
        {step}
    }
}

/// Choosing one place: a whole-width button, marked when it is the remembered home.
#[component]
fn PlaceButton(id: GridUnitId, name: String, home: Option<GridUnitId>) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let current = home == Some(id);
    view! {
        <button type="submit" class="place-choice" name="home_place" value=id.to_string()>
            <span>{name}</span>
            {current.then(|| view! { <span class="badge current">"✓ " {t.current_home}</span> })}
        </button>
    }
}
