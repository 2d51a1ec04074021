//! A month of residents' activity on the demo directory, so that a new installation shows
//! what the loop looks like: requests in every state with their timelines, ratings (a few
//! low, with their follow-ups), and needs no offering meets with their supporters. The
//! residents are demo people without a login (nobody can sign in as them). Deterministic:
//! the same data on every load, loaded once (its own data set), whenever the directory is.

use crate::store::SqlStore;
use app::domain::calendar::{after_working_days, after_working_hours, Day, DAY_MS};
use sqlx::{Any, Row, Transaction};

pub const DEMO_ACTIVITY_SET: &str = "demo-activity-v1";

const RESIDENTS: [&str; 12] = [
    "王奶奶",
    "李爷爷",
    "张阿姨",
    "刘叔叔",
    "陈婆婆",
    "杨大爷",
    "赵阿姨",
    "黄爷爷",
    "周奶奶",
    "吴叔叔",
    "徐阿姨",
    "孙爷爷",
];

const NEEDS: [(&str, Option<&str>, i64); 4] = [
    ("希望有人陪老人去医院复诊，子女白天上班。", None, 5),
    ("楼里没有电梯，想要有人帮忙把轮椅抬下楼。", Some("mobility"), 3),
    ("晚上也需要助餐，现在只有午餐。", Some("meal-assistance"), 7),
    ("想学用手机挂号和视频通话。", None, 2),
];

/// The steps a demo request went through, by how far along it is.
const STORIES: [&str; 8] = [
    "submitted",
    "accepted",
    "scheduled",
    "completed",
    "completed",
    "completed",
    "declined",
    "cancelled",
];

/// Loads the activity once; false when it was loaded before.
pub async fn load(store: &SqlStore) -> anyhow::Result<bool> {
    let mut tx = store.pool().begin().await?;
    if !crate::store::claim_data_load(&mut tx, DEMO_ACTIVITY_SET).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    let now = crate::store::migrate::now_millis();
    let mut people = Vec::new();
    for name in RESIDENTS {
        let id: i64 = sqlx::query("INSERT INTO people (display_name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(now - 60 * DAY_MS)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        people.push(id);
    }
    // Each active, shown offering, with where a resident of it lives: a unit it reaches
    // (at home) or a courtyard of its community (on site).
    let offerings = sqlx::query(
        "SELECT s.id, s.organization_id, s.category_slug, s.delivery, \
            COALESCE((SELECT MIN(sc.grid_unit_id) FROM service_coverage sc WHERE sc.service_id = s.id), o.community_id) AS unit, \
            o.community_id \
         FROM services s JOIN organizations o ON o.id = s.organization_id \
         WHERE s.status = 'active' AND o.verified = 1 AND o.suspended = 0 ORDER BY s.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut n = 0usize;
    for row in offerings.iter().take(24) {
        let (service, organization, category): (i64, i64, String) = (
            row.try_get("id")?,
            row.try_get("organization_id")?,
            row.try_get("category_slug")?,
        );
        let (unit, community): (i64, i64) = (row.try_get("unit")?, row.try_get("community_id")?);
        for _ in 0..3 {
            n += 1;
            let story = STORIES[n % STORIES.len()];
            let resident = people[n % people.len()];
            // Spread over the last month, a few hours apart; old enough that every step of
            // the story is in the past (a new one, yesterday or today).
            let days_ago = if story == "submitted" {
                n as i64 % 2
            } else {
                5 + (n as i64 * 7) % 25
            };
            let submitted = now - days_ago * DAY_MS - (n as i64 % 9) * 3_600_000 - 3_600_000;
            let score = (story == "completed").then(|| [5, 4, 5, 3, 4, 2, 5, 4, 1, 5][n % 10]);
            add_request(
                &mut tx,
                Request {
                    service,
                    organization,
                    category: &category,
                    resident,
                    unit,
                    community,
                    story,
                    submitted,
                    score,
                    n,
                    now,
                },
            )
            .await?;
        }
    }
    sqlx::query(
        "INSERT INTO service_ratings (service_id, r1, r2, r3, r4, r5) \
         SELECT service_id, COUNT(CASE WHEN score = 1 THEN 1 END), COUNT(CASE WHEN score = 2 THEN 1 END), \
            COUNT(CASE WHEN score = 3 THEN 1 END), COUNT(CASE WHEN score = 4 THEN 1 END), \
            COUNT(CASE WHEN score = 5 THEN 1 END) FROM ratings GROUP BY service_id",
    )
    .execute(&mut *tx)
    .await?;
    // Needs at the first courtyards, each with its supporters.
    let units: Vec<(i64, i64)> = sqlx::query(
        "SELECT g.id, c.id AS community FROM grid_units g JOIN grid_units z ON z.id = g.parent_id \
         JOIN grid_units c ON c.id = z.parent_id WHERE g.kind = 'courtyard' AND c.kind = 'community' ORDER BY g.id",
    )
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    for (i, (text, category, supporters)) in NEEDS.iter().enumerate() {
        let Some(&(unit, community)) = units.get(i % units.len().max(1)) else {
            break;
        };
        let need: i64 = sqlx::query(
            "INSERT INTO needs (grid_unit_id, community_id, category_slug, description, named_by, supporters, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(unit)
        .bind(community)
        .bind(*category)
        .bind(*text)
        .bind(people[i])
        .bind(*supporters)
        .bind(now - (i as i64 + 2) * DAY_MS)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for person in people.iter().skip(i).take(*supporters as usize) {
            sqlx::query("INSERT INTO need_supporters (need_id, person_id, added_at) VALUES ($1, $2, $3)")
                .bind(need)
                .bind(person)
                .bind(now - DAY_MS)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

struct Request<'a> {
    service: i64,
    organization: i64,
    category: &'a str,
    resident: i64,
    unit: i64,
    community: i64,
    story: &'static str,
    submitted: i64,
    score: Option<i64>,
    n: usize,
    now: i64,
}

async fn add_request(tx: &mut Transaction<'_, Any>, r: Request<'_>) -> anyhow::Result<()> {
    let hour = 3_600_000;
    let accepted = r.submitted + (2 + (r.n as i64 % 20)) * hour;
    let scheduled_for = accepted + (1 + (r.n as i64 % 3)) * DAY_MS;
    let completed = scheduled_for + 2 * hour;
    let (status, scheduled, done) = match r.story {
        // A visit still to come.
        "scheduled" => ("scheduled", Some(r.now + (1 + (r.n as i64 % 3)) * DAY_MS), None),
        "completed" => ("completed", Some(scheduled_for), Some(completed)),
        other => (other, None, None),
    };
    let id: i64 = sqlx::query(
        "INSERT INTO requests (service_id, organization_id, category_slug, resident_id, made_by, grid_unit_id, community_id, \
            address_detail, week_start, contact_phone, status, scheduled_for, submitted_at, answer_due, answered_at, \
            completed_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, '', $9, $10, $11, $12, $13, $14, $11) RETURNING id",
    )
    .bind(r.service)
    .bind(r.organization)
    .bind(r.category)
    .bind(r.resident)
    .bind(r.unit)
    .bind(r.community)
    .bind(format!("{} 单元 {}0{}", 1 + r.n % 4, 1 + r.n % 6, 1 + r.n % 3))
    .bind(Day::of(r.submitted).week_start().days())
    .bind(status)
    .bind(scheduled)
    .bind(r.submitted)
    .bind(after_working_hours(r.submitted, 48))
    .bind((status != "submitted" && status != "cancelled").then_some(accepted))
    .bind(done)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    let mut steps = vec![("submit", "submitted", r.submitted, None, None)];
    match status {
        "declined" => steps.push((
            "decline",
            "declined",
            accepted,
            Some("本周人手已满，请下周再申请"),
            None,
        )),
        "cancelled" => steps.push(("cancel", "cancelled", r.submitted + hour, None, None)),
        "submitted" => {}
        _ => {
            steps.push(("accept", "accepted", accepted, None, None));
            if scheduled.is_some() {
                steps.push(("schedule", "scheduled", accepted + hour, None, scheduled));
            }
            if done.is_some() {
                steps.push(("complete", "completed", completed, None, None));
            }
        }
    }
    for (seq, (action, to, at, reason, scheduled_for)) in steps.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO request_events (request_id, seq, action, status, by_person, at, reason, scheduled_for) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(seq as i64 + 1)
        .bind(action)
        .bind(to)
        .bind((action == "submit" || action == "cancel").then_some(r.resident))
        .bind(at)
        .bind(reason)
        .bind(scheduled_for)
        .execute(&mut **tx)
        .await?;
    }
    if let (Some(score), Some(done)) = (r.score, done) {
        let rated = done + 5 * hour;
        let comment = match score {
            1 | 2 => Some("约好的时间没来，打电话也没人接。"),
            5 => Some("阿姨很耐心，老人很满意。"),
            _ => None,
        };
        sqlx::query(
            "INSERT INTO ratings (request_id, service_id, organization_id, community_id, grid_unit_id, category_slug, \
                score, tags, comment, rated_by, rated_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(id)
        .bind(r.service)
        .bind(r.organization)
        .bind(r.community)
        .bind(r.unit)
        .bind(r.category)
        .bind(score)
        .bind(if score >= 4 { "on-time,patient" } else { "late" })
        .bind(comment)
        .bind(r.resident)
        .bind(rated)
        .execute(&mut **tx)
        .await?;
        if score <= 2 {
            sqlx::query(
                "INSERT INTO follow_ups (request_id, community_id, grid_unit_id, score, opened_at, due_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(r.community)
            .bind(r.unit)
            .bind(score)
            .bind(rated)
            .bind(after_working_days(rated, 5))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
