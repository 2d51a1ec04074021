//! The accounts store over SQL: [`AccountStore`] and its unit of work, [`SqlUnit`].
//!
//! Design:
//! - A unit of work is one database transaction. On SQLite it begins `IMMEDIATE`, taking
//!   the writer lock up front, so two writers queue (busy timeout) instead of one failing
//!   on lock upgrade; on PostgreSQL rows that decide a rule are locked `FOR UPDATE`.
//! - Ownership is repeated in the `WHERE` clauses (ids are sequential and guessable):
//!   even a use case that forgot a check cannot change another's rows.
//! - Counters that must survive a failed request (rate limits, code tries) are single
//!   statements outside any unit.

use super::{failed, Engine, SqlStore};
use app::domain::accounts::principal::{MemberRole, Principal, Roles};
use app::domain::accounts::store::{
    AccountStore, AccountsUnit, ApiTokenInfo, AuditEntry, CodePurpose, FamilyLink, Member, Millis, NewOrganization,
    OrganizationAccount, PendingRegistration, Profile, SignInRecord, StoredCode,
};
use app::domain::accounts::values::{mask, Login};
use app::domain::directory::OrganizationKind;
use app::domain::ids::{GridUnitId, OrganizationId, PersonId};
use app::domain::store::StoreError;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// How often a session's last-seen time is written: not on every request.
const LAST_SEEN_GRANULARITY_MS: i64 = 60_000;

pub struct SqlUnit {
    tx: Transaction<'static, Any>,
    engine: Engine,
}

fn person(row: &AnyRow, column: &str) -> Result<PersonId, sqlx::Error> {
    Ok(PersonId::from_row(row.try_get(column)?))
}

impl SqlStore {
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
async fn served<'e, E: sqlx::Executor<'e, Database = Any>>(
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
        let tx = match self.engine() {
            Engine::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool().begin().await,
        }
        .map_err(failed)?;
        Ok(Box::new(SqlUnit {
            tx,
            engine: self.engine(),
        }))
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
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL \
             AND person_id IN (SELECT id FROM people WHERE deleted_at IS NULL) RETURNING person_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
        .map_err(failed)?;
        let Some(id) = id else { return Ok(None) };
        let person = PersonId::from_row(id);
        let roles = self.roles(person).await.map_err(failed)?;
        Ok(Some(Principal { person, roles }))
    }

    async fn profile(&self, person: PersonId) -> Result<Option<Profile>, StoreError> {
        let row = sqlx::query(
            "SELECT id, login, display_name, volunteer, volunteer_skills, volunteer_availability FROM people \
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
        Ok(serde_json::json!({
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

#[async_trait::async_trait]
impl AccountsUnit for SqlUnit {
    async fn sign_in_record(&mut self, login: &Login) -> Result<Option<SignInRecord>, StoreError> {
        let row = sqlx::query("SELECT id, password_hash FROM people WHERE login = $1 AND deleted_at IS NULL")
            .bind(login.as_str())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(failed)?;
        row.map(|r| {
            Ok(SignInRecord {
                person: person(&r, "id")?,
                password_hash: r.try_get("password_hash")?,
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn save_registration(&mut self, p: &PendingRegistration, now: Millis) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO pending_registrations (login, display_name, password_hash, notice_version, created_at, secret_hash) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (login) DO UPDATE SET display_name = excluded.display_name, \
             password_hash = excluded.password_hash, notice_version = excluded.notice_version, \
             created_at = excluded.created_at, secret_hash = excluded.secret_hash",
        )
        .bind(p.login.as_str())
        .bind(&p.display_name)
        .bind(p.password_hash.as_deref())
        .bind(&p.notice_version)
        .bind(now)
        .bind(&p.secret_hash)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn pending_registration(
        &mut self,
        login: &Login,
        not_before: Millis,
    ) -> Result<Option<PendingRegistration>, StoreError> {
        let row = sqlx::query(
            "SELECT display_name, password_hash, notice_version, secret_hash FROM pending_registrations \
             WHERE login = $1 AND created_at >= $2",
        )
        .bind(login.as_str())
        .bind(not_before)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        row.map(|r| {
            Ok(PendingRegistration {
                login: login.clone(),
                display_name: r.try_get("display_name")?,
                password_hash: r.try_get("password_hash")?,
                notice_version: r.try_get("notice_version")?,
                secret_hash: r.try_get("secret_hash")?,
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn delete_registration(&mut self, login: &Login) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM pending_registrations WHERE login = $1")
            .bind(login.as_str())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn create_person(
        &mut self,
        login: Option<&Login>,
        display_name: &str,
        password_hash: Option<&str>,
        created_by: Option<PersonId>,
        now: Millis,
    ) -> Result<PersonId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (login, display_name, password_hash, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(login.map(Login::as_str))
        .bind(display_name)
        .bind(password_hash)
        .bind(created_by.map(PersonId::get))
        .bind(now)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(PersonId::from_row(id))
    }

    async fn record_consent(&mut self, person: PersonId, notice_version: &str, now: Millis) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO consents (person_id, notice_version, accepted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, notice_version) DO NOTHING",
        )
        .bind(person.get())
        .bind(notice_version)
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn save_code(
        &mut self,
        login: &Login,
        purpose: CodePurpose,
        code_hash: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        // A new code replaces the older ones: only the newest can be used.
        sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE login = $2 AND purpose = $3 AND used_at IS NULL")
            .bind(now)
            .bind(login.as_str())
            .bind(purpose.slug())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        sqlx::query(
            "INSERT INTO one_time_codes (login, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(login.as_str())
        .bind(purpose.slug())
        .bind(code_hash)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn live_code(
        &mut self,
        login: &Login,
        purpose: CodePurpose,
        now: Millis,
    ) -> Result<Option<StoredCode>, StoreError> {
        let row = sqlx::query(
            "SELECT id, code_hash, attempts, expires_at FROM one_time_codes \
             WHERE login = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 ORDER BY id DESC LIMIT 1",
        )
        .bind(login.as_str())
        .bind(purpose.slug())
        .bind(now)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?;
        row.map(|r| {
            Ok(StoredCode {
                id: r.try_get("id")?,
                code_hash: r.try_get("code_hash")?,
                attempts: r.try_get::<i64, _>("attempts")?.clamp(0, u32::MAX as i64) as u32,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
        .map_err(failed)
    }

    async fn use_code(&mut self, code_id: i64, now: Millis) -> Result<bool, StoreError> {
        // Conditional: of two requests racing with the same code, one wins.
        let done = sqlx::query(
            "UPDATE one_time_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1 AND attempts <= $3",
        )
        .bind(now)
        .bind(code_id)
        .bind(i64::from(app::domain::accounts::CODE_MAX_TRIES))
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?
        .rows_affected();
        Ok(done == 1)
    }

    async fn create_session(
        &mut self,
        token_hash: &str,
        person: PersonId,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(person.get())
        .bind(now)
        .bind(expires_at)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn end_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn end_all_sessions(&mut self, person: PersonId) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE person_id = $1")
            .bind(person.get())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?
            .rows_affected())
    }

    async fn enqueue_message(&mut self, recipient: &Login, body: &str, now: Millis) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO outbox (channel, recipient, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(if recipient.is_phone() { "sms" } else { "email" })
            .bind(recipient.as_str())
            .bind(body)
            .bind(now)
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, subject_kind, subject_id, on_behalf_of, request_id, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.at)
        .bind(e.actor.map(PersonId::get))
        .bind(&e.action)
        .bind(&e.subject_kind)
        .bind(e.subject_id)
        .bind(e.on_behalf_of.map(PersonId::get))
        .bind(e.request_id.as_deref())
        .bind(e.detail.as_deref())
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn add_community_staff(&mut self, person: PersonId, community: GridUnitId) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)")
            .bind(person.get())
            .bind(community.get())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn is_community(&mut self, id: GridUnitId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM grid_units WHERE id = $1 AND kind = 'community'")
            .bind(id.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(found.is_some())
    }

    async fn create_organization(&mut self, new: &NewOrganization, now: Millis) -> Result<OrganizationId, StoreError> {
        let home = new
            .communities
            .first()
            .copied()
            .ok_or(StoreError::Constraint("communities".into()))?;
        // The directory row: a real directory change (a new, not yet verified
        // organization); its place is its first community's until it says otherwise.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organizations (code, kind, name_zh, name_en, description_zh, description_en, phone, \
                 address_zh, address_en, community_id, latitude, longitude, verified) \
             SELECT $1, $2, $3, $3, '', '', '', '', '', g.id, g.latitude, g.longitude, 0 FROM grid_units g WHERE g.id = $4 \
             RETURNING id",
        )
        .bind(format!("registered-{}", new.credit_code))
        .bind(new.kind.slug())
        .bind(&new.name)
        .bind(home.get())
        .fetch_one(&mut *self.tx)
        .await
        .map_err(failed)?;
        sqlx::query(
            "INSERT INTO organization_accounts (organization_id, credit_code, contact_name, contact_phone, registered_by, registered_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&new.credit_code)
        .bind(&new.contact_name)
        .bind(&new.contact_phone)
        .bind(new.owner.get())
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        for community in &new.communities {
            sqlx::query("INSERT INTO organization_communities (organization_id, community_id) VALUES ($1, $2)")
                .bind(id)
                .bind(community.get())
                .execute(&mut *self.tx)
                .await
                .map_err(failed)?;
        }
        sqlx::query("INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, 'owner', $3)")
            .bind(id)
            .bind(new.owner.get())
            .bind(now)
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(OrganizationId::from_row(id))
    }

    async fn served_communities(
        &mut self,
        organization: OrganizationId,
    ) -> Result<Option<Vec<GridUnitId>>, StoreError> {
        let communities = served(&mut *self.tx, organization.get()).await.map_err(failed)?;
        Ok((!communities.is_empty()).then_some(communities))
    }

    async fn set_organization_state(
        &mut self,
        organization: OrganizationId,
        verified: Option<bool>,
        suspended: Option<bool>,
        by: PersonId,
    ) -> Result<bool, StoreError> {
        // A flag given as NULL keeps its value.
        let changed = sqlx::query(
            "UPDATE organizations SET verified = COALESCE($1, verified), suspended = COALESCE($2, suspended) \
             WHERE id = $3 AND EXISTS ( \
                 SELECT 1 FROM community_staff s WHERE s.person_id = $4 AND ( \
                     s.community_id = organizations.community_id OR s.community_id IN ( \
                         SELECT community_id FROM organization_communities WHERE organization_id = $3)))",
        )
        .bind(verified.map(i64::from))
        .bind(suspended.map(i64::from))
        .bind(organization.get())
        .bind(by.get())
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn add_member(
        &mut self,
        organization: OrganizationId,
        person: PersonId,
        role: MemberRole,
        now: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(organization.get())
        .bind(person.get())
        .bind(role.slug())
        .bind(now)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn remove_member(&mut self, organization: OrganizationId, person: PersonId) -> Result<bool, StoreError> {
        if self.engine == Engine::Postgres {
            // Two owners removing each other at once must not leave none: the count
            // below is taken under this lock. (SQLite's IMMEDIATE unit serializes.)
            sqlx::query("SELECT id FROM organizations WHERE id = $1 FOR UPDATE")
                .bind(organization.get())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(failed)?;
        }
        let removed = sqlx::query(
            "DELETE FROM organization_members WHERE organization_id = $1 AND person_id = $2 AND (role <> 'owner' OR \
             (SELECT COUNT(*) FROM organization_members WHERE organization_id = $1 AND role = 'owner') > 1)",
        )
        .bind(organization.get())
        .bind(person.get())
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?
        .rows_affected();
        Ok(removed == 1)
    }

    async fn create_family_link(
        &mut self,
        person: PersonId,
        member: PersonId,
        relation: &str,
        active_by: Option<PersonId>,
        now: Millis,
    ) -> Result<i64, StoreError> {
        let status = if active_by.is_some() { "active" } else { "pending" };
        sqlx::query_scalar(
            "INSERT INTO family_links (person_id, member_id, relation, status, created_at, confirmed_at, confirmed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(person.get())
        .bind(member.get())
        .bind(relation)
        .bind(status)
        .bind(now)
        .bind(active_by.map(|_| now))
        .bind(active_by.map(PersonId::get))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(failed)
    }

    async fn family_link(&mut self, id: i64) -> Result<Option<FamilyLink>, StoreError> {
        sqlx::query(
            "SELECT f.id, f.person_id, p.display_name AS person_name, f.member_id, m.display_name AS member_name, \
                    f.relation, f.status \
             FROM family_links f JOIN people p ON p.id = f.person_id JOIN people m ON m.id = f.member_id WHERE f.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(failed)?
        .as_ref()
        .map(family_link)
        .transpose()
        .map_err(failed)
    }

    async fn confirm_family_link(&mut self, id: i64, member: PersonId, now: Millis) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE family_links SET status = 'active', confirmed_at = $1, confirmed_by = $2 \
             WHERE id = $3 AND member_id = $2 AND status = 'pending'",
        )
        .bind(now)
        .bind(member.get())
        .bind(id)
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?
        .rows_affected()
            == 1)
    }

    async fn end_family_link(&mut self, id: i64, by: PersonId, now: Millis) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE family_links SET status = 'ended', ended_at = $1 \
             WHERE id = $2 AND (person_id = $3 OR member_id = $3) AND status <> 'ended'",
        )
        .bind(now)
        .bind(id)
        .bind(by.get())
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?
        .rows_affected()
            == 1)
    }

    async fn create_api_token(
        &mut self,
        person: PersonId,
        name: &str,
        token_hash: &str,
        now: Millis,
    ) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (person_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(person.get())
        .bind(name)
        .bind(token_hash)
        .bind(now)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(failed)
    }

    async fn revoke_api_token(&mut self, person: PersonId, id: i64, now: Millis) -> Result<bool, StoreError> {
        Ok(
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .bind(person.get())
            .execute(&mut *self.tx)
            .await
            .map_err(failed)?
            .rows_affected()
                == 1,
        )
    }

    async fn delete_person(&mut self, person: PersonId, now: Millis) -> Result<(), StoreError> {
        let id = person.get();
        let statements = [
            // What was kept under the login goes with it.
            "DELETE FROM one_time_codes WHERE login = (SELECT login FROM people WHERE id = $1)",
            "DELETE FROM outbox WHERE recipient = (SELECT login FROM people WHERE id = $1)",
            "DELETE FROM pending_registrations WHERE login = (SELECT login FROM people WHERE id = $1)",
            "DELETE FROM sessions WHERE person_id = $1",
            "DELETE FROM community_staff WHERE person_id = $1",
            "DELETE FROM organization_members WHERE person_id = $1",
            "DELETE FROM consents WHERE person_id = $1",
            "UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL",
            "UPDATE family_links SET status = 'ended', ended_at = $2 WHERE (person_id = $1 OR member_id = $1) AND status <> 'ended'",
            "UPDATE people SET login = NULL, display_name = '已注销', password_hash = NULL, volunteer = 0, \
                 volunteer_skills = NULL, volunteer_availability = NULL, home_grid_unit_id = NULL, deleted_at = $2 WHERE id = $1",
        ];
        for sql in statements {
            // PostgreSQL refuses a parameter the statement does not use.
            let mut query = sqlx::query(sql).bind(id);
            if sql.contains("$2") {
                query = query.bind(now);
            }
            query.execute(&mut *self.tx).await.map_err(failed)?;
        }
        Ok(())
    }

    async fn set_volunteer(
        &mut self,
        person: PersonId,
        v: &app::domain::accounts::store::VolunteerProfile,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE people SET volunteer = $1, volunteer_skills = $2, volunteer_availability = $3, home_grid_unit_id = $4 \
             WHERE id = $5 AND deleted_at IS NULL",
        )
        .bind(i64::from(v.volunteer))
        .bind((!v.skills.is_empty()).then_some(v.skills.as_str()))
        .bind((!v.availability.is_empty()).then_some(v.availability.as_str()))
        .bind(v.home_grid_unit.map(GridUnitId::get))
        .bind(person.get())
        .execute(&mut *self.tx)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn is_in_community(&mut self, unit: GridUnitId, community: GridUnitId) -> Result<bool, StoreError> {
        // Walk up from `unit` (the grid is a few levels deep); equal counts as inside.
        let mut current = Some(unit.get());
        for _ in 0..8 {
            let Some(id) = current else { return Ok(false) };
            let row: Option<(i64, Option<i64>)> = sqlx::query_as("SELECT id, parent_id FROM grid_units WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(failed)?;
            match row {
                None => return Ok(false),
                Some((found, _)) if found == community.get() => return Ok(true),
                Some((_, parent)) => current = parent,
            }
        }
        Ok(false)
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(failed)
    }
}

/// A phone number as shown to someone other than its owner.
pub fn masked(stored: &str) -> String {
    mask(stored)
}
