//! The HTTP hardening every answer goes through: request ids, security headers with a
//! per-response script nonce, cross-site requests refused on every kind of entry point,
//! server-function arguments refused as 400, a stuck database answered 503 in bounded time.

mod common;

use common::fixtures;
use common::{fresh_db, spawn, spawn_configured, Engine};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing on {}", response.url()))
        .to_str()
        .unwrap()
}

async fn every_answer_carries_security_headers_and_a_request_id(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    for path in [
        "/",
        "/api/v1/services",
        "/api/v1/nothing",
        "/favicon.svg",
        "/healthz",
        "/nowhere",
    ] {
        let response = app.get(path).await;
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
        assert!(
            header(&response, "content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(
            header(&response, "referrer-policy").starts_with("strict-origin"),
            "{path}"
        );
        assert!(
            header(&response, "permissions-policy").contains("geolocation=(self)"),
            "{path}"
        );
        assert!(!header(&response, "x-request-id").is_empty(), "{path}");
        assert!(
            response.headers().get("strict-transport-security").is_none(),
            "no HSTS over plain HTTP"
        );
    }
    // Two requests, two ids.
    let (a, b) = (app.get("/healthz").await, app.get("/healthz").await);
    assert_ne!(header(&a, "x-request-id"), header(&b, "x-request-id"));
}

async fn a_page_names_the_nonce_its_inline_scripts_carry(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    let first = app.get("/").await;
    let policy = header(&first, "content-security-policy").to_owned();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src")
        .to_owned();
    let html = first.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the header's nonce"
    );
    let second = app.get("/").await;
    assert_ne!(
        header(&second, "content-security-policy"),
        policy,
        "a fresh nonce per response"
    );
    assert!(!policy.contains("'unsafe-inline'"));
}

async fn hsts_is_sent_when_served_over_https(engine: Engine) {
    let app = spawn_configured(fresh_db(engine).await, &["--https", "true"]).await;
    let response = app.get("/healthz").await;
    assert!(header(&response, "strict-transport-security").starts_with("max-age="));
}

async fn cross_site_posts_change_nothing_on_any_kind_of_entry_point(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let entry_points = [
        ("/prefs", "application/x-www-form-urlencoded", "lang=en"),
        ("/api/fn/search", "application/x-www-form-urlencoded", "query="),
        ("/api/v1/services", "application/json", "{}"),
        (
            "/api/v1/auth/register",
            "application/json",
            r#"{"login":"13900000001","display_name":"x","consent":true}"#,
        ),
        (
            "/account/sign-up",
            "application/x-www-form-urlencoded",
            "login=13900000002&display_name=x&consent=1",
        ),
    ];
    for (path, content_type, body) in entry_points {
        for (name, value) in [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site")] {
            let response = app
                .client
                .post(format!("{}{path}", app.base))
                .header("Content-Type", content_type)
                .header(name, value)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 403, "{path} with {name}: {value}");
            assert!(
                response.headers().get("set-cookie").is_none(),
                "{path}: nothing remembered"
            );
            let json: serde_json::Value = response.json().await.unwrap();
            assert_eq!(json["error"]["code"], "forbidden", "{path}");
        }
    }
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    assert_eq!(queued, 0, "no sign-up got through");
    // The same form from the site itself goes through.
    let response = app
        .client
        .post(format!("{}/prefs", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Origin", format!("http://{host}"))
        .header("Sec-Fetch-Site", "same-origin")
        .body("lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert!(response.headers().get("set-cookie").is_some());
}

async fn server_functions_refuse_missing_or_malformed_arguments_with_400(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    // Every server function, with no arguments and with arguments of the wrong type.
    for (path, bad) in [
        ("/api/fn/search", "query=lat%3Dnorth%26lon%3D104"),
        ("/api/fn/service", "id=abc"),
        ("/api/fn/service", "id=0"),
        ("/api/fn/organization", "id=-4"),
    ] {
        for body in ["", bad] {
            let response = app
                .client
                .post(format!("{}{path}", app.base))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            assert_eq!(status, 400, "{path} with {body:?}: {text}");
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert!(json["App"]["BadRequest"].is_array(), "{path}: {json}");
        }
    }
    // A good call still answers.
    let response = app
        .client
        .post(format!("{}/api/fn/search", app.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("query=limit%3D1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
}

/// A database that stops answering (here: locks every directory read must wait for) gives
/// 503 with Retry-After at the request deadline, not a hung request. The statement
/// timeout is set far beyond the test's life, so only the deadline can end the wait.
#[test]
fn a_stuck_database_gives_503_in_bounded_time() {
    common::run(async {
        let db = fresh_db(Engine::Postgres).await;
        let app = spawn_configured(
            db,
            &["--request-timeout-ms", "800", "--db-statement-timeout-ms", "3600000"],
        )
        .await;
        fixtures::base(&app.db.store).await;
        assert_eq!(app.get("/api/v1/services").await.status().as_u16(), 200);
        let mut blocker = app.db.store.pool().begin().await.unwrap();
        sqlx::query(
            "LOCK TABLE directory_version, services, service_coverage, categories, organizations, grid_units \
             IN ACCESS EXCLUSIVE MODE",
        )
        .execute(&mut *blocker)
        .await
        .unwrap();
        let response = app.get("/api/v1/services").await;
        assert_eq!(response.status().as_u16(), 503);
        assert_eq!(header(&response, "retry-after"), "5");
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["error"]["code"], "unavailable");
        blocker.rollback().await.unwrap();
        assert_eq!(app.get("/api/v1/services").await.status().as_u16(), 200);
    })
}

on_both_engines!(
    every_answer_carries_security_headers_and_a_request_id,
    a_page_names_the_nonce_its_inline_scripts_carry,
    hsts_is_sent_when_served_over_https,
    cross_site_posts_change_nothing_on_any_kind_of_entry_point,
    server_functions_refuse_missing_or_malformed_arguments_with_400,
);

async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

/// A panicking handler answers 500 in the error format with the request id, and the
/// server goes on answering. (No production route panics on purpose, so the same layers
/// as `router::build_with`, in the same order, wrap a handler that does.)
#[test]
fn a_panicking_handler_answers_500_in_the_error_format_and_the_server_carries_on() {
    use axum::routing::get;
    use doorstep_server::hardening::limits::panic_response;
    use doorstep_server::request_context::{MakeId, REQUEST_ID};
    use doorstep_server::rest::error::render_errors;
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
    common::run(async {
        let app = axum::Router::new()
            .route("/boom", get(boom))
            .route("/fine", get(|| async { "fine" }))
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(axum::middleware::from_fn(render_errors))
            .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
            .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeId));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = reqwest::Client::new();
        for _ in 0..3 {
            let response = client.get(format!("{base}/boom")).send().await.unwrap();
            assert_eq!(response.status().as_u16(), 500);
            let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "internal");
            assert_eq!(body["error"]["request_id"], id.as_str());
            assert_eq!(
                client
                    .get(format!("{base}/fine"))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16(),
                200
            );
        }
    })
}
