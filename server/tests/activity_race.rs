//! 200 volunteers race for 10 places, on SQLite, on PostgreSQL, and through two instances
//! sharing one PostgreSQL: exactly 10 confirmed, 190 waitlisted at positions 1 to 190,
//! and after 5 confirmed volunteers cancel at once, exactly the first 5 in line promoted.

mod common;

use common::activities::{visit, volunteer};
use common::offerings::{count, publisher};
use common::people::{self, Person};
use common::{fixtures, spawn, spawn_with, Engine, TestApp, TestDb};
use futures_util::future::join_all;
use reqwest::Method;
use std::collections::BTreeMap;

const PLACES: usize = 10;
const VOLUNTEERS: usize = 200;
const CANCELLING: usize = 5;

/// Runs the race with requests spread over `apps` (all on one database).
async fn race(apps: &[&TestApp]) {
    let store = &apps[0].db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = publisher(store, &fixture, &owner).await;
    let (status, made) = apps[0]
        .send(
            Method::POST,
            "/api/v1/activities",
            Some(&owner),
            Some(visit(&fixture, org, 7, PLACES as i64)),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let signup = format!("/api/v1/activities/{}/signup", made["id"]);
    let mut volunteers: Vec<Person> = Vec::new();
    for n in 0..VOLUNTEERS {
        volunteers.push(volunteer(store, &format!("志愿者{n}")).await);
    }

    // All at once.
    let answers = join_all(volunteers.iter().enumerate().map(|(i, v)| {
        let app = apps[i % apps.len()];
        let path = signup.clone();
        async move { (v.id, app.send(Method::POST, &path, Some(v), None).await) }
    }))
    .await;
    let mut confirmed = Vec::new();
    let mut line: BTreeMap<u64, i64> = BTreeMap::new();
    for (person, (status, body)) in answers {
        assert_eq!(status, 200, "{body}");
        match body["status"].as_str() {
            Some("confirmed") => confirmed.push(person),
            Some("waitlisted") => {
                let position = body["position"].as_u64().unwrap();
                assert!(
                    line.insert(position, person).is_none(),
                    "position {position} given twice"
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(confirmed.len(), PLACES);
    let positions: Vec<u64> = line.keys().copied().collect();
    assert_eq!(positions, (1..=(VOLUNTEERS - PLACES) as u64).collect::<Vec<_>>());
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM activity_signups WHERE status = 'confirmed'"
        )
        .await,
        PLACES as i64
    );
    assert_eq!(count(store, "SELECT confirmed FROM activities").await, PLACES as i64);

    // Five of the confirmed cancel at once: the first five in line, and only they, move up.
    let leaving = &confirmed[..CANCELLING];
    let by_id = |id: i64| volunteers.iter().find(|v| v.id == id).unwrap();
    let cancelled = join_all(leaving.iter().enumerate().map(|(i, id)| {
        let app = apps[i % apps.len()];
        let path = signup.clone();
        let who = by_id(*id);
        async move { app.send(Method::DELETE, &path, Some(who), None).await.0 }
    }))
    .await;
    assert!(cancelled.iter().all(|s| *s == 204), "{cancelled:?}");
    let now_confirmed: Vec<i64> =
        sqlx::query_scalar("SELECT person_id FROM activity_signups WHERE status = 'confirmed' ORDER BY person_id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let mut expected: Vec<i64> = confirmed[CANCELLING..]
        .iter()
        .copied()
        .chain(line.values().take(CANCELLING).copied())
        .collect();
    expected.sort();
    assert_eq!(now_confirmed, expected);
    // The rest keep their order, now from 1.
    for (new_position, person) in line.values().skip(CANCELLING).enumerate() {
        if new_position % 37 != 0 {
            continue; // a sample: each answer is a request
        }
        let (_, mine) = apps[0]
            .send(Method::GET, "/api/v1/me/activities", Some(by_id(*person)), None)
            .await;
        assert_eq!(mine[0]["signup"]["position"], new_position as u64 + 1, "{mine}");
    }
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM notifications WHERE kind = 'activity-promoted'"
        )
        .await,
        CANCELLING as i64
    );
}

#[test]
fn sqlite_never_overbooks() {
    common::run(async {
        let app = spawn(Engine::Sqlite).await;
        race(&[&app]).await;
    })
}

#[test]
fn postgres_never_overbooks() {
    common::run(async {
        let app = spawn(Engine::Postgres).await;
        race(&[&app]).await;
    })
}

#[test]
fn two_instances_on_one_postgres_never_overbook() {
    common::run(async {
        let one = spawn(Engine::Postgres).await;
        let store = doorstep_server::store::SqlStore::connect(&doorstep_server::store::StoreOptions::new(&one.db.url))
            .await
            .unwrap();
        let two = spawn_with(TestDb {
            url: one.db.url.clone(),
            store,
            _dir: None,
        })
        .await;
        race(&[&one, &two]).await;
    })
}
