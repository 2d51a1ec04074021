//! Schemas of query parameters as the OpenAPI document states them. Documentation only:
//! parsing is the domain's `SearchParams::from_pairs`. They exist because a choice may
//! be sent empty (an HTML form's "any"), which the domain enums rightly cannot hold.

use utoipa::ToSchema;

/// A category group, or empty for any.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum GroupParam {
    #[schema(rename = "elder-care")]
    ElderCare,
    #[schema(rename = "disability")]
    Disability,
    #[schema(rename = "")]
    Any,
}

/// A cost kind, or empty for any.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum CostParam {
    #[schema(rename = "free")]
    Free,
    #[schema(rename = "subsidized")]
    Subsidized,
    #[schema(rename = "paid")]
    Paid,
    #[schema(rename = "")]
    Any,
}

/// The order of the results, or empty for the usual one (nearest first).
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum SortParam {
    #[schema(rename = "nearest")]
    Nearest,
    #[schema(rename = "rating")]
    Rating,
    #[schema(rename = "")]
    Usual,
}

/// A category slug (lowercase letters, digits, hyphens), or empty for any.
#[derive(ToSchema)]
#[schema(pattern = "^[a-z0-9-]{0,40}$")]
#[allow(dead_code)]
pub struct CategoryParam(String);
