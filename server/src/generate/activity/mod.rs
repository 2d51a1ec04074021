//! The generated city's year of activity (issue 10): residents and the family members who
//! act for some of them, an owner for each organization and a staff member for each
//! community, requests with their timelines, ratings, follow-ups of low ratings, and needs
//! with the people who support them.
//!
//! Design:
//! - Read back, not remembered: the step reads the generated city from the database, so it
//!   can be added to a city generated before it existed.
//! - Timelines follow the domain's rules: every action goes through `lifecycle::next`, so a
//!   generated request is in a state its timeline explains, as one made through the app.
//! - Ids are given here (the next free ones, read in the transaction) so that events,
//!   ratings and supporters can name their request or need without a round trip; then
//!   PostgreSQL's identity sequences are moved past them.
//! - The year ends at the start of the day of generation (Asia/Shanghai), so the
//!   dashboard's usual period, the last 30 days, has data, and recent requests are still
//!   open in their organization's inbox.

mod city;
mod needs;
mod people;
mod requests;
mod timeline;

use super::rng::Rng;
use super::CitySize;
use crate::demo::catalog::CATEGORIES;
use crate::store::{Engine, SqlStore};
use app::domain::calendar::DAY_MS;
use std::collections::HashMap;
use timeline::{Year, YEAR_DAYS};

/// What the step wrote.
#[derive(Debug, PartialEq, Eq, Default)]
pub struct ActivityCounts {
    pub people: usize,
    pub requests: usize,
    pub events: usize,
    pub ratings: usize,
    pub follow_ups: usize,
    pub needs: usize,
    pub supporters: usize,
}

/// A service of the city that residents can request.
struct Offered {
    id: i64,
    organization: i64,
    category: &'static str,
}

/// A resident: where they live and who acts for them.
struct Resident {
    id: i64,
    name: String,
    building: i64,
    community: i64,
    family: Option<(i64, &'static str)>,
}

/// The first id after the table's largest.
pub(super) async fn next_id(tx: &mut sqlx::Transaction<'_, sqlx::Any>, table: &str) -> anyhow::Result<i64> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

/// The category slug as a `'static` str (every generated service's category is in the
/// catalogue).
fn category(slug: &str) -> anyhow::Result<&'static str> {
    CATEGORIES
        .iter()
        .map(|c| c.0)
        .find(|c| *c == slug)
        .ok_or_else(|| anyhow::anyhow!("a generated service has category {slug}, not in the catalogue"))
}

/// The generated city, as read back.
struct City {
    /// (building, its community)
    buildings: Vec<(i64, i64)>,
    communities: Vec<i64>,
    /// Active services of verified organizations.
    services: Vec<Offered>,
    /// Indexes into `services`, by the community their organization works in.
    offered: HashMap<i64, Vec<usize>>,
    organizations: Vec<i64>,
}

/// The people the step made, by role.
struct People {
    /// community → its staff member
    staff_of: HashMap<i64, i64>,
    /// organization → its owner
    owner_of: HashMap<i64, i64>,
    residents: Vec<Resident>,
}

pub async fn generate_activity(
    store: &SqlStore,
    size: &CitySize,
    prefix: &str,
    until: i64,
) -> anyhow::Result<Option<ActivityCounts>> {
    if size.residents == 0 {
        return Ok(None);
    }
    let mut tx = store.pool().begin().await?;
    if !crate::store::claim_data_load(&mut tx, &format!("generated-activity-seed-{}", size.seed)).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    // A stream of its own, so the city stays the same whatever this step draws.
    let mut rng = Rng::new(size.seed ^ 0xAC71_u64.rotate_left(40));
    let year = Year {
        since: until - YEAR_DAYS * DAY_MS,
        until,
    };
    let city = city::read(&mut tx, &format!("{prefix}%")).await?;
    let joined = year.since - 30 * DAY_MS;
    let (people, made) = people::add(&mut tx, &mut rng, &city, size, prefix, joined).await?;
    let mut counts = ActivityCounts {
        people: made,
        ..ActivityCounts::default()
    };
    requests::add(&mut tx, &mut rng, &city, &people, size, year, &mut counts).await?;
    needs::add(&mut tx, &mut rng, &city, &people, size, year, &mut counts).await?;
    if store.engine() == Engine::Postgres {
        for table in ["people", "requests", "needs"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Some(counts))
}
