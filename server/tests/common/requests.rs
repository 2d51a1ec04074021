//! A request's setting shared by the request and review tests: an organization with an
//! offering at home, and a father whose daughter acts for him.

use super::offerings::{meals, publisher};
use super::people::{self, exec, Person};
use super::{fixtures, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

pub struct Setting {
    pub fixture: fixtures::Fixture,
    pub owner: Person,
    pub org: i64,
    /// At home, reaching the fixture's courtyard, 60 and over, 40 a week.
    pub offering: i64,
    pub father: Person,
    pub daughter: Person,
}

pub async fn setting(app: &TestApp) -> Setting {
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;
    let (status, created) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{org}/offerings"),
            Some(&owner),
            Some(meals(&fixture)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let father = people::person(store, "王建国").await;
    let daughter = people::person(store, "王小红").await;
    exec(
        store,
        "INSERT INTO family_links (person_id, member_id, relation, status, created_at) VALUES ($1, $2, '女儿', 'active', 0)",
        &[father.id, daughter.id],
    )
    .await;
    Setting {
        offering: created["id"].as_i64().unwrap(),
        fixture,
        owner,
        org,
        father,
        daughter,
    }
}

pub fn for_father(s: &Setting) -> Value {
    json!({"service_id": s.offering, "grid_unit_id": s.fixture.courtyard, "address_detail": "3 单元 502",
           "on_behalf_of": s.father.id, "age_band": "80-89", "needs": "行动不便，每天午饭送上门",
           "preferred_time": "工作日中午"})
}

pub fn tomorrow() -> String {
    app::domain::calendar::rfc3339(people::now() + 86_400_000)
}

pub async fn post_with_key(app: &TestApp, who: &Person, key: &str, body: &Value) -> (u16, Value, bool) {
    let response = app
        .request(Method::POST, "/api/v1/requests", Some(who))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let replayed = response.headers().contains_key("idempotent-replayed");
    (status, response.json().await.unwrap_or(Value::Null), replayed)
}
