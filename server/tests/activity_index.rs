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

    // Through another store: a sign-up, then calling an activity off, each seen at once.
    let everything = ActivityParams::from_pairs(&[("limit", "100")])
        .unwrap()
        .resolve(None, people::now());
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

on_both_engines!(memory_answers_what_sql_answers_and_sees_other_instances_at_once);
