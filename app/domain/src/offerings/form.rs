//! An offering as the fields of an HTML form (the no-JavaScript pages), both ways:
//! posted pairs into an [`OfferingInput`] and an input back into the values a form
//! shows. Opening hours become one pair of time inputs per weekday and a text area of
//! dated exceptions, one per line ("2026-10-01 休息", "2026-10-11 08:30-17:00").

use super::draft::{OfferingInput, PriceInput};
use super::hours::{Date, DatedHours, OpeningHours, TimeOfDay, WeeklyHours};
use crate::message::Message;
use crate::validation::FieldError;
use std::collections::BTreeMap;

/// Form values by field name.
pub type FormValues = BTreeMap<String, String>;

/// The flash value that names where a refused form's values were kept (they are too
/// long for the flash cookie itself).
pub const DRAFT_FIELD: &str = "_draft";

/// The flash value that asks the form page to show the preview of the kept values.
pub const PREVIEW_FIELD: &str = "_preview";

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

fn optional_text(pairs: &[(String, String)], name: &str) -> Option<String> {
    Some(get(pairs, name).to_owned()).filter(|v| !v.is_empty())
}

/// A whole number typed into `name`, if any.
fn number(pairs: &[(String, String)], name: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let raw = get(pairs, name);
    if raw.is_empty() {
        return None;
    }
    raw.parse().map(Some).unwrap_or_else(|_| {
        errors.push(FieldError::new(name, "请填写数字", "must be a whole number"));
        None
    })
}

/// "12", "12.5", "12.50" yuan as fen.
pub fn yuan_to_fen(raw: &str) -> Option<i64> {
    let raw = raw.trim().trim_start_matches('¥');
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(frac)
}

fn fen_to_yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// One exception line: a date, then 休息 / closed, or a time range.
fn exception(line: &str) -> Option<DatedHours> {
    let mut parts = line.split_whitespace();
    let date = Date::parse(parts.next()?)?;
    let rest: Vec<&str> = parts.collect();
    match rest.as_slice() {
        [] | ["休息"] | ["closed"] | ["Closed"] => Some(DatedHours {
            date,
            opens: None,
            closes: None,
        }),
        [range] => {
            let (o, c) = range.split_once(['-', '–'])?;
            Some(DatedHours {
                date,
                opens: Some(TimeOfDay::parse(o)?),
                closes: Some(TimeOfDay::parse(c)?),
            })
        }
        _ => None,
    }
}

impl OfferingInput {
    /// The input a posted form describes, and what could not even be read (a letter in
    /// a number, a malformed exception line); the rest is [`OfferingInput::check`]'s.
    pub fn from_form(pairs: &[(String, String)]) -> (OfferingInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut weekly = Vec::new();
        for day in 1..=7u8 {
            let (o, c) = (
                get(pairs, &format!("opens_{day}")),
                get(pairs, &format!("closes_{day}")),
            );
            match (TimeOfDay::parse(o), TimeOfDay::parse(c)) {
                _ if o.is_empty() && c.is_empty() => {}
                (Some(opens), Some(closes)) => weekly.push(WeeklyHours { day, opens, closes }),
                _ => errors.push(FieldError::new(
                    "hours",
                    "每天的营业时间请同时填写开始和结束，如 08:30 和 17:00",
                    "give both an opening and a closing time for a day, e.g. 08:30 and 17:00",
                )),
            }
        }
        let mut exceptions = Vec::new();
        for (n, line) in get(pairs, "exceptions").lines().map(str::trim).enumerate() {
            if line.is_empty() {
                continue;
            }
            match exception(line) {
                Some(e) => exceptions.push(e),
                None => errors.push(FieldError::with(
                    "exceptions",
                    Message::owned(
                        format!(
                            "第 {} 行看不懂：请写成“2026-10-01 休息”或“2026-10-11 08:30-17:00”",
                            n + 1
                        ),
                        format!(
                            "line {} is not understood: write \"2026-10-01 closed\" or \"2026-10-11 08:30-17:00\"",
                            n + 1
                        ),
                    ),
                )),
            }
        }
        let price = match get(pairs, "price_yuan") {
            "" => None,
            raw => match yuan_to_fen(raw) {
                Some(amount_fen) => Some(PriceInput {
                    amount_fen,
                    unit: get(pairs, "price_unit").to_owned(),
                }),
                None => {
                    errors.push(FieldError::new(
                        "price",
                        "价格请写成元，如 12 或 12.50",
                        "write the price in yuan, e.g. 12 or 12.50",
                    ));
                    None
                }
            },
        };
        let coordinate = |name: &str, errors: &mut Vec<FieldError>| match get(pairs, name) {
            "" => None,
            raw => raw.parse::<f64>().ok().filter(|v| v.is_finite()).or_else(|| {
                errors.push(FieldError::new(
                    "latitude",
                    "经纬度请填写数字",
                    "latitude and longitude must be numbers",
                ));
                None
            }),
        };
        let mut coverage = Vec::new();
        for (k, v) in pairs {
            if k == "coverage" {
                match v.trim().parse::<i64>() {
                    Ok(id) => coverage.push(id),
                    Err(_) => errors.push(FieldError::new(
                        "coverage",
                        "服务范围选择有误",
                        "coverage must be grid unit ids",
                    )),
                }
            }
        }
        let input = OfferingInput {
            category: get(pairs, "category").to_owned(),
            name_zh: get(pairs, "name_zh").to_owned(),
            name_en: optional_text(pairs, "name_en"),
            description_zh: get(pairs, "description_zh").to_owned(),
            description_en: optional_text(pairs, "description_en"),
            delivery: get(pairs, "delivery").to_owned(),
            place_id: number(pairs, "place_id", &mut errors),
            latitude: coordinate("latitude", &mut errors),
            longitude: coordinate("longitude", &mut errors),
            address: optional_text(pairs, "address"),
            coverage,
            hours: OpeningHours {
                weekly,
                exceptions,
                note: optional_text(pairs, "hours_note"),
            },
            eligibility: super::draft::EligibilityInput {
                min_age: number(pairs, "min_age", &mut errors),
                residence_required: get(pairs, "residence_required") == "1",
                disability_certificate_required: get(pairs, "disability_certificate_required") == "1",
                note: optional_text(pairs, "eligibility_note"),
            },
            cost: get(pairs, "cost").to_owned(),
            price,
            phone: get(pairs, "phone").to_owned(),
            capacity: number(pairs, "capacity", &mut errors),
        };
        (input, errors)
    }

    /// What a form shows for this input (multi-valued `coverage` comma-joined).
    pub fn to_form(&self) -> FormValues {
        let mut v = FormValues::new();
        let mut put = |k: &str, value: String| {
            if !value.is_empty() {
                v.insert(k.to_owned(), value);
            }
        };
        put("category", self.category.clone());
        put("name_zh", self.name_zh.clone());
        put("name_en", self.name_en.clone().unwrap_or_default());
        put("description_zh", self.description_zh.clone());
        put("description_en", self.description_en.clone().unwrap_or_default());
        put("delivery", self.delivery.clone());
        put("place_id", self.place_id.map(|p| p.to_string()).unwrap_or_default());
        put("latitude", self.latitude.map(|p| p.to_string()).unwrap_or_default());
        put("longitude", self.longitude.map(|p| p.to_string()).unwrap_or_default());
        put("address", self.address.clone().unwrap_or_default());
        put(
            "coverage",
            self.coverage.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        );
        for w in &self.hours.weekly {
            // The form has one range per day: the first (a lunch break needs the API).
            if !v.contains_key(&format!("opens_{}", w.day)) {
                v.insert(format!("opens_{}", w.day), w.opens.to_string());
                v.insert(format!("closes_{}", w.day), w.closes.to_string());
            }
        }
        let exceptions: Vec<String> = self
            .hours
            .exceptions
            .iter()
            .map(|e| match (e.opens, e.closes) {
                (Some(o), Some(c)) => format!("{} {o}-{c}", e.date),
                _ => format!("{} 休息", e.date),
            })
            .collect();
        let mut put = |k: &str, value: String| {
            if !value.is_empty() {
                v.insert(k.to_owned(), value);
            }
        };
        put("exceptions", exceptions.join("\n"));
        put("hours_note", self.hours.note.clone().unwrap_or_default());
        put(
            "min_age",
            self.eligibility.min_age.map(|a| a.to_string()).unwrap_or_default(),
        );
        if self.eligibility.residence_required {
            put("residence_required", "1".into());
        }
        if self.eligibility.disability_certificate_required {
            put("disability_certificate_required", "1".into());
        }
        put("eligibility_note", self.eligibility.note.clone().unwrap_or_default());
        put("cost", self.cost.clone());
        if let Some(p) = &self.price {
            put("price_yuan", fen_to_yuan(p.amount_fen));
            put("price_unit", p.unit.clone());
        }
        put("phone", self.phone.clone());
        put("capacity", self.capacity.map(|c| c.to_string()).unwrap_or_default());
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_posted_form_becomes_an_input_and_back() {
        let posted = pairs(&[
            ("category", "meal-assistance"),
            ("name_zh", "长者食堂"),
            ("description_zh", "午餐"),
            ("delivery", "at-home"),
            ("place_id", "12"),
            ("coverage", "14"),
            ("coverage", "15"),
            ("opens_1", "11:00"),
            ("closes_1", "13:00"),
            ("exceptions", "2026-10-01 休息\r\n\r\n2026-10-11 08:30-17:00"),
            ("min_age", "60"),
            ("residence_required", "1"),
            ("cost", "subsidized"),
            ("price_yuan", "12.5"),
            ("price_unit", "meal"),
            ("phone", "028-85550101"),
        ]);
        let (input, errors) = OfferingInput::from_form(&posted);
        assert!(errors.is_empty(), "{errors:?}");
        let draft = input.check().unwrap();
        assert_eq!(draft.price.unwrap().0, 1250);
        assert_eq!(draft.hours.exceptions.len(), 2);
        let shown = input.to_form();
        assert_eq!(shown["price_yuan"], "12.50");
        assert_eq!(shown["coverage"], "14,15");
        assert_eq!(shown["exceptions"], "2026-10-01 休息\n2026-10-11 08:30-17:00");
        assert_eq!(shown["opens_1"], "11:00");
        assert!(!shown.contains_key("opens_2"));
    }

    #[test]
    fn what_cannot_be_read_is_named() {
        let (_, errors) = OfferingInput::from_form(&pairs(&[
            ("opens_3", "08:00"),
            ("exceptions", "十月一日 休息"),
            ("price_yuan", "12元"),
            ("capacity", "很多"),
        ]));
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["hours", "exceptions", "price", "capacity"]);
        assert!(errors[1].message.zh.contains("第 1 行"));
    }

    #[test]
    fn yuan_are_read_exactly() {
        assert_eq!(yuan_to_fen("12"), Some(1200));
        assert_eq!(yuan_to_fen("¥0.05"), Some(5));
        assert_eq!(yuan_to_fen("3.1"), Some(310));
        for bad in ["", "1.234", "-1", "1e3", ".5"] {
            assert_eq!(yuan_to_fen(bad), None, "{bad}");
        }
    }
}
