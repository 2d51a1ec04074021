//! The [`NeedStore`] over SQL: `needs` and `need_supporters`. A supporter is a row keyed
//! by (need, person), claimed with `ON CONFLICT DO NOTHING`, and the count beside it moves
//! in the same transaction, so "me too" twice is one person. An answer is a conditional
//! update of an open need.

use super::rows::corrupt;
use super::{failed, Engine, SqlStore};
use app::domain::accounts::store::Millis;
use app::domain::grid::GridKind;
use app::domain::ids::{GridUnitId, OrganizationId, PersonId, ServiceId};
use app::domain::needs::{Answer, Need, NeedStatus, NeedStore};
use app::domain::offerings::store::PlaceOption;
use app::domain::store::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str = "n.id, n.grid_unit_id, n.community_id, n.category_slug, c.name_zh AS category_zh, \
     c.name_en AS category_en, n.description, n.status, n.service_id, s.name_zh AS service_zh, s.name_en AS service_en, \
     n.note, n.supporters, n.created_at, g.name_zh AS unit_zh, g.name_en AS unit_en, \
     cu.name_zh AS community_zh, cu.name_en AS community_en";

const JOINS: &str = "needs n JOIN grid_units g ON g.id = n.grid_unit_id JOIN grid_units cu ON cu.id = n.community_id \
     LEFT JOIN categories c ON c.slug = n.category_slug LEFT JOIN services s ON s.id = n.service_id";

fn place(community: String, unit: String) -> String {
    if community == unit {
        unit
    } else {
        format!("{community} · {unit}")
    }
}

fn need(row: &AnyRow, mine: bool) -> Result<Need, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Need {
        id: row.try_get("id")?,
        grid_unit: GridUnitId::from_row(row.try_get("grid_unit_id")?),
        community: GridUnitId::from_row(row.try_get("community_id")?),
        place_zh: place(row.try_get("community_zh")?, row.try_get("unit_zh")?),
        place_en: place(row.try_get("community_en")?, row.try_get("unit_en")?),
        category: row.try_get("category_slug")?,
        category_zh: row.try_get("category_zh")?,
        category_en: row.try_get("category_en")?,
        description: row.try_get("description")?,
        status: NeedStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        service: row.try_get::<Option<i64>, _>("service_id")?.map(ServiceId::from_row),
        service_name_zh: row.try_get("service_zh")?,
        service_name_en: row.try_get("service_en")?,
        note: row.try_get("note")?,
        supporters: row.try_get::<i64, _>("supporters")?.clamp(0, i64::from(u32::MAX)) as u32,
        mine,
        created_at: row.try_get("created_at")?,
    })
}

impl SqlStore {
    async fn supported_by(&self, ids: &[i64], viewer: Option<PersonId>) -> Result<Vec<i64>, sqlx::Error> {
        let Some(viewer) = viewer else { return Ok(Vec::new()) };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        sqlx::query_scalar(&format!(
            "SELECT need_id FROM need_supporters WHERE person_id = $1 AND need_id IN ({list})"
        ))
        .bind(viewer.get())
        .fetch_all(self.pool())
        .await
    }
}

#[async_trait::async_trait]
impl NeedStore for SqlStore {
    async fn unit_in_community(&self, unit: GridUnitId) -> Result<Option<(GridKind, Option<GridUnitId>)>, StoreError> {
        let rows = sqlx::query(
            "WITH RECURSIVE up (id, parent_id, kind, depth) AS ( \
                SELECT id, parent_id, kind, 0 FROM grid_units WHERE id = $1 \
                UNION ALL SELECT g.id, g.parent_id, g.kind, up.depth + 1 FROM grid_units g \
                JOIN up ON g.id = up.parent_id WHERE up.kind <> 'community' AND up.depth < 8) \
             SELECT id, kind, depth FROM up ORDER BY depth",
        )
        .bind(unit.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        let read = || -> Result<Option<(GridKind, Option<GridUnitId>)>, sqlx::Error> {
            let Some(first) = rows.first() else { return Ok(None) };
            let kind: String = first.try_get("kind")?;
            let kind = GridKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?;
            let mut community = None;
            for r in &rows {
                if r.try_get::<String, _>("kind")? == "community" {
                    community = Some(GridUnitId::from_row(r.try_get("id")?));
                }
            }
            Ok(Some((kind, community)))
        };
        read().map_err(failed)
    }

    async fn category_exists(&self, slug: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM categories WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        Ok(found.is_some())
    }

    async fn insert_need(
        &self,
        unit: GridUnitId,
        community: GridUnitId,
        category: Option<&str>,
        description: &str,
        by: PersonId,
        now: Millis,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await.map_err(failed)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO needs (grid_unit_id, community_id, category_slug, description, named_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(unit.get())
        .bind(community.get())
        .bind(category)
        .bind(description)
        .bind(by.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(failed)?;
        sqlx::query("INSERT INTO need_supporters (need_id, person_id, added_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(by.get())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(id)
    }

    async fn needs(
        &self,
        community: GridUnitId,
        viewer: Option<PersonId>,
        limit: u32,
    ) -> Result<Vec<Need>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {JOINS} WHERE n.community_id = $1 \
             ORDER BY CASE n.status WHEN 'open' THEN 0 ELSE 1 END, n.supporters DESC, n.id DESC LIMIT $2"
        ))
        .bind(community.get())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        let ids: Vec<i64> = rows.iter().filter_map(|r| r.try_get("id").ok()).collect();
        let mine = self.supported_by(&ids, viewer).await.map_err(failed)?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                need(r, mine.contains(&id))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }

    async fn communities_of(
        &self,
        organization: OrganizationId,
    ) -> Result<Vec<(GridUnitId, String, String)>, StoreError> {
        sqlx::query(
            "SELECT g.id, g.name_zh, g.name_en FROM grid_units g WHERE g.kind = 'community' AND g.id IN \
                (SELECT community_id FROM organization_communities WHERE organization_id = $1 \
                 UNION SELECT community_id FROM organizations WHERE id = $1) \
             ORDER BY g.sort_order, g.id",
        )
        .bind(organization.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| {
            Ok((
                GridUnitId::from_row(r.try_get("id")?),
                r.try_get("name_zh")?,
                r.try_get("name_en")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn need(&self, id: i64, viewer: Option<PersonId>) -> Result<Option<Need>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {JOINS} WHERE n.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        let Some(row) = row else { return Ok(None) };
        let mine = !self.supported_by(&[id], viewer).await.map_err(failed)?.is_empty();
        need(&row, mine).map(Some).map_err(failed)
    }

    async fn support(&self, id: i64, by: PersonId, now: Millis) -> Result<bool, StoreError> {
        let mut tx = match self.engine() {
            Engine::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool().begin().await,
        }
        .map_err(failed)?;
        let added = sqlx::query(
            "INSERT INTO need_supporters (need_id, person_id, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (need_id, person_id) DO NOTHING",
        )
        .bind(id)
        .bind(by.get())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed)?
        .rows_affected()
            == 1;
        if added {
            sqlx::query("UPDATE needs SET supporters = supporters + 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok(added)
    }

    async fn answer(&self, id: i64, answer: &Answer, by: PersonId, now: Millis) -> Result<bool, StoreError> {
        let (status, service, note) = match answer {
            Answer::Point { service, note } => ("pointed", Some(service.get()), note.clone()),
            Answer::Unmet { note } => ("unmet", None, Some(note.clone())),
        };
        let done = sqlx::query(
            "UPDATE needs SET status = $2, service_id = $3, note = $4, resolved_by = $5, resolved_at = $6 \
             WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .bind(status)
        .bind(service)
        .bind(note)
        .bind(by.get())
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }

    async fn places_in(&self, community: GridUnitId) -> Result<Vec<PlaceOption>, StoreError> {
        let mut places = self.places_under(community.get()).await.map_err(failed)?;
        places.sort_by(|a, b| a.label_zh.cmp(&b.label_zh).then(a.id.cmp(&b.id)));
        Ok(places)
    }

    async fn service_shown(&self, service: ServiceId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT 1 FROM services s JOIN organizations o ON o.id = s.organization_id \
             WHERE s.id = $1 AND s.status = 'active' AND {}",
            super::directory::SHOWN_JOINED
        ))
        .bind(service.get())
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        Ok(found.is_some())
    }
}
