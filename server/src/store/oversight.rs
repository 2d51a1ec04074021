//! The [`OversightStore`] over SQL: the counts a community dashboard summarises, grouped
//! in SQL over covering indexes that begin with `community_id` (requests, ratings;
//! follow-ups by their own), and the two medians by a window in SQL; averages, shares and
//! the roll-up to level 3 are computed by `domain::oversight`.

use super::params::Params;
use super::rows::corrupt;
use super::{failed, SqlStore};
use app::domain::accounts::store::Millis;
use app::domain::grid::GridKind;
use app::domain::ids::GridUnitId;
use app::domain::oversight::{DashboardRows, FollowUpFigures, OversightStore, UnitFacts};
use app::domain::participation::{ParticipationCounts, ParticipationRow};
use app::domain::requests::lifecycle::Status;
use app::domain::store::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;

fn count(row: &AnyRow, column: &str) -> Result<u32, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)?.clamp(0, i64::from(u32::MAX)) as u32)
}

fn score(row: &AnyRow) -> Result<u8, sqlx::Error> {
    let s: i64 = row.try_get("score")?;
    u8::try_from(s)
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or_else(|| corrupt("score", &s.to_string()))
}

impl SqlStore {
    async fn median_with(&self, sql: &str, params: Params) -> Result<Option<i64>, sqlx::Error> {
        self.rows_with(sql, params)
            .await?
            .first()
            .map(|r| r.try_get::<i64, _>("d"))
            .transpose()
    }

    async fn rows_with(&self, sql: &str, params: Params) -> Result<Vec<AnyRow>, sqlx::Error> {
        sqlx::query_with(sql, params.into_arguments())
            .fetch_all(self.pool())
            .await
    }
}

/// The lower median of `value` over `from_where` (`table alias WHERE …`), as
/// `domain::oversight::median` defines it: the ((n + 1) / 2)th smallest, by a window
/// over the rows (both engines), so only the one value leaves the database.
fn median_sql(value: &str, from_where: &str) -> String {
    format!(
        "SELECT d FROM (SELECT {value} AS d, ROW_NUMBER() OVER (ORDER BY {value}) AS k, COUNT(*) OVER () AS n \
         FROM {from_where}) ranked WHERE k = (n + 1) / 2"
    )
}

/// `community_id IN (…)` and the period, over `alias`, with their parameters.
fn scope(p: &mut Params, communities: &[GridUnitId], alias: &str, time: &str, from: Millis, to: Millis) -> String {
    let list = communities
        .iter()
        .map(|c| p.int(c.get()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{alias}.community_id IN ({list}) AND {alias}.{time} >= {} AND {alias}.{time} < {}",
        p.int(from),
        p.int(to)
    )
}

#[async_trait::async_trait]
impl OversightStore for SqlStore {
    async fn dashboard_rows(
        &self,
        communities: &[GridUnitId],
        from: Millis,
        to: Millis,
        now: Millis,
    ) -> Result<DashboardRows, StoreError> {
        if communities.is_empty() {
            return Ok(DashboardRows::default());
        }
        self.read_dashboard(communities, from, to, now).await.map_err(failed)
    }
}

impl SqlStore {
    async fn read_dashboard(
        &self,
        communities: &[GridUnitId],
        from: Millis,
        to: Millis,
        now: Millis,
    ) -> Result<DashboardRows, sqlx::Error> {
        let ids = |p: &mut Params| {
            communities
                .iter()
                .map(|c| p.int(c.get()))
                .collect::<Vec<_>>()
                .join(", ")
        };

        let mut p = Params::default();
        let sql = format!(
            "SELECT id, name_zh, name_en FROM grid_units WHERE id IN ({}) ORDER BY id",
            ids(&mut p)
        );
        let names = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    GridUnitId::from_row(r.try_get("id")?),
                    r.try_get("name_zh")?,
                    r.try_get("name_en")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;

        let mut p = Params::default();
        let sql = format!(
            "WITH RECURSIVE down (id, depth) AS (SELECT id, 0 FROM grid_units WHERE id IN ({}) \
                UNION ALL SELECT g.id, down.depth + 1 FROM grid_units g JOIN down ON g.parent_id = down.id \
                WHERE down.depth < 6) \
             SELECT g.id, g.parent_id, g.kind, g.name_zh, g.name_en FROM down JOIN grid_units g ON g.id = down.id",
            ids(&mut p)
        );
        let units = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(UnitFacts {
                    id: GridUnitId::from_row(r.try_get("id")?),
                    parent: r.try_get::<Option<i64>, _>("parent_id")?.map(GridUnitId::from_row),
                    kind: GridKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;

        let mut p = Params::default();
        let sql = format!(
            "SELECT r.status, COUNT(*) AS n FROM requests r WHERE {} GROUP BY r.status",
            scope(&mut p, communities, "r", "submitted_at", from, to)
        );
        let by_status = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok((
                    Status::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                    count(r, "n")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;

        // The first answer (`answered_at`) of a request not declined is its first
        // acceptance: a decline only answers a submitted request, and ends it. So the wait
        // is read from the covering index, not from every request's timeline.
        let mut p = Params::default();
        let sql = median_sql(
            "r.answered_at - r.submitted_at",
            &format!(
                "requests r WHERE {} AND r.answered_at IS NOT NULL AND r.status <> 'declined'",
                scope(&mut p, communities, "r", "submitted_at", from, to)
            ),
        );
        let median_to_accept_ms = self.median_with(&sql, p).await?;
        let mut p = Params::default();
        let sql = median_sql(
            "r.completed_at - r.submitted_at",
            &format!(
                "requests r WHERE {} AND r.completed_at IS NOT NULL",
                scope(&mut p, communities, "r", "submitted_at", from, to)
            ),
        );
        let median_to_complete_ms = self.median_with(&sql, p).await?;

        let mut p = Params::default();
        let sql = format!(
            "SELECT ra.organization_id, o.name_zh, o.name_en, ra.score, COUNT(*) AS n FROM ratings ra \
             JOIN organizations o ON o.id = ra.organization_id WHERE {} \
             GROUP BY ra.organization_id, o.name_zh, o.name_en, ra.score",
            scope(&mut p, communities, "ra", "rated_at", from, to)
        );
        let organization_scores = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("organization_id")?,
                    r.try_get("name_zh")?,
                    r.try_get("name_en")?,
                    score(r)?,
                    count(r, "n")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut p = Params::default();
        let sql = format!(
            "SELECT ra.category_slug, c.name_zh, c.name_en, ra.score, COUNT(*) AS n FROM ratings ra \
             JOIN categories c ON c.slug = ra.category_slug WHERE {} \
             GROUP BY ra.category_slug, c.name_zh, c.name_en, ra.score",
            scope(&mut p, communities, "ra", "rated_at", from, to)
        );
        let category_scores = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("category_slug")?,
                    r.try_get("name_zh")?,
                    r.try_get("name_en")?,
                    score(r)?,
                    count(r, "n")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut p = Params::default();
        let sql = format!(
            "SELECT ra.grid_unit_id, ra.score, COUNT(*) AS n FROM ratings ra WHERE {} GROUP BY ra.grid_unit_id, ra.score",
            scope(&mut p, communities, "ra", "rated_at", from, to)
        );
        let unit_scores = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    GridUnitId::from_row(r.try_get("grid_unit_id")?),
                    score(r)?,
                    count(r, "n")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;

        let mut p = Params::default();
        let sql = format!(
            "SELECT COUNT(*) AS n FROM ratings ra WHERE {} AND ra.score <= 2",
            scope(&mut p, communities, "ra", "rated_at", from, to)
        );
        let low_ratings = count(&self.rows_with(&sql, p).await?[0], "n")?;
        let mut p = Params::default();
        let sql = format!(
            "SELECT COUNT(*) AS opened, COUNT(f.closed_at) AS closed, \
                COUNT(CASE WHEN f.now_satisfied = 1 THEN 1 END) AS satisfied FROM follow_ups f WHERE {}",
            scope(&mut p, communities, "f", "opened_at", from, to)
        );
        let row = &self.rows_with(&sql, p).await?[0];
        let (opened, closed, now_satisfied) = (count(row, "opened")?, count(row, "closed")?, count(row, "satisfied")?);
        let mut p = Params::default();
        let sql = format!(
            "SELECT COUNT(*) AS n FROM follow_ups f WHERE f.community_id IN ({}) AND f.closed_at IS NULL AND f.due_at < {}",
            ids(&mut p),
            p.int(now)
        );
        let overdue_now = count(&self.rows_with(&sql, p).await?[0], "n")?;

        let mut p = Params::default();
        let scoped = scope(&mut p, communities, "r", "submitted_at", from, to);
        let now_param = p.int(now);
        let sql = format!(
            "SELECT r.grid_unit_id, r.category_slug, c.name_zh, c.name_en, \
                COUNT(CASE WHEN r.status = 'declined' THEN 1 END) AS declined, \
                COUNT(CASE WHEN r.status = 'submitted' THEN 1 END) AS unanswered \
             FROM requests r JOIN categories c ON c.slug = r.category_slug \
             WHERE {scoped} AND (r.status = 'declined' OR (r.status = 'submitted' AND r.answer_due < {now_param})) \
             GROUP BY r.grid_unit_id, r.category_slug, c.name_zh, c.name_en"
        );
        let unmet = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    GridUnitId::from_row(r.try_get("grid_unit_id")?),
                    r.try_get("category_slug")?,
                    r.try_get("name_zh")?,
                    r.try_get("name_en")?,
                    count(r, "declined")?,
                    count(r, "unanswered")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;

        let mut p = Params::default();
        let sql = format!(
            "SELECT n.grid_unit_id, COALESCE(n.category_slug, '') AS category_slug, \
                COALESCE(c.name_zh, '未分类') AS name_zh, COALESCE(c.name_en, 'Uncategorized') AS name_en, \
                CAST(SUM(CASE WHEN n.status = 'unmet' THEN n.supporters ELSE 0 END) AS BIGINT) AS unmet, \
                CAST(SUM(CASE WHEN n.status = 'open' THEN n.supporters ELSE 0 END) AS BIGINT) AS open_ \
             FROM needs n LEFT JOIN categories c ON c.slug = n.category_slug \
             WHERE {} AND n.status IN ('open', 'unmet') \
             GROUP BY n.grid_unit_id, n.category_slug, c.name_zh, c.name_en",
            scope(&mut p, communities, "n", "created_at", from, to)
        );
        let needs = self
            .rows_with(&sql, p)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    GridUnitId::from_row(r.try_get("grid_unit_id")?),
                    r.try_get("category_slug")?,
                    r.try_get("name_zh")?,
                    r.try_get("name_en")?,
                    count(r, "unmet")?,
                    count(r, "open_")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;

        // Where active offerings reach, within these communities.
        let mut reach = Vec::new();
        if !unmet.is_empty() || !needs.is_empty() {
            let in_units = |p: &mut Params| units.iter().map(|u| p.int(u.id.get())).collect::<Vec<_>>().join(", ");
            let mut p = Params::default();
            let sql = format!(
                "SELECT sc.grid_unit_id AS unit, s.category_slug, 1 AS at_home FROM service_coverage sc \
                 JOIN services s ON s.id = sc.service_id JOIN organizations o ON o.id = s.organization_id \
                 WHERE s.status = 'active' AND o.verified = 1 AND o.suspended = 0 AND s.delivery = 'at-home' \
                    AND sc.grid_unit_id IN ({list}) \
                 UNION SELECT s.grid_unit_id AS unit, s.category_slug, 0 AS at_home FROM services s \
                 JOIN organizations o ON o.id = s.organization_id \
                 WHERE s.status = 'active' AND o.verified = 1 AND o.suspended = 0 AND s.delivery = 'on-site' \
                    AND s.grid_unit_id IN ({list})",
                list = in_units(&mut p)
            );
            reach = self
                .rows_with(&sql, p)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        GridUnitId::from_row(r.try_get("unit")?),
                        r.try_get("category_slug")?,
                        r.try_get::<i64, _>("at_home")? == 1,
                    ))
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
        }

        let (participation, volunteers) = self.participation(communities, from, to).await?;

        Ok(DashboardRows {
            participation,
            volunteers,
            communities: names,
            units,
            by_status,
            median_to_accept_ms,
            median_to_complete_ms,
            organization_scores,
            category_scores,
            unit_scores,
            follow_ups: FollowUpFigures {
                low_ratings,
                opened,
                closed,
                overdue_now,
                now_satisfied,
            },
            unmet,
            needs,
            reach,
        })
    }
}

impl SqlStore {
    /// Activities starting in the period, per community, grid unit and organizer: what
    /// was held or called off, places, waitlists (from the activity's kept counts), and
    /// attendance and approved minutes of those with a place; and the volunteers, once.
    async fn participation(
        &self,
        communities: &[GridUnitId],
        from: Millis,
        to: Millis,
    ) -> Result<(Vec<ParticipationRow>, u32), sqlx::Error> {
        type Key = (i64, i64, Option<i64>);
        let key = |r: &AnyRow| -> Result<Key, sqlx::Error> {
            Ok((
                r.try_get("community_id")?,
                r.try_get("grid_unit_id")?,
                r.try_get("organization_id")?,
            ))
        };
        let mut p = Params::default();
        let sql = format!(
            "SELECT a.community_id, a.grid_unit_id, a.organization_id, o.name_zh, o.name_en, \
                COUNT(CASE WHEN a.status <> 'cancelled' THEN 1 END) AS held, \
                COUNT(CASE WHEN a.status = 'cancelled' THEN 1 END) AS cancelled, \
                CAST(SUM(CASE WHEN a.status <> 'cancelled' THEN a.places ELSE 0 END) AS BIGINT) AS places, \
                CAST(SUM(CASE WHEN a.status <> 'cancelled' THEN a.confirmed ELSE 0 END) AS BIGINT) AS confirmed, \
                CAST(SUM(CASE WHEN a.status <> 'cancelled' THEN a.waitlisted ELSE 0 END) AS BIGINT) AS waitlisted \
             FROM activities a LEFT JOIN organizations o ON o.id = a.organization_id \
             WHERE {} AND a.status <> 'draft' \
             GROUP BY a.community_id, a.grid_unit_id, a.organization_id, o.name_zh, o.name_en",
            scope(&mut p, communities, "a", "starts_at", from, to)
        );
        let mut rows = std::collections::BTreeMap::new();
        for r in self.rows_with(&sql, p).await? {
            let k = key(&r)?;
            let organization = match k.2 {
                Some(id) => Some((id, r.try_get("name_zh")?, r.try_get("name_en")?)),
                None => None,
            };
            rows.insert(
                k,
                ParticipationRow {
                    community: GridUnitId::from_row(k.0),
                    grid_unit: GridUnitId::from_row(k.1),
                    organization,
                    counts: ParticipationCounts {
                        held: count(&r, "held")?,
                        cancelled: count(&r, "cancelled")?,
                        places: count(&r, "places")?,
                        confirmed: count(&r, "confirmed")?,
                        waitlisted: count(&r, "waitlisted")?,
                        ..ParticipationCounts::default()
                    },
                },
            );
        }
        let mut p = Params::default();
        let scoped = scope(&mut p, communities, "a", "starts_at", from, to);
        let held = "a.status NOT IN ('draft', 'cancelled') AND s.status = 'confirmed'";
        let sql = format!(
            "SELECT a.community_id, a.grid_unit_id, a.organization_id, COUNT(s.checked_in_at) AS attended, \
                CAST(SUM(s.no_show) AS BIGINT) AS no_shows, CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) AS minutes \
             FROM activities a JOIN activity_signups s ON s.activity_id = a.id \
             WHERE {scoped} AND {held} GROUP BY a.community_id, a.grid_unit_id, a.organization_id"
        );
        for r in self.rows_with(&sql, p).await? {
            if let Some(row) = rows.get_mut(&key(&r)?) {
                row.counts.attended = count(&r, "attended")?;
                row.counts.no_shows = count(&r, "no_shows")?;
                row.counts.approved_minutes = r.try_get::<i64, _>("minutes")?.max(0) as u64;
            }
        }
        let mut p = Params::default();
        let scoped = scope(&mut p, communities, "a", "starts_at", from, to);
        let sql = format!(
            "SELECT COUNT(DISTINCT s.person_id) AS n FROM activities a JOIN activity_signups s ON s.activity_id = a.id \
             WHERE {scoped} AND {held}"
        );
        let volunteers = count(&self.rows_with(&sql, p).await?[0], "n")?;
        Ok((rows.into_values().collect(), volunteers))
    }
}
