//! Changing an activity after people signed up, over the JSON API on both engines: who
//! may, what is refused (and left as it was), who is told, and the waitlist moving up.

mod common;

use common::activities::{fields, published, visit, volunteer, Published, HOUR};
use common::offerings::{count, publisher};
use common::people::{self, now};
use common::{fixtures, spawn, Engine};
use reqwest::Method;
use serde_json::{json, Value};

use app::domain::calendar::rfc3339;

fn told(person: i64, kind: &str) -> String {
    format!("SELECT COUNT(*) FROM notifications WHERE person_id = {person} AND kind = '{kind}'")
}

async fn a_new_time_is_told_to_everyone_and_more_places_move_the_waitlist_up(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let Published { owner, org, id, .. } = published(&app, 5, 2).await;
    let path = format!("/api/v1/activities/{id}");
    let mut volunteers = Vec::new();
    for name in ["小王", "小李", "小张", "小赵"] {
        let v = volunteer(store, name).await;
        let signup = format!("/api/v1/activities/{id}/signup");
        assert_eq!(app.send(Method::POST, &signup, Some(&v), None).await.0, 200);
        volunteers.push(v);
    }
    let stranger = people::person(store, "路人").await;
    let before = app.get_json(&path).await.1;
    assert_eq!(
        (before["confirmed"].as_i64(), before["waitlisted"].as_i64()),
        (Some(2), Some(2))
    );

    // Refusals, each leaving the activity exactly as it was.
    let patch = |body: Value| Some(body);
    assert_eq!(
        app.send(Method::PATCH, &path, None, patch(json!({"places": 3})))
            .await
            .0,
        401
    );
    assert_eq!(
        app.send(Method::PATCH, &path, Some(&stranger), patch(json!({"places": 3})))
            .await
            .0,
        403
    );
    let (status, refused) = app
        .send(
            Method::PATCH,
            &path,
            Some(&owner),
            patch(json!({"places": 0, "ends_at": rfc3339(now())})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(fields(&refused), ["ends_at", "places"]);
    let (status, refused) = app
        .send(Method::PATCH, &path, Some(&owner), patch(json!({"places": 1})))
        .await;
    assert_eq!(status, 409, "two already hold a place: {refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("2"), "{refused}");
    let (status, refused) = app
        .send(
            Method::PATCH,
            &path,
            Some(&owner),
            patch(json!({"organization_id": org + 1})),
        )
        .await;
    assert_eq!((status, fields(&refused)), (422, vec!["organization_id".to_owned()]));
    let (status, refused) = app
        .send(Method::PATCH, &path, Some(&owner), patch(json!({"draft": true})))
        .await;
    assert_eq!(status, 409, "{refused}");
    let (status, refused) = app
        .send(Method::PATCH, &path, Some(&owner), patch(json!({"title_zh": 5})))
        .await;
    assert_eq!(
        (status, fields(&refused)),
        (400, vec!["body".to_owned()]),
        "not a body at all"
    );
    let (status, refused) = app.send(Method::PATCH, &path, Some(&owner), patch(json!([1]))).await;
    assert_eq!((status, fields(&refused)), (400, vec!["body".to_owned()]));
    let stale = app
        .request(Method::PATCH, &path, Some(&owner))
        .header("If-Match", "\"7\"")
        .json(&json!({"places": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    assert_eq!(app.get_json(&path).await.1, before, "nothing changed");
    for v in &volunteers {
        assert_eq!(count(store, &told(v.id, "activity-changed")).await, 0);
    }

    // The day-before reminder already went out; a later start must re-arm it.
    common::people::exec(store, "UPDATE activities SET reminded_at = 1 WHERE id = $1", &[id]).await;
    let start = now() + 6 * 24 * HOUR;
    let edited = app
        .request(Method::PATCH, &path, Some(&owner))
        .header("If-Match", format!("\"{}\"", before["revision"]))
        .header("Content-Type", "application/merge-patch+json")
        .body(
            json!({"starts_at": rfc3339(start), "ends_at": rfc3339(start + 2 * HOUR), "places": 3, "title_en": null})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(edited["revision"], before["revision"].as_i64().unwrap() + 1);
    assert_eq!(edited["starts_at"], rfc3339(start));
    assert_eq!(edited["title"], "探访独居老人", "English cleared, Chinese shown");
    assert_eq!(
        (
            edited["places"].as_i64(),
            edited["confirmed"].as_i64(),
            edited["waitlisted"].as_i64()
        ),
        (Some(3), Some(3), Some(1))
    );
    for v in &volunteers {
        assert_eq!(
            count(store, &told(v.id, "activity-changed")).await,
            1,
            "the confirmed and the waiting hear of the new time"
        );
    }
    let promoted: Vec<i64> = vec![
        count(store, &told(volunteers[2].id, "activity-promoted")).await,
        count(store, &told(volunteers[3].id, "activity-promoted")).await,
    ];
    assert_eq!(promoted, [1, 0], "the first in line takes the new place");
    let mine = app
        .send(Method::GET, "/api/v1/me/activities", Some(&volunteers[3]), None)
        .await
        .1;
    assert_eq!(mine[0]["signup"]["position"], 1);
    assert_eq!(
        count(
            store,
            &format!("SELECT COUNT(*) FROM activities WHERE id = {id} AND reminded_at IS NULL")
        )
        .await,
        1,
        "reminded again before the new start"
    );

    // A change nobody needs to hear about tells nobody.
    let (status, _) = app
        .send(
            Method::PATCH,
            &path,
            Some(&owner),
            patch(json!({"description_zh": "带上老花镜。"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(count(store, &told(volunteers[0].id, "activity-changed")).await, 1);

    // Called off, it changes no more.
    let cancel = format!("/api/v1/activities/{id}/cancel");
    assert_eq!(
        app.send(Method::POST, &cancel, Some(&owner), Some(json!({"reason": "下雨"})))
            .await
            .0,
        200
    );
    assert_eq!(
        app.send(Method::PATCH, &path, Some(&owner), patch(json!({"places": 4})))
            .await
            .0,
        409
    );
}

/// A draft is edited privately and published by an edit; a cancelled activity takes no
/// attendance or hours.
async fn drafts_publish_by_an_edit_and_a_cancelled_activity_records_no_attendance(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = publisher(store, &fixture, &owner).await;
    let mut body = visit(&fixture, org, 3, 2);
    body["draft"] = json!(true);
    let (_, made) = app
        .send(Method::POST, "/api/v1/activities", Some(&owner), Some(body))
        .await;
    let path = format!("/api/v1/activities/{}", made["id"]);
    let stranger = volunteer(store, "路人").await;
    assert_eq!(
        app.send(Method::PATCH, &path, Some(&stranger), Some(json!({"draft": false})))
            .await
            .0,
        404,
        "a draft is nobody else's business"
    );
    let (status, published) = app
        .send(Method::PATCH, &path, Some(&owner), Some(json!({"draft": false})))
        .await;
    assert_eq!(
        (status, published["status"].as_str()),
        (200, Some("published")),
        "{published}"
    );

    let id = published["id"].as_i64().unwrap();
    let signup = format!("/api/v1/activities/{id}/signup");
    assert_eq!(app.send(Method::POST, &signup, Some(&stranger), None).await.0, 200);
    let cancel = format!("/api/v1/activities/{id}/cancel");
    assert_eq!(
        app.send(Method::POST, &cancel, Some(&owner), Some(json!({"reason": "下雨"})))
            .await
            .0,
        200
    );
    let (status, refused) = app
        .send(
            Method::POST,
            &format!("/api/v1/activities/{id}/attendance"),
            Some(&owner),
            Some(json!({"person_id": stranger.id, "mark": "arrived"})),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    let (status, _) = app
        .send(
            Method::POST,
            &format!("/api/v1/activities/{id}/hours"),
            Some(&owner),
            Some(json!({"person_id": stranger.id})),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(
        count(
            store,
            &format!("SELECT COUNT(*) FROM activity_signups WHERE activity_id = {id} AND checked_in_at IS NOT NULL")
        )
        .await,
        0
    );
}

on_both_engines!(
    a_new_time_is_told_to_everyone_and_more_places_move_the_waitlist_up,
    drafts_publish_by_an_edit_and_a_cancelled_activity_records_no_attendance,
);
