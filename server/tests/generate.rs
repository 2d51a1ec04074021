//! `doorstep generate`'s year of activity, on both engines and a small city: every
//! request's timeline is one the domain's lifecycle explains and ends in the request's
//! state; tallies, follow-ups and supporters agree with the rows they count; family
//! members act only for the people linked to them; and a second run adds nothing.

mod common;

use app::domain::requests::lifecycle::{replay, Action, Status};
use common::Engine;
use doorstep_server::generate::{generate, CitySize};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

fn size() -> CitySize {
    CitySize {
        seed: 9,
        communities: 5,
        organizations: 25,
        services: 150,
        residents: 400,
        requests: 3_000,
        needs: 120,
        activities: 400,
        signups: 4_000,
    }
}

async fn count(store: &doorstep_server::store::SqlStore, sql: &str) -> usize {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(store.pool()).await.unwrap() as usize
}

/// The action an event row records (`None` for the submission).
fn action(name: &str, reason: Option<String>, at: Option<i64>) -> Option<Action> {
    Some(match name {
        "submit" => return None,
        "accept" => Action::Accept,
        "decline" => Action::Decline {
            reason: reason.expect("a decline has its reason"),
        },
        "schedule" => Action::Schedule {
            at: at.expect("a schedule has its time"),
        },
        "complete" => Action::Complete,
        "cancel" => Action::Cancel { reason },
        "reopen" => Action::Reopen {
            reason: reason.expect("a reopening has its reason"),
        },
        other => panic!("unknown action {other}"),
    })
}

async fn a_generated_year_hangs_together(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let store = &db.store;
    let outcome = generate(store, size()).await.unwrap();
    assert!(outcome.city.is_some());
    let made = outcome.activity.expect("the first run makes the year");
    assert_eq!(count(store, "SELECT COUNT(*) FROM requests").await, made.requests);
    assert_eq!(made.requests, 3_000);
    assert_eq!(count(store, "SELECT COUNT(*) FROM request_events").await, made.events);
    assert_eq!(count(store, "SELECT COUNT(*) FROM ratings").await, made.ratings);
    assert_eq!(count(store, "SELECT COUNT(*) FROM follow_ups").await, made.follow_ups);
    assert_eq!(count(store, "SELECT COUNT(*) FROM needs").await, made.needs);
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM need_supporters").await,
        made.supporters
    );
    // Staff for 5 communities, owners for 25 organizations, 400 residents and 40 family members.
    assert_eq!(made.people, 5 + 25 + 400 + 40);

    // Timelines: numbered from 1, in time order, each step a legal one from the state
    // before it, ending in the request's state; the request's times are its events'.
    let rows = sqlx::query(
        "SELECT r.id, r.status, r.completed_at, r.answered_at, r.updated_at, r.scheduled_for AS r_scheduled, \
            r.reopened, e.seq, e.action, e.status AS e_status, e.reason, e.scheduled_for, e.at \
         FROM requests r JOIN request_events e ON e.request_id = r.id ORDER BY r.id, e.seq",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut timelines: BTreeMap<i64, Vec<&sqlx::any::AnyRow>> = BTreeMap::new();
    for row in &rows {
        timelines.entry(row.get("id")).or_default().push(row);
    }
    assert_eq!(timelines.len(), made.requests, "every request has a timeline");
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for (id, events) in &timelines {
        let first = events[0];
        let status: String = first.get("status");
        *by_status.entry(status.clone()).or_default() += 1;
        let mut actions = Vec::new();
        let mut previous_at = i64::MIN;
        for (n, e) in events.iter().enumerate() {
            assert_eq!(e.get::<i64, _>("seq"), n as i64 + 1, "request {id}");
            let at: i64 = e.get("at");
            assert!(at >= previous_at, "request {id}: events in time order");
            previous_at = at;
            let name: String = e.get("action");
            assert_eq!(n == 0, name == "submit", "request {id}: submitted first, once");
            if let Some(a) = action(&name, e.get("reason"), e.get("scheduled_for")) {
                actions.push(a);
            }
            let reached =
                replay(&actions).unwrap_or_else(|| panic!("request {id}: {actions:?} is not a legal timeline"));
            assert_eq!(
                reached.slug(),
                e.get::<String, _>("e_status"),
                "request {id}, event {n}"
            );
        }
        assert_eq!(
            replay(&actions).unwrap().slug(),
            status,
            "request {id}: the timeline explains the state"
        );
        let last = events.last().unwrap();
        assert_eq!(first.get::<i64, _>("updated_at"), last.get::<i64, _>("at"));
        let completed: Option<i64> = first.get("completed_at");
        assert_eq!(completed.is_some(), status == "completed", "request {id}");
        if let Some(done) = completed {
            assert_eq!(done, last.get::<i64, _>("at"));
        }
        let answered = events
            .iter()
            .find(|e| ["accept", "decline"].contains(&e.get::<String, _>("action").as_str()))
            .map(|e| e.get::<i64, _>("at"));
        assert_eq!(first.get::<Option<i64>, _>("answered_at"), answered, "request {id}");
        let reopened = events
            .iter()
            .filter(|e| e.get::<String, _>("action") == "reopen")
            .count();
        assert_eq!(first.get::<i64, _>("reopened"), reopened as i64);
        if status == Status::Scheduled.slug() {
            assert!(first.get::<Option<i64>, _>("r_scheduled").is_some());
        }
    }
    // Like a real year: most requests done, some declined or cancelled, a few still open.
    let share = |s: &str| by_status.get(s).copied().unwrap_or(0) as f64 / made.requests as f64;
    assert!((0.7..0.9).contains(&share("completed")), "{by_status:?}");
    for status in ["declined", "cancelled", "submitted"] {
        assert!(share(status) > 0.0, "{status} in {by_status:?}");
    }

    // Ratings only of completed requests, by whoever made the request.
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM ratings ra JOIN requests r ON r.id = ra.request_id \
             WHERE r.status <> 'completed' OR ra.rated_by <> r.made_by OR ra.rated_at < r.completed_at \
                OR ra.service_id <> r.service_id OR ra.community_id <> r.community_id"
        )
        .await,
        0
    );
    assert!(made.ratings > made.requests / 2, "{} ratings", made.ratings);
    // Every tally is its service's ratings counted by score.
    let tallies = |sql: &'static str| async move {
        sqlx::query(sql)
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (1..=5)
                    .map(|k| r.get::<i64, _>(k))
                    .chain([r.get::<i64, _>(0)])
                    .collect::<Vec<_>>()
            })
            .collect::<BTreeSet<_>>()
    };
    let kept = tallies("SELECT service_id, r1, r2, r3, r4, r5 FROM service_ratings").await;
    let counted = tallies(
        "SELECT service_id, SUM(CASE WHEN score = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN score = 2 THEN 1 ELSE 0 END), \
            SUM(CASE WHEN score = 3 THEN 1 ELSE 0 END), SUM(CASE WHEN score = 4 THEN 1 ELSE 0 END), \
            SUM(CASE WHEN score = 5 THEN 1 ELSE 0 END) FROM ratings GROUP BY service_id",
    )
    .await;
    assert_eq!(kept, counted);
    // A follow-up for every rating of 1 or 2, and for nothing else; closed ones say how.
    let ids = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .collect::<BTreeSet<_>>()
    };
    let low = ids("SELECT request_id FROM ratings WHERE score <= 2").await;
    assert!(!low.is_empty());
    assert_eq!(ids("SELECT request_id FROM follow_ups").await, low);
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM follow_ups f JOIN community_staff cs ON cs.person_id = f.closed_by \
             WHERE cs.community_id = f.community_id"
        )
        .await,
        count(store, "SELECT COUNT(*) FROM follow_ups WHERE closed_at IS NOT NULL").await,
        "closed by the staff of the request's community"
    );

    // A request made by someone else is made by a family member linked to the resident.
    assert!(count(store, "SELECT COUNT(*) FROM requests WHERE made_by <> resident_id").await > 0);
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM requests r WHERE r.made_by <> r.resident_id AND NOT EXISTS \
             (SELECT 1 FROM family_links f WHERE f.person_id = r.resident_id AND f.member_id = r.made_by AND f.status = 'active')"
        )
        .await,
        0
    );

    // Needs: supporters counted, the one who named it among them, every status present.
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM needs n WHERE n.supporters <> (SELECT COUNT(*) FROM need_supporters s WHERE s.need_id = n.id) \
             OR NOT EXISTS (SELECT 1 FROM need_supporters s WHERE s.need_id = n.id AND s.person_id = n.named_by)"
        )
        .await,
        0
    );
    assert!(count(store, "SELECT COUNT(*) FROM needs WHERE supporters > 1").await > 0);
    for status in ["open", "pointed", "unmet"] {
        let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM needs WHERE status = $1")
            .bind(status)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(n > 0, "no need is {status}");
    }

    // Ids the app gives next follow the generated ones (PostgreSQL's sequences moved).
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO people (login, display_name, created_at) VALUES ('after@example.org', '后来', 0) RETURNING id",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let max: i64 = sqlx::query_scalar("SELECT MAX(id) FROM people WHERE id <> $1")
        .bind(next)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(next > max);

    // Once per seed.
    let again = generate(store, size()).await.unwrap();
    assert_eq!((again.city, again.activity, again.volunteering), (None, None, None));
    assert_eq!(count(store, "SELECT COUNT(*) FROM requests").await, made.requests);
}

/// Activities and sign-ups as the app would have left them: places never overbooked, the
/// waitlist only behind a full list and in ticket order, nobody in two places at once,
/// attendance only for places of activities that ended, organizers who may organize.
async fn a_generated_year_of_volunteering_keeps_the_apps_rules(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let store = &db.store;
    let made = generate(store, size())
        .await
        .unwrap()
        .volunteering
        .expect("the first run makes activities");
    assert_eq!(made.activities, 400);
    assert_eq!(count(store, "SELECT COUNT(*) FROM activities").await, made.activities);
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM activity_signups").await,
        made.signups
    );
    assert!(
        (3_000..5_000).contains(&made.signups),
        "about the sign-ups asked for: {made:?}"
    );
    assert!(
        made.upcoming > 0 && made.waitlisted > 0 && made.approved > 0,
        "{made:?}"
    );
    let zero = |sql: &'static str| async move { assert_eq!(count(store, sql).await, 0, "{sql}") };
    // The counts the triggers keep are the rows'; confirmed never over the places.
    assert_eq!(
        count(
            store,
            "SELECT CAST(COALESCE(SUM(confirmed), 0) AS BIGINT) FROM activities"
        )
        .await,
        made.confirmed
    );
    assert_eq!(
        count(
            store,
            "SELECT CAST(COALESCE(SUM(waitlisted), 0) AS BIGINT) FROM activities"
        )
        .await,
        made.waitlisted
    );
    zero("SELECT COUNT(*) FROM activities WHERE confirmed > places OR (waitlisted > 0 AND confirmed < places)").await;
    // Tickets 1, 2, … with the activity's last ticket kept.
    zero(
        "SELECT COUNT(*) FROM activities a WHERE a.tickets <> a.waitlisted OR a.waitlisted <> \
         COALESCE((SELECT MAX(s.ticket) FROM activity_signups s WHERE s.activity_id = a.id), 0)",
    )
    .await;
    zero(
        "SELECT COUNT(*) FROM activity_signups s1 JOIN activities a1 ON a1.id = s1.activity_id \
         JOIN activity_signups s2 ON s2.person_id = s1.person_id AND s2.activity_id > s1.activity_id \
         JOIN activities a2 ON a2.id = s2.activity_id \
         WHERE s1.status <> 'cancelled' AND s2.status <> 'cancelled' \
           AND a1.starts_at < a2.ends_at AND a2.starts_at < a1.ends_at",
    )
    .await;
    zero("SELECT COUNT(*) FROM activity_signups s JOIN people p ON p.id = s.person_id WHERE p.volunteer = 0").await;
    zero(
        "SELECT COUNT(*) FROM activity_signups s JOIN activities a ON a.id = s.activity_id \
         WHERE (s.checked_in_at IS NOT NULL OR s.no_show = 1 OR s.minutes IS NOT NULL) \
           AND (s.status <> 'confirmed' OR a.status <> 'published' OR a.ends_at > s.approved_at \
                OR (s.no_show = 1 AND s.checked_in_at IS NOT NULL) \
                OR s.minutes > (a.ends_at - a.starts_at) / 60000)",
    )
    .await;
    zero(
        "SELECT COUNT(*) FROM activities a WHERE (a.organization_id IS NOT NULL AND NOT EXISTS \
            (SELECT 1 FROM organization_members m WHERE m.organization_id = a.organization_id AND m.person_id = a.created_by)) \
         OR (a.organization_id IS NULL AND NOT EXISTS \
            (SELECT 1 FROM community_staff c WHERE c.community_id = a.community_id AND c.person_id = a.created_by))",
    )
    .await;
    assert!(count(store, "SELECT COUNT(*) FROM activities WHERE organization_id IS NULL").await > 0);
}

on_both_engines!(
    a_generated_year_hangs_together,
    a_generated_year_of_volunteering_keeps_the_apps_rules,
);
