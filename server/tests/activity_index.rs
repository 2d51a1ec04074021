//! Activities near me from memory answer exactly what SQL answers, on both engines, over a
//! generated year of activities and many random searches; and a change made through one
//! store (a sign-up, a cancellation, a publication) is seen by the next search of another
//! store on the same database at once.

mod common;

use app::domain::activities::search::ActivityParams;
use app::domain::activities::store::ActivityStore;
use app::domain::activities::use_cases::Activities;
use common::fixtures::Lcg;
use common::{people, Engine};
use doorstep_server::generate::{generate, CitySize};
use doorstep_server::store::{SqlStore, StoreOptions};

fn size() -> CitySize {
    CitySize {
        seed: 11,
        communities: 6,
        organizations: 20,
        services: 60,
        residents: 600,
        requests: 0,
        needs: 0,
        activities: 3_000,
        signups: 20_000,
    }
}

/// A random search near the generated city, as its query string.
fn random_query(rng: &mut Lcg) -> String {
    let mut pairs: Vec<String> = Vec::new();
    if rng.next_f64() < 0.85 {
        let lat = 30.657 + (rng.next_f64() - 0.5) * 0.25;
        let lon = 104.065 + (rng.next_f64() - 0.5) * 0.25;
        pairs.push(format!("lat={lat:.4}&lon={lon:.4}"));
        pairs.push(format!("radius_m={}", rng.pick(&[500, 1000, 3000, 8000, 20000])));
    }
    if rng.next_f64() < 0.3 {
        pairs.push(format!(
            "kind={}",
            rng.pick(&["elder-visit", "cleanup", "haircut", "recreation"])
        ));
    }
    if rng.next_f64() < 0.2 {
        pairs.push(format!(
            "skill={}",
            rng.pick(&["first-aid", "driving", "companionship"])
        ));
    }
    if rng.next_f64() < 0.3 {
        let today = app::domain::calendar::Day::of(people::now());
        let from = today.plus((rng.next_f64() * 20.0) as i64);
        pairs.push(format!("from={from}&to={}", from.plus((rng.next_f64() * 10.0) as i64)));
    }
    if rng.next_f64() < 0.4 {
        pairs.push("sort=nearest".into());
    }
    pairs.push(format!("limit={}", rng.pick(&[1, 5, 20, 100])));
    if rng.next_f64() < 0.3 {
        pairs.push(format!("offset={}", rng.pick(&[1, 10, 40])));
    }
    pairs.join("&")
}

async fn memory_answers_what_sql_answers_and_sees_other_instances_at_once(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let made = generate(&db.store, size()).await.unwrap().volunteering.unwrap();
    assert!(made.upcoming > 100, "{made:?}");
    let a = &db.store;
    let b = SqlStore::connect(&StoreOptions::new(&db.url)).await.unwrap();
    let mut rng = Lcg(7);
    let mut found = 0;
    for n in 0..300 {
        let query = random_query(&mut rng);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap();
        let params = ActivityParams::from_pairs(&pairs).unwrap();
        let near = match params.origin {
            Some(app::domain::search::Origin::Position(c)) => Some(c),
            _ => None,
        };
        let search = params.resolve(near, people::now());
        let from_memory = a.search_activities(&search).await.unwrap();
        let from_sql = a.search_activities_by_sql(&search).await.unwrap();
        assert_eq!(from_memory, from_sql, "search {n}: {query}");
        found += from_memory.1.len();
    }
    assert!(found > 1_000, "the searches find things: {found}");
    assert_eq!(a.upcoming_cache().reads(), 1, "nothing changed: read once, then reused");

    // What no search shows moves nothing: the reminder sweep through another store (twice:
    // the second claims nothing, an update of no row), a reminder and a check-in code.
    let everything = ActivityParams::from_pairs(&[("limit", "100")])
        .unwrap()
        .resolve(None, people::now());
    let shown = a.search_activities(&everything).await.unwrap().1[0].activity.id.get();
    let sweep = Activities {
        store: &b,
        now: people::now(),
    };
    sweep.send_reminders().await.unwrap();
    sweep.send_reminders().await.unwrap();
    people::exec(&b, "UPDATE activities SET reminded_at = 1 WHERE id = $1", &[shown]).await;
    people::exec(
        &b,
        "UPDATE activities SET checkin_code = 'TESTCODE' WHERE id = $1",
        &[shown],
    )
    .await;
    a.search_activities(&everything).await.unwrap();
    assert_eq!(
        a.upcoming_cache().reads(),
        1,
        "only what a search shows moves its version"
    );

    // Through another store: a sign-up, then calling an activity off, each seen at once.
    let (_, before) = a.search_activities(&everything).await.unwrap();
    let target = before
        .iter()
        .find(|h| h.activity.places_left() > 0 && h.activity.starts_at > people::now() + 3_600_000)
        .expect("an upcoming activity with a place")
        .activity
        .clone();
    let helper = people::person(&b, "小周").await;
    people::exec(&b, "UPDATE people SET volunteer = 1 WHERE id = $1", &[helper.id]).await;
    let who = app::domain::accounts::principal::Principal {
        person: app::domain::ids::PersonId::new(helper.id).unwrap(),
        roles: app::domain::accounts::principal::Roles {
            volunteer: true,
            organizations: Vec::new(),
            communities: Vec::new(),
            acts_for: Vec::new(),
        },
    };
    let on_b = Activities {
        store: &b,
        now: people::now(),
    };
    on_b.sign_up(&who, target.id).await.unwrap();
    let seen = |hits: &[app::domain::activities::ActivityHit]| {
        hits.iter()
            .find(|h| h.activity.id == target.id)
            .map(|h| h.activity.confirmed)
    };
    let (_, after) = a.search_activities(&everything).await.unwrap();
    assert_eq!(
        seen(&after),
        Some(target.confirmed + 1),
        "the new sign-up counts at once"
    );
    people::exec(
        &b,
        "UPDATE activities SET status = 'cancelled', cancel_reason = 'x' WHERE id = $1",
        &[target.id.get()],
    )
    .await;
    let (_, after) = a.search_activities(&everything).await.unwrap();
    assert_eq!(seen(&after), None, "called off: gone at once");
    assert_eq!(
        a.search_activities(&everything).await.unwrap(),
        a.search_activities_by_sql(&everything).await.unwrap()
    );
}

/// The JSON search answers from kept card lines: each item must be what the activity's own
/// answer says (in the asked language), with the store's distance, and a change shows in
/// the next search.
async fn the_search_answer_shows_each_activity_as_its_own_answer_does(engine: Engine) {
    let db = common::fresh_db(engine).await;
    generate(&db.store, size()).await.unwrap();
    let app = common::spawn_with(db).await;
    let mut rng = Lcg(19);
    let mut compared = 0;
    for n in 0..100 {
        let query = random_query(&mut rng);
        let lang = rng.pick(&["zh", "en"]);
        let (status, page) = app.get_json(&format!("/api/v1/activities?{query}&lang={lang}")).await;
        assert_eq!(status, 200, "search {n}: {query}");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap();
        let params = ActivityParams::from_pairs(&pairs).unwrap();
        let near = match params.origin {
            Some(app::domain::search::Origin::Position(c)) => Some(c),
            _ => None,
        };
        let (total, hits) = app
            .db
            .store
            .search_activities_by_sql(&params.resolve(near, people::now()))
            .await
            .unwrap();
        assert_eq!(page["total"], total, "search {n}: {query}");
        let items = page["items"].as_array().unwrap();
        let found: Vec<_> = items
            .iter()
            .map(|i| (i["id"].as_i64().unwrap(), i["distance_m"].as_u64()))
            .collect();
        let expected: Vec<_> = hits
            .iter()
            .map(|h| (h.activity.id.get(), h.distance_m.map(u64::from)))
            .collect();
        assert_eq!(found, expected, "search {n}: {query}");
        for item in items.iter().take(5) {
            let (status, mut own) = app
                .get_json(&format!("/api/v1/activities/{}?lang={lang}", item["id"]))
                .await;
            assert_eq!(status, 200);
            let mut item = item.clone();
            own.as_object_mut().unwrap().remove("distance_m");
            item.as_object_mut().unwrap().remove("distance_m");
            assert_eq!(item, own, "search {n}: {query}");
            compared += 1;
        }
    }
    assert!(compared > 40, "the searches find things: {compared}");

    // A change to a shown activity shows in the next search, in each language.
    let (_, page) = app.get_json("/api/v1/activities?lang=en&limit=1").await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    people::exec(
        &app.db.store,
        "UPDATE activities SET title_en = 'Changed title' WHERE id = $1",
        &[id],
    )
    .await;
    let (_, page) = app.get_json("/api/v1/activities?lang=en&limit=1").await;
    assert_eq!(page["items"][0]["title"], "Changed title");
}

/// Every column a search shows, updated, moves the search's version (else every instance
/// would keep showing the old value); the columns come from the store's query itself.
async fn every_column_a_search_shows_moves_its_version(engine: Engine) {
    let app = common::spawn(engine).await;
    common::activities::published(&app, 3, 5).await;
    let store = &app.db.store;
    let version = || async {
        sqlx::query_scalar::<_, i64>("SELECT version FROM activity_search_version WHERE id = 1")
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    let columns = doorstep_server::store::activity_columns_read();
    assert!(columns.len() > 20, "read from the store's query: {columns:?}");
    for (table, column) in columns {
        let before = version().await;
        people::exec(store, &format!("UPDATE {table} SET {column} = {column}"), &[]).await;
        assert!(
            version().await > before,
            "updating {table}.{column} does not move the search's version"
        );
    }
}

on_both_engines!(
    memory_answers_what_sql_answers_and_sees_other_instances_at_once,
    the_search_answer_shows_each_activity_as_its_own_answer_does,
    every_column_a_search_shows_moves_its_version,
);
