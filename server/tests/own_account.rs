//! What a signed-in resident manages on their own account, end to end over HTTP on both
//! engines: personal API tokens (bearer use, revocation) and the volunteer profile.

mod common;

use common::people;
use common::{spawn, Engine};
use reqwest::Method;
use serde_json::json;

async fn api_tokens_work_as_bearer_and_stop_when_revoked(engine: Engine) {
    let app = spawn(engine).await;
    let me = people::person(&app.db.store, "张").await;
    let (status, body) = app
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&me),
            Some(json!({"name": "家里的平板"})),
        )
        .await;
    assert_eq!(status, 201);
    let token = body["token"].as_str().unwrap().to_owned();
    let id = body["id"].as_i64().unwrap();
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    assert_ne!(stored, token, "only the hash is stored");
    let bearer = |t: &str| {
        app.client
            .get(format!("{}/api/v1/me", app.base))
            .header("Authorization", format!("Bearer {t}"))
            .send()
    };
    assert_eq!(bearer(&token).await.unwrap().status().as_u16(), 200);
    assert_eq!(bearer("ds_not-a-token").await.unwrap().status().as_u16(), 401);
    let (status, _) = app
        .send(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), Some(&me), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(bearer(&token).await.unwrap().status().as_u16(), 401);
    let (status, _) = app
        .send(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), Some(&me), None)
        .await;
    assert_eq!(status, 404, "revoking twice");
}

/// The account page's volunteer form has no home-place field; saving it keeps the home
/// place chosen through `PUT /api/v1/me/volunteer` instead of erasing it.
async fn saving_the_volunteer_form_keeps_the_home_place(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let who = people::person(store, "志愿者").await;
    let place = people::community(store, "南桥社区").await;
    // A place that is not on the grid is refused by name, and nothing is saved.
    let (status, body) = app
        .send(
            Method::PUT,
            "/api/v1/me/volunteer",
            Some(&who),
            Some(json!({"volunteer": true, "skills": "理发", "availability": "周末", "home_grid_unit": 999_999})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("home_grid_unit"), "{body}");
    let saved: Option<String> = sqlx::query_scalar("SELECT volunteer_availability FROM people WHERE id = $1")
        .bind(who.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(saved, None, "nothing of the refused request was saved");
    let (status, body) = app
        .send(
            Method::PUT,
            "/api/v1/me/volunteer",
            Some(&who),
            Some(json!({"volunteer": true, "skills": "理发", "availability": "周末", "home_grid_unit": place})),
        )
        .await;
    assert!(status < 300, "{status} {body}");
    let form = app
        .request(Method::POST, "/account/volunteer", Some(&who))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("volunteer=1&skills=%E7%90%86%E5%8F%91&availability=%E5%B7%A5%E4%BD%9C%E6%97%A5")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 303);
    let (home, availability): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT home_grid_unit_id, volunteer_availability FROM people WHERE id = $1")
            .bind(who.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(availability.as_deref(), Some("工作日"), "the form was saved");
    assert_eq!(home, Some(place), "and the home place kept");
}

on_both_engines!(
    api_tokens_work_as_bearer_and_stop_when_revoked,
    saving_the_volunteer_form_keeps_the_home_place,
);
