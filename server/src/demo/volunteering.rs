//! Upcoming volunteer activities on the demo directory: several organizations and a
//! community's own staff, over the next two weeks, at courtyards of their communities,
//! some nearly full and one full with a waitlist, signed up for by demo volunteers (people
//! without a login). Times are relative to the load, so a fresh installation has
//! activities to sign up for. Loaded once (its own data set).

use crate::store::SqlStore;
use app::domain::activities::Skill;
use app::domain::calendar::{Day, DAY_MS};
use sqlx::Row;

pub const DEMO_VOLUNTEERING_SET: &str = "demo-volunteering-v1";

const VOLUNTEERS: [&str; 8] = ["小陈", "小林", "小何", "小罗", "小郑", "小谢", "小宋", "小唐"];

/// Title (zh, en), description, kind, skills, days ahead, start hour, hours long, places,
/// volunteers signed up (those beyond the places wait in line).
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [Skill],
    i64,
    i64,
    i64,
    i64,
    usize,
);

#[rustfmt::skip]
const ACTIVITIES: [Spec; 10] = [
    ("探访独居老人", "Visiting older people who live alone", "两人一组上门陪老人聊聊天，看看家里有没有需要修的、需要买的。", "elder-visit", &[Skill::Companionship], 2, 9, 2, 6, 2),
    ("午间送餐上门", "Lunch delivered to the door", "从社区食堂把午餐送到行动不便的老人家里，每人负责一栋楼。", "meal-delivery", &[Skill::Lifting], 3, 11, 2, 4, 3),
    ("陪老人去医院复诊", "Taking older residents to hospital check-ups", "陪同行动不便的老人往返医院、排队、取药。", "escort", &[Skill::Companionship, Skill::Driving], 4, 8, 4, 3, 3),
    ("社区义诊日", "Community health check day", "测血压、血糖，解答用药问题；需要有医护背景的志愿者。", "health-day", &[Skill::Medical, Skill::FirstAid], 6, 9, 3, 5, 1),
    ("院落大扫除", "Courtyard clean-up", "清理楼道杂物、打扫公共区域，帮老人把不用的东西搬下楼。", "cleanup", &[Skill::Lifting], 5, 14, 3, 12, 4),
    ("为老人义剪", "Free haircuts for older residents", "在活动室给老人理发，也可以上门给卧床老人理发。", "haircut", &[Skill::Haircut], 8, 9, 3, 2, 4),
    ("教老人用手机挂号", "Teaching phone booking of hospital visits", "一对一教老人用手机挂号、视频通话、防诈骗。", "phone-help", &[Skill::PhoneHelp], 7, 15, 2, 6, 0),
    ("重阳茶话会帮手", "Helpers for a residents' tea party", "布置场地、陪老人下棋唱歌、活动结束后收拾。", "recreation", &[Skill::Companionship], 10, 14, 3, 8, 2),
    ("助残出行陪同", "Accompanying residents with disabilities", "陪同轮椅使用者外出办事，需要会推轮椅、会一点手语更好。", "escort", &[Skill::SignLanguage, Skill::Lifting], 9, 9, 3, 3, 2),
    ("周末探访高龄老人", "Weekend visits to the oldest residents", "探访 80 岁以上的老人，记录他们的需要，转给社区。", "elder-visit", &[Skill::Companionship], 12, 10, 2, 4, 0),
];

/// Loads the activities once; false when they were loaded before.
pub async fn load(store: &SqlStore) -> anyhow::Result<bool> {
    let mut tx = store.pool().begin().await?;
    if !crate::store::claim_data_load(&mut tx, DEMO_VOLUNTEERING_SET).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    let now = crate::store::migrate::now_millis();
    let mut volunteers = Vec::new();
    for name in VOLUNTEERS {
        let id: i64 =
            sqlx::query("INSERT INTO people (display_name, volunteer, created_at) VALUES ($1, 1, $2) RETURNING id")
                .bind(name)
                .bind(now - 90 * DAY_MS)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
        volunteers.push(id);
    }
    // Verified organizations with a courtyard in their community, and the courtyard.
    let hosts: Vec<(i64, i64, i64)> = sqlx::query(
        "SELECT o.id, o.community_id, MIN(g.id) AS courtyard FROM organizations o \
         JOIN grid_units z ON z.parent_id = o.community_id JOIN grid_units g ON g.parent_id = z.id \
         WHERE o.verified = 1 AND o.suspended = 0 AND g.kind = 'courtyard' GROUP BY o.id, o.community_id ORDER BY o.id",
    )
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
    .collect::<Result<_, sqlx::Error>>()?;
    if hosts.is_empty() {
        tx.commit().await?;
        return Ok(true);
    }
    let today = Day::of(now);
    for (i, (zh, en, description, kind, skills, days, hour, hours, places, signed)) in ACTIVITIES.iter().enumerate() {
        // The last one is run by the community's own staff (no organization).
        let (organization, community, courtyard) = hosts[(i * 3) % hosts.len()];
        let organization = (i != ACTIVITIES.len() - 1).then_some(organization);
        let place = sqlx::query("SELECT name_zh, latitude, longitude FROM grid_units WHERE id = $1")
            .bind(courtyard)
            .fetch_one(&mut *tx)
            .await?;
        let starts = today.plus(*days).start_millis() + hour * 3_600_000;
        let id: i64 = sqlx::query(
            "INSERT INTO activities (organization_id, community_id, grid_unit_id, kind, title_zh, title_en, description_zh, \
                address, latitude, longitude, starts_at, ends_at, signup_deadline, places, skills, status, created_by, \
                created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $13, $14, 'published', $15, $16, $16) \
             RETURNING id",
        )
        .bind(organization)
        .bind(community)
        .bind(courtyard)
        .bind(*kind)
        .bind(*zh)
        .bind(*en)
        .bind(*description)
        .bind(place.try_get::<String, _>("name_zh")?)
        .bind(place.try_get::<f64, _>("latitude")?)
        .bind(place.try_get::<f64, _>("longitude")?)
        .bind(starts)
        .bind(starts + hours * 3_600_000)
        .bind(*places)
        .bind(Skill::join(skills))
        .bind(volunteers[0])
        .bind(now - DAY_MS)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        // The first `places` are confirmed, the rest wait in line (tickets 1, 2, …).
        for (n, person) in volunteers.iter().enumerate().take(*signed) {
            let waiting = n as i64 >= *places;
            sqlx::query(
                "INSERT INTO activity_signups (activity_id, person_id, status, ticket, signed_up_at, confirmed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(person)
            .bind(if waiting { "waitlisted" } else { "confirmed" })
            .bind(waiting.then_some(n as i64 - places + 1))
            .bind(now - DAY_MS + n as i64 * 60_000)
            .bind((!waiting).then_some(now - DAY_MS))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE activities SET tickets = (SELECT COUNT(*) FROM activity_signups WHERE activity_id = $1 AND status = 'waitlisted') WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}
