//! What the directory shows: services, organizations, categories and the grid, as the
//! page and the API see them (already in the resident's language).
//!
//! These are read models: the store builds them from its rows, nothing else does.

use super::catalog::{CategoryGroup, CostKind};
use super::grid::GridKind;
use super::ids::{GridUnitId, OrganizationId, ServiceId};
use serde::{Deserialize, Serialize};

/// An organization as named next to one of its services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRef {
    pub id: OrganizationId,
    pub name: String,
}

/// A category as shown on a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRef {
    pub slug: String,
    pub name: String,
    pub group: CategoryGroup,
}

/// The price of a paid or subsidized service, in fen (1/100 yuan) per unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// What the resident pays, in fen (分).
    pub amount_fen: i64,
    /// What the amount is for, e.g. "次" / "visit", "月" / "month".
    pub unit: String,
}

impl Price {
    /// "¥15" or "¥12.50".
    pub fn yuan(&self) -> String {
        let (yuan, fen) = (self.amount_fen / 100, self.amount_fen % 100);
        if fen == 0 {
            format!("¥{yuan}")
        } else {
            format!("¥{yuan}.{fen:02}")
        }
    }
}

/// One line of a search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSummary {
    pub id: ServiceId,
    pub name: String,
    pub category: CategoryRef,
    pub organization: OrganizationRef,
    pub latitude: f64,
    pub longitude: f64,
    pub address: String,
    pub cost: CostKind,
    pub price: Option<Price>,
    /// Whole metres from the resident; only when the search had a position.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub distance_m: Option<u32>,
    /// Residents' ratings of it, by score (all zero before the first).
    #[serde(default)]
    pub rating: crate::requests::rating::RatingSummary,
}

/// A page of search results and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub total: u64,
    pub items: Vec<ServiceSummary>,
}

/// Where a service happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// At the organization's place (a canteen, a day-care centre).
    OnSite,
    /// At the resident's home, within the coverage area.
    AtHome,
}

impl Delivery {
    pub fn slug(self) -> &'static str {
        match self {
            Delivery::OnSite => "on-site",
            Delivery::AtHome => "at-home",
        }
    }
    pub fn parse(slug: &str) -> Option<Self> {
        [Delivery::OnSite, Delivery::AtHome]
            .into_iter()
            .find(|d| d.slug() == slug)
    }
}

/// Who may use a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Eligibility {
    /// Youngest age served, if there is a limit.
    pub min_age: Option<u32>,
    /// Only residents with local hukou or residence permit (户籍/居住证).
    pub residence_required: bool,
    /// Only holders of a disability certificate (残疾证).
    pub disability_certificate_required: bool,
    /// Anything else, in the resident's language.
    pub note: Option<String>,
}

/// A place on the grid, named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridRef {
    pub id: GridUnitId,
    pub kind: GridKind,
    pub name: String,
}

/// Everything a resident needs to decide on a service and act.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub summary: ServiceSummary,
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
    /// Why the organization paused it, when it is paused (a paused offering keeps its
    /// page but is not found by search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<String>,
    /// The path of its photo as the page shows it (`/photos/{key}/page.jpg`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

/// The kinds of organization that publish services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrganizationKind {
    /// 社会组织
    SocialOrganization,
    /// 志愿服务组织
    VolunteerOrganization,
    /// 驻区单位
    ResidentUnit,
}

impl OrganizationKind {
    pub fn slug(self) -> &'static str {
        match self {
            OrganizationKind::SocialOrganization => "social-organization",
            OrganizationKind::VolunteerOrganization => "volunteer-organization",
            OrganizationKind::ResidentUnit => "resident-unit",
        }
    }
    pub fn parse(slug: &str) -> Option<Self> {
        [
            Self::SocialOrganization,
            Self::VolunteerOrganization,
            Self::ResidentUnit,
        ]
        .into_iter()
        .find(|k| k.slug() == slug)
    }
}

/// An organization's profile and offerings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationDetail {
    pub id: OrganizationId,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub slug: String,
    pub group: CategoryGroup,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_in_yuan() {
        assert_eq!(
            Price {
                amount_fen: 1500,
                unit: "次".into()
            }
            .yuan(),
            "¥15"
        );
        assert_eq!(
            Price {
                amount_fen: 1250,
                unit: "次".into()
            }
            .yuan(),
            "¥12.50"
        );
        assert_eq!(
            Price {
                amount_fen: 5,
                unit: "次".into()
            }
            .yuan(),
            "¥0.05"
        );
    }

    #[test]
    fn detail_serialises_flat_with_its_summary() {
        let summary = ServiceSummary {
            id: ServiceId::new(7).unwrap(),
            name: "助餐".into(),
            category: CategoryRef {
                slug: "meal-assistance".into(),
                name: "助餐".into(),
                group: CategoryGroup::ElderCare,
            },
            organization: OrganizationRef {
                id: OrganizationId::new(1).unwrap(),
                name: "上和".into(),
            },
            latitude: 30.6,
            longitude: 104.0,
            address: "".into(),
            cost: CostKind::Free,
            price: None,
            distance_m: None,
            rating: Default::default(),
        };
        let json = serde_json::to_value(&summary).unwrap();
        assert!(json.get("distance_m").is_none(), "no position, no distance");
        assert_eq!(json["organization"]["id"], 1);
    }
}
