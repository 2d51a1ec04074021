//! The community dashboard's figures match the rows they summarise, on both engines: a
//! generated month of requests, events, ratings and follow-ups across two communities
//! (the staff member oversees one), summarised here the plainest way and compared with
//! `GET /api/v1/dashboard` and its CSV.

mod common;

use common::fixtures::{self, Lcg};
use common::people::{self, exec};
use common::{spawn, Engine};
use reqwest::Method;
use std::collections::BTreeMap;

const HOUR: i64 = 3_600_000;

struct Made {
    community: i64,
    /// The level-3 unit it is counted under.
    unit: i64,
    organization: i64,
    category: &'static str,
    status: &'static str,
    submitted_at: i64,
    accepted_after: Option<i64>,
    completed_after: Option<i64>,
    answer_due: i64,
    score: Option<i64>,
    follow_up: Option<(bool, Option<bool>)>,
}

async fn the_dashboard_says_what_the_rows_say(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let unit = |parent: i64, kind: &'static str, name: String| {
        let store = store.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO grid_units (parent_id, kind, code, name_zh, name_en, latitude, longitude) \
                 VALUES ($1, $2, $3, $4, $4, 30.64, 104.05) RETURNING id",
            )
            .bind(parent)
            .bind(kind)
            .bind(format!("gen-{name}"))
            .bind(&name)
            .fetch_one(store.pool())
            .await
            .unwrap()
        }
    };
    // Our community: the fixture's courtyard and a second one with a building.
    let second = unit(fixture.community, "courtyard", "二号院".into()).await;
    let building = unit(second, "building", "二号院3栋".into()).await;
    let elsewhere = people::community(store, "别的社区").await;
    let other_org = fixtures::organization(store, "org-2", "邻里互助", "Neighbours", fixture.community).await;
    let service = |org: i64, category: &'static str| {
        let store = store.clone();
        let community = fixture.community;
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO services (code, organization_id, category_slug, name_zh, name_en, description_zh, description_en, \
                    delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, cost_kind, phone) \
                 VALUES ($1, $2, $3, '服务', 'Service', '', '', 'at-home', $4, '', '', 30.64, 104.05, '', '', 'free', '1') \
                 RETURNING id",
            )
            .bind(format!("gen-{org}-{category}"))
            .bind(org)
            .bind(category)
            .bind(community)
            .fetch_one(store.pool())
            .await
            .unwrap()
        }
    };
    let services = [
        (
            fixture.organization,
            "meal-assistance",
            service(fixture.organization, "meal-assistance").await,
        ),
        (
            fixture.organization,
            "home-care",
            service(fixture.organization, "home-care").await,
        ),
        (other_org, "rehabilitation", service(other_org, "rehabilitation").await),
    ];
    // Only meal assistance reaches our units at home (through the community).
    let meals = services[0].2;
    exec(
        store,
        "INSERT INTO service_coverage (service_id, grid_unit_id) VALUES ($1, $2)",
        &[meals, fixture.community],
    )
    .await;
    let resident = people::person(store, "居民").await;
    let staff = people::person(store, "社区干部").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, fixture.community],
    )
    .await;

    let now = people::now();
    let mut rng = Lcg(20261127);
    let mut made = Vec::new();
    let places = [
        (fixture.community, fixture.courtyard, fixture.courtyard),
        (fixture.community, second, second),
        (fixture.community, building, second),
        (elsewhere, elsewhere, elsewhere),
    ];
    for _ in 0..160 {
        let &(community, at, counted) = rng.pick(&places);
        let &(organization, category, service) = rng.pick(&services);
        // Within the last 40 days: some fall outside the default 30-day period.
        let submitted_at = now - (rng.next_f64() * 40.0 * 24.0 * HOUR as f64) as i64;
        let status = *rng.pick(&[
            "submitted",
            "accepted",
            "declined",
            "scheduled",
            "completed",
            "cancelled",
        ]);
        let accepted_after = matches!(status, "accepted" | "scheduled" | "completed")
            .then(|| (rng.next_f64() * 72.0 * HOUR as f64) as i64 + 1);
        let completed_after =
            (status == "completed").then(|| accepted_after.unwrap() + (rng.next_f64() * 200.0 * HOUR as f64) as i64);
        let answer_due = submitted_at + 48 * HOUR;
        let score = (status == "completed" && rng.next_f64() < 0.8).then(|| 1 + (rng.next_f64() * 5.0) as i64);
        let follow_up = score.filter(|s| *s <= 2).map(|_| {
            (
                rng.next_f64() < 0.5,
                (rng.next_f64() < 0.5).then(|| rng.next_f64() < 0.5),
            )
        });
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO requests (service_id, organization_id, category_slug, resident_id, made_by, grid_unit_id, \
                community_id, address_detail, week_start, contact_phone, status, scheduled_for, submitted_at, answer_due, \
                completed_at, updated_at, answered_at) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, '1', 0, '1', $7, $8, $9, $10, $11, $9, $12) RETURNING id",
        )
        .bind(service)
        .bind(organization)
        .bind(category)
        .bind(resident.id)
        .bind(at)
        .bind(community)
        .bind(status)
        .bind(matches!(status, "scheduled" | "completed").then_some(submitted_at + HOUR))
        .bind(submitted_at)
        .bind(answer_due)
        .bind(completed_after.map(|c| submitted_at + c))
        // As the app keeps it: the first accept or decline.
        .bind(match status {
            "declined" => Some(submitted_at + HOUR),
            _ => accepted_after.map(|a| submitted_at + a),
        })
        .fetch_one(store.pool())
        .await
        .unwrap();
        let mut seq = 1;
        let mut event = |action: &'static str, at: i64| {
            seq += 1;
            sqlx::query(
                "INSERT INTO request_events (request_id, seq, action, status, at) VALUES ($1, $2, $3, 'accepted', $4)",
            )
            .bind(id)
            .bind(seq)
            .bind(action)
            .bind(at)
            .execute(store.pool())
        };
        if let Some(after) = accepted_after {
            event("accept", submitted_at + after).await.unwrap();
        }
        if let Some(score) = score {
            let rated_at = submitted_at + completed_after.unwrap() + HOUR;
            sqlx::query(
                "INSERT INTO ratings (request_id, service_id, organization_id, community_id, grid_unit_id, category_slug, \
                    score, rated_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(id)
            .bind(service)
            .bind(organization)
            .bind(community)
            .bind(at)
            .bind(category)
            .bind(score)
            .bind(rated_at)
            .execute(store.pool())
            .await
            .unwrap();
            if let Some((overdue, closed)) = follow_up {
                let due = if overdue { now - HOUR } else { now + 100 * HOUR };
                sqlx::query(
                    "INSERT INTO follow_ups (request_id, community_id, grid_unit_id, score, opened_at, due_at, closed_at, note, \
                        now_satisfied) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(id)
                .bind(community)
                .bind(at)
                .bind(score)
                .bind(rated_at)
                .bind(due)
                .bind(closed.map(|_| rated_at + HOUR))
                .bind(closed.map(|_| "已回访"))
                .bind(closed.map(i64::from))
                .execute(store.pool())
                .await
                .unwrap();
            }
        }
        made.push(Made {
            community,
            unit: counted,
            organization,
            category,
            status,
            submitted_at,
            accepted_after,
            completed_after,
            answer_due,
            score,
            follow_up,
        });
    }

    // The default period: the last 30 days, today included, in Chengdu.
    let today = app::domain::calendar::Day::of(now);
    let (from, to) = (today.plus(-29).start_millis(), today.plus(1).start_millis());
    let ours: Vec<&Made> = made.iter().filter(|m| m.community == fixture.community).collect();
    let submitted: Vec<&&Made> = ours.iter().filter(|m| (from..to).contains(&m.submitted_at)).collect();
    let rated =
        |m: &&Made| m.score.is_some() && (from..to).contains(&(m.submitted_at + m.completed_after.unwrap() + HOUR));

    let (status, d) = app.send(Method::GET, "/api/v1/dashboard", Some(&staff), None).await;
    assert_eq!(status, 200, "{d}");
    // Requests by status.
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for m in &submitted {
        *by_status.entry(m.status.to_owned()).or_default() += 1;
    }
    let shown: BTreeMap<String, u64> = d["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_u64().unwrap()))
        .collect();
    assert_eq!(shown, by_status);
    // Medians as the domain defines them (the lower middle), which SQL finds.
    let median = app::domain::oversight::median;
    let accept = median(submitted.iter().filter_map(|m| m.accepted_after).collect());
    assert_eq!(d["median_to_accept_ms"].as_i64(), accept);
    let complete = median(submitted.iter().filter_map(|m| m.completed_after).collect());
    assert_eq!(d["median_to_complete_ms"].as_i64(), complete);
    // Satisfaction by organization, category and level-3 unit.
    let tally = |key: &dyn Fn(&Made) -> String| {
        let mut t: BTreeMap<String, [u64; 5]> = BTreeMap::new();
        for m in ours.iter().filter(|m| rated(m)) {
            t.entry(key(m)).or_default()[m.score.unwrap() as usize - 1] += 1;
        }
        t
    };
    let shown_tally = |table: &str| -> BTreeMap<String, [u64; 5]> {
        d[table]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let c: Vec<u64> = r["tally"]["counts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_u64().unwrap())
                    .collect();
                (r["key"].as_str().unwrap().to_owned(), [c[0], c[1], c[2], c[3], c[4]])
            })
            .collect()
    };
    assert_eq!(shown_tally("by_organization"), tally(&|m| m.organization.to_string()));
    assert_eq!(shown_tally("by_category"), tally(&|m| m.category.to_owned()));
    assert_eq!(shown_tally("by_grid_unit"), tally(&|m| m.unit.to_string()));
    // Follow-ups.
    let low: Vec<&&Made> = ours.iter().filter(|m| rated(m) && m.score.unwrap() <= 2).collect();
    let f = &d["follow_ups"];
    assert_eq!(f["low_ratings"].as_u64(), Some(low.len() as u64));
    assert_eq!(
        f["opened"].as_u64(),
        Some(low.iter().filter(|m| m.follow_up.is_some()).count() as u64)
    );
    assert_eq!(
        f["closed"].as_u64(),
        Some(
            low.iter()
                .filter(|m| m.follow_up.is_some_and(|(_, c)| c.is_some()))
                .count() as u64
        )
    );
    assert_eq!(
        f["now_satisfied"].as_u64(),
        Some(
            low.iter()
                .filter(|m| m.follow_up.is_some_and(|(_, c)| c == Some(true)))
                .count() as u64
        )
    );
    let overdue = ours
        .iter()
        .filter(|m| m.follow_up.is_some_and(|(o, c)| o && c.is_none()))
        .count();
    assert_eq!(f["overdue_now"].as_u64(), Some(overdue as u64));
    // Unmet demand by level-3 unit and category; only meal assistance reaches them.
    let mut demand: BTreeMap<(i64, String), (u64, u64)> = BTreeMap::new();
    for m in &submitted {
        let entry = demand.entry((m.unit, m.category.to_owned()));
        match m.status {
            "declined" => entry.or_default().0 += 1,
            "submitted" if m.answer_due < now => entry.or_default().1 += 1,
            _ => {}
        }
    }
    let shown_demand: BTreeMap<(i64, String), (u64, u64)> = d["demand"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["covered"].as_bool(), Some(r["category"] == "meal-assistance"), "{r}");
            (
                (
                    r["grid_unit"].as_i64().unwrap(),
                    r["category"].as_str().unwrap().to_owned(),
                ),
                (r["declined"].as_u64().unwrap(), r["unanswered"].as_u64().unwrap()),
            )
        })
        .collect();
    assert_eq!(shown_demand, demand);

    // The CSV of a table has its rows, with a header and a byte-order mark.
    let response = app
        .request(Method::GET, "/api/v1/dashboard/csv?table=organizations", Some(&staff))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = response.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert_eq!(text.lines().count(), 1 + d["by_organization"].as_array().unwrap().len());
    // Only community staff; a bad period or table is a 400.
    let resident_answer = app.send(Method::GET, "/api/v1/dashboard", Some(&resident), None).await;
    assert_eq!(resident_answer.0, 403);
    let (status, bad) = app
        .send(Method::GET, "/api/v1/dashboard?from=2026-13-01", Some(&staff), None)
        .await;
    assert_eq!((status, bad["error"]["field"].as_str()), (400, Some("from")));
    let (status, _) = app
        .send(Method::GET, "/api/v1/dashboard/csv?table=secrets", Some(&staff), None)
        .await;
    assert_eq!(status, 400);
}

on_both_engines!(the_dashboard_says_what_the_rows_say);
