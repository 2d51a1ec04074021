//! The OpenAPI schemas of the domain's read models.
//!
//! The domain crate knows nothing of utoipa (its purity is enforced by the compiler, see
//! docs/ARCHITECTURE.md), and Rust's orphan rule forbids implementing utoipa's traits for
//! its types here. So each wire type is described by a twin with the same name and
//! fields, used only in the handlers' `responses(...)`. Drift is caught twice: the test
//! below compares every twin's properties with the keys the domain type serializes, and
//! schemathesis checks every live answer against this document.
#![allow(dead_code)]

use utoipa::ToSchema;

/// `zh` or `en`.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

/// 养老 (elder care) or 助残 (disability).
#[derive(ToSchema)]
pub enum CategoryGroup {
    #[schema(rename = "elder-care")]
    ElderCare,
    #[schema(rename = "disability")]
    Disability,
}

/// How a service is paid for.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum CostKind {
    Free,
    Subsidized,
    Paid,
}

/// Where a service happens.
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum Delivery {
    OnSite,
    AtHome,
}

/// The kinds of organization that publish services.
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum OrganizationKind {
    SocialOrganization,
    VolunteerOrganization,
    ResidentUnit,
}

/// What a grid unit is.
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum GridKind {
    District,
    Subdistrict,
    Community,
    Zone,
    Courtyard,
    Estate,
    ResidentUnit,
    Building,
}

/// An organization as named next to one of its services.
#[derive(ToSchema)]
pub struct OrganizationRef {
    #[schema(minimum = 1)]
    pub id: i64,
    pub name: String,
}

/// A category as shown on a result.
#[derive(ToSchema)]
pub struct CategoryRef {
    pub slug: String,
    pub name: String,
    pub group: CategoryGroup,
}

/// The price of a paid or subsidized service, in fen (1/100 yuan) per unit.
#[derive(ToSchema)]
pub struct Price {
    /// What the resident pays, in fen (分).
    pub amount_fen: i64,
    /// What the amount is for, e.g. "次" / "visit".
    pub unit: String,
}

/// One line of a search result.
#[derive(ToSchema)]
pub struct ServiceSummary {
    #[schema(minimum = 1)]
    pub id: i64,
    pub name: String,
    pub category: CategoryRef,
    pub organization: OrganizationRef,
    pub latitude: f64,
    pub longitude: f64,
    pub address: String,
    pub cost: CostKind,
    pub price: Option<Price>,
    /// Whole metres from the resident; only when the search had a position.
    #[schema(nullable = false)]
    pub distance_m: Option<u32>,
    pub rating: RatingSummary,
}

/// Residents' ratings of a service, by score.
#[derive(ToSchema)]
pub struct RatingSummary {
    /// How many 1s, 2s, 3s, 4s and 5s (非常不满意 … 非常满意), in that order.
    #[schema(min_items = 5, max_items = 5)]
    pub counts: Vec<u32>,
}

/// A page of search results and how many there are in all.
#[derive(ToSchema)]
pub struct SearchPage {
    pub total: u64,
    pub items: Vec<ServiceSummary>,
}

/// Who may use a service.
#[derive(ToSchema)]
pub struct Eligibility {
    pub min_age: Option<u32>,
    pub residence_required: bool,
    pub disability_certificate_required: bool,
    pub note: Option<String>,
}

/// A place on the grid, named.
#[derive(ToSchema)]
pub struct GridRef {
    #[schema(minimum = 1)]
    pub id: i64,
    pub kind: GridKind,
    pub name: String,
}

/// Everything a resident needs to decide on a service and act.
#[derive(ToSchema)]
pub struct ServiceDetail {
    #[schema(minimum = 1)]
    pub id: i64,
    pub name: String,
    pub category: CategoryRef,
    pub organization: OrganizationRef,
    pub latitude: f64,
    pub longitude: f64,
    pub address: String,
    pub cost: CostKind,
    pub price: Option<Price>,
    #[schema(nullable = false)]
    pub distance_m: Option<u32>,
    pub description: String,
    pub delivery: Delivery,
    pub hours: String,
    pub eligibility: Eligibility,
    pub phone: String,
    /// How many residents it can serve at once, if limited.
    pub capacity: Option<u32>,
    /// The grid unit the service is placed in.
    pub place: GridRef,
    /// For at-home services: the grid units it reaches.
    pub coverage: Vec<GridRef>,
    /// The same organization's other offerings.
    pub other_offerings: Vec<ServiceSummary>,
    /// Why the organization paused it, when it is paused (search does not find it then).
    #[schema(nullable = false)]
    pub paused: Option<String>,
    /// The path of its photo (`/photos/{key}/page.jpg`; `card.jpg` is 320 px).
    #[schema(nullable = false)]
    pub photo: Option<String>,
}

/// An organization's profile and offerings.
#[derive(ToSchema)]
pub struct OrganizationDetail {
    #[schema(minimum = 1)]
    pub id: i64,
    pub name: String,
    pub kind: OrganizationKind,
    pub description: String,
    pub phone: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    /// Checked by community staff.
    pub verified: bool,
    pub community: GridRef,
    pub offerings: Vec<ServiceSummary>,
}

/// A category in the catalogue.
#[derive(ToSchema)]
pub struct Category {
    pub slug: String,
    pub group: CategoryGroup,
    pub name: String,
}

/// A grid unit with its children.
#[derive(ToSchema)]
pub struct GridNode {
    #[schema(minimum = 1)]
    pub id: i64,
    pub kind: GridKind,
    pub level: u8,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
    #[schema(no_recursion)]
    pub children: Vec<GridNode>,
}
