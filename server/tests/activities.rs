//! Volunteer activities over the JSON API on both engines: published by an organization's
//! members or a community's staff (every refusal leaving nothing behind), found near a
//! place, signed up for, the waitlist and its promotion, clashes, and the calendar file
//! parsed back by an independent iCalendar parser.

mod common;

use common::activities::{visit, volunteer, HOUR};
use common::offerings::{count, publisher};
use common::people::{self, exec, now};
use common::{fixtures, spawn, Engine};
use reqwest::Method;
use serde_json::{json, Value};

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

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
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构负责人").await;
    let org = publisher(store, &fixture, &owner).await;
    let (_, made) = app
        .send(
            Method::POST,
            "/api/v1/activities",
            Some(&owner),
            Some(visit(&fixture, org, 7, 1)),
        )
        .await;
    let id = made["id"].as_i64().unwrap();
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

mod organizers {
    use super::*;
    use app::domain::activities::use_cases::Activities;

    async fn organizers_see_who_signed_up_and_call_it_off_telling_everyone(engine: Engine) {
        let app = spawn(engine).await;
        let store = &app.db.store;
        let fixture = fixtures::base(store).await;
        let owner = people::person(store, "机构负责人").await;
        let org = publisher(store, &fixture, &owner).await;
        let (_, made) = app
            .send(
                Method::POST,
                "/api/v1/activities",
                Some(&owner),
                Some(visit(&fixture, org, 7, 1)),
            )
            .await;
        let id = made["id"].as_i64().unwrap();
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
        let fixture = fixtures::base(store).await;
        let owner = people::person(store, "机构负责人").await;
        let org = publisher(store, &fixture, &owner).await;
        let (_, made) = app
            .send(
                Method::POST,
                "/api/v1/activities",
                Some(&owner),
                Some(visit(&fixture, org, 3, 1)),
            )
            .await;
        let id = made["id"].as_i64().unwrap();
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
}

mod attendance {
    use super::*;

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
        let fixture = fixtures::base(store).await;
        let owner = people::person(store, "机构负责人").await;
        let org = publisher(store, &fixture, &owner).await;
        let (_, made) = app
            .send(
                Method::POST,
                "/api/v1/activities",
                Some(&owner),
                Some(visit(&fixture, org, 7, 2)),
            )
            .await;
        let id = made["id"].as_i64().unwrap();
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
}
