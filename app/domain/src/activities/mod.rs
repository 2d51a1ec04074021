//! Volunteer activities (志愿活动): what organizations and community staff publish, who
//! signs up, the waitlist, attendance and the hours that make a volunteer's record.
//!
//! The rules live here as pure functions (`signup.rs`: who gets a place and who waits,
//! who is promoted when a place frees; `hours.rs`: attended time and star levels), so the
//! store only has to apply them inside one transaction: never more confirmed volunteers
//! than places, whatever the concurrency, is the database's to guarantee (a row lock and a
//! check), and what the rule *is* is tested here.

pub mod attendance;
pub mod certificate;
pub mod editing;
pub mod hours;
pub mod input;
pub mod roster;
pub mod search;
pub mod signup;
pub mod store;
#[cfg(test)]
mod tests;
pub mod use_cases;

use crate::accounts::store::Millis;
use crate::geo::Coordinates;
use crate::ids::{ActivityId, GridUnitId, OrganizationId};
use crate::message::Message;
use serde::{Deserialize, Serialize};

/// What volunteers do at an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivityKind {
    /// 探访: visiting an older resident at home.
    #[serde(rename = "elder-visit")]
    ElderVisit,
    /// 送餐
    #[serde(rename = "meal-delivery")]
    MealDelivery,
    /// 助行陪同: accompanying someone to a clinic, a bank, a walk.
    #[serde(rename = "escort")]
    Escort,
    /// 义诊: a free health check day.
    #[serde(rename = "health-day")]
    HealthDay,
    /// 清洁: cleaning a courtyard or an older resident's home.
    #[serde(rename = "cleanup")]
    Cleanup,
    /// 义剪: free haircuts.
    #[serde(rename = "haircut")]
    Haircut,
    /// 助老用机: helping older residents with their phones.
    #[serde(rename = "phone-help")]
    PhoneHelp,
    /// 文体活动: singing, chess, exercise with residents.
    #[serde(rename = "recreation")]
    Recreation,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 8] = [
        ActivityKind::ElderVisit,
        ActivityKind::MealDelivery,
        ActivityKind::Escort,
        ActivityKind::HealthDay,
        ActivityKind::Cleanup,
        ActivityKind::Haircut,
        ActivityKind::PhoneHelp,
        ActivityKind::Recreation,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ActivityKind::ElderVisit => "elder-visit",
            ActivityKind::MealDelivery => "meal-delivery",
            ActivityKind::Escort => "escort",
            ActivityKind::HealthDay => "health-day",
            ActivityKind::Cleanup => "cleanup",
            ActivityKind::Haircut => "haircut",
            ActivityKind::PhoneHelp => "phone-help",
            ActivityKind::Recreation => "recreation",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn name(self) -> Message {
        match self {
            ActivityKind::ElderVisit => Message::fixed("探访老人", "Visiting older residents"),
            ActivityKind::MealDelivery => Message::fixed("送餐上门", "Meal delivery"),
            ActivityKind::Escort => Message::fixed("助行陪同", "Accompanying"),
            ActivityKind::HealthDay => Message::fixed("义诊", "Free health check"),
            ActivityKind::Cleanup => Message::fixed("清洁打扫", "Cleaning up"),
            ActivityKind::Haircut => Message::fixed("义剪", "Free haircuts"),
            ActivityKind::PhoneHelp => Message::fixed("教老人用手机", "Phone help for older residents"),
            ActivityKind::Recreation => Message::fixed("文体活动", "Recreation"),
        }
    }
}

/// What an activity may ask of its volunteers: a fixed list, so a volunteer can filter by
/// it and both languages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Skill {
    #[serde(rename = "companionship")]
    Companionship,
    #[serde(rename = "first-aid")]
    FirstAid,
    #[serde(rename = "medical")]
    Medical,
    #[serde(rename = "driving")]
    Driving,
    #[serde(rename = "cooking")]
    Cooking,
    #[serde(rename = "haircut")]
    Haircut,
    #[serde(rename = "repair")]
    Repair,
    #[serde(rename = "sign-language")]
    SignLanguage,
    #[serde(rename = "phone-help")]
    PhoneHelp,
    #[serde(rename = "lifting")]
    Lifting,
}

impl Skill {
    pub const ALL: [Skill; 10] = [
        Skill::Companionship,
        Skill::FirstAid,
        Skill::Medical,
        Skill::Driving,
        Skill::Cooking,
        Skill::Haircut,
        Skill::Repair,
        Skill::SignLanguage,
        Skill::PhoneHelp,
        Skill::Lifting,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Skill::Companionship => "companionship",
            Skill::FirstAid => "first-aid",
            Skill::Medical => "medical",
            Skill::Driving => "driving",
            Skill::Cooking => "cooking",
            Skill::Haircut => "haircut",
            Skill::Repair => "repair",
            Skill::SignLanguage => "sign-language",
            Skill::PhoneHelp => "phone-help",
            Skill::Lifting => "lifting",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn name(self) -> Message {
        match self {
            Skill::Companionship => Message::fixed("陪伴聊天", "Companionship"),
            Skill::FirstAid => Message::fixed("急救", "First aid"),
            Skill::Medical => Message::fixed("医护", "Medical care"),
            Skill::Driving => Message::fixed("驾驶", "Driving"),
            Skill::Cooking => Message::fixed("烹饪", "Cooking"),
            Skill::Haircut => Message::fixed("理发", "Haircutting"),
            Skill::Repair => Message::fixed("维修", "Repairs"),
            Skill::SignLanguage => Message::fixed("手语", "Sign language"),
            Skill::PhoneHelp => Message::fixed("手机教学", "Teaching phone use"),
            Skill::Lifting => Message::fixed("搬运", "Lifting and carrying"),
        }
    }

    /// Skills as stored: slugs joined by commas, in a fixed order.
    pub fn join(skills: &[Skill]) -> String {
        let mut sorted = skills.to_vec();
        sorted.sort();
        sorted.dedup();
        sorted.iter().map(|s| s.slug()).collect::<Vec<_>>().join(",")
    }

    /// Skills read back; unknown slugs (none are written) are skipped.
    pub fn split(stored: &str) -> Vec<Skill> {
        stored.split(',').filter_map(Skill::parse).collect()
    }
}

/// Where an activity stands. Only published ones are shown to volunteers; a cancelled one
/// keeps its page (saying so and why) for those who had signed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActivityStatus {
    Draft,
    Published,
    Cancelled,
    /// Closed by its organizer once hours are settled.
    Finished,
}

impl ActivityStatus {
    pub const ALL: [ActivityStatus; 4] = [
        ActivityStatus::Draft,
        ActivityStatus::Published,
        ActivityStatus::Cancelled,
        ActivityStatus::Finished,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ActivityStatus::Draft => "draft",
            ActivityStatus::Published => "published",
            ActivityStatus::Cancelled => "cancelled",
            ActivityStatus::Finished => "finished",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn words(self) -> Message {
        match self {
            ActivityStatus::Draft => Message::fixed("草稿（未发布）", "draft (not published)"),
            ActivityStatus::Published => Message::fixed("报名中", "open"),
            ActivityStatus::Cancelled => Message::fixed("已取消", "cancelled"),
            ActivityStatus::Finished => Message::fixed("已结束", "finished"),
        }
    }
}

/// Who runs an activity: a verified organization, or a community's staff themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Organizer {
    Organization(OrganizationId),
    Community(GridUnitId),
}

/// An activity as anyone may see it: never who signed up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: ActivityId,
    pub organizer: Organizer,
    /// The organization's name, or the community's ("玉林社区居委会").
    pub organizer_name: Message,
    pub community: GridUnitId,
    pub place: GridUnitId,
    /// The place's name in its community ("玉林社区 · 3 号院").
    pub place_name: Message,
    pub address: String,
    pub position: Coordinates,
    pub kind: ActivityKind,
    pub title: Message,
    pub description: Message,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub signup_deadline: Millis,
    pub places: u32,
    pub confirmed: u32,
    pub waitlisted: u32,
    pub skills: Vec<Skill>,
    pub min_age: Option<u8>,
    pub status: ActivityStatus,
    pub cancel_reason: Option<String>,
    pub revision: i64,
    pub updated_at: Millis,
}

impl Activity {
    pub fn places_left(&self) -> u32 {
        self.places.saturating_sub(self.confirmed)
    }

    /// Whether sign-ups are open at `now`.
    pub fn open_at(&self, now: Millis) -> bool {
        self.status == ActivityStatus::Published && now < self.signup_deadline && now < self.starts_at
    }

    /// The length of the activity in minutes (what attended hours are capped at).
    pub fn minutes(&self) -> u32 {
        hours::minutes_between(self.starts_at, self.ends_at)
    }
}

/// An activity found by a search, with how far it is from where the volunteer is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityHit {
    pub activity: Activity,
    pub distance_m: Option<u32>,
}

/// When an activity happens, as people read it: "12月20日 周六 09:00–11:30" /
/// "Sat 20 Dec 09:00–11:30"; the end's day is named when it is another day.
pub fn when_words(starts_at: Millis, ends_at: Millis) -> Message {
    use crate::calendar::Day;
    const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS_EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let clock = |at: Millis| {
        let minutes = (at - Day::of(at).start_millis()) / 60_000;
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    };
    let day_zh = |day: Day| {
        let (_, m, d) = day.ymd();
        format!("{m}月{d}日 {}", WEEKDAYS_ZH[usize::from(day.weekday() - 1)])
    };
    let day_en = |day: Day| {
        let (_, m, d) = day.ymd();
        format!(
            "{} {d} {}",
            WEEKDAYS_EN[usize::from(day.weekday() - 1)],
            MONTHS_EN[(m - 1) as usize]
        )
    };
    let (first, last) = (Day::of(starts_at), Day::of(ends_at));
    if first == last {
        Message::owned(
            format!("{} {}–{}", day_zh(first), clock(starts_at), clock(ends_at)),
            format!("{} {}–{}", day_en(first), clock(starts_at), clock(ends_at)),
        )
    } else {
        Message::owned(
            format!(
                "{} {} 至 {} {}",
                day_zh(first),
                clock(starts_at),
                day_zh(last),
                clock(ends_at)
            ),
            format!(
                "{} {} to {} {}",
                day_en(first),
                clock(starts_at),
                day_en(last),
                clock(ends_at)
            ),
        )
    }
}
