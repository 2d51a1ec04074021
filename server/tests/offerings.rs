//! Organizations publish their offerings over the JSON API, on both engines: the whole
//! life of an offering (publish, find, edit, pause, resume, retire, history) and every
//! refusal, each leaving nothing behind. The pages: offering_pages.rs; photos:
//! offering_photos.rs.

mod common;

use common::offerings::{count, found, meals, publisher};
use common::people::{self, exec};
use common::{fixtures, spawn, Engine};
use reqwest::Method;
use serde_json::{json, Value};

async fn an_offering_is_published_found_edited_paused_resumed_and_retired(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;

    let (status, created) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{org}/offerings"),
            Some(&owner),
            Some(meals(&fixture)),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "active");
    assert_eq!(created["revision"], 1);
    // The fields of the directory's service page, resolved from the input.
    assert_eq!(created["name"], "长者送餐上门");
    assert_eq!(created["hours"], "周一, 周二 11:00–13:00；2026-10-01 休息");
    assert_eq!(created["price"]["unit"], "餐");
    assert_eq!(
        created["address"], "南桥社区",
        "the address defaults to the place's name"
    );
    assert_eq!(created["coverage"][0]["id"], fixture.courtyard);
    assert_eq!(created["fields"]["coverage"], json!([fixture.courtyard]));

    // A resident finds it at once, in both languages (English falls back to Chinese).
    assert_eq!(found(&app, "送餐").await, [id]);
    let (status, page) = app.get_json(&format!("/api/v1/services/{id}?lang=en")).await;
    assert_eq!((status, page["name"].as_str()), (200, Some("长者送餐上门")));
    assert_eq!(page["hours"], "Mon, Tue 11:00–13:00; 2026-10-01 closed");

    // An edit from an old copy is refused; a current one lands and is recorded.
    let path = format!("/api/v1/offerings/{id}");
    let stale = app
        .request(Method::PATCH, &path, Some(&owner))
        .header("If-Match", "\"7\"")
        .json(&json!({"name_zh": "改名"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    let edited = app
        .request(Method::PATCH, &path, Some(&owner))
        .header("If-Match", "\"1\"")
        .json(&json!({"name_zh": "长者助餐送餐", "name_en": "Meals on wheels", "capacity": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    assert_eq!(edited.headers()["etag"], "\"2\"");
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(
        (edited["revision"].as_i64(), edited["capacity"].as_i64()),
        (Some(2), None)
    );
    assert_eq!(found(&app, "助餐送餐").await, [id]);
    assert_eq!(found(&app, "wheels").await, [id]);

    // Paused: the page stays and says why; search no longer finds it.
    let pause = format!("{path}/pause");
    let (status, refused) = app.send(Method::POST, &pause, Some(&owner), Some(json!({}))).await;
    assert_eq!(
        (status, refused["error"]["fields"][0]["field"].as_str()),
        (422, Some("reason")),
        "{refused}"
    );
    let (status, _) = app
        .send(
            Method::POST,
            &pause,
            Some(&owner),
            Some(json!({"reason": "厨房装修，11 月 30 日恢复"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(found(&app, "送餐").await.is_empty());
    let (status, page) = app.get_json(&format!("/api/v1/services/{id}")).await;
    assert_eq!(
        (status, page["paused"].as_str()),
        (200, Some("厨房装修，11 月 30 日恢复"))
    );
    assert_eq!(
        app.send(Method::POST, &pause, Some(&owner), Some(json!({"reason": "再停"})))
            .await
            .0,
        409
    );

    let (status, resumed) = app
        .send(Method::POST, &format!("{path}/resume"), Some(&owner), None)
        .await;
    assert_eq!((status, resumed["status"].as_str()), (200, Some("active")));
    assert_eq!(found(&app, "送餐").await, [id]);

    // Retired: out of the directory; its history stays; it can no longer change.
    let (status, retired) = app
        .send(
            Method::POST,
            &format!("{path}/retire"),
            Some(&owner),
            Some(json!({"reason": "合同到期"})),
        )
        .await;
    assert_eq!((status, retired["status"].as_str()), (200, Some("retired")));
    assert!(found(&app, "送餐").await.is_empty());
    assert_eq!(app.get_json(&format!("/api/v1/services/{id}")).await.0, 404);
    assert_eq!(
        app.send(Method::PATCH, &path, Some(&owner), Some(json!({"name_zh": "又来"})))
            .await
            .0,
        409
    );
    assert_eq!(
        app.send(Method::POST, &format!("{path}/resume"), Some(&owner), None)
            .await
            .0,
        409
    );

    let (status, history) = app
        .send(Method::GET, &format!("{path}/history"), Some(&owner), None)
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["retired", "resumed", "paused", "edited", "created"]);
    let edit = &history[3];
    assert_eq!(edit["by"], owner.id);
    assert_eq!(edit["by_name"], "机构社工");
    let fields: Vec<&str> = edit["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["capacity", "name_en", "name_zh"]);
    assert_eq!(edit["changes"][2]["before"], "长者送餐上门");
    assert_eq!(history[0]["reason"], "合同到期");

    // The organization's list shows it, retired, to its staff.
    let (status, list) = app
        .send(
            Method::GET,
            &format!("/api/v1/organizations/{org}/offerings"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!((status, list[0]["status"].as_str()), (200, Some("retired")));
}

async fn refusals_are_clear_and_leave_nothing_behind(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;
    let stranger = people::person(store, "别家机构").await;
    let elsewhere = people::community(store, "簇桥").await;
    let other_org = publisher(store, &fixture, &stranger).await;
    let create = format!("/api/v1/organizations/{org}/offerings");
    let before = count(store, "SELECT COUNT(*) FROM services").await;

    // Anonymous, someone else's organization.
    assert_eq!(
        app.send(Method::POST, &create, None, Some(meals(&fixture))).await.0,
        401
    );
    assert_eq!(
        app.send(Method::POST, &create, Some(&stranger), Some(meals(&fixture)))
            .await
            .0,
        403
    );

    // Every invalid field at once, named, in the request's language.
    let mut bad = meals(&fixture);
    bad["name_zh"] = json!("");
    bad["cost"] = json!("paid");
    bad["price"] = json!({"amount_fen": 0, "unit": "meal"});
    bad["hours"]["weekly"][0]["closes"] = json!("10:00");
    bad["phone"] = json!("call us");
    let response = app
        .request(Method::POST, &create, Some(&owner))
        .header("Accept-Language", "en")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name_zh", "hours", "price", "phone"], "{body}");
    assert!(
        body["error"]["fields"][1]["message"]
            .as_str()
            .unwrap()
            .contains("before closing"),
        "{body}"
    );

    // Places the organization does not serve, and ones that do not exist.
    let mut outside = meals(&fixture);
    outside["coverage"] = json!([elsewhere, 999_999]);
    outside["category"] = json!("no-such-category");
    let (status, body) = app.send(Method::POST, &create, Some(&owner), Some(outside)).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["category", "coverage", "coverage"], "{body}");
    let mut far = meals(&fixture);
    far["latitude"] = json!(31.23);
    far["longitude"] = json!(121.47);
    assert_eq!(app.send(Method::POST, &create, Some(&owner), Some(far)).await.0, 422);

    // A body that is not an offering at all.
    assert_eq!(
        app.send(Method::POST, &create, Some(&owner), Some(json!({"title": "x"})))
            .await
            .0,
        400
    );

    // Not verified, or suspended: refused with what to do about it.
    exec(store, "UPDATE organizations SET verified = 0 WHERE id = $1", &[org]).await;
    let (status, body) = app
        .send(Method::POST, &create, Some(&owner), Some(meals(&fixture)))
        .await;
    assert_eq!(status, 409);
    assert!(body["error"]["message"].as_str().unwrap().contains("审核"), "{body}");
    exec(
        store,
        "UPDATE organizations SET verified = 1, suspended = 1 WHERE id = $1",
        &[org],
    )
    .await;
    assert_eq!(
        app.send(Method::POST, &create, Some(&owner), Some(meals(&fixture)))
            .await
            .0,
        409
    );
    assert_eq!(count(store, "SELECT COUNT(*) FROM services").await, before);
    assert_eq!(count(store, "SELECT COUNT(*) FROM service_revisions").await, 0);
    exec(store, "UPDATE organizations SET suspended = 0 WHERE id = $1", &[org]).await;

    // Someone else's offering: staff of another organization may neither read nor change it.
    let (_, created) = app
        .send(Method::POST, &create, Some(&owner), Some(meals(&fixture)))
        .await;
    let id = created["id"].as_i64().unwrap();
    let path = format!("/api/v1/offerings/{id}");
    assert_eq!(app.send(Method::GET, &path, Some(&stranger), None).await.0, 404);
    assert_eq!(
        app.send(Method::PATCH, &path, Some(&stranger), Some(json!({"name_zh": "抢"})))
            .await
            .0,
        404
    );
    assert_eq!(
        app.send(
            Method::POST,
            &format!("{path}/retire"),
            Some(&stranger),
            Some(json!({}))
        )
        .await
        .0,
        404
    );
    let _ = other_org;

    // A patch that breaks the offering is refused whole; nothing of it lands.
    let (status, _) = app
        .send(
            Method::PATCH,
            &path,
            Some(&owner),
            Some(json!({"name_zh": "新名字", "delivery": "on-site"})),
        )
        .await;
    assert_eq!(status, 422, "on-site with a coverage area");
    let (status, unknown) = app
        .send(Method::PATCH, &path, Some(&owner), Some(json!({"colour": "red"})))
        .await;
    assert_eq!(status, 400, "{unknown}");
    let (_, current) = app.send(Method::GET, &path, Some(&owner), None).await;
    assert_eq!(
        (current["name"].as_str(), current["revision"].as_i64()),
        (Some("长者送餐上门"), Some(1))
    );
    assert_eq!(count(store, "SELECT COUNT(*) FROM service_revisions").await, 1);
    // Bad ids.
    assert_eq!(
        app.send(Method::GET, "/api/v1/offerings/0", Some(&owner), None).await.0,
        400
    );
    assert_eq!(
        app.send(Method::GET, "/api/v1/offerings/999999", Some(&owner), None)
            .await
            .0,
        404
    );
}

on_both_engines!(
    an_offering_is_published_found_edited_paused_resumed_and_retired,
    refusals_are_clear_and_leave_nothing_behind,
);
