//! Volunteering on the community dashboard, on both engines: activities run through the
//! API (published, signed up for, called off, attended, approved), then the dashboard's
//! participation figures and CSV say what happened, and only for the staff's community.

mod common;

use common::activities::{visit, volunteer, HOUR};
use common::offerings::publisher;
use common::people::{self, exec, now};
use common::{fixtures, spawn, Engine};
use reqwest::Method;
use serde_json::json;

async fn the_dashboard_counts_what_volunteers_did(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = publisher(store, &fixture, &owner).await;
    let staff = people::person(store, "社区工作人员").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, fixture.community],
    )
    .await;
    let publish = |who, body| app.send(Method::POST, "/api/v1/activities", Some(who), Some(body));

    // The organization's visit with 2 places and 3 volunteers: 2 confirmed, 1 waiting.
    let (_, held) = publish(&owner, visit(&fixture, org, 2, 2)).await;
    let held = held["id"].as_i64().unwrap();
    let volunteers = [
        volunteer(store, "小王").await,
        volunteer(store, "小李").await,
        volunteer(store, "小张").await,
    ];
    for v in &volunteers {
        let path = format!("/api/v1/activities/{held}/signup");
        assert_eq!(app.send(Method::POST, &path, Some(v), None).await.0, 200);
    }
    // The community's own clean-up, called off; and an activity elsewhere, not counted.
    let mut cleanup = visit(&fixture, org, 3, 4);
    cleanup.as_object_mut().unwrap().remove("organization_id");
    cleanup["kind"] = json!("cleanup");
    let (status, own) = publish(&staff, cleanup).await;
    assert_eq!(status, 201, "{own}");
    let path = format!("/api/v1/activities/{}/signup", own["id"]);
    assert_eq!(app.send(Method::POST, &path, Some(&volunteers[0]), None).await.0, 200);
    let cancel = format!("/api/v1/activities/{}/cancel", own["id"]);
    let (status, _) = app
        .send(Method::POST, &cancel, Some(&staff), Some(json!({"reason": "下雨"})))
        .await;
    assert_eq!(status, 200);

    // The visit took place yesterday: one came (approved, 150 minutes), one did not.
    let start = now() - 30 * HOUR;
    exec(
        store,
        "UPDATE activities SET starts_at = $1, signup_deadline = $1, ends_at = $2 WHERE id = $3",
        &[start, start + 150 * 60_000, held],
    )
    .await;
    let mark = format!("/api/v1/activities/{held}/attendance");
    for (v, how) in [(&volunteers[0], "arrived"), (&volunteers[1], "no-show")] {
        let body = json!({"person_id": v.id, "mark": how});
        assert_eq!(app.send(Method::POST, &mark, Some(&owner), Some(body)).await.0, 204);
    }
    let hours = format!("/api/v1/activities/{held}/hours");
    let (status, approved) = app
        .send(
            Method::POST,
            &hours,
            Some(&owner),
            Some(json!({"person_id": volunteers[0].id})),
        )
        .await;
    assert_eq!((status, approved["minutes"].as_i64()), (200, Some(150)));

    let to = app::domain::calendar::Day::of(now()).plus(5);
    let (status, d) = app
        .send(Method::GET, &format!("/api/v1/dashboard?to={to}"), Some(&staff), None)
        .await;
    assert_eq!(status, 200, "{d}");
    let p = &d["participation"];
    assert_eq!(p["volunteers"], 2, "two held a place in what took place: {p}");
    let total = &p["total"];
    assert_eq!(
        [
            &total["held"],
            &total["cancelled"],
            &total["places"],
            &total["confirmed"],
            &total["waitlisted"],
            &total["attended"],
            &total["no_shows"],
            &total["approved_minutes"]
        ],
        [
            &json!(1),
            &json!(1),
            &json!(2),
            &json!(2),
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(150)
        ]
    );
    let keys = |table: &str| {
        p[table]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys("by_community"), [fixture.community.to_string()]);
    assert_eq!(keys("by_organizer"), [org.to_string(), "community".to_owned()]);
    assert_eq!(p["by_organizer"][1]["counts"]["cancelled"], 1);

    let csv = app
        .request(
            Method::GET,
            &format!("/api/v1/dashboard/csv?table=participation&to={to}"),
            Some(&staff),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("organizer,{org},")) && l.ends_with(",1,1,2.5")),
        "{csv}"
    );

    // Another community's staff see none of it.
    let elsewhere = people::community(store, "别的社区").await;
    let other = people::person(store, "别处的工作人员").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[other.id, elsewhere],
    )
    .await;
    let (_, d) = app
        .send(Method::GET, &format!("/api/v1/dashboard?to={to}"), Some(&other), None)
        .await;
    assert_eq!(d["participation"]["total"]["held"], 0);
}

on_both_engines!(the_dashboard_counts_what_volunteers_did);
