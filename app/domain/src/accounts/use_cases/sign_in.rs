//! Signing up, in and out: codes, passwords, sessions.

use super::*;

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

impl Accounts<'_> {
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
        self.limit(crate::accounts::SIGN_UPS_PER_CLIENT, self.client).await?;
        self.limit(crate::accounts::CODES_PER_LOGIN, login.as_str()).await?;
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
        self.limit(crate::accounts::CODES_PER_CLIENT, self.client).await?;
        self.limit(crate::accounts::CODES_PER_LOGIN, login.as_str()).await?;
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
        self.limit(crate::accounts::SIGN_INS_PER_CLIENT, self.client).await?;
        self.limit(crate::accounts::SIGN_INS_PER_LOGIN, login.as_str()).await?;
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
}
