//! What an organizer types for an activity, and the checked activity it becomes.
//!
//! [`ActivityInput`] is the JSON API's create body and the form's values alike.
//! [`ActivityInput::check`] turns it into an [`ActivityDraft`] or every refusal at once;
//! what needs the database (is the place in a community the organizer serves, is the
//! organization verified) is the use case's.

use super::{ActivityKind, Skill};
use crate::accounts::store::Millis;
use crate::calendar::{parse_local_datetime, parse_rfc3339, DAY_MS};
use crate::error::AppError;
use crate::geo::Coordinates;
use crate::ids::{GridUnitId, OrganizationId};
use crate::message::Message;
use crate::offerings::draft::{long_text, optional, ADDRESS_MAX};
use crate::validation::{required_text, FieldError, Refusals};
use serde::{Deserialize, Serialize};

pub const TITLE_MAX: usize = 40;
pub const TITLE_EN_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 1000;
pub const PLACES_MAX: i64 = 500;
pub const SKILLS_MAX: usize = 5;
/// An activity lasts at most a day (an overnight one crosses midnight; longer ones are
/// several activities, so hours stay checkable).
pub const LONGEST_MS: i64 = DAY_MS;
/// Published at most a year ahead: a typo in the year is caught.
pub const FURTHEST_MS: i64 = 366 * DAY_MS;
/// China's volunteer rules let 14-year-olds volunteer with a guardian's consent.
pub const MIN_AGE_RANGE: std::ops::RangeInclusive<i64> = 14..=80;

/// An activity's fields as typed. Every field has a default, so a field left out is
/// refused by name (422) rather than failing the whole body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActivityInput {
    /// The organization running it; absent: the caller's community runs it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<i64>,
    pub title_zh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub description_zh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_en: Option<String>,
    /// A kind slug: `elder-visit`, `meal-delivery`, …
    pub kind: String,
    /// The grid unit where volunteers meet (down to a building).
    pub place_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Default: the place's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// RFC 3339 (the API), or Chengdu wall-clock time as a form's `datetime-local` sends it.
    pub starts_at: String,
    pub ends_at: String,
    /// Default: the start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup_deadline: Option<String>,
    pub places: Option<i64>,
    pub skills: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_age: Option<i64>,
    /// Kept as a draft instead of published at once.
    pub draft: bool,
}

/// A checked activity, before the database has had its say.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityDraft {
    pub organization: Option<OrganizationId>,
    pub title_zh: String,
    pub title_en: Option<String>,
    pub description_zh: String,
    pub description_en: Option<String>,
    pub kind: ActivityKind,
    pub place: GridUnitId,
    pub position: Option<Coordinates>,
    pub address: Option<String>,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub signup_deadline: Millis,
    pub places: u32,
    pub skills: Vec<Skill>,
    pub min_age: Option<u8>,
    pub publish: bool,
}

/// An instant as the API (RFC 3339) or a form (`datetime-local`, Chengdu time) sends it.
pub fn instant(field: &str, raw: &str) -> Result<Millis, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, "必填", "is required"));
    }
    parse_rfc3339(raw).or_else(|| parse_local_datetime(raw)).ok_or_else(|| {
        FieldError::new(
            field,
            "时间格式不对，例如 2026-12-20T09:30",
            "must be a time like 2026-12-20T09:30:00+08:00",
        )
    })
}

impl ActivityInput {
    /// Every check that needs nothing but the input and the clock; all refusals at once.
    pub fn check(&self, now: Millis) -> Result<ActivityDraft, AppError> {
        let mut r = Refusals::new();
        let organization = r.check(
            self.organization_id
                .map(|id| OrganizationId::checked("organization_id", id))
                .transpose(),
        );
        let title_zh = r.check(required_text("title_zh", &self.title_zh, TITLE_MAX));
        let title_en = r.check(optional(self.title_en.as_deref(), |v| {
            required_text("title_en", v, TITLE_EN_MAX)
        }));
        let description_zh = r.check(long_text("description_zh", &self.description_zh, DESCRIPTION_MAX));
        let description_en = r.check(optional(self.description_en.as_deref(), |v| {
            long_text("description_en", v, DESCRIPTION_MAX * 3)
        }));
        let kind = r
            .check(ActivityKind::parse(self.kind.trim()).ok_or_else(|| {
                FieldError::new("kind", "请选择活动类型", "must be an activity kind, e.g. elder-visit")
            }));
        let place = r.check(match self.place_id {
            None => Err(FieldError::new(
                "place_id",
                "请选择活动地点",
                "is required: the grid unit where volunteers meet",
            )),
            Some(id) => GridUnitId::checked("place_id", id),
        });
        let position = r.check(match (self.latitude, self.longitude) {
            (None, None) => Ok(None),
            (Some(lat), Some(lon)) => Coordinates::new(lat, lon).map(Some).map_err(|_| {
                FieldError::new(
                    "latitude",
                    "坐标不对",
                    "latitude must be -90..90 and longitude -180..180",
                )
            }),
            _ => Err(FieldError::new(
                "latitude",
                "经纬度要一起填写",
                "give latitude and longitude together",
            )),
        });
        let address = r.check(optional(self.address.as_deref(), |v| {
            required_text("address", v, ADDRESS_MAX)
        }));
        let starts_at = r.check(instant("starts_at", &self.starts_at).and_then(|at| {
            if at <= now {
                Err(FieldError::new(
                    "starts_at",
                    "开始时间须在将来",
                    "must be in the future",
                ))
            } else if at > now + FURTHEST_MS {
                Err(FieldError::new(
                    "starts_at",
                    "最多提前一年发布",
                    "must be within a year from now",
                ))
            } else {
                Ok(at)
            }
        }));
        let ends_at = r.check(instant("ends_at", &self.ends_at));
        if let (Some(start), Some(end)) = (starts_at, ends_at) {
            if end <= start {
                r.push(FieldError::new(
                    "ends_at",
                    "结束时间须晚于开始时间",
                    "must be after the start",
                ));
            } else if end - start > LONGEST_MS {
                r.push(FieldError::new(
                    "ends_at",
                    "一次活动最长 24 小时；更长的请分成几次发布",
                    "an activity lasts at most 24 hours; publish longer ones as several",
                ));
            }
        }
        let deadline = match self.signup_deadline.as_deref().map(str::trim) {
            None | Some("") => starts_at,
            Some(raw) => r.check(instant("signup_deadline", raw).and_then(|at| match starts_at {
                Some(start) if at > start => Err(FieldError::new(
                    "signup_deadline",
                    "报名截止时间不能晚于活动开始",
                    "must not be after the start",
                )),
                _ if at <= now => Err(FieldError::new(
                    "signup_deadline",
                    "报名截止时间须在将来",
                    "must be in the future",
                )),
                _ => Ok(at),
            })),
        };
        let places = r.check(match self.places {
            None => Err(FieldError::new("places", "请填写需要几位志愿者", "is required")),
            Some(n @ 1..=PLACES_MAX) => Ok(n as u32),
            Some(_) => Err(FieldError::with(
                "places",
                Message::owned(
                    format!("志愿者名额须在 1 到 {PLACES_MAX} 之间"),
                    format!("must be 1 to {PLACES_MAX}"),
                ),
            )),
        });
        let mut skills = Vec::new();
        for raw in self.skills.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match Skill::parse(raw) {
                Some(skill) if !skills.contains(&skill) => skills.push(skill),
                Some(_) => {}
                None => r.push(FieldError::new(
                    "skills",
                    "没有这种技能",
                    "has a skill that is not on the list",
                )),
            }
        }
        if skills.len() > SKILLS_MAX {
            r.push(FieldError::with(
                "skills",
                Message::owned(
                    format!("最多选 {SKILLS_MAX} 项技能"),
                    format!("at most {SKILLS_MAX} skills"),
                ),
            ));
        }
        skills.sort();
        let min_age = r.check(match self.min_age {
            None => Ok(None),
            Some(age) if MIN_AGE_RANGE.contains(&age) => Ok(Some(age as u8)),
            Some(_) => Err(FieldError::with(
                "min_age",
                Message::owned(
                    format!(
                        "最低年龄须在 {} 到 {} 岁之间",
                        MIN_AGE_RANGE.start(),
                        MIN_AGE_RANGE.end()
                    ),
                    format!("must be {} to {}", MIN_AGE_RANGE.start(), MIN_AGE_RANGE.end()),
                ),
            )),
        });
        r.finish()?;
        let checked = "checked above";
        Ok(ActivityDraft {
            organization: organization.expect(checked),
            title_zh: title_zh.expect(checked),
            title_en: title_en.expect(checked),
            description_zh: description_zh.expect(checked),
            description_en: description_en.expect(checked),
            kind: kind.expect(checked),
            place: place.expect(checked),
            position: position.expect(checked),
            address: address.expect(checked),
            starts_at: starts_at.expect(checked),
            ends_at: ends_at.expect(checked),
            signup_deadline: deadline.expect(checked),
            places: places.expect(checked),
            skills,
            min_age: min_age.expect(checked),
            publish: !self.draft,
        })
    }
}
