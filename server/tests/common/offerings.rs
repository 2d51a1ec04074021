//! Offerings for tests: a valid offering body, a verified organization to publish it,
//! and what search finds.

use super::fixtures;
use super::people::{self, exec, Person};
use super::TestApp;
use doorstep_server::store::SqlStore;
use serde_json::{json, Value};

/// A valid at-home offering reaching the fixture's courtyard.
pub fn meals(fixture: &fixtures::Fixture) -> Value {
    json!({
        "category": "meal-assistance",
        "name_zh": "长者送餐上门",
        "description_zh": "工作日中午把热饭送到家。",
        "delivery": "at-home",
        "place_id": fixture.community,
        "coverage": [fixture.courtyard],
        "hours": {"weekly": [{"day": 1, "opens": "11:00", "closes": "13:00"},
                             {"day": 2, "opens": "11:00", "closes": "13:00"}],
                  "exceptions": [{"date": "2026-10-01"}]},
        "eligibility": {"min_age": 60},
        "cost": "subsidized",
        "price": {"amount_fen": 1200, "unit": "meal"},
        "phone": "028-85550101",
        "capacity": 40
    })
}

/// A verified organization of the fixture's community with `owner` as its owner.
pub async fn publisher(store: &SqlStore, fixture: &fixtures::Fixture, owner: &Person) -> i64 {
    let org = people::organization(store, fixture.community, owner).await;
    exec(store, "UPDATE organizations SET verified = 1 WHERE id = $1", &[org]).await;
    org
}

pub async fn count(store: &SqlStore, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
}

pub async fn found(app: &TestApp, q: &str) -> Vec<i64> {
    let (status, body) = app.get_json(&format!("/api/v1/services?q={q}&limit=100")).await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}
