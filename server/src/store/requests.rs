//! The [`RequestStore`] over SQL: `requests` with their timeline (`request_events`),
//! `ratings` with each offering's tally (`service_ratings`) and `follow_ups`.
//!
//! Design:
//! - Every change is a conditional update (`… WHERE id = $1 AND status = $2`) inside the
//!   unit that read the row under lock, with its timeline event in the same transaction:
//!   two people pressing "accept" at once make one acceptance.
//! - An idempotency key is a unique index on `(made_by, idempotency_key)`, claimed by the
//!   insert itself (`ON CONFLICT DO NOTHING`): on PostgreSQL a twin insert waits for the
//!   first transaction and then does nothing, so whatever the concurrency one row exists.
//! - A request's offering row is read `FOR UPDATE` on PostgreSQL (SQLite's unit holds the
//!   writer lock already), so requests for an offering's last place in a week are counted
//!   one after another.

use super::accounts::SqlUnit;
use super::params::Params;
use super::rows::{corrupt, flag};
use super::{failed, Engine, SqlStore};
use app::domain::accounts::store::Millis;
use app::domain::calendar::Day;
use app::domain::directory::Delivery;
use app::domain::grid::GridKind;
use app::domain::ids::{FollowUpId, GridUnitId, OrganizationId, PersonId, RequestId, ServiceId};
use app::domain::notifications::{Audience, Notice};
use app::domain::offerings::store::{OfferingStatus, PlaceOption};
use app::domain::requests::input::{AgeBand, Recipient};
use app::domain::requests::lifecycle::{Action, Status};
use app::domain::requests::rating::{RatingDraft, Score};
use app::domain::requests::store::*;
use app::domain::store::StoreError;
use sqlx::any::AnyRow;
use sqlx::Row;

fn status(row: &AnyRow, column: &str) -> Result<Status, sqlx::Error> {
    let raw: String = row.try_get(column)?;
    Status::parse(&raw).ok_or_else(|| corrupt(column, &raw))
}

fn person(row: &AnyRow, column: &str) -> Result<Option<PersonId>, sqlx::Error> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(PersonId::from_row))
}

fn day(row: &AnyRow, column: &str) -> Result<Option<Day>, sqlx::Error> {
    let raw: Option<String> = row.try_get(column)?;
    raw.map(|d| Day::parse(&d).ok_or_else(|| corrupt(column, &d)))
        .transpose()
}

fn state(row: &AnyRow) -> Result<RequestState, sqlx::Error> {
    Ok(RequestState {
        id: RequestId::from_row(row.try_get("id")?),
        service: ServiceId::from_row(row.try_get("service_id")?),
        service_name_zh: row.try_get("service_name_zh")?,
        service_name_en: row.try_get("service_name_en")?,
        organization: OrganizationId::from_row(row.try_get("organization_id")?),
        category: row.try_get("category_slug")?,
        resident: person(row, "resident_id")?,
        made_by: person(row, "made_by")?,
        grid_unit: GridUnitId::from_row(row.try_get("grid_unit_id")?),
        community: GridUnitId::from_row(row.try_get("community_id")?),
        status: status(row, "status")?,
        completed_at: row.try_get("completed_at")?,
    })
}

fn rating(row: &AnyRow) -> Result<Rating, sqlx::Error> {
    let score: i64 = row.try_get("score")?;
    let tags: String = row.try_get("tags")?;
    let hidden = flag(row, "comment_hidden")?;
    Ok(Rating {
        score: Score::new(score).ok_or_else(|| corrupt("score", &score.to_string()))?,
        tags: tags.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        comment: if hidden { None } else { row.try_get("comment")? },
        comment_hidden: hidden,
        rated_at: row.try_get("rated_at")?,
        updated_at: row.try_get("updated_at")?,
        reply: row.try_get("reply")?,
    })
}

const LINE_COLUMNS: &str = "r.id, r.service_id, s.name_zh AS service_name_zh, s.name_en AS service_name_en, \
     o.name_zh AS organization_name, r.status, COALESCE(r.for_name, rp.display_name) AS for_name, \
     c.name_zh AS community_zh, c.name_en AS community_en, g.name_zh AS unit_zh, g.name_en AS unit_en, \
     r.submitted_at, r.updated_at, r.answer_due, r.scheduled_for, ra.score";

const LINE_JOINS: &str = "JOIN services s ON s.id = r.service_id \
     JOIN organizations o ON o.id = r.organization_id \
     JOIN grid_units g ON g.id = r.grid_unit_id \
     JOIN grid_units c ON c.id = r.community_id \
     LEFT JOIN people rp ON rp.id = r.resident_id \
     LEFT JOIN ratings ra ON ra.request_id = r.id";

/// "南桥社区 · 12号院" (the community alone when it is the unit itself).
fn short_place(community: String, unit: String) -> String {
    if community == unit {
        unit
    } else {
        format!("{community} · {unit}")
    }
}

fn line(row: &AnyRow) -> Result<RequestLine, sqlx::Error> {
    let score: Option<i64> = row.try_get("score")?;
    Ok(RequestLine {
        id: RequestId::from_row(row.try_get("id")?),
        service: ServiceId::from_row(row.try_get("service_id")?),
        service_name_zh: row.try_get("service_name_zh")?,
        service_name_en: row.try_get("service_name_en")?,
        organization_name: row.try_get("organization_name")?,
        status: status(row, "status")?,
        for_name: row.try_get("for_name")?,
        place_zh: short_place(row.try_get("community_zh")?, row.try_get("unit_zh")?),
        place_en: short_place(row.try_get("community_en")?, row.try_get("unit_en")?),
        submitted_at: row.try_get("submitted_at")?,
        updated_at: row.try_get("updated_at")?,
        answer_due: row.try_get("answer_due")?,
        scheduled_for: row.try_get("scheduled_for")?,
        rated: score.and_then(Score::new),
    })
}

impl SqlStore {
    /// The community a grid unit lies in (itself, for a community).
    async fn community_of(&self, unit: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "WITH RECURSIVE up (id, parent_id, kind, depth) AS ( \
                SELECT id, parent_id, kind, 0 FROM grid_units WHERE id = $1 \
                UNION ALL SELECT g.id, g.parent_id, g.kind, up.depth + 1 FROM grid_units g \
                JOIN up ON g.id = up.parent_id WHERE up.kind <> 'community' AND up.depth < 8) \
             SELECT id FROM up WHERE kind = 'community'",
        )
        .bind(unit)
        .fetch_optional(self.pool())
        .await
    }

    /// A grid unit's path from its community down, in both languages.
    async fn path_of(&self, unit: i64) -> Result<(String, String), sqlx::Error> {
        let path = sqlx::query(
            "WITH RECURSIVE up (id, parent_id, kind, depth) AS ( \
                SELECT id, parent_id, kind, 0 FROM grid_units WHERE id = $1 \
                UNION ALL SELECT g.id, g.parent_id, g.kind, up.depth + 1 FROM grid_units g \
                JOIN up ON g.id = up.parent_id WHERE up.kind <> 'community' AND up.depth < 8) \
             SELECT g.name_zh, g.name_en FROM up JOIN grid_units g ON g.id = up.id ORDER BY up.depth DESC",
        )
        .bind(unit)
        .fetch_all(self.pool())
        .await?;
        let join = |column: &str| -> Result<String, sqlx::Error> {
            Ok(path
                .iter()
                .map(|r| r.try_get::<String, _>(column))
                .collect::<Result<Vec<_>, _>>()?
                .join(" › "))
        };
        Ok((join("name_zh")?, join("name_en")?))
    }

    /// A grid unit and everything under it, each named by its path.
    pub(super) async fn places_under(&self, root: i64) -> Result<Vec<PlaceOption>, sqlx::Error> {
        let (zh, en) = self.path_of(root).await?;
        sqlx::query(
            "WITH RECURSIVE down (id, label_zh, label_en, depth) AS ( \
                SELECT id, CAST($2 AS TEXT), CAST($3 AS TEXT), 0 FROM grid_units WHERE id = $1 \
                UNION ALL SELECT g.id, down.label_zh || ' › ' || g.name_zh, down.label_en || ' › ' || g.name_en, \
                    down.depth + 1 FROM grid_units g JOIN down ON g.parent_id = down.id WHERE down.depth < 6) \
             SELECT id, label_zh, label_en FROM down",
        )
        .bind(root)
        .bind(zh)
        .bind(en)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(PlaceOption {
                id: GridUnitId::from_row(r.try_get("id")?),
                label_zh: r.try_get("label_zh")?,
                label_en: r.try_get("label_en")?,
            })
        })
        .collect()
    }

    async fn read_request(&self, id: RequestId) -> Result<Option<Request>, sqlx::Error> {
        let Some(row) = sqlx::query(
            "SELECT r.*, s.name_zh AS service_name_zh, s.name_en AS service_name_en, o.name_zh AS organization_name, \
                rp.display_name AS resident_name, mp.display_name AS made_by_name \
             FROM requests r JOIN services s ON s.id = r.service_id JOIN organizations o ON o.id = r.organization_id \
             LEFT JOIN people rp ON rp.id = r.resident_id LEFT JOIN people mp ON mp.id = r.made_by \
             WHERE r.id = $1",
        )
        .bind(id.get())
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        // Where, from the community down.
        let (place_zh, place_en) = self.path_of(row.try_get::<i64, _>("grid_unit_id")?).await?;
        let timeline = sqlx::query(
            "SELECT e.action, e.status, e.by_person, p.display_name AS by_name, q.display_name AS for_name, \
                e.at, e.reason, e.scheduled_for \
             FROM request_events e LEFT JOIN people p ON p.id = e.by_person LEFT JOIN people q ON q.id = e.on_behalf_of \
             WHERE e.request_id = $1 ORDER BY e.seq",
        )
        .bind(id.get())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|e| {
            Ok(Event {
                action: e.try_get("action")?,
                status: status(e, "status")?,
                by: person(e, "by_person")?,
                by_name: e.try_get("by_name")?,
                for_name: e.try_get("for_name")?,
                at: e.try_get("at")?,
                reason: e.try_get("reason")?,
                scheduled_for: e.try_get("scheduled_for")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let rated = sqlx::query("SELECT * FROM ratings WHERE request_id = $1")
            .bind(id.get())
            .fetch_optional(self.pool())
            .await?
            .map(|r| rating(&r))
            .transpose()?;
        let name: Option<String> = row.try_get("for_name")?;
        let relation: Option<String> = row.try_get("for_relation")?;
        let band: Option<String> = row.try_get("age_band")?;
        Ok(Some(Request {
            id,
            service: ServiceId::from_row(row.try_get("service_id")?),
            service_name_zh: row.try_get("service_name_zh")?,
            service_name_en: row.try_get("service_name_en")?,
            organization: OrganizationId::from_row(row.try_get("organization_id")?),
            organization_name: row.try_get("organization_name")?,
            resident: person(&row, "resident_id")?,
            resident_name: row.try_get("resident_name")?,
            made_by: person(&row, "made_by")?,
            made_by_name: row.try_get("made_by_name")?,
            grid_unit: GridUnitId::from_row(row.try_get("grid_unit_id")?),
            community: GridUnitId::from_row(row.try_get("community_id")?),
            place_zh,
            place_en,
            address_detail: row.try_get("address_detail")?,
            recipient: name.zip(relation).map(|(name, relation)| Recipient { name, relation }),
            age_band: band
                .map(|b| AgeBand::parse(&b).ok_or_else(|| corrupt("age_band", &b)))
                .transpose()?,
            needs: row.try_get("needs")?,
            preferred_time: row.try_get("preferred_time")?,
            preferred_date: day(&row, "preferred_date")?,
            notes: row.try_get("notes")?,
            contact_phone: row.try_get("contact_phone")?,
            status: status(&row, "status")?,
            scheduled_for: row.try_get("scheduled_for")?,
            submitted_at: row.try_get("submitted_at")?,
            updated_at: row.try_get("updated_at")?,
            answer_due: row.try_get("answer_due")?,
            completed_at: row.try_get("completed_at")?,
            reopened: row.try_get("reopened")?,
            timeline,
            rating: rated,
        }))
    }
}

#[async_trait::async_trait]
impl RequestStore for SqlStore {
    async fn begin_requests(&self) -> Result<Box<dyn RequestUnit>, StoreError> {
        Ok(Box::new(self.unit().await?))
    }

    async fn request(&self, id: RequestId) -> Result<Option<Request>, StoreError> {
        self.read_request(id).await.map_err(failed)
    }

    async fn requests(&self, filter: &RequestFilter) -> Result<Vec<RequestLine>, StoreError> {
        let mut p = Params::default();
        let mut prefix = String::new();
        let mut conditions = Vec::new();
        match &filter.whose {
            Whose::Residents(people) => {
                let list = people.iter().map(|id| p.int(id.get())).collect::<Vec<_>>().join(", ");
                conditions.push(format!("(r.resident_id IN ({list}) OR r.made_by IN ({list}))"));
            }
            Whose::Organization(o) => conditions.push(format!("r.organization_id = {}", p.int(o.get()))),
        }
        match filter.bucket {
            Bucket::All => {}
            Bucket::New => conditions.push("r.status = 'submitted'".into()),
            Bucket::Open => conditions.push("r.status IN ('submitted', 'accepted', 'scheduled')".into()),
            Bucket::Overdue => conditions.push(format!(
                "r.status = 'submitted' AND r.answer_due < {}",
                p.int(filter.now)
            )),
            Bucket::Closed => conditions.push("r.status IN ('declined', 'completed', 'cancelled')".into()),
        }
        if let Some(service) = filter.service {
            conditions.push(format!("r.service_id = {}", p.int(service.get())));
        }
        if let Some(unit) = filter.grid_unit {
            prefix = format!(
                "WITH RECURSIVE within (id, depth) AS (SELECT id, 0 FROM grid_units WHERE id = {} \
                 UNION ALL SELECT g.id, within.depth + 1 FROM grid_units g JOIN within ON g.parent_id = within.id \
                 WHERE within.depth < 8) ",
                p.int(unit.get())
            );
            conditions.push("r.grid_unit_id IN (SELECT id FROM within)".into());
        }
        if let Some(before) = filter.before {
            conditions.push(format!("r.id < {}", p.int(before.get())));
        }
        let sql = format!(
            "{prefix}SELECT {LINE_COLUMNS} FROM requests r {LINE_JOINS} WHERE {} ORDER BY r.id DESC LIMIT {}",
            conditions.join(" AND "),
            p.int(i64::from(filter.limit))
        );
        sqlx::query_with(&sql, p.into_arguments())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(line)
            .collect::<Result<_, _>>()
            .map_err(failed)
    }

    async fn by_idempotency_key(
        &self,
        made_by: PersonId,
        key: &str,
    ) -> Result<Option<(RequestId, String)>, StoreError> {
        let row = sqlx::query("SELECT id, fingerprint FROM requests WHERE made_by = $1 AND idempotency_key = $2")
            .bind(made_by.get())
            .bind(key)
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        row.map(|r| {
            Ok((
                RequestId::from_row(r.try_get("id")?),
                r.try_get::<Option<String>, _>("fingerprint")?.unwrap_or_default(),
            ))
        })
        .transpose()
        .map_err(failed)
    }

    async fn places_for(&self, service: ServiceId) -> Result<Vec<PlaceOption>, StoreError> {
        let Some(row) = sqlx::query("SELECT delivery, grid_unit_id FROM services WHERE id = $1")
            .bind(service.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?
        else {
            return Ok(Vec::new());
        };
        let delivery: String = row.try_get("delivery").map_err(failed)?;
        let place: i64 = row.try_get("grid_unit_id").map_err(failed)?;
        let coverage: Vec<i64> = if delivery == "at-home" {
            sqlx::query_scalar("SELECT grid_unit_id FROM service_coverage WHERE service_id = $1 ORDER BY grid_unit_id")
                .bind(service.get())
                .fetch_all(self.pool())
                .await
                .map_err(failed)?
        } else {
            Vec::new()
        };
        let roots = if coverage.is_empty() {
            // On site (or nowhere given): the community it is in.
            self.community_of(place).await.map_err(failed)?.into_iter().collect()
        } else {
            coverage
        };
        let mut places = Vec::new();
        for root in roots {
            places.extend(self.places_under(root).await.map_err(failed)?);
        }
        places.sort_by(|a, b| a.label_zh.cmp(&b.label_zh).then(a.id.cmp(&b.id)));
        places.dedup_by_key(|p| p.id);
        Ok(places)
    }

    async fn alternatives(
        &self,
        service: ServiceId,
        unit: GridUnitId,
        limit: u32,
    ) -> Result<Vec<Alternative>, StoreError> {
        // Nearest by the plane distance in degrees, longitude scaled by cos(30.6°) for
        // Chengdu: enough to order a handful of nearby offerings.
        sqlx::query(&format!(
            "WITH RECURSIVE up (id, parent_id, depth) AS ( \
                SELECT id, parent_id, 0 FROM grid_units WHERE id = $2 \
                UNION ALL SELECT g.id, g.parent_id, up.depth + 1 FROM grid_units g JOIN up ON g.id = up.parent_id \
                WHERE up.depth < 8) \
             SELECT s.id, s.name_zh, s.name_en, o.name_zh AS organization_name \
             FROM services s JOIN organizations o ON o.id = s.organization_id JOIN grid_units u ON u.id = $2 \
             WHERE s.category_slug = (SELECT category_slug FROM services WHERE id = $1) AND s.id <> $1 \
                AND s.status = 'active' AND {shown} \
                AND (s.delivery = 'on-site' OR EXISTS (SELECT 1 FROM service_coverage c \
                     WHERE c.service_id = s.id AND c.grid_unit_id IN (SELECT id FROM up))) \
             ORDER BY (s.latitude - u.latitude) * (s.latitude - u.latitude) \
                + (s.longitude - u.longitude) * (s.longitude - u.longitude) * 0.74, s.id \
             LIMIT $3",
            shown = super::directory::SHOWN_JOINED
        ))
        .bind(service.get())
        .bind(unit.get())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| {
            Ok(Alternative {
                id: ServiceId::from_row(r.try_get("id")?),
                name_zh: r.try_get("name_zh")?,
                name_en: r.try_get("name_en")?,
                organization_name: r.try_get("organization_name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn inbox_counts(&self, organization: OrganizationId, now: Millis) -> Result<Vec<(Bucket, u32)>, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(CASE WHEN status = 'submitted' THEN 1 END) AS new_, \
                COUNT(CASE WHEN status IN ('submitted', 'accepted', 'scheduled') THEN 1 END) AS open_, \
                COUNT(CASE WHEN status = 'submitted' AND answer_due < $2 THEN 1 END) AS overdue, \
                COUNT(CASE WHEN status IN ('declined', 'completed', 'cancelled') THEN 1 END) AS closed \
             FROM requests WHERE organization_id = $1",
        )
        .bind(organization.get())
        .bind(now)
        .fetch_one(self.pool())
        .await
        .map_err(failed)?;
        let n = |c: &str| row.try_get::<i64, _>(c).map(|v| v as u32);
        (|| {
            Ok(vec![
                (Bucket::New, n("new_")?),
                (Bucket::Open, n("open_")?),
                (Bucket::Overdue, n("overdue")?),
                (Bucket::Closed, n("closed")?),
            ])
        })()
        .map_err(failed)
    }

    async fn phone_of(&self, person: PersonId) -> Result<Option<String>, StoreError> {
        let login: Option<Option<String>> = sqlx::query_scalar("SELECT login FROM people WHERE id = $1")
            .bind(person.get())
            .fetch_optional(self.pool())
            .await
            .map_err(failed)?;
        // Logins are phone numbers or e-mail addresses; only a number can be called.
        Ok(login
            .flatten()
            .filter(|l| l.chars().all(|c| c.is_ascii_digit() || c == '+')))
    }
}

#[async_trait::async_trait]
impl RequestUnit for SqlUnit {
    async fn terms(&mut self, service: ServiceId) -> Result<Option<OfferingTerms>, StoreError> {
        let (lock, share) = match self.engine {
            Engine::Postgres => (" FOR UPDATE", " FOR SHARE"),
            Engine::Sqlite => ("", ""),
        };
        let Some(row) = sqlx::query(&format!(
            "SELECT id, organization_id, category_slug, status, delivery, grid_unit_id, min_age, residence_required, \
                disability_certificate_required, capacity, name_zh, name_en FROM services WHERE id = $1{lock}"
        ))
        .bind(service.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?
        else {
            return Ok(None);
        };
        let read = || -> Result<_, sqlx::Error> {
            let status: String = row.try_get("status")?;
            let delivery: String = row.try_get("delivery")?;
            Ok((
                OfferingStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                Delivery::parse(&delivery).ok_or_else(|| corrupt("delivery", &delivery))?,
                row.try_get::<i64, _>("organization_id")?,
                row.try_get::<i64, _>("grid_unit_id")?,
            ))
        };
        let (status, delivery, organization, place) = read().map_err(failed)?;
        // FOR SHARE: a suspension landing now waits for this request, or it sees it.
        let shown = sqlx::query(&format!(
            "SELECT verified, suspended FROM organizations WHERE id = $1{share}"
        ))
        .bind(organization)
        .fetch_one(&mut *self.tx)
        .await
        .and_then(|r| Ok(flag(&r, "verified")? && !flag(&r, "suspended")?))
        .map_err(failed)?;
        let community = self
            .place_chain(GridUnitId::from_row(place))
            .await?
            .and_then(|chain| chain.into_iter().find(|(_, k)| *k == GridKind::Community))
            .map(|(id, _)| id);
        let coverage = sqlx::query_scalar::<_, i64>("SELECT grid_unit_id FROM service_coverage WHERE service_id = $1")
            .bind(service.get())
            .fetch_all(&mut *self.tx)
            .await
            .map_err(failed)?
            .into_iter()
            .map(GridUnitId::from_row)
            .collect();
        let terms = || -> Result<OfferingTerms, sqlx::Error> {
            Ok(OfferingTerms {
                service,
                name_zh: row.try_get("name_zh")?,
                name_en: row.try_get("name_en")?,
                organization: OrganizationId::from_row(organization),
                category: row.try_get("category_slug")?,
                status,
                shown,
                delivery,
                community,
                coverage,
                min_age: row.try_get("min_age")?,
                residence_required: flag(&row, "residence_required")?,
                disability_certificate_required: flag(&row, "disability_certificate_required")?,
                capacity: row.try_get("capacity")?,
            })
        };
        terms().map(Some).map_err(failed)
    }

    async fn place_chain(&mut self, unit: GridUnitId) -> Result<Option<PlaceChain>, StoreError> {
        let rows = sqlx::query(
            "WITH RECURSIVE up (id, parent_id, kind, depth) AS ( \
                SELECT id, parent_id, kind, 0 FROM grid_units WHERE id = $1 \
                UNION ALL SELECT g.id, g.parent_id, g.kind, up.depth + 1 FROM grid_units g \
                JOIN up ON g.id = up.parent_id WHERE up.depth < 8) \
             SELECT id, kind FROM up ORDER BY depth",
        )
        .bind(unit.get())
        .fetch_all(&mut *self.tx)
        .await
        .map_err(failed)?;
        if rows.is_empty() {
            return Ok(None);
        }
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok((
                    GridUnitId::from_row(r.try_get("id")?),
                    GridKind::parse(&kind).ok_or_else(|| corrupt("kind", &kind))?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map(Some)
            .map_err(failed)
    }

    async fn booked_weeks(&mut self, service: ServiceId, from: Day) -> Result<Vec<(Day, i64)>, StoreError> {
        sqlx::query(
            "SELECT week_start, COUNT(*) AS n FROM requests \
             WHERE service_id = $1 AND week_start >= $2 AND status NOT IN ('declined', 'cancelled') \
             GROUP BY week_start",
        )
        .bind(service.get())
        .bind(from.days())
        .fetch_all(&mut *self.tx)
        .await
        .map_err(failed)?
        .iter()
        .map(|r| Ok((Day::from_days(r.try_get("week_start")?), r.try_get("n")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn insert_request(&mut self, new: &NewRequest) -> Result<Option<RequestId>, StoreError> {
        let (key, fingerprint) = new.idempotency.clone().unzip();
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO requests (service_id, organization_id, category_slug, resident_id, made_by, grid_unit_id, \
                community_id, address_detail, for_name, for_relation, age_band, needs, preferred_time, preferred_date, \
                week_start, notes, contact_phone, status, submitted_at, answer_due, updated_at, idempotency_key, fingerprint) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'submitted', $18, $19, $18, $20, $21) \
             ON CONFLICT (made_by, idempotency_key) DO NOTHING RETURNING id",
        )
        .bind(new.service.get())
        .bind(new.organization.get())
        .bind(&new.category)
        .bind(new.resident.get())
        .bind(new.made_by.get())
        .bind(new.grid_unit.get())
        .bind(new.community.get())
        .bind(&new.address_detail)
        .bind(new.recipient.as_ref().map(|r| r.name.clone()))
        .bind(new.recipient.as_ref().map(|r| r.relation.clone()))
        .bind(new.age_band.map(|b| b.slug()))
        .bind(&new.needs)
        .bind(&new.preferred_time)
        .bind(new.preferred_date.map(|d| d.to_string()))
        .bind(new.week.days())
        .bind(&new.notes)
        .bind(&new.contact_phone)
        .bind(new.submitted_at)
        .bind(new.answer_due)
        .bind(key)
        .bind(fingerprint)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(id.map(RequestId::from_row))
    }

    async fn request_state(&mut self, id: RequestId) -> Result<Option<RequestState>, StoreError> {
        let lock = if self.engine == Engine::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        // The lock is the request's row only (`OF r` on PostgreSQL): the service's names
        // come along unlocked.
        let lock = if lock.is_empty() { "" } else { " FOR UPDATE OF r" };
        sqlx::query(&format!(
            "SELECT r.id, r.service_id, r.organization_id, r.category_slug, r.resident_id, r.made_by, r.grid_unit_id, \
                r.community_id, r.status, r.completed_at, s.name_zh AS service_name_zh, s.name_en AS service_name_en \
             FROM requests r JOIN services s ON s.id = r.service_id WHERE r.id = $1{lock}"
        ))
        .bind(id.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?
        .map(|r| state(&r))
        .transpose()
        .map_err(failed)
    }

    async fn move_request(
        &mut self,
        id: RequestId,
        from: Status,
        to: Status,
        action: &Action,
        now: Millis,
    ) -> Result<bool, StoreError> {
        // What the action sets beside the status.
        let extra = match action {
            Action::Accept | Action::Decline { .. } => ", answered_at = COALESCE(answered_at, $4)",
            Action::Schedule { .. } => ", scheduled_for = $5",
            Action::Complete => ", completed_at = $4",
            Action::Reopen { .. } => ", reopened = reopened + 1, completed_at = NULL, scheduled_for = NULL",
            Action::Cancel { .. } => "",
        };
        let sql = format!("UPDATE requests SET status = $3, updated_at = $4{extra} WHERE id = $1 AND status = $2");
        let mut query = sqlx::query(&sql)
            .bind(id.get())
            .bind(from.slug())
            .bind(to.slug())
            .bind(now);
        if let Some(at) = action.scheduled_for() {
            query = query.bind(at);
        }
        let done = query.execute(&mut *self.tx).await.map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_event(&mut self, event: &NewEvent<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO request_events (request_id, seq, action, status, by_person, on_behalf_of, at, reason, scheduled_for) \
             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM request_events WHERE request_id = $1",
        )
        .bind(event.request.get())
        .bind(event.action)
        .bind(event.status.slug())
        .bind(event.by.get())
        .bind(event.on_behalf_of.map(PersonId::get))
        .bind(event.at)
        .bind(event.reason)
        .bind(event.scheduled_for)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn rating(&mut self, request: RequestId) -> Result<Option<Rating>, StoreError> {
        sqlx::query("SELECT * FROM ratings WHERE request_id = $1")
            .bind(request.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(failed)?
            .map(|r| rating(&r))
            .transpose()
            .map_err(failed)
    }

    async fn put_rating(
        &mut self,
        state: &RequestState,
        rating: &RatingDraft,
        by: PersonId,
        previous: Option<Score>,
        now: Millis,
    ) -> Result<(), StoreError> {
        let tags = rating.tags.join(",");
        let score = i64::from(rating.score.get());
        if previous.is_some() {
            sqlx::query(
                "UPDATE ratings SET score = $2, tags = $3, comment = $4, rated_by = $5, updated_at = $6 WHERE request_id = $1",
            )
            .bind(state.id.get())
            .bind(score)
            .bind(&tags)
            .bind(&rating.comment)
            .bind(by.get())
            .bind(now)
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        } else {
            sqlx::query(
                "INSERT INTO ratings (request_id, service_id, organization_id, community_id, grid_unit_id, category_slug, \
                    score, tags, comment, rated_by, rated_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(state.id.get())
            .bind(state.service.get())
            .bind(state.organization.get())
            .bind(state.community.get())
            .bind(state.grid_unit.get())
            .bind(&state.category)
            .bind(score)
            .bind(&tags)
            .bind(&rating.comment)
            .bind(by.get())
            .bind(now)
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        }
        if previous == Some(rating.score) {
            return Ok(());
        }
        // The offering's tally: one more of the new score, one fewer of the old.
        let column = |s: Score| format!("r{}", s.get());
        let mut set = format!("{0} = {0} + 1", column(rating.score));
        if let Some(old) = previous {
            set.push_str(&format!(", {0} = {0} - 1", column(old)));
        }
        sqlx::query("INSERT INTO service_ratings (service_id) VALUES ($1) ON CONFLICT (service_id) DO NOTHING")
            .bind(state.service.get())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        sqlx::query(&format!("UPDATE service_ratings SET {set} WHERE service_id = $1"))
            .bind(state.service.get())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn open_follow_up(&mut self, state: &RequestState, due: Millis, now: Millis) -> Result<bool, StoreError> {
        let score: i64 = sqlx::query_scalar("SELECT score FROM ratings WHERE request_id = $1")
            .bind(state.id.get())
            .fetch_one(&mut *self.tx)
            .await
            .map_err(failed)?;
        let opened = sqlx::query(
            "INSERT INTO follow_ups (request_id, community_id, grid_unit_id, score, opened_at, due_at) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS \
                (SELECT 1 FROM follow_ups WHERE request_id = $1 AND closed_at IS NULL)",
        )
        .bind(state.id.get())
        .bind(state.community.get())
        .bind(state.grid_unit.get())
        .bind(score)
        .bind(now)
        .bind(due)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(opened.rows_affected() == 1)
    }

    async fn notify(
        &mut self,
        request: RequestId,
        actor: PersonId,
        notice: &Notice,
        now: Millis,
    ) -> Result<(), StoreError> {
        // Who is told, as a subquery over the request's row: the people its audience is.
        let audience = match notice.audience {
            Audience::Requester => {
                "SELECT resident_id AS person_id FROM requests WHERE id = $1 \
                 UNION SELECT made_by FROM requests WHERE id = $1"
            }
            Audience::Provider => {
                "SELECT m.person_id FROM organization_members m JOIN requests r ON r.organization_id = m.organization_id \
                 WHERE r.id = $1"
            }
            Audience::CommunityStaff => {
                "SELECT cs.person_id FROM community_staff cs JOIN requests r ON r.community_id = cs.community_id \
                 WHERE r.id = $1"
            }
        };
        sqlx::query(&format!(
            "INSERT INTO notifications (person_id, kind, request_id, text_zh, text_en, link, created_at) \
             SELECT t.person_id, $3, $1, $4, $5, $6, $7 FROM ({audience}) t WHERE t.person_id <> $2"
        ))
        .bind(request.get())
        .bind(actor.get())
        .bind(notice.kind)
        .bind(notice.text.zh.as_ref())
        .bind(notice.text.en.as_ref())
        .bind(&notice.link)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        // A text message too, for those who asked (in the same transaction: never lost).
        sqlx::query(&format!(
            "INSERT INTO outbox (channel, recipient, body, created_at) \
             SELECT CASE WHEN p.login LIKE '%@%' THEN 'email' ELSE 'sms' END, p.login, $3, $4 FROM people p \
             WHERE p.id IN (SELECT t.person_id FROM ({audience}) t WHERE t.person_id <> $2) \
                AND p.sms_notifications = 1 AND p.login IS NOT NULL"
        ))
        .bind(request.get())
        .bind(actor.get())
        .bind(format!("【家门口】{}", notice.text.zh))
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(failed)
    }
}

const FOLLOW_UP_COLUMNS: &str = "f.id, f.request_id, f.community_id, f.score, f.opened_at, f.due_at, f.closed_at, \
     f.note, f.now_satisfied, cp.display_name AS closed_by_name, s.name_zh AS service_name_zh, \
     s.name_en AS service_name_en, o.name_zh AS organization_name, COALESCE(r.for_name, rp.display_name) AS for_name, \
     c.name_zh AS community_zh, c.name_en AS community_en, g.name_zh AS unit_zh, g.name_en AS unit_en, \
     CASE WHEN ra.comment_hidden = 1 THEN NULL ELSE ra.comment END AS comment";

const FOLLOW_UP_JOINS: &str = "JOIN requests r ON r.id = f.request_id \
     JOIN services s ON s.id = r.service_id \
     JOIN organizations o ON o.id = r.organization_id \
     JOIN grid_units g ON g.id = r.grid_unit_id \
     JOIN grid_units c ON c.id = r.community_id \
     LEFT JOIN people rp ON rp.id = r.resident_id \
     LEFT JOIN people cp ON cp.id = f.closed_by \
     LEFT JOIN ratings ra ON ra.request_id = r.id";

fn follow_up(row: &AnyRow) -> Result<FollowUp, sqlx::Error> {
    let score: i64 = row.try_get("score")?;
    let satisfied: Option<i64> = row.try_get("now_satisfied")?;
    Ok(FollowUp {
        id: FollowUpId::from_row(row.try_get("id")?),
        request: RequestId::from_row(row.try_get("request_id")?),
        community: GridUnitId::from_row(row.try_get("community_id")?),
        service_name_zh: row.try_get("service_name_zh")?,
        service_name_en: row.try_get("service_name_en")?,
        organization_name: row.try_get("organization_name")?,
        for_name: row.try_get("for_name")?,
        place_zh: short_place(row.try_get("community_zh")?, row.try_get("unit_zh")?),
        place_en: short_place(row.try_get("community_en")?, row.try_get("unit_en")?),
        score: Score::new(score).ok_or_else(|| corrupt("score", &score.to_string()))?,
        comment: row.try_get("comment")?,
        opened_at: row.try_get("opened_at")?,
        due_at: row.try_get("due_at")?,
        closed_at: row.try_get("closed_at")?,
        closed_by_name: row.try_get("closed_by_name")?,
        note: row.try_get("note")?,
        now_satisfied: satisfied.map(|s| s != 0),
    })
}

#[async_trait::async_trait]
impl FollowUpStore for SqlStore {
    async fn follow_ups(
        &self,
        communities: &[GridUnitId],
        bucket: FollowUpBucket,
        now: Millis,
        limit: u32,
    ) -> Result<Vec<FollowUp>, StoreError> {
        if communities.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::default();
        let list = communities
            .iter()
            .map(|c| p.int(c.get()))
            .collect::<Vec<_>>()
            .join(", ");
        let which = match bucket {
            FollowUpBucket::Open => "f.closed_at IS NULL".to_owned(),
            FollowUpBucket::Overdue => format!("f.closed_at IS NULL AND f.due_at < {}", p.int(now)),
            FollowUpBucket::Closed => "f.closed_at IS NOT NULL".to_owned(),
        };
        let sql = format!(
            "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups f {FOLLOW_UP_JOINS} \
             WHERE f.community_id IN ({list}) AND {which} ORDER BY f.due_at, f.id LIMIT {}",
            p.int(i64::from(limit))
        );
        sqlx::query_with(&sql, p.into_arguments())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(follow_up)
            .collect::<Result<_, _>>()
            .map_err(failed)
    }

    async fn follow_up(&self, id: FollowUpId) -> Result<Option<FollowUp>, StoreError> {
        sqlx::query(&format!(
            "SELECT {FOLLOW_UP_COLUMNS} FROM follow_ups f {FOLLOW_UP_JOINS} WHERE f.id = $1"
        ))
        .bind(id.get())
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?
        .map(|r| follow_up(&r))
        .transpose()
        .map_err(failed)
    }

    async fn close_follow_up(
        &self,
        id: FollowUpId,
        by: PersonId,
        note: &str,
        now_satisfied: bool,
        now: Millis,
    ) -> Result<bool, StoreError> {
        // One statement, conditional on still being open: two staff closing it at once
        // close it once.
        let done = sqlx::query(
            "UPDATE follow_ups SET closed_at = $2, closed_by = $3, note = $4, now_satisfied = $5 \
             WHERE id = $1 AND closed_at IS NULL",
        )
        .bind(id.get())
        .bind(now)
        .bind(by.get())
        .bind(note)
        .bind(i64::from(now_satisfied))
        .execute(self.pool())
        .await
        .map_err(failed)?;
        Ok(done.rows_affected() == 1)
    }
}
