//! What a no-JavaScript form post leaves for the page it returns to: the values typed
//! (never passwords or codes), the refusals next to each field, or a notice.
//!
//! Forms post to the server, which answers 303 back to the form's page (post, redirect,
//! get: a reload never posts twice). What the page must show then travels in a cookie
//! that lives one minute and is read (and cleared) by the first page that renders it,
//! which is the page the 303 leads to.

use crate::domain::lang::Lang;
use crate::domain::message::Message;
use crate::domain::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FLASH_COOKIE: &str = "doorstep_flash";
pub const FLASH_MAX_AGE_S: u32 = 60;

/// What fits in a cookie beside its name and attributes.
const MAX_COOKIE_BYTES: usize = 3_800;

/// Fields that never travel back to the page, whatever the form.
const SECRET_FIELDS: [&str; 3] = ["password", "code", "token"];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form on the page this is about (a page may have several).
    pub form: String,
    pub values: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
    /// A message for the whole form: done, or what went wrong if no field is to blame.
    pub notice: Option<Message>,
    /// Whether `notice` reports a failure.
    pub failed: bool,
}

impl Flash {
    pub fn refused(form: &str, values: &[(String, String)], errors: Vec<FieldError>, notice: Option<Message>) -> Self {
        Self {
            form: form.to_owned(),
            values: values
                .iter()
                .filter(|(k, _)| !SECRET_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.chars().take(200).collect()))
                .collect(),
            errors,
            notice,
            failed: true,
        }
    }

    pub fn done(form: &str, notice: Message) -> Self {
        Self {
            form: form.to_owned(),
            notice: Some(notice),
            ..Self::default()
        }
    }

    /// The value typed into `field` when this flash is about `form`.
    pub fn value(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    /// What is wrong with `field` of `form`, in `lang`.
    pub fn error(&self, form: &str, field: &str, lang: Lang) -> Option<String> {
        (self.form == form)
            .then(|| self.errors.iter().find(|e| e.field == field))
            .flatten()
            .map(|e| e.message(lang).to_owned())
    }

    /// The cookie value. Browsers drop a cookie over 4 KB without a word, and a form's
    /// errors must not vanish: when the whole is too big the values typed go first (the
    /// refusals matter more), then the text is cut.
    pub fn encode(&self) -> String {
        let whole = percent_encode(&serde_json::to_string(self).unwrap_or_default());
        if whole.len() <= MAX_COOKIE_BYTES {
            return whole;
        }
        let lean = Flash {
            values: BTreeMap::new(),
            ..self.clone()
        };
        let lean = percent_encode(&serde_json::to_string(&lean).unwrap_or_default());
        if lean.len() <= MAX_COOKIE_BYTES {
            return lean;
        }
        percent_encode(&serde_json::to_string(&Flash::refused(&self.form, &[], Vec::new(), None)).unwrap_or_default())
    }

    pub fn decode(cookie: &str) -> Option<Self> {
        serde_json::from_str(&percent_decode(cookie)?).ok()
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_never_carries_secrets() {
        let values = vec![
            ("login".to_owned(), "13800000000".to_owned()),
            ("display_name".to_owned(), "王阿姨; \"x\"".to_owned()),
            ("password".to_owned(), "hunter22".to_owned()),
            ("code".to_owned(), "123456".to_owned()),
        ];
        let flash = Flash::refused("sign-up", &values, vec![FieldError::new("login", "错", "wrong")], None);
        let encoded = flash.encode();
        assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        let back = Flash::decode(&encoded).unwrap();
        assert_eq!(back, flash);
        assert_eq!(back.value("sign-up", "display_name"), "王阿姨; \"x\"");
        assert_eq!(back.value("sign-up", "password"), "");
        assert_eq!(back.value("other-form", "login"), "");
        assert_eq!(back.error("sign-up", "login", Lang::En).as_deref(), Some("wrong"));
        assert!(Flash::decode("%ZZ").is_none());
        // Too much to keep: the values go, the refusals stay.
        let long = vec![
            ("a".to_owned(), "长".repeat(200)),
            ("b".to_owned(), "长".repeat(200)),
            ("c".to_owned(), "长".repeat(200)),
        ];
        let big = Flash::refused("f", &long, vec![FieldError::new("a", "太长", "too long")], None);
        let encoded = big.encode();
        assert!(encoded.len() <= 3_800);
        let back = Flash::decode(&encoded).unwrap();
        assert_eq!(back.errors.len(), 1);
        assert!(back.values.is_empty());
    }
}
