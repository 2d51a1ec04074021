//! One service in a list: name, provider, category, distance and cost at a glance.

use crate::domain::directory::ServiceSummary;
use crate::i18n::{text, Text};
use crate::prefs::Prefs;
use leptos::prelude::*;

/// "免费" or "政府补贴 ¥12/餐".
pub fn cost_line(t: &Text, service: &ServiceSummary) -> String {
    match &service.price {
        Some(price) => format!("{} {}/{}", t.cost_kind(service.cost), price.yuan(), price.unit),
        None => t.cost_kind(service.cost).to_owned(),
    }
}

/// A plain `<a>`, not the router's `<A>`: a card never links to the page it is on, and the
/// router's link costs a reactive scope per card on every list the server renders
/// (measured in docs/PERFORMANCE.md).
#[component]
pub fn ServiceCard(service: ServiceSummary) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let href = format!("/services/{}", service.id);
    let cost = cost_line(t, &service);
    let cost_class = format!("badge cost-{}", service.cost.slug());
    view! {
        <li class="card service-card">
            <h3 class="card-title">
                <a href=href>{service.name.clone()}</a>
            </h3>
            <p class="card-meta">
                <span class="badge category">{service.category.name.clone()}</span>
                <span class=cost_class>{cost}</span>
            </p>
            <dl class="facts">
                {service.distance_m.map(|m| view! {
                    <div class="fact distance">
                        <dt>{t.distance}</dt>
                        <dd>{(t.metres)(m)}</dd>
                    </div>
                })}
                <div class="fact">
                    <dt>{t.provided_by}</dt>
                    <dd>{service.organization.name.clone()}</dd>
                </div>
                {service.rating.average().map(|average| view! {
                    <div class="fact rating">
                        <dt>{t.rating}</dt>
                        <dd>{format!("{average:.1}")} " · " {(t.ratings_count)(service.rating.count())}</dd>
                    </div>
                })}
            </dl>
        </li>
    }
}
