//! The one error model of Doorstep, from the domain to every interface.
//!
//! Design:
//! - Each error has a stable [`ErrorCode`] that clients may match on. Which transport
//!   status a code becomes (HTTP 400, 422, 404, …) is the adapters' business, not the
//!   domain's: this crate knows no HTTP.
//! - Refusals of input carry every refused field at once ([`FieldError`]s), so a form
//!   can mark all of them in one round.
//! - Every message exists in both languages ([`Message`]); the adapter shows the one of
//!   the page or of the request.
//! - Only what a resident or an API client may see is carried. Causes (SQL errors, I/O)
//!   are logged where they happen and become [`AppError::Internal`] with a reference.

use super::lang::Lang;
use super::message::Message;
use super::validation::FieldError;
use serde::{Deserialize, Serialize};

/// The stable, machine-readable kinds of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Unauthenticated,
    Forbidden,
    Conflict,
    RateLimited,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::Validation,
        ErrorCode::NotFound,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::Conflict,
        ErrorCode::RateLimited,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request itself is malformed: a query parameter, a path id, arguments that do
    /// not decode. At least one field.
    #[error("malformed request: {}", fields_text(.0))]
    BadRequest(Vec<FieldError>),
    /// The request is well formed but values in it are refused (a short password, a
    /// phone number that is not one). At least one field.
    #[error("invalid input: {}", fields_text(.0))]
    Invalid(Vec<FieldError>),
    /// Nothing of this kind has that id, or the caller may not know that it exists.
    #[error("no such {}", what.en)]
    NotFound { what: Message },
    /// The caller must sign in first.
    #[error("not signed in")]
    Unauthenticated,
    /// A sign-in failed: the login, password or code is wrong (which one is not said,
    /// so nobody learns which logins exist).
    #[error("wrong login, password or code")]
    WrongCredentials,
    /// The caller is signed in but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The request clashes with the current state (a login taken, a state that moved on).
    #[error("{}", .0.en)]
    Conflict(Message),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; retry after {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    /// The database did not answer in time; worth retrying shortly.
    #[error("the service is unavailable; try again shortly")]
    Unavailable,
    /// A fault of ours; the details are in the server log under this reference.
    #[error("something went wrong on our side (reference {reference})")]
    Internal { reference: String },
}

fn fields_text(fields: &[FieldError]) -> String {
    fields.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

impl AppError {
    pub fn not_found(zh: &'static str, en: &'static str) -> Self {
        AppError::NotFound {
            what: Message::fixed(zh, en),
        }
    }

    pub fn conflict(zh: &'static str, en: &'static str) -> Self {
        AppError::Conflict(Message::fixed(zh, en))
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadRequest(_) | AppError::Invalid(_) => ErrorCode::Validation,
            AppError::NotFound { .. } => ErrorCode::NotFound,
            AppError::Unauthenticated | AppError::WrongCredentials => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Unavailable => ErrorCode::Unavailable,
            AppError::Internal { .. } => ErrorCode::Internal,
        }
    }

    /// The refused fields, empty unless this is a validation error.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::BadRequest(f) | AppError::Invalid(f) => f,
            _ => &[],
        }
    }

    /// Whether the refused fields include `name`.
    pub fn refuses(&self, name: &str) -> bool {
        self.fields().iter().any(|f| f.field == name)
    }

    /// What went wrong, for a person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            AppError::BadRequest(f) | AppError::Invalid(f) => match f.as_slice() {
                [one] => one.message(lang).to_owned(),
                many if zh => format!("有 {} 处需要修改", many.len()),
                many => format!("{} fields need attention", many.len()),
            },
            AppError::NotFound { what } if zh => format!("找不到这个{}", what.zh),
            AppError::NotFound { what } => format!("There is no such {}.", what.en),
            AppError::Unauthenticated if zh => "请先登录。".to_owned(),
            AppError::Unauthenticated => "Please sign in first.".to_owned(),
            AppError::WrongCredentials if zh => "手机号、密码或验证码不对，请再试一次。".to_owned(),
            AppError::WrongCredentials => "The number, password or code is not right; please try again.".to_owned(),
            AppError::Forbidden if zh => "您没有权限进行这个操作。".to_owned(),
            AppError::Forbidden => "You are not allowed to do this.".to_owned(),
            AppError::Conflict(m) => m.get(lang).to_owned(),
            AppError::RateLimited { retry_after_s } if zh => {
                format!("尝试次数太多，请 {} 后再试。", duration_zh(*retry_after_s))
            }
            AppError::RateLimited { retry_after_s } => {
                format!(
                    "Too many attempts. Please try again in {}.",
                    duration_en(*retry_after_s)
                )
            }
            AppError::Unavailable if zh => "服务暂时不可用，请稍后再试。".to_owned(),
            AppError::Unavailable => "The service is unavailable right now; please try again shortly.".to_owned(),
            AppError::Internal { reference } if zh => format!("系统出错了（编号 {reference}），请稍后再试。"),
            AppError::Internal { reference } => {
                format!("Something went wrong on our side (reference {reference}). Please try again later.")
            }
        }
    }
}

fn duration_zh(seconds: u64) -> String {
    match seconds {
        s if s < 60 => format!("{s} 秒"),
        s if s < 90 * 60 => format!("{} 分钟", s.div_ceil(60)),
        s => format!("{} 小时", s.div_ceil(3600)),
    }
}

fn duration_en(seconds: u64) -> String {
    match seconds {
        1 => "1 second".to_owned(),
        s if s < 60 => format!("{s} seconds"),
        s if s.div_ceil(60) == 1 => "1 minute".to_owned(),
        s if s < 90 * 60 => format!("{} minutes", s.div_ceil(60)),
        s => format!("{} hours", s.div_ceil(3600)),
    }
}

impl From<FieldError> for AppError {
    /// A single refused field of a request's form (query string, path): a bad request.
    fn from(e: FieldError) -> Self {
        AppError::BadRequest(vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_distinct_name() {
        let names: std::collections::HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn messages_come_in_the_language_asked_for() {
        let e = AppError::not_found("服务", "service");
        assert_eq!(e.message(Lang::Zh), "找不到这个服务");
        assert_eq!(e.message(Lang::En), "There is no such service.");
        let r = AppError::RateLimited { retry_after_s: 90 };
        assert_eq!(r.message(Lang::Zh), "尝试次数太多，请 2 分钟 后再试。");
        assert_eq!(r.message(Lang::En), "Too many attempts. Please try again in 2 minutes.");
        let long = AppError::RateLimited { retry_after_s: 41_340 };
        assert_eq!(long.message(Lang::Zh), "尝试次数太多，请 12 小时 后再试。");
        assert_eq!(
            long.message(Lang::En),
            "Too many attempts. Please try again in 12 hours."
        );
    }

    #[test]
    fn several_refused_fields_travel_together() {
        let e = AppError::Invalid(vec![
            FieldError::new("login", "必填", "is required"),
            FieldError::new("password", "太短", "is too short"),
        ]);
        assert_eq!(e.code(), ErrorCode::Validation);
        assert!(e.refuses("password") && !e.refuses("display_name"));
        assert_eq!(e.message(Lang::En), "2 fields need attention");
        assert_eq!(e.message(Lang::Zh), "有 2 处需要修改");
    }

    #[test]
    fn internal_errors_show_a_reference_not_a_cause() {
        let e = AppError::Internal {
            reference: "r-42".into(),
        };
        assert!(e.message(Lang::En).contains("reference r-42"));
        assert_eq!(e.code(), ErrorCode::Internal);
    }
}
