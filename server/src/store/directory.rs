//! The directory queries: search, service and organization pages, categories, grid.
//!
//! The radius search filters and sorts by the domain's [`LocalPlane`] distance, written
//! out in SQL with only `+ - *` so both engines compute it the same way; a bounding box
//! on `(latitude, longitude)` lets the index narrow the rows first.

use super::params::{like_contains, Params};
use super::rows::{self, corrupt, flag};
use super::{failed, SqlStore};
use app::domain::catalog::CategoryGroup;
use app::domain::directory::{
    Category, Delivery, Eligibility, GridRef, OrganizationDetail, OrganizationKind, SearchPage, ServiceDetail,
    ServiceSummary,
};
use app::domain::geo::{Coordinates, LocalPlane, METRES_PER_DEGREE};
use app::domain::grid::{GridKind, GridUnit};
use app::domain::ids::{GridUnitId, OrganizationId, ServiceId};
use app::domain::lang::Lang;
use app::domain::requests::rating::{PRIOR_MEAN, PRIOR_WEIGHT};
use app::domain::search::{ServiceSearch, SortOrder};
use app::domain::store::{DirectoryStore, StoreError};
use sqlx::Row;

/// Suffix of the language-specific columns. Only ever one of two literals, so it is safe
/// to splice into SQL.
fn sfx(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The columns a [`ServiceSummary`] is read from; `s`, `o`, `c` are the joined tables.
pub(super) fn summary_columns(lang: Lang) -> String {
    let l = sfx(lang);
    format!(
        "s.id, s.name_{l} AS name, s.category_slug, c.name_{l} AS category_name, c.group_slug, \
         s.organization_id, o.name_{l} AS organization_name, s.latitude, s.longitude, s.address_{l} AS address, \
         s.cost_kind, s.price_fen, s.price_unit_{l} AS price_unit, {RATING_COLUMNS}"
    )
}

pub(super) const SUMMARY_JOINS: &str = "services s JOIN organizations o ON o.id = s.organization_id \
     JOIN categories c ON c.slug = s.category_slug LEFT JOIN service_ratings sr ON sr.service_id = s.id";

/// A service's ratings by score (`sr`: `LEFT JOIN service_ratings sr`; NULL before the first).
pub(super) const RATING_COLUMNS: &str = "sr.r1, sr.r2, sr.r3, sr.r4, sr.r5";

/// [`bayesian`](app::domain::requests::rating::bayesian) as SQL over `sr` (`LEFT JOIN
/// service_ratings sr`): two whole numbers divided in double precision, rounded as Rust
/// rounds them, so the rating order agrees with the snapshot's.
fn ranking_sql() -> String {
    let prior_sum = PRIOR_MEAN * PRIOR_WEIGHT;
    format!(
        "(CAST({prior_sum} + COALESCE(sr.r1 + 2 * sr.r2 + 3 * sr.r3 + 4 * sr.r4 + 5 * sr.r5, 0) AS DOUBLE PRECISION) \
         / CAST({PRIOR_WEIGHT} + COALESCE(sr.r1 + sr.r2 + sr.r3 + sr.r4 + sr.r5, 0) AS DOUBLE PRECISION))"
    )
}

/// The planar squared distance of [`LocalPlane::squared_distance_m2`] as SQL.
fn squared_distance_sql(plane: &LocalPlane, params: &mut Params) -> String {
    let lat0 = params.float(plane.origin.latitude());
    let lon0 = params.float(plane.origin.longitude());
    let my = params.float(METRES_PER_DEGREE);
    let mx = params.float(plane.metres_per_degree_lon);
    format!(
        "(((s.longitude - {lon0}) * {mx}) * ((s.longitude - {lon0}) * {mx}) + ((s.latitude - {lat0}) * {my}) * ((s.latitude - {lat0}) * {my}))"
    )
}

/// The WHERE clause shared by the page query and the count, so they cannot disagree.
fn search_filter(search: &ServiceSearch, plane: Option<&LocalPlane>, params: &mut Params) -> (String, Option<String>) {
    let mut conditions: Vec<String> = vec![LISTED.to_owned()];
    let mut distance = None;
    if let Some(plane) = plane {
        let radius = f64::from(search.radius.get());
        let bb = plane.bounding_box(radius);
        conditions.push(format!(
            "s.latitude BETWEEN {} AND {} AND s.longitude BETWEEN {} AND {}",
            params.float(bb.min_lat),
            params.float(bb.max_lat),
            params.float(bb.min_lon),
            params.float(bb.max_lon)
        ));
        let d2 = squared_distance_sql(plane, params);
        conditions.push(format!("{d2} <= {}", params.float(radius * radius)));
        distance = Some(d2);
    }
    if !search.categories.is_empty() {
        let list: Vec<String> = search.categories.iter().map(|c| params.text(c.as_str())).collect();
        conditions.push(format!("s.category_slug IN ({})", list.join(", ")));
    }
    if let Some(group) = search.group {
        conditions.push(format!(
            "s.category_slug IN (SELECT slug FROM categories WHERE group_slug = {})",
            params.text(group.slug())
        ));
    }
    if let Some(cost) = search.cost {
        conditions.push(format!("s.cost_kind = {}", params.text(cost.slug())));
    }
    if let Some(text) = &search.text {
        // The text is stored folded (domain::fold); the query is folded the same way.
        let p = params.text(like_contains(&app::domain::fold::fold(text.as_str())));
        conditions.push(format!("s.search_text LIKE {p} ESCAPE '\\'"));
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    (clause, distance)
}

/// What search and the lists of an organization's offerings find: active offerings of
/// verified organizations that are not suspended (community staff suspend one to take all
/// its offerings out of the directory at once). Over `services s` alone, so the count
/// needs no join.
pub(crate) const LISTED: &str =
    "s.status = 'active' AND s.organization_id IN (SELECT id FROM organizations WHERE verified = 1 AND suspended = 0)";

/// Which services have a page: listed ones, and paused ones (their page says so).
pub(crate) const SHOWN: &str =
    "s.status <> 'retired' AND s.organization_id IN (SELECT id FROM organizations WHERE verified = 1 AND suspended = 0)";

/// [`SHOWN`] for a query that joins `organizations o` already. Reading the whole
/// directory in id order by batches, SQLite drove [`SHOWN`]'s `IN` from the
/// organizations' index and sorted every batch anew: 5.7 s for 100,000 offerings, where
/// this walks the services by id in 1.4 s.
pub(crate) const SHOWN_JOINED: &str = "s.status <> 'retired' AND o.verified = 1 AND o.suspended = 0";

/// Which organizations have a page (and offerings in the directory).
pub(crate) const SHOWN_ORGANIZATIONS: &str = "verified = 1 AND suspended = 0";

/// At most this many offerings on an organization's page (and as "other offerings").
pub(super) const OFFERINGS_SHOWN: usize = 100;

impl SqlStore {
    async fn summaries(
        &self,
        sql: &str,
        params: Params,
        plane: Option<&LocalPlane>,
    ) -> Result<Vec<ServiceSummary>, StoreError> {
        let rows = sqlx::query_with(sql, params.into_arguments())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?;
        rows.iter()
            .map(|r| rows::service_summary(r, plane))
            .collect::<Result<_, _>>()
            .map_err(failed)
    }

    /// Grid units from a query selecting `id, parent_id, kind, name, latitude, longitude`.
    async fn grid_rows(&self, sql: &str, params: Params) -> Result<Vec<GridUnit>, StoreError> {
        sqlx::query_with(sql, params.into_arguments())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(rows::grid_unit)
            .collect::<Result<_, _>>()
            .map_err(failed)
    }

    async fn grid_ref(&self, id: i64, lang: Lang) -> Result<GridRef, StoreError> {
        let unit = self
            .grid_unit_by_sql(id, lang)
            .await?
            .ok_or_else(|| failed(corrupt("grid_unit_id", &id.to_string())))?;
        Ok(GridRef {
            id: unit.id,
            kind: unit.kind,
            name: unit.name,
        })
    }

    /// The directory search in SQL alone: the reference the index must agree with, and the
    /// answer whenever the index is missing or stale.
    pub async fn search_by_sql(&self, search: &ServiceSearch) -> Result<SearchPage, StoreError> {
        let plane = search.near.map(LocalPlane::new);

        let mut count_params = Params::default();
        let (count_filter, _) = search_filter(search, plane.as_ref(), &mut count_params);
        let count_sql = format!("SELECT COUNT(*) FROM services s {count_filter}");
        let total: i64 = sqlx::query_with(&count_sql, count_params.into_arguments())
            .fetch_one(self.pool())
            .await
            .and_then(|row| row.try_get(0))
            .map_err(failed)?;

        // Two steps in one statement: pick the page's ids from `services` alone (the
        // position index covers the radius filter and the distance), then join the
        // details for those few rows only. Sorting thousands of narrow rows is cheap;
        // sorting them with every joined column was not.
        let mut params = Params::default();
        let (filter, distance) = search_filter(search, plane.as_ref(), &mut params);
        // Best rated first when asked, then nearest (by id without an origin); otherwise
        // nearest first, or by name without an origin.
        let (sort_key, rank) = match (search.sort, distance) {
            (SortOrder::Nearest, Some(d2)) => (d2, None),
            (SortOrder::Nearest, None) => (format!("s.name_{}", sfx(search.lang)), None),
            (SortOrder::Rating, d2) => (d2.unwrap_or_else(|| "s.id".to_owned()), Some(ranking_sql())),
        };
        let (rank_column, ratings_join, rank_first, page_rank_first) = match &rank {
            Some(ranking) => (
                format!(", {ranking} AS rank_key"),
                " LEFT JOIN service_ratings sr ON sr.service_id = s.id",
                "rank_key DESC, ",
                "page.rank_key DESC, ",
            ),
            None => (String::new(), "", "", ""),
        };
        let limit = params.int(i64::from(search.paging.limit()));
        let offset = params.int(search.paging.offset() as i64);
        let sql = format!(
            "SELECT {} FROM (SELECT s.id AS page_id, {sort_key} AS sort_key{rank_column} \
             FROM services s{ratings_join} {filter} \
             ORDER BY {rank_first}sort_key, s.id LIMIT {limit} OFFSET {offset}) page \
             JOIN services s ON s.id = page.page_id JOIN organizations o ON o.id = s.organization_id \
             JOIN categories c ON c.slug = s.category_slug LEFT JOIN service_ratings sr ON sr.service_id = s.id \
             ORDER BY {page_rank_first}page.sort_key, page.page_id",
            summary_columns(search.lang)
        );
        let items = self.summaries(&sql, params, plane.as_ref()).await?;
        Ok(SearchPage {
            total: total.max(0) as u64,
            items,
        })
    }

    /// Services of one organization by name (with their distance when `near` is given),
    /// optionally leaving one out, in SQL alone (the fallback and the reference for
    /// `Snapshot::service` and `Snapshot::organization`).
    pub async fn offerings_of_by_sql(
        &self,
        organization_id: i64,
        except: Option<i64>,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Vec<ServiceSummary>, StoreError> {
        let mut params = Params::default();
        let org = params.int(organization_id);
        let except = params.int(except.unwrap_or(0));
        let sql = format!(
            "SELECT {} FROM {SUMMARY_JOINS} WHERE s.organization_id = {org} AND s.id <> {except} AND {LISTED} ORDER BY s.name_{}, s.id LIMIT {OFFERINGS_SHOWN}",
            summary_columns(lang),
            sfx(lang)
        );
        let plane = near.map(LocalPlane::new);
        self.summaries(&sql, params, plane.as_ref()).await
    }
}

/// The directory by SQL alone: the reference the snapshot is tested against, and what
/// the snapshot layer ([`SnapshotDirectory`](super::SnapshotDirectory)) falls back to.
#[async_trait::async_trait]
impl DirectoryStore for SqlStore {
    async fn search_services(&self, search: &ServiceSearch) -> Result<SearchPage, StoreError> {
        self.search_by_sql(search).await
    }

    async fn service(
        &self,
        service_id: ServiceId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<ServiceDetail>, StoreError> {
        self.service_by_sql(service_id, lang, near).await
    }

    async fn organization(
        &self,
        organization_id: OrganizationId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<OrganizationDetail>, StoreError> {
        self.organization_by_sql(organization_id, lang, near).await
    }

    async fn categories(&self, lang: Lang) -> Result<Vec<Category>, StoreError> {
        self.categories_by_sql(lang).await
    }

    async fn grid_units(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        self.grid_units_by_sql(lang).await
    }

    async fn grid_children(&self, parent: Option<GridUnitId>, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        self.grid_children_by_sql(parent.map(GridUnitId::get), lang).await
    }

    async fn communities(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        self.communities_by_sql(lang).await
    }

    async fn home_places_in(&self, community_id: GridUnitId, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        self.home_places_in_by_sql(community_id.get(), lang).await
    }

    async fn grid_unit(&self, id: GridUnitId, lang: Lang) -> Result<Option<GridUnit>, StoreError> {
        self.grid_unit_by_sql(id.get(), lang).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .fetch_one(self.pool())
            .await
            .map(|_| ())
            .map_err(failed)
    }
}

/// The reads by SQL, by name, for the tests that compare them with the snapshot's.
impl SqlStore {
    pub async fn categories_by_sql(&self, lang: Lang) -> Result<Vec<Category>, StoreError> {
        let sql = format!(
            "SELECT slug, group_slug, name_{} AS name FROM categories ORDER BY sort_order, slug",
            sfx(lang)
        );
        sqlx::query(&sql)
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(|r| {
                let group: String = r.try_get("group_slug")?;
                Ok(Category {
                    slug: r.try_get("slug")?,
                    group: CategoryGroup::parse(&group).ok_or_else(|| corrupt("group_slug", &group))?,
                    name: r.try_get("name")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }

    pub async fn grid_units_by_sql(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        let sql = format!(
            "SELECT id, parent_id, kind, name_{} AS name, latitude, longitude FROM grid_units ORDER BY sort_order, id",
            sfx(lang)
        );
        self.grid_rows(&sql, Params::default()).await
    }

    pub async fn grid_children_by_sql(&self, parent: Option<i64>, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        let mut params = Params::default();
        let under = match parent {
            Some(id) => format!("parent_id = {}", params.int(id)),
            None => "parent_id IS NULL".to_owned(),
        };
        let sql = format!(
            "SELECT id, parent_id, kind, name_{} AS name, latitude, longitude FROM grid_units \
             WHERE {under} ORDER BY sort_order, id",
            sfx(lang)
        );
        self.grid_rows(&sql, params).await
    }

    pub async fn communities_by_sql(&self, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        let sql = format!(
            "SELECT id, parent_id, kind, name_{} AS name, latitude, longitude FROM grid_units \
             WHERE kind = 'community' ORDER BY sort_order, id",
            sfx(lang)
        );
        self.grid_rows(&sql, Params::default()).await
    }

    pub async fn home_places_in_by_sql(&self, community_id: i64, lang: Lang) -> Result<Vec<GridUnit>, StoreError> {
        let mut params = Params::default();
        let community = params.int(community_id);
        let sql = format!(
            "SELECT u.id, u.parent_id, u.kind, u.name_{} AS name, u.latitude, u.longitude FROM grid_units u \
             JOIN grid_units z ON z.id = u.parent_id \
             WHERE z.parent_id = {community} AND z.kind = 'zone' AND u.kind IN ('courtyard', 'estate', 'resident-unit') \
             ORDER BY z.sort_order, z.id, u.sort_order, u.id",
            sfx(lang)
        );
        self.grid_rows(&sql, params).await
    }

    pub async fn grid_unit_by_sql(&self, id: i64, lang: Lang) -> Result<Option<GridUnit>, StoreError> {
        let sql = format!(
            "SELECT id, parent_id, kind, name_{} AS name, latitude, longitude FROM grid_units WHERE id = $1",
            sfx(lang)
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        row.as_ref().map(rows::grid_unit).transpose().map_err(failed)
    }

    /// A service's page in SQL alone (the fallback and the reference).
    pub async fn service_by_sql(
        &self,
        service_id: ServiceId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<ServiceDetail>, StoreError> {
        self.service_where(service_id, lang, near, SHOWN).await
    }

    /// A service as its page would show it whatever its status and its organization's
    /// (for the organization's own view of an offering).
    pub async fn offering_page(&self, service_id: ServiceId, lang: Lang) -> Result<Option<ServiceDetail>, StoreError> {
        self.service_where(service_id, lang, None, "1 = 1").await
    }

    /// A service's page where `condition` (over `s`, `o`, `c`) holds.
    async fn service_where(
        &self,
        service_id: ServiceId,
        lang: Lang,
        near: Option<Coordinates>,
        condition: &str,
    ) -> Result<Option<ServiceDetail>, StoreError> {
        let id = service_id.get();
        let l = sfx(lang);
        let mut params = Params::default();
        let id_param = params.int(id);
        let sql = format!(
            "SELECT {}, s.description_{l} AS description, s.delivery, s.hours_{l} AS hours, s.min_age, \
             s.residence_required, s.disability_certificate_required, s.eligibility_note_{l} AS eligibility_note, \
             s.phone, s.capacity, s.grid_unit_id, s.status, s.status_reason, s.photo \
             FROM {SUMMARY_JOINS} WHERE s.id = {id_param} AND {condition}",
            summary_columns(lang)
        );
        let plane = near.map(LocalPlane::new);
        let Some(row) = sqlx::query_with(&sql, params.into_arguments())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?
        else {
            return Ok(None);
        };
        let read = || -> Result<_, sqlx::Error> {
            let summary = rows::service_summary(&row, plane.as_ref())?;
            let delivery: String = row.try_get("delivery")?;
            let min_age: Option<i64> = row.try_get("min_age")?;
            let capacity: Option<i64> = row.try_get("capacity")?;
            Ok((
                summary,
                row.try_get::<String, _>("description")?,
                Delivery::parse(&delivery).ok_or_else(|| corrupt("delivery", &delivery))?,
                row.try_get::<String, _>("hours")?,
                Eligibility {
                    min_age: min_age.map(|a| a.clamp(0, 150) as u32),
                    residence_required: flag(&row, "residence_required")?,
                    disability_certificate_required: flag(&row, "disability_certificate_required")?,
                    note: row.try_get("eligibility_note")?,
                },
                row.try_get::<String, _>("phone")?,
                capacity.map(|c| c.clamp(0, i64::from(u32::MAX)) as u32),
                row.try_get::<i64, _>("grid_unit_id")?,
                paused(&row)?,
                photo_path(&row)?,
            ))
        };
        let (summary, description, delivery, hours, eligibility, phone, capacity, grid_unit_id, paused, photo) =
            read().map_err(failed)?;

        let mut params = Params::default();
        let id_param = params.int(id);
        let coverage_sql = format!(
            "SELECT g.id, g.kind, g.name_{l} AS name FROM service_coverage sc JOIN grid_units g ON g.id = sc.grid_unit_id \
             WHERE sc.service_id = {id_param} ORDER BY g.sort_order, g.id"
        );
        let coverage = sqlx::query_with(&coverage_sql, params.into_arguments())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(GridRef {
                    id: GridUnitId::from_row(r.try_get("id")?),
                    kind: GridKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
                    name: r.try_get("name")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(failed)?;

        let place = self.grid_ref(grid_unit_id, lang).await?;
        let other_offerings = self
            .offerings_of_by_sql(summary.organization.id.get(), Some(id), lang, near)
            .await?;
        Ok(Some(ServiceDetail {
            summary,
            description,
            delivery,
            hours,
            eligibility,
            phone,
            capacity,
            place,
            coverage,
            other_offerings,
            paused,
            photo,
        }))
    }

    /// An organization's page in SQL alone (the fallback and the reference).
    pub async fn organization_by_sql(
        &self,
        organization_id: OrganizationId,
        lang: Lang,
        near: Option<Coordinates>,
    ) -> Result<Option<OrganizationDetail>, StoreError> {
        let id = organization_id.get();
        let l = sfx(lang);
        let mut params = Params::default();
        let id_param = params.int(id);
        let sql = format!(
            "SELECT id, kind, name_{l} AS name, description_{l} AS description, phone, address_{l} AS address, \
             latitude, longitude, verified, community_id FROM organizations \
             WHERE id = {id_param} AND {SHOWN_ORGANIZATIONS}"
        );
        let Some(row) = sqlx::query_with(&sql, params.into_arguments())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?
        else {
            return Ok(None);
        };
        let read = || -> Result<_, sqlx::Error> {
            let kind: String = row.try_get("kind")?;
            Ok((
                OrganizationKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
                row.try_get::<String, _>("name")?,
                row.try_get::<String, _>("description")?,
                row.try_get::<String, _>("phone")?,
                row.try_get::<String, _>("address")?,
                row.try_get::<f64, _>("latitude")?,
                row.try_get::<f64, _>("longitude")?,
                flag(&row, "verified")?,
                row.try_get::<i64, _>("community_id")?,
            ))
        };
        let (kind, name, description, phone, address, latitude, longitude, verified, community_id) =
            read().map_err(failed)?;
        let community = self.grid_ref(community_id, lang).await?;
        let offerings = self.offerings_of_by_sql(id, None, lang, near).await?;
        Ok(Some(OrganizationDetail {
            id: organization_id,
            name,
            kind,
            description,
            phone,
            address,
            latitude,
            longitude,
            verified,
            community,
            offerings,
        }))
    }
}

/// Why a service is paused (`s.status`, `s.status_reason`), or `None` when it is not.
pub(crate) fn paused(row: &sqlx::any::AnyRow) -> Result<Option<String>, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(match status.as_str() {
        "paused" => Some(row.try_get::<Option<String>, _>("status_reason")?.unwrap_or_default()),
        _ => None,
    })
}

/// The page-size photo path of `s.photo`, if the service has one.
pub(crate) fn photo_path(row: &sqlx::any::AnyRow) -> Result<Option<String>, sqlx::Error> {
    use app::domain::offerings::photo::{photo_path, PhotoSize};
    let key: Option<String> = row.try_get("photo")?;
    Ok(key.map(|k| photo_path(&k, PhotoSize::Page)))
}
