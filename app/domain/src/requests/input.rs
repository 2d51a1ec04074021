//! What a resident (or a family member acting for one) types to request a service, and
//! the checked request it becomes. [`RequestInput`] is the JSON API's body and the
//! form's fields both; [`RequestInput::check`] refuses every bad field at once. Checks
//! against the offering (coverage, eligibility, capacity) need the database and are the
//! use case's.

use crate::calendar::Day;
use crate::ids::{GridUnitId, PersonId, ServiceId};
use crate::message::Message;
use crate::offerings::draft::phone_number;
use crate::validation::{required_text, FieldError, Refusals};
use serde::{Deserialize, Serialize};

pub const ADDRESS_DETAIL_MAX: usize = 60;
pub const NOTES_MAX: usize = 500;
pub const NAME_MAX: usize = 20;
pub const PREFERRED_TIME_MAX: usize = 60;
/// How far ahead a resident may ask for a week.
pub const PREFERRED_DAYS_AHEAD: i64 = 90;

/// Age bands: enough to check an age rule, without asking for a birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "under-18")]
    Under18,
    #[serde(rename = "18-59")]
    Adult,
    #[serde(rename = "60-69")]
    Sixties,
    #[serde(rename = "70-79")]
    Seventies,
    #[serde(rename = "80-89")]
    Eighties,
    #[serde(rename = "90+")]
    Nineties,
}

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::Under18,
        AgeBand::Adult,
        AgeBand::Sixties,
        AgeBand::Seventies,
        AgeBand::Eighties,
        AgeBand::Nineties,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AgeBand::Under18 => "under-18",
            AgeBand::Adult => "18-59",
            AgeBand::Sixties => "60-69",
            AgeBand::Seventies => "70-79",
            AgeBand::Eighties => "80-89",
            AgeBand::Nineties => "90+",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.slug() == slug.trim())
    }

    pub fn words(self) -> Message {
        match self {
            AgeBand::Under18 => Message::fixed("18 岁以下", "under 18"),
            AgeBand::Adult => Message::fixed("18–59 岁", "18–59"),
            AgeBand::Sixties => Message::fixed("60–69 岁", "60–69"),
            AgeBand::Seventies => Message::fixed("70–79 岁", "70–79"),
            AgeBand::Eighties => Message::fixed("80–89 岁", "80–89"),
            AgeBand::Nineties => Message::fixed("90 岁及以上", "90 or older"),
        }
    }

    /// The oldest age in the band: someone in it may be as old as this.
    pub fn oldest(self) -> i64 {
        match self {
            AgeBand::Under18 => 17,
            AgeBand::Adult => 59,
            AgeBand::Sixties => 69,
            AgeBand::Seventies => 79,
            AgeBand::Eighties => 89,
            AgeBand::Nineties => 150,
        }
    }
}

/// Who the service is for, when not the requester themselves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecipientInput {
    pub name: String,
    /// In the requester's words: 父亲, 母亲, 邻居 …
    pub relation: String,
    pub age_band: Option<String>,
}

/// A request as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestInput {
    pub service_id: Option<i64>,
    /// Where: a grid unit (down to a building).
    pub grid_unit_id: Option<i64>,
    /// The door: "3 单元 502".
    pub address_detail: String,
    /// Someone else it is for; absent: the requester (or the resident acted for).
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub recipient: Option<RecipientInput>,
    /// The age band of whoever it is for, when it is the requester (for someone else it
    /// goes in `for`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_band: Option<String>,
    /// What is needed, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
    /// Preferred days and times in plain words: "工作日上午".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_time: Option<String>,
    /// The first day that suits, "2026-12-01"; its week is the one counted against the
    /// offering's weekly capacity. Default: today.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Default: the account's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    /// A linked family member acting for a resident names them here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<i64>,
    /// Whether whoever it is for holds a disability certificate (残疾人证), for
    /// offerings that require one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disability_certificate: Option<bool>,
}

/// Who a request is for, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub relation: String,
}

/// A checked request, before the offering is consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestDraft {
    pub service: ServiceId,
    pub grid_unit: GridUnitId,
    pub address_detail: String,
    pub recipient: Option<Recipient>,
    pub age_band: Option<AgeBand>,
    pub needs: Option<String>,
    pub preferred_time: Option<String>,
    pub preferred_date: Option<Day>,
    pub notes: Option<String>,
    pub contact_phone: Option<String>,
    pub on_behalf_of: Option<PersonId>,
    pub disability_certificate: bool,
}

fn optional(field: &str, value: Option<&str>, max: usize, multiline: bool) -> Result<Option<String>, FieldError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if multiline {
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
            return Err(FieldError::new(
                field,
                "含有不能使用的字符",
                "contains characters that are not allowed",
            ));
        }
        if text.chars().count() > max {
            return Err(FieldError::with(
                field,
                Message::owned(format!("最多 {max} 个字"), format!("must be at most {max} characters")),
            ));
        }
        return Ok(Some(text.replace("\r\n", "\n")));
    }
    required_text(field, text, max).map(Some)
}

fn id<T>(
    field: &str,
    raw: Option<i64>,
    new: fn(i64) -> Option<T>,
    zh: &'static str,
    en: &'static str,
) -> Result<T, FieldError> {
    match raw {
        None => Err(FieldError::new(field, zh, en)),
        Some(raw) => {
            new(raw).ok_or_else(|| FieldError::new(field, "须为正整数编号", "must be a positive whole number"))
        }
    }
}

impl RequestInput {
    pub fn check(&self) -> Result<RequestDraft, crate::error::AppError> {
        let mut r = Refusals::new();
        let service = r.check(id(
            "service_id",
            self.service_id,
            ServiceId::new,
            "请选择要申请的服务",
            "is required: the service to request",
        ));
        let grid_unit = r.check(id(
            "grid_unit_id",
            self.grid_unit_id,
            GridUnitId::new,
            "请选择住址所在的院落或楼栋",
            "is required: the courtyard or building of the address",
        ));
        let address_detail = r.check(required_text(
            "address_detail",
            &self.address_detail,
            ADDRESS_DETAIL_MAX,
        ));
        let band = |field: &str, raw: Option<&str>| -> Result<Option<AgeBand>, FieldError> {
            match raw.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(slug) => AgeBand::parse(slug).map(Some).ok_or_else(|| {
                    FieldError::new(
                        field,
                        "请从列表中选择年龄段",
                        "must be one of under-18, 18-59, 60-69, 70-79, 80-89, 90+",
                    )
                }),
            }
        };
        let mut age_band = r.check(band("age_band", self.age_band.as_deref())).flatten();
        let recipient = match &self.recipient {
            None => None,
            Some(who) => {
                let name = r.check(required_text("for.name", &who.name, NAME_MAX));
                let relation = r.check(required_text("for.relation", &who.relation, NAME_MAX));
                if let Some(b) = r.check(band("for.age_band", who.age_band.as_deref())).flatten() {
                    age_band = Some(b);
                }
                name.zip(relation).map(|(name, relation)| Recipient { name, relation })
            }
        };
        let needs = r
            .check(optional("needs", self.needs.as_deref(), NOTES_MAX, true))
            .flatten();
        let preferred_time = r
            .check(optional(
                "preferred_time",
                self.preferred_time.as_deref(),
                PREFERRED_TIME_MAX,
                false,
            ))
            .flatten();
        let preferred_date = match self.preferred_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => r.check(Day::parse(raw).ok_or_else(|| {
                FieldError::new(
                    "preferred_date",
                    "日期格式应为 2026-12-01",
                    "must be a date such as 2026-12-01",
                )
            })),
        };
        let notes = r
            .check(optional("notes", self.notes.as_deref(), NOTES_MAX, true))
            .flatten();
        let contact_phone = match self.contact_phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => r.check(phone_number("contact_phone", raw)),
        };
        let on_behalf_of = match self.on_behalf_of {
            None => None,
            Some(raw) => r.check(PersonId::checked("on_behalf_of", raw)),
        };
        r.finish()?;
        Ok(RequestDraft {
            service: service.expect("checked"),
            grid_unit: grid_unit.expect("checked"),
            address_detail: address_detail.expect("checked"),
            recipient,
            age_band,
            needs,
            preferred_time,
            preferred_date,
            notes,
            contact_phone,
            on_behalf_of,
            disability_certificate: self.disability_certificate.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_for_a_father_is_checked_whole() {
        let input: RequestInput = serde_json::from_value(serde_json::json!({
            "service_id": 3, "grid_unit_id": 40, "address_detail": " 3 单元 502 ",
            "for": {"name": "王建国", "relation": "父亲", "age_band": "80-89"},
            "needs": "行动不便，需要上门理发", "preferred_date": "2026-12-01"
        }))
        .unwrap();
        let draft = input.check().unwrap();
        assert_eq!(draft.address_detail, "3 单元 502");
        assert_eq!(draft.age_band, Some(AgeBand::Eighties));
        assert_eq!(draft.recipient.unwrap().relation, "父亲");
        assert_eq!(draft.preferred_date.unwrap().to_string(), "2026-12-01");
        assert!(!draft.disability_certificate);
    }

    #[test]
    fn every_bad_field_is_refused_at_once() {
        let input = RequestInput {
            service_id: Some(0),
            address_detail: "  ".into(),
            recipient: Some(RecipientInput {
                name: "".into(),
                relation: "父亲".into(),
                age_band: Some("old".into()),
            }),
            preferred_date: Some("12/01".into()),
            contact_phone: Some("call me".into()),
            notes: Some("a\u{0}b".into()),
            ..Default::default()
        };
        let e = input.check().unwrap_err();
        for field in [
            "service_id",
            "grid_unit_id",
            "address_detail",
            "for.name",
            "for.age_band",
            "preferred_date",
            "contact_phone",
            "notes",
        ] {
            assert!(e.refuses(field), "{field} not refused: {e:?}");
        }
        assert!(!e.refuses("for.relation"));
    }

    #[test]
    fn unknown_fields_are_refused_by_serde() {
        assert!(serde_json::from_str::<RequestInput>(r#"{"service":1}"#).is_err());
    }
}
