//! The generated city's year of activity (issue 10): residents and the family members who
//! act for some of them, an owner for each organization and a staff member for each
//! community, requests with their timelines, ratings, follow-ups of low ratings, and needs
//! with the people who support them.
//!
//! Design:
//! - Read back, not remembered: the step reads the generated city from the database, so it
//!   can be added to a city generated before it existed.
//! - Timelines follow the domain's rules: every action goes through `lifecycle::next`, so a
//!   generated request is in a state its timeline explains, as one made through the app.
//! - Ids are given here (the next free ones, read in the transaction) so that events,
//!   ratings and supporters can name their request or need without a round trip; then
//!   PostgreSQL's identity sequences are moved past them.
//! - The year ends at the start of the day of generation (Asia/Shanghai), so the
//!   dashboard's usual period, the last 30 days, has data, and recent requests are still
//!   open in their organization's inbox.

use super::rng::Rng;
use super::words;
use super::{Batch, CitySize, Value};
use crate::demo::catalog::CATEGORIES;
use crate::store::{Engine, SqlStore};
use app::domain::calendar::{after_working_days, after_working_hours, Day, DAY_MS};
use app::domain::requests::lifecycle::{self, Action, Status};
use app::domain::requests::rating::TAGS;
use sqlx::Row;
use std::collections::HashMap;
use Value::{Int, OptInt, OptText, Text};

const HOUR_MS: i64 = 3600 * 1000;
const YEAR_DAYS: i64 = 365;

/// What the step wrote.
#[derive(Debug, PartialEq, Eq, Default)]
pub struct ActivityCounts {
    pub people: usize,
    pub requests: usize,
    pub events: usize,
    pub ratings: usize,
    pub follow_ups: usize,
    pub needs: usize,
    pub supporters: usize,
}

/// A service of the city that residents can request.
struct Offered {
    id: i64,
    organization: i64,
    category: &'static str,
}

/// A resident: where they live and who acts for them.
struct Resident {
    id: i64,
    name: String,
    building: i64,
    community: i64,
    family: Option<(i64, &'static str)>,
}

/// One step of a timeline as it will be written.
struct Event {
    /// `None` for the submission, which is not an [`Action`] on a request.
    action: Option<Action>,
    status: Status,
    by: i64,
    on_behalf_of: Option<i64>,
    at: i64,
}

/// The first id after the table's largest.
async fn next_id(tx: &mut sqlx::Transaction<'_, sqlx::Any>, table: &str) -> anyhow::Result<i64> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

/// The category slug as a `'static` str (every generated service's category is in the
/// catalogue).
fn category(slug: &str) -> anyhow::Result<&'static str> {
    CATEGORIES
        .iter()
        .map(|c| c.0)
        .find(|c| *c == slug)
        .ok_or_else(|| anyhow::anyhow!("a generated service has category {slug}, not in the catalogue"))
}

/// A time of day between 08:00 and 20:00 on the local day of `at`.
fn daytime(rng: &mut Rng, at: i64) -> i64 {
    Day::of(at).start_millis() + 8 * HOUR_MS + (rng.unit() * 12.0 * HOUR_MS as f64) as i64
}

pub async fn generate_activity(
    store: &SqlStore,
    size: &CitySize,
    prefix: &str,
    until: i64,
) -> anyhow::Result<Option<ActivityCounts>> {
    if size.requests == 0 && size.needs == 0 {
        return Ok(None);
    }
    let mut tx = store.pool().begin().await?;
    if !crate::store::claim_data_load(&mut tx, &format!("generated-activity-seed-{}", size.seed)).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    // A stream of its own, so the city stays the same whatever this step draws.
    let mut rng = Rng::new(size.seed ^ 0xAC71_u64.rotate_left(40));
    let pattern = format!("{prefix}%");
    let since = until - YEAR_DAYS * DAY_MS;

    // The city: buildings by community, and the active services of verified organizations
    // by the community their organization works in.
    let rows = sqlx::query(
        "SELECT b.id AS building, z.parent_id AS community FROM grid_units b \
         JOIN grid_units u ON u.id = b.parent_id JOIN grid_units z ON z.id = u.parent_id \
         WHERE b.kind = 'building' AND b.code LIKE $1 ORDER BY b.id",
    )
    .bind(&pattern)
    .fetch_all(&mut *tx)
    .await?;
    let buildings: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| Ok((r.try_get("building")?, r.try_get("community")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    anyhow::ensure!(
        !buildings.is_empty(),
        "generate the city first: no building has code {pattern}"
    );
    let mut communities: Vec<i64> = buildings.iter().map(|b| b.1).collect();
    communities.sort_unstable();
    communities.dedup();

    let rows = sqlx::query(
        "SELECT s.id, s.organization_id, s.category_slug, o.community_id FROM services s \
         JOIN organizations o ON o.id = s.organization_id \
         WHERE s.code LIKE $1 AND s.status = 'active' AND o.verified = 1 AND o.suspended = 0 ORDER BY s.id",
    )
    .bind(&pattern)
    .fetch_all(&mut *tx)
    .await?;
    let mut services = Vec::new();
    let mut offered: HashMap<i64, Vec<usize>> = HashMap::new();
    for r in &rows {
        let community: i64 = r.try_get("community_id")?;
        offered.entry(community).or_default().push(services.len());
        services.push(Offered {
            id: r.try_get("id")?,
            organization: r.try_get("organization_id")?,
            category: category(&r.try_get::<String, _>("category_slug")?)?,
        });
    }
    anyhow::ensure!(
        !services.is_empty(),
        "the city has no active service of a verified organization"
    );
    let organizations: Vec<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE code LIKE $1 ORDER BY id")
        .bind(&pattern)
        .fetch_all(&mut *tx)
        .await?;

    let mut counts = ActivityCounts::default();
    let first_person = next_id(&mut tx, "people").await?;
    let mut person = first_person;
    let joined = since - 30 * DAY_MS;
    let mut people = Batch::new(
        "INSERT INTO people (id, login, display_name, home_grid_unit_id, created_at)",
        5,
    );

    // People first (the rows below refer to them): one staff member per community, one
    // owner per organization, the residents spread over the buildings, and for every
    // tenth resident a family member who acts for them.
    let mut new_person = |rng: &mut Rng, login: String, home: Option<i64>| {
        let id = person;
        person += 1;
        (
            id,
            vec![
                Int(id),
                Text(login),
                Text(words::person_name(rng)),
                OptInt(home),
                Int(joined),
            ],
        )
    };
    let mut staff_of = HashMap::new();
    for (n, community) in communities.iter().enumerate() {
        let (id, row) = new_person(&mut rng, format!("staff-{n}@{prefix}doorstep.example.org"), None);
        people.push(&mut tx, row).await?;
        staff_of.insert(*community, id);
    }
    let mut owner_of = HashMap::new();
    for (n, organization) in organizations.iter().enumerate() {
        let (id, row) = new_person(&mut rng, format!("owner-{n}@{prefix}doorstep.example.org"), None);
        people.push(&mut tx, row).await?;
        owner_of.insert(*organization, id);
    }
    let mut residents = Vec::with_capacity(size.residents as usize);
    for n in 0..size.residents {
        let (building, community) = buildings[rng.below(buildings.len())];
        let (id, row) = new_person(
            &mut rng,
            format!("resident-{n}@{prefix}doorstep.example.org"),
            Some(building),
        );
        let Value::Text(name) = &row[2] else {
            unreachable!("the third column is the name")
        };
        let name = name.clone();
        people.push(&mut tx, row).await?;
        let family = if n % 10 == 0 {
            let (member, row) = new_person(&mut rng, format!("family-{n}@{prefix}doorstep.example.org"), None);
            people.push(&mut tx, row).await?;
            Some((member, *rng.pick(words::RELATIONS)))
        } else {
            None
        };
        residents.push(Resident {
            id,
            name,
            building,
            community,
            family,
        });
    }
    people.flush(&mut tx).await?;
    counts.people = (person - first_person) as usize;
    anyhow::ensure!(
        !residents.is_empty(),
        "requests and needs need residents: --residents is 0"
    );

    let mut staff = Batch::new("INSERT INTO community_staff (person_id, community_id)", 2);
    for (community, id) in &staff_of {
        staff.push(&mut tx, vec![Int(*id), Int(*community)]).await?;
    }
    staff.flush(&mut tx).await?;
    let mut members = Batch::new(
        "INSERT INTO organization_members (organization_id, person_id, role, added_at)",
        4,
    );
    for (organization, id) in &owner_of {
        members
            .push(
                &mut tx,
                vec![Int(*organization), Int(*id), Text("owner".into()), Int(joined)],
            )
            .await?;
    }
    members.flush(&mut tx).await?;
    let mut links = Batch::new(
        "INSERT INTO family_links (person_id, member_id, relation, status, created_at, confirmed_at, confirmed_by)",
        7,
    );
    for r in &residents {
        if let Some((member, relation)) = r.family {
            links
                .push(
                    &mut tx,
                    vec![
                        Int(r.id),
                        Int(member),
                        Text(relation.into()),
                        Text("active".into()),
                        Int(joined),
                        OptInt(Some(joined)),
                        OptInt(Some(r.id)),
                    ],
                )
                .await?;
        }
    }
    links.flush(&mut tx).await?;

    // Requests with their timelines, ratings and follow-ups.
    // Events, ratings and follow-ups wait for their requests to be written.
    let mut requests = Batch::held(
        "INSERT INTO requests (id, service_id, organization_id, category_slug, resident_id, made_by, grid_unit_id, \
         community_id, address_detail, for_name, for_relation, age_band, needs, week_start, contact_phone, status, \
         scheduled_for, submitted_at, answer_due, answered_at, completed_at, updated_at, reopened)",
        23,
    );
    let mut events = Batch::held(
        "INSERT INTO request_events (request_id, seq, action, status, by_person, on_behalf_of, at, reason, scheduled_for)",
        9,
    );
    let mut ratings = Batch::held(
        "INSERT INTO ratings (request_id, service_id, organization_id, community_id, grid_unit_id, category_slug, \
         score, tags, comment, rated_by, rated_at, updated_at, reply, replied_by, replied_at)",
        15,
    );
    let mut follow_ups = Batch::held(
        "INSERT INTO follow_ups (request_id, community_id, grid_unit_id, score, opened_at, due_at, closed_at, closed_by, note, now_satisfied)",
        10,
    );
    // How good each organization is, so satisfaction differs between them as it would.
    let quality: HashMap<i64, f64> = organizations.iter().map(|o| (*o, rng.unit())).collect();
    let first_request = next_id(&mut tx, "requests").await?;
    for n in 0..i64::from(size.requests) {
        let id = first_request + n;
        let resident = &residents[rng.below(residents.len())];
        // Residents use what their community's organizations offer, or (in a community
        // without any) whatever the city has.
        let service = &services[match offered.get(&resident.community) {
            Some(near) => near[rng.below(near.len())],
            None => rng.below(services.len()),
        }];
        let owner = owner_of[&service.organization];
        let (made_by, relation) = match resident.family {
            Some((member, relation)) if rng.unit() < 0.6 => (member, Some(relation)),
            _ => (resident.id, None),
        };
        let on_behalf_of = (made_by != resident.id).then_some(resident.id);
        let day = since + (rng.unit() * (YEAR_DAYS * DAY_MS) as f64) as i64;
        let submitted = daytime(&mut rng, day);
        let timeline = timeline(&mut rng, submitted, made_by, on_behalf_of, owner, until);
        let last = timeline.last().expect("a timeline starts with its submission");
        let status = last.status;
        let answered_at = timeline
            .iter()
            .find(|e| matches!(e.action, Some(Action::Accept | Action::Decline { .. })))
            .map(|e| e.at);
        let completed_at = (status == Status::Completed).then_some(last.at);
        let reopened = timeline
            .iter()
            .filter(|e| matches!(e.action, Some(Action::Reopen { .. })))
            .count();
        // A reopened request waits for a new time.
        let scheduled_for = timeline
            .iter()
            .rev()
            .take_while(|e| !matches!(e.action, Some(Action::Reopen { .. })))
            .find_map(|e| e.action.as_ref().and_then(Action::scheduled_for));
        let for_family = relation.is_some();
        requests
            .push(
                &mut tx,
                vec![
                    Int(id),
                    Int(service.id),
                    Int(service.organization),
                    Text(service.category.into()),
                    Int(resident.id),
                    Int(made_by),
                    Int(resident.building),
                    Int(resident.community),
                    Text(format!(
                        "{}单元{}0{}",
                        1 + rng.below(4),
                        1 + rng.below(18),
                        1 + rng.below(4)
                    )),
                    OptText(for_family.then(|| resident.name.clone())),
                    OptText(relation.map(|r| words::elder_of(r).to_owned())),
                    OptText(for_family.then(|| rng.pick(&["70-79", "80-89", "90+"]).to_string())),
                    OptText(None),
                    Int(Day::of(submitted).week_start().days()),
                    Text(format!("139{:08}", (id * 7919) % 100_000_000)),
                    Text(status.slug().into()),
                    OptInt(scheduled_for),
                    Int(submitted),
                    Int(after_working_hours(submitted, 48)),
                    OptInt(answered_at),
                    OptInt(completed_at),
                    Int(last.at),
                    Int(reopened as i64),
                ],
            )
            .await?;
        for (seq, e) in timeline.iter().enumerate() {
            events
                .push(
                    &mut tx,
                    vec![
                        Int(id),
                        Int(seq as i64 + 1),
                        Text(e.action.as_ref().map_or("submit", Action::slug).into()),
                        Text(e.status.slug().into()),
                        OptInt(Some(e.by)),
                        OptInt(e.on_behalf_of),
                        Int(e.at),
                        OptText(e.action.as_ref().and_then(Action::reason).map(str::to_owned)),
                        OptInt(e.action.as_ref().and_then(Action::scheduled_for)),
                    ],
                )
                .await?;
        }
        counts.events += timeline.len();
        if requests.is_full() {
            requests.flush(&mut tx).await?;
            events.flush(&mut tx).await?;
            ratings.flush(&mut tx).await?;
            follow_ups.flush(&mut tx).await?;
        }

        // Four in five completed requests are rated within three days.
        let Some(done) = completed_at else { continue };
        let rated_at = done + (rng.unit() * 3.0 * DAY_MS as f64) as i64;
        if rng.unit() >= 0.8 || rated_at >= until {
            continue;
        }
        let score = score(&mut rng, quality[&service.organization]);
        let tags: Vec<&str> = TAGS
            .iter()
            .map(|t| t.0)
            .filter(|t| if score >= 4 { *t != "late" } else { *t == "late" })
            .filter(|_| rng.unit() < 0.3)
            .collect();
        let comment = (rng.unit() < 0.3).then(|| words::comment(&mut rng, score).to_owned());
        let replied_at = rated_at + (rng.unit() * 2.0 * DAY_MS as f64) as i64;
        let replied = rng.unit() < 0.1 && replied_at < until;
        ratings
            .push(
                &mut tx,
                vec![
                    Int(id),
                    Int(service.id),
                    Int(service.organization),
                    Int(resident.community),
                    Int(resident.building),
                    Text(service.category.into()),
                    Int(i64::from(score)),
                    Text(tags.join(",")),
                    OptText(comment),
                    OptInt(Some(made_by)),
                    Int(rated_at),
                    Int(rated_at),
                    OptText(replied.then(|| rng.pick(words::REPLIES).to_string())),
                    OptInt(replied.then_some(owner)),
                    OptInt(replied.then_some(replied_at)),
                ],
            )
            .await?;
        counts.ratings += 1;
        if score > app::domain::requests::rating::FOLLOW_UP_AT_OR_BELOW {
            continue;
        }
        // Most follow-ups are closed within eight days; the rest are still open.
        let closed_at = rated_at + (rng.unit() * 8.0 * DAY_MS as f64) as i64;
        let closed = rng.unit() < 0.9 && closed_at < until;
        follow_ups
            .push(
                &mut tx,
                vec![
                    Int(id),
                    Int(resident.community),
                    Int(resident.building),
                    Int(i64::from(score)),
                    Int(rated_at),
                    Int(after_working_days(rated_at, 5)),
                    OptInt(closed.then_some(closed_at)),
                    OptInt(closed.then(|| staff_of[&resident.community])),
                    OptText(closed.then(|| rng.pick(words::FOLLOW_UP_NOTES).to_string())),
                    OptInt(closed.then(|| i64::from(rng.unit() < 0.6))),
                ],
            )
            .await?;
        counts.follow_ups += 1;
    }
    requests.flush(&mut tx).await?;
    events.flush(&mut tx).await?;
    ratings.flush(&mut tx).await?;
    follow_ups.flush(&mut tx).await?;
    counts.requests = size.requests as usize;

    // Each rated service's tally, in one statement (its trigger records each as a change).
    sqlx::query(
        "INSERT INTO service_ratings (service_id, r1, r2, r3, r4, r5) \
         SELECT service_id, SUM(CASE WHEN score = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN score = 2 THEN 1 ELSE 0 END), \
                SUM(CASE WHEN score = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN score = 4 THEN 1 ELSE 0 END), \
                SUM(CASE WHEN score = 5 THEN 1 ELSE 0 END) \
         FROM ratings WHERE request_id >= $1 GROUP BY service_id \
         ON CONFLICT (service_id) DO UPDATE SET r1 = service_ratings.r1 + excluded.r1, \
            r2 = service_ratings.r2 + excluded.r2, r3 = service_ratings.r3 + excluded.r3, \
            r4 = service_ratings.r4 + excluded.r4, r5 = service_ratings.r5 + excluded.r5",
    )
    .bind(first_request)
    .execute(&mut *tx)
    .await?;

    // Needs, each supported by neighbours of the same community.
    let mut neighbours: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &residents {
        neighbours.entry(r.community).or_default().push(r.id);
    }
    let mut needs = Batch::held(
        "INSERT INTO needs (id, grid_unit_id, community_id, category_slug, description, named_by, status, service_id, \
         resolved_by, resolved_at, note, supporters, created_at)",
        13,
    );
    let mut supporters = Batch::held("INSERT INTO need_supporters (need_id, person_id, added_at)", 3);
    let first_need = next_id(&mut tx, "needs").await?;
    for n in 0..i64::from(size.needs) {
        let id = first_need + n;
        let namer = &residents[rng.below(residents.len())];
        let category = (rng.unit() < 0.8).then(|| CATEGORIES[rng.below(CATEGORIES.len())].0);
        let day = since + (rng.unit() * (YEAR_DAYS * DAY_MS) as f64) as i64;
        let created = daytime(&mut rng, day);
        // Supporters: the one who named it and, on average, two neighbours.
        let mut who = vec![namer.id];
        let extra = (-(1.0 - rng.unit()).ln() * 2.0).min(40.0) as usize;
        let near = &neighbours[&namer.community];
        for _ in 0..extra {
            let p = near[rng.below(near.len())];
            if !who.contains(&p) {
                who.push(p);
            }
        }
        for (k, p) in who.iter().enumerate() {
            let added = (created + k as i64 * HOUR_MS).min(until - 1);
            supporters.push(&mut tx, vec![Int(id), Int(*p), Int(added)]).await?;
        }
        counts.supporters += who.len();
        // Staff answer half of them within a month: pointed to an offering where one of
        // the category serves the community, recorded unmet otherwise.
        let resolved_at = created + (rng.unit() * 30.0 * DAY_MS as f64) as i64;
        let pointed_to = category.and_then(|c| {
            offered
                .get(&namer.community)
                .and_then(|near| near.iter().map(|i| &services[*i]).find(|s| s.category == c))
                .map(|s| s.id)
        });
        let resolved = rng.unit() < 0.5 && resolved_at < until;
        let (status, service, note) = match (resolved, pointed_to) {
            (false, _) => ("open", None, None),
            (true, Some(s)) => ("pointed", Some(s), None),
            (true, None) => ("unmet", None, Some(rng.pick(words::UNMET_NOTES).to_string())),
        };
        needs
            .push(
                &mut tx,
                vec![
                    Int(id),
                    Int(namer.building),
                    Int(namer.community),
                    OptText(category.map(str::to_owned)),
                    Text(words::need(&mut rng, category).into()),
                    OptInt(Some(namer.id)),
                    Text(status.into()),
                    OptInt(service),
                    OptInt(resolved.then(|| staff_of[&namer.community])),
                    OptInt(resolved.then_some(resolved_at)),
                    OptText(note),
                    Int(who.len() as i64),
                    Int(created),
                ],
            )
            .await?;
        if needs.is_full() {
            needs.flush(&mut tx).await?;
            supporters.flush(&mut tx).await?;
        }
    }
    needs.flush(&mut tx).await?;
    supporters.flush(&mut tx).await?;
    counts.needs = size.needs as usize;

    if store.engine() == Engine::Postgres {
        for table in ["people", "requests", "needs"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Some(counts))
}

/// A score from 1 to 5: mostly satisfied, less so with a weaker organization (`quality`
/// in 0..1), about one in nine at 2 or below over the city, as 好差评 figures run.
fn score(rng: &mut Rng, quality: f64) -> u8 {
    let u = rng.unit();
    let poor = 1.0 - quality;
    let bands = [0.02 + 0.06 * poor, 0.03 + 0.06 * poor, 0.10, 0.28];
    let mut edge = 0.0;
    for (i, width) in bands.iter().enumerate() {
        edge += width;
        if u < edge {
            return i as u8 + 1;
        }
    }
    5
}

/// A request's timeline from its submission, each step checked by the domain's lifecycle,
/// cut at `until` (what happens later has not happened yet).
fn timeline(
    rng: &mut Rng,
    submitted: i64,
    made_by: i64,
    on_behalf_of: Option<i64>,
    owner: i64,
    until: i64,
) -> Vec<Event> {
    let mut steps: Vec<(Action, i64)> = Vec::new();
    // How long the organization takes to answer: mostly hours, sometimes days.
    let answer =
        |rng: &mut Rng, from: i64| from + (0.2 * HOUR_MS as f64 + rng.unit().powi(3) * 60.0 * HOUR_MS as f64) as i64;
    let fate = rng.unit();
    if fate < 0.03 {
        let reason = (rng.unit() < 0.5).then(|| rng.pick(words::CANCEL_REASONS).to_string());
        steps.push((
            Action::Cancel { reason },
            submitted + (rng.unit() * 6.0 * HOUR_MS as f64) as i64,
        ));
    } else if fate < 0.09 {
        let reason = rng.pick(words::DECLINE_REASONS).to_string();
        steps.push((Action::Decline { reason }, answer(rng, submitted)));
    } else if fate >= 0.10 {
        // One in a hundred is never answered: unanswered demand, for the dashboard.
        let mut at = answer(rng, submitted);
        steps.push((Action::Accept, at));
        for round in 0..2 {
            let days = 1 + rng.below(4) as i64;
            let slot = daytime(rng, at + days * DAY_MS);
            at += (rng.unit() * 4.0 * HOUR_MS as f64) as i64;
            steps.push((Action::Schedule { at: slot }, at));
            let then = rng.unit();
            if then < 0.06 {
                let reason = (rng.unit() < 0.5).then(|| rng.pick(words::CANCEL_REASONS).to_string());
                steps.push((Action::Cancel { reason }, at + (slot - at) / 2));
                break;
            }
            at = slot + ((1.0 + rng.unit() * 2.0) * HOUR_MS as f64) as i64;
            steps.push((Action::Complete, at));
            // "Not solved" within a week, about one in fifty, then done again.
            if round == 1 || rng.unit() >= 0.02 {
                break;
            }
            at += (rng.unit() * 5.0 * DAY_MS as f64) as i64;
            let reason = rng.pick(words::REOPEN_REASONS).to_string();
            steps.push((Action::Reopen { reason }, at));
            // Reopened is accepted again: the organization finds a new time.
            at = answer(rng, at);
        }
    }

    let mut events = vec![Event {
        action: None,
        status: Status::Submitted,
        by: made_by,
        on_behalf_of,
        at: submitted,
    }];
    let mut status = Status::Submitted;
    let mut completed_at = None;
    for (action, at) in steps {
        if at >= until {
            break;
        }
        status = lifecycle::next(status, &action, action.side(), completed_at, at)
            .expect("the generator's timelines follow the lifecycle");
        completed_at = (status == Status::Completed).then_some(at);
        let by_requester = action.side() == lifecycle::Side::Requester;
        events.push(Event {
            status,
            by: if by_requester { made_by } else { owner },
            on_behalf_of: if by_requester { on_behalf_of } else { None },
            at,
            action: Some(action),
        });
    }
    events
}
