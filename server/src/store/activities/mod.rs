//! The [`ActivityStore`] over SQL: `activities` and `activity_signups` (migration 0015).
//! Reads here; the unit of work (publishing, signing up, cancelling) in `unit.rs`.
//!
//! The search walks upcoming published activities in the circle's bounding box (the
//! partial index on `starts_at`), measures each by the domain's [`LocalPlane`] in Rust
//! and reads whole rows only for the page it answers.

mod unit;
pub mod upcoming;

use super::rows::corrupt;
use super::{failed, SqlStore};
use app::domain::accounts::store::Millis;
use app::domain::accounts::values::mask;
use app::domain::activities::attendance::{AttendanceFacts, HoursSummary};
use app::domain::activities::certificate::Certificate;
use app::domain::activities::search::ActivitySearch;
use app::domain::activities::signup::SignupStatus;
use app::domain::activities::store::{ActivityStore, ActivityUnit, MySignup, RosterLine, Standing};
use app::domain::activities::{Activity, ActivityHit, ActivityKind, ActivityStatus, Organizer, Skill};
use app::domain::geo::{rounded_metres, Coordinates, LocalPlane};
use app::domain::ids::{ActivityId, GridUnitId, OrganizationId, PersonId};
use app::domain::message::Message;
use app::domain::store::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Every column an [`Activity`] is read from (`a`: the activity, `o` its organization,
/// `cu` its community, `g` its place). Each one of `a` and `o` must move
/// `activity_search_version` when updated (migrations 0019 and 0020 list them), or
/// searches keep showing its old value: [`activity_columns_read`] lets a test check.
pub(super) const COLUMNS: &str = "a.id, a.organization_id, o.name_zh AS org_zh, o.name_en AS org_en, \
     a.community_id, cu.name_zh AS community_zh, cu.name_en AS community_en, a.grid_unit_id, \
     g.name_zh AS unit_zh, g.name_en AS unit_en, a.address, a.latitude, a.longitude, a.kind, a.title_zh, \
     a.title_en, a.description_zh, a.description_en, a.starts_at, a.ends_at, a.signup_deadline, a.places, \
     a.confirmed, a.waitlisted, a.skills, a.min_age, a.status, a.cancel_reason, a.revision, a.updated_at";

/// Every `(table, column)` of activities and organizations an [`Activity`] is read from,
/// taken from [`COLUMNS`] itself, for the test that each bumps `activity_search_version`.
/// Ids never change; grid units are reference data no code path renames.
pub fn activity_columns_read() -> Vec<(&'static str, String)> {
    COLUMNS
        .split(',')
        .filter_map(|item| {
            let (alias, name) = item.split(" AS ").next()?.trim().split_once('.')?;
            let table = match alias {
                "a" => "activities",
                "o" => "organizations",
                _ => return None,
            };
            (name != "id").then(|| (table, name.to_owned()))
        })
        .collect()
}

pub(super) const JOINS: &str = "activities a JOIN grid_units cu ON cu.id = a.community_id \
     JOIN grid_units g ON g.id = a.grid_unit_id LEFT JOIN organizations o ON o.id = a.organization_id";

/// [`JOINS`] from a sign-up `s`.
const SIGNUP_JOINS: &str = "activity_signups s JOIN activities a ON a.id = s.activity_id \
     JOIN grid_units cu ON cu.id = a.community_id JOIN grid_units g ON g.id = a.grid_unit_id \
     LEFT JOIN organizations o ON o.id = a.organization_id";

/// Activities volunteers may see: of a verified, unsuspended organization, or of a community.
pub(super) const SHOWN: &str = "(a.organization_id IS NULL OR a.organization_id IN \
     (SELECT id FROM organizations WHERE verified = 1 AND suspended = 0))";

fn place(community: String, unit: String) -> String {
    if community == unit {
        unit
    } else {
        format!("{community} · {unit}")
    }
}

fn count(row: &AnyRow, column: &str) -> Result<u32, sqlx::Error> {
    Ok(row.try_get::<i64, _>(column)?.clamp(0, i64::from(u32::MAX)) as u32)
}

pub(super) fn activity(row: &AnyRow) -> Result<Activity, sqlx::Error> {
    let organization: Option<i64> = row.try_get("organization_id")?;
    let community = GridUnitId::from_row(row.try_get("community_id")?);
    let (community_zh, community_en): (String, String) = (row.try_get("community_zh")?, row.try_get("community_en")?);
    let (organizer, organizer_name) = match organization {
        Some(o) => (
            Organizer::Organization(OrganizationId::from_row(o)),
            Message::owned(row.try_get::<String, _>("org_zh")?, row.try_get::<String, _>("org_en")?),
        ),
        None => (
            Organizer::Community(community),
            Message::owned(
                format!("{community_zh}居委会"),
                format!("{community_en} residents' committee"),
            ),
        ),
    };
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let title_zh: String = row.try_get("title_zh")?;
    let title_en: Option<String> = row.try_get("title_en")?;
    let description_zh: String = row.try_get("description_zh")?;
    let description_en: Option<String> = row.try_get("description_en")?;
    let position = Coordinates::new(row.try_get("latitude")?, row.try_get("longitude")?)
        .map_err(|_| corrupt("latitude", "out of range"))?;
    Ok(Activity {
        id: ActivityId::from_row(row.try_get("id")?),
        organizer,
        organizer_name,
        community,
        place: GridUnitId::from_row(row.try_get("grid_unit_id")?),
        place_name: Message::owned(
            place(community_zh.clone(), row.try_get("unit_zh")?),
            place(community_en.clone(), row.try_get("unit_en")?),
        ),
        address: row.try_get("address")?,
        position,
        kind: ActivityKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        title: Message::owned(title_zh.clone(), title_en.unwrap_or(title_zh)),
        description: Message::owned(description_zh.clone(), description_en.unwrap_or(description_zh)),
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        signup_deadline: row.try_get("signup_deadline")?,
        places: count(row, "places")?,
        confirmed: count(row, "confirmed")?,
        waitlisted: count(row, "waitlisted")?,
        skills: Skill::split(&row.try_get::<String, _>("skills")?),
        min_age: row.try_get::<Option<i64>, _>("min_age")?.map(|a| a.clamp(0, 255) as u8),
        status: ActivityStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        cancel_reason: row.try_get("cancel_reason")?,
        revision: row.try_get("revision")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn standing(status: &str, position: Option<i64>) -> Result<Standing, sqlx::Error> {
    let status = SignupStatus::parse(status).ok_or_else(|| corrupt("status", status))?;
    Ok(Standing {
        status,
        position: if status == SignupStatus::Waitlisted {
            position.map(|p| p.clamp(0, i64::from(u32::MAX)) as u32)
        } else {
            None
        },
    })
}

/// A waitlisted sign-up's place in line: the waitlisted tickets at or before its own.
pub(super) const POSITION: &str = "(SELECT COUNT(*) FROM activity_signups w WHERE w.activity_id = s.activity_id \
     AND w.status = 'waitlisted' AND w.ticket <= s.ticket)";

impl SqlStore {
    async fn activities_by_id(&self, ids: &[i64]) -> Result<Vec<Activity>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM {JOINS} WHERE a.id IN ({list})"))
            .fetch_all(self.pool())
            .await?;
        let mut found = rows.iter().map(activity).collect::<Result<Vec<_>, _>>()?;
        found.sort_by_key(|a| ids.iter().position(|id| *id == a.id.get()));
        Ok(found)
    }
}

#[async_trait::async_trait]
impl ActivityStore for SqlStore {
    async fn begin_activities(&self) -> Result<Box<dyn ActivityUnit>, StoreError> {
        Ok(Box::new(self.unit().await?))
    }

    async fn activity(&self, id: ActivityId) -> Result<Option<Activity>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM {JOINS} WHERE a.id = $1"))
            .bind(id.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        row.as_ref().map(activity).transpose().map_err(failed)
    }

    async fn search_activities(&self, search: &ActivitySearch) -> Result<(u64, Vec<ActivityHit>), StoreError> {
        Ok(self.upcoming(search).await?.search(search))
    }

    async fn standing(&self, activity: ActivityId, person: PersonId) -> Result<Option<Standing>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT s.status, {POSITION} AS position FROM activity_signups s WHERE s.activity_id = $1 AND s.person_id = $2"
        ))
        .bind(activity.get())
        .bind(person.get())
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        row.map(|r| standing(&r.try_get::<String, _>("status")?, r.try_get("position")?))
            .transpose()
            .map_err(failed)
    }

    async fn signups_of(&self, person: PersonId) -> Result<Vec<MySignup>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, s.status AS signup_status, {POSITION} AS position \
             FROM {SIGNUP_JOINS} \
             WHERE s.person_id = $1 ORDER BY a.starts_at DESC, a.id DESC LIMIT 500"
        ))
        .bind(person.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        rows.iter()
            .map(|r| {
                Ok(MySignup {
                    activity: activity(r)?,
                    standing: standing(&r.try_get::<String, _>("signup_status")?, r.try_get("position")?)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }

    async fn roster(&self, activity: ActivityId) -> Result<Vec<RosterLine>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT s.person_id, p.display_name, p.login, s.status, {POSITION} AS position, s.signed_up_at, \
                s.checked_in_at, s.checked_out_at, s.no_show, s.minutes, s.approved_at, a.starts_at, a.ends_at \
             FROM activity_signups s JOIN people p ON p.id = s.person_id JOIN activities a ON a.id = s.activity_id \
             WHERE s.activity_id = $1 \
             ORDER BY CASE s.status WHEN 'confirmed' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, s.ticket, s.signed_up_at"
        ))
        .bind(activity.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        rows.iter()
            .map(|r| {
                let standing = standing(&r.try_get::<String, _>("status")?, r.try_get("position")?)?;
                let approved: Option<i64> = r.try_get("approved_at")?;
                Ok(RosterLine {
                    person: PersonId::from_row(r.try_get("person_id")?),
                    name: r.try_get("display_name")?,
                    phone: r.try_get::<Option<String>, _>("login")?.map(|l| mask(&l)),
                    standing,
                    signed_up_at: r.try_get("signed_up_at")?,
                    attendance: AttendanceFacts {
                        scheduled: (r.try_get("starts_at")?, r.try_get("ends_at")?),
                        status: standing.status,
                        checked_in_at: r.try_get("checked_in_at")?,
                        checked_out_at: r.try_get("checked_out_at")?,
                        no_show: r.try_get::<i64, _>("no_show")? == 1,
                        approved_minutes: match approved {
                            Some(_) => r
                                .try_get::<Option<i64>, _>("minutes")?
                                .map(|m| m.clamp(0, i64::from(u32::MAX)) as u32),
                            None => None,
                        },
                    },
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }

    async fn activities_of(&self, organizer: Organizer) -> Result<Vec<Activity>, StoreError> {
        let (condition, id) = match organizer {
            Organizer::Organization(o) => ("a.organization_id = $1", o.get()),
            Organizer::Community(c) => ("a.organization_id IS NULL AND a.community_id = $1", c.get()),
        };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {JOINS} WHERE {condition} ORDER BY a.starts_at DESC, a.id DESC LIMIT 200"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        rows.iter().map(activity).collect::<Result<_, _>>().map_err(failed)
    }

    async fn checkin_code(&self, activity: ActivityId) -> Result<String, StoreError> {
        let read = || {
            sqlx::query_scalar::<_, Option<String>>("SELECT checkin_code FROM activities WHERE id = $1")
                .bind(activity.get())
                .fetch_one(self.pool())
        };
        if let Some(code) = read().await.map_err(failed)? {
            return Ok(code);
        }
        // Made on first asking (activities from before migration 0017, demo data); two
        // instances asking at once keep whichever code was written first.
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|_| StoreError::Unavailable)?;
        let code = format!("{:06}", u32::from_le_bytes(bytes) % 1_000_000);
        sqlx::query("UPDATE activities SET checkin_code = $2 WHERE id = $1 AND checkin_code IS NULL")
            .bind(activity.get())
            .bind(&code)
            .execute(self.pool())
            .await
            .map_err(failed)?;
        read().await.map_err(failed)?.ok_or(StoreError::Unavailable)
    }

    async fn hours_of(&self, person: PersonId, year_from: Millis) -> Result<HoursSummary, StoreError> {
        let row = sqlx::query(
            // SUM of BIGINT is NUMERIC on PostgreSQL, which the Any driver does not map.
            "SELECT CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) AS total, COUNT(*) AS activities, \
                CAST(COALESCE(SUM(CASE WHEN a.starts_at >= $2 THEN s.minutes ELSE 0 END), 0) AS BIGINT) AS year \
             FROM activity_signups s JOIN activities a ON a.id = s.activity_id \
             WHERE s.person_id = $1 AND s.approved_at IS NOT NULL",
        )
        .bind(person.get())
        .bind(year_from)
        .fetch_one(self.pool())
        .await
        .map_err(failed)?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM activity_signups WHERE person_id = $1 AND checked_in_at IS NOT NULL AND approved_at IS NULL",
        )
        .bind(person.get())
        .fetch_one(self.pool())
        .await
        .map_err(failed)?;
        let minutes = |column: &str| -> Result<u64, sqlx::Error> { Ok(row.try_get::<i64, _>(column)?.max(0) as u64) };
        Ok(HoursSummary {
            total_minutes: minutes("total").map_err(failed)?,
            year_minutes: minutes("year").map_err(failed)?,
            pending: pending.clamp(0, i64::from(u32::MAX)) as u32,
            activities: minutes("activities").map_err(failed)?.min(u64::from(u32::MAX)) as u32,
        })
    }

    async fn display_name(&self, person: PersonId) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT display_name FROM people WHERE id = $1 AND deleted_at IS NULL")
            .bind(person.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)
    }

    async fn insert_certificate(&self, person: PersonId, c: &Certificate) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO certificates (code, person_id, name, total_minutes, year_minutes, activities, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING",
        )
        .bind(&c.code)
        .bind(person.get())
        .bind(&c.name)
        .bind(c.total_minutes as i64)
        .bind(c.year_minutes as i64)
        .bind(i64::from(c.activities))
        .bind(c.issued_at)
        .execute(self.pool())
        .await
        .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }

    async fn certificate(&self, code: &str) -> Result<Option<Certificate>, StoreError> {
        let row = sqlx::query(
            "SELECT code, name, total_minutes, year_minutes, activities, issued_at FROM certificates WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        row.map(|r| {
            Ok(Certificate {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                total_minutes: r.try_get::<i64, _>("total_minutes")?.max(0) as u64,
                year_minutes: r.try_get::<i64, _>("year_minutes")?.max(0) as u64,
                activities: r.try_get::<i64, _>("activities")?.clamp(0, i64::from(u32::MAX)) as u32,
                issued_at: r.try_get("issued_at")?,
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn hit(&self, key: &str, window_ms: i64, now: Millis) -> Result<u64, StoreError> {
        app::domain::accounts::store::AccountStore::hit(self, key, window_ms, now).await
    }

    async fn grid_position(&self, unit: GridUnitId) -> Result<Option<Coordinates>, StoreError> {
        let row = sqlx::query("SELECT latitude, longitude FROM grid_units WHERE id = $1")
            .bind(unit.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        row.map(|r| {
            Coordinates::new(r.try_get("latitude")?, r.try_get("longitude")?)
                .map_err(|_| corrupt("latitude", "out of range"))
        })
        .transpose()
        .map_err(failed)
    }
}

impl SqlStore {
    /// The activity search in SQL: the reference the in-memory one (`upcoming.rs`) is
    /// tested against.
    pub async fn search_activities_by_sql(
        &self,
        search: &ActivitySearch,
    ) -> Result<(u64, Vec<ActivityHit>), StoreError> {
        let mut sql = format!(
            "SELECT a.id, a.latitude, a.longitude, a.starts_at FROM activities a \
             WHERE a.status = 'published' AND a.starts_at >= $1 AND {SHOWN}"
        );
        let mut n = 1;
        let mut next = |sql: &mut String, clause: &str| {
            n += 1;
            sql.push_str(&clause.replace('?', &format!("${n}")));
        };
        if search.starts_before.is_some() {
            next(&mut sql, " AND a.starts_at < ?");
        }
        if search.kind.is_some() {
            next(&mut sql, " AND a.kind = ?");
        }
        if search.skill.is_some() {
            next(&mut sql, " AND (',' || a.skills || ',') LIKE ?");
        }
        let plane = search.near.map(LocalPlane::new);
        let radius = f64::from(search.radius.get());
        if plane.is_some() {
            next(&mut sql, " AND a.latitude BETWEEN ?");
            next(&mut sql, " AND ?");
            next(&mut sql, " AND a.longitude BETWEEN ?");
            next(&mut sql, " AND ?");
        }
        let mut query = sqlx::query(&sql).bind(search.starts_from);
        if let Some(before) = search.starts_before {
            query = query.bind(before);
        }
        if let Some(kind) = search.kind {
            query = query.bind(kind.slug());
        }
        if let Some(skill) = search.skill {
            query = query.bind(format!("%,{},%", skill.slug()));
        }
        if let Some(plane) = &plane {
            let bb = plane.bounding_box(radius);
            query = query
                .bind(bb.min_lat)
                .bind(bb.max_lat)
                .bind(bb.min_lon)
                .bind(bb.max_lon);
        }
        let rows = query.fetch_all(self.pool()).await.map_err(failed)?;
        let mut candidates = Vec::with_capacity(rows.len());
        for row in &rows {
            let (id, lat, lon, starts_at): (i64, f64, f64, i64) = (
                row.try_get("id").map_err(failed)?,
                row.try_get("latitude").map_err(failed)?,
                row.try_get("longitude").map_err(failed)?,
                row.try_get("starts_at").map_err(failed)?,
            );
            let d2 = plane.as_ref().map(|p| p.squared_distance_m2(lat, lon));
            if d2.is_some_and(|d2| d2 > radius * radius) {
                continue;
            }
            candidates.push((id, d2, starts_at));
        }
        let total = candidates.len() as u64;
        let offset = search.paging.offset() as usize;
        upcoming::first_ranked(
            &mut candidates,
            |c| *c,
            search.order,
            offset + search.paging.limit() as usize,
        );
        let page: Vec<_> = candidates.into_iter().skip(offset).collect();
        let ids: Vec<i64> = page.iter().map(|c| c.0).collect();
        let activities = self.activities_by_id(&ids).await.map_err(failed)?;
        let hits = activities
            .into_iter()
            .zip(page)
            .map(|(activity, (_, d2, _))| ActivityHit {
                activity,
                distance_m: d2.map(|d2| rounded_metres(d2.sqrt())),
            })
            .collect();
        Ok((total, hits))
    }
}
