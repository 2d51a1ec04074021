//! The request's unit of work over SQL: every write of a request, its timeline, its
//! rating and tally, its follow-up and its notifications, in one transaction.

use super::*;
use app::domain::accounts::store::{AccountsUnit, AuditEntry};

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
            // The tally stands, but the offering's page shows the words, which changed.
            return self.reviews_changed(state.service).await;
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

    async fn put_reply(
        &mut self,
        request: RequestId,
        reply: &str,
        by: PersonId,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let service: Option<i64> = sqlx::query_scalar(
            "UPDATE ratings SET reply = $2, replied_by = $3, replied_at = $4 WHERE request_id = $1 AND reply IS NULL \
             RETURNING service_id",
        )
        .bind(request.get())
        .bind(reply)
        .bind(by.get())
        .bind(now)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        match service {
            Some(service) => self.reviews_changed(ServiceId::from_row(service)).await.map(|()| true),
            None => Ok(false),
        }
    }

    async fn hide_comment(&mut self, request: RequestId) -> Result<bool, StoreError> {
        let service: Option<i64> = sqlx::query_scalar(
            "UPDATE ratings SET comment_hidden = 1 WHERE request_id = $1 AND comment_hidden = 0 AND comment IS NOT NULL \
             RETURNING service_id",
        )
        .bind(request.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        match service {
            Some(service) => self.reviews_changed(ServiceId::from_row(service)).await.map(|()| true),
            None => Ok(false),
        }
    }

    async fn audit(&mut self, entry: &AuditEntry) -> Result<(), StoreError> {
        AccountsUnit::audit(self, entry).await
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

    async fn assign(
        &mut self,
        request: RequestId,
        organization: OrganizationId,
        person: Option<PersonId>,
    ) -> Result<bool, StoreError> {
        let assigned = match person {
            None => {
                sqlx::query("UPDATE requests SET assigned_to = NULL WHERE id = $1")
                    .bind(request.get())
                    .execute(&mut *self.tx)
                    .await
            }
            Some(person) => {
                sqlx::query(
                    "UPDATE requests SET assigned_to = $2 WHERE id = $1 AND EXISTS \
                 (SELECT 1 FROM organization_members m WHERE m.organization_id = $3 AND m.person_id = $2)",
                )
                .bind(request.get())
                .bind(person.get())
                .bind(organization.get())
                .execute(&mut *self.tx)
                .await
            }
        };
        Ok(assigned.map_err(failed)?.rows_affected() == 1)
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
            Audience::Assignee => "SELECT assigned_to AS person_id FROM requests WHERE id = $1 AND assigned_to IS NOT NULL",
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

impl SqlUnit {
    /// Records a change of the offering's public reviews as a change of the offering, so
    /// every instance drops the pages it rendered with the old words. The tally's update
    /// trigger records it (migration 0010); the row is written as it is.
    async fn reviews_changed(&mut self, service: ServiceId) -> Result<(), StoreError> {
        sqlx::query("UPDATE service_ratings SET r1 = r1 WHERE service_id = $1")
            .bind(service.get())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }
}
