//! The service catalogue's fixed vocabulary: category groups, category slugs and cost kinds.
//!
//! Categories themselves (names, order) live in the database; their slugs are checked
//! here for shape so that a bad slug is a 400 before any query runs, and an unknown but
//! well-formed slug simply matches nothing.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The two families of contracted-out services in DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CategoryGroup {
    /// 养老
    #[serde(rename = "elder-care")]
    ElderCare,
    /// 助残
    #[serde(rename = "disability")]
    Disability,
}

impl CategoryGroup {
    pub const ALL: [CategoryGroup; 2] = [CategoryGroup::ElderCare, CategoryGroup::Disability];

    pub fn slug(self) -> &'static str {
        match self {
            CategoryGroup::ElderCare => "elder-care",
            CategoryGroup::Disability => "disability",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.slug() == slug)
    }
}

/// How a service is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostKind {
    /// 免费
    Free,
    /// 补贴: the government pays part.
    Subsidized,
    /// 收费
    Paid,
}

impl CostKind {
    pub const ALL: [CostKind; 3] = [CostKind::Free, CostKind::Subsidized, CostKind::Paid];

    pub fn slug(self) -> &'static str {
        match self {
            CostKind::Free => "free",
            CostKind::Subsidized => "subsidized",
            CostKind::Paid => "paid",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.slug() == slug)
    }
}

/// A category's stable identifier: lowercase ASCII letters, digits and hyphens, 1–40 long.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategorySlug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a category is 1 to 40 lowercase letters, digits or hyphens, like meal-assistance")]
pub struct BadSlug;

impl CategorySlug {
    pub fn parse(raw: &str) -> Result<Self, BadSlug> {
        let ok = (1..=40).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(BadSlug)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CategorySlug {
    type Error = BadSlug;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CategorySlug> for String {
    fn from(slug: CategorySlug) -> Self {
        slug.0
    }
}

impl fmt::Display for CategorySlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for g in CategoryGroup::ALL {
            assert_eq!(CategoryGroup::parse(g.slug()), Some(g));
        }
        for c in CostKind::ALL {
            assert_eq!(CostKind::parse(c.slug()), Some(c));
        }
        assert_eq!(CostKind::parse("FREE"), None);
    }

    #[test]
    fn category_slugs_are_checked_for_shape() {
        assert!(CategorySlug::parse("meal-assistance").is_ok());
        assert_eq!(CategorySlug::parse(""), Err(BadSlug));
        assert_eq!(CategorySlug::parse("Meal"), Err(BadSlug));
        assert_eq!(CategorySlug::parse("助餐"), Err(BadSlug));
        assert_eq!(CategorySlug::parse(&"a".repeat(41)), Err(BadSlug));
    }

    #[test]
    fn group_serialises_as_its_slug() {
        assert_eq!(
            serde_json::to_string(&CategoryGroup::ElderCare).unwrap(),
            "\"elder-care\""
        );
        assert_eq!(serde_json::to_string(&CostKind::Subsidized).unwrap(), "\"subsidized\"");
    }
}
