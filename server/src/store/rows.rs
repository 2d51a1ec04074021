//! Rows to read models. Column names are fixed by the queries in `directory.rs`, which
//! alias language-specific columns to plain names (`name`, `address`, …).

use app::domain::catalog::{CategoryGroup, CostKind};
use app::domain::directory::{CategoryRef, OrganizationRef, Price, ServiceSummary};
use app::domain::geo::{rounded_metres, LocalPlane};
use app::domain::grid::{GridKind, GridUnit};
use app::domain::ids::{GridUnitId, OrganizationId, ServiceId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A value in the database that the domain does not accept: a bug or a hand edit.
pub fn corrupt(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {column} value {value:?}").into())
}

pub fn service_summary(row: &AnyRow, plane: Option<&LocalPlane>) -> Result<ServiceSummary, sqlx::Error> {
    let group: String = row.try_get("group_slug")?;
    let cost: String = row.try_get("cost_kind")?;
    let latitude: f64 = row.try_get("latitude")?;
    let longitude: f64 = row.try_get("longitude")?;
    let price_fen: Option<i64> = row.try_get("price_fen")?;
    let price_unit: Option<String> = row.try_get("price_unit")?;
    let distance_m = distance_m(plane, latitude, longitude);
    Ok(ServiceSummary {
        id: ServiceId::from_row(row.try_get("id")?),
        name: row.try_get("name")?,
        category: CategoryRef {
            slug: row.try_get("category_slug")?,
            name: row.try_get("category_name")?,
            group: CategoryGroup::parse(&group).ok_or_else(|| corrupt("group_slug", &group))?,
        },
        organization: OrganizationRef {
            id: OrganizationId::from_row(row.try_get("organization_id")?),
            name: row.try_get("organization_name")?,
        },
        latitude,
        longitude,
        address: row.try_get("address")?,
        cost: CostKind::parse(&cost).ok_or_else(|| corrupt("cost_kind", &cost))?,
        price: match (price_fen, price_unit) {
            (Some(amount_fen), Some(unit)) => Some(Price { amount_fen, unit }),
            _ => None,
        },
        distance_m,
        rating: rating_summary(row)?,
    })
}

/// A service's ratings from `r1` … `r5` (NULL, before the first rating, is none).
pub fn rating_summary(row: &AnyRow) -> Result<app::domain::requests::rating::RatingSummary, sqlx::Error> {
    let mut counts = [0u32; 5];
    for (i, count) in counts.iter_mut().enumerate() {
        let n: Option<i64> = row.try_get(format!("r{}", i + 1).as_str())?;
        *count = n.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32;
    }
    Ok(app::domain::requests::rating::RatingSummary { counts })
}

/// Whole metres from the search's origin, computed as the SQL search orders by it.
pub fn distance_m(plane: Option<&LocalPlane>, latitude: f64, longitude: f64) -> Option<u32> {
    plane.map(|p| rounded_metres(p.squared_distance_m2(latitude, longitude).sqrt()))
}

pub fn grid_unit(row: &AnyRow) -> Result<GridUnit, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(GridUnit {
        id: GridUnitId::from_row(row.try_get("id")?),
        parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(GridUnitId::from_row),
        kind: GridKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        name: row.try_get("name")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
    })
}

pub fn flag(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}
