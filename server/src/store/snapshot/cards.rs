//! Every service's search-result card, in both languages, so that an indexed search reads
//! nothing but the directory version from the database. Organizations and categories are
//! shared (`Arc`) by their services, so 100,000 cards cost tens of megabytes, not hundreds.

use super::super::rows;
use super::by_id::ById;
use super::{Interner, Localized};
use app::domain::catalog::{CategoryGroup, CostKind};
use app::domain::directory::{CategoryRef, OrganizationRef, Price, ServiceSummary};
use app::domain::geo::LocalPlane;
use app::domain::ids::{OrganizationId, ServiceId};
use app::domain::lang::Lang;
use app::domain::requests::rating::RatingSummary;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug)]
struct Category {
    slug: String,
    name: Localized,
    group: CategoryGroup,
}

#[derive(Debug)]
struct Organization {
    id: i64,
    name: Localized,
}

#[derive(Debug)]
pub struct Card {
    name: Localized,
    category: Arc<Category>,
    organization: Arc<Organization>,
    latitude: f64,
    longitude: f64,
    address: Localized,
    cost: CostKind,
    /// Shared by the services with the same price: one pointer, not 48 bytes each.
    price: Option<Arc<PriceTag>>,
    /// Residents' ratings by score: applied as a change of the service when one lands.
    rating: RatingSummary,
}

/// A price as stored: the amount and its unit in each language, each optional.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PriceTag {
    fen: Option<i64>,
    unit_zh: Option<Arc<str>>,
    unit_en: Option<Arc<str>>,
}

/// The columns [`Cards::add`] reads, for a `FROM services s JOIN organizations o
/// JOIN categories c LEFT JOIN service_ratings sr` query.
pub const COLUMNS: &str = "s.id, s.name_zh, s.name_en, s.category_slug, c.name_zh AS category_name_zh, \
     c.name_en AS category_name_en, c.group_slug, s.organization_id, o.name_zh AS organization_name_zh, \
     o.name_en AS organization_name_en, s.latitude, s.longitude, s.address_zh, s.address_en, s.cost_kind, \
     s.price_fen, s.price_unit_zh, s.price_unit_en, sr.r1, sr.r2, sr.r3, sr.r4, sr.r5";

#[derive(Debug, Default)]
pub struct Cards {
    cards: ById<Card>,
    /// Each organization's services, for its page and "other offerings"; sorted by name
    /// in each language once loaded ([`Cards::finish`]), `[zh, en]`.
    by_organization: HashMap<i64, [Vec<i64>; 2]>,
    categories: HashMap<String, Arc<Category>>,
    organizations: HashMap<i64, Arc<Organization>>,
    /// Repeated texts and prices while the cards are read ([`Interner`]).
    texts: Interner,
    prices: std::collections::HashSet<Arc<PriceTag>>,
}

impl Cards {
    /// Adds the service in `row` (read with [`COLUMNS`]); `listed` ones (active) also go
    /// into their organization's list.
    pub fn add(&mut self, row: &AnyRow, listed: bool) -> Result<(), sqlx::Error> {
        let card = self.read(row)?;
        let id: i64 = row.try_get("id")?;
        if listed {
            self.by_organization.entry(card.organization.id).or_default()[0].push(id);
        }
        self.cards.push(id, card);
        Ok(())
    }

    /// The card in `row`, sharing this set's categories and organizations where it can.
    pub fn read(&mut self, row: &AnyRow) -> Result<Card, sqlx::Error> {
        let slug: String = row.try_get("category_slug")?;
        let category = match self.categories.get(&slug) {
            Some(category) => category.clone(),
            None => {
                let group: String = row.try_get("group_slug")?;
                let category = Arc::new(Category {
                    slug: slug.clone(),
                    name: Localized::read(row, "category_name")?,
                    group: CategoryGroup::parse(&group).ok_or_else(|| rows::corrupt("group_slug", &group))?,
                });
                self.categories.insert(slug, category.clone());
                category
            }
        };
        let organization_id: i64 = row.try_get("organization_id")?;
        let organization = match self.organizations.get(&organization_id) {
            Some(organization) => organization.clone(),
            None => {
                let organization = Arc::new(Organization {
                    id: organization_id,
                    name: Localized::read(row, "organization_name")?,
                });
                self.organizations.insert(organization_id, organization.clone());
                organization
            }
        };
        let cost: String = row.try_get("cost_kind")?;
        let unit_zh: Option<&str> = row.try_get("price_unit_zh")?;
        let unit_en: Option<&str> = row.try_get("price_unit_en")?;
        let tag = PriceTag {
            fen: row.try_get("price_fen")?,
            unit_zh: self.texts.optional(unit_zh),
            unit_en: self.texts.optional(unit_en),
        };
        let price = (tag != PriceTag::NONE).then(|| match self.prices.get(&tag) {
            Some(shared) => shared.clone(),
            None => {
                let tag = Arc::new(tag);
                self.prices.insert(tag.clone());
                tag
            }
        });
        Ok(Card {
            name: Localized::read(row, "name")?,
            category,
            organization,
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
            address: Localized::read_shared(row, "address", &mut self.texts)?,
            cost: CostKind::parse(&cost).ok_or_else(|| rows::corrupt("cost_kind", &cost))?,
            price,
            rating: rows::rating_summary(row)?,
        })
    }

    /// Sorts each organization's services by name in each language (byte order, then id:
    /// the SQL path's `ORDER BY name, id` under SQLite's BINARY and PostgreSQL's "C"
    /// collation), once, instead of on every page that lists them.
    pub fn finish(&mut self) {
        self.texts = Interner::default();
        self.prices = Default::default();
        self.cards.finish();
        let cards = &self.cards;
        for [zh, en] in self.by_organization.values_mut() {
            zh.sort_by(|a, b| name(cards, a, Lang::Zh).cmp(name(cards, b, Lang::Zh)).then(a.cmp(b)));
            *en = zh.clone();
            en.sort_by(|a, b| name(cards, a, Lang::En).cmp(name(cards, b, Lang::En)).then(a.cmp(b)));
        }
    }

    pub fn card(&self, id: i64) -> Option<&Card> {
        self.cards.get(id)
    }

    /// An organization's listed services by name in `lang` (their ids).
    pub fn listed_of(&self, organization_id: i64, lang: Lang) -> &[i64] {
        match (self.by_organization.get(&organization_id), lang) {
            (Some([zh, _]), Lang::Zh) => zh,
            (Some([_, en]), Lang::En) => en,
            (None, _) => &[],
        }
    }
}

fn name<'a>(cards: &'a ById<Card>, id: &i64, lang: Lang) -> &'a str {
    cards.get(*id).map_or("", |card| card.name(lang))
}

impl PriceTag {
    const NONE: PriceTag = PriceTag {
        fen: None,
        unit_zh: None,
        unit_en: None,
    };
}

impl Card {
    /// The card of service `id` as [`rows::service_summary`] would read it.
    pub fn summary(&self, id: i64, lang: Lang, plane: Option<&LocalPlane>) -> ServiceSummary {
        let card = self;
        let (fen, unit) = match (&card.price, lang) {
            (Some(tag), Lang::Zh) => (tag.fen, tag.unit_zh.as_ref()),
            (Some(tag), Lang::En) => (tag.fen, tag.unit_en.as_ref()),
            (None, _) => (None, None),
        };
        ServiceSummary {
            id: ServiceId::from_row(id),
            name: card.name.get(lang),
            category: CategoryRef {
                slug: card.category.slug.clone(),
                name: card.category.name.get(lang),
                group: card.category.group,
            },
            organization: OrganizationRef {
                id: OrganizationId::from_row(card.organization.id),
                name: card.organization.name.get(lang),
            },
            latitude: card.latitude,
            longitude: card.longitude,
            address: card.address.get(lang),
            cost: card.cost,
            // As the SQL path: a price only when the amount and this language's unit are set.
            price: match (fen, unit) {
                (Some(amount_fen), Some(unit)) => Some(Price {
                    amount_fen,
                    unit: unit.to_string(),
                }),
                _ => None,
            },
            distance_m: rows::distance_m(plane, card.latitude, card.longitude),
            rating: card.rating,
        }
    }

    pub fn name(&self, lang: Lang) -> &str {
        self.name.of(lang)
    }

    pub fn organization_id(&self) -> i64 {
        self.organization.id
    }
}
