//! One id type per entity, so a service id can never be passed where a person's is meant.
//!
//! Ids are positive whole numbers (the databases' identity columns). Each type refuses
//! anything else wherever it is read: from a path, a form, or JSON (`try_from`), so an
//! invalid id never exists in memory.

use super::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name(i64);

        impl $name {
            /// The id, when `raw` is a positive number.
            pub fn new(raw: i64) -> Option<Self> {
                (raw > 0).then_some(Self(raw))
            }

            /// An id given as a number in a body (JSON), naming `field` when it is not
            /// a valid one: the same words as [`parse`](Self::parse).
            pub fn checked(field: &str, raw: i64) -> Result<Self, FieldError> {
                Self::new(raw)
                    .ok_or_else(|| FieldError::new(field, "须为正整数编号", "must be a positive whole number"))
            }

            /// An id read back from the database, which only ever stores valid ones.
            /// (A non-positive value there is a corrupt row: kept, so the fault shows.)
            pub fn from_row(raw: i64) -> Self {
                Self(raw)
            }

            pub fn get(self) -> i64 {
                self.0
            }

            /// Parses an id given as text (a path segment, a form field), naming `field`
            /// when it is not one.
            pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(Self::new)
                    .ok_or_else(|| FieldError::new(field, "须为正整数编号", "must be a positive whole number"))
            }
        }

        impl TryFrom<i64> for $name {
            type Error = String;
            fn try_from(raw: i64) -> Result<Self, String> {
                Self::new(raw).ok_or_else(|| format!("{} must be a positive whole number, got {raw}", stringify!($name)))
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

entity_id!(
    /// A service offering in the directory.
    ServiceId
);
entity_id!(
    /// An organization (social organization, volunteer organization, resident unit).
    OrganizationId
);
entity_id!(
    /// A unit of the community grid, at any of its levels.
    GridUnitId
);
entity_id!(
    /// A person with an account.
    PersonId
);
entity_id!(
    /// A link between a person and a family member who acts for them.
    FamilyLinkId
);
entity_id!(
    /// A personal API token (its id, never its secret).
    ApiTokenId
);
entity_id!(
    /// A resident's request for a service.
    RequestId
);
entity_id!(
    /// A follow-up (回访) of a low rating.
    FollowUpId
);
entity_id!(
    /// A volunteer activity (探访, 送餐, 义诊, …).
    ActivityId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_ids_exist() {
        assert!(ServiceId::new(0).is_none());
        assert!(ServiceId::new(-3).is_none());
        assert_eq!(ServiceId::new(7).unwrap().get(), 7);
        assert_eq!(PersonId::parse("id", " 12 ").unwrap().get(), 12);
        assert_eq!(PersonId::parse("person", "x").unwrap_err().field, "person");
        assert_eq!(GridUnitId::checked("community", 4).unwrap().get(), 4);
        let refused = GridUnitId::checked("community", 0).unwrap_err();
        assert_eq!(refused.field, "community");
        assert_eq!(
            refused,
            GridUnitId::parse("community", "0").unwrap_err(),
            "the same words either way"
        );
    }

    #[test]
    fn ids_cannot_be_deserialized_invalid() {
        assert_eq!(serde_json::from_str::<ServiceId>("5").unwrap().get(), 5);
        assert!(serde_json::from_str::<ServiceId>("0").is_err());
        assert!(serde_json::from_str::<ServiceId>("-1").is_err());
        assert!(serde_json::from_str::<ServiceId>("\"5\"").is_err());
        assert_eq!(serde_json::to_string(&OrganizationId::new(9).unwrap()).unwrap(), "9");
    }
}
