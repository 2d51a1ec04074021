//! Text for a person, in both of the app's languages.
//!
//! Errors are made deep in the domain, far from any page, yet must be shown in the
//! page's language (a Chinese page never shows an English refusal). So every message is
//! written in both languages where it is made, and the adapter picks one at the edge.

use super::lang::Lang;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One sentence in Simplified Chinese and in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Message {
    /// A message fixed at compile time.
    pub const fn fixed(zh: &'static str, en: &'static str) -> Self {
        Self {
            zh: Cow::Borrowed(zh),
            en: Cow::Borrowed(en),
        }
    }

    /// A message with values in it.
    pub fn owned(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: Cow::Owned(zh.into()),
            en: Cow::Owned(en.into()),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_language_asked_for() {
        let m = Message::fixed("必填", "is required");
        assert_eq!(m.get(Lang::Zh), "必填");
        assert_eq!(m.get(Lang::En), "is required");
        let n = Message::owned(format!("最多 {} 个字", 5), format!("at most {} characters", 5));
        assert_eq!(n.get(Lang::Zh), "最多 5 个字");
    }
}
