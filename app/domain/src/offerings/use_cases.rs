//! Publishing: an organization's staff create, edit, pause, resume and retire offerings.
//!
//! Who may: members of the organization (owner or member). What must hold: the
//! organization is verified and not suspended, and every place it names lies in a
//! community it serves. Each use case is one unit of work: the organization's row is
//! read under lock (a suspension that lands meanwhile waits for it, or it sees the
//! suspension), and the offering's row too, so two edits never interleave.

use super::draft::{OfferingDraft, OfferingInput};
use super::store::*;
use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::error::AppError;
use crate::geo::haversine_m;
use crate::ids::{OrganizationId, ServiceId};
use crate::lang::Lang;
use crate::message::Message;
use crate::validation::{required_text, FieldError};

/// A given position may lie at most this far from its place: a typo in a coordinate
/// would otherwise put an offering in another city.
pub const POSITION_SLACK_M: f64 = 5_000.0;
pub const REASON_MAX: usize = 200;

/// A change of status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Pause { reason: String },
    Resume,
    Retire { reason: Option<String> },
}

impl Transition {
    pub fn action(&self) -> &'static str {
        match self {
            Transition::Pause { .. } => "paused",
            Transition::Resume => "resumed",
            Transition::Retire { .. } => "retired",
        }
    }
}

pub struct Offerings<'a> {
    pub store: &'a dyn OfferingStore,
    pub now: Millis,
}

fn not_found() -> AppError {
    AppError::not_found("服务项目", "offering")
}

/// A retired offering no longer changes (its history and ratings stay as they were).
fn not_retired(offering: &Offering) -> Result<(), AppError> {
    if offering.status == OfferingStatus::Retired {
        return Err(AppError::conflict(
            "这项服务已经停止提供，不能再修改",
            "the offering is retired and can no longer be edited",
        ));
    }
    Ok(())
}

fn stale() -> AppError {
    AppError::conflict(
        "这项服务刚被别人修改过，请重新打开后再改",
        "the offering was changed since you opened it; reload it and edit again",
    )
}

impl Offerings<'_> {
    /// Publishes a new offering of `organization`.
    pub async fn create(
        &self,
        who: &Principal,
        organization: OrganizationId,
        input: &OfferingInput,
    ) -> Result<Offering, AppError> {
        if who.role_in(organization).is_none() {
            return Err(AppError::Forbidden);
        }
        let draft = input.check()?;
        let mut unit = self.store.begin_offerings().await?;
        let facts = may_publish(unit.as_mut(), organization).await?;
        let publication = resolve(unit.as_mut(), &facts, draft).await?;
        let id = unit.insert_offering(organization, &publication, self.now).await?;
        let changes = diff(&OfferingInput::default(), &publication.draft.to_input(), true);
        unit.record_revision(&NewRevision {
            service: id,
            revision: 1,
            action: "created",
            by: who.person,
            at: self.now,
            changes: &changes,
            reason: None,
        })
        .await?;
        let offering = unit.offering(id).await?.ok_or_else(not_found)?;
        unit.commit().await?;
        Ok(offering)
    }

    /// What publishing `input` for `organization` would write, checked exactly as
    /// [`Offerings::create`] checks it, without writing anything (the form's preview).
    pub async fn preview(
        &self,
        who: &Principal,
        organization: OrganizationId,
        input: &OfferingInput,
    ) -> Result<Publication, AppError> {
        if who.role_in(organization).is_none() {
            return Err(AppError::Forbidden);
        }
        let draft = input.check()?;
        // Read-only: the unit is dropped, so it rolls back.
        let mut unit = self.store.begin_offerings().await?;
        let facts = may_publish(unit.as_mut(), organization).await?;
        resolve(unit.as_mut(), &facts, draft).await
    }

    /// Replaces an offering's fields with `input` (the API's PATCH merges into the
    /// current fields first). `from_revision`, when given, must still be current.
    pub async fn edit(
        &self,
        who: &Principal,
        id: ServiceId,
        input: &OfferingInput,
        from_revision: Option<i64>,
    ) -> Result<Offering, AppError> {
        let mut unit = self.store.begin_offerings().await?;
        let current = self.own(unit.as_mut(), who, id).await?;
        if from_revision.is_some_and(|r| r != current.revision) {
            return Err(stale());
        }
        not_retired(&current)?;
        let draft = input.check()?;
        let facts = may_publish(unit.as_mut(), current.organization).await?;
        let publication = resolve(unit.as_mut(), &facts, draft).await?;
        let changes = diff(&current.input, &publication.draft.to_input(), false);
        if changes.is_empty() {
            // Nothing changed: no revision, no directory change.
            return Ok(current);
        }
        unit.update_offering(id, &publication, self.now).await?;
        unit.record_revision(&NewRevision {
            service: id,
            revision: current.revision + 1,
            action: "edited",
            by: who.person,
            at: self.now,
            changes: &changes,
            reason: None,
        })
        .await?;
        let offering = unit.offering(id).await?.ok_or_else(not_found)?;
        unit.commit().await?;
        Ok(offering)
    }

    /// Pauses, resumes or retires an offering.
    pub async fn transition(
        &self,
        who: &Principal,
        id: ServiceId,
        change: Transition,
        from_revision: Option<i64>,
    ) -> Result<Offering, AppError> {
        let reason = match &change {
            Transition::Pause { reason } => {
                Some(required_text("reason", reason, REASON_MAX).map_err(|e| AppError::Invalid(vec![e]))?)
            }
            Transition::Retire { reason: Some(r) } if !r.trim().is_empty() => {
                Some(required_text("reason", r, REASON_MAX).map_err(|e| AppError::Invalid(vec![e]))?)
            }
            _ => None,
        };
        let mut unit = self.store.begin_offerings().await?;
        let current = self.own(unit.as_mut(), who, id).await?;
        if from_revision.is_some_and(|r| r != current.revision) {
            return Err(stale());
        }
        use OfferingStatus::*;
        let next = match (&change, current.status) {
            (Transition::Pause { .. }, Active) => Paused,
            (Transition::Resume, Paused) => Active,
            (Transition::Retire { .. }, Active | Paused) => Retired,
            (_, Retired) => {
                return Err(AppError::conflict(
                    "这项服务已经停止提供",
                    "the offering is already retired",
                ))
            }
            (Transition::Pause { .. }, Paused) => {
                return Err(AppError::conflict("这项服务已经暂停", "the offering is already paused"))
            }
            (Transition::Resume, Active) => {
                return Err(AppError::conflict("这项服务没有暂停", "the offering is not paused"))
            }
        };
        if next != Retired {
            // Resuming or pausing shows the offering again (paused, it keeps its page):
            // only a publisher in good standing may.
            may_publish(unit.as_mut(), current.organization).await?;
        }
        unit.set_status(id, next, reason.as_deref(), self.now).await?;
        let status = |s: OfferingStatus| serde_json::Value::String(s.slug().to_owned());
        let changes = [FieldChange {
            field: "status".into(),
            before: status(current.status),
            after: status(next),
        }];
        unit.record_revision(&NewRevision {
            service: id,
            revision: current.revision + 1,
            action: change.action(),
            by: who.person,
            at: self.now,
            changes: &changes,
            reason: reason.as_deref(),
        })
        .await?;
        let offering = unit.offering(id).await?.ok_or_else(not_found)?;
        unit.commit().await?;
        Ok(offering)
    }

    /// Sets (or, with `None`, removes) an offering's photo; the images are stored under
    /// `key` already (see [`Offerings::may_change`] to ask before storing them).
    pub async fn set_photo(&self, who: &Principal, id: ServiceId, key: Option<&str>) -> Result<Offering, AppError> {
        let mut unit = self.store.begin_offerings().await?;
        let current = self.own(unit.as_mut(), who, id).await?;
        not_retired(&current)?;
        may_publish(unit.as_mut(), current.organization).await?;
        if current.photo.as_deref() == key {
            return Ok(current);
        }
        unit.set_photo(id, key, self.now).await?;
        let value = |k: Option<&str>| k.map_or(serde_json::Value::Null, |k| serde_json::Value::String(k.to_owned()));
        let changes = [FieldChange {
            field: "photo".into(),
            before: value(current.photo.as_deref()),
            after: value(key),
        }];
        unit.record_revision(&NewRevision {
            service: id,
            revision: current.revision + 1,
            action: "edited",
            by: who.person,
            at: self.now,
            changes: &changes,
            reason: None,
        })
        .await?;
        let offering = unit.offering(id).await?.ok_or_else(not_found)?;
        unit.commit().await?;
        Ok(offering)
    }

    /// Whether `who` may change the offering now (asked before an upload is processed
    /// and stored, so a stranger cannot fill the storage).
    pub async fn may_change(&self, who: &Principal, id: ServiceId) -> Result<(), AppError> {
        let mut unit = self.store.begin_offerings().await?;
        let current = self.own(unit.as_mut(), who, id).await?;
        not_retired(&current)?;
        may_publish(unit.as_mut(), current.organization).await?;
        Ok(())
    }

    /// An offering as its organization's staff (or the community staff overseeing the
    /// organization) see it.
    pub async fn get(&self, who: &Principal, id: ServiceId) -> Result<Offering, AppError> {
        let offering = self.store.offering(id).await?.ok_or_else(not_found)?;
        self.may_see(who, offering.organization).await?;
        Ok(offering)
    }

    pub async fn history(&self, who: &Principal, id: ServiceId) -> Result<(Offering, Vec<Revision>), AppError> {
        let offering = self.get(who, id).await?;
        Ok((offering, self.store.history(id).await?))
    }

    pub async fn list(&self, who: &Principal, organization: OrganizationId) -> Result<Vec<OfferingLine>, AppError> {
        self.may_see(who, organization).await?;
        Ok(self.store.offerings_of(organization).await?)
    }

    async fn may_see(&self, who: &Principal, organization: OrganizationId) -> Result<(), AppError> {
        if who.role_in(organization).is_some() {
            return Ok(());
        }
        let served = self.store.communities_of(organization).await?;
        if who.may_oversee(&served) {
            Ok(())
        } else {
            // Not "forbidden": whether an id is someone else's is not told.
            Err(not_found())
        }
    }

    /// The offering, locked, when `who` works for its organization.
    async fn own(&self, unit: &mut dyn OfferingUnit, who: &Principal, id: ServiceId) -> Result<Offering, AppError> {
        let offering = unit.offering(id).await?.ok_or_else(not_found)?;
        if who.role_in(offering.organization).is_none() {
            return Err(
                if self
                    .store
                    .communities_of(offering.organization)
                    .await
                    .map(|s| who.may_oversee(&s))?
                {
                    AppError::Forbidden
                } else {
                    not_found()
                },
            );
        }
        Ok(offering)
    }
}

/// The organization may publish: verified and not suspended (read under lock).
async fn may_publish(unit: &mut dyn OfferingUnit, organization: OrganizationId) -> Result<PublisherFacts, AppError> {
    let facts = unit
        .publisher(organization)
        .await?
        .ok_or_else(|| AppError::not_found("机构", "organization"))?;
    if facts.suspended {
        return Err(AppError::conflict(
            "机构已被社区暂停，暂时不能发布或修改服务",
            "the organization is suspended and cannot publish or edit offerings",
        ));
    }
    if !facts.verified {
        return Err(AppError::conflict(
            "机构还没有通过社区审核，审核通过后才能发布服务",
            "the organization is not verified yet; it can publish once community staff verify it",
        ));
    }
    Ok(facts)
}

/// The database's checks of a draft, and every column resolved from it.
async fn resolve(
    unit: &mut dyn OfferingUnit,
    facts: &PublisherFacts,
    draft: OfferingDraft,
) -> Result<Publication, AppError> {
    let mut refused = Vec::new();
    if !unit.category_exists(draft.category.as_str()).await? {
        refused.push(FieldError::new("category", "没有这个服务类别", "is not a category"));
    }
    let outside = |field: &str, id: i64| {
        FieldError::with(
            field,
            Message::owned(
                format!("网格 {id} 不在本机构服务的社区内"),
                format!("grid unit {id} is not in a community the organization serves"),
            ),
        )
    };
    let place = unit.place(draft.place).await?;
    match &place {
        None => refused.push(FieldError::new("place_id", "没有这个地点", "is not a grid unit")),
        Some(p) if !p.community.is_some_and(|c| facts.communities.contains(&c)) => {
            refused.push(outside("place_id", draft.place.get()))
        }
        Some(p) => {
            if let Some(given) = draft.position {
                if haversine_m(given, p.position) > POSITION_SLACK_M {
                    refused.push(FieldError::new(
                        "latitude",
                        "坐标离所选地点太远（超过 5 公里），请检查",
                        "the coordinates are more than 5 km from the chosen place",
                    ));
                }
            }
        }
    }
    for unit_id in &draft.coverage {
        match unit.place(*unit_id).await? {
            None => refused.push(FieldError::with(
                "coverage",
                Message::owned(
                    format!("没有编号为 {unit_id} 的网格"),
                    format!("{unit_id} is not a grid unit"),
                ),
            )),
            Some(p) if !p.community.is_some_and(|c| facts.communities.contains(&c)) => {
                refused.push(outside("coverage", unit_id.get()))
            }
            Some(_) => {}
        }
    }
    if !refused.is_empty() {
        return Err(AppError::Invalid(refused));
    }
    let place = place.expect("checked");
    let input_json = serde_json::to_string(&draft.to_input()).expect("an input serializes");
    let name_en = draft.name_en.clone().unwrap_or_else(|| draft.name_zh.clone());
    let description_en = draft
        .description_en
        .clone()
        .unwrap_or_else(|| draft.description_zh.clone());
    Ok(Publication {
        position: draft.position.unwrap_or(place.position),
        search_text: crate::fold::searchable(&[&draft.name_zh, &name_en, &draft.description_zh, &description_en]),
        name_en,
        description_en,
        address_zh: draft.address.clone().unwrap_or_else(|| place.name_zh.clone()),
        address_en: draft.address.clone().unwrap_or_else(|| place.name_en.clone()),
        hours_zh: draft.hours.render(Lang::Zh),
        hours_en: draft.hours.render(Lang::En),
        eligibility_note_en: draft.eligibility_note.clone(),
        price_unit: draft.price.map(|(_, unit)| unit.words()),
        input_json,
        draft,
    })
}

/// The top-level fields whose values differ (`all`: every field of `after`, for the
/// first revision).
pub fn diff(before: &OfferingInput, after: &OfferingInput, all: bool) -> Vec<FieldChange> {
    let as_map = |i: &OfferingInput| match serde_json::to_value(i).expect("an input serializes") {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("an input is an object"),
    };
    let (b, a) = (as_map(before), as_map(after));
    let mut fields: Vec<&String> = a.keys().chain(b.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|field| {
            let before = b.get(field).cloned().unwrap_or(serde_json::Value::Null);
            let after = a.get(field).cloned().unwrap_or(serde_json::Value::Null);
            (all && !after.is_null() || before != after).then(|| FieldChange {
                field: field.clone(),
                before: if all { serde_json::Value::Null } else { before },
                after,
            })
        })
        .collect()
}
