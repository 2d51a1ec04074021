//! `GET /metrics`: absent unless a token is configured, then only for its bearer, in the
//! Prometheus text format with requests by route and the directory snapshot's figures.

mod common;

use common::{fixtures, fresh_db, spawn, spawn_configured, Engine};

async fn metrics_are_private_and_count_requests_and_snapshot_work(engine: Engine) {
    let closed = spawn(engine).await;
    assert_eq!(
        closed.get("/metrics").await.status(),
        404,
        "no token configured: no endpoint"
    );

    let app = spawn_configured(fresh_db(engine).await, &["--metrics-token", "scrape-me"]).await;
    let fixture = fixtures::base(&app.db.store).await;
    let metrics = |token: Option<&'static str>| {
        let mut request = app.client.get(format!("{}/metrics", app.base));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        request.send()
    };
    assert_eq!(metrics(None).await.unwrap().status(), 401);
    assert_eq!(metrics(Some("guess")).await.unwrap().status(), 401);

    app.db.store.rebuild_index().await.unwrap();
    // A change to an organization, then a search: applied as a delta, and timed.
    common::people::exec(
        &app.db.store,
        "UPDATE organizations SET name_en = 'Changed' WHERE id = $1",
        &[fixture.organization],
    )
    .await;
    assert_eq!(app.get("/api/v1/services").await.status(), 200);
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/services/42").await.status(), 404);
        assert_eq!(app.get("/api/v1/categories").await.status(), 200);
    }
    let response = metrics(Some("scrape-me")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = response.text().await.unwrap();
    let line = |prefix: &str| text.lines().find(|l| l.starts_with(prefix)).map(str::to_owned);
    let categories = line("http_requests_total{route=\"/api/v1/categories\",method=\"GET\",status=\"200\"}")
        .or_else(|| {
            text.lines()
                .find(|l| {
                    l.starts_with("http_requests_total") && l.contains("/api/v1/categories") && l.contains("\"200\"")
                })
                .map(str::to_owned)
        })
        .expect("requests counted by route");
    let count: f64 = categories.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{categories}");
    assert!(text.contains("route=\"unmatched\""), "a 404 is not a route of its own");
    assert!(!text.contains("/api/v1/services/42"), "ids never become labels");
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(line("directory_full_rebuilds_total").is_some());
    assert!(line("directory_deltas_applied_total").is_some(), "{text}");
    assert!(text.contains("directory_delta_seconds_bucket"), "{text}");
    assert!(line("directory_snapshot_version").is_some());
    assert!(text.contains("db_pool_connections{state=\"open\"}"));
}

on_both_engines!(metrics_are_private_and_count_requests_and_snapshot_work);
