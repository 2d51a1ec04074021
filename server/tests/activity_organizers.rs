//! What an activity's organizers do, over the JSON API on both engines: see who signed up,
//! call an activity off (everyone told), and the day-before reminders, sent once.

mod common;

use common::activities::{fields, published, volunteer, Published, HOUR};
use common::offerings::count;
use common::people::now;
use common::{spawn, Engine};
use reqwest::Method;
use serde_json::json;

use app::domain::activities::use_cases::Activities;

async fn organizers_see_who_signed_up_and_call_it_off_telling_everyone(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let Published { owner, org, id, .. } = published(&app, 7, 1).await;
    let (first, second) = (volunteer(store, "小王").await, volunteer(store, "小李").await);
    for v in [&first, &second] {
        let path = format!("/api/v1/activities/{id}/signup");
        assert_eq!(app.send(Method::POST, &path, Some(v), None).await.0, 200);
    }
    let roster = format!("/api/v1/activities/{id}/signups");
    assert_eq!(app.send(Method::GET, &roster, Some(&first), None).await.0, 403);
    let (status, list) = app.send(Method::GET, &roster, Some(&owner), None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["name"], "小王");
    assert_eq!(list[1]["signup"]["position"], 1);
    let phone = list[0]["phone"].as_str().unwrap();
    assert!(
        phone.contains("****") && !phone.contains(&first.login),
        "masked: {phone}"
    );

    let (status, mine) = app
        .send(
            Method::GET,
            &format!("/api/v1/organizations/{org}/activities"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!((status, mine[0]["id"].as_i64()), (200, Some(id)));
    assert_eq!(
        app.send(
            Method::GET,
            &format!("/api/v1/organizations/{org}/activities"),
            Some(&first),
            None
        )
        .await
        .0,
        404
    );

    let cancel = format!("/api/v1/activities/{id}/cancel");
    let (status, refused) = app.send(Method::POST, &cancel, Some(&owner), Some(json!({}))).await;
    assert_eq!((status, fields(&refused)), (422, vec!["reason".to_owned()]));
    assert_eq!(
        app.send(Method::POST, &cancel, Some(&first), Some(json!({"reason": "x"})))
            .await
            .0,
        403
    );
    let (status, cancelled) = app
        .send(
            Method::POST,
            &cancel,
            Some(&owner),
            Some(json!({"reason": "下雨，改期"})),
        )
        .await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (200, Some("cancelled")),
        "{cancelled}"
    );
    assert_eq!(cancelled["cancel_reason"], "下雨，改期");
    for v in [&first, &second] {
        let told: Vec<String> = sqlx::query_scalar(
            "SELECT text_zh FROM notifications WHERE person_id = $1 AND kind = 'activity-cancelled'",
        )
        .bind(v.id)
        .fetch_all(store.pool())
        .await
        .unwrap();
        assert_eq!(told.len(), 1, "both the confirmed and the waiting are told");
        assert!(told[0].contains("下雨，改期"));
    }
    assert_eq!(
        app.send(Method::POST, &cancel, Some(&owner), Some(json!({"reason": "x"})))
            .await
            .0,
        409
    );
    let third = volunteer(store, "小张").await;
    let (status, refused) = app
        .send(
            Method::POST,
            &format!("/api/v1/activities/{id}/signup"),
            Some(&third),
            None,
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    let calendar = app
        .get(&format!("/api/v1/activities/{id}.ics"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        calendar.contains("STATUS:CANCELLED"),
        "calendars that took it learn it is off"
    );
}

/// Reminded once, the day before, only those with a place, whichever instance looks.
async fn volunteers_are_reminded_the_day_before_once(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let Published { id, .. } = published(&app, 3, 1).await;
    let made = app.get_json(&format!("/api/v1/activities/{id}")).await.1;
    let starts = app::domain::calendar::parse_rfc3339(made["starts_at"].as_str().unwrap()).unwrap();
    let (placed, waiting) = (volunteer(store, "小王").await, volunteer(store, "小李").await);
    for v in [&placed, &waiting] {
        let path = format!("/api/v1/activities/{id}/signup");
        assert_eq!(app.send(Method::POST, &path, Some(v), None).await.0, 200);
    }
    let at = |now: i64| Activities { store, now };
    assert_eq!(
        at(now()).send_reminders().await.unwrap(),
        0,
        "three days ahead: not yet"
    );
    let day_before = starts - 23 * HOUR;
    let (a, b) = (at(day_before), at(day_before));
    let (one, two) = tokio::join!(a.send_reminders(), b.send_reminders());
    assert_eq!(one.unwrap() + two.unwrap(), 1, "claimed once between two instances");
    assert_eq!(
        at(day_before + HOUR).send_reminders().await.unwrap(),
        0,
        "and never again"
    );
    let reminded =
        |p: i64| format!("SELECT COUNT(*) FROM notifications WHERE person_id = {p} AND kind = 'activity-reminder'");
    assert_eq!(count(store, &reminded(placed.id)).await, 1);
    assert_eq!(
        count(store, &reminded(waiting.id)).await,
        0,
        "the waitlist is not reminded"
    );
}

on_both_engines!(
    organizers_see_who_signed_up_and_call_it_off_telling_everyone,
    volunteers_are_reminded_the_day_before_once,
);
