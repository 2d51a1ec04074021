//! The [`OfferingStore`] over SQL: an organization's offerings as rows of `services`
//! (an offering's id is its service id) with their history in `service_revisions`.
//! Writes go through [`SqlUnit`], one transaction per use case.

use super::accounts::{served, SqlUnit};
use super::rows::{corrupt, flag};
use super::{failed, Engine, SqlStore};
use app::domain::accounts::store::Millis;
use app::domain::geo::Coordinates;
use app::domain::ids::{GridUnitId, OrganizationId, PersonId, ServiceId};
use app::domain::offerings::draft::{EligibilityInput, OfferingInput, PriceInput, PriceUnit};
use app::domain::offerings::hours::OpeningHours;
use app::domain::offerings::store::*;
use app::domain::store::StoreError;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};

const OFFERING_COLUMNS: &str = "id, organization_id, status, status_reason, revision, draft, updated_at, photo, \
     category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, \
     latitude, longitude, hours_zh, min_age, residence_required, disability_certificate_required, \
     eligibility_note_zh, cost_kind, price_fen, price_unit_zh, phone, capacity";

/// An offering from its row; `coverage` is read separately (only rows without a draft
/// need it).
fn offering(row: &AnyRow, coverage: Vec<i64>) -> Result<Offering, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let draft: Option<String> = row.try_get("draft")?;
    let input = match draft {
        Some(json) => serde_json::from_str(&json).map_err(|_| corrupt("draft", &json))?,
        None => input_from_columns(row, coverage)?,
    };
    Ok(Offering {
        id: ServiceId::from_row(row.try_get("id")?),
        organization: OrganizationId::from_row(row.try_get("organization_id")?),
        status: OfferingStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        status_reason: row.try_get("status_reason")?,
        revision: row.try_get("revision")?,
        input,
        updated_at: row.try_get("updated_at")?,
        photo: row.try_get("photo")?,
    })
}

/// An offering loaded by demo data or the generator, as if typed: its hours text
/// becomes the hours' note, its English as given.
fn input_from_columns(row: &AnyRow, coverage: Vec<i64>) -> Result<OfferingInput, sqlx::Error> {
    let name_zh: String = row.try_get("name_zh")?;
    let name_en: String = row.try_get("name_en")?;
    let description_zh: String = row.try_get("description_zh")?;
    let description_en: String = row.try_get("description_en")?;
    let price_fen: Option<i64> = row.try_get("price_fen")?;
    let price_unit: Option<String> = row.try_get("price_unit_zh")?;
    let min_age: Option<i64> = row.try_get("min_age")?;
    Ok(OfferingInput {
        category: row.try_get("category_slug")?,
        name_en: (name_en != name_zh).then_some(name_en),
        name_zh,
        description_en: (description_en != description_zh).then_some(description_en),
        description_zh,
        delivery: row.try_get("delivery")?,
        place_id: Some(row.try_get("grid_unit_id")?),
        latitude: Some(row.try_get("latitude")?),
        longitude: Some(row.try_get("longitude")?),
        address: Some(row.try_get("address_zh")?),
        coverage,
        hours: OpeningHours {
            note: Some(row.try_get("hours_zh")?),
            ..Default::default()
        },
        eligibility: EligibilityInput {
            min_age,
            residence_required: flag(row, "residence_required")?,
            disability_certificate_required: flag(row, "disability_certificate_required")?,
            note: row.try_get("eligibility_note_zh")?,
        },
        cost: row.try_get("cost_kind")?,
        price: price_fen.map(|amount_fen| PriceInput {
            amount_fen,
            unit: price_unit
                .as_deref()
                .and_then(PriceUnit::from_words)
                .map_or_else(|| price_unit.clone().unwrap_or_default(), |u| u.slug().to_owned()),
        }),
        phone: row.try_get("phone")?,
        capacity: row.try_get("capacity")?,
    })
}

async fn coverage<'e, E: sqlx::Executor<'e, Database = Any>>(db: E, id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT grid_unit_id FROM service_coverage WHERE service_id = $1 ORDER BY grid_unit_id")
        .bind(id)
        .fetch_all(db)
        .await
}

fn revision(row: &AnyRow) -> Result<Revision, sqlx::Error> {
    let changes: String = row.try_get("changes")?;
    let by: Option<i64> = row.try_get("changed_by")?;
    Ok(Revision {
        revision: row.try_get("revision")?,
        action: row.try_get("action")?,
        by: by.map(PersonId::from_row),
        by_name: row.try_get("display_name")?,
        at: row.try_get("changed_at")?,
        changes: serde_json::from_str(&changes).map_err(|_| corrupt("changes", &changes))?,
        reason: row.try_get("reason")?,
    })
}

#[async_trait::async_trait]
impl OfferingStore for SqlStore {
    async fn begin_offerings(&self) -> Result<Box<dyn OfferingUnit>, StoreError> {
        Ok(Box::new(self.unit().await?))
    }

    async fn offering(&self, id: ServiceId) -> Result<Option<Offering>, StoreError> {
        let row = sqlx::query(&format!("SELECT {OFFERING_COLUMNS} FROM services WHERE id = $1"))
            .bind(id.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        let Some(row) = row else { return Ok(None) };
        let cover = coverage(self.pool(), id.get()).await.map_err(failed)?;
        offering(&row, cover).map(Some).map_err(failed)
    }

    async fn offerings_of(&self, organization: OrganizationId) -> Result<Vec<OfferingLine>, StoreError> {
        // Active first, then paused, then retired; newest change first within each.
        sqlx::query(
            "SELECT id, name_zh, status, revision, updated_at FROM services WHERE organization_id = $1 \
             ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'paused' THEN 1 ELSE 2 END, updated_at DESC, id DESC",
        )
        .bind(organization.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(OfferingLine {
                id: ServiceId::from_row(r.try_get("id")?),
                name_zh: r.try_get("name_zh")?,
                status: OfferingStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                revision: r.try_get("revision")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn history(&self, id: ServiceId) -> Result<Vec<Revision>, StoreError> {
        sqlx::query(
            "SELECT r.revision, r.action, r.changed_by, p.display_name, r.changed_at, r.changes, r.reason \
             FROM service_revisions r LEFT JOIN people p ON p.id = r.changed_by AND p.deleted_at IS NULL \
             WHERE r.service_id = $1 ORDER BY r.revision DESC",
        )
        .bind(id.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(revision)
        .collect::<Result<_, _>>()
        .map_err(failed)
    }

    async fn communities_of(&self, organization: OrganizationId) -> Result<Vec<GridUnitId>, StoreError> {
        served(self.pool(), organization.get()).await.map_err(failed)
    }

    async fn places_of(&self, organization: OrganizationId) -> Result<Vec<PlaceOption>, StoreError> {
        let rows = sqlx::query(
            "WITH RECURSIVE down (id, label_zh, label_en, depth) AS ( \
                SELECT g.id, g.name_zh, g.name_en, 0 FROM grid_units g WHERE g.id IN ( \
                    SELECT community_id FROM organization_communities WHERE organization_id = $1 \
                    UNION SELECT community_id FROM organizations WHERE id = $1) \
                UNION ALL SELECT g.id, down.label_zh || ' › ' || g.name_zh, down.label_en || ' › ' || g.name_en, \
                    down.depth + 1 \
                FROM grid_units g JOIN down ON g.parent_id = down.id WHERE down.depth < 6) \
             SELECT id, label_zh, label_en FROM down ORDER BY label_zh, id",
        )
        .bind(organization.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        rows.iter()
            .map(|r| {
                Ok(PlaceOption {
                    id: GridUnitId::from_row(r.try_get("id")?),
                    label_zh: r.try_get("label_zh")?,
                    label_en: r.try_get("label_en")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }

    async fn places_in(&self, community: GridUnitId) -> Result<Vec<PlaceOption>, StoreError> {
        self.places_under(community.get()).await.map_err(failed)
    }

    async fn organization_name(&self, organization: OrganizationId) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT name_zh, name_en FROM organizations WHERE id = $1")
            .bind(organization.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        row.map(|r| Ok((r.try_get("name_zh")?, r.try_get("name_en")?)))
            .transpose()
            .map_err(failed)
    }

    async fn save_form_draft(
        &self,
        key_hash: &str,
        person: PersonId,
        values: &str,
        now: Millis,
    ) -> Result<(), StoreError> {
        // Drafts older than an hour go as new ones come.
        sqlx::query("DELETE FROM form_drafts WHERE created_at < $1")
            .bind(now - 3_600_000)
            .execute(self.pool())
            .await
            .map_err(failed)?;
        sqlx::query("INSERT INTO form_drafts (key_hash, person_id, form_values, created_at) VALUES ($1, $2, $3, $4)")
            .bind(key_hash)
            .bind(person.get())
            .bind(values)
            .bind(now)
            .execute(self.pool())
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn take_form_draft(&self, key_hash: &str, person: PersonId) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("DELETE FROM form_drafts WHERE key_hash = $1 AND person_id = $2 RETURNING form_values")
            .bind(key_hash)
            .bind(person.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)
    }
}

/// A random, unique code for an offering published through Doorstep (demo and
/// generated rows have readable ones).
fn new_code() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the system has randomness");
    format!(
        "published-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

impl SqlUnit {
    /// Binds a publication's columns (all but the code, organization and timestamps) in
    /// the order of [`PUBLICATION_COLUMNS`], from `$first` on.
    fn publication_values(p: &Publication) -> Vec<Value> {
        let d = &p.draft;
        vec![
            Value::Text(Some(d.category.as_str().to_owned())),
            Value::Text(Some(d.name_zh.clone())),
            Value::Text(Some(p.name_en.clone())),
            Value::Text(Some(d.description_zh.clone())),
            Value::Text(Some(p.description_en.clone())),
            Value::Text(Some(d.delivery.slug().to_owned())),
            Value::Int(Some(d.place.get())),
            Value::Text(Some(p.address_zh.clone())),
            Value::Text(Some(p.address_en.clone())),
            Value::Float(p.position.latitude()),
            Value::Float(p.position.longitude()),
            Value::Text(Some(p.hours_zh.clone())),
            Value::Text(Some(p.hours_en.clone())),
            Value::Int(d.min_age.map(i64::from)),
            Value::Int(Some(i64::from(d.residence_required))),
            Value::Int(Some(i64::from(d.disability_certificate_required))),
            Value::Text(d.eligibility_note.clone()),
            Value::Text(p.eligibility_note_en.clone()),
            Value::Text(Some(d.cost.slug().to_owned())),
            Value::Int(d.price.map(|(fen, _)| fen)),
            Value::Text(p.price_unit.map(|(zh, _)| zh.to_owned())),
            Value::Text(p.price_unit.map(|(_, en)| en.to_owned())),
            Value::Text(Some(d.phone.clone())),
            Value::Int(d.capacity.map(i64::from)),
            Value::Text(Some(p.input_json.clone())),
            Value::Text(Some(p.search_text.clone())),
        ]
    }

    async fn replace_coverage(&mut self, id: i64, coverage: &[GridUnitId]) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM service_coverage WHERE service_id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        for unit in coverage {
            sqlx::query("INSERT INTO service_coverage (service_id, grid_unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(unit.get())
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}

/// The columns [`SqlUnit::publication_values`] fills, in order.
const PUBLICATION_COLUMNS: [&str; 26] = [
    "category_slug",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "delivery",
    "grid_unit_id",
    "address_zh",
    "address_en",
    "latitude",
    "longitude",
    "hours_zh",
    "hours_en",
    "min_age",
    "residence_required",
    "disability_certificate_required",
    "eligibility_note_zh",
    "eligibility_note_en",
    "cost_kind",
    "price_fen",
    "price_unit_zh",
    "price_unit_en",
    "phone",
    "capacity",
    "draft",
    "search_text",
];

/// A value to bind, typed (sqlx's `Any` needs the type of a NULL).
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Float(f64),
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    values: Vec<Value>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for value in values {
        query = match value {
            Value::Text(v) => query.bind(v),
            Value::Int(v) => query.bind(v),
            Value::Float(v) => query.bind(v),
        };
    }
    query
}

#[async_trait::async_trait]
impl OfferingUnit for SqlUnit {
    async fn publisher(&mut self, organization: OrganizationId) -> Result<Option<PublisherFacts>, StoreError> {
        // FOR SHARE: publishers of one organization do not wait for each other, a
        // suspension (an UPDATE of the row) waits for them and they for it. SQLite's
        // IMMEDIATE unit already serializes writers.
        let lock = if self.engine == Engine::Postgres {
            " FOR SHARE"
        } else {
            ""
        };
        let row = sqlx::query(&format!(
            "SELECT verified, suspended FROM organizations WHERE id = $1{lock}"
        ))
        .bind(organization.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        let Some(row) = row else { return Ok(None) };
        let communities = served(&mut *self.tx, organization.get()).await.map_err(failed)?;
        Ok(Some(PublisherFacts {
            verified: flag(&row, "verified").map_err(failed)?,
            suspended: flag(&row, "suspended").map_err(failed)?,
            communities,
        }))
    }

    async fn category_exists(&mut self, slug: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM categories WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(found.is_some())
    }

    async fn place(&mut self, id: GridUnitId) -> Result<Option<PlaceFacts>, StoreError> {
        let row = sqlx::query(
            "WITH RECURSIVE up (id, parent_id, kind, depth) AS ( \
                SELECT id, parent_id, kind, 0 FROM grid_units WHERE id = $1 \
                UNION ALL SELECT g.id, g.parent_id, g.kind, up.depth + 1 FROM grid_units g \
                JOIN up ON g.id = up.parent_id WHERE up.kind <> 'community' AND up.depth < 8) \
             SELECT g.name_zh, g.name_en, g.latitude, g.longitude, \
                (SELECT id FROM up WHERE kind = 'community') AS community_id \
             FROM grid_units g WHERE g.id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        row.map(|r| {
            let (lat, lon): (f64, f64) = (r.try_get("latitude")?, r.try_get("longitude")?);
            let community: Option<i64> = r.try_get("community_id")?;
            Ok(PlaceFacts {
                name_zh: r.try_get("name_zh")?,
                name_en: r.try_get("name_en")?,
                position: Coordinates::new(lat, lon).map_err(|_| corrupt("latitude", &lat.to_string()))?,
                community: community.map(GridUnitId::from_row),
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn offering(&mut self, id: ServiceId) -> Result<Option<Offering>, StoreError> {
        let lock = if self.engine == Engine::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let row = sqlx::query(&format!("SELECT {OFFERING_COLUMNS} FROM services WHERE id = $1{lock}"))
            .bind(id.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(failed)?;
        let Some(row) = row else { return Ok(None) };
        let cover = coverage(&mut *self.tx, id.get()).await.map_err(failed)?;
        offering(&row, cover).map(Some).map_err(failed)
    }

    async fn insert_offering(
        &mut self,
        organization: OrganizationId,
        publication: &Publication,
        now: Millis,
    ) -> Result<ServiceId, StoreError> {
        let n = PUBLICATION_COLUMNS.len();
        let placeholders: Vec<String> = (4..4 + n).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO services (code, organization_id, updated_at, {}) VALUES ($1, $2, $3, {}) RETURNING id",
            PUBLICATION_COLUMNS.join(", "),
            placeholders.join(", ")
        );
        let query = sqlx::query(&sql).bind(new_code()).bind(organization.get()).bind(now);
        let id: i64 = bind_all(query, Self::publication_values(publication))
            .fetch_one(&mut *self.tx)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(failed)?;
        self.replace_coverage(id, &publication.draft.coverage)
            .await
            .map_err(failed)?;
        Ok(ServiceId::from_row(id))
    }

    async fn update_offering(
        &mut self,
        id: ServiceId,
        publication: &Publication,
        now: Millis,
    ) -> Result<(), StoreError> {
        let sets: Vec<String> = PUBLICATION_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 3))
            .collect();
        let sql = format!(
            "UPDATE services SET revision = revision + 1, updated_at = $2, {} WHERE id = $1",
            sets.join(", ")
        );
        let query = sqlx::query(&sql).bind(id.get()).bind(now);
        bind_all(query, Self::publication_values(publication))
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        self.replace_coverage(id.get(), &publication.draft.coverage)
            .await
            .map_err(failed)
    }

    async fn set_status(
        &mut self,
        id: ServiceId,
        status: OfferingStatus,
        reason: Option<&str>,
        now: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE services SET status = $2, status_reason = $3, revision = revision + 1, updated_at = $4 WHERE id = $1",
        )
        .bind(id.get())
        .bind(status.slug())
        .bind(reason)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn set_photo(&mut self, id: ServiceId, key: Option<&str>, now: Millis) -> Result<(), StoreError> {
        sqlx::query("UPDATE services SET photo = $2, revision = revision + 1, updated_at = $3 WHERE id = $1")
            .bind(id.get())
            .bind(key)
            .bind(now)
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn record_revision(&mut self, r: &NewRevision<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO service_revisions (service_id, revision, action, changed_by, changed_at, changes, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(r.service.get())
        .bind(r.revision)
        .bind(r.action)
        .bind(r.by.get())
        .bind(r.at)
        .bind(serde_json::to_string(r.changes).expect("changes serialize"))
        .bind(r.reason)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(failed)
    }
}
