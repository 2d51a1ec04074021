//! The accounts store over SQL: [`AccountStore`] (reads and single-statement counters,
//! here) and its unit of work, [`SqlUnit`] (the writes, in `unit.rs`).
//!
//! Design:
//! - A unit of work is one database transaction. On SQLite it begins `IMMEDIATE`, taking
//!   the writer lock up front, so two writers queue (busy timeout) instead of one failing
//!   on lock upgrade; on PostgreSQL rows that decide a rule are locked `FOR UPDATE`.
//! - Ownership is repeated in the `WHERE` clauses (ids are sequential and guessable):
//!   even a use case that forgot a check cannot change another's rows.
//! - Counters that must survive a failed request (rate limits, code tries) are single
//!   statements outside any unit.

mod unit;

use super::{failed, Engine, SqlStore};
use app::domain::accounts::principal::{MemberRole, Principal, Roles};
use app::domain::accounts::store::{
    AccountStore, AccountsUnit, ApiTokenInfo, AuditEntry, FamilyLink, Member, Millis, OrganizationAccount, Profile,
};
use app::domain::accounts::values::mask;
use app::domain::directory::OrganizationKind;
use app::domain::ids::{GridUnitId, OrganizationId, PersonId};
use app::domain::store::StoreError;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// How often a session's last-seen time is written: not on every request.
const LAST_SEEN_GRANULARITY_MS: i64 = 60_000;

pub struct SqlUnit {
    pub(in crate::store) tx: Transaction<'static, Any>,
    pub(in crate::store) engine: Engine,
}

fn person(row: &AnyRow, column: &str) -> Result<PersonId, sqlx::Error> {
    Ok(PersonId::from_row(row.try_get(column)?))
}

impl SqlStore {
    /// One transaction for a unit of work: the writer lock up front on SQLite.
    pub(in crate::store) async fn unit(&self) -> Result<SqlUnit, StoreError> {
        let tx = match self.engine() {
            Engine::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool().begin().await,
        }
        .map_err(failed)?;
        Ok(SqlUnit {
            tx,
            engine: self.engine(),
        })
    }

    async fn roles(&self, person: PersonId) -> Result<Roles, sqlx::Error> {
        let id = person.get();
        let volunteer: i64 = sqlx::query_scalar("SELECT volunteer FROM people WHERE id = $1")
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        let organizations = sqlx::query(
            "SELECT organization_id, role FROM organization_members WHERE person_id = $1 ORDER BY organization_id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok((
                OrganizationId::from_row(r.try_get("organization_id")?),
                MemberRole::parse(&role).ok_or_else(|| super::rows::corrupt("role", &role))?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let communities =
            sqlx::query_scalar::<_, i64>("SELECT community_id FROM community_staff WHERE person_id = $1 ORDER BY 1")
                .bind(id)
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .map(GridUnitId::from_row)
                .collect();
        let acts_for = sqlx::query_scalar::<_, i64>(
            "SELECT person_id FROM family_links WHERE member_id = $1 AND status = 'active' ORDER BY 1",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(PersonId::from_row)
        .collect();
        Ok(Roles {
            volunteer: volunteer != 0,
            organizations,
            communities,
            acts_for,
        })
    }

    async fn organization_rows(&self, condition: &str, binds: &[i64]) -> Result<Vec<OrganizationAccount>, sqlx::Error> {
        let sql = format!(
            // Organizations loaded as data (demo, generated) have no registration row:
            // they show with empty registration fields.
            "SELECT o.id, o.name_zh, o.kind, o.verified, o.suspended, COALESCE(a.credit_code, '') AS credit_code, \
                    COALESCE(a.contact_name, '') AS contact_name, COALESCE(a.contact_phone, o.phone) AS contact_phone \
             FROM organizations o LEFT JOIN organization_accounts a ON a.organization_id = o.id WHERE {condition} ORDER BY o.id"
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(*b);
        }
        let rows = query.fetch_all(self.pool()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let kind: String = r.try_get("kind")?;
            let communities = served(self.pool(), id).await?;
            out.push(OrganizationAccount {
                id: OrganizationId::from_row(id),
                name: r.try_get("name_zh")?,
                kind: OrganizationKind::parse(&kind).ok_or_else(|| super::rows::corrupt("kind", &kind))?,
                credit_code: r.try_get("credit_code")?,
                contact_name: r.try_get("contact_name")?,
                contact_phone: r.try_get("contact_phone")?,
                communities,
                verified: super::rows::flag(r, "verified")?,
                suspended: super::rows::flag(r, "suspended")?,
            });
        }
        Ok(out)
    }
}

/// The communities an organization serves: those it registered, and its own.
pub(in crate::store) async fn served<'e, E: sqlx::Executor<'e, Database = Any>>(
    db: E,
    organization: i64,
) -> Result<Vec<GridUnitId>, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT community_id FROM organization_communities WHERE organization_id = $1 \
         UNION SELECT community_id FROM organizations WHERE id = $1 ORDER BY 1",
    )
    .bind(organization)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(GridUnitId::from_row)
    .collect())
}

fn in_list(values: &[GridUnitId], first: usize) -> String {
    (0..values.len())
        .map(|i| format!("${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait::async_trait]
impl AccountStore for SqlStore {
    async fn begin(&self) -> Result<Box<dyn AccountsUnit>, StoreError> {
        Ok(Box::new(self.unit().await?))
    }

    async fn hit(&self, key: &str, window_ms: i64, now: Millis) -> Result<u64, StoreError> {
        let window_start = now - now.rem_euclid(window_ms);
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END, \
               window_start = excluded.window_start \
             RETURNING hits",
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(self.pool())
        .await
        .map_err(failed)?;
        Ok(hits.max(0) as u64)
    }

    async fn count_code_try(&self, code_id: i64) -> Result<u32, StoreError> {
        let tries: i64 =
            sqlx::query_scalar("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts")
                .bind(code_id)
                .fetch_one(self.pool())
                .await
                .map_err(failed)?;
        Ok(tries.clamp(0, u32::MAX as i64) as u32)
    }

    async fn session_principal(
        &self,
        token_hash: &str,
        now: Millis,
        idle_ms: i64,
    ) -> Result<Option<Principal>, StoreError> {
        let row = sqlx::query(
            "SELECT s.person_id, s.last_seen_at FROM sessions s JOIN people p ON p.id = s.person_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND p.deleted_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .bind(now - idle_ms)
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        let Some(row) = row else { return Ok(None) };
        let person = person(&row, "person_id").map_err(failed)?;
        let last_seen: i64 = row.try_get("last_seen_at").map_err(failed)?;
        if now - last_seen > LAST_SEEN_GRANULARITY_MS {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(token_hash)
                .execute(self.pool())
                .await
                .map_err(failed)?;
        }
        let roles = self.roles(person).await.map_err(failed)?;
        Ok(Some(Principal { person, roles }))
    }

    async fn token_principal(&self, token_hash: &str, now: Millis) -> Result<Option<Principal>, StoreError> {
        // Read, and write `last_used_at` at most once a minute (as sessions' `last_seen_at`):
        // writing it on every call made every token-authenticated request a write, which
        // serialised them on SQLite and on the token's row (found at city scale).
        let row = sqlx::query(
            "SELECT t.person_id, t.last_used_at FROM api_tokens t JOIN people p ON p.id = t.person_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND p.deleted_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        let Some(row) = row else { return Ok(None) };
        let person = person(&row, "person_id").map_err(failed)?;
        let last_used: Option<i64> = row.try_get("last_used_at").map_err(failed)?;
        if last_used.is_none_or(|at| now - at > LAST_SEEN_GRANULARITY_MS) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(token_hash)
                .execute(self.pool())
                .await
                .map_err(failed)?;
        }
        let roles = self.roles(person).await.map_err(failed)?;
        Ok(Some(Principal { person, roles }))
    }

    async fn profile(&self, person: PersonId) -> Result<Option<Profile>, StoreError> {
        let row = sqlx::query(
            "SELECT id, login, display_name, volunteer, volunteer_skills, volunteer_availability, home_grid_unit_id \
             FROM people \
             WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(person.get())
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        row.map(|r| {
            Ok(Profile {
                id: PersonId::from_row(r.try_get("id")?),
                display_name: r.try_get("display_name")?,
                login: r.try_get("login")?,
                volunteer: super::rows::flag(&r, "volunteer")?,
                skills: r.try_get("volunteer_skills")?,
                availability: r.try_get("volunteer_availability")?,
                home_grid_unit: r
                    .try_get::<Option<i64>, _>("home_grid_unit_id")?
                    .map(GridUnitId::from_row),
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn family_links(&self, person: PersonId) -> Result<Vec<FamilyLink>, StoreError> {
        sqlx::query(
            "SELECT f.id, f.person_id, p.display_name AS person_name, f.member_id, m.display_name AS member_name, \
                    m.login AS member_login, f.relation, f.status \
             FROM family_links f JOIN people p ON p.id = f.person_id JOIN people m ON m.id = f.member_id \
             WHERE (f.person_id = $1 OR f.member_id = $1) AND f.status <> 'ended' ORDER BY f.id",
        )
        .bind(person.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|row| {
            let mut link = family_link(row)?;
            // Until the member confirms, the person who asked sees only the number they
            // typed, masked: asking must not reveal whose number it is.
            if link.status == "pending" && link.person == person {
                let login: Option<String> = row.try_get("member_login")?;
                link.member_name = login.as_deref().map(mask).unwrap_or_default();
            }
            Ok(link)
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn organizations_of(&self, person: PersonId) -> Result<Vec<OrganizationAccount>, StoreError> {
        self.organization_rows(
            "o.id IN (SELECT organization_id FROM organization_members WHERE person_id = $1)",
            &[person.get()],
        )
        .await
        .map_err(failed)
    }

    async fn members(&self, organization: OrganizationId, by: PersonId) -> Result<Vec<Member>, StoreError> {
        sqlx::query(
            "SELECT m.person_id, p.display_name, p.login, m.role FROM organization_members m \
             JOIN people p ON p.id = m.person_id \
             WHERE m.organization_id = $1 AND EXISTS (SELECT 1 FROM organization_members o \
                 WHERE o.organization_id = $1 AND o.person_id = $2 AND o.role = 'owner') \
             ORDER BY m.role DESC, p.display_name",
        )
        .bind(organization.get())
        .bind(by.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            let login: Option<String> = r.try_get("login")?;
            Ok(Member {
                person: person(r, "person_id")?,
                display_name: r.try_get("display_name")?,
                login: login.as_deref().map(mask).unwrap_or_default(),
                role: MemberRole::parse(&role).ok_or_else(|| super::rows::corrupt("role", &role))?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn organization_account(&self, id: OrganizationId) -> Result<Option<OrganizationAccount>, StoreError> {
        Ok(self
            .organization_rows("o.id = $1", &[id.get()])
            .await
            .map_err(failed)?
            .pop())
    }

    async fn organizations_in(&self, communities: &[GridUnitId]) -> Result<Vec<OrganizationAccount>, StoreError> {
        if communities.is_empty() {
            return Ok(Vec::new());
        }
        let list = in_list(communities, 1);
        let condition = format!(
            "o.id IN (SELECT organization_id FROM organization_communities WHERE community_id IN ({list})) \
             OR o.community_id IN ({list})"
        );
        let binds: Vec<i64> = communities.iter().map(|c| c.get()).collect();
        self.organization_rows(&condition, &binds).await.map_err(failed)
    }

    async fn api_tokens(&self, person: PersonId) -> Result<Vec<ApiTokenInfo>, StoreError> {
        sqlx::query(
            "SELECT id, name, created_at, last_used_at FROM api_tokens \
             WHERE person_id = $1 AND revoked_at IS NULL ORDER BY id",
        )
        .bind(person.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| {
            Ok(ApiTokenInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(failed)
    }

    async fn audit_log(&self, communities: &[GridUnitId], limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        if communities.is_empty() {
            return Ok(Vec::new());
        }
        let list = in_list(communities, 2);
        let sql = format!(
            "SELECT at, actor_id, action, subject_kind, subject_id, on_behalf_of, request_id, detail FROM audit_log \
             WHERE subject_kind = 'organization' AND subject_id IN ( \
                 SELECT organization_id FROM organization_communities WHERE community_id IN ({list}) \
                 UNION SELECT id FROM organizations WHERE community_id IN ({list})) \
             ORDER BY id DESC LIMIT $1"
        );
        let mut query = sqlx::query(&sql).bind(i64::from(limit));
        for c in communities {
            query = query.bind(c.get());
        }
        query
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.try_get("at")?,
                    actor: r.try_get::<Option<i64>, _>("actor_id")?.map(PersonId::from_row),
                    action: r.try_get("action")?,
                    subject_kind: r.try_get("subject_kind")?,
                    subject_id: r.try_get("subject_id")?,
                    on_behalf_of: r.try_get::<Option<i64>, _>("on_behalf_of")?.map(PersonId::from_row),
                    request_id: r.try_get("request_id")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(failed)
    }

    async fn export(&self, person: PersonId) -> Result<serde_json::Value, StoreError> {
        let profile = self.profile(person).await?;
        let consents = sqlx::query("SELECT notice_version, accepted_at FROM consents WHERE person_id = $1 ORDER BY 2")
            .bind(person.get())
            .fetch_all(self.pool())
            .await
            .map_err(failed)?
            .iter()
            .map(|r| {
                Ok(serde_json::json!({
                    "notice_version": r.try_get::<String, _>("notice_version")?,
                    "accepted_at": r.try_get::<i64, _>("accepted_at")?,
                }))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(failed)?;
        let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE person_id = $1")
            .bind(person.get())
            .fetch_one(self.pool())
            .await
            .map_err(failed)?;
        let roles = self.roles(person).await.map_err(failed)?;
        // Requests they belong to or made, with what they said in them and their ratings.
        let requests = sqlx::query(
            "SELECT r.id, r.service_id, r.status, r.address_detail, r.for_name, r.for_relation, r.age_band, r.needs, \
                r.preferred_time, r.preferred_date, r.notes, r.contact_phone, r.submitted_at, ra.score, ra.comment \
             FROM requests r LEFT JOIN ratings ra ON ra.request_id = r.id \
             WHERE r.resident_id = $1 OR r.made_by = $1 ORDER BY r.id",
        )
        .bind(person.get())
        .fetch_all(self.pool())
        .await
        .map_err(failed)?
        .iter()
        .map(|r| {
            let text = |c: &str| r.try_get::<Option<String>, _>(c);
            Ok(serde_json::json!({
                "id": r.try_get::<i64, _>("id")?,
                "service_id": r.try_get::<i64, _>("service_id")?,
                "status": r.try_get::<String, _>("status")?,
                "address_detail": r.try_get::<String, _>("address_detail")?,
                "for_name": text("for_name")?,
                "for_relation": text("for_relation")?,
                "age_band": text("age_band")?,
                "needs": text("needs")?,
                "preferred_time": text("preferred_time")?,
                "preferred_date": text("preferred_date")?,
                "notes": text("notes")?,
                "contact_phone": r.try_get::<String, _>("contact_phone")?,
                "submitted_at": r.try_get::<i64, _>("submitted_at")?,
                "rating": r.try_get::<Option<i64>, _>("score")?,
                "rating_comment": text("comment")?,
            }))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(failed)?;
        Ok(serde_json::json!({
            "requests": requests,
            "profile": profile,
            "consents": consents,
            "roles": roles,
            "family_links": self.family_links(person).await?,
            "organizations": self.organizations_of(person).await?,
            "api_tokens": self.api_tokens(person).await?,
            "open_sessions": sessions,
        }))
    }
}

fn family_link(r: &AnyRow) -> Result<FamilyLink, sqlx::Error> {
    Ok(FamilyLink {
        id: r.try_get("id")?,
        person: person(r, "person_id")?,
        person_name: r.try_get("person_name")?,
        member: person(r, "member_id")?,
        member_name: r.try_get("member_name")?,
        relation: r.try_get("relation")?,
        status: r.try_get("status")?,
    })
}
