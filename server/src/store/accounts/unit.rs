//! [`AccountsUnit`] over one SQL transaction: every write of the accounts.

use super::{family_link, person, served, SqlUnit};
use crate::store::{failed, Engine};
use app::domain::accounts::principal::MemberRole;
use app::domain::accounts::store::{
    AccountsUnit, AuditEntry, CodePurpose, FamilyLink, Millis, NewOrganization, PendingRegistration, SignInRecord,
    StoredCode,
};
use app::domain::accounts::values::Login;
use app::domain::ids::{GridUnitId, OrganizationId, PersonId};
use app::domain::store::StoreError;
use sqlx::Row;

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
            // Their requests stay (organizations' records, the community's figures) without
            // the door, the number, or what they said about themselves; their ratings keep
            // the score without the comment.
            "UPDATE requests SET address_detail = '', contact_phone = '', for_name = NULL, for_relation = NULL, \
                 needs = NULL, notes = NULL, preferred_time = NULL WHERE resident_id = $1",
            "UPDATE ratings SET comment = NULL WHERE request_id IN (SELECT id FROM requests WHERE resident_id = $1)",
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

    async fn grid_unit_exists(&mut self, unit: GridUnitId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM grid_units WHERE id = $1")
            .bind(unit.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(failed)?;
        Ok(found.is_some())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(failed)
    }
}
