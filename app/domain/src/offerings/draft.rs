//! What an organization types for an offering, and the checked offering it becomes.
//!
//! [`OfferingInput`] is the one shape of an offering's editable fields: the JSON API's
//! create body, the merge base of its PATCH, the edit form's values and the history's
//! snapshots are all this struct. [`OfferingInput::check`] turns it into an
//! [`OfferingDraft`] or every refusal at once; checks that need the database (does the
//! category exist, is the place in the organization's communities) are the use case's.

use super::hours::OpeningHours;
use crate::catalog::{CategorySlug, CostKind};
use crate::directory::Delivery;
use crate::geo::Coordinates;
use crate::ids::GridUnitId;
use crate::message::Message;
use crate::validation::{required_text, FieldError, Refusals};
use serde::{Deserialize, Serialize};

/// An offering's editable fields as typed. Every field has a default, so a field left
/// out is refused by name (422) rather than failing the whole body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OfferingInput {
    pub category: String,
    pub name_zh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub description_zh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_en: Option<String>,
    /// `on-site` or `at-home`.
    pub delivery: String,
    /// The grid unit it is delivered at (on-site) or worked from (at-home).
    pub place_id: Option<i64>,
    /// Default: the place's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Default: the place's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// At-home offerings: the grid units reached.
    pub coverage: Vec<i64>,
    pub hours: OpeningHours,
    pub eligibility: EligibilityInput,
    /// `free`, `subsidized` or `paid`.
    pub cost: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceInput>,
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EligibilityInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_age: Option<i64>,
    pub residence_required: bool,
    pub disability_certificate_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriceInput {
    pub amount_fen: i64,
    /// `visit`, `meal`, `hour`, `day` or `month`.
    pub unit: String,
}

/// What a price is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceUnit {
    Visit,
    Meal,
    Hour,
    Day,
    Month,
}

impl PriceUnit {
    pub const ALL: [PriceUnit; 5] = [Self::Visit, Self::Meal, Self::Hour, Self::Day, Self::Month];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Visit => "visit",
            Self::Meal => "meal",
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Month => "month",
        }
    }

    /// The words the directory shows after the amount, Chinese and English:
    /// "¥12 / 餐", "¥12 / meal".
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::Visit => ("次", "visit"),
            Self::Meal => ("餐", "meal"),
            Self::Hour => ("小时", "hour"),
            Self::Day => ("天", "day"),
            Self::Month => ("月", "month"),
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.slug() == slug)
    }

    /// The unit whose Chinese word is `zh` (offerings written before units had slugs).
    pub fn from_words(zh: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.words().0 == zh)
    }
}

/// A checked offering, ready for the use case's database checks.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferingDraft {
    pub category: CategorySlug,
    pub name_zh: String,
    pub name_en: Option<String>,
    pub description_zh: String,
    pub description_en: Option<String>,
    pub delivery: Delivery,
    pub place: GridUnitId,
    pub position: Option<Coordinates>,
    pub address: Option<String>,
    pub coverage: Vec<GridUnitId>,
    pub hours: OpeningHours,
    pub min_age: Option<u32>,
    pub residence_required: bool,
    pub disability_certificate_required: bool,
    pub eligibility_note: Option<String>,
    pub cost: CostKind,
    pub price: Option<(i64, PriceUnit)>,
    pub phone: String,
    pub capacity: Option<u32>,
}

pub const NAME_MAX: usize = 40;
pub const NAME_EN_MAX: usize = 80;
pub const DESCRIPTION_MAX: usize = 1000;
pub const ADDRESS_MAX: usize = 100;
pub const NOTE_MAX: usize = 200;
pub const COVERAGE_MAX: usize = 50;
pub const CAPACITY_MAX: i64 = 10_000;
/// ¥100,000: more than any community service costs; a typo in fen beyond it is caught.
pub const PRICE_MAX_FEN: i64 = 10_000_000;

/// A longer text that may have line breaks (a description), normalized to `\n`.
pub fn long_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "必填", "is required"));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new(
            field,
            "含有不能使用的字符",
            "contains characters that are not allowed",
        ));
    }
    if value.chars().count() > max {
        return Err(FieldError::with(
            field,
            Message::owned(format!("最多 {max} 个字"), format!("must be at most {max} characters")),
        ));
    }
    Ok(value.to_owned())
}

/// An optional text: absent or blank is `None`, otherwise checked like a required one.
pub(crate) fn optional(
    value: Option<&str>,
    check: impl FnOnce(&str) -> Result<String, FieldError>,
) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => check(v).map(Some),
    }
}

/// A contact number as a resident dials it: a mobile or a landline with area code,
/// digits with spaces, hyphens, parentheses or a leading +.
pub fn phone_number(field: &str, raw: &str) -> Result<String, FieldError> {
    let raw = raw.trim();
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let allowed = raw.chars().all(|c| c.is_ascii_digit() || " -()+".contains(c));
    if raw.is_empty() {
        return Err(FieldError::new(field, "必填", "is required"));
    }
    if !allowed || !(7..=15).contains(&digits) || raw.chars().count() > 20 {
        return Err(FieldError::new(
            field,
            "请填写能拨打的电话号码，如 028-85551234 或 13800001234",
            "must be a phone number residents can call, e.g. 028-85551234 or 13800001234",
        ));
    }
    Ok(raw.to_owned())
}

impl OfferingInput {
    /// Every check that needs nothing but the input; all refusals at once.
    pub fn check(&self) -> Result<OfferingDraft, crate::error::AppError> {
        let mut r = Refusals::new();
        let category = r.check(CategorySlug::parse(self.category.trim()).map_err(|_| {
            FieldError::new(
                "category",
                "请选择服务类别",
                "must be a category slug, e.g. meal-assistance",
            )
        }));
        let name_zh = r.check(required_text("name_zh", &self.name_zh, NAME_MAX));
        let name_en = r.check(optional(self.name_en.as_deref(), |v| {
            required_text("name_en", v, NAME_EN_MAX)
        }));
        let description_zh = r.check(long_text("description_zh", &self.description_zh, DESCRIPTION_MAX));
        let description_en = r.check(optional(self.description_en.as_deref(), |v| {
            long_text("description_en", v, DESCRIPTION_MAX * 3)
        }));
        let delivery = r
            .check(Delivery::parse(self.delivery.trim()).ok_or_else(|| {
                FieldError::new("delivery", "请选择服务方式：到店或上门", "must be on-site or at-home")
            }));
        let place = r.check(match self.place_id {
            None => Err(FieldError::new(
                "place_id",
                "请选择服务地点",
                "is required: the grid unit it is delivered at",
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
        let mut coverage = Vec::new();
        for id in &self.coverage {
            if let Some(id) = r.check(GridUnitId::checked("coverage", *id)) {
                coverage.push(id);
            }
        }
        coverage.sort();
        coverage.dedup();
        match delivery {
            Some(Delivery::AtHome) if coverage.is_empty() => r.push(FieldError::new(
                "coverage",
                "上门服务请至少选择一个服务范围",
                "an at-home offering needs at least one grid unit it reaches",
            )),
            Some(Delivery::OnSite) if !coverage.is_empty() => r.push(FieldError::new(
                "coverage",
                "到店服务不需要服务范围",
                "only at-home offerings have a coverage area",
            )),
            _ if coverage.len() > COVERAGE_MAX => r.push(FieldError::with(
                "coverage",
                Message::owned(
                    format!("服务范围最多 {COVERAGE_MAX} 个网格"),
                    format!("at most {COVERAGE_MAX} grid units"),
                ),
            )),
            _ => {}
        }
        let hours = r.check(self.hours.clone().checked());
        let e = &self.eligibility;
        let min_age = r.check(match e.min_age {
            None => Ok(None),
            Some(age @ 0..=120) => Ok(Some(age as u32)),
            Some(_) => Err(FieldError::new("min_age", "年龄应在 0 到 120 之间", "must be 0 to 120")),
        });
        let eligibility_note = r.check(optional(e.note.as_deref(), |v| {
            required_text("eligibility_note", v, NOTE_MAX)
        }));
        let cost = r.check(
            CostKind::parse(self.cost.trim())
                .ok_or_else(|| FieldError::new("cost", "请选择收费方式", "must be free, subsidized or paid")),
        );
        let price = r.check(match (cost, &self.price) {
            (Some(CostKind::Free), None) | (None, _) => Ok(None),
            (Some(CostKind::Free), Some(_)) => Err(FieldError::new(
                "price",
                "免费服务不填价格",
                "a free offering has no price",
            )),
            (Some(_), None) => Err(FieldError::new(
                "price",
                "请填写价格和计价单位",
                "a subsidized or paid offering needs a price",
            )),
            (Some(kind), Some(p)) => price(kind, p),
        });
        let phone = r.check(phone_number("phone", &self.phone));
        let capacity = r.check(match self.capacity {
            None => Ok(None),
            Some(c @ 1..=CAPACITY_MAX) => Ok(Some(c as u32)),
            Some(_) => Err(FieldError::with(
                "capacity",
                Message::owned(
                    format!("每周名额应在 1 到 {CAPACITY_MAX} 之间"),
                    format!("must be 1 to {CAPACITY_MAX} a week"),
                ),
            )),
        });
        r.finish()?;
        Ok(OfferingDraft {
            category: category.expect("checked"),
            name_zh: name_zh.expect("checked"),
            name_en: name_en.expect("checked"),
            description_zh: description_zh.expect("checked"),
            description_en: description_en.expect("checked"),
            delivery: delivery.expect("checked"),
            place: place.expect("checked"),
            position: position.expect("checked"),
            address: address.expect("checked"),
            coverage,
            hours: hours.expect("checked"),
            min_age: min_age.expect("checked"),
            residence_required: e.residence_required,
            disability_certificate_required: e.disability_certificate_required,
            eligibility_note: eligibility_note.expect("checked"),
            cost: cost.expect("checked"),
            price: price.expect("checked"),
            phone: phone.expect("checked"),
            capacity: capacity.expect("checked"),
        })
    }
}

fn price(kind: CostKind, p: &PriceInput) -> Result<Option<(i64, PriceUnit)>, FieldError> {
    let unit = PriceUnit::parse(p.unit.trim()).ok_or_else(|| {
        FieldError::new(
            "price",
            "请选择计价单位：次、餐、小时、天或月",
            "unit must be visit, meal, hour, day or month",
        )
    })?;
    let lowest = if kind == CostKind::Paid { 1 } else { 0 };
    if !(lowest..=PRICE_MAX_FEN).contains(&p.amount_fen) {
        return Err(FieldError::with(
            "price",
            Message::owned(
                format!("价格应在 {lowest} 分到 {} 元之间", PRICE_MAX_FEN / 100),
                format!("amount_fen must be {lowest} to {PRICE_MAX_FEN}"),
            ),
        ));
    }
    Ok(Some((p.amount_fen, unit)))
}

impl OfferingDraft {
    /// The input this draft is the checked form of: what is stored, edited and diffed.
    pub fn to_input(&self) -> OfferingInput {
        OfferingInput {
            category: self.category.as_str().to_owned(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            description_zh: self.description_zh.clone(),
            description_en: self.description_en.clone(),
            delivery: self.delivery.slug().to_owned(),
            place_id: Some(self.place.get()),
            latitude: self.position.map(|p| p.latitude()),
            longitude: self.position.map(|p| p.longitude()),
            address: self.address.clone(),
            coverage: self.coverage.iter().map(|c| c.get()).collect(),
            hours: self.hours.clone(),
            eligibility: EligibilityInput {
                min_age: self.min_age.map(i64::from),
                residence_required: self.residence_required,
                disability_certificate_required: self.disability_certificate_required,
                note: self.eligibility_note.clone(),
            },
            cost: self.cost.slug().to_owned(),
            price: self.price.map(|(amount_fen, unit)| PriceInput {
                amount_fen,
                unit: unit.slug().to_owned(),
            }),
            phone: self.phone.clone(),
            capacity: self.capacity.map(i64::from),
        }
    }
}
