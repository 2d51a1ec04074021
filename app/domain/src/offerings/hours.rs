//! Opening hours: a weekly pattern plus dated exceptions (public holidays, and China's
//! adjusted working days 调休 when a weekend day is worked). Kept structured so an
//! organization edits it field by field; rendered once, when written, into the two
//! sentences the service page shows.

use crate::message::Message;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A time of day to the minute, "08:30".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub fn parse(raw: &str) -> Option<Self> {
        let (h, m) = raw.trim().split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        // 24:00 closes a day that runs to midnight.
        (h < 24 && m < 60 || h == 24 && m == 0).then_some(Self(h * 60 + m))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom("a time is written 08:30"))
    }
}

/// A calendar date, "2026-10-01". Only its shape and the days of its month are checked:
/// the calendar needs nothing more here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (year, month, day): (u16, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 2000 && (1..=days).contains(&day)).then_some(Self { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom("a date is written 2026-10-01"))
    }
}

/// Open from `opens` until `closes` on a weekday, 1 = Monday … 7 = Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    pub day: u8,
    pub opens: TimeOfDay,
    pub closes: TimeOfDay,
}

/// A date that differs from the week: closed (a public holiday), or open at other hours
/// (an adjusted working day, a shortened eve).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedHours {
    pub date: Date,
    /// Open `[opens, closes]` that day; absent means closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<TimeOfDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<TimeOfDay>,
}

/// When an offering is open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    #[serde(default)]
    pub weekly: Vec<WeeklyHours>,
    #[serde(default)]
    pub exceptions: Vec<DatedHours>,
    /// Anything the pattern cannot say ("请提前一天预约"), in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// At most this many dated exceptions (a year of holidays and adjusted days fits).
pub const MAX_EXCEPTIONS: usize = 40;

const DAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl OpeningHours {
    /// Checks the pattern: days 1–7, each range opening before it closes, ranges of one
    /// day not overlapping, exceptions on distinct dates with both times or neither.
    pub fn checked(mut self) -> Result<Self, FieldError> {
        let bad = |zh: String, en: String| FieldError::with("hours", Message::owned(zh, en));
        for w in &self.weekly {
            if !(1..=7).contains(&w.day) {
                return Err(bad(
                    format!("星期应为 1（周一）到 7（周日），不能是 {}", w.day),
                    format!("day must be 1 (Monday) to 7 (Sunday), not {}", w.day),
                ));
            }
            if w.opens >= w.closes {
                let d = usize::from(w.day - 1);
                return Err(bad(
                    format!("{} 的开始时间 {} 应早于结束时间 {}", DAYS_ZH[d], w.opens, w.closes),
                    format!(
                        "{}: opening time {} must be before closing time {}",
                        DAYS_EN[d], w.opens, w.closes
                    ),
                ));
            }
        }
        self.weekly.sort_by_key(|w| (w.day, w.opens));
        if let Some(pair) = self
            .weekly
            .windows(2)
            .find(|p| p[0].day == p[1].day && p[1].opens < p[0].closes)
        {
            let d = usize::from(pair[0].day - 1);
            return Err(bad(
                format!("{} 的时间段重叠", DAYS_ZH[d]),
                format!("{}: the time ranges overlap", DAYS_EN[d]),
            ));
        }
        if self.exceptions.len() > MAX_EXCEPTIONS {
            return Err(bad(
                format!("特殊日期最多 {MAX_EXCEPTIONS} 个"),
                format!("at most {MAX_EXCEPTIONS} dated exceptions"),
            ));
        }
        for e in &self.exceptions {
            match (e.opens, e.closes) {
                (None, None) => {}
                (Some(o), Some(c)) if o < c => {}
                _ => {
                    return Err(bad(
                        format!("{}：请填写开始和结束时间（开始早于结束），或设为休息", e.date),
                        format!(
                            "{}: give both times (opening before closing), or mark it closed",
                            e.date
                        ),
                    ))
                }
            }
        }
        self.exceptions.sort_by_key(|e| e.date);
        if let Some(pair) = self.exceptions.windows(2).find(|p| p[0].date == p[1].date) {
            return Err(bad(
                format!("{} 出现了两次", pair[0].date),
                format!("{} is given twice", pair[0].date),
            ));
        }
        self.note = match self.note.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) => Some(crate::validation::required_text("hours", n, 100)?),
        };
        Ok(self)
    }

    /// The sentence the service page shows, e.g. "周一至周五 08:30–17:00；10-01 休息".
    pub fn render(&self, lang: crate::lang::Lang) -> String {
        use crate::lang::Lang;
        let (days, to, sep, closed, none) = match lang {
            Lang::Zh => (DAYS_ZH, "至", "；", "休息", "请电话咨询"),
            Lang::En => (DAYS_EN, "–", "; ", "closed", "call to ask"),
        };
        // Days with the same ranges are written once, consecutive ones as a span.
        let mut groups: Vec<(Vec<u8>, String)> = Vec::new();
        for day in 1..=7u8 {
            let ranges: Vec<String> = self
                .weekly
                .iter()
                .filter(|w| w.day == day)
                .map(|w| format!("{}–{}", w.opens, w.closes))
                .collect();
            if ranges.is_empty() {
                continue;
            }
            let ranges = ranges.join(", ");
            match groups.last_mut() {
                Some((ds, r)) if *r == ranges && ds.last() == Some(&(day - 1)) => ds.push(day),
                _ => groups.push((vec![day], ranges)),
            }
        }
        let mut parts: Vec<String> = groups
            .iter()
            .map(|(ds, ranges)| {
                let first = days[usize::from(ds[0] - 1)];
                let name = match ds.len() {
                    1 => first.to_owned(),
                    2 => format!("{first}, {}", days[usize::from(ds[1] - 1)]),
                    _ => format!("{first}{to}{}", days[usize::from(ds[ds.len() - 1] - 1)]),
                };
                format!("{name} {ranges}")
            })
            .collect();
        for e in &self.exceptions {
            parts.push(match (e.opens, e.closes) {
                (Some(o), Some(c)) => format!("{} {o}–{c}", e.date),
                _ => format!("{} {closed}", e.date),
            });
        }
        if let Some(note) = &self.note {
            parts.push(note.clone());
        }
        if parts.is_empty() {
            none.to_owned()
        } else {
            parts.join(sep)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn t(raw: &str) -> TimeOfDay {
        TimeOfDay::parse(raw).unwrap()
    }

    fn week(days: &[u8], opens: &str, closes: &str) -> Vec<WeeklyHours> {
        days.iter()
            .map(|&day| WeeklyHours {
                day,
                opens: t(opens),
                closes: t(closes),
            })
            .collect()
    }

    #[test]
    fn times_and_dates_parse_only_when_real() {
        assert_eq!(t("8:30").to_string(), "08:30");
        assert_eq!(t("24:00").to_string(), "24:00");
        for bad in ["24:01", "12:60", "1230", "", "ab:cd", "12:5"] {
            assert!(TimeOfDay::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Date::parse("2028-02-29").unwrap().to_string(), "2028-02-29");
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "1999-01-01",
            "2026-04-31",
            "20260401",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn renders_spans_pairs_exceptions_and_note_in_both_languages() {
        let mut weekly = week(&[1, 2, 3, 4, 5], "08:30", "17:00");
        weekly.extend(week(&[7], "09:00", "12:00"));
        let hours = OpeningHours {
            weekly,
            exceptions: vec![
                DatedHours {
                    date: Date::parse("2026-10-01").unwrap(),
                    opens: None,
                    closes: None,
                },
                DatedHours {
                    date: Date::parse("2026-10-11").unwrap(),
                    opens: Some(t("08:30")),
                    closes: Some(t("17:00")),
                },
            ],
            note: Some("请提前一天预约".into()),
        }
        .checked()
        .unwrap();
        assert_eq!(
            hours.render(Lang::Zh),
            "周一至周五 08:30–17:00；周日 09:00–12:00；2026-10-01 休息；2026-10-11 08:30–17:00；请提前一天预约"
        );
        assert_eq!(
            hours.render(Lang::En),
            "Mon–Fri 08:30–17:00; Sun 09:00–12:00; 2026-10-01 closed; 2026-10-11 08:30–17:00; 请提前一天预约"
        );
        let two = OpeningHours {
            weekly: week(&[6, 7], "09:00", "11:00"),
            ..Default::default()
        };
        assert_eq!(two.render(Lang::En), "Sat, Sun 09:00–11:00");
        assert_eq!(OpeningHours::default().render(Lang::Zh), "请电话咨询");
    }

    #[test]
    fn a_lunch_break_is_two_ranges_of_one_day() {
        let mut weekly = week(&[1], "14:00", "17:30");
        weekly.extend(week(&[1], "08:30", "12:00"));
        let hours = OpeningHours {
            weekly,
            ..Default::default()
        }
        .checked()
        .unwrap();
        assert_eq!(hours.render(Lang::Zh), "周一 08:30–12:00, 14:00–17:30");
    }

    #[test]
    fn refuses_what_cannot_be_opening_hours() {
        let refused = |h: OpeningHours| h.checked().unwrap_err().message.en;
        assert!(refused(OpeningHours {
            weekly: week(&[8], "08:00", "09:00"),
            ..Default::default()
        })
        .contains("day must be 1"));
        assert!(refused(OpeningHours {
            weekly: week(&[2], "17:00", "08:00"),
            ..Default::default()
        })
        .contains("before closing"));
        let mut overlapping = week(&[3], "08:00", "12:00");
        overlapping.extend(week(&[3], "11:00", "13:00"));
        assert!(refused(OpeningHours {
            weekly: overlapping,
            ..Default::default()
        })
        .contains("overlap"));
        let date = Date::parse("2026-10-01").unwrap();
        let half = DatedHours {
            date,
            opens: Some(t("08:00")),
            closes: None,
        };
        assert!(refused(OpeningHours {
            exceptions: vec![half],
            ..Default::default()
        })
        .contains("both times"));
        let closed = DatedHours {
            date,
            opens: None,
            closes: None,
        };
        assert!(refused(OpeningHours {
            exceptions: vec![closed.clone(), closed],
            ..Default::default()
        })
        .contains("twice"));
    }

    #[test]
    fn json_shape_is_strict() {
        let ok: OpeningHours = serde_json::from_str(
            r#"{"weekly":[{"day":1,"opens":"08:00","closes":"12:00"}],"exceptions":[{"date":"2026-10-01"}]}"#,
        )
        .unwrap();
        assert_eq!(ok.exceptions[0].opens, None);
        assert!(
            serde_json::from_str::<OpeningHours>(r#"{"weekly":[{"day":1,"opens":"8am","closes":"12:00"}]}"#).is_err()
        );
        assert!(serde_json::from_str::<OpeningHours>(r#"{"daily":[]}"#).is_err());
    }
}
