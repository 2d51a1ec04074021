//! Organizations and family links end to end over HTTP, on both engines: registering an
//! organization that staff of its community verify (and suspending it, which takes its
//! offerings out of the directory at once), and a family member who confirms a link with
//! a code and either side ends it.

mod common;

use common::people::{self, exec};
use common::{spawn, Engine};
use reqwest::Method;
use serde_json::json;

async fn organizations_register_pending_and_staff_of_their_community_verify_them(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let (here, elsewhere) = (
        people::community(store, "玉林").await,
        people::community(store, "簇桥").await,
    );
    let owner = people::person(store, "机构负责人").await;
    let staff = people::person(store, "社区干部").await;
    let other_staff = people::person(store, "别的社区干部").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, here],
    )
    .await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[other_staff.id, elsewhere],
    )
    .await;
    let contact = people::phone();
    let credit = app::domain::accounts::values::CreditCode::complete("91510107MA6C0001X").unwrap();
    let body = json!({"name": "玉林助老服务社", "kind": "social-organization", "credit_code": credit,
                      "contact_name": "刘", "contact_phone": contact, "communities": [here]});
    let (status, org) = app
        .send(Method::POST, "/api/v1/organizations", Some(&owner), Some(body.clone()))
        .await;
    assert_eq!(status, 201, "{org}");
    assert_eq!(
        (org["verified"].as_bool(), org["contact_phone"].as_str()),
        (Some(false), Some(contact.as_str()))
    );
    let id = org["id"].as_i64().unwrap();
    // The same credit code twice is a conflict, and leaves nothing behind.
    let (status, _) = app
        .send(Method::POST, "/api/v1/organizations", Some(&owner), Some(body))
        .await;
    assert_eq!(status, 409);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(count, 1);
    // Staff elsewhere may not verify; staff of its community may, and it is audited.
    let verify = format!("/api/v1/organizations/{id}/verify");
    assert_eq!(app.send(Method::POST, &verify, Some(&other_staff), None).await.0, 403);
    let (status, verified) = app.send(Method::POST, &verify, Some(&staff), None).await;
    assert_eq!(status, 200);
    assert_eq!(verified["verified"], true);
    let (_, overview) = app
        .send(Method::GET, "/api/v1/community/organizations", Some(&staff), None)
        .await;
    assert_eq!(overview["audit"][0]["action"], "organization.verified");
    assert_eq!(overview["audit"][0]["actor_id"], staff.id);
    assert!(overview["audit"][0]["request_id"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));
    // Others see the contact's phone masked.
    let (_, other_view) = app
        .send(Method::GET, "/api/v1/community/organizations", Some(&other_staff), None)
        .await;
    assert!(other_view["organizations"].as_array().unwrap().is_empty());
    // Members: owners add and remove; the last owner stays.
    let member = people::person(store, "社工").await;
    let members = format!("/api/v1/organizations/{id}/members");
    let (status, _) = app
        .send(
            Method::POST,
            &members,
            Some(&owner),
            Some(json!({"login": member.login, "role": "member"})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        app.send(
            Method::POST,
            &members,
            Some(&member),
            Some(json!({"login": staff.login, "role": "member"}))
        )
        .await
        .0,
        403
    );
    let (status, _) = app
        .send(Method::DELETE, &format!("{members}/{}", owner.id), Some(&owner), None)
        .await;
    assert_eq!(status, 409, "the last owner cannot leave");
    let (status, _) = app
        .send(Method::DELETE, &format!("{members}/{}", member.id), Some(&owner), None)
        .await;
    assert_eq!(status, 204);
    // Suspended: audited too.
    let (status, suspended) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{id}/suspend"),
            Some(&staff),
            None,
        )
        .await;
    assert_eq!((status, suspended["suspended"].as_bool()), (200, Some(true)));
}

async fn a_family_member_confirms_with_a_code_and_either_side_ends_the_link(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let mother = people::person(store, "妈妈").await;
    let son = people::person(store, "儿子").await;
    let (status, link) = app
        .send(
            Method::POST,
            "/api/v1/family-links",
            Some(&mother),
            Some(json!({"member_login": son.login, "relation": "儿子"})),
        )
        .await;
    assert_eq!(status, 202, "{link}");
    // A number without an account gets the same answer, and nothing is made or sent.
    let nobody = people::phone();
    let (status, same) = app
        .send(
            Method::POST,
            "/api/v1/family-links",
            Some(&mother),
            Some(json!({"member_login": nobody, "relation": "儿子"})),
        )
        .await;
    assert_eq!((status, &same), (202, &link));
    assert!(app.outbox(&nobody).await.is_empty());
    // Asking again while the first request is open: a conflict, in words, on both twins.
    let (status, again) = app
        .send(
            Method::POST,
            "/api/v1/family-links",
            Some(&mother),
            Some(json!({"member_login": son.login, "relation": "儿子"})),
        )
        .await;
    assert_eq!(status, 409, "{again}");
    assert_eq!(again["error"]["message"], "已经关联过这位家人");
    let form = app
        .request(Method::POST, "/account/family-links", Some(&mother))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("member_login={}&relation=%E5%84%BF%E5%AD%90", son.login))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status().as_u16(), 303, "the form twin refuses with a notice");
    let notice = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .any(|c| c.starts_with("doorstep_flash="));
    assert!(notice);
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM family_links WHERE person_id = $1")
        .bind(mother.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(links, 1, "nothing more was made");
    // Until the son confirms, his mother sees the number she typed, masked, not his name.
    let (_, mine) = app.send(Method::GET, "/api/v1/me", Some(&mother), None).await;
    let pending = &mine["family_links"][0];
    assert_eq!(pending["status"], "pending");
    assert_eq!(
        pending["member_name"],
        format!("{}****{}", &son.login[..3], &son.login[7..]).as_str()
    );
    assert_eq!(mine["family_links"].as_array().unwrap().len(), 1);
    let id = pending["id"].as_i64().unwrap();
    let code = app.last_code(&son.login).await;
    // Only the member confirms, with the code sent to them.
    let confirm = format!("/api/v1/family-links/{id}/confirm");
    assert_eq!(
        app.send(Method::POST, &confirm, Some(&mother), Some(json!({"code": code})))
            .await
            .0,
        403
    );
    let stranger = people::person(store, "路人").await;
    assert_eq!(
        app.send(Method::POST, &confirm, Some(&stranger), Some(json!({"code": code})))
            .await
            .0,
        404
    );
    let (status, _) = app
        .send(Method::POST, &confirm, Some(&son), Some(json!({"code": code})))
        .await;
    assert_eq!(status, 204);
    let (_, me) = app.send(Method::GET, "/api/v1/me", Some(&son), None).await;
    assert_eq!(me["family_links"][0]["status"], "active");
    assert_eq!(me["family_links"][0]["person_id"], mother.id);
    // Linking the same person twice is a conflict.
    let (status, _) = app
        .send(
            Method::POST,
            "/api/v1/family-links",
            Some(&mother),
            Some(json!({"member_login": son.login, "relation": "儿子"})),
        )
        .await;
    assert_eq!(status, 409);
    // The mother ends it; then it is gone for both.
    assert_eq!(
        app.send(
            Method::POST,
            &format!("/api/v1/family-links/{id}/end"),
            Some(&stranger),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.send(
            Method::POST,
            &format!("/api/v1/family-links/{id}/end"),
            Some(&mother),
            None
        )
        .await
        .0,
        204
    );
    let (_, me) = app.send(Method::GET, "/api/v1/me", Some(&son), None).await;
    assert!(me["family_links"].as_array().unwrap().is_empty());
}

async fn suspending_an_organization_takes_its_offerings_out_of_the_directory_at_once(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = common::fixtures::base(store).await;
    let spec = common::fixtures::ServiceSpec::at("长者食堂", "Canteen", 30.64, 104.05);
    let service = common::fixtures::service(store, &fixture, "s-1", &spec).await;
    let staff = people::person(store, "社区干部").await;
    exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, fixture.community],
    )
    .await;
    store.rebuild_index().await.unwrap();
    let total = || async { app.get_json("/api/v1/services").await.1["total"].as_u64().unwrap() };
    assert_eq!(total().await, 1);
    let org = fixture.organization;
    let (status, _) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{org}/suspend"),
            Some(&staff),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // At once (the snapshot is stale, SQL answers) and after the snapshot is rebuilt.
    assert_eq!(total().await, 0);
    assert_eq!(app.get_json(&format!("/api/v1/services/{service}")).await.0, 404);
    assert_eq!(app.get_json(&format!("/api/v1/organizations/{org}")).await.0, 404);
    store.rebuild_index().await.unwrap();
    assert_eq!(total().await, 0);
    let (status, _) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{org}/reinstate"),
            Some(&staff),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(total().await, 1);
    assert_eq!(app.get_json(&format!("/api/v1/services/{service}")).await.0, 200);
}

on_both_engines!(
    organizations_register_pending_and_staff_of_their_community_verify_them,
    a_family_member_confirms_with_a_code_and_either_side_ends_the_link,
    suspending_an_organization_takes_its_offerings_out_of_the_directory_at_once,
);
