//! The accounts' use cases: each validates its input, checks who may do it, and makes
//! its changes in one unit of work. Adapters (JSON API, server functions, pages, the
//! command line) call these and nothing else.

use super::principal::{MemberRole, Principal};
use super::secrets::Secrets;
use super::store::{AccountStore, AccountsUnit, AuditEntry, CodePurpose, Millis, NewOrganization, PendingRegistration};
use super::values::{CreditCode, DisplayName, Login, OneTimeCode, Password};
use super::{Limit, CODE_MAX_TRIES, CODE_TTL_MS, NOTICE_VERSION, REGISTRATION_TTL_MS, SESSION_ABSOLUTE_MS};
use crate::directory::OrganizationKind;
use crate::error::AppError;
use crate::ids::{GridUnitId, OrganizationId, PersonId};
use crate::message::Message;
use crate::store::StoreError;
use crate::validation::{required_text, FieldError, Refusals};

/// The ports and facts every accounts use case works with.
pub struct Accounts<'a> {
    pub store: &'a dyn AccountStore,
    pub secrets: &'a dyn Secrets,
    /// Now, in epoch milliseconds (given, so the rules stay testable).
    pub now: Millis,
    /// The client's address, for per-client rate limits.
    pub client: &'a str,
    /// The request's id, for the audit log.
    pub request_id: Option<&'a str>,
}

/// A session just opened: the secret goes into the cookie and nowhere else.
pub struct NewSession {
    pub token: String,
    pub person: PersonId,
    pub expires_at: Millis,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("person", &self.person)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// How a person proves who they are.
pub enum Credential {
    Password(String),
    /// A text-message code, and the secret `register` gave if this completes a sign-up.
    Code {
        code: String,
        registration: Option<String>,
    },
}

/// What a sign-up form or `POST /auth/register` sends.
pub struct SignUp {
    pub login: String,
    pub display_name: String,
    pub password: Option<String>,
    pub consent: bool,
}

fn wrong_credentials() -> AppError {
    // The same words whether the account exists or not: no enumeration.
    AppError::WrongCredentials
}

impl Accounts<'_> {
    async fn limit(&self, limit: Limit, who: &str) -> Result<(), AppError> {
        // Keyed by a hash: the table never holds phone numbers or addresses.
        let key = format!("{}:{}", limit.name, self.secrets.token_hash(who));
        let hits = self.store.hit(&key, limit.window_ms, self.now).await?;
        if hits > limit.max {
            let window_end = (self.now / limit.window_ms + 1) * limit.window_ms;
            let retry_after_s = ((window_end - self.now) / 1000).max(1) as u64;
            return Err(AppError::RateLimited { retry_after_s });
        }
        Ok(())
    }

    async fn send_code(
        &self,
        unit: &mut dyn AccountsUnit,
        login: &Login,
        purpose: CodePurpose,
        text: Message,
    ) -> Result<(), StoreError> {
        let code = self.secrets.new_code();
        unit.save_code(
            login,
            purpose,
            &self.secrets.token_hash(&code),
            self.now,
            self.now + CODE_TTL_MS,
        )
        .await?;
        // SMS in the person's language is unknown here: both, Chinese first.
        let body = format!("{} {} / {} {}", text.zh, code, text.en, code);
        unit.enqueue_message(login, &body, self.now).await
    }

    /// Sign-up: checks every field, keeps the registration and sends a code that
    /// completes it, together with the secret returned here (which the registering
    /// client keeps). Answers the same whether or not the login already has an account
    /// (that person gets a sign-in code instead, and the secret matches nothing), so
    /// sign-up reveals no accounts.
    pub async fn register(&self, input: SignUp) -> Result<String, AppError> {
        let mut refusals = Refusals::new();
        let login = refusals.check(Login::parse(&input.login));
        let name = refusals.check(DisplayName::new(&input.display_name));
        let password = match input.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => refusals.check(Password::new(p)).map(Some),
            None => Some(None),
        };
        if !input.consent {
            refusals.push(FieldError::new(
                "consent",
                "请阅读并同意隐私说明",
                "please read and accept the privacy notice",
            ));
        }
        refusals.finish()?;
        let (login, name, password) = (
            login.expect("checked"),
            name.expect("checked"),
            password.expect("checked"),
        );
        self.limit(super::SIGN_UPS_PER_CLIENT, self.client).await?;
        self.limit(super::CODES_PER_LOGIN, login.as_str()).await?;
        let password_hash = match &password {
            Some(p) => Some(self.secrets.hash_password(p.expose()).await),
            None => None,
        };
        let secret = self.secrets.new_token();
        let mut unit = self.store.begin().await?;
        if unit.sign_in_record(&login).await?.is_none() {
            unit.save_registration(
                &PendingRegistration {
                    login: login.clone(),
                    display_name: name.as_str().to_owned(),
                    password_hash,
                    notice_version: NOTICE_VERSION.to_owned(),
                    secret_hash: self.secrets.token_hash(&secret),
                },
                self.now,
            )
            .await?;
            self.send_code(
                unit.as_mut(),
                &login,
                CodePurpose::SignIn,
                Message::fixed("【家门口】注册验证码", "[Doorstep] sign-up code"),
            )
            .await?;
        } else {
            self.send_code(
                unit.as_mut(),
                &login,
                CodePurpose::SignIn,
                Message::fixed(
                    "【家门口】您已有账号，登录验证码",
                    "[Doorstep] you already have an account; sign-in code",
                ),
            )
            .await?;
        }
        unit.commit().await?;
        Ok(secret)
    }

    /// Sends a sign-in code to a login that has an account. Answers the same whether or
    /// not it has one. (A sign-up waiting for its code asks `register` again: only that
    /// path gives the secret that completes it.)
    pub async fn request_code(&self, login: &str) -> Result<(), AppError> {
        let login = Login::parse(login).map_err(|e| AppError::Invalid(vec![e]))?;
        self.limit(super::CODES_PER_CLIENT, self.client).await?;
        self.limit(super::CODES_PER_LOGIN, login.as_str()).await?;
        let mut unit = self.store.begin().await?;
        if unit.sign_in_record(&login).await?.is_some() {
            self.send_code(
                unit.as_mut(),
                &login,
                CodePurpose::SignIn,
                Message::fixed("【家门口】登录验证码", "[Doorstep] sign-in code"),
            )
            .await?;
            unit.commit().await?;
        }
        Ok(())
    }

    /// Signs in with a password or a code; a code also completes a waiting sign-up.
    /// Always a fresh session (never one the client brought: no fixation).
    pub async fn sign_in(&self, login: &str, credential: Credential) -> Result<NewSession, AppError> {
        let login = Login::parse(login).map_err(|e| AppError::Invalid(vec![e]))?;
        if let Credential::Code { code, .. } = &credential {
            OneTimeCode::new(code).map_err(|e| AppError::Invalid(vec![e]))?;
        }
        self.limit(super::SIGN_INS_PER_CLIENT, self.client).await?;
        self.limit(super::SIGN_INS_PER_LOGIN, login.as_str()).await?;
        let person = match credential {
            Credential::Password(password) => {
                let mut unit = self.store.begin().await?;
                let record = unit.sign_in_record(&login).await?;
                drop(unit);
                let hash = record.as_ref().and_then(|r| r.password_hash.as_deref());
                if !self.secrets.verify_password(&password, hash).await {
                    return Err(wrong_credentials());
                }
                let record = record.ok_or_else(wrong_credentials)?;
                let mut unit = self.store.begin().await?;
                let session = self.open_session(unit.as_mut(), record.person).await?;
                unit.commit().await?;
                return Ok(session);
            }
            Credential::Code { code, registration } => (code, registration),
        };
        let (code, registration) = person;
        let code = OneTimeCode::new(&code).map_err(|e| AppError::Invalid(vec![e]))?;
        let mut unit = self.store.begin().await?;
        let stored = unit.live_code(&login, CodePurpose::SignIn, self.now).await?;
        drop(unit);
        let stored = stored.ok_or_else(wrong_credentials)?;
        // The try is counted before the code is compared, and committed on its own.
        let tries = self.store.count_code_try(stored.id).await?;
        if tries > CODE_MAX_TRIES || self.secrets.token_hash(code.expose()) != stored.code_hash {
            return Err(wrong_credentials());
        }
        let mut unit = self.store.begin().await?;
        if !unit.use_code(stored.id, self.now).await? {
            return Err(wrong_credentials());
        }
        let person = match unit.sign_in_record(&login).await? {
            Some(record) => record.person,
            None => {
                let pending = unit
                    .pending_registration(&login, self.now - REGISTRATION_TTL_MS)
                    .await?
                    .ok_or_else(wrong_credentials)?;
                let holds_secret = registration
                    .as_deref()
                    .is_some_and(|secret| self.secrets.token_hash(secret) == pending.secret_hash);
                if !holds_secret {
                    return Err(wrong_credentials());
                }
                unit.delete_registration(&login).await?;
                let person = unit
                    .create_person(
                        Some(&login),
                        &pending.display_name,
                        pending.password_hash.as_deref(),
                        None,
                        self.now,
                    )
                    .await
                    .map_err(login_taken)?;
                unit.record_consent(person, &pending.notice_version, self.now).await?;
                person
            }
        };
        let session = self.open_session(unit.as_mut(), person).await?;
        unit.commit().await?;
        Ok(session)
    }

    async fn open_session(&self, unit: &mut dyn AccountsUnit, person: PersonId) -> Result<NewSession, AppError> {
        let token = self.secrets.new_token();
        let expires_at = self.now + SESSION_ABSOLUTE_MS;
        unit.create_session(&self.secrets.token_hash(&token), person, self.now, expires_at)
            .await?;
        Ok(NewSession {
            token,
            person,
            expires_at,
        })
    }

    /// Ends the session whose secret is `token` (signing out twice is harmless).
    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        unit.end_session(&self.secrets.token_hash(token)).await?;
        unit.commit().await?;
        Ok(())
    }

    /// Ends every session of the signed-in person, on every device.
    pub async fn sign_out_everywhere(&self, who: &Principal) -> Result<u64, AppError> {
        let mut unit = self.store.begin().await?;
        let ended = unit.end_all_sessions(who.person).await?;
        unit.commit().await?;
        Ok(ended)
    }

    fn audit_entry(&self, actor: Option<PersonId>, action: &str, kind: &str, id: Option<i64>) -> AuditEntry {
        AuditEntry {
            at: self.now,
            actor,
            action: action.to_owned(),
            subject_kind: kind.to_owned(),
            subject_id: id,
            on_behalf_of: None,
            request_id: self.request_id.map(str::to_owned),
            detail: None,
        }
    }

    /// The first community-staff account (`doorstep create-staff`). A password is
    /// required: staff accounts oversee others.
    pub async fn create_staff(
        &self,
        login: &str,
        display_name: &str,
        password: &str,
        community: GridUnitId,
    ) -> Result<PersonId, AppError> {
        let mut refusals = Refusals::new();
        let login = refusals.check(Login::parse(login));
        let name = refusals.check(DisplayName::new(display_name));
        let password = refusals.check(Password::new(password));
        refusals.finish()?;
        let (login, name, password) = (
            login.expect("checked"),
            name.expect("checked"),
            password.expect("checked"),
        );
        let hash = self.secrets.hash_password(password.expose()).await;
        let mut unit = self.store.begin().await?;
        if !unit.is_community(community).await? {
            return Err(AppError::Invalid(vec![FieldError::new(
                "community",
                "没有这个社区",
                "is not a community on the grid",
            )]));
        }
        let person = match unit.sign_in_record(&login).await? {
            Some(existing) => existing.person,
            None => {
                let person = unit
                    .create_person(Some(&login), name.as_str(), Some(&hash), None, self.now)
                    .await
                    .map_err(login_taken)?;
                unit.record_consent(person, NOTICE_VERSION, self.now).await?;
                person
            }
        };
        unit.add_community_staff(person, community)
            .await
            .map_err(|e| conflict_or(e, "已经是这个社区的工作人员", "is already staff of this community"))?;
        unit.audit(&self.audit_entry(None, "staff.created", "person", Some(person.get())))
            .await?;
        unit.commit().await?;
        Ok(person)
    }

    /// An organization registers itself; the caller becomes its owner. It stays
    /// unverified until staff of a community it serves verify it.
    pub async fn register_organization(
        &self,
        who: &Principal,
        input: OrganizationForm,
    ) -> Result<OrganizationId, AppError> {
        // Each registration is a directory change (every instance rebuilds its snapshot).
        self.limit(super::ORGANIZATIONS_PER_PERSON, &who.person.to_string())
            .await?;
        let mut refusals = Refusals::new();
        let name = refusals.check(required_text("name", &input.name, 80));
        let kind = refusals.check(OrganizationKind::parse(input.kind.trim()).ok_or_else(|| {
            FieldError::new(
                "kind",
                "请选择机构类型",
                "must be social-organization, volunteer-organization or resident-unit",
            )
        }));
        let credit = refusals.check(CreditCode::new(&input.credit_code));
        let contact = refusals.check(required_text("contact_name", &input.contact_name, 40));
        let phone = refusals.check(
            Login::parse(&input.contact_phone)
                .and_then(|l| {
                    if l.is_phone() {
                        Ok(l)
                    } else {
                        Err(FieldError::new(
                            "contact_phone",
                            "请填写手机号",
                            "must be a mobile number",
                        ))
                    }
                })
                .map_err(|e| FieldError::with("contact_phone", e.message)),
        );
        if input.communities.is_empty() {
            refusals.push(FieldError::new(
                "communities",
                "请至少选择一个服务的社区",
                "must name at least one community served",
            ));
        }
        refusals.finish()?;
        let mut unit = self.store.begin().await?;
        for community in &input.communities {
            if !unit.is_community(*community).await? {
                return Err(AppError::Invalid(vec![FieldError::with(
                    "communities",
                    Message::owned(
                        format!("没有编号为 {community} 的社区"),
                        format!("{community} is not a community"),
                    ),
                )]));
            }
        }
        let mut communities = input.communities.clone();
        communities.sort();
        communities.dedup();
        let id = unit
            .create_organization(
                &NewOrganization {
                    name: name.expect("checked"),
                    kind: kind.expect("checked"),
                    credit_code: credit.expect("checked").as_str().to_owned(),
                    contact_name: contact.expect("checked"),
                    contact_phone: phone.expect("checked").as_str().to_owned(),
                    communities,
                    owner: who.person,
                },
                self.now,
            )
            .await
            .map_err(|e| {
                conflict_or(
                    e,
                    "这个统一社会信用代码已经登记过",
                    "an organization with this credit code is already registered",
                )
            })?;
        unit.audit(&self.audit_entry(
            Some(who.person),
            "organization.registered",
            "organization",
            Some(id.get()),
        ))
        .await?;
        unit.commit().await?;
        Ok(id)
    }

    /// Community staff verify, suspend or reinstate an organization serving their
    /// community.
    pub async fn oversee_organization(
        &self,
        who: &Principal,
        id: OrganizationId,
        action: Oversight,
    ) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        let served = unit
            .served_communities(id)
            .await?
            .ok_or_else(|| AppError::not_found("机构", "organization"))?;
        if !who.may_oversee(&served) {
            return Err(AppError::Forbidden);
        }
        // Each action changes only its own flag: reinstating a suspended organization
        // does not verify one that never was.
        let (verified, suspended, name) = match action {
            Oversight::Verify => (Some(true), None, "organization.verified"),
            Oversight::Suspend => (None, Some(true), "organization.suspended"),
            Oversight::Reinstate => (None, Some(false), "organization.reinstated"),
        };
        if !unit.set_organization_state(id, verified, suspended, who.person).await? {
            return Err(AppError::Forbidden);
        }
        unit.audit(&self.audit_entry(Some(who.person), name, "organization", Some(id.get())))
            .await?;
        unit.commit().await?;
        Ok(())
    }

    /// An owner adds a person (by login) as a member or owner.
    pub async fn add_member(
        &self,
        who: &Principal,
        org: OrganizationId,
        login: &str,
        role: &str,
    ) -> Result<PersonId, AppError> {
        let mut refusals = Refusals::new();
        let login = refusals.check(Login::parse(login));
        let role = refusals.check(
            MemberRole::parse(role.trim())
                .ok_or_else(|| FieldError::new("role", "须为 owner 或 member", "must be owner or member")),
        );
        refusals.finish()?;
        let mut unit = self.store.begin().await?;
        if unit.served_communities(org).await?.is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        if !who.may_manage_members(org) {
            return Err(AppError::Forbidden);
        }
        let person = unit
            .sign_in_record(&login.expect("checked"))
            .await?
            .ok_or_else(|| {
                AppError::Invalid(vec![FieldError::new(
                    "login",
                    "这个账号还没有注册，请对方先注册",
                    "has no account yet; ask them to sign up first",
                )])
            })?
            .person;
        unit.add_member(org, person, role.expect("checked"), self.now)
            .await
            .map_err(|e| conflict_or(e, "对方已经是成员", "is already a member"))?;
        let mut entry = self.audit_entry(
            Some(who.person),
            "organization.member_added",
            "organization",
            Some(org.get()),
        );
        entry.detail = Some(format!("person {person}"));
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok(person)
    }

    pub async fn remove_member(&self, who: &Principal, org: OrganizationId, person: PersonId) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        if unit.served_communities(org).await?.is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        if !who.may_manage_members(org) {
            return Err(AppError::Forbidden);
        }
        if !unit.remove_member(org, person).await? {
            return Err(AppError::conflict(
                "不能移除：对方不是成员，或是最后一位负责人",
                "cannot remove: not a member, or the last owner",
            ));
        }
        let mut entry = self.audit_entry(
            Some(who.person),
            "organization.member_removed",
            "organization",
            Some(org.get()),
        );
        entry.detail = Some(format!("person {person}"));
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok(())
    }

    /// A resident asks to link a family member (by login), who may then act for them.
    /// The member gets a code and confirms from their own account.
    pub async fn link_family_member(
        &self,
        who: &Principal,
        member_login: &str,
        relation: &str,
    ) -> Result<Option<i64>, AppError> {
        let mut refusals = Refusals::new();
        let login = refusals.check(Login::parse(member_login).map_err(|e| FieldError::with("member_login", e.message)));
        let relation = refusals.check(required_text("relation", relation, 20));
        refusals.finish()?;
        let login = login.expect("checked");
        self.limit(super::FAMILY_LINKS_PER_PERSON, &who.person.to_string())
            .await?;
        self.limit(super::CODES_PER_LOGIN, login.as_str()).await?;
        let mut unit = self.store.begin().await?;
        // The same answer whether or not the number has an account: asking must not
        // tell anyone who is registered. Without an account nothing is made or sent.
        let Some(member) = unit.sign_in_record(&login).await? else {
            return Ok(None);
        };
        if member.person == who.person {
            return Err(AppError::Invalid(vec![FieldError::new(
                "member_login",
                "不能关联自己",
                "cannot be yourself",
            )]));
        }
        let id = unit
            .create_family_link(who.person, member.person, &relation.expect("checked"), None, self.now)
            .await?;
        self.send_code(
            unit.as_mut(),
            &login,
            CodePurpose::FamilyLink,
            Message::fixed("【家门口】亲友关联确认码", "[Doorstep] family link confirmation code"),
        )
        .await?;
        unit.commit().await?;
        Ok(Some(id))
    }

    /// The member confirms a link with the code sent to them.
    pub async fn confirm_family_link(
        &self,
        who: &Principal,
        link: i64,
        member_login: &Login,
        code: &str,
    ) -> Result<(), AppError> {
        let code = OneTimeCode::new(code).map_err(|e| AppError::Invalid(vec![e]))?;
        let mut unit = self.store.begin().await?;
        let found = unit.family_link(link).await?;
        let Some(found) = found.filter(|l| l.member == who.person || l.person == who.person) else {
            return Err(AppError::not_found("亲友关联", "family link"));
        };
        if found.member != who.person {
            return Err(AppError::Forbidden);
        }
        let stored = unit.live_code(member_login, CodePurpose::FamilyLink, self.now).await?;
        drop(unit);
        let stored = stored.ok_or_else(|| wrong_code("code"))?;
        let tries = self.store.count_code_try(stored.id).await?;
        if tries > CODE_MAX_TRIES || self.secrets.token_hash(code.expose()) != stored.code_hash {
            return Err(wrong_code("code"));
        }
        let mut unit = self.store.begin().await?;
        if !unit.use_code(stored.id, self.now).await? || !unit.confirm_family_link(link, who.person, self.now).await? {
            return Err(AppError::conflict(
                "这个关联已经确认或结束",
                "this link is already confirmed or ended",
            ));
        }
        let mut entry = self.audit_entry(Some(who.person), "family.confirmed", "family_link", Some(link));
        entry.on_behalf_of = Some(found.person);
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok(())
    }

    /// Either side ends a link.
    pub async fn end_family_link(&self, who: &Principal, link: i64) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        if !unit.end_family_link(link, who.person, self.now).await? {
            return Err(AppError::not_found("亲友关联", "family link"));
        }
        unit.audit(&self.audit_entry(Some(who.person), "family.ended", "family_link", Some(link)))
            .await?;
        unit.commit().await?;
        Ok(())
    }

    /// A personal API token; its secret is returned once and stored only hashed.
    pub async fn create_api_token(&self, who: &Principal, name: &str) -> Result<(i64, String), AppError> {
        let name = required_text("name", name, 40).map_err(|e| AppError::Invalid(vec![e]))?;
        let token = format!("ds_{}", self.secrets.new_token());
        let mut unit = self.store.begin().await?;
        let id = unit
            .create_api_token(who.person, &name, &self.secrets.token_hash(&token), self.now)
            .await?;
        unit.commit().await?;
        Ok((id, token))
    }

    pub async fn revoke_api_token(&self, who: &Principal, id: i64) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        if !unit.revoke_api_token(who.person, id, self.now).await? {
            return Err(AppError::not_found("令牌", "token"));
        }
        unit.commit().await?;
        Ok(())
    }

    /// Deletes the signed-in person's account (ratings they gave stay, anonymized).
    pub async fn delete_account(&self, who: &Principal) -> Result<(), AppError> {
        let mut unit = self.store.begin().await?;
        unit.delete_person(who.person, self.now).await?;
        unit.audit(&self.audit_entry(Some(who.person), "person.deleted", "person", Some(who.person.get())))
            .await?;
        unit.commit().await?;
        Ok(())
    }
}

impl Accounts<'_> {
    /// Opts in to (or out of) volunteering, with skills, availability and home place.
    pub async fn set_volunteer(&self, who: &Principal, input: super::store::VolunteerProfile) -> Result<(), AppError> {
        let mut refusals = Refusals::new();
        for (field, value) in [("skills", &input.skills), ("availability", &input.availability)] {
            if !value.trim().is_empty() {
                refusals.check(required_text(field, value, 200));
            }
        }
        refusals.finish()?;
        let mut unit = self.store.begin().await?;
        if let Some(place) = input.home_grid_unit {
            if !unit.is_in_community(place, place).await? {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "home_grid_unit",
                    "网格上没有这个地点",
                    "is not a place on the grid",
                )]));
            }
        }
        let profile = super::store::VolunteerProfile {
            volunteer: input.volunteer,
            skills: input.skills.trim().to_owned(),
            availability: input.availability.trim().to_owned(),
            home_grid_unit: input.home_grid_unit,
        };
        unit.set_volunteer(who.person, &profile).await?;
        unit.commit().await?;
        Ok(())
    }

    /// Community staff, in person, link a resident who has no phone to the family member
    /// who will act for them, creating the resident's account (without a login). Active
    /// at once, and audited as done by the staff member for that resident.
    pub async fn link_in_person(
        &self,
        who: &Principal,
        community: GridUnitId,
        person_name: &str,
        member_login: &str,
        relation: &str,
    ) -> Result<(PersonId, i64), AppError> {
        let mut refusals = Refusals::new();
        let name =
            refusals.check(DisplayName::new(person_name).map_err(|e| FieldError::with("person_name", e.message)));
        let login = refusals.check(Login::parse(member_login).map_err(|e| FieldError::with("member_login", e.message)));
        let relation = refusals.check(required_text("relation", relation, 20));
        refusals.finish()?;
        if !who.is_staff_of(community) {
            return Err(AppError::Forbidden);
        }
        let mut unit = self.store.begin().await?;
        let member = unit.sign_in_record(&login.expect("checked")).await?.ok_or_else(|| {
            AppError::Invalid(vec![FieldError::new(
                "member_login",
                "这位家人还没有注册，请家人先注册",
                "has no account yet; ask the family member to sign up first",
            )])
        })?;
        let name = name.expect("checked");
        let person = unit
            .create_person(None, name.as_str(), None, Some(who.person), self.now)
            .await?;
        let link = unit
            .create_family_link(
                person,
                member.person,
                &relation.expect("checked"),
                Some(who.person),
                self.now,
            )
            .await?;
        let mut entry = self.audit_entry(Some(who.person), "family.linked_in_person", "family_link", Some(link));
        entry.on_behalf_of = Some(person);
        entry.detail = Some(format!("community {community}"));
        unit.audit(&entry).await?;
        unit.commit().await?;
        Ok((person, link))
    }
}

/// What an organization's registration form sends.
pub struct OrganizationForm {
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub communities: Vec<GridUnitId>,
}

/// What community staff do to an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversight {
    Verify,
    Suspend,
    Reinstate,
}

fn wrong_code(field: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(
        field,
        "验证码不对或已过期，请重新获取",
        "is wrong or has expired; ask for a new one",
    )])
}

fn login_taken(e: StoreError) -> AppError {
    conflict_or(e, "这个手机号或邮箱已经注册", "this login is already registered")
}

/// A constraint that fired means the thing exists already: a conflict in these words.
fn conflict_or(e: StoreError, zh: &'static str, en: &'static str) -> AppError {
    match e {
        StoreError::Constraint(_) => AppError::conflict(zh, en),
        other => other.into(),
    }
}
