//! Community oversight: what community staff see for their communities over a period.
//! Requests by status, how long residents wait for an answer and for the service,
//! satisfaction by organization, category and grid unit, follow-ups, and the demand
//! that went unmet: the evidence for what to contract next.
//!
//! The store hands over counts grouped as SQL groups them; everything computed from
//! them (averages, medians, shares, the roll-up of buildings into their courtyard) is
//! here, pure and tested, so the page, the CSV and the JSON say the same.

use crate::accounts::principal::Principal;
use crate::accounts::store::Millis;
use crate::calendar::{Day, DAY_MS};
use crate::error::AppError;
use crate::grid::GridKind;
use crate::ids::GridUnitId;
use crate::requests::lifecycle::Status;
use crate::store::StoreError;
use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Days from `from` to `to`, both included, in Chengdu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

/// The longest period a dashboard covers.
pub const MAX_PERIOD_DAYS: i64 = 366;

impl Period {
    /// The period `from`–`to` as typed ("2026-01-01"); by default the last 30 days.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Day) -> Result<Self, AppError> {
        let day = |field: &str, raw: Option<&str>, default: Day| -> Result<Day, FieldError> {
            match raw.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(default),
                Some(text) => Day::parse(text).ok_or_else(|| {
                    FieldError::new(
                        field.to_owned(),
                        "日期格式应为 2026-01-31",
                        "must be a date such as 2026-01-31",
                    )
                }),
            }
        };
        let to_day = day("to", to, today).map_err(|e| AppError::BadRequest(vec![e]))?;
        let from_day = day("from", from, to_day.plus(-29)).map_err(|e| AppError::BadRequest(vec![e]))?;
        if from_day > to_day || to_day.days() - from_day.days() >= MAX_PERIOD_DAYS {
            return Err(AppError::BadRequest(vec![FieldError::new(
                "from",
                "开始日期须早于结束日期，且最长一年",
                "must be on or before `to`, and the period at most a year",
            )]));
        }
        Ok(Self {
            from: from_day,
            to: to_day,
        })
    }

    /// `[start, end)` in epoch milliseconds.
    pub fn millis(self) -> (Millis, Millis) {
        (self.from.start_millis(), self.to.plus(1).start_millis())
    }
}

/// Ratings of one group (an organization, a category, a grid unit), by score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// `counts[0]` is the number of 1s, … `counts[4]` of 5s.
    pub counts: [u32; 5],
}

impl Tally {
    pub fn add(&mut self, score: u8, n: u32) {
        if (1..=5).contains(&score) {
            self.counts[usize::from(score - 1)] += n;
        }
    }

    pub fn count(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// The mean score, to one decimal place as shown.
    pub fn average(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| {
            let sum: u64 = self
                .counts
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u64 + 1) * u64::from(*c))
                .sum();
            (sum as f64 / f64::from(n) * 10.0).round() / 10.0
        })
    }

    /// The share rating 4 or 5 (满意 or better), in whole percent.
    pub fn satisfied_percent(&self) -> Option<u32> {
        let n = self.count();
        (n > 0).then(|| ((self.counts[3] + self.counts[4]) as f64 * 100.0 / f64::from(n)).round() as u32)
    }
}

/// One row of a satisfaction table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// An organization's or grid unit's id, or a category's slug.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub tally: Tally,
}

/// One row of the demand table: a grid unit (down to level 3) and a category where
/// residents asked and were not served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    pub grid_unit: GridUnitId,
    pub unit_zh: String,
    pub unit_en: String,
    pub category: String,
    pub category_zh: String,
    pub category_en: String,
    /// Requests declined.
    pub declined: u32,
    /// Requests left unanswered past their deadline.
    pub unanswered: u32,
    /// People who named (or said "me too" to) a need here that staff recorded as unmet,
    /// and that is still open.
    pub needs_unmet: u32,
    pub needs_open: u32,
    /// Whether any active offering of the category reaches the unit.
    pub covered: bool,
}

impl Demand {
    pub fn total(&self) -> u32 {
        self.declined + self.unanswered + self.needs_unmet + self.needs_open
    }
}

/// Follow-ups of the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpFigures {
    /// Ratings of 1 or 2 given in the period.
    pub low_ratings: u32,
    /// Follow-ups opened in the period, and of those, closed.
    pub opened: u32,
    pub closed: u32,
    /// Open follow-ups past due now (whenever opened).
    pub overdue_now: u32,
    /// Closed ones where the resident was satisfied afterwards.
    pub now_satisfied: u32,
}

impl FollowUpFigures {
    /// Follow-ups closed as a share of those opened, in whole percent.
    pub fn closed_percent(&self) -> Option<u32> {
        (self.opened > 0).then(|| (f64::from(self.closed) * 100.0 / f64::from(self.opened)).round() as u32)
    }
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub period: Period,
    /// The communities it covers, by name.
    pub communities: Vec<(GridUnitId, String, String)>,
    /// Requests submitted in the period, by their status now.
    pub by_status: Vec<(Status, u32)>,
    /// Medians over requests submitted in the period: submission to acceptance, and
    /// submission to completion.
    pub median_to_accept_ms: Option<i64>,
    pub median_to_complete_ms: Option<i64>,
    pub by_organization: Vec<Satisfaction>,
    pub by_category: Vec<Satisfaction>,
    pub by_grid_unit: Vec<Satisfaction>,
    pub follow_ups: FollowUpFigures,
    pub demand: Vec<Demand>,
    /// Volunteering: activities of the period, places, waitlists, attendance, hours.
    pub participation: crate::participation::ParticipationFigures,
}

impl Dashboard {
    pub fn requests(&self) -> u32 {
        self.by_status.iter().map(|(_, n)| n).sum()
    }
}

/// A grid unit as the roll-up needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFacts {
    pub id: GridUnitId,
    pub parent: Option<GridUnitId>,
    pub kind: GridKind,
    pub name_zh: String,
    pub name_en: String,
}

/// What the store reads for a dashboard: counts grouped by SQL, and the two medians (as
/// [`median`] defines them, the lower middle), found by SQL too: at city scale a year's
/// durations are thousands of rows a dashboard need not carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DashboardRows {
    pub communities: Vec<(GridUnitId, String, String)>,
    /// Every grid unit in the communities (for the roll-up to level 3).
    pub units: Vec<UnitFacts>,
    pub by_status: Vec<(Status, u32)>,
    pub median_to_accept_ms: Option<i64>,
    pub median_to_complete_ms: Option<i64>,
    /// (organization id, name zh, name en, score, count)
    pub organization_scores: Vec<(i64, String, String, u8, u32)>,
    /// (category slug, name zh, name en, score, count)
    pub category_scores: Vec<(String, String, String, u8, u32)>,
    /// (grid unit, score, count)
    pub unit_scores: Vec<(GridUnitId, u8, u32)>,
    pub follow_ups: FollowUpFigures,
    /// (grid unit, category slug, category zh, category en, declined, unanswered)
    pub unmet: Vec<(GridUnitId, String, String, String, u32, u32)>,
    /// Needs named in the period: (grid unit, category slug or "", its names, people
    /// who need it recorded unmet, still open).
    pub needs: Vec<(GridUnitId, String, String, String, u32, u32)>,
    /// Where active offerings reach: (a coverage unit of an at-home offering, or the
    /// place of an on-site one; its category; whether at home).
    pub reach: Vec<(GridUnitId, String, bool)>,
    /// Activities starting in the period, counted per community, grid unit and organizer.
    pub participation: Vec<crate::participation::ParticipationRow>,
    /// Everyone with a place in one of them, counted once.
    pub volunteers: u32,
}

#[async_trait::async_trait]
pub trait OversightStore: Send + Sync {
    async fn dashboard_rows(
        &self,
        communities: &[GridUnitId],
        from: Millis,
        to: Millis,
        now: Millis,
    ) -> Result<DashboardRows, StoreError>;
}

/// The median of some durations (the lower middle of an even count: a duration that
/// happened).
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// Each unit's level-3 unit (courtyard, estate or resident unit) or, above that level,
/// itself: buildings are counted with their courtyard.
pub fn roll_up(units: &[UnitFacts]) -> BTreeMap<GridUnitId, GridUnitId> {
    let by_id: BTreeMap<GridUnitId, &UnitFacts> = units.iter().map(|u| (u.id, u)).collect();
    units
        .iter()
        .map(|u| {
            let mut at = u;
            while at.kind.level() > 3 {
                match at.parent.and_then(|p| by_id.get(&p)) {
                    Some(parent) => at = parent,
                    None => break,
                }
            }
            (u.id, at.id)
        })
        .collect()
}

/// The units from `unit` up to the top, itself first.
fn ancestors(units: &BTreeMap<GridUnitId, &UnitFacts>, unit: GridUnitId) -> Vec<GridUnitId> {
    let mut chain = vec![unit];
    while let Some(parent) = units.get(chain.last().expect("not empty")).and_then(|u| u.parent) {
        if chain.contains(&parent) || chain.len() > 16 {
            break;
        }
        chain.push(parent);
    }
    chain
}

/// Whether an active offering of `category` reaches `unit`: an at-home one covering it,
/// a unit above it or one inside it; or an on-site one in its community.
pub fn reaches(units: &[UnitFacts], reach: &[(GridUnitId, String, bool)], unit: GridUnitId, category: &str) -> bool {
    let by_id: BTreeMap<GridUnitId, &UnitFacts> = units.iter().map(|u| (u.id, u)).collect();
    let community = |u: GridUnitId| {
        ancestors(&by_id, u)
            .into_iter()
            .find(|a| by_id.get(a).is_some_and(|f| f.kind == GridKind::Community))
    };
    let above = ancestors(&by_id, unit);
    reach.iter().filter(|(_, c, _)| c == category).any(|(at, _, at_home)| {
        if *at_home {
            above.contains(at) || ancestors(&by_id, *at).contains(&unit)
        } else {
            community(*at).is_some_and(|c| Some(c) == community(unit))
        }
    })
}

/// The dashboard from what the store read: pure.
pub fn dashboard(period: Period, rows: DashboardRows) -> Dashboard {
    let up = roll_up(&rows.units);
    let names: BTreeMap<GridUnitId, (&str, &str)> = rows
        .units
        .iter()
        .map(|u| (u.id, (u.name_zh.as_str(), u.name_en.as_str())))
        .collect();
    let level3 = |unit: GridUnitId| up.get(&unit).copied().unwrap_or(unit);

    let mut organizations: BTreeMap<i64, Satisfaction> = BTreeMap::new();
    for (id, zh, en, score, n) in rows.organization_scores {
        organizations
            .entry(id)
            .or_insert_with(|| Satisfaction {
                key: id.to_string(),
                name_zh: zh,
                name_en: en,
                tally: Tally::default(),
            })
            .tally
            .add(score, n);
    }
    let mut categories: BTreeMap<String, Satisfaction> = BTreeMap::new();
    for (slug, zh, en, score, n) in rows.category_scores {
        categories
            .entry(slug.clone())
            .or_insert_with(|| Satisfaction {
                key: slug,
                name_zh: zh,
                name_en: en,
                tally: Tally::default(),
            })
            .tally
            .add(score, n);
    }
    let mut units: BTreeMap<GridUnitId, Satisfaction> = BTreeMap::new();
    for (unit, score, n) in rows.unit_scores {
        let at = level3(unit);
        let (zh, en) = names.get(&at).copied().unwrap_or(("", ""));
        units
            .entry(at)
            .or_insert_with(|| Satisfaction {
                key: at.to_string(),
                name_zh: zh.to_owned(),
                name_en: en.to_owned(),
                tally: Tally::default(),
            })
            .tally
            .add(score, n);
    }
    let mut demand: BTreeMap<(GridUnitId, String), Demand> = BTreeMap::new();
    let requests = rows
        .unmet
        .into_iter()
        .map(|(u, s, zh, en, d, a)| (u, s, zh, en, [d, a, 0, 0]));
    let needs = rows
        .needs
        .into_iter()
        .map(|(u, s, zh, en, m, o)| (u, s, zh, en, [0, 0, m, o]));
    for (unit, slug, zh, en, [declined, unanswered, needs_unmet, needs_open]) in requests.chain(needs) {
        let at = level3(unit);
        let (unit_zh, unit_en) = names.get(&at).copied().unwrap_or(("", ""));
        let row = demand.entry((at, slug.clone())).or_insert_with(|| Demand {
            grid_unit: at,
            unit_zh: unit_zh.to_owned(),
            unit_en: unit_en.to_owned(),
            covered: !slug.is_empty() && reaches(&rows.units, &rows.reach, at, &slug),
            category: slug,
            category_zh: zh,
            category_en: en,
            declined: 0,
            unanswered: 0,
            needs_unmet: 0,
            needs_open: 0,
        });
        row.declined += declined;
        row.unanswered += unanswered;
        row.needs_unmet += needs_unmet;
        row.needs_open += needs_open;
    }
    // Worst first: the lowest satisfaction (then the most ratings); the largest demand,
    // uncovered first.
    let worst_first = |map: Vec<Satisfaction>| {
        let mut v = map;
        v.sort_by(|a, b| {
            let (x, y) = (a.tally.average().unwrap_or(0.0), b.tally.average().unwrap_or(0.0));
            x.total_cmp(&y)
                .then(b.tally.count().cmp(&a.tally.count()))
                .then(a.key.cmp(&b.key))
        });
        v
    };
    let mut demand: Vec<Demand> = demand.into_values().collect();
    demand.sort_by(|a, b| {
        a.covered
            .cmp(&b.covered)
            .then(b.total().cmp(&a.total()))
            .then(a.grid_unit.cmp(&b.grid_unit))
            .then(a.category.cmp(&b.category))
    });
    let participation = crate::participation::participation(&rows.participation, rows.volunteers, level3, |u| {
        names
            .get(&u)
            .map(|(zh, en)| ((*zh).to_owned(), (*en).to_owned()))
            .unwrap_or_default()
    });
    let mut by_status = rows.by_status;
    by_status.sort_by_key(|(s, _)| Status::ALL.iter().position(|x| x == s));
    Dashboard {
        period,
        communities: rows.communities,
        by_status,
        median_to_accept_ms: rows.median_to_accept_ms,
        median_to_complete_ms: rows.median_to_complete_ms,
        by_organization: worst_first(organizations.into_values().collect()),
        by_category: worst_first(categories.into_values().collect()),
        by_grid_unit: worst_first(units.into_values().collect()),
        follow_ups: rows.follow_ups,
        demand,
        participation,
    }
}

/// The dashboard of the caller's communities (community staff only).
pub async fn load(
    store: &dyn OversightStore,
    who: &Principal,
    period: Period,
    now: Millis,
) -> Result<Dashboard, AppError> {
    if !who.is_community_staff() {
        return Err(AppError::Forbidden);
    }
    let (from, to) = period.millis();
    let rows = store.dashboard_rows(&who.roles.communities, from, to, now).await?;
    Ok(dashboard(period, rows))
}

/// Hours, for showing a duration: one decimal below ten hours, whole above.
pub fn hours(ms: i64) -> String {
    let h = ms as f64 / 3_600_000.0;
    if h < 10.0 {
        format!("{h:.1}")
    } else {
        format!("{}", h.round() as i64)
    }
}

/// Days, for a duration of days.
pub fn days(ms: i64) -> String {
    format!("{:.1}", ms as f64 / DAY_MS as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: i64) -> GridUnitId {
        GridUnitId::new(n).unwrap()
    }

    fn unit(n: i64, parent: Option<i64>, kind: GridKind) -> UnitFacts {
        UnitFacts {
            id: id(n),
            parent: parent.map(id),
            kind,
            name_zh: format!("单元{n}"),
            name_en: format!("Unit {n}"),
        }
    }

    #[test]
    fn medians_averages_and_shares() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
        let mut t = Tally::default();
        t.add(5, 3);
        t.add(2, 1);
        t.add(9, 4);
        assert_eq!(t.count(), 4);
        assert_eq!(t.average(), Some(4.3));
        assert_eq!(t.satisfied_percent(), Some(75));
        assert_eq!(Tally::default().average(), None);
    }

    #[test]
    fn buildings_count_with_their_courtyard() {
        let units = vec![
            unit(1, None, GridKind::Community),
            unit(2, Some(1), GridKind::Zone),
            unit(3, Some(2), GridKind::Courtyard),
            unit(4, Some(3), GridKind::Building),
        ];
        let up = roll_up(&units);
        assert_eq!(up[&id(4)], id(3));
        assert_eq!(up[&id(3)], id(3));
        assert_eq!(up[&id(2)], id(2));
        let rows = DashboardRows {
            units,
            unit_scores: vec![(id(4), 1, 2), (id(3), 5, 2)],
            unmet: vec![
                (id(4), "home-care".into(), "居家照护".into(), "Home care".into(), 1, 2),
                (id(3), "home-care".into(), "居家照护".into(), "Home care".into(), 1, 0),
                (id(2), "meals".into(), "助餐".into(), "Meals".into(), 0, 1),
            ],
            reach: vec![(id(4), "meals".into(), true)],
            needs: vec![(id(4), String::new(), "未分类".into(), "Uncategorized".into(), 3, 1)],
            ..Default::default()
        };
        let today = Day::parse("2026-11-27").unwrap();
        let d = dashboard(Period { from: today, to: today }, rows);
        assert_eq!(d.by_grid_unit.len(), 1);
        assert_eq!(d.by_grid_unit[0].tally.counts, [2, 0, 0, 0, 2]);
        assert_eq!(d.demand.len(), 3);
        // Uncovered first, the most people first: the four who need something uncategorized.
        let first = &d.demand[0];
        assert_eq!((first.category.as_str(), first.total(), first.covered), ("", 4, false));
        assert_eq!((first.needs_unmet, first.grid_unit), (3, id(3)));
        let second = &d.demand[1];
        assert_eq!((second.grid_unit, second.total(), second.covered), (id(3), 4, false));
        assert!(d.demand[2].covered, "a building of the zone is reached");
        let units = [
            unit(1, None, GridKind::Community),
            unit(3, Some(1), GridKind::Courtyard),
        ];
        let on_site = [(id(1), "meals".to_owned(), false)];
        assert!(reaches(&units, &on_site, id(3), "meals"));
        assert!(!reaches(&units, &on_site, id(3), "home-care"));
        let at_home_elsewhere = [(id(3), "meals".to_owned(), true)];
        assert!(!reaches(&units[..1], &at_home_elsewhere, id(1), "meals"));
    }

    #[test]
    fn periods_are_read_and_bounded() {
        let today = Day::parse("2026-11-27").unwrap();
        let p = Period::parse(None, None, today).unwrap();
        assert_eq!(
            (p.from.to_string(), p.to.to_string()),
            ("2026-10-29".into(), "2026-11-27".into())
        );
        let (a, b) = p.millis();
        assert_eq!(b - a, 30 * DAY_MS);
        assert!(Period::parse(Some("2026-12-01"), Some("2026-11-01"), today).is_err());
        assert!(Period::parse(Some("2025-01-01"), Some("2026-11-01"), today).is_err());
        assert!(Period::parse(Some("11/01"), None, today).unwrap_err().refuses("from"));
    }
}
