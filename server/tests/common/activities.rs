//! Activities for tests: volunteers, and a valid activity body at the fixture's courtyard.

use super::fixtures::Fixture;
use super::people::{self, exec, now, Person};
use app::domain::calendar::rfc3339;
use doorstep_server::store::SqlStore;
use serde_json::{json, Value};

pub const HOUR: i64 = 3_600_000;

/// A person who has opted in to volunteering.
pub async fn volunteer(store: &SqlStore, name: &str) -> Person {
    let p = people::person(store, name).await;
    exec(store, "UPDATE people SET volunteer = 1 WHERE id = $1", &[p.id]).await;
    p
}

/// An elder visit by `organization` at the courtyard, `days` from now, two and a half hours.
pub fn visit(fixture: &Fixture, organization: i64, days: i64, places: i64) -> Value {
    let start = now() + days * 24 * HOUR;
    json!({
        "organization_id": organization,
        "title_zh": "探访独居老人",
        "title_en": "Visiting older people who live alone",
        "description_zh": "陪老人聊天，看看家里有什么需要帮忙的。",
        "kind": "elder-visit",
        "place_id": fixture.courtyard,
        "starts_at": rfc3339(start),
        "ends_at": rfc3339(start + 150 * 60_000),
        "places": places,
        "skills": ["companionship"]
    })
}

/// The fields an error body refuses, in order.
pub fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// The base fixture, a verified organization with its owner, and an elder visit the owner
/// published through the API.
pub struct Published {
    pub fixture: Fixture,
    pub owner: Person,
    pub org: i64,
    /// The activity's id.
    pub id: i64,
}

/// [`Published`]: `days` from now, with `places` places.
pub async fn published(app: &super::TestApp, days: i64, places: i64) -> Published {
    let store = &app.db.store;
    let fixture = super::fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = super::offerings::publisher(store, &fixture, &owner).await;
    let (status, made) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/activities",
            Some(&owner),
            Some(visit(&fixture, org, days, places)),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    Published {
        fixture,
        owner,
        org,
        id,
    }
}
