//! A refusal of one input field, carried unchanged from the domain to the page and the API.

use super::lang::Lang;
use super::message::Message;
use serde::{Deserialize, Serialize};

/// Which parameter was wrong and what a good value looks like, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {}", message.en)]
pub struct FieldError {
    pub field: String,
    pub message: Message,
}

impl FieldError {
    /// A refusal with a fixed message.
    pub fn new(field: impl Into<String>, zh: &'static str, en: &'static str) -> Self {
        Self {
            field: field.into(),
            message: Message::fixed(zh, en),
        }
    }

    /// A refusal whose message carries values (limits, lengths).
    pub fn with(field: impl Into<String>, message: Message) -> Self {
        Self {
            field: field.into(),
            message,
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

/// Collects every refusal of a form, so a person sees all of them at once rather than
/// one per attempt.
#[derive(Debug, Default)]
pub struct Refusals(Vec<FieldError>);

impl Refusals {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when it is good; remembers the refusal otherwise.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// `Ok(())` when nothing was refused, else every refusal as one 422.
    pub fn finish(self) -> Result<(), super::error::AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(super::error::AppError::Invalid(self.0))
        }
    }
}

/// Reads a required, trimmed text field of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "必填", "is required"));
    }
    if value.chars().any(char::is_control) {
        // Line breaks, NUL and other control characters have no place in a name, and
        // PostgreSQL refuses NUL outright.
        return Err(FieldError::new(
            field,
            "含有不能使用的字符",
            "contains characters that are not allowed",
        ));
    }
    if value.chars().count() > max {
        return Err(FieldError::with(
            field,
            Message::owned(format!("最多 {max} 个字"), format!("must be at most {max} characters")),
        ));
    }
    Ok(value.to_owned())
}

/// Reads required plain words that may run over lines (a need, a reply): trimmed, at most
/// `max` characters, line breaks kept as `\n`, any other control character refused.
pub fn paragraph(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let text = value.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "必填", "is required"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(FieldError::new(
            field,
            "含有不能使用的字符",
            "contains characters that are not allowed",
        ));
    }
    if text.chars().count() > max {
        return Err(FieldError::with(
            field,
            Message::owned(format!("最多 {max} 个字"), format!("must be at most {max} characters")),
        ));
    }
    Ok(text.replace("\r\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_all_reported_together() {
        let mut r = Refusals::new();
        assert_eq!(r.check(required_text("name", " 王 ", 10)), Some("王".to_owned()));
        assert_eq!(r.check(required_text("a", "", 10)), None);
        assert_eq!(r.check(required_text("b", "abcdef", 3)), None);
        match r.finish() {
            Err(super::super::error::AppError::Invalid(fields)) => {
                let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(names, ["a", "b"]);
                assert_eq!(fields[1].message(Lang::Zh), "最多 3 个字");
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(Refusals::new().finish().is_ok());
        assert!(required_text("name", "王\u{0}阿姨", 10).is_err());
        assert!(required_text("name", "a\nb", 10).is_err());
    }
}
