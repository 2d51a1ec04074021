//! The activity search request: the same place, radius and paging parameters as the
//! service search (parsed by the same function, so they accept and refuse alike), plus
//! what volunteers narrow by: kind, skill and dates.

use super::{ActivityKind, Skill};
use crate::accounts::store::Millis;
use crate::calendar::Day;
use crate::geo::Coordinates;
use crate::lang::Lang;
use crate::search::{Origin, Paging, RadiusM, SearchParams};
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// The order of the results (`sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ActivityOrder {
    /// Soonest first, then nearest, then by id.
    #[default]
    Soonest,
    /// Nearest first (when there is an origin), then soonest, then by id.
    Nearest,
}

impl ActivityOrder {
    pub fn slug(self) -> &'static str {
        match self {
            ActivityOrder::Soonest => "soonest",
            ActivityOrder::Nearest => "nearest",
        }
    }
}

/// A checked activity search, before the origin is resolved.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActivityParams {
    pub origin: Option<Origin>,
    pub radius: RadiusM,
    pub kind: Option<ActivityKind>,
    pub skill: Option<Skill>,
    /// First day (Chengdu) to include; default today.
    pub from: Option<Day>,
    /// Last day to include.
    pub to: Option<Day>,
    pub order: ActivityOrder,
    pub paging: Paging,
    pub lang: Option<Lang>,
}

/// The search the store runs: upcoming published activities starting in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivitySearch {
    pub near: Option<Coordinates>,
    pub radius: RadiusM,
    pub kind: Option<ActivityKind>,
    pub skill: Option<Skill>,
    /// Starting at or after (never before now: past activities are not on offer).
    pub starts_from: Millis,
    /// Starting before, if bounded.
    pub starts_before: Option<Millis>,
    pub order: ActivityOrder,
    pub paging: Paging,
}

/// The parameters this search reads itself; the rest go to [`SearchParams::from_pairs`].
const OWN: [&str; 5] = ["kind", "skill", "from", "to", "sort"];

impl ActivityParams {
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Result<Self, FieldError> {
        let shared: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .filter(|(k, _)| !OWN.contains(k))
            .collect();
        let base = SearchParams::from_pairs(&shared)?;
        let single = |name: &'static str| -> Result<Option<&str>, FieldError> {
            let mut values = pairs
                .iter()
                .filter(|(k, _)| k.as_ref() == name)
                .map(|(_, v)| v.as_ref().trim())
                .filter(|v| !v.is_empty());
            let first = values.next();
            if values.next().is_some() {
                return Err(FieldError::new(name, "只能给一次", "must be given at most once"));
            }
            Ok(first)
        };
        let kind = single("kind")?
            .map(|v| {
                ActivityKind::parse(v).ok_or_else(|| {
                    FieldError::new("kind", "没有这种活动类型", "must be an activity kind, e.g. elder-visit")
                })
            })
            .transpose()?;
        let skill = single("skill")?
            .map(|v| {
                Skill::parse(v)
                    .ok_or_else(|| FieldError::new("skill", "没有这种技能", "must be a skill, e.g. first-aid"))
            })
            .transpose()?;
        let day = |name: &'static str| -> Result<Option<Day>, FieldError> {
            single(name)?
                .map(|v| {
                    Day::parse(v)
                        .ok_or_else(|| FieldError::new(name, "日期格式为 2026-12-20", "must be a date like 2026-12-20"))
                })
                .transpose()
        };
        let (from, to) = (day("from")?, day("to")?);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                return Err(FieldError::new(
                    "to",
                    "结束日期不能早于开始日期",
                    "must not be before from",
                ));
            }
        }
        let order = match single("sort")? {
            None | Some("soonest") => ActivityOrder::Soonest,
            Some("nearest") => ActivityOrder::Nearest,
            Some(_) => {
                return Err(FieldError::new(
                    "sort",
                    "须为 soonest（最近开始）或 nearest（离得最近）",
                    "must be soonest or nearest",
                ))
            }
        };
        Ok(Self {
            origin: base.origin,
            radius: base.radius,
            kind,
            skill,
            from,
            to,
            order,
            paging: base.paging,
            lang: base.lang,
        })
    }

    /// The search the store runs, once the origin is a position.
    pub fn resolve(&self, near: Option<Coordinates>, now: Millis) -> ActivitySearch {
        let from = self.from.map(Day::start_millis).unwrap_or(now).max(now);
        ActivitySearch {
            near,
            radius: self.radius,
            kind: self.kind,
            skill: self.skill,
            starts_from: from,
            starts_before: self.to.map(|d| d.plus(1).start_millis()),
            order: self.order,
            paging: self.paging,
        }
    }

    /// The query string reproducing this search with other paging (for "more" links).
    pub fn to_query_string(&self, paging: Paging) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match self.origin {
            Some(Origin::Position(c)) => {
                pairs.push(("lat", format!("{:.3}", c.latitude())));
                pairs.push(("lon", format!("{:.3}", c.longitude())));
            }
            Some(Origin::Place(p)) => pairs.push(("place", p.to_string())),
            None => {}
        }
        if self.radius != RadiusM::default() {
            pairs.push(("radius_m", self.radius.get().to_string()));
        }
        if let Some(k) = self.kind {
            pairs.push(("kind", k.slug().into()));
        }
        if let Some(s) = self.skill {
            pairs.push(("skill", s.slug().into()));
        }
        if let Some(d) = self.from {
            pairs.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            pairs.push(("to", d.to_string()));
        }
        if self.order != ActivityOrder::Soonest {
            pairs.push(("sort", self.order.slug().into()));
        }
        if paging.offset() > 0 {
            pairs.push(("offset", paging.offset().to_string()));
        }
        if paging.limit() != crate::search::DEFAULT_LIMIT {
            pairs.push(("limit", paging.limit().to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }
}
