//! What a service page and an organization page show beyond the result cards: a service's
//! description, hours, eligibility, phone, place and coverage; an organization's profile.
//! Held so that those pages, like a search, read nothing but the directory version.

use super::super::rows::{corrupt, flag};
use super::by_id::ById;
use super::{Interner, Localized, OptionalPair};
use app::domain::directory::{Delivery, Eligibility, OrganizationKind};
use app::domain::lang::Lang;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// The columns [`Details::add_service`] reads, beside the card's, from `services s`.
pub const SERVICE_COLUMNS: &str = "s.delivery, s.hours_zh, s.hours_en, s.min_age, s.residence_required, \
     s.disability_certificate_required, s.eligibility_note_zh, s.eligibility_note_en, s.phone, s.capacity, \
     s.grid_unit_id, s.status, s.status_reason, s.photo";

/// Every coverage row, each service's in the SQL path's order (`g.sort_order, g.id`).
pub const COVERAGE_SQL: &str = "SELECT sc.service_id, sc.grid_unit_id FROM service_coverage sc \
     JOIN grid_units g ON g.id = sc.grid_unit_id ORDER BY sc.service_id, g.sort_order, g.id";

/// [`COVERAGE_SQL`] for the services with the given ids only.
pub fn coverage_of(ids: &str) -> String {
    COVERAGE_SQL.replace(" ORDER BY", &format!(" WHERE sc.service_id IN ({ids}) ORDER BY"))
}

/// The organizations whose pages are shown (verified and not suspended).
pub const ORGANIZATIONS_SQL: &str = "SELECT id, kind, name_zh, name_en, description_zh, description_en, phone, \
     address_zh, address_en, latitude, longitude, verified, community_id FROM organizations \
     WHERE verified = 1 AND suspended = 0";

#[derive(Debug)]
pub struct ServiceFacts {
    pub description: Localized,
    pub delivery: Delivery,
    pub hours: Localized,
    pub min_age: Option<u32>,
    pub residence_required: bool,
    pub disability_certificate_required: bool,
    /// The eligibility note in each language, shared by the services with the same.
    note: Option<OptionalPair>,
    pub phone: Box<str>,
    pub capacity: Option<u32>,
    pub grid_unit_id: i64,
    /// The grid units an at-home service reaches, in display order.
    pub coverage: Vec<i64>,
    /// Most services are neither paused nor have a photo, so those are kept apart: one
    /// pointer instead of two empty strings' worth on each of 100,000 services.
    rare: Option<Box<Rare>>,
}

#[derive(Debug)]
struct Rare {
    /// Why it is paused, when it is.
    paused: Option<Box<str>>,
    /// Its photo's path, if any.
    photo: Option<Box<str>>,
}

impl ServiceFacts {
    /// The facts in `row` (read with [`SERVICE_COLUMNS`] and the descriptions), without
    /// coverage, which has rows of its own.
    pub fn read(row: &AnyRow, texts: &mut Interner) -> Result<Self, sqlx::Error> {
        let delivery: String = row.try_get("delivery")?;
        let min_age: Option<i64> = row.try_get("min_age")?;
        let capacity: Option<i64> = row.try_get("capacity")?;
        let note_zh: Option<&str> = row.try_get("eligibility_note_zh")?;
        let note_en: Option<&str> = row.try_get("eligibility_note_en")?;
        let phone: &str = row.try_get("phone")?;
        let paused: Option<Box<str>> = crate::store::directory::paused(row)?.map(Into::into);
        let photo: Option<Box<str>> = crate::store::directory::photo_path(row)?.map(Into::into);
        Ok(ServiceFacts {
            description: Localized::read_shared(row, "description", texts)?,
            delivery: Delivery::parse(&delivery).ok_or_else(|| corrupt("delivery", &delivery))?,
            hours: Localized::read_shared(row, "hours", texts)?,
            // The same clamps as the SQL path, so both answer alike whatever is stored.
            min_age: min_age.map(|a| a.clamp(0, 150) as u32),
            residence_required: flag(row, "residence_required")?,
            disability_certificate_required: flag(row, "disability_certificate_required")?,
            note: texts.optional_pair(note_zh, note_en),
            phone: phone.into(),
            capacity: capacity.map(|c| c.clamp(0, i64::from(u32::MAX)) as u32),
            grid_unit_id: row.try_get("grid_unit_id")?,
            coverage: Vec::new(),
            rare: (paused.is_some() || photo.is_some()).then(|| Box::new(Rare { paused, photo })),
        })
    }

    /// Why it is paused, when it is.
    pub fn paused(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.paused.as_deref())
    }

    /// Its photo's path, if any.
    pub fn photo(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.photo.as_deref())
    }

    pub fn eligibility(&self, lang: Lang) -> Eligibility {
        let note = self.note.as_ref().and_then(|n| match lang {
            Lang::Zh => n.0.as_deref(),
            Lang::En => n.1.as_deref(),
        });
        Eligibility {
            min_age: self.min_age,
            residence_required: self.residence_required,
            disability_certificate_required: self.disability_certificate_required,
            note: note.map(str::to_owned),
        }
    }
}

#[derive(Debug)]
pub struct OrganizationFacts {
    pub kind: OrganizationKind,
    pub name: Localized,
    pub description: Localized,
    pub phone: Box<str>,
    pub address: Localized,
    pub latitude: f64,
    pub longitude: f64,
    pub verified: bool,
    pub community_id: i64,
}

impl OrganizationFacts {
    /// The organization in `row` (read with [`ORGANIZATIONS_SQL`]).
    pub fn read(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let kind: String = row.try_get("kind")?;
        Ok(OrganizationFacts {
            kind: OrganizationKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
            name: Localized::read(row, "name")?,
            description: Localized::read(row, "description")?,
            phone: row.try_get::<String, _>("phone")?.into(),
            address: Localized::read(row, "address")?,
            latitude: row.try_get("latitude")?,
            longitude: row.try_get("longitude")?,
            verified: flag(row, "verified")?,
            community_id: row.try_get("community_id")?,
        })
    }
}

#[derive(Debug, Default)]
pub struct Details {
    services: ById<ServiceFacts>,
    organizations: HashMap<i64, OrganizationFacts>,
    /// Repeated texts while the details are read ([`Interner`]).
    texts: Interner,
}

impl Details {
    /// Adds the service in `row` (read with [`SERVICE_COLUMNS`], `id` and the descriptions).
    pub fn add_service(&mut self, row: &AnyRow) -> Result<(), sqlx::Error> {
        self.services
            .push(row.try_get("id")?, ServiceFacts::read(row, &mut self.texts)?);
        Ok(())
    }

    /// Drops what only reading needed.
    pub fn finish(&mut self) {
        self.texts = Interner::default();
        self.services.finish();
    }

    /// Adds the coverage rows of [`COVERAGE_SQL`] (services not shown are skipped).
    pub fn add_coverage(&mut self, rows: &[AnyRow]) -> Result<(), sqlx::Error> {
        for row in rows {
            let service: i64 = row.try_get("service_id")?;
            if let Some(facts) = self.services.get_mut(service) {
                facts.coverage.push(row.try_get("grid_unit_id")?);
            }
        }
        Ok(())
    }

    /// Adds the organizations of [`ORGANIZATIONS_SQL`].
    pub fn add_organizations(&mut self, rows: &[AnyRow]) -> Result<(), sqlx::Error> {
        for row in rows {
            self.organizations
                .insert(row.try_get("id")?, OrganizationFacts::read(row)?);
        }
        Ok(())
    }

    pub fn service(&self, id: i64) -> Option<&ServiceFacts> {
        self.services.get(id)
    }

    pub fn organization(&self, id: i64) -> Option<&OrganizationFacts> {
        self.organizations.get(&id)
    }
}
