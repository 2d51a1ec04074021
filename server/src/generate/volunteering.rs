//! The generated city's volunteering (issue 11): activities over a year, eleven months
//! past and one ahead (organizations publish a few weeks ahead, so "near me" has upcoming
//! ones to find), run by its organizations and community staff, and the sign-ups of the
//! residents who volunteer, with attendance and approved hours for what took place.
//!
//! Design, as the other steps:
//! - Read back, not remembered: organizers, residents and buildings come from the
//!   database, so the step can be added to a year generated before it existed.
//! - What the app would have written: per activity, the sign-ups still standing are
//!   confirmed in order up to its places and waitlisted after (tickets 1, 2, …), the ones
//!   cancelled hold neither; nobody holds two overlapping activities; attendance only for
//!   confirmed places of activities that ended. The triggers count places as rows go in,
//!   so the database's own check guards the generator too.

use super::rng::Rng;
use super::{Batch, CitySize, Value};
use crate::store::{Engine, SqlStore};
use app::domain::activities::hours::minutes_between;
use app::domain::calendar::{Day, DAY_MS};
use sqlx::Row;
use std::collections::HashMap;
use Value::{Float, Int, OptInt, OptText, Text};

const HOUR_MS: i64 = 3_600_000;
/// Days of the generated span before and after the day of generation.
const PAST_DAYS: i64 = 335;
const AHEAD_DAYS: i64 = 30;

/// What the step wrote.
#[derive(Debug, PartialEq, Eq, Default)]
pub struct VolunteeringCounts {
    pub volunteers: usize,
    pub activities: usize,
    pub upcoming: usize,
    pub signups: usize,
    pub confirmed: usize,
    pub waitlisted: usize,
    pub approved: usize,
}

/// `(kind slug, title zh, title en, what volunteers do)`.
const KINDS: &[(&str, &str, &str, &str)] = &[
    (
        "elder-visit",
        "探访独居老人",
        "Visiting older people who live alone",
        "上门陪老人聊天，看看家里有什么需要帮忙的。",
    ),
    (
        "meal-delivery",
        "长者午餐送餐",
        "Lunch delivery for older residents",
        "从社区食堂把午餐送到行动不便的老人家里。",
    ),
    (
        "escort",
        "陪同就医",
        "Escort to the clinic",
        "陪老人去社区卫生服务中心看病、取药。",
    ),
    (
        "health-day",
        "社区义诊日",
        "Community health day",
        "协助医生量血压、测血糖，引导居民排队。",
    ),
    (
        "cleanup",
        "院落大扫除",
        "Courtyard clean-up",
        "清理楼道杂物，打扫院落公共区域。",
    ),
    (
        "haircut",
        "为老义剪",
        "Free haircuts for older residents",
        "为行动不便的老人理发。",
    ),
    (
        "phone-help",
        "教老人用手机",
        "Phone help for older residents",
        "教老人用手机挂号、视频通话、防诈骗。",
    ),
    (
        "recreation",
        "邻里茶话会",
        "Neighbourhood tea afternoon",
        "和老人一起下棋、唱歌、聊天。",
    ),
];

const SKILLS: &[&str] = &[
    "companionship",
    "first-aid",
    "driving",
    "cooking",
    "haircut",
    "phone-help",
];

/// Someone who can run an activity: an organization's owner, or a community's staff.
struct Organizer {
    organization: Option<i64>,
    person: i64,
}

struct Place {
    id: i64,
    position: (f64, f64),
    name: String,
}

/// The generated city as this step reads it back, by community.
struct Volunteering {
    places: HashMap<i64, Vec<Place>>,
    organizers: HashMap<i64, Vec<Organizer>>,
    volunteers: HashMap<i64, Vec<i64>>,
}

async fn read(tx: &mut sqlx::Transaction<'_, sqlx::Any>, prefix: &str) -> anyhow::Result<Volunteering> {
    let pattern = format!("{prefix}%");
    let rows = sqlx::query(
        "SELECT b.id, b.name_zh, b.latitude, b.longitude, z.parent_id AS community FROM grid_units b \
         JOIN grid_units u ON u.id = b.parent_id JOIN grid_units z ON z.id = u.parent_id \
         WHERE b.kind = 'building' AND b.code LIKE $1 ORDER BY b.id",
    )
    .bind(&pattern)
    .fetch_all(&mut **tx)
    .await?;
    let mut places: HashMap<i64, Vec<Place>> = HashMap::new();
    let mut community_of = HashMap::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let community: i64 = r.try_get("community")?;
        community_of.insert(id, community);
        places.entry(community).or_default().push(Place {
            id,
            position: (r.try_get("latitude")?, r.try_get("longitude")?),
            name: r.try_get("name_zh")?,
        });
    }
    let mut organizers: HashMap<i64, Vec<Organizer>> = HashMap::new();
    let rows = sqlx::query(
        "SELECT o.community_id, o.id, MIN(m.person_id) AS person FROM organizations o \
         JOIN organization_members m ON m.organization_id = o.id \
         WHERE o.code LIKE $1 AND o.verified = 1 AND o.suspended = 0 GROUP BY o.community_id, o.id ORDER BY o.id",
    )
    .bind(&pattern)
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        organizers
            .entry(r.try_get("community_id")?)
            .or_default()
            .push(Organizer {
                organization: Some(r.try_get("id")?),
                person: r.try_get("person")?,
            });
    }
    let rows = sqlx::query(
        "SELECT s.community_id, MIN(s.person_id) AS person FROM community_staff s \
         JOIN grid_units g ON g.id = s.community_id WHERE g.code LIKE $1 GROUP BY s.community_id",
    )
    .bind(&pattern)
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        organizers
            .entry(r.try_get("community_id")?)
            .or_default()
            .push(Organizer {
                organization: None,
                person: r.try_get("person")?,
            });
    }
    // Residents (their logins say so) with a home in the generated city.
    let rows = sqlx::query("SELECT id, home_grid_unit_id FROM people WHERE login LIKE $1 ORDER BY id")
        .bind(format!("resident-%@{prefix}doorstep.example.org"))
        .fetch_all(&mut **tx)
        .await?;
    let mut volunteers: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let home: Option<i64> = r.try_get("home_grid_unit_id")?;
        // One resident in four volunteers.
        if id % 4 == 0 {
            if let Some(community) = home.and_then(|h| community_of.get(&h)) {
                volunteers.entry(*community).or_default().push(id);
            }
        }
    }
    anyhow::ensure!(
        !volunteers.is_empty() && !organizers.is_empty(),
        "activities need the generated year's people: generate with --residents above 0"
    );
    Ok(Volunteering {
        places,
        organizers,
        volunteers,
    })
}

/// Generates the activities and sign-ups once per seed; `None` when asked for none, or
/// when an earlier run made them.
pub async fn generate_volunteering(
    store: &SqlStore,
    size: &CitySize,
    prefix: &str,
    today: i64,
) -> anyhow::Result<Option<VolunteeringCounts>> {
    if size.activities == 0 || size.residents == 0 {
        return Ok(None);
    }
    let mut tx = store.pool().begin().await?;
    if !crate::store::claim_data_load(&mut tx, &format!("generated-volunteering-seed-{}", size.seed)).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    let mut rng = Rng::new(size.seed ^ 0x0071_u64.rotate_left(48));
    let city = read(&mut tx, prefix).await?;
    let mut counts = VolunteeringCounts::default();

    let mut all: Vec<i64> = city.volunteers.values().flatten().copied().collect();
    all.sort_unstable();
    for chunk in all.chunks(500) {
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        sqlx::query(&format!("UPDATE people SET volunteer = 1 WHERE id IN ({list})"))
            .execute(&mut *tx)
            .await?;
    }
    counts.volunteers = all.len();

    let mut communities: Vec<i64> = city.volunteers.keys().copied().collect();
    communities.sort_unstable();
    communities.retain(|c| city.organizers.contains_key(c) && city.places.contains_key(c));
    let mut activities = Batch::held(
        "INSERT INTO activities (id, organization_id, community_id, grid_unit_id, kind, title_zh, title_en, description_zh, \
         address, latitude, longitude, starts_at, ends_at, signup_deadline, places, skills, status, cancel_reason, \
         created_by, created_at, updated_at, reminded_at, tickets)",
        23,
    );
    let mut signups = Batch::held(
        "INSERT INTO activity_signups (activity_id, person_id, status, ticket, signed_up_at, confirmed_at, cancelled_at, \
         checked_in_at, checked_out_at, no_show, minutes, approved_by, approved_at)",
        13,
    );
    let first = super::activity::next_id(&mut tx, "activities").await?;
    // Each person's activities so far, as (start, end): nobody holds two at once.
    let mut busy: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
    let per_activity = f64::from(size.signups) / f64::from(size.activities);
    let span_days = PAST_DAYS + AHEAD_DAYS;
    for n in 0..i64::from(size.activities) {
        let id = first + n;
        let community = communities[rng.below(communities.len())];
        let organizer = rng.pick(&city.organizers[&community]);
        let place = rng.pick(&city.places[&community]);
        let &(kind, title_zh, title_en, description) = rng.pick(KINDS);
        let day = Day::of(today).plus(rng.below(span_days as usize) as i64 - PAST_DAYS);
        let slot = *rng.pick(&[9 * 60, 9 * 60 + 30, 14 * 60, 14 * 60 + 30, 19 * 60]);
        let starts = day.start_millis() + slot * 60_000;
        let ends = starts + (90 + 30 * rng.below(6) as i64) * 60_000;
        let published = starts - (3 + rng.below(19) as i64) * DAY_MS;
        let deadline = starts - rng.below(2) as i64 * DAY_MS;
        let places = 3 + rng.below(14) as i64;
        let cancelled = rng.unit() < 0.03;
        let skill = (rng.unit() < 0.4).then(|| rng.pick(SKILLS).to_string());
        counts.activities += 1;
        if starts >= today && !cancelled {
            counts.upcoming += 1;
        }
        // Sign-ups: about `per_activity` on average, some over the places (a waitlist).
        let wanted = (places as f64 * (0.4 + 1.3 * rng.unit()) * per_activity / 9.5).round() as usize;
        let pool = &city.volunteers[&community];
        let (mut confirmed, mut ticket) = (0i64, 0i64);
        let mut taken = Vec::new();
        let mut rows = Vec::new();
        for _ in 0..wanted.min(pool.len()) * 2 {
            if taken.len() == wanted {
                break;
            }
            let person = pool[rng.below(pool.len())];
            let theirs = busy.entry(person).or_default();
            if taken.contains(&person) || theirs.iter().any(|&(s, e)| s < ends && starts < e) {
                continue;
            }
            taken.push(person);
            let signed = published + (rng.unit() * (deadline - published) as f64) as i64;
            let (status, cancelled_at) = if rng.unit() < 0.08 {
                (
                    "cancelled",
                    Some(signed + (rng.unit() * (starts - signed) as f64) as i64),
                )
            } else if confirmed < places {
                confirmed += 1;
                theirs.push((starts, ends));
                ("confirmed", None)
            } else {
                ticket += 1;
                theirs.push((starts, ends));
                ("waitlisted", None)
            };
            let attended = status == "confirmed" && ends <= today && !cancelled;
            let roll = rng.unit();
            let (came, no_show) = (attended && roll < 0.88, attended && roll >= 0.93);
            let (check_in, check_out) = if came {
                let check_in = starts - (rng.unit() * 15.0 * 60_000.0) as i64;
                let check_out = ends + ((rng.unit() - 0.7) * 30.0 * 60_000.0) as i64;
                (Some(check_in), Some(check_out))
            } else {
                (None, None)
            };
            let minutes = check_in
                .zip(check_out)
                .map(|(i, o)| i64::from(minutes_between(i.max(starts), o.min(ends))));
            let approved = minutes.filter(|_| rng.unit() < 0.95);
            rows.push(vec![
                Int(id),
                Int(person),
                Text(status.into()),
                OptInt((status == "waitlisted").then_some(ticket)),
                Int(signed),
                OptInt((status == "confirmed").then_some(signed)),
                OptInt(cancelled_at),
                OptInt(check_in),
                OptInt(check_out),
                Int(i64::from(no_show)),
                OptInt(approved),
                OptInt(approved.map(|_| organizer.person)),
                OptInt(approved.map(|_| ends + (2 + rng.below(46) as i64) * HOUR_MS)),
            ]);
            counts.signups += 1;
            match status {
                "confirmed" => counts.confirmed += 1,
                "waitlisted" => counts.waitlisted += 1,
                _ => {}
            }
            counts.approved += usize::from(approved.is_some());
        }
        activities
            .push(
                &mut tx,
                vec![
                    Int(id),
                    OptInt(organizer.organization),
                    Int(community),
                    Int(place.id),
                    Text(kind.into()),
                    Text(title_zh.into()),
                    OptText(Some(title_en.into())),
                    Text(description.into()),
                    Text(place.name.clone()),
                    Float(place.position.0),
                    Float(place.position.1),
                    Int(starts),
                    Int(ends),
                    Int(deadline),
                    Int(places),
                    Text(skill.unwrap_or_default()),
                    Text(if cancelled { "cancelled" } else { "published" }.into()),
                    OptText(cancelled.then(|| "天气原因，改期另行通知".to_owned())),
                    Int(organizer.person),
                    Int(published),
                    Int(published),
                    OptInt((starts < today).then_some(starts - DAY_MS)),
                    Int(ticket),
                ],
            )
            .await?;
        for row in rows {
            signups.push(&mut tx, row).await?;
        }
        // Sign-ups refer to their activity, so activities go first.
        if activities.is_full() || signups.is_full() {
            activities.flush(&mut tx).await?;
            signups.flush(&mut tx).await?;
        }
    }
    activities.flush(&mut tx).await?;
    signups.flush(&mut tx).await?;
    if store.engine() == Engine::Postgres {
        sqlx::query("SELECT setval(pg_get_serial_sequence('activities', 'id'), (SELECT MAX(id) FROM activities))")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(counts))
}
