//! Activities near me from memory: each instance keeps the upcoming published activities
//! volunteers may see (a few thousand at city scale) and answers searches from them, so
//! finding an activity costs what finding a service costs.
//!
//! Fresh on every instance: `activity_search_version` (migration 0019) is bumped by
//! triggers on any change to what a search shows of an activity (a sign-up changes its
//! counts too; migration 0020 names the columns) and to an organization's standing or
//! names. A search reads the version (one read shared by the
//! concurrent searches that arrived before it, as the directory's `directory_version`) and
//! answers from the activities read at that version, else reads them again first: the
//! version is read before the activities, so what is kept is never older than its label.
//!
//! The SQL search (`SqlStore::search_activities_by_sql`) stays as the reference: both
//! order through [`first_ranked`], and `tests/activity_index.rs` compares them.

use super::{activity, COLUMNS, JOINS, SHOWN};
use crate::store::coalesced_read::CoalescedRead;
use crate::store::{failed, SqlStore};
use app::domain::accounts::store::Millis;
use app::domain::activities::search::{ActivityOrder, ActivitySearch};
use app::domain::activities::{Activity, ActivityHit, ActivityKind, Skill};
use app::domain::geo::{rounded_metres, LocalPlane};
use app::domain::lang::Lang;
use app::domain::store::StoreError;
use std::sync::{Arc, OnceLock, RwLock};

/// A found activity before paging: its id, squared distance from the origin (with one),
/// and start.
pub(super) type Candidate = (i64, Option<f64>, i64);

/// Keeps the first `keep` of `items` in the order the search asks, sorted: soonest (then
/// nearest, then id), or nearest (then soonest, then id). Ids make the order total, so a
/// selection then a sort of the few kept gives what sorting everything would.
pub(super) fn first_ranked<T>(
    items: &mut Vec<T>,
    candidate: impl Fn(&T) -> Candidate,
    order: ActivityOrder,
    keep: usize,
) {
    let key = |t: &T| {
        let c = candidate(t);
        match order {
            ActivityOrder::Soonest => (c.2 as f64, c.1.unwrap_or(0.0), c.0),
            ActivityOrder::Nearest => (c.1.unwrap_or(0.0), c.2 as f64, c.0),
        }
    };
    let cmp = |a: &T, b: &T| key(a).partial_cmp(&key(b)).expect("distances are finite");
    if keep == 0 {
        items.clear();
        return;
    }
    if keep < items.len() {
        items.select_nth_unstable_by(keep - 1, cmp);
        items.truncate(keep);
    }
    items.sort_by(cmp);
}

/// What the scan reads of one kept activity, beside it: ~48 bytes an activity, so the
/// scan over a few thousand stays in the cache instead of walking whole activities.
#[derive(Debug, Clone, Copy)]
struct Key {
    starts_at: Millis,
    id: i64,
    latitude: f64,
    longitude: f64,
    kind: ActivityKind,
    /// One bit per [`Skill`] asked for.
    skills: u32,
}

fn skill_bit(skill: Skill) -> u32 {
    1 << skill as u32
}

impl Key {
    fn of(a: &Activity) -> Self {
        Self {
            starts_at: a.starts_at,
            id: a.id.get(),
            latitude: a.position.latitude(),
            longitude: a.position.longitude(),
            kind: a.kind,
            skills: a.skills.iter().fold(0, |bits, s| bits | skill_bit(*s)),
        }
    }
}

/// One activity a search found: where it is kept, and how far it is.
#[derive(Debug, Clone, Copy)]
pub struct Found {
    index: usize,
    pub distance_m: Option<u32>,
}

/// The upcoming activities as read at one version, soonest first.
pub struct Upcoming {
    version: i64,
    /// Activities starting before this were not read.
    from: Millis,
    activities: Vec<Activity>,
    keys: Vec<Key>,
    /// Each activity's answer line per language ([`Upcoming::line`]), shaped the first
    /// time a search shows it and kept while this version stands.
    lines: [Vec<OnceLock<Box<str>>>; 2],
}

impl Upcoming {
    pub fn new(version: i64, from: Millis, mut activities: Vec<Activity>) -> Self {
        activities.sort_by_key(|a| (a.starts_at, a.id));
        let keys = activities.iter().map(Key::of).collect();
        let lines = std::array::from_fn(|_| activities.iter().map(|_| OnceLock::new()).collect());
        Self {
            version,
            from,
            activities,
            keys,
            lines,
        }
    }

    /// The search's total and page, as the SQL search would answer.
    pub fn search(&self, search: &ActivitySearch) -> (u64, Vec<ActivityHit>) {
        let (total, found) = self.find(search);
        let hits = found
            .iter()
            .map(|f| ActivityHit {
                activity: self.activity(f).clone(),
                distance_m: f.distance_m,
            })
            .collect();
        (total, hits)
    }

    /// The search's total and where its page is kept.
    pub fn find(&self, search: &ActivitySearch) -> (u64, Vec<Found>) {
        let first = self.keys.partition_point(|k| k.starts_at < search.starts_from);
        let end = search.starts_before.map_or(self.keys.len(), |before| {
            self.keys.partition_point(|k| k.starts_at < before)
        });
        let plane = search.near.map(LocalPlane::new);
        let radius2 = f64::from(search.radius.get()).powi(2);
        let skill = search.skill.map_or(0, skill_bit);
        let offset = search.paging.offset() as usize;
        let keep = offset + search.paging.limit() as usize;
        // Soonest first, the keys' own order: once `keep` are found, only those starting
        // at the same time as the last of them can still rank among them (nearer breaks
        // the tie); later ones are only counted.
        let mut last_start_kept = None;
        let mut total = 0u64;
        // (candidate, where it is kept)
        let mut candidates: Vec<(Candidate, usize)> = Vec::new();
        for (i, k) in self.keys.iter().enumerate().take(end).skip(first) {
            if search.kind.is_some_and(|kind| kind != k.kind) || k.skills & skill != skill {
                continue;
            }
            let d2 = plane.as_ref().map(|p| p.squared_distance_m2(k.latitude, k.longitude));
            if d2.is_some_and(|d2| d2 > radius2) {
                continue;
            }
            total += 1;
            if search.order == ActivityOrder::Soonest {
                match last_start_kept {
                    Some(start) if k.starts_at > start => continue,
                    Some(_) => {}
                    None if candidates.len() + 1 == keep => last_start_kept = Some(k.starts_at),
                    None => {}
                }
            }
            candidates.push(((k.id, d2, k.starts_at), i));
        }
        first_ranked(&mut candidates, |c| c.0, search.order, keep);
        let found = candidates
            .iter()
            .skip(offset)
            .map(|((_, d2, _), i)| Found {
                index: *i,
                distance_m: d2.map(|d2| rounded_metres(d2.sqrt())),
            })
            .collect();
        (total, found)
    }

    pub fn activity(&self, found: &Found) -> &Activity {
        &self.activities[found.index]
    }

    /// The found activity's answer line in `lang`, shaped by `shape` the first time it is
    /// asked for at this version (an activity's line changes only with the version).
    pub fn line(&self, found: &Found, lang: Lang, shape: impl FnOnce(&Activity, Lang) -> String) -> &str {
        let slot = match lang {
            Lang::Zh => 0,
            Lang::En => 1,
        };
        self.lines[slot][found.index].get_or_init(|| shape(self.activity(found), lang).into_boxed_str())
    }
}

/// What one instance keeps: the version read shared by concurrent searches, the
/// activities of the last version read, and one reload at a time.
#[derive(Default)]
pub struct UpcomingCache {
    version: CoalescedRead<Result<i64, StoreError>>,
    current: RwLock<Option<Arc<Upcoming>>>,
    loading: tokio::sync::Mutex<()>,
    /// How many times the activities were read (tests check searches reuse them).
    reads: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for UpcomingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let current = self.kept();
        f.debug_struct("UpcomingCache")
            .field("version", &current.as_ref().map(|u| u.version))
            .field("activities", &current.as_ref().map(|u| u.activities.len()))
            .finish()
    }
}

impl UpcomingCache {
    /// How many times the upcoming activities were read from the database.
    pub fn reads(&self) -> u64 {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn kept(&self) -> Option<Arc<Upcoming>> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl SqlStore {
    /// The upcoming activities as of now, read again if anything changed since (or if the
    /// search reaches before what is kept: a clock behind this one's).
    pub async fn upcoming(&self, search: &ActivitySearch) -> Result<Arc<Upcoming>, StoreError> {
        let cache = self.upcoming_cache();
        let version = cache
            .version
            .get(|| async {
                sqlx::query_scalar::<_, i64>("SELECT version FROM activity_search_version WHERE id = 1")
                    .fetch_one(self.pool())
                    .await
                    .map_err(failed)
            })
            .await?;
        let usable = |u: &Arc<Upcoming>| u.version == version && u.from <= search.starts_from;
        if let Some(kept) = cache.kept().filter(usable) {
            return Ok(kept);
        }
        let _one_at_a_time = cache.loading.lock().await;
        if let Some(kept) = cache.kept().filter(usable) {
            return Ok(kept);
        }
        // A search starts at its use case's clock, read a moment before this one: from the
        // earlier of the two, so the next searches can use what is read now.
        let from = crate::store::migrate::now_millis().min(search.starts_from);
        // Read after `version`: what is kept is at least as new as its label.
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM {JOINS} WHERE a.status = 'published' AND a.starts_at >= $1 AND {SHOWN}"
        ))
        .bind(from)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        cache.reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let activities = rows
            .iter()
            .map(activity)
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
        let upcoming = Arc::new(Upcoming::new(version, from, activities));
        *cache.current.write().unwrap_or_else(|e| e.into_inner()) = Some(upcoming.clone());
        Ok(upcoming)
    }
}
