//! What residents said, in public, on both engines: the organization replies once (two
//! replies at once make one), community staff hide an abusive comment (the score still
//! counts, the audit log says who and why), refusals change nothing, and the service's
//! page shows the words as they are now.

mod common;

use common::offerings::count;
use common::people::{self, exec, Person};
use common::requests::{for_father, post_with_key, setting, tomorrow, Setting};
use common::{spawn, Engine, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// A request of the father's, done and rated `score` with `comment` by his daughter.
async fn rated(app: &TestApp, s: &Setting, key: &str, score: i64, comment: &str) -> i64 {
    let (status, made, _) = post_with_key(app, &s.daughter, key, &for_father(s)).await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    for (action, body) in [
        ("accept", None),
        ("schedule", Some(json!({"scheduled_for": tomorrow()}))),
        ("complete", None),
    ] {
        let path = format!("/api/v1/requests/{id}/{action}");
        assert_eq!(
            app.send(Method::POST, &path, Some(&s.owner), body).await.0,
            200,
            "{action}"
        );
    }
    let (status, body) = app
        .send(
            Method::PUT,
            &format!("/api/v1/requests/{id}/rating"),
            Some(&s.daughter),
            Some(json!({"score": score, "tags": ["late"], "comment": comment})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

async fn reviews(app: &TestApp, s: &Setting) -> Value {
    let (status, body) = app.get_json(&format!("/api/v1/services/{}/reviews", s.offering)).await;
    assert_eq!(status, 200, "{body}");
    body["reviews"].clone()
}

async fn staff_of(app: &TestApp, community: i64) -> Person {
    let staff = people::person(&app.db.store, "社区干部").await;
    exec(
        &app.db.store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, community],
    )
    .await;
    staff
}

async fn the_organization_replies_once_and_the_resident_is_told(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let id = rated(&app, &s, "reply-request-0001", 2, "师傅来晚了一个小时").await;
    let reply = format!("/api/v1/requests/{id}/rating/reply");

    // Refusals first: each says what is wrong and writes nothing.
    let (status, empty) = app
        .send(Method::PUT, &reply, Some(&s.owner), Some(json!({"reply": "  "})))
        .await;
    assert_eq!(
        (status, empty["error"]["field"].as_str()),
        (422, Some("reply")),
        "{empty}"
    );
    let (status, long) = app
        .send(
            Method::PUT,
            &reply,
            Some(&s.owner),
            Some(json!({"reply": "字".repeat(501)})),
        )
        .await;
    assert_eq!(
        (status, long["error"]["field"].as_str()),
        (422, Some("reply")),
        "{long}"
    );
    let (status, _) = app
        .send(
            Method::PUT,
            &reply,
            Some(&s.daughter),
            Some(json!({"reply": "自己回复自己"})),
        )
        .await;
    assert_eq!(status, 403, "the resident's side does not answer for the organization");
    let (_, unrated, _) = post_with_key(&app, &s.daughter, "reply-request-0002", &for_father(&s)).await;
    let (status, not_rated) = app
        .send(
            Method::PUT,
            &format!("/api/v1/requests/{}/rating/reply", unrated["id"]),
            Some(&s.owner),
            Some(json!({"reply": "谢谢"})),
        )
        .await;
    assert_eq!(status, 409, "{not_rated}");
    assert_eq!(
        count(&app.db.store, "SELECT COUNT(*) FROM ratings WHERE reply IS NOT NULL").await,
        0
    );

    // Two members pressing at once: one reply.
    let colleague = people::member(&app.db.store, s.org, "同事").await;
    let (a, b) = tokio::join!(
        app.send(
            Method::PUT,
            &reply,
            Some(&s.owner),
            Some(json!({"reply": "很抱歉，已提醒师傅准时"}))
        ),
        app.send(
            Method::PUT,
            &reply,
            Some(&colleague),
            Some(json!({"reply": "另一条回复"}))
        )
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.1, b.1);
    let winner = if a.0 == 200 { &a.1 } else { &b.1 };
    let text = winner["rating"]["reply"].as_str().unwrap().to_owned();
    assert!(winner["rating"]["replied_at"].as_str().unwrap().ends_with("+08:00"));
    let (status, again) = app
        .send(Method::PUT, &reply, Some(&s.owner), Some(json!({"reply": "再说一句"})))
        .await;
    assert_eq!(status, 409, "{again}");

    // In public: the words and the reply, never who rated.
    let public = reviews(&app, &s).await;
    assert_eq!(public.as_array().unwrap().len(), 1);
    assert_eq!(public[0]["score"], 2);
    assert_eq!(public[0]["comment"], "师傅来晚了一个小时");
    assert_eq!(public[0]["reply"], text.as_str());
    assert_eq!(public[0]["tags_text"], json!(["迟到"]));
    assert!(!public.to_string().contains("王小红") && !public.to_string().contains(&s.daughter.login));
    // The resident's side is told.
    let (_, told) = app
        .send(Method::GET, "/api/v1/notifications", Some(&s.daughter), None)
        .await;
    assert!(
        told["items"].as_array().unwrap().iter().any(|n| n["kind"] == "replied"),
        "{told}"
    );
    // The service's page shows it.
    let page = app
        .get(&format!("/services/{}", s.offering))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("居民怎么说") && page.contains(&text),
        "the page shows the reply"
    );
}

async fn community_staff_hide_an_abusive_comment_and_the_score_still_counts(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let store = &app.db.store;
    let id = rated(&app, &s, "hide-request-0001", 1, "骂人的话").await;
    let hide = format!("/api/v1/requests/{id}/rating/hide-comment");
    let staff = staff_of(&app, s.fixture.community).await;
    let elsewhere = staff_of(&app, people::community(store, "别的社区").await).await;
    // Seen before hiding, so a cached page would be stale after.
    let page = app
        .get(&format!("/services/{}", s.offering))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("骂人的话"));

    let (status, refused) = app.send(Method::POST, &hide, Some(&staff), Some(json!({}))).await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (422, Some("reason")),
        "{refused}"
    );
    for (who, expected) in [(&s.owner, 403), (&s.daughter, 403), (&elsewhere, 404)] {
        let (status, body) = app
            .send(Method::POST, &hide, Some(who), Some(json!({"reason": "人身攻击"})))
            .await;
        assert_eq!(status, expected, "{body}");
    }
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM ratings WHERE comment_hidden = 1").await,
        0
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'rating.comment_hidden'"
        )
        .await,
        0
    );

    let (status, hidden) = app
        .send(Method::POST, &hide, Some(&staff), Some(json!({"reason": "人身攻击"})))
        .await;
    assert_eq!(status, 200, "{hidden}");
    assert_eq!(hidden["rating"]["comment"], Value::Null);
    assert_eq!(hidden["rating"]["comment_hidden"], true);
    assert_eq!(hidden["rating"]["score"], 1);
    let (status, _) = app
        .send(Method::POST, &hide, Some(&staff), Some(json!({"reason": "再隐藏一次"})))
        .await;
    assert_eq!(status, 409);

    // The score still counts; the words are gone from every public place; audited once.
    let (_, detail) = app.get_json(&format!("/api/v1/services/{}", s.offering)).await;
    assert_eq!(detail["rating"]["counts"], json!([1, 0, 0, 0, 0]));
    let public = reviews(&app, &s).await;
    assert_eq!(
        (public[0]["comment"].clone(), public[0]["comment_hidden"].clone()),
        (Value::Null, json!(true))
    );
    let page = app
        .get(&format!("/services/{}", s.offering))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("骂人的话"), "the page drops the hidden words at once");
    let (actor, reason): (i64, String) = sqlx::query_as(
        "SELECT actor_id, detail FROM audit_log WHERE action = 'rating.comment_hidden' AND subject_id = $1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!((actor, reason.as_str()), (staff.id, "人身攻击"));
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'rating.comment_hidden'"
        )
        .await,
        1
    );
    // The resident's own view says so too.
    let (_, own) = app
        .send(Method::GET, &format!("/api/v1/requests/{id}"), Some(&s.daughter), None)
        .await;
    assert_eq!(own["rating"]["comment"], Value::Null);
}

async fn reviews_of_an_unknown_service_are_404(engine: Engine) {
    let app = spawn(engine).await;
    let (status, body) = app.get_json("/api/v1/services/999999/reviews").await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = app.get_json("/api/v1/services/abc/reviews").await;
    assert_eq!(status, 400);
}

on_both_engines!(
    the_organization_replies_once_and_the_resident_is_told,
    community_staff_hide_an_abusive_comment_and_the_score_still_counts,
    reviews_of_an_unknown_service_are_404,
);
