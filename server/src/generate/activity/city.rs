//! The generated city as the activity step reads it back: buildings with their community,
//! and the services residents can request, by the community their organization works in.

use super::{category, City, Offered};
use sqlx::Row;
use std::collections::HashMap;

pub(super) async fn read(tx: &mut sqlx::Transaction<'_, sqlx::Any>, pattern: &str) -> anyhow::Result<City> {
    let rows = sqlx::query(
        "SELECT b.id AS building, z.parent_id AS community FROM grid_units b \
         JOIN grid_units u ON u.id = b.parent_id JOIN grid_units z ON z.id = u.parent_id \
         WHERE b.kind = 'building' AND b.code LIKE $1 ORDER BY b.id",
    )
    .bind(pattern)
    .fetch_all(&mut **tx)
    .await?;
    let buildings: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| Ok((r.try_get("building")?, r.try_get("community")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    anyhow::ensure!(
        !buildings.is_empty(),
        "generate the city first: no building has code {pattern}"
    );
    let mut communities: Vec<i64> = buildings.iter().map(|b| b.1).collect();
    communities.sort_unstable();
    communities.dedup();

    let rows = sqlx::query(
        "SELECT s.id, s.organization_id, s.category_slug, o.community_id FROM services s \
         JOIN organizations o ON o.id = s.organization_id \
         WHERE s.code LIKE $1 AND s.status = 'active' AND o.verified = 1 AND o.suspended = 0 ORDER BY s.id",
    )
    .bind(pattern)
    .fetch_all(&mut **tx)
    .await?;
    let mut services = Vec::new();
    let mut offered: HashMap<i64, Vec<usize>> = HashMap::new();
    for r in &rows {
        let community: i64 = r.try_get("community_id")?;
        offered.entry(community).or_default().push(services.len());
        services.push(Offered {
            id: r.try_get("id")?,
            organization: r.try_get("organization_id")?,
            category: category(&r.try_get::<String, _>("category_slug")?)?,
        });
    }
    anyhow::ensure!(
        !services.is_empty(),
        "the city has no active service of a verified organization"
    );
    let organizations: Vec<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE code LIKE $1 ORDER BY id")
        .bind(pattern)
        .fetch_all(&mut **tx)
        .await?;
    Ok(City {
        buildings,
        communities,
        services,
        offered,
        organizations,
    })
}
