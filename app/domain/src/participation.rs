//! Volunteering on the community dashboard (issue 11): for activities starting in the
//! period, per community, per grid unit (rolled up to level 3 like the satisfaction
//! tables) and per organizer, how many took place or were called off, how many places
//! were offered and taken, how long the waitlists were (volunteers turned away: demand
//! beyond places), how many of those with a place came, and the hours approved.
//!
//! The store counts in SQL, one row per community, grid unit and organizer; the sums, the
//! roll-up and the shares are here, pure.

use crate::ids::GridUnitId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the store counts for one community, grid unit and organizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipationRow {
    pub community: GridUnitId,
    pub grid_unit: GridUnitId,
    /// The organization running them, with its names; `None`: the community itself.
    pub organization: Option<(i64, String, String)>,
    pub counts: ParticipationCounts,
}

/// The counts that add up across rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipationCounts {
    /// Activities that were held (or are still to be), and those called off.
    pub held: u32,
    pub cancelled: u32,
    /// Over the activities held: places offered, taken, and people on waitlists.
    pub places: u32,
    pub confirmed: u32,
    pub waitlisted: u32,
    /// Of those with a place: checked in (by code or by the organizer), and no-shows.
    pub attended: u32,
    pub no_shows: u32,
    pub approved_minutes: u64,
}

impl std::ops::AddAssign for ParticipationCounts {
    fn add_assign(&mut self, o: Self) {
        self.held += o.held;
        self.cancelled += o.cancelled;
        self.places += o.places;
        self.confirmed += o.confirmed;
        self.waitlisted += o.waitlisted;
        self.attended += o.attended;
        self.no_shows += o.no_shows;
        self.approved_minutes += o.approved_minutes;
    }
}

impl ParticipationCounts {
    /// Places taken as a share of places offered, in whole percent.
    pub fn filled_percent(&self) -> Option<u32> {
        percent(self.confirmed, self.places)
    }

    /// Of the volunteers whose attendance was recorded, the share who came.
    pub fn came_percent(&self) -> Option<u32> {
        percent(self.attended, self.attended + self.no_shows)
    }

    /// Approved hours, one decimal.
    pub fn hours(&self) -> String {
        format!("{:.1}", self.approved_minutes as f64 / 60.0)
    }
}

fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| (f64::from(part) * 100.0 / f64::from(whole)).round() as u32)
}

/// One line of a participation table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participation {
    /// A community's or grid unit's id, an organization's id, or `community` for what
    /// communities run themselves.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub counts: ParticipationCounts,
}

/// The dashboard's volunteering section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParticipationFigures {
    /// Everyone who had a place in an activity of the period, counted once.
    pub volunteers: u32,
    pub total: ParticipationCounts,
    pub by_community: Vec<Participation>,
    pub by_grid_unit: Vec<Participation>,
    pub by_organizer: Vec<Participation>,
}

/// Sums the store's rows: per community, per grid unit at `level3(unit)`, per organizer;
/// each table busiest first. `names` gives a grid unit's names.
pub fn participation(
    rows: &[ParticipationRow],
    volunteers: u32,
    level3: impl Fn(GridUnitId) -> GridUnitId,
    names: impl Fn(GridUnitId) -> (String, String),
) -> ParticipationFigures {
    let mut total = ParticipationCounts::default();
    let mut communities: BTreeMap<GridUnitId, ParticipationCounts> = BTreeMap::new();
    let mut units: BTreeMap<GridUnitId, ParticipationCounts> = BTreeMap::new();
    let mut organizers: BTreeMap<Option<i64>, Participation> = BTreeMap::new();
    for row in rows {
        total += row.counts;
        *communities.entry(row.community).or_default() += row.counts;
        *units.entry(level3(row.grid_unit)).or_default() += row.counts;
        let (key, zh, en) = match &row.organization {
            Some((id, zh, en)) => (Some(*id), zh.clone(), en.clone()),
            None => (None, "社区自办".to_owned(), "Run by the community".to_owned()),
        };
        organizers
            .entry(key)
            .or_insert_with(|| Participation {
                key: key.map_or_else(|| "community".to_owned(), |id| id.to_string()),
                name_zh: zh,
                name_en: en,
                counts: ParticipationCounts::default(),
            })
            .counts += row.counts;
    }
    let named = |map: BTreeMap<GridUnitId, ParticipationCounts>| {
        map.into_iter()
            .map(|(id, counts)| {
                let (zh, en) = names(id);
                Participation {
                    key: id.to_string(),
                    name_zh: zh,
                    name_en: en,
                    counts,
                }
            })
            .collect::<Vec<_>>()
    };
    let busiest_first = |mut v: Vec<Participation>| {
        v.sort_by(|a, b| {
            (b.counts.held + b.counts.cancelled)
                .cmp(&(a.counts.held + a.counts.cancelled))
                .then(a.key.cmp(&b.key))
        });
        v
    };
    ParticipationFigures {
        volunteers,
        total,
        by_community: busiest_first(named(communities)),
        by_grid_unit: busiest_first(named(units)),
        by_organizer: busiest_first(organizers.into_values().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(n: i64) -> GridUnitId {
        GridUnitId::new(n).unwrap()
    }

    fn row(community: i64, grid_unit: i64, organization: Option<i64>, counts: ParticipationCounts) -> ParticipationRow {
        ParticipationRow {
            community: unit(community),
            grid_unit: unit(grid_unit),
            organization: organization.map(|o| (o, format!("机构{o}"), format!("Org {o}"))),
            counts,
        }
    }

    #[test]
    fn rows_add_up_per_community_unit_and_organizer() {
        let held = |places, confirmed, waitlisted, attended, no_shows, minutes| ParticipationCounts {
            held: 1,
            places,
            confirmed,
            waitlisted,
            attended,
            no_shows,
            approved_minutes: minutes,
            ..ParticipationCounts::default()
        };
        let rows = [
            // Buildings 11 and 12 roll up to courtyard 10 of community 1; 21 to 20 of 2.
            row(1, 11, Some(7), held(10, 10, 3, 8, 2, 960)),
            row(1, 12, None, held(5, 2, 0, 2, 0, 180)),
            row(
                2,
                21,
                Some(7),
                ParticipationCounts {
                    cancelled: 1,
                    ..ParticipationCounts::default()
                },
            ),
        ];
        let f = participation(
            &rows,
            11,
            |u| unit(u.get() / 10 * 10),
            |u| (format!("网格{u}"), format!("Unit {u}")),
        );
        assert_eq!(f.volunteers, 11);
        assert_eq!(
            (f.total.held, f.total.cancelled, f.total.places, f.total.confirmed),
            (2, 1, 15, 12)
        );
        assert_eq!(f.total.filled_percent(), Some(80));
        assert_eq!(f.total.came_percent(), Some(83), "10 of 12 recorded came");
        assert_eq!(f.total.hours(), "19.0");
        let keys = |v: &[Participation]| v.iter().map(|p| p.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&f.by_community), ["1", "2"]);
        assert_eq!(keys(&f.by_grid_unit), ["10", "20"]);
        assert_eq!(f.by_grid_unit[0].counts.waitlisted, 3);
        assert_eq!(f.by_grid_unit[0].name_zh, "网格10");
        assert_eq!(keys(&f.by_organizer), ["7", "community"], "busiest first");
        assert_eq!(f.by_organizer[0].counts.cancelled, 1);
        assert_eq!(f.by_organizer[1].name_en, "Run by the community");
    }

    #[test]
    fn shares_are_absent_without_a_whole() {
        let none = ParticipationCounts::default();
        assert_eq!((none.filled_percent(), none.came_percent()), (None, None));
        assert_eq!(
            participation(&[], 0, |u| u, |_| (String::new(), String::new())),
            ParticipationFigures::default()
        );
    }
}
