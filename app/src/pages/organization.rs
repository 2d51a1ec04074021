//! An organization: who they are, whether the community verified them, what they offer.

use super::service::path_id;
use crate::api::directory::load_organization;
use crate::components::service_card::ServiceCard;
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::directory::OrganizationDetail;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || path_id(params.get().get("id")),
        |id| async move {
            match id {
                Some(id) => load_organization(id).await,
                None => Err(crate::domain::error::AppError::not_found("机构", "organization").into()),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(organization) => view! { <OrganizationView organization /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrganizationView(organization: OrganizationDetail) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let o = organization;
    let tel = format!("tel:{}", o.phone.replace(['-', ' '], ""));
    // The organization's rating: its offerings' ratings together.
    let mut rating = crate::domain::requests::rating::RatingSummary::default();
    for service in &o.offerings {
        for (all, one) in rating.counts.iter_mut().zip(service.rating.counts) {
            *all += one;
        }
    }
    view! {
        <Title text=o.name.clone() />
        <article class="organization-detail">
            <p class="eyebrow"><span class="badge category">{t.organization_kind(o.kind)}</span></p>
            <h1 class="page-title">{o.name.clone()}</h1>
            <p class="verification">
                {if o.verified { format!("✔ {}", t.verified) } else { format!("✖ {}", t.not_verified) }}
            </p>
            <p class="lead">{o.description.clone()}</p>
            <dl class="facts detail-facts">
                <div class="fact"><dt>{t.community}</dt><dd>{o.community.name.clone()}</dd></div>
                <div class="fact"><dt>{t.address}</dt><dd>{o.address.clone()}</dd></div>
                <div class="fact"><dt>{t.phone}</dt><dd>{o.phone.clone()}</dd></div>
            </dl>
            <p><a class="button call" href=tel><span aria-hidden="true">"📞 "</span>{(t.call)(&o.phone)}</a></p>
        </article>
        <super::service::RatingPanel rating />
        <section aria-labelledby="offerings-heading">
            <h2 id="offerings-heading">{t.offerings}</h2>
            <ul class="card-list">
                {o.offerings.into_iter().map(|service| view! { <ServiceCard service /> }).collect_view()}
            </ul>
        </section>
    }
}
