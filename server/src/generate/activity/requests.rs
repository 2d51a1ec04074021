//! A year of requests: each with its timeline (`timeline`), four in five of the completed
//! rated within three days, a follow-up for each rating of 1 or 2; then every rated
//! service's tally in one statement.

use super::super::rng::Rng;
use super::super::{words, Batch, CitySize, Value};
use super::timeline::{daytime, score, timeline, Year, YEAR_DAYS};
use super::{next_id, ActivityCounts, City, People};
use app::domain::calendar::{after_working_days, after_working_hours, Day, DAY_MS};
use app::domain::requests::lifecycle::{Action, Status};
use app::domain::requests::rating::TAGS;
use std::collections::HashMap;
use Value::{Int, OptInt, OptText, Text};

pub(super) async fn add(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rng: &mut Rng,
    city: &City,
    people: &People,
    size: &CitySize,
    year: Year,
    counts: &mut ActivityCounts,
) -> anyhow::Result<()> {
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
    let quality: HashMap<i64, f64> = city.organizations.iter().map(|o| (*o, rng.unit())).collect();
    let first_request = next_id(tx, "requests").await?;
    for n in 0..i64::from(size.requests) {
        let id = first_request + n;
        let resident = &people.residents[rng.below(people.residents.len())];
        // Residents use what their community's city.organizations offer, or (in a community
        // without any) whatever the city has.
        let service = &city.services[match city.offered.get(&resident.community) {
            Some(near) => near[rng.below(near.len())],
            None => rng.below(city.services.len()),
        }];
        let owner = people.owner_of[&service.organization];
        let (made_by, relation) = match resident.family {
            Some((member, relation)) if rng.unit() < 0.6 => (member, Some(relation)),
            _ => (resident.id, None),
        };
        let on_behalf_of = (made_by != resident.id).then_some(resident.id);
        let day = year.since + (rng.unit() * (YEAR_DAYS * DAY_MS) as f64) as i64;
        let submitted = daytime(rng, day);
        let timeline = timeline(rng, submitted, made_by, on_behalf_of, owner, year.until);
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
                tx,
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
                    tx,
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
            requests.flush(tx).await?;
            events.flush(tx).await?;
            ratings.flush(tx).await?;
            follow_ups.flush(tx).await?;
        }

        // Four in five completed requests are rated within three days.
        let Some(done) = completed_at else { continue };
        let rated_at = done + (rng.unit() * 3.0 * DAY_MS as f64) as i64;
        if rng.unit() >= 0.8 || rated_at >= year.until {
            continue;
        }
        let score = score(rng, quality[&service.organization]);
        let tags: Vec<&str> = TAGS
            .iter()
            .map(|t| t.0)
            .filter(|t| if score >= 4 { *t != "late" } else { *t == "late" })
            .filter(|_| rng.unit() < 0.3)
            .collect();
        let comment = (rng.unit() < 0.3).then(|| words::comment(rng, score).to_owned());
        let replied_at = rated_at + (rng.unit() * 2.0 * DAY_MS as f64) as i64;
        let replied = rng.unit() < 0.1 && replied_at < year.until;
        ratings
            .push(
                tx,
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
        let closed = rng.unit() < 0.9 && closed_at < year.until;
        follow_ups
            .push(
                tx,
                vec![
                    Int(id),
                    Int(resident.community),
                    Int(resident.building),
                    Int(i64::from(score)),
                    Int(rated_at),
                    Int(after_working_days(rated_at, 5)),
                    OptInt(closed.then_some(closed_at)),
                    OptInt(closed.then(|| people.staff_of[&resident.community])),
                    OptText(closed.then(|| rng.pick(words::FOLLOW_UP_NOTES).to_string())),
                    OptInt(closed.then(|| i64::from(rng.unit() < 0.6))),
                ],
            )
            .await?;
        counts.follow_ups += 1;
    }
    requests.flush(tx).await?;
    events.flush(tx).await?;
    ratings.flush(tx).await?;
    follow_ups.flush(tx).await?;
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}
