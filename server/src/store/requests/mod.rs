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
use app::domain::requests::assignment::Assignee;
use app::domain::requests::input::{AgeBand, Recipient};
use app::domain::requests::lifecycle::{Action, Status};
use app::domain::requests::rating::{RatingDraft, Score};
use app::domain::requests::reviews::Review;
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
        replied_at: row.try_get("replied_at")?,
    })
}

const LINE_COLUMNS: &str = "r.id, r.service_id, s.name_zh AS service_name_zh, s.name_en AS service_name_en, \
     o.name_zh AS organization_name, r.status, COALESCE(r.for_name, rp.display_name) AS for_name, \
     c.name_zh AS community_zh, c.name_en AS community_en, g.name_zh AS unit_zh, g.name_en AS unit_en, \
     r.submitted_at, r.updated_at, r.answer_due, r.scheduled_for, ra.score, ap.display_name AS assigned_name";

const LINE_JOINS: &str = "JOIN services s ON s.id = r.service_id \
     JOIN organizations o ON o.id = r.organization_id \
     JOIN grid_units g ON g.id = r.grid_unit_id \
     JOIN grid_units c ON c.id = r.community_id \
     LEFT JOIN people rp ON rp.id = r.resident_id \
     LEFT JOIN people ap ON ap.id = r.assigned_to \
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
        assigned_name: row.try_get("assigned_name")?,
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
                rp.display_name AS resident_name, mp.display_name AS made_by_name, ap.display_name AS assigned_name \
             FROM requests r JOIN services s ON s.id = r.service_id JOIN organizations o ON o.id = r.organization_id \
             LEFT JOIN people rp ON rp.id = r.resident_id LEFT JOIN people mp ON mp.id = r.made_by \
             LEFT JOIN people ap ON ap.id = r.assigned_to \
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
            assigned_to: person(&row, "assigned_to")?,
            assigned_name: row.try_get("assigned_name")?,
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
        let narrowing = &filter.narrowing;
        if let Some(service) = narrowing.service {
            conditions.push(format!("r.service_id = {}", p.int(service.get())));
        }
        match narrowing.assignee {
            None => {}
            Some(Assignee::Nobody) => conditions.push("r.assigned_to IS NULL".into()),
            Some(Assignee::Person(p_)) => conditions.push(format!("r.assigned_to = {}", p.int(p_.get()))),
        }
        if let Some(unit) = narrowing.grid_unit {
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
        // The page's ids first, then its joins: otherwise PostgreSQL may join every
        // matching request (2,000 of one busy offering) before keeping the newest twenty.
        let sql = format!(
            "{prefix}SELECT {LINE_COLUMNS} FROM (SELECT r.id AS page_id FROM requests r WHERE {} \
             ORDER BY r.id DESC LIMIT {}) page JOIN requests r ON r.id = page.page_id {LINE_JOINS} ORDER BY r.id DESC",
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

    async fn members_of(&self, organization: OrganizationId) -> Result<Vec<(PersonId, String)>, StoreError> {
        sqlx::query(
            "SELECT m.person_id, p.display_name FROM organization_members m JOIN people p ON p.id = m.person_id \
             WHERE m.organization_id = $1 ORDER BY p.display_name, m.person_id",
        )
        .bind(organization.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| Ok((PersonId::from_row(r.try_get("person_id")?), r.try_get("display_name")?)))
        .collect::<Result<_, sqlx::Error>>()
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

    async fn reviews(&self, service: ServiceId, limit: u32) -> Result<Vec<Review>, StoreError> {
        sqlx::query("SELECT * FROM ratings WHERE service_id = $1 ORDER BY rated_at DESC, request_id DESC LIMIT $2")
            .bind(service.get())
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(|row| {
                // The same reading as the request's own rating: a hidden comment never leaves.
                let r = rating(row)?;
                Ok(Review {
                    score: r.score,
                    tags: r.tags,
                    comment: r.comment,
                    comment_hidden: r.comment_hidden,
                    rated_at: r.rated_at,
                    reply: r.reply,
                    replied_at: r.replied_at,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }
}

mod follow_ups;
mod unit;
