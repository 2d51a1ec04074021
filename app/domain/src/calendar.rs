//! Days in Chengdu (Asia/Shanghai, UTC+8 all year: China keeps no summer time) and
//! China's working days: weekends, public holidays and the adjusted working days
//! (调休) when a weekend day is worked, as the State Council publishes them each year.
//!
//! Deadlines that say "working days" (an organization's 48 hours to answer a request,
//! community staff's 5 working days for a follow-up) are counted here, so the inbox, the
//! dashboard and the tests agree.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const DAY_MS: i64 = 24 * 3600 * 1000;
/// Asia/Shanghai's offset from UTC.
pub const OFFSET_MS: i64 = 8 * 3600 * 1000;

/// A calendar day in Asia/Shanghai, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

impl Day {
    pub fn from_days(days: i64) -> Self {
        Self(days)
    }

    pub fn days(self) -> i64 {
        self.0
    }

    /// The local day an instant (epoch milliseconds) falls on.
    pub fn of(millis: i64) -> Self {
        Self((millis + OFFSET_MS).div_euclid(DAY_MS))
    }

    /// Local midnight at the start of the day, as epoch milliseconds.
    pub fn start_millis(self) -> i64 {
        self.0 * DAY_MS - OFFSET_MS
    }

    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        if !(1..=days_in_month).contains(&day) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Self(era * 146_097 + doe - 719_468))
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(month <= 2), month, day)
    }

    /// "2026-12-01" (years 2000 to 2100: anything else is a typo here).
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let year: i64 = y.parse().ok()?;
        if !(2000..=2100).contains(&year) {
            return None;
        }
        Self::from_ymd(year, m.parse().ok()?, d.parse().ok()?)
    }

    /// 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        ((self.0 + 3).rem_euclid(7) + 1) as u8
    }

    /// The Monday of its week: weekly capacity is counted per such week.
    pub fn week_start(self) -> Self {
        Self(self.0 - i64::from(self.weekday()) + 1)
    }

    pub fn plus(self, days: i64) -> Self {
        Self(self.0 + days)
    }

    /// A working day: a weekday that is not a public holiday, or a weekend day worked
    /// in exchange for one.
    pub fn is_working_day(self) -> bool {
        let date = self.to_string();
        if ADJUSTED_WORKING_DAYS.contains(&date.as_str()) {
            return true;
        }
        self.weekday() <= 5 && !PUBLIC_HOLIDAYS.contains(&date.as_str())
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom("a date is written 2026-12-01"))
    }
}

/// Days off by the State Council's notice for 2026 (国办发明电〔2025〕7号). A year
/// without its notice here counts weekends only; add each year's when it is published.
const PUBLIC_HOLIDAYS: &[&str] = &[
    "2026-01-01",
    "2026-01-02",
    "2026-01-03", // 元旦
    "2026-02-15",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-21",
    "2026-02-22",
    "2026-02-23", // 春节
    "2026-04-04",
    "2026-04-05",
    "2026-04-06", // 清明节
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05", // 劳动节
    "2026-06-19",
    "2026-06-20",
    "2026-06-21", // 端午节
    "2026-09-25",
    "2026-09-26",
    "2026-09-27", // 中秋节
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07", // 国庆节
];

/// Weekend days worked in exchange (调休上班), 2026.
const ADJUSTED_WORKING_DAYS: &[&str] = &[
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
];

/// When `working_hours` of working time have passed since `from` (epoch milliseconds):
/// only the hours of working days count, whole days at a time. So 48 hours from a
/// Friday at 10:00 is Tuesday at 10:00, and from the eve of the National Day holiday it
/// is after the holiday.
pub fn after_working_hours(from: i64, working_hours: i64) -> i64 {
    let mut left = working_hours * 3600 * 1000;
    let mut day = Day::of(from);
    let mut at = from;
    loop {
        let end_of_day = day.plus(1).start_millis();
        if day.is_working_day() {
            let here = end_of_day - at;
            if left <= here {
                return at + left;
            }
            left -= here;
        }
        day = day.plus(1);
        at = end_of_day;
    }
}

/// The end of the `n`th working day after the day of `from`: "within 5 working days".
pub fn after_working_days(from: i64, n: u32) -> i64 {
    let mut day = Day::of(from);
    let mut counted = 0;
    while counted < n {
        day = day.plus(1);
        if day.is_working_day() {
            counted += 1;
        }
    }
    day.plus(1).start_millis()
}

/// An instant written as RFC 3339 ("2026-12-01T09:30:00+08:00", "…Z", seconds and their
/// fractions optional), as epoch milliseconds. Without a zone it is refused: the API
/// says which instant it means.
pub fn parse_rfc3339(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (local, offset_ms) = if let Some(rest) = raw.strip_suffix(['Z', 'z']) {
        (rest, 0)
    } else {
        let sign_at = raw.rfind(['+', '-']).filter(|i| *i > 10)?;
        let (local, zone) = raw.split_at(sign_at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone[1..].split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        if h > 23 || m > 59 {
            return None;
        }
        (local, sign * (h * 60 + m) * 60 * 1000)
    };
    parse_local(local, 0).map(|utc_if_no_offset| utc_if_no_offset - offset_ms)
}

/// A wall-clock time in Chengdu as a form's `datetime-local` sends it
/// ("2026-12-01T09:30", seconds optional), as epoch milliseconds.
pub fn parse_local_datetime(raw: &str) -> Option<i64> {
    parse_local(raw.trim(), OFFSET_MS)
}

/// "YYYY-MM-DDTHH:MM[:SS[.fff]]" taken as `offset_ms` ahead of UTC.
fn parse_local(raw: &str, offset_ms: i64) -> Option<i64> {
    let (date, time) = raw.split_once(['T', 't', ' '])?;
    let day = Day::parse(date)?;
    let mut parts = time.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    let s = parts.next();
    if parts.next().is_some() || h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let (secs, millis) = match s {
        None => (0, 0),
        Some(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
            if whole.len() != 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let millis = format!("{fraction:0<3}")[..3].parse::<i64>().ok()?;
            (whole.parse::<i64>().ok()?, millis)
        }
    };
    if h > 23 || m > 59 || secs > 59 {
        return None;
    }
    Some(day.0 * DAY_MS + ((h * 60 + m) * 60 + secs) * 1000 + millis - offset_ms)
}

/// "2026-12-01 09:30", in Chengdu.
pub fn local_time(millis: i64) -> String {
    let day = Day::of(millis);
    let minutes = (millis - day.start_millis()) / 60_000;
    format!("{day} {:02}:{:02}", minutes / 60, minutes % 60)
}

/// "2026-12-01T09:30", in Chengdu: what a form's `datetime-local` field shows.
pub fn datetime_local(millis: i64) -> String {
    local_time(millis).replacen(' ', "T", 1)
}

/// The same instant as RFC 3339 in Chengdu's offset: "2026-12-01T09:30:00+08:00".
pub fn rfc3339(millis: i64) -> String {
    let day = Day::of(millis);
    let seconds = (millis - day.start_millis()) / 1000;
    format!(
        "{day}T{:02}:{:02}:{:02}+08:00",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(date: &str, hour: i64) -> i64 {
        Day::parse(date).unwrap().start_millis() + hour * 3600 * 1000
    }

    #[test]
    fn days_are_local_to_chengdu() {
        // 2026-11-26 16:30 UTC is 00:30 on the 27th in Chengdu.
        let d = Day::parse("2026-11-27").unwrap();
        assert_eq!(Day::of(d.start_millis() + 30 * 60 * 1000), d);
        assert_eq!(Day::of(d.start_millis() - 1), d.plus(-1));
        assert_eq!(d.weekday(), 5, "a Friday");
        assert_eq!(d.week_start().to_string(), "2026-11-23");
        assert_eq!(Day::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Day::parse("2026-02-29").is_none());
        assert!(Day::parse("1999-01-01").is_none());
        assert!(Day::parse("2026-1-01").is_none());
    }

    #[test]
    fn holidays_and_adjusted_days() {
        let day = |s| Day::parse(s).unwrap();
        assert!(!day("2026-10-05").is_working_day(), "国庆");
        assert!(day("2026-10-10").is_working_day(), "a Saturday worked");
        assert!(!day("2026-11-28").is_working_day(), "a plain Saturday");
        assert!(day("2026-11-27").is_working_day());
    }

    #[test]
    fn working_hours_skip_weekends_and_holidays() {
        // Friday 10:00 + 48 working hours = Tuesday 10:00.
        assert_eq!(after_working_hours(at("2026-11-27", 10), 48), at("2026-12-01", 10));
        // Submitted on Saturday: the clock starts on Monday.
        assert_eq!(after_working_hours(at("2026-11-28", 15), 48), at("2026-12-02", 0));
        // The eve of National Day: Sept 30, then the holiday, then the worked Saturday.
        assert_eq!(after_working_hours(at("2026-09-30", 12), 48), at("2026-10-09", 12));
        // 5 working days after a Wednesday: the end of the next Wednesday.
        assert_eq!(after_working_days(at("2026-11-25", 9), 5), at("2026-12-03", 0));
    }

    #[test]
    fn instants_read_and_written() {
        let nine_thirty = at("2026-12-01", 9) + 30 * 60 * 1000;
        assert_eq!(parse_rfc3339("2026-12-01T09:30:00+08:00"), Some(nine_thirty));
        assert_eq!(parse_rfc3339("2026-12-01T01:30:00Z"), Some(nine_thirty));
        assert_eq!(parse_rfc3339("2026-12-01T01:30:00.250Z"), Some(nine_thirty + 250));
        assert_eq!(parse_rfc3339("2026-11-30T20:30:00-05:00"), Some(nine_thirty));
        assert_eq!(parse_rfc3339("2026-12-01T09:30:00"), None, "a zone is required");
        assert_eq!(parse_rfc3339("2026-12-01T25:30:00Z"), None);
        assert_eq!(parse_rfc3339("tomorrow"), None);
        assert_eq!(parse_local_datetime("2026-12-01T09:30"), Some(nine_thirty));
        assert_eq!(local_time(nine_thirty), "2026-12-01 09:30");
        assert_eq!(datetime_local(nine_thirty), "2026-12-01T09:30");
        assert_eq!(rfc3339(nine_thirty), "2026-12-01T09:30:00+08:00");
    }

    proptest! {
        #[test]
        fn instants_go_round(millis in 946_684_800_000i64..4_102_444_800_000) {
            let whole_seconds = millis - millis.rem_euclid(1000);
            prop_assert_eq!(parse_rfc3339(&rfc3339(millis)), Some(whole_seconds));
        }

        #[test]
        fn dates_go_round(days in -20_000i64..60_000) {
            let d = Day::from_days(days);
            let (y, m, dd) = d.ymd();
            prop_assert_eq!(Day::from_ymd(y, m, dd), Some(d));
            prop_assert_eq!(d.plus(1).weekday() % 7, (d.weekday() + 1) % 7);
            prop_assert_eq!(d.week_start().weekday(), 1);
        }
    }
}
