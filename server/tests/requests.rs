//! Residents request services and rate them, over the JSON API, on both engines: the
//! whole life of a request (a daughter acting for her father), every refusal leaving
//! nothing behind, one request for fifty submissions with one key, one acceptance for
//! two staff pressing "accept" at once. (Who in the organization handles a request:
//! `tests/assignment.rs`.)

mod common;

use common::offerings::count;
use common::people::{self, exec, Person};
use common::requests::{for_father, post_with_key, setting, tomorrow};
use common::{spawn, Engine};
use reqwest::Method;
use serde_json::{json, Value};

async fn a_daughter_requests_for_her_father_who_rates_it(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let store = &app.db.store;

    let key = "daughter-request-0001";
    let (status, made, replayed) = post_with_key(&app, &s.daughter, key, &for_father(&s)).await;
    assert_eq!((status, replayed), (201, false), "{made}");
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["status"], "submitted");
    assert_eq!(made["resident_id"], s.father.id);
    assert_eq!(made["made_by"], s.daughter.id);
    assert_eq!(
        made["contact_phone"], s.daughter.login,
        "defaults to the number of who asked"
    );
    assert_eq!(made["place"], "南桥社区 › 一片区 › 南桥街12号院");
    assert_eq!(made["timeline"][0]["action"], "submit");
    assert_eq!(made["timeline"][0]["by_name"], "王小红");
    assert_eq!(made["timeline"][0]["for_name"], "王建国");

    // A retry with the same key is the same request; the same key for another is refused.
    let (status, again, replayed) = post_with_key(&app, &s.daughter, key, &for_father(&s)).await;
    assert_eq!((status, replayed, again["id"].as_i64()), (201, true, Some(id)));
    let mut other = for_father(&s);
    other["notes"] = json!("另一份");
    let (status, reused, _) = post_with_key(&app, &s.daughter, key, &other).await;
    assert_eq!(status, 422, "{reused}");
    assert_eq!(reused["error"]["fields"][0]["field"], "Idempotency-Key");
    assert_eq!(count(store, "SELECT COUNT(*) FROM requests").await, 1);

    // The organization is told; the father asks for text messages as well.
    let (_, told) = app
        .send(Method::GET, "/api/v1/notifications", Some(&s.owner), None)
        .await;
    assert_eq!(
        (told["unread"].as_u64(), told["items"][0]["kind"].as_str()),
        (Some(1), Some("submitted"))
    );
    assert_eq!(told["items"][0]["link"], format!("/account/requests/{id}"));
    let (status, _) = app
        .send(
            Method::PUT,
            "/api/v1/me/notifications",
            Some(&s.father),
            Some(json!({"sms": true})),
        )
        .await;
    assert_eq!(status, 200);

    // The organization's inbox has it as new; the resident cannot answer it himself.
    let inbox = format!("/api/v1/requests?organization={}&bucket=new", s.org);
    let (status, page) = app.send(Method::GET, &inbox, Some(&s.owner), None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["requests"][0]["id"], id);
    assert_eq!(page["requests"][0]["for_name"], "王建国");
    let accept = format!("/api/v1/requests/{id}/accept");
    assert_eq!(app.send(Method::POST, &accept, Some(&s.father), None).await.0, 403);
    let (status, accepted) = app.send(Method::POST, &accept, Some(&s.owner), None).await;
    assert_eq!((status, accepted["status"].as_str()), (200, Some("accepted")));
    let (status, twice) = app.send(Method::POST, &accept, Some(&s.owner), None).await;
    assert_eq!(status, 409);
    assert!(
        twice["error"]["message"].as_str().unwrap().contains("机构已接受"),
        "{twice}"
    );
    let (status, scheduled) = app
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/schedule"),
            Some(&s.owner),
            Some(json!({"scheduled_for": tomorrow()})),
        )
        .await;
    assert_eq!((status, scheduled["status"].as_str()), (200, Some("scheduled")));
    assert!(scheduled["scheduled_for"].as_str().unwrap().ends_with("+08:00"));
    let (status, done) = app
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/complete"),
            Some(&s.owner),
            None,
        )
        .await;
    assert_eq!((status, done["status"].as_str()), (200, Some("completed")));
    // Both the father and his daughter were told of each step; he by text as well.
    for who in [&s.father, &s.daughter] {
        let (_, told) = app
            .send(Method::GET, "/api/v1/notifications?lang=en", Some(who), None)
            .await;
        let kinds: Vec<&str> = told["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["completed", "scheduled", "accepted"]);
    }
    let texts = app.outbox(&s.father.login).await;
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(texts[1].contains("约定了上门时间"), "{texts:?}");
    assert!(
        app.outbox(&s.daughter.login).await.is_empty(),
        "she did not ask for texts"
    );
    let (status, marked) = app
        .send(
            Method::POST,
            "/api/v1/notifications/read",
            Some(&s.father),
            Some(json!({})),
        )
        .await;
    assert_eq!((status, marked["marked"].as_u64()), (200, Some(3)));

    // The father follows it too; the organization cannot rate; the daughter rates it.
    let (status, his) = app.send(Method::GET, "/api/v1/requests", Some(&s.father), None).await;
    assert_eq!((status, his["requests"][0]["id"].as_i64()), (200, Some(id)));
    let rating = format!("/api/v1/requests/{id}/rating");
    let low = json!({"score": 2, "tags": ["late", "patient"], "comment": "饭菜凉了"});
    assert_eq!(
        app.send(Method::PUT, &rating, Some(&s.owner), Some(low.clone()))
            .await
            .0,
        403
    );
    let (status, rated) = app.send(Method::PUT, &rating, Some(&s.daughter), Some(low)).await;
    assert_eq!(status, 200, "{rated}");
    assert_eq!(rated["rating"]["score"], 2);
    assert_eq!(rated["rating"]["score_text"], "不满意");
    assert_eq!(rated["rating"]["tags"], json!(["patient", "late"]));
    let tally = |n: u8| format!("SELECT r{n} FROM service_ratings WHERE service_id = {}", s.offering);
    assert_eq!(count(store, &tally(2)).await, 1);
    // A low rating opens one follow-up for the community; changing it keeps the tally true.
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM follow_ups WHERE closed_at IS NULL").await,
        1
    );
    let (status, _) = app
        .send(Method::PUT, &rating, Some(&s.father), Some(json!({"score": 1})))
        .await;
    assert_eq!(status, 200);
    assert_eq!((count(store, &tally(2)).await, count(store, &tally(1)).await), (0, 1));
    // The directory shows it at once (applied to the snapshot as a change of the service).
    let (_, page) = app.get_json(&format!("/api/v1/services/{}", s.offering)).await;
    assert_eq!(page["rating"]["counts"], json!([1, 0, 0, 0, 0]));
    assert_eq!(count(store, "SELECT COUNT(*) FROM follow_ups").await, 1);

    // The timeline explains the status.
    let (_, whole) = app
        .send(Method::GET, &format!("/api/v1/requests/{id}"), Some(&s.father), None)
        .await;
    let actions: Vec<&str> = whole["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submit", "accept", "schedule", "complete"]);

    // "Not solved" within 7 days: back to the organization.
    let (status, reopened) = app
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/reopen"),
            Some(&s.father),
            Some(json!({"reason": "饭菜还是凉的"})),
        )
        .await;
    assert_eq!(status, 200, "{reopened}");
    assert_eq!(
        (reopened["status"].as_str(), reopened["reopened"].as_i64()),
        (Some("accepted"), Some(1))
    );
    assert_eq!(reopened["timeline"][4]["reason"], "饭菜还是凉的");

    // Community staff oversee it without the door or the number; strangers see nothing.
    let staff = people::person(store, "社区干部").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, s.fixture.community],
    )
    .await;
    let (status, seen) = app
        .send(Method::GET, &format!("/api/v1/requests/{id}"), Some(&staff), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(seen["address_detail"], "");
    assert_ne!(seen["contact_phone"], s.daughter.login);
    let stranger = people::person(store, "路人").await;
    assert_eq!(
        app.send(Method::GET, &format!("/api/v1/requests/{id}"), Some(&stranger), None)
            .await
            .0,
        404
    );
    let (_, nothing) = app.send(Method::GET, "/api/v1/requests", Some(&stranger), None).await;
    assert_eq!(nothing["requests"], json!([]));
}

async fn refusals_are_clear_and_leave_nothing_behind(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let store = &app.db.store;
    let submit = |body: Value| app.send(Method::POST, "/api/v1/requests", Some(&s.father), Some(body));
    let field = |body: &Value| {
        body["error"]["fields"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let base = || {
        json!({"service_id": s.offering, "grid_unit_id": s.fixture.courtyard, "address_detail": "1 栋",
                         "age_band": "70-79"})
    };

    // Outside the area it reaches.
    let elsewhere = people::community(store, "外社区").await;
    let mut body = base();
    body["grid_unit_id"] = json!(elsewhere);
    let (status, refused) = submit(body).await;
    assert_eq!((status, field(&refused)), (422, "grid_unit_id".to_owned()), "{refused}");
    assert!(refused["error"]["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("上门范围"));
    // Age: not given, or too young for a 60-and-over service.
    let mut body = base();
    body.as_object_mut().unwrap().remove("age_band");
    assert_eq!(field(&submit(body).await.1), "age_band");
    let mut body = base();
    body["age_band"] = json!("18-59");
    let (status, young) = submit(body).await;
    assert_eq!(status, 422);
    assert!(
        young["error"]["fields"][0]["message"].as_str().unwrap().contains("60"),
        "{young}"
    );
    // For someone not linked.
    let mut body = base();
    body["on_behalf_of"] = json!(s.daughter.id);
    assert_eq!(field(&submit(body).await.1), "on_behalf_of");
    // Malformed, unknown, missing.
    let (status, _) = submit(json!({"service_id": "one"})).await;
    assert_eq!(status, 400);
    let (status, all) = submit(json!({})).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = all["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["service_id", "grid_unit_id", "address_detail"]);
    let mut body = base();
    body["service_id"] = json!(999_999);
    assert_eq!(submit(body).await.0, 404);
    assert_eq!(
        app.send(Method::POST, "/api/v1/requests", None, Some(base())).await.0,
        401
    );
    let bad_key = app
        .request(Method::POST, "/api/v1/requests", Some(&s.father))
        .header("Idempotency-Key", "short")
        .json(&base())
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), 400);
    assert_eq!(count(store, "SELECT COUNT(*) FROM requests").await, 0);

    // A full week: a clear answer with the first week that has room.
    exec(store, "UPDATE services SET capacity = 1 WHERE id = $1", &[s.offering]).await;
    let (status, first) = submit(base()).await;
    assert_eq!(status, 201, "{first}");
    let (status, full) = submit(base()).await;
    assert_eq!(status, 409, "{full}");
    let next_monday = app::domain::calendar::Day::of(people::now()).week_start().plus(7);
    assert!(
        full["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&next_monday.to_string()),
        "{full}"
    );
    // Paused: no new requests.
    exec(
        store,
        "UPDATE services SET status = 'paused', status_reason = '休整' WHERE id = $1",
        &[s.offering],
    )
    .await;
    assert_eq!(submit(base()).await.0, 409);
    assert_eq!(count(store, "SELECT COUNT(*) FROM requests").await, 1);
    assert_eq!(count(store, "SELECT COUNT(*) FROM request_events").await, 1);

    // Answers that are refused change nothing.
    let id = first["id"].as_i64().unwrap();
    let post = |path: String, who: &Person, body: Option<Value>| {
        let who = who.clone();
        let app = &app;
        async move { app.send(Method::POST, &path, Some(&who), body).await }
    };
    let (status, no_reason) = post(format!("/api/v1/requests/{id}/decline"), &s.owner, Some(json!({}))).await;
    assert_eq!((status, field(&no_reason)), (422, "reason".to_owned()));
    let (status, _) = post(format!("/api/v1/requests/{id}/accept"), &s.owner, None).await;
    assert_eq!(status, 200);
    let schedule = format!("/api/v1/requests/{id}/schedule");
    let (status, past) = post(
        schedule.clone(),
        &s.owner,
        Some(json!({"scheduled_for": "2020-01-01T09:00:00+08:00"})),
    )
    .await;
    assert_eq!((status, field(&past)), (422, "scheduled_for".to_owned()));
    let (status, _) = post(schedule, &s.owner, Some(json!({"scheduled_for": "明天上午"}))).await;
    assert_eq!(status, 400);
    let (status, _) = post(format!("/api/v1/requests/{id}/complete"), &s.owner, None).await;
    assert_eq!(status, 409, "accepted, not scheduled");
    let (status, early) = app
        .send(
            Method::PUT,
            &format!("/api/v1/requests/{id}/rating"),
            Some(&s.father),
            Some(json!({"score": 5})),
        )
        .await;
    assert_eq!(status, 409, "{early}");
    let (status, bad_score) = app
        .send(
            Method::PUT,
            &format!("/api/v1/requests/{id}/rating"),
            Some(&s.father),
            Some(json!({"score": 9})),
        )
        .await;
    assert_eq!((status, field(&bad_score)), (422, "score".to_owned()));
    let (_, now) = app
        .send(Method::GET, &format!("/api/v1/requests/{id}"), Some(&s.father), None)
        .await;
    assert_eq!(now["status"], "accepted");
    assert_eq!(count(store, "SELECT COUNT(*) FROM request_events").await, 2);
    assert_eq!(count(store, "SELECT COUNT(*) FROM ratings").await, 0);
    // The resident cancels; after that nothing moves it.
    let (status, cancelled) = post(format!("/api/v1/requests/{id}/cancel"), &s.father, None).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(
        post(format!("/api/v1/requests/{id}/cancel"), &s.father, None).await.0,
        409
    );
    let (status, bad_list) = app
        .send(Method::GET, "/api/v1/requests?bucket=lost", Some(&s.father), None)
        .await;
    assert_eq!((status, field(&bad_list)), (400, "bucket".to_owned()));
    let not_member = format!("/api/v1/requests?organization={}", s.org);
    assert_eq!(app.send(Method::GET, &not_member, Some(&s.father), None).await.0, 404);
}

async fn fifty_submissions_with_one_key_make_one_request(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let body = for_father(&s);
    let answers = futures_util::future::join_all(
        (0..50).map(|_| post_with_key(&app, &s.daughter, "double-tap-on-a-slow-phone", &body)),
    )
    .await;
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|(status, body, _)| {
            assert_eq!(*status, 201, "{body}");
            body["id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(answers.iter().filter(|(_, _, replayed)| !replayed).count(), 1);
    assert_eq!(count(&app.db.store, "SELECT COUNT(*) FROM requests").await, 1);
    assert_eq!(count(&app.db.store, "SELECT COUNT(*) FROM request_events").await, 1);
}

async fn two_staff_accepting_at_once_make_one_acceptance(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let store = &app.db.store;
    let colleague = people::member(store, s.org, "同事").await;
    for round in 0..5 {
        let (status, made, _) = post_with_key(
            &app,
            &s.daughter,
            &format!("accept-race-round-{round}"),
            &for_father(&s),
        )
        .await;
        assert_eq!(status, 201, "{made}");
        let accept = format!("/api/v1/requests/{}/accept", made["id"]);
        let (a, b) = tokio::join!(
            app.send(Method::POST, &accept, Some(&s.owner), None),
            app.send(Method::POST, &accept, Some(&colleague), None)
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{} / {}", a.1, b.1);
    }
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM request_events WHERE action = 'accept'").await,
        5
    );
}

async fn community_staff_follow_up_a_low_rating(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let store = &app.db.store;
    let (_, made, _) = post_with_key(&app, &s.daughter, "follow-up-request-01", &for_father(&s)).await;
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
    let staff = people::person(store, "社区干部").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, s.fixture.community],
    )
    .await;
    let (_, none) = app.send(Method::GET, "/api/v1/follow-ups", Some(&staff), None).await;
    assert_eq!(none, json!([]), "nothing before a low rating");
    let rating = format!("/api/v1/requests/{id}/rating");
    app.send(
        Method::PUT,
        &rating,
        Some(&s.daughter),
        Some(json!({"score": 1, "comment": "没人来"})),
    )
    .await;
    let (status, open) = app.send(Method::GET, "/api/v1/follow-ups", Some(&staff), None).await;
    assert_eq!(status, 200, "{open}");
    assert_eq!(open[0]["request_id"], id);
    assert_eq!(open[0]["score"], 1);
    assert_eq!(open[0]["comment"], "没人来");
    let due = open[0]["due_at"].as_str().unwrap().to_owned();
    let follow_up = open[0]["id"].as_i64().unwrap();
    // Residents and organizations do not see the list.
    assert_eq!(
        app.send(Method::GET, "/api/v1/follow-ups", Some(&s.owner), None)
            .await
            .0,
        403
    );

    let close = format!("/api/v1/follow-ups/{follow_up}/close");
    let (status, refused) = app.send(Method::POST, &close, Some(&staff), Some(json!({}))).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = refused["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["note", "now_satisfied"]);
    let (status, closed) = app
        .send(
            Method::POST,
            &close,
            Some(&staff),
            Some(json!({"note": "上门了解，机构已道歉并补做一次", "now_satisfied": true})),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["now_satisfied"], true);
    assert_eq!(closed["due_at"], due);
    let (status, _) = app
        .send(
            Method::POST,
            &close,
            Some(&staff),
            Some(json!({"note": "again", "now_satisfied": false})),
        )
        .await;
    assert_eq!(status, 409);
    let (_, done) = app
        .send(Method::GET, "/api/v1/follow-ups?bucket=closed", Some(&staff), None)
        .await;
    assert_eq!(done[0]["note"], "上门了解，机构已道歉并补做一次");
    // A later low rating of the same request opens a new one; a high one does not.
    app.send(Method::PUT, &rating, Some(&s.daughter), Some(json!({"score": 2})))
        .await;
    assert_eq!(count(store, "SELECT COUNT(*) FROM follow_ups").await, 2);
}

/// The inbox page narrows to one offering and keeps the narrowing on its tabs.
async fn the_inbox_page_narrows_to_an_offering_and_a_place(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let mut baths = common::offerings::meals(&s.fixture);
    baths["name_zh"] = json!("上门助浴");
    let (status, created) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{}/offerings", s.org),
            Some(&s.owner),
            Some(baths),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let baths = created["id"].as_i64().unwrap();
    let mut for_baths = for_father(&s);
    for_baths["service_id"] = json!(baths);
    for (key, body) in [
        ("inbox-request-meals-01", for_father(&s)),
        ("inbox-request-baths-01", for_baths),
    ] {
        let (status, made, _) = post_with_key(&app, &s.daughter, key, &body).await;
        assert_eq!(status, 201, "{made}");
    }
    let page = |query: String| {
        let app = &app;
        let owner = &s.owner;
        let org = s.org;
        async move {
            let response = app
                .request(
                    Method::GET,
                    &format!("/account/organizations/{org}/requests?{query}"),
                    Some(owner),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 200);
            response.text().await.unwrap()
        }
    };
    let lines = |html: &str| html.matches("class=\"card request-line\"").count();
    let everything = page("bucket=new".into()).await;
    assert_eq!(lines(&everything), 2);
    let narrowed = page(format!("bucket=new&service={baths}")).await;
    assert_eq!(lines(&narrowed), 1);
    assert!(narrowed.contains("上门助浴"));
    assert!(
        narrowed.contains(&format!(r#"<option value="{baths}" selected"#)),
        "the choice is shown"
    );
    assert!(
        narrowed.contains(&format!("?bucket=all&amp;service={baths}"))
            || narrowed.contains(&format!("?bucket=all&service={baths}")),
        "the tabs keep the narrowing"
    );
    // Narrowed to the father's courtyard: both; to another community's unit: none.
    assert_eq!(
        lines(&page(format!("bucket=new&place={}", s.fixture.courtyard)).await),
        2
    );
    let elsewhere = people::community(&app.db.store, "别处").await;
    assert_eq!(lines(&page(format!("bucket=new&place={elsewhere}")).await), 0);
}

on_both_engines!(
    a_daughter_requests_for_her_father_who_rates_it,
    refusals_are_clear_and_leave_nothing_behind,
    fifty_submissions_with_one_key_make_one_request,
    two_staff_accepting_at_once_make_one_acceptance,
    community_staff_follow_up_a_low_rating,
    the_inbox_page_narrows_to_an_offering_and_a_place,
);
