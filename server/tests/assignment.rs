//! Who in the organization handles a request, on both engines: a member assigns it to a
//! colleague, who is told and finds it under "mine"; the inbox (API and page) narrows to
//! whose it is; outsiders, the requester side, closed requests and bad input are refused,
//! and a refusal changes nothing.

mod common;

use common::offerings::count;
use common::people;
use common::requests::{for_father, post_with_key, setting};
use common::{spawn, Engine};
use reqwest::Method;
use serde_json::{json, Value};

/// A member assigns a request to a colleague, who is told and finds it under "mine";
/// someone outside the organization, a closed request and bad input are refused, and a
/// refusal changes nothing.
async fn members_assign_a_request_and_the_inbox_narrows_to_whose_it_is(engine: Engine) {
    let app = spawn(engine).await;
    let s = setting(&app).await;
    let store = &app.db.store;
    let colleague = people::member(store, s.org, "李社工").await;
    let outsider = people::person(store, "路人").await;
    let (status, made, _) = post_with_key(&app, &s.daughter, "assign-request-0001", &for_father(&s)).await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["assigned_to"], Value::Null);
    let assign = format!("/api/v1/requests/{id}/assign");
    let inbox = |assigned: &str| format!("/api/v1/requests?organization={}&assigned={assigned}", s.org);
    let ids = |page: &Value| -> Vec<i64> {
        page["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_i64().unwrap())
            .collect()
    };
    let (_, nobody) = app.send(Method::GET, &inbox("nobody"), Some(&s.owner), None).await;
    assert_eq!(ids(&nobody), [id]);

    // Refusals: not a member, a malformed id, an outsider, the requester side; nothing changes.
    for (who, body, expected, field) in [
        (&s.owner, json!({"person_id": outsider.id}), 422, Some("person_id")),
        (&s.owner, json!({"person_id": 0}), 422, Some("person_id")),
        (&s.owner, json!({"person_id": "two"}), 400, None),
        (&s.owner, json!({"someone": 1}), 400, None),
        (&outsider, json!({"person_id": colleague.id}), 404, None),
        (&s.daughter, json!({"person_id": colleague.id}), 403, None),
    ] {
        let (status, answer) = app.send(Method::POST, &assign, Some(who), Some(body.clone())).await;
        assert_eq!(status, expected, "{body}: {answer}");
        if let Some(field) = field {
            assert_eq!(answer["error"]["fields"][0]["field"], field, "{answer}");
        }
    }
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM requests WHERE assigned_to IS NOT NULL").await,
        0
    );
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM notifications WHERE kind = 'assigned'").await,
        0
    );

    // The owner assigns it to the colleague, who is told and sees it as theirs.
    let (status, assigned) = app
        .send(
            Method::POST,
            &assign,
            Some(&s.owner),
            Some(json!({"person_id": colleague.id})),
        )
        .await;
    assert_eq!(status, 200, "{assigned}");
    assert_eq!(assigned["assigned_to"], colleague.id);
    assert_eq!(assigned["assigned_name"], "李社工");
    let (_, told) = app
        .send(Method::GET, "/api/v1/notifications", Some(&colleague), None)
        .await;
    assert!(told.to_string().contains("指派给了您"), "{told}");
    let (_, mine) = app.send(Method::GET, &inbox("me"), Some(&colleague), None).await;
    assert_eq!(ids(&mine), [id]);
    assert_eq!(mine["requests"][0]["assigned_name"], "李社工");
    let (_, owners) = app.send(Method::GET, &inbox("me"), Some(&s.owner), None).await;
    assert!(ids(&owners).is_empty());
    let (_, by_id) = app
        .send(Method::GET, &inbox(&colleague.id.to_string()), Some(&s.owner), None)
        .await;
    assert_eq!(ids(&by_id), [id]);
    let (status, bad) = app.send(Method::GET, &inbox("someone"), Some(&s.owner), None).await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (400, Some("assigned"))
    );
    let (status, _) = app
        .send(Method::GET, "/api/v1/requests?assigned=me", Some(&s.daughter), None)
        .await;
    assert_eq!(status, 400, "assignment narrows an inbox only");

    // The inbox page shows who handles it and narrows to it.
    let page = app
        .request(
            Method::GET,
            &format!("/account/organizations/{}/requests?bucket=all&assigned=me", s.org),
            Some(&colleague),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("负责人：") && page.contains("李社工"),
        "the line says who handles it"
    );
    assert!(page.contains(r#"<option value="me" selected"#), "the choice is shown");

    // Unassigned (nobody); then, once closed, it keeps whoever handled it.
    let (status, cleared) = app
        .send(
            Method::POST,
            &assign,
            Some(&colleague),
            Some(json!({"person_id": null})),
        )
        .await;
    assert_eq!((status, cleared["assigned_to"].clone()), (200, Value::Null));
    let (status, _) = app
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/decline"),
            Some(&s.owner),
            Some(json!({"reason": "本周人手不足"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, closed) = app
        .send(
            Method::POST,
            &assign,
            Some(&s.owner),
            Some(json!({"person_id": colleague.id})),
        )
        .await;
    assert_eq!(status, 409, "{closed}");
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM requests WHERE assigned_to IS NOT NULL").await,
        0
    );
}

on_both_engines!(members_assign_a_request_and_the_inbox_narrows_to_whose_it_is);
