//! Volunteer activities over the JSON API on both engines: published by an organization's
//! members or a community's staff (every refusal leaving nothing behind), found near a
//! place, signed up for, the waitlist and its promotion, clashes, and the calendar file
//! parsed back by an independent iCalendar parser.

mod common;

use common::activities::{fields, published, visit, volunteer, Published, HOUR};
use common::offerings::{count, publisher};
use common::people::{self, exec, now};
use common::{fixtures, spawn, Engine};
use reqwest::Method;
use serde_json::json;

async fn publishing_is_checked_and_refusals_write_nothing(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = publisher(store, &fixture, &owner).await;
    let stranger = people::person(store, "路人").await;
    let staff = people::person(store, "社区干部").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, fixture.community],
    )
    .await;

    let body = visit(&fixture, org, 7, 10);
    assert_eq!(
        app.send(Method::POST, "/api/v1/activities", None, Some(body.clone()))
            .await
            .0,
        401
    );
    let (status, refused) = app
        .send(Method::POST, "/api/v1/activities", Some(&stranger), Some(body.clone()))
        .await;
    assert_eq!(status, 403, "not a member: {refused}");

    let mut bad = body.clone();
    bad["title_zh"] = json!("");
    bad["kind"] = json!("party");
    bad["places"] = json!(0);
    bad["ends_at"] = bad["starts_at"].clone();
    bad["skills"] = json!(["juggling"]);
    let (status, refused) = app
        .send(Method::POST, "/api/v1/activities", Some(&owner), Some(bad))
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(fields(&refused), ["title_zh", "kind", "ends_at", "places", "skills"]);
    assert_eq!(refused["error"]["fields"][0]["message"], "必填", "Chinese by default");

    // A place outside the communities the organization serves.
    let elsewhere = people::community(store, "别的社区").await;
    let mut outside = body.clone();
    outside["place_id"] = json!(elsewhere);
    let (status, refused) = app
        .send(Method::POST, "/api/v1/activities", Some(&owner), Some(outside))
        .await;
    assert_eq!(
        (status, fields(&refused)),
        (422, vec!["place_id".to_owned()]),
        "{refused}"
    );

    // Not yet verified: a clear conflict.
    exec(store, "UPDATE organizations SET verified = 0 WHERE id = $1", &[org]).await;
    let (status, refused) = app
        .send(Method::POST, "/api/v1/activities", Some(&owner), Some(body.clone()))
        .await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("审核"));
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM activities").await,
        0,
        "nothing half-written"
    );
    exec(store, "UPDATE organizations SET verified = 1 WHERE id = $1", &[org]).await;

    let (status, made) = app
        .send(Method::POST, "/api/v1/activities", Some(&owner), Some(body.clone()))
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["organizer"]["kind"], "organization");
    assert_eq!(made["places_left"], 10);
    assert_eq!(made["status"], "published");
    assert_eq!(made["signups_open"], true);
    assert_eq!(made["place"], "南桥社区 · 南桥街12号院");

    // Community staff publish for their community with no organization named; a draft
    // is seen by its organizers only.
    let mut own = body.clone();
    own.as_object_mut().unwrap().remove("organization_id");
    own["draft"] = json!(true);
    let (status, draft) = app
        .send(Method::POST, "/api/v1/activities", Some(&staff), Some(own.clone()))
        .await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(
        (draft["organizer"]["kind"].as_str(), draft["status"].as_str()),
        (Some("community"), Some("draft"))
    );
    let draft_path = format!("/api/v1/activities/{}", draft["id"]);
    assert_eq!(app.send(Method::GET, &draft_path, None, None).await.0, 404);
    assert_eq!(app.send(Method::GET, &draft_path, Some(&staff), None).await.0, 200);
    // Anyone else without an organization is asked to name one.
    let (status, refused) = app
        .send(Method::POST, "/api/v1/activities", Some(&stranger), Some(own))
        .await;
    assert_eq!((status, fields(&refused)), (422, vec!["organization_id".to_owned()]));
}

async fn found_near_home_with_places_left_and_a_calendar_file(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = publisher(store, &fixture, &owner).await;
    let mut ids = Vec::new();
    for (days, kind) in [(9, "elder-visit"), (3, "meal-delivery"), (5, "elder-visit")] {
        let mut body = visit(&fixture, org, days, 4);
        body["kind"] = json!(kind);
        let (status, made) = app
            .send(Method::POST, "/api/v1/activities", Some(&owner), Some(body))
            .await;
        assert_eq!(status, 201, "{made}");
        ids.push(made["id"].as_i64().unwrap());
    }
    let (status, page) = app
        .get_json(&format!("/api/v1/activities?place={}&radius_m=1000", fixture.courtyard))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 3);
    let order: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [ids[1], ids[2], ids[0]], "soonest first");
    assert_eq!(page["items"][0]["distance_m"], 0);
    // A place that does not exist is a 404 naming it, not an empty page.
    let (status, missing) = app.get_json("/api/v1/activities?place=987654321").await;
    assert_eq!(
        (status, &missing["error"]["code"]),
        (404, &serde_json::json!("not_found")),
        "{missing}"
    );
    assert!(
        missing["error"]["message"].as_str().unwrap().contains("地点"),
        "{missing}"
    );
    let (_, visits) = app.get_json("/api/v1/activities?kind=elder-visit&lang=en").await;
    assert_eq!(visits["total"], 2);
    assert_eq!(visits["items"][0]["kind_name"], "Visiting older residents");
    let (_, far) = app
        .get_json("/api/v1/activities?lat=31.2&lon=121.4&radius_m=5000")
        .await;
    assert_eq!(far["total"], 0, "Shanghai is not near Chengdu");
    let (status, refused) = app.get_json("/api/v1/activities?skill=juggling").await;
    assert_eq!((status, fields(&refused)), (400, vec!["skill".to_owned()]));

    // The calendar file, parsed back by another crate: Chengdu time with its zone.
    let response = app.get(&format!("/api/v1/activities/{}.ics", ids[1])).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = response.text().await.unwrap();
    let calendar = ical::IcalParser::new(text.as_bytes())
        .next()
        .expect("one calendar")
        .expect("it parses");
    let event = &calendar.events[0];
    let prop = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    assert_eq!(prop("SUMMARY").value.as_deref(), Some("探访独居老人"));
    let start = prop("DTSTART");
    let tzid = start
        .params
        .as_ref()
        .unwrap()
        .iter()
        .find(|(k, _)| k == "TZID")
        .unwrap();
    assert_eq!(tzid.1, ["Asia/Shanghai"]);
    let (_, detail) = app.get_json(&format!("/api/v1/activities/{}", ids[1])).await;
    // "2026-12-09T10:00:00+08:00" ↔ "20261209T100000".
    let local: String = detail["starts_at"].as_str().unwrap()[..19]
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    assert_eq!(start.value.as_deref(), Some(local.as_str()));
    assert_eq!(calendar.timezones.len(), 1, "the zone travels with the file");
    assert_eq!(
        app.get_json("/api/v1/activities/999.ics").await.0,
        404,
        "no such activity"
    );
    assert_eq!(app.get_json("/api/v1/activities/x.ics").await.0, 400);
}

async fn the_waitlist_promotes_the_first_in_line_and_tells_them(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let Published { id, .. } = published(&app, 7, 1).await;
    let signup = format!("/api/v1/activities/{id}/signup");

    let resident = people::person(store, "没登记志愿者的居民").await;
    let (status, refused) = app.send(Method::POST, &signup, Some(&resident), None).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("志愿者"));
    assert_eq!(app.send(Method::POST, &signup, None, None).await.0, 401);

    let first = volunteer(store, "小王").await;
    let second = volunteer(store, "小李").await;
    let third = volunteer(store, "小张").await;
    let (status, got) = app.send(Method::POST, &signup, Some(&first), None).await;
    assert_eq!((status, got["status"].as_str()), (200, Some("confirmed")), "{got}");
    let (_, got) = app.send(Method::POST, &signup, Some(&second), None).await;
    assert_eq!(
        (got["status"].as_str(), got["position"].as_u64()),
        (Some("waitlisted"), Some(1))
    );
    assert!(got["message"].as_str().unwrap().contains("第 1 位"));
    let (_, got) = app.send(Method::POST, &signup, Some(&third), None).await;
    assert_eq!(got["position"], 2);
    let (status, again) = app.send(Method::POST, &signup, Some(&first), None).await;
    assert_eq!(status, 409, "one place per person: {again}");

    let (_, detail) = app.get_json(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(
        (detail["places_left"].as_u64(), detail["waitlisted"].as_u64()),
        (Some(0), Some(2))
    );

    // The first cancels: the first in line gets the place and is told.
    let (status, _) = app.send(Method::DELETE, &signup, Some(&first), None).await;
    assert_eq!(status, 204);
    let (_, mine) = app
        .send(Method::GET, "/api/v1/me/activities", Some(&second), None)
        .await;
    assert_eq!(mine[0]["signup"]["status"], "confirmed", "{mine}");
    let (_, mine) = app.send(Method::GET, "/api/v1/me/activities", Some(&third), None).await;
    assert_eq!(mine[0]["signup"]["position"], 1, "moved up");
    let told: Vec<String> = sqlx::query_scalar("SELECT text_zh FROM notifications WHERE person_id = $1")
        .bind(second.id)
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(told.len(), 1);
    assert!(told[0].contains("探访独居老人") && told[0].contains("候补"), "{told:?}");
    assert_eq!(
        count(
            store,
            &format!("SELECT COUNT(*) FROM notifications WHERE person_id = {}", third.id)
        )
        .await,
        0
    );
    let (status, _) = app.send(Method::DELETE, &signup, Some(&first), None).await;
    assert_eq!(status, 409, "nothing left to cancel");
    // Signing up again after cancelling joins the end of the line.
    let (_, got) = app.send(Method::POST, &signup, Some(&first), None).await;
    assert_eq!(
        (got["status"].as_str(), got["position"].as_u64()),
        (Some("waitlisted"), Some(2))
    );
}

async fn a_volunteer_cannot_be_in_two_places_at_once(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = publisher(store, &fixture, &owner).await;
    let morning = visit(&fixture, org, 7, 5);
    let mut overlapping = morning.clone();
    let start = app::domain::calendar::parse_rfc3339(morning["starts_at"].as_str().unwrap()).unwrap();
    overlapping["title_zh"] = json!("送餐");
    overlapping["kind"] = json!("meal-delivery");
    overlapping["starts_at"] = json!(app::domain::calendar::rfc3339(start + HOUR));
    overlapping["ends_at"] = json!(app::domain::calendar::rfc3339(start + 4 * HOUR));
    let mut later = morning.clone();
    later["starts_at"] = json!(app::domain::calendar::rfc3339(start + 150 * 60_000));
    later["ends_at"] = json!(app::domain::calendar::rfc3339(start + 200 * 60_000));
    let mut ids = Vec::new();
    for body in [morning, overlapping, later] {
        let (status, made) = app
            .send(Method::POST, "/api/v1/activities", Some(&owner), Some(body))
            .await;
        assert_eq!(status, 201, "{made}");
        ids.push(made["id"].as_i64().unwrap());
    }
    let v = volunteer(store, "小王").await;
    let signup = |id: i64| format!("/api/v1/activities/{id}/signup");
    assert_eq!(app.send(Method::POST, &signup(ids[0]), Some(&v), None).await.0, 200);
    let (status, refused) = app.send(Method::POST, &signup(ids[1]), Some(&v), None).await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("时间冲突"),
        "{refused}"
    );
    let (status, _) = app.send(Method::POST, &signup(ids[2]), Some(&v), None).await;
    assert_eq!(status, 200, "touching ends do not clash");
    assert_eq!(
        count(
            store,
            &format!("SELECT COUNT(*) FROM activity_signups WHERE person_id = {}", v.id)
        )
        .await,
        2
    );
    let _ = now();
}

on_both_engines!(
    publishing_is_checked_and_refusals_write_nothing,
    found_near_home_with_places_left_and_a_calendar_file,
    the_waitlist_promotes_the_first_in_line_and_tells_them,
    a_volunteer_cannot_be_in_two_places_at_once,
);
