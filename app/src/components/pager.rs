//! Previous / next links for a result list. Plain links carrying the whole search in the
//! URL, so any page can be shared, bookmarked and reloaded.

use crate::domain::search::SearchParams;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;

#[component]
pub fn Pager(params: SearchParams, total: u64) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let paging = params.paging;
    let link = |p| format!("/?{}", params.to_query_string(p));
    let previous = paging.previous().map(link);
    let next = paging.next(total).map(link);
    (previous.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=t.results_pagination>
                {previous.map(|href| view! { <a href=href class="button secondary" rel="prev">"← " {t.previous_page}</a> })}
                {next.map(|href| view! { <a href=href class="button" rel="next">{t.next_page} " →"</a> })}
            </nav>
        }
    })
}
