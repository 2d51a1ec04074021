//! Demo data: a believable slice of Wuhou District, loaded by `doorstep demo-data` and by
//! the run script on an empty database. Never loaded implicitly by tests.
//!
//! Loading is idempotent and atomic: the whole set goes in one transaction that first
//! claims its name in `data_loads`, so a second run (or a concurrent one) changes nothing.

mod activity;
pub(crate) mod catalog;
mod grid;
mod volunteering;

use crate::store::SqlStore;
use catalog::{CATEGORIES, ORGANIZATIONS, TEMPLATES};
use grid::GRID;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

/// The name under which this data set is recorded; bump it when the set changes shape.
pub const DEMO_DATA_SET: &str = "demo-wuhou-v1";

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    Loaded {
        grid_units: usize,
        organizations: usize,
        services: usize,
    },
    AlreadyLoaded,
}

/// Loads the demo directory, then a month of residents' activity on it and the coming
/// weeks' volunteer activities (each once).
pub async fn load(store: &SqlStore) -> anyhow::Result<LoadOutcome> {
    let outcome = load_directory(store).await?;
    activity::load(store).await?;
    volunteering::load(store).await?;
    Ok(outcome)
}

async fn load_directory(store: &SqlStore) -> anyhow::Result<LoadOutcome> {
    let mut tx = store.pool().begin().await?;
    if !crate::store::claim_data_load(&mut tx, DEMO_DATA_SET).await? {
        tx.rollback().await?;
        return Ok(LoadOutcome::AlreadyLoaded);
    }

    let mut grid_ids: HashMap<&str, i64> = HashMap::new();
    let mut positions: HashMap<&str, (f64, f64)> = HashMap::new();
    for (order, (code, parent, kind, zh, en, lat, lon)) in GRID.iter().enumerate() {
        let parent_id = parent.map(|p| grid_ids[p]);
        let id: i64 = sqlx::query(
            "INSERT INTO grid_units (parent_id, kind, code, name_zh, name_en, latitude, longitude, sort_order)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(parent_id)
        .bind(*kind)
        .bind(*code)
        .bind(*zh)
        .bind(*en)
        .bind(*lat)
        .bind(*lon)
        .bind(order as i64)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        grid_ids.insert(code, id);
        positions.insert(code, (*lat, *lon));
    }

    for (order, (slug, group, zh, en)) in CATEGORIES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (slug, group_slug, name_zh, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(*slug)
        .bind(*group)
        .bind(*zh)
        .bind(*en)
        .bind(order as i64)
        .execute(&mut *tx)
        .await?;
    }

    let mut services = 0;
    for org in ORGANIZATIONS {
        let (lat, lon) = positions[org.base];
        let org_id: i64 = sqlx::query(
            "INSERT INTO organizations (code, kind, name_zh, name_en, description_zh, description_en, phone,
                 address_zh, address_en, community_id, latitude, longitude, verified)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(org.code)
        .bind(org.kind)
        .bind(org.name_zh)
        .bind(org.name_en)
        .bind(org.description_zh)
        .bind(org.description_en)
        .bind(org.phone)
        .bind(org.address_zh)
        .bind(org.address_en)
        .bind(grid_ids[org.community])
        .bind(lat)
        .bind(lon)
        .bind(i64::from(org.verified))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;

        let coverage: Vec<i64> = GRID
            .iter()
            .filter(|row| {
                row.1.is_some_and(|p| p.starts_with(org.community))
                    && matches!(row.2, "courtyard" | "estate" | "resident-unit")
            })
            .map(|row| grid_ids[row.0])
            .collect();
        for template in TEMPLATES.iter().filter(|t| org.offers.contains(&t.category)) {
            services += 1;
            let code = format!("{}-{}", org.code, services);
            // On-site services sit a short walk from the organization's base; spread them
            // deterministically so the map is not one dot.
            let (dlat, dlon) = jitter(services);
            let (slat, slon) = if template.delivery == "on-site" {
                (lat + dlat, lon + dlon)
            } else {
                (lat, lon)
            };
            insert_service(
                &mut tx,
                org_id,
                org,
                template,
                &code,
                grid_ids[org.base],
                slat,
                slon,
                &coverage,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(LoadOutcome::Loaded {
        grid_units: GRID.len(),
        organizations: ORGANIZATIONS.len(),
        services,
    })
}

/// Up to about ±150 m, different for each index.
fn jitter(index: usize) -> (f64, f64) {
    let a = (index as f64 * 2.399_963).sin();
    let b = (index as f64 * 1.618_034).cos();
    (a * 0.0013, b * 0.0015)
}

#[allow(clippy::too_many_arguments)]
async fn insert_service(
    tx: &mut Transaction<'_, Any>,
    org_id: i64,
    org: &catalog::DemoOrganization,
    t: &catalog::ServiceTemplate,
    code: &str,
    grid_unit_id: i64,
    latitude: f64,
    longitude: f64,
    coverage: &[i64],
) -> anyhow::Result<()> {
    let (cost_kind, price) = t.cost;
    let name_zh = format!("{}·{}", org.short_zh, t.name_zh);
    let name_en = format!("{} ({})", t.name_en, org.short_en);
    let service_id: i64 = sqlx::query(
        "INSERT INTO services (code, organization_id, category_slug, name_zh, name_en, description_zh, description_en,
             delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age,
             residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en,
             cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity, search_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
             $21, $22, $23, $24, $25, $26, $27) RETURNING id",
    )
    .bind(code)
    .bind(org_id)
    .bind(t.category)
    .bind(&name_zh)
    .bind(&name_en)
    .bind(t.description_zh)
    .bind(t.description_en)
    .bind(t.delivery)
    .bind(grid_unit_id)
    .bind(org.address_zh)
    .bind(org.address_en)
    .bind(latitude)
    .bind(longitude)
    .bind(t.hours_zh)
    .bind(t.hours_en)
    .bind(t.min_age)
    .bind(i64::from(t.residence_required))
    .bind(i64::from(t.certificate_required))
    .bind(t.note.map(|n| n.0))
    .bind(t.note.map(|n| n.1))
    .bind(cost_kind)
    .bind(price.map(|p| p.0))
    .bind(price.map(|p| p.1))
    .bind(price.map(|p| p.2))
    .bind(org.phone)
    .bind(t.capacity)
    .bind(app::domain::fold::searchable(&[
        &name_zh,
        &name_en,
        t.description_zh,
        t.description_en,
    ]))
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    if t.delivery == "at-home" {
        for unit in coverage {
            sqlx::query("INSERT INTO service_coverage (service_id, grid_unit_id) VALUES ($1, $2)")
                .bind(service_id)
                .bind(*unit)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
