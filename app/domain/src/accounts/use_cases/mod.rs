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

mod family;
mod organizations;
mod own_account;
mod sign_in;

pub use organizations::{OrganizationForm, Oversight};
pub use sign_in::{Credential, NewSession, SignUp};

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
