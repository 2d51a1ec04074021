//! What the offering pages show: an organization's offerings, and the form to publish
//! or edit one with its status and history. Changes are plain form posts
//! (`/account/...offerings...`, server/src/forms/offerings.rs).

use super::error::FnError;
use crate::domain::ids::{OrganizationId, ServiceId};
use crate::domain::offerings::form::FormValues;
use crate::domain::offerings::store::{OfferingLine, OfferingStatus, PlaceOption, Revision};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An organization's offerings, for its staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferingsView {
    pub organization: OrganizationId,
    pub organization_name: String,
    pub lines: Vec<OfferingLine>,
}

/// The form page of one offering (new when `offering` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferingFormView {
    pub organization: OrganizationId,
    pub organization_name: String,
    pub offering: Option<ServiceId>,
    pub status: Option<OfferingStatus>,
    pub status_reason: Option<String>,
    pub revision: Option<i64>,
    /// The key of its photo, if any.
    pub photo: Option<String>,
    /// What the form shows: a refused post's values, else the offering's.
    pub values: FormValues,
    /// Category slugs and names.
    pub categories: Vec<(String, String)>,
    pub places: Vec<PlaceOption>,
    pub history: Vec<Revision>,
    /// The service page as residents would see it, when a preview was asked for.
    pub preview: Option<OfferingPreview>,
}

/// What the service page would show, in the page's language (the form's preview).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferingPreview {
    pub name: String,
    pub category: String,
    pub description: String,
    pub delivery: crate::domain::directory::Delivery,
    pub place: String,
    pub address: String,
    pub coverage: Vec<String>,
    pub hours: String,
    pub cost: crate::domain::catalog::CostKind,
    /// "¥12/餐" when not free.
    pub price: Option<String>,
    pub phone: String,
    pub eligibility: crate::domain::directory::Eligibility,
}

/// How a form draft's key is stored: its SHA-256, so the table alone opens nothing.
#[cfg(feature = "ssr")]
pub fn draft_key_hash(key: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(feature = "ssr")]
fn offerings_store() -> Result<std::sync::Arc<dyn crate::domain::offerings::store::OfferingStore>, FnError> {
    use crate::domain::error::AppError;
    use_context::<std::sync::Arc<dyn crate::domain::offerings::store::OfferingStore>>().ok_or_else(|| {
        tracing::error!("no offerings store in context: the router was built without one");
        FnError::App(AppError::Internal {
            reference: "no-offerings-store".into(),
        })
    })
}

#[cfg(feature = "ssr")]
fn signed_in() -> Result<crate::domain::accounts::principal::Principal, FnError> {
    super::context::principal().ok_or(FnError::App(crate::domain::error::AppError::Unauthenticated))
}

#[cfg(feature = "ssr")]
fn checked<Id: TryFrom<i64>>(field: &str, raw: i64) -> Result<Id, FnError> {
    use crate::domain::validation::FieldError;
    Id::try_from(raw).map_err(|_| {
        FnError::App(crate::domain::error::AppError::BadRequest(vec![FieldError::new(
            field.to_owned(),
            "须为正整数编号",
            "must be a positive whole number",
        )]))
    })
}

/// An organization's offerings (its members, and the community staff overseeing it).
#[server(prefix = "/api/fn", endpoint = "offerings")]
pub async fn load_offerings(organization: i64) -> Result<OfferingsView, FnError> {
    use super::context::with_status;
    use crate::domain::error::AppError;
    use crate::domain::offerings::use_cases::Offerings;
    with_status(
        async {
            let who = signed_in()?;
            let organization: OrganizationId = checked("organization", organization)?;
            let store = offerings_store()?;
            let use_cases = Offerings {
                store: store.as_ref(),
                now: 0,
            };
            let lines = use_cases.list(&who, organization).await?;
            let (zh, en) = store
                .organization_name(organization)
                .await?
                .ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let name = match crate::prefs::Prefs::current().lang {
                crate::domain::lang::Lang::Zh => zh,
                crate::domain::lang::Lang::En => en,
            };
            Ok(OfferingsView {
                organization,
                organization_name: name,
                lines,
            })
        }
        .await,
    )
}

/// The form page: for a new offering of `organization`, or for `offering`; `draft` is
/// the key a refused post left for what was typed.
#[server(prefix = "/api/fn", endpoint = "offering-form")]
pub async fn load_offering_form(
    organization: Option<i64>,
    offering: Option<i64>,
    draft: Option<String>,
    preview: Option<bool>,
) -> Result<OfferingFormView, FnError> {
    use super::context::{store, with_status};
    use crate::domain::error::AppError;
    use crate::domain::lang::Lang;
    use crate::domain::offerings::use_cases::Offerings;
    with_status(
        async {
            let who = signed_in()?;
            let offerings = offerings_store()?;
            let use_cases = Offerings {
                store: offerings.as_ref(),
                now: 0,
            };
            let (organization, current, history) = match (organization, offering) {
                (_, Some(id)) => {
                    let id: ServiceId = checked("offering", id)?;
                    let (current, history) = use_cases.history(&who, id).await?;
                    (current.organization, Some(current), history)
                }
                (Some(org), None) => (checked("organization", org)?, None, Vec::new()),
                (None, None) => return Err(AppError::not_found("服务项目", "offering").into()),
            };
            // Only its staff edit (community staff read it through the API).
            if who.role_in(organization).is_none() {
                return Err(AppError::not_found("机构", "organization").into());
            }
            let lang = crate::prefs::Prefs::current().lang;
            let mut values = match &current {
                Some(o) => o.input.to_form(),
                None => FormValues::from([
                    ("delivery".to_owned(), "on-site".to_owned()),
                    ("cost".to_owned(), "free".to_owned()),
                ]),
            };
            if let Some(key) = draft.filter(|k| !k.is_empty()) {
                let hash = draft_key_hash(&key);
                if let Some(kept) = offerings.take_form_draft(&hash, who.person).await? {
                    values = serde_json::from_str(&kept).unwrap_or(values);
                }
            }
            let (zh, en) = offerings
                .organization_name(organization)
                .await?
                .ok_or_else(|| AppError::not_found("机构", "organization"))?;
            let categories: Vec<(String, String)> = store()?
                .categories(lang)
                .await?
                .into_iter()
                .map(|c| (c.slug, c.name))
                .collect();
            let places = offerings.places_of(organization).await?;
            let preview = if preview == Some(true) {
                let pairs: Vec<(String, String)> = values
                    .iter()
                    .flat_map(|(k, v)| {
                        // Multi-valued fields were kept comma-joined.
                        let many = k == "coverage";
                        let parts: Vec<String> = if many {
                            v.split(',').map(str::to_owned).collect()
                        } else {
                            vec![v.clone()]
                        };
                        parts.into_iter().map(move |p| (k.clone(), p))
                    })
                    .collect();
                let (input, _) = crate::domain::offerings::draft::OfferingInput::from_form(&pairs);
                match use_cases.preview(&who, organization, &input).await {
                    Ok(p) => Some(preview_of(p, lang, &categories, &places)),
                    Err(_) => None,
                }
            } else {
                None
            };
            Ok(OfferingFormView {
                organization,
                organization_name: if lang == Lang::Zh { zh } else { en },
                offering: current.as_ref().map(|o| o.id),
                status: current.as_ref().map(|o| o.status),
                status_reason: current.as_ref().and_then(|o| o.status_reason.clone()),
                revision: current.as_ref().map(|o| o.revision),
                photo: current.as_ref().and_then(|o| o.photo.clone()),
                values,
                categories,
                places,
                history,
                preview,
            })
        }
        .await,
    )
}

/// The preview of a publication, named in `lang` from what the form page already has.
#[cfg(feature = "ssr")]
fn preview_of(
    p: crate::domain::offerings::store::Publication,
    lang: crate::domain::lang::Lang,
    categories: &[(String, String)],
    places: &[PlaceOption],
) -> OfferingPreview {
    use crate::domain::lang::Lang;
    let zh = lang == Lang::Zh;
    let place_name = |id: crate::domain::ids::GridUnitId| {
        places
            .iter()
            .find(|o| o.id == id)
            .map(|o| if zh { o.label_zh.clone() } else { o.label_en.clone() })
            .unwrap_or_default()
    };
    let d = &p.draft;
    let price = d.price.map(|(fen, unit)| {
        let words = unit.words();
        let amount = crate::domain::directory::Price {
            amount_fen: fen,
            unit: String::new(),
        }
        .yuan();
        format!("{amount}/{}", if zh { words.0 } else { words.1 })
    });
    OfferingPreview {
        name: if zh { d.name_zh.clone() } else { p.name_en.clone() },
        category: categories
            .iter()
            .find(|(slug, _)| slug == d.category.as_str())
            .map(|(_, name)| name.clone())
            .unwrap_or_default(),
        description: if zh {
            d.description_zh.clone()
        } else {
            p.description_en.clone()
        },
        delivery: d.delivery,
        place: place_name(d.place),
        address: if zh { p.address_zh.clone() } else { p.address_en.clone() },
        coverage: d.coverage.iter().map(|c| place_name(*c)).collect(),
        hours: if zh { p.hours_zh.clone() } else { p.hours_en.clone() },
        cost: d.cost,
        price,
        phone: d.phone.clone(),
        eligibility: crate::domain::directory::Eligibility {
            min_age: d.min_age,
            residence_required: d.residence_required,
            disability_certificate_required: d.disability_certificate_required,
            note: d.eligibility_note.clone(),
        },
    }
}
