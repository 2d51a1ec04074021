//! Needs no offering meets, over the JSON API on both engines: named, seen by the
//! community without who named it, "me too" counted once per person, answered once by
//! the community's staff, and counted in the dashboard's demand table; and seen by the
//! organizations working in the community (a courtyard's self-governance organization).

mod common;

use common::offerings::{count, meals, publisher};
use common::people::{self, exec};
use common::{fixtures, spawn, Engine};
use reqwest::Method;
use serde_json::json;

async fn a_need_is_named_supported_answered_and_counted(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let named_by = people::person(store, "赵阿姨").await;
    let neighbour = people::person(store, "钱大爷").await;
    let staff = people::person(store, "社区干部").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, fixture.community],
    )
    .await;

    // Refusals first: nothing is written.
    let (status, refused) = app
        .send(
            Method::POST,
            "/api/v1/needs",
            Some(&named_by),
            Some(json!({"category": "nope"})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    let fields: Vec<&str> = refused["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["grid_unit_id", "description", "category"]);
    assert_eq!(count(store, "SELECT COUNT(*) FROM needs").await, 0);
    assert_eq!(
        app.send(Method::POST, "/api/v1/needs", None, Some(json!({}))).await.0,
        401
    );

    let (status, need) = app
        .send(
            Method::POST,
            "/api/v1/needs",
            Some(&named_by),
            Some(json!({"grid_unit_id": fixture.courtyard, "category": "mobility", "description": "希望有人陪老人去医院复诊"})),
        )
        .await;
    assert_eq!(status, 201, "{need}");
    let id = need["id"].as_i64().unwrap();
    assert_eq!(
        (need["supporters"].as_u64(), need["mine"].as_bool()),
        (Some(1), Some(true))
    );

    // Anyone may read a community's needs; nobody sees who named them.
    let list = format!("/api/v1/needs?grid_unit={}", fixture.courtyard);
    let (status, seen) = app.send(Method::GET, &list, None, None).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen[0]["description"], "希望有人陪老人去医院复诊");
    assert!(!seen.to_string().contains("赵阿姨"));
    assert!(seen[0].get("named_by").is_none());
    assert_eq!(seen[0]["mine"], false, "an anonymous reader supports nothing");

    // "Me too", twice, counts one more person.
    let support = format!("/api/v1/needs/{id}/support");
    for _ in 0..2 {
        let (status, supported) = app.send(Method::POST, &support, Some(&neighbour), None).await;
        assert_eq!(status, 200, "{supported}");
        assert_eq!(supported["supporters"], 2);
    }
    let (_, again) = app.send(Method::POST, &support, Some(&named_by), None).await;
    assert_eq!(again["supporters"], 2, "the one who named it already counts");

    // Only the community's staff answer, once; a service must be one on offer.
    let unmet = format!("/api/v1/needs/{id}/unmet");
    assert_eq!(
        app.send(Method::POST, &unmet, Some(&neighbour), Some(json!({"note": "x"})))
            .await
            .0,
        404
    );
    let (status, blank) = app.send(Method::POST, &unmet, Some(&staff), Some(json!({}))).await;
    assert_eq!((status, blank["error"]["field"].as_str()), (422, Some("note")));
    let point = format!("/api/v1/needs/{id}/point");
    let (status, _) = app
        .send(Method::POST, &point, Some(&staff), Some(json!({"service_id": 999_999})))
        .await;
    assert_eq!(status, 422);
    let (status, answered) = app
        .send(
            Method::POST,
            &unmet,
            Some(&staff),
            Some(json!({"note": "社区还没有陪诊服务，已报街道"})),
        )
        .await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["status"], "unmet");
    let (status, _) = app
        .send(Method::POST, &unmet, Some(&staff), Some(json!({"note": "again"})))
        .await;
    assert_eq!(status, 409);
    assert_eq!(app.send(Method::POST, &support, Some(&staff), None).await.0, 409);

    // The dashboard's demand table counts the two people, where no offering reaches them.
    let (_, d) = app.send(Method::GET, "/api/v1/dashboard", Some(&staff), None).await;
    let row = d["demand"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == "mobility")
        .unwrap_or_else(|| panic!("{d}"))
        .clone();
    assert_eq!(
        (row["needs_unmet"].as_u64(), row["covered"].as_bool()),
        (Some(2), Some(false))
    );
    assert_eq!(row["grid_unit"], fixture.courtyard);

    // A second need, pointed to an offering that meets it.
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;
    let (_, offering) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{org}/offerings"),
            Some(&owner),
            Some(meals(&fixture)),
        )
        .await;
    let (_, second) = app
        .send(
            Method::POST,
            "/api/v1/needs",
            Some(&neighbour),
            Some(json!({"grid_unit_id": fixture.courtyard, "description": "想要送餐"})),
        )
        .await;
    let (status, pointed) = app
        .send(
            Method::POST,
            &format!("/api/v1/needs/{}/point", second["id"]),
            Some(&staff),
            Some(json!({"service_id": offering["id"]})),
        )
        .await;
    assert_eq!(status, 200, "{pointed}");
    assert_eq!(
        (pointed["status"].as_str(), pointed["service_id"].as_i64()),
        (Some("pointed"), offering["id"].as_i64())
    );
}

/// The members of an organization working in a community (here its courtyard's
/// self-governance organization) see the needs named there, and of no other community,
/// never who named them; nobody else is shown them as the organization's.
async fn organizations_see_the_needs_of_their_communities(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let named_by = people::person(store, "孙奶奶").await;
    let elsewhere = people::community(store, "别的社区").await;
    for (unit, words) in [
        (fixture.courtyard, "院里的路灯坏了，晚上不敢出门"),
        (elsewhere, "别处的需求"),
    ] {
        let (status, need) = app
            .send(
                Method::POST,
                "/api/v1/needs",
                Some(&named_by),
                Some(json!({"grid_unit_id": unit, "description": words})),
            )
            .await;
        assert_eq!(status, 201, "{need}");
    }
    let council = fixtures::organization(
        store,
        "courtyard-council",
        "一号院院落自治委员会",
        "Courtyard Council",
        fixture.community,
    )
    .await;
    exec(
        store,
        "UPDATE organizations SET kind = 'resident-unit' WHERE id = $1",
        &[council],
    )
    .await;
    let member = people::person(store, "院委会李主任").await;
    exec(
        store,
        "INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, 'owner', 0)",
        &[council, member.id],
    )
    .await;
    let outsider = people::person(store, "路人").await;
    let path = format!("/api/v1/needs?organization={council}");

    let (status, seen) = app.send(Method::GET, &path, Some(&member), None).await;
    assert_eq!(status, 200, "{seen}");
    let texts: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["院里的路灯坏了，晚上不敢出门"],
        "its community's, not another's"
    );
    assert!(!seen.to_string().contains("孙奶奶"), "never who named it");
    assert_eq!(app.send(Method::GET, &path, Some(&outsider), None).await.0, 404);
    assert_eq!(app.send(Method::GET, &path, None, None).await.0, 401);
    let (status, both) = app
        .send(
            Method::GET,
            &format!("{path}&grid_unit={}", fixture.courtyard),
            Some(&member),
            None,
        )
        .await;
    assert_eq!(
        (status, both["error"]["fields"][0]["field"].as_str()),
        (400, Some("grid_unit"))
    );

    // The organization's page lists them under the community's name.
    let page = app
        .request(
            Method::GET,
            &format!("/account/organizations/{council}/needs"),
            Some(&member),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("院里的路灯坏了") && !html.contains("别处的需求"),
        "{html}"
    );
    assert!(!html.contains("孙奶奶"));
    let refused = app
        .request(
            Method::GET,
            &format!("/account/organizations/{council}/needs"),
            Some(&outsider),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !refused.contains("院里的路灯坏了"),
        "an outsider is not shown them as the organization's"
    );
}

on_both_engines!(
    a_need_is_named_supported_answered_and_counted,
    organizations_see_the_needs_of_their_communities
);
