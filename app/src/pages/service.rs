//! A service: everything a resident needs to decide and act, and a phone link to act.

use crate::api::directory::load_service;
use crate::api::requests::load_reviews;
use crate::components::read_aloud::ReadAloud;
use crate::components::reviews::ReviewList;
use crate::components::service_card::{cost_line, ServiceCard};
use crate::components::status::{ErrorMessage, Loading};
use crate::domain::directory::{Delivery, ServiceDetail};
use crate::domain::requests::reviews::Review;
use crate::i18n::text;
use crate::prefs::Prefs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The id in the path, if it is a positive whole number.
pub fn path_id<Id: TryFrom<i64>>(raw: Option<String>) -> Option<Id> {
    Id::try_from(raw?.parse::<i64>().ok()?).ok()
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || path_id(params.get().get("id")),
        |id| async move {
            match id {
                Some(id) => {
                    let service = load_service(id).await?;
                    // The page stands without its reviews if they cannot be read.
                    let reviews = load_reviews(id.get()).await.unwrap_or_default();
                    Ok((service, reviews))
                }
                None => Err(crate::domain::error::AppError::not_found("服务", "service").into()),
            }
        },
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok((service, reviews)) => view! { <ServiceView service reviews /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ServiceView(service: ServiceDetail, reviews: Vec<Review>) -> impl IntoView {
    let t = text(expect_context::<Prefs>().lang);
    let s = service.summary.clone();
    let cost = cost_line(t, &s);
    let tel = format!("tel:{}", service.phone.replace(['-', ' '], ""));
    let org_href = format!("/organizations/{}", s.organization.id);
    let mut eligibility: Vec<String> = Vec::new();
    if let Some(age) = service.eligibility.min_age {
        eligibility.push((t.min_age)(age));
    }
    if service.eligibility.residence_required {
        eligibility.push(t.residence_required.to_owned());
    }
    if service.eligibility.disability_certificate_required {
        eligibility.push(t.certificate_required.to_owned());
    }
    if let Some(note) = &service.eligibility.note {
        eligibility.push(note.clone());
    }
    if eligibility.is_empty() {
        eligibility.push(t.anyone.to_owned());
    }
    let coverage = (service.delivery == Delivery::AtHome && !service.coverage.is_empty()).then(|| {
        service
            .coverage
            .iter()
            .map(|g| g.name.clone())
            .collect::<Vec<_>>()
            .join("、")
    });

    view! {
        <Title text=s.name.clone() />
        <article class="service-detail">
            <div id="service-text">
                <p class="eyebrow"><span class="badge category">{s.category.name.clone()}</span></p>
                <h1 class="page-title">{s.name.clone()}</h1>
                {service.paused.clone().map(|reason| view! {
                    <p class="notice paused" role="status">
                        <strong>{t.paused}</strong>
                        {(!reason.is_empty()).then(|| view! { "：" {reason} })}
                    </p>
                })}
                {service.photo.clone().map(|src| view! {
                    <img class="service-photo" src=src alt=s.name.clone() width="960" height="720" />
                })}
                <p class="lead">{service.description.clone()}</p>
                <dl class="facts detail-facts">
                    <div class="fact">
                        <dt>{t.provided_by}</dt>
                        <dd><a href=org_href>{s.organization.name.clone()}</a></dd>
                    </div>
                    <div class="fact">
                        <dt>{t.where_}</dt>
                        <dd>{t.delivery(service.delivery)} " · " {service.place.name.clone()}</dd>
                    </div>
                    <div class="fact">
                        <dt>{t.address}</dt>
                        <dd>
                            {s.address.clone()}
                            {s.distance_m.map(|m| view! { <span class="distance">" (" {t.distance} " " {(t.metres)(m)} ")"</span> })}
                        </dd>
                    </div>
                    {coverage.map(|c| view! {
                        <div class="fact"><dt>{t.coverage}</dt><dd>{c}</dd></div>
                    })}
                    <div class="fact">
                        <dt>{t.hours}</dt>
                        <dd>{service.hours.clone()}</dd>
                    </div>
                    <div class="fact">
                        <dt>{t.eligibility}</dt>
                        <dd><ul class="plain">{eligibility.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul></dd>
                    </div>
                    <div class="fact">
                        <dt>{t.cost}</dt>
                        <dd>{cost}</dd>
                    </div>
                    {service.capacity.map(|n| view! {
                        <div class="fact"><dt>{t.capacity}</dt><dd>{(t.capacity_value)(n)}</dd></div>
                    })}
                    <div class="fact">
                        <dt>{t.phone}</dt>
                        <dd>{service.phone.clone()}</dd>
                    </div>
                </dl>
            </div>
            <div class="actions">
                {service.paused.is_none().then(|| view! {
                    <a class="button" href=format!("/services/{}/request", s.id)>{t.request_service}</a>
                })}
                <a class="button call" href=tel>
                    <span aria-hidden="true">"📞 "</span>
                    {(t.call)(&service.phone)}
                </a>
                <ReadAloud target_id={"service-text".to_owned()} lang={expect_context::<Prefs>().lang} />
            </div>
        </article>
        <RatingPanel rating=s.rating />
        <ReviewList reviews />
        <section class="other-offerings" aria-labelledby="others-heading">
            <h2 id="others-heading">{t.other_offerings}</h2>
            {if service.other_offerings.is_empty() {
                view! { <p>{t.none_other}</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list">
                        {service.other_offerings.clone().into_iter().map(|service| view! { <ServiceCard service /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        <p><a href="/" class="button secondary">"← " {t.back_to_results}</a></p>
    }
}

/// Residents' ratings of a service or an organization: the average, the count, and how
/// many gave each of the five levels, as bars with their numbers written out.
#[component]
pub fn RatingPanel(rating: crate::domain::requests::rating::RatingSummary) -> impl IntoView {
    use crate::domain::requests::rating::Score;
    let lang = expect_context::<Prefs>().lang;
    let t = text(lang);
    let count = rating.count();
    view! {
        <section class="panel ratings" aria-labelledby="ratings-heading">
            <h2 id="ratings-heading">{t.rating}</h2>
            {match rating.average() {
                None => view! { <p>{t.no_ratings}</p> }.into_any(),
                Some(average) => view! {
                    <p class="rating-average"><strong>{format!("{average:.1}")}</strong> " / 5 · " {(t.ratings_count)(count)}</p>
                    <ul class="plain distribution">
                        {Score::ALL.iter().map(|s| {
                            let n = rating.counts[usize::from(s.get() - 1)];
                            let percent = (f64::from(n) * 100.0 / f64::from(count.max(1))).round();
                            view! {
                                <li>
                                    <span class="level"><span aria-hidden="true">{s.face()}</span> " " {s.words().get(lang).to_owned()}</span>
                                    // An SVG bar: the CSP allows no inline styles.
                                    <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                        <rect width=percent.to_string() height="10" />
                                    </svg>
                                    <span class="n">{n}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::path_id;
    use crate::domain::ids::ServiceId;

    #[test]
    fn only_positive_whole_numbers_are_ids() {
        assert_eq!(path_id::<ServiceId>(Some("42".into())).map(ServiceId::get), Some(42));
        assert_eq!(path_id::<ServiceId>(Some("0".into())), None);
        assert_eq!(path_id::<ServiceId>(Some("4x".into())), None);
        assert_eq!(path_id::<ServiceId>(None), None);
    }
}
