//! Needs no offering meets: the seed's central complaint turned into data. A resident
//! names a need at their grid unit; residents of the same community see it (never who
//! named it) and add "me too", so demand counts people, not posts; the community's staff
//! point it to an offering (the residents are sent to its request form: their door and
//! number are theirs to give) or record it as unmet, which the dashboard's demand table
//! counts. The organizations working in a community see its needs too: a courtyard's
//! self-governance organization (院落自治组织) for 协商共治, and providers for what to
//! offer next.

use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::error::AppError;
use crate::grid::GridKind;
use crate::ids::{GridUnitId, PersonId, ServiceId};
use crate::message::Message;
use crate::store::StoreError;
use crate::validation::{paragraph, FieldError, Refusals};
use serde::{Deserialize, Serialize};

pub const DESCRIPTION_MAX: usize = 300;
pub const NOTE_MAX: usize = 300;
pub const SHOWN: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NeedStatus {
    Open,
    /// An offering meets it.
    Pointed,
    /// Recorded as unmet: evidence for contracting.
    Unmet,
}

impl NeedStatus {
    pub fn slug(self) -> &'static str {
        match self {
            NeedStatus::Open => "open",
            NeedStatus::Pointed => "pointed",
            NeedStatus::Unmet => "unmet",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        [NeedStatus::Open, NeedStatus::Pointed, NeedStatus::Unmet]
            .into_iter()
            .find(|s| s.slug() == slug)
    }

    pub fn words(self) -> Message {
        match self {
            NeedStatus::Open => Message::fixed("社区正在了解", "community staff are looking into it"),
            NeedStatus::Pointed => Message::fixed("已有服务可以满足", "a service meets it"),
            NeedStatus::Unmet => Message::fixed("已记录为暂未满足的需求", "recorded as not yet met"),
        }
    }
}

/// A need as anyone in its community sees it: never who named or supported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    pub id: i64,
    pub grid_unit: GridUnitId,
    pub community: GridUnitId,
    pub place_zh: String,
    pub place_en: String,
    pub category: Option<String>,
    pub category_zh: Option<String>,
    pub category_en: Option<String>,
    pub description: String,
    pub status: NeedStatus,
    pub service: Option<ServiceId>,
    pub service_name_zh: Option<String>,
    pub service_name_en: Option<String>,
    pub note: Option<String>,
    /// People who need it.
    pub supporters: u32,
    /// Whether the caller is one of them.
    pub mine: bool,
    pub created_at: Millis,
}

/// A community's needs, as an organization working there sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityNeeds {
    pub community: GridUnitId,
    pub name_zh: String,
    pub name_en: String,
    pub needs: Vec<Need>,
}

/// A need as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NeedInput {
    pub grid_unit_id: Option<i64>,
    pub category: Option<String>,
    pub description: String,
}

/// How community staff answer a need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Point { service: ServiceId, note: Option<String> },
    Unmet { note: String },
}

#[async_trait::async_trait]
pub trait NeedStore: Send + Sync {
    /// The grid unit's kind and the community it lies in.
    async fn unit_in_community(&self, unit: GridUnitId) -> Result<Option<(GridKind, Option<GridUnitId>)>, StoreError>;
    async fn category_exists(&self, slug: &str) -> Result<bool, StoreError>;
    /// Inserts the need with its first supporter, in one transaction.
    async fn insert_need(
        &self,
        unit: GridUnitId,
        community: GridUnitId,
        category: Option<&str>,
        description: &str,
        by: PersonId,
        now: Millis,
    ) -> Result<i64, StoreError>;
    /// The needs of a community, most supported first, `mine` for `viewer`.
    async fn needs(&self, community: GridUnitId, viewer: Option<PersonId>, limit: u32)
        -> Result<Vec<Need>, StoreError>;
    async fn need(&self, id: i64, viewer: Option<PersonId>) -> Result<Option<Need>, StoreError>;
    /// Adds a supporter unless they are one; true when added.
    async fn support(&self, id: i64, by: PersonId, now: Millis) -> Result<bool, StoreError>;
    /// Answers an open need; false when it was answered meanwhile. A pointed service must
    /// be active, shown and of the need's community or reach it (the store checks).
    async fn answer(&self, id: i64, answer: &Answer, by: PersonId, now: Millis) -> Result<bool, StoreError>;
    /// Whether the service is active and shown.
    async fn service_shown(&self, service: ServiceId) -> Result<bool, StoreError>;
    /// The communities an organization works in (its registered ones and its base), by name.
    async fn communities_of(
        &self,
        organization: crate::ids::OrganizationId,
    ) -> Result<Vec<(GridUnitId, String, String)>, StoreError>;
    /// The grid units of a community, named by their path (where a need may be named).
    async fn places_in(&self, community: GridUnitId) -> Result<Vec<crate::offerings::store::PlaceOption>, StoreError>;
}

pub struct Needs<'a> {
    pub store: &'a dyn NeedStore,
    pub now: Millis,
}

fn not_found() -> AppError {
    AppError::not_found("需求", "need")
}

impl Needs<'_> {
    /// Names a need at a grid unit inside a community.
    pub async fn name(&self, who: &Principal, input: &NeedInput) -> Result<Need, AppError> {
        let mut r = Refusals::new();
        let unit = r.check(match input.grid_unit_id {
            None => Err(FieldError::new(
                "grid_unit_id",
                "请选择您住的院落或楼栋",
                "is required: the courtyard or building you live in",
            )),
            Some(raw) => GridUnitId::checked("grid_unit_id", raw),
        });
        let description = r.check(paragraph("description", &input.description, DESCRIPTION_MAX));
        let category = input.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if let Some(slug) = category {
            if !self.store.category_exists(slug).await? {
                r.push(FieldError::new("category", "没有这个服务类别", "is not a category"));
            }
        }
        let mut community = None;
        if let Some(unit) = unit {
            match self.store.unit_in_community(unit).await? {
                Some((_, Some(c))) => community = Some(c),
                Some((_, None)) => r.push(FieldError::new(
                    "grid_unit_id",
                    "请选到社区里的院落、小区或楼栋",
                    "must be a place within a community",
                )),
                None => r.push(FieldError::new("grid_unit_id", "没有这个地点", "is not a grid unit")),
            }
        }
        r.finish()?;
        let id = self
            .store
            .insert_need(
                unit.expect("checked"),
                community.expect("checked"),
                category,
                &description.expect("checked"),
                who.person,
                self.now,
            )
            .await?;
        self.store.need(id, Some(who.person)).await?.ok_or_else(not_found)
    }

    /// The needs named in the community `unit` lies in.
    pub async fn of_place(&self, who: Option<&Principal>, unit: GridUnitId) -> Result<Vec<Need>, AppError> {
        let community = match self.store.unit_in_community(unit).await? {
            Some((_, Some(c))) => c,
            _ => return Err(AppError::not_found("社区", "community")),
        };
        Ok(self.store.needs(community, who.map(|p| p.person), SHOWN).await?)
    }

    /// The needs of every community an organization works in, for its members: each
    /// community with its name and needs (most supported open ones first).
    pub async fn of_organization(
        &self,
        who: &Principal,
        organization: crate::ids::OrganizationId,
    ) -> Result<Vec<CommunityNeeds>, AppError> {
        if who.role_in(organization).is_none() {
            return Err(AppError::not_found("机构", "organization"));
        }
        let mut all = Vec::new();
        for (community, name_zh, name_en) in self.store.communities_of(organization).await? {
            let needs = self.store.needs(community, Some(who.person), SHOWN).await?;
            all.push(CommunityNeeds {
                community,
                name_zh,
                name_en,
                needs,
            });
        }
        Ok(all)
    }

    /// "Me too": once per person.
    pub async fn support(&self, who: &Principal, id: i64) -> Result<Need, AppError> {
        let need = self.store.need(id, Some(who.person)).await?.ok_or_else(not_found)?;
        if need.status != NeedStatus::Open {
            return Err(AppError::conflict(
                "社区已经答复了这个需求",
                "community staff have already answered this need",
            ));
        }
        self.store.support(id, who.person, self.now).await?;
        self.store.need(id, Some(who.person)).await?.ok_or_else(not_found)
    }

    /// Community staff of the need's community point it to an offering or record it unmet.
    pub async fn answer(&self, who: &Principal, id: i64, answer: Answer) -> Result<Need, AppError> {
        let answer = match answer {
            Answer::Point { service, note } => Answer::Point {
                service,
                note: match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    None => None,
                    Some(n) => Some(paragraph("note", n, NOTE_MAX).map_err(|e| AppError::Invalid(vec![e]))?),
                },
            },
            Answer::Unmet { note } => Answer::Unmet {
                note: paragraph("note", &note, NOTE_MAX).map_err(|e| AppError::Invalid(vec![e]))?,
            },
        };
        let need = self.store.need(id, None).await?.ok_or_else(not_found)?;
        if !who.is_staff_of(need.community) {
            return Err(if who.is_community_staff() {
                AppError::Forbidden
            } else {
                not_found()
            });
        }
        if let Answer::Point { service, .. } = &answer {
            if !self.store.service_shown(*service).await? {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "service_id",
                    "没有这项正在提供的服务",
                    "is not a service on offer",
                )]));
            }
        }
        if need.status != NeedStatus::Open || !self.store.answer(id, &answer, who.person, self.now).await? {
            return Err(AppError::conflict(
                "这个需求已经答复过了",
                "this need has already been answered",
            ));
        }
        self.store.need(id, Some(who.person)).await?.ok_or_else(not_found)
    }
}
