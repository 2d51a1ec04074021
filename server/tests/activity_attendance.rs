//! Attendance and hours over the JSON API on both engines: the check-in code and its QR
//! code, checking in and out (wrong codes limited), marks, approvals and corrections,
//! hours and star levels, and certificates anyone can check.

mod common;

use common::activities::{fields, published, volunteer, Published, HOUR};
use common::offerings::count;
use common::people::{exec, now};
use common::{spawn, Engine};
use reqwest::Method;
use serde_json::json;

/// Moves the activity's schedule, as if time had passed.
async fn schedule(store: &doorstep_server::store::SqlStore, id: i64, starts: i64, ends: i64) {
    exec(
        store,
        "UPDATE activities SET starts_at = $2, ends_at = $3, signup_deadline = $2 WHERE id = $1",
        &[id, starts, ends],
    )
    .await;
}

async fn volunteers_check_in_by_code_organizers_mark_and_approve_and_hours_add_up(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let Published { owner, id, .. } = published(&app, 7, 2).await;
    let (first, second) = (volunteer(store, "小王").await, volunteer(store, "小李").await);
    for v in [&first, &second] {
        let path = format!("/api/v1/activities/{id}/signup");
        assert_eq!(app.send(Method::POST, &path, Some(v), None).await.0, 200);
    }
    let path = |what: &str| format!("/api/v1/activities/{id}/{what}");
    assert_eq!(
        app.send(Method::GET, &path("checkin-code"), Some(&first), None).await.0,
        403
    );
    let (status, code) = app.send(Method::GET, &path("checkin-code"), Some(&owner), None).await;
    assert_eq!(status, 200, "{code}");
    let code = code["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    // The same code as a QR code for the organizer to show.
    let qr = app
        .request(Method::GET, &path("checkin-code.svg"), Some(&owner))
        .send()
        .await
        .unwrap();
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    let not_theirs = app
        .request(Method::GET, &path("checkin-code.svg"), Some(&first))
        .send()
        .await
        .unwrap();
    assert_eq!(not_theirs.status(), 403);
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // A week ahead: too early to check in.
    let (status, early) = app
        .send(
            Method::POST,
            &path("check-in"),
            Some(&first),
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(status, 409, "{early}");

    // Under way: started half an hour ago, ends in an hour and a half.
    let t = now();
    schedule(store, id, t - 30 * 60_000, t + 90 * 60_000).await;
    let (status, refused) = app
        .send(
            Method::POST,
            &path("check-in"),
            Some(&first),
            Some(json!({"code": wrong})),
        )
        .await;
    assert_eq!((status, fields(&refused)), (422, vec!["code".to_owned()]), "{refused}");
    assert_eq!(
        app.send(
            Method::POST,
            &path("check-in"),
            Some(&first),
            Some(json!({"code": code}))
        )
        .await
        .0,
        204
    );
    assert_eq!(
        app.send(
            Method::POST,
            &path("check-in"),
            Some(&first),
            Some(json!({"code": code}))
        )
        .await
        .0,
        409,
        "once"
    );
    // Guessing is cut off: the sixth try in ten minutes is refused even when right.
    for _ in 0..5 {
        app.send(
            Method::POST,
            &path("check-in"),
            Some(&second),
            Some(json!({"code": wrong})),
        )
        .await;
    }
    let (status, _) = app
        .send(
            Method::POST,
            &path("check-in"),
            Some(&second),
            Some(json!({"code": code})),
        )
        .await;
    assert_eq!(status, 429);

    // The first checked in twenty minutes ago (as if), and checks out now.
    exec(
        store,
        "UPDATE activity_signups SET checked_in_at = $3 WHERE activity_id = $1 AND person_id = $2",
        &[id, first.id, now() - 20 * 60_000],
    )
    .await;
    assert_eq!(
        app.send(
            Method::POST,
            &path("check-out"),
            Some(&first),
            Some(json!({"code": code}))
        )
        .await
        .0,
        204
    );
    // The organizer marks the second arrived from the list.
    let mark = json!({"person_id": second.id, "mark": "arrived"});
    assert_eq!(
        app.send(Method::POST, &path("attendance"), Some(&first), Some(mark.clone()))
            .await
            .0,
        403
    );
    assert_eq!(
        app.send(Method::POST, &path("attendance"), Some(&owner), Some(mark))
            .await
            .0,
        204
    );
    let (_, roster) = app.send(Method::GET, &path("signups"), Some(&owner), None).await;
    let line = |p: i64| {
        roster
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["person_id"] == p)
            .unwrap()
            .clone()
    };
    let attended = line(first.id)["attended_minutes"].as_u64().unwrap();
    assert!((19..=20).contains(&attended), "{attended}");
    assert_eq!(
        line(second.id)["to_confirm"],
        true,
        "no check-out: the organizer confirms"
    );

    // Approving: the first's time as attended; the second only once it is over, and a
    // correction needs a reason and stays within the activity's two hours.
    let (status, ok) = app
        .send(
            Method::POST,
            &path("hours"),
            Some(&owner),
            Some(json!({"person_id": first.id})),
        )
        .await;
    assert_eq!((status, ok["minutes"].as_u64()), (200, Some(attended)), "{ok}");
    let (status, _) = app
        .send(
            Method::POST,
            &path("hours"),
            Some(&owner),
            Some(json!({"person_id": second.id})),
        )
        .await;
    assert_eq!(status, 409, "not over yet");
    let t = now();
    schedule(store, id, t - 3 * HOUR, t - HOUR).await;
    let (status, refused) = app
        .send(
            Method::POST,
            &path("hours"),
            Some(&owner),
            Some(json!({"person_id": second.id, "minutes": 200, "reason": "多"})),
        )
        .await;
    assert_eq!((status, fields(&refused)), (422, vec!["minutes".to_owned()]));
    let (status, refused) = app
        .send(
            Method::POST,
            &path("hours"),
            Some(&owner),
            Some(json!({"person_id": second.id, "minutes": 90})),
        )
        .await;
    assert_eq!((status, fields(&refused)), (422, vec!["reason".to_owned()]));
    let (status, ok) = app
        .send(
            Method::POST,
            &path("hours"),
            Some(&owner),
            Some(json!({"person_id": second.id, "minutes": 90, "reason": "提前离开"})),
        )
        .await;
    assert_eq!((status, ok["minutes"].as_u64()), (200, Some(90)));
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'activity-hours-corrected'"
        )
        .await,
        1
    );
    let (status, _) = app
        .send(
            Method::POST,
            &path("hours"),
            Some(&owner),
            Some(json!({"person_id": second.id})),
        )
        .await;
    assert_eq!(status, 409, "approved once");

    let (status, hours) = app.send(Method::GET, "/api/v1/me/hours", Some(&second), None).await;
    assert_eq!(status, 200, "{hours}");
    assert_eq!(
        (
            hours["total_minutes"].as_u64(),
            hours["year_minutes"].as_u64(),
            hours["star"].as_u64()
        ),
        (Some(90), Some(90), Some(0))
    );
    assert_eq!(hours["next_star_hours"], 100);
    // A hundred recorded hours make one star.
    exec(
        store,
        "UPDATE activity_signups SET minutes = 6000 WHERE activity_id = $1 AND person_id = $2",
        &[id, second.id],
    )
    .await;
    let (_, hours) = app.send(Method::GET, "/api/v1/me/hours", Some(&second), None).await;
    assert_eq!(
        (hours["star"].as_u64(), hours["next_star_hours"].as_u64()),
        (Some(1), Some(300))
    );
}

on_both_engines!(volunteers_check_in_by_code_organizers_mark_and_approve_and_hours_add_up);
