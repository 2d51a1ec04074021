//! The page cache (`server::page_cache`) through the real router on both engines: a page
//! is rendered once per directory snapshot and preferences, each answer carries its own
//! nonce, a change to the directory is seen at once, and nothing personal is ever kept.

mod common;

use common::fixtures::{self, ServiceSpec};
use common::people;
use common::{Engine, TestApp};

/// A server that says on each page whether it came from the cache.
async fn spawn(engine: Engine) -> TestApp {
    let db = common::fresh_db(engine).await;
    common::spawn_configured(db, &["--page-cache-header", "true"]).await
}

struct Page {
    status: u16,
    cache: Option<String>,
    nonce: String,
    body: String,
}

async fn get(app: &TestApp, path: &str, who: Option<&people::Person>, cookie: Option<&str>) -> Page {
    let mut request = app.request(reqwest::Method::GET, path, who);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let cache = header("x-page-cache");
    let policy = header("content-security-policy").unwrap_or_default();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
        .to_owned();
    Page {
        status: response.status().as_u16(),
        cache,
        nonce,
        body: response.text().await.unwrap(),
    }
}

/// A server with one service and a current snapshot (pages are kept only while the
/// snapshot is current), and that service's page.
async fn one_service(engine: Engine) -> (TestApp, fixtures::Fixture, String) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let id = fixtures::service(
        &app.db.store,
        &fixture,
        "a",
        &ServiceSpec::at("长者助餐", "Seniors' meals", 30.6401, 104.0501),
    )
    .await;
    app.db.store.rebuild_index().await.unwrap();
    (app, fixture, format!("/services/{id}"))
}

async fn a_page_is_rendered_once_per_directory_version_and_answered_with_its_own_nonce(engine: Engine) {
    let (app, _, path) = one_service(engine).await;
    let first = get(&app, &path, None, None).await;
    let second = get(&app, &path, None, None).await;
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(first.cache.as_deref(), Some("miss"));
    assert_eq!(second.cache.as_deref(), Some("hit"));
    // Every answer carries the nonce its own CSP header names, wherever the page uses
    // one, and never an earlier answer's.
    assert_ne!(first.nonce, second.nonce);
    for page in [&first, &second] {
        assert!(page.nonce.len() >= 16, "a nonce in the policy");
        assert!(page
            .body
            .contains(&format!(r#"<script type="module" nonce="{}">"#, page.nonce)));
    }
    assert!(!second.body.contains(&first.nonce));
    assert_eq!(
        first.body.replace(&first.nonce, "NONCE"),
        second.body.replace(&second.nonce, "NONCE"),
        "the same page otherwise"
    );

    // A change to the directory, by any writer, shows on the next answer.
    sqlx::query("UPDATE services SET name_zh = '午间助餐' WHERE name_zh = '长者助餐'")
        .execute(app.db.store.pool())
        .await
        .unwrap();
    // The snapshot takes the change at once, and the page is rendered from it anew.
    let changed = get(&app, &path, None, None).await;
    assert_eq!(changed.cache.as_deref(), Some("miss"));
    assert!(changed.body.contains("午间助餐") && !changed.body.contains("长者助餐"));
    assert_eq!(get(&app, &path, None, None).await.cache.as_deref(), Some("hit"));

    // A grid change makes the snapshot read whole: meanwhile pages come from SQL and are
    // not kept.
    sqlx::query("UPDATE grid_units SET sort_order = sort_order + 1")
        .execute(app.db.store.pool())
        .await
        .unwrap();
    let by_sql = get(&app, &path, None, None).await;
    assert_eq!(by_sql.cache, None);
    assert!(by_sql.body.contains("午间助餐"));
    app.db.store.rebuild_index().await.unwrap();
    let fresh = get(&app, &path, None, None).await;
    assert_eq!(fresh.cache.as_deref(), Some("miss"));
    assert!(fresh.body.contains("午间助餐"));
    assert_eq!(get(&app, &path, None, None).await.cache.as_deref(), Some("hit"));
}

async fn preferences_get_pages_of_their_own_and_nothing_personal_is_kept(engine: Engine) {
    let (app, fixture, path) = one_service(engine).await;
    get(&app, &path, None, None).await;

    // English and elder mode are pages of their own.
    let english = get(&app, &path, None, Some("doorstep_lang=en")).await;
    assert_eq!(english.cache.as_deref(), Some("miss"));
    assert!(english.body.contains(r#"<html lang="en""#));
    assert_eq!(
        get(&app, &path, None, Some("doorstep_lang=en")).await.cache.as_deref(),
        Some("hit")
    );
    let elder = get(&app, &path, None, Some("doorstep_lang=en; doorstep_elder=1")).await;
    assert_eq!(elder.cache.as_deref(), Some("miss"));
    assert!(elder.body.contains(r#"class="elder""#));
    // The remembered home changes distances.
    let home = format!("doorstep_home=place:{}", fixture.courtyard);
    let near = get(&app, &path, None, Some(&home)).await;
    assert_eq!(near.cache.as_deref(), Some("miss"));
    // A remembered position (~100 m) is too close to a door to share a page by; and a
    // preference given twice could be read two ways, so it is not kept either.
    for cookie in ["doorstep_home=pos:30.642,104.043", "doorstep_lang=en; doorstep_lang=zh"] {
        for _ in 0..2 {
            let page = get(&app, &path, None, Some(cookie)).await;
            assert_eq!((page.status, page.cache), (200, None), "{cookie}");
        }
    }

    // A signed-in resident's page is never taken from or put in the cache.
    let resident = people::person(&app.db.store, "王阿姨").await;
    for _ in 0..2 {
        let mine = get(&app, &path, Some(&resident), None).await;
        assert_eq!((mine.status, mine.cache), (200, None));
    }
    let anonymous = get(&app, &path, None, None).await;
    assert_eq!(anonymous.cache.as_deref(), Some("hit"));
    assert!(!anonymous.body.contains("王阿姨"));
    // Nor a page with a one-time notice, nor pages outside the directory.
    assert_eq!(get(&app, &path, None, Some("doorstep_flash=x")).await.cache, None);
    assert_eq!(get(&app, "/settings", None, None).await.cache, None);
    // An answer that is not a plain page is not kept.
    for _ in 0..2 {
        let missing = get(&app, "/services/999999", None, None).await;
        assert_eq!((missing.status, missing.cache.as_deref()), (404, None));
    }
}

async fn by_default_no_answer_says_whether_it_came_from_the_cache(engine: Engine) {
    let app = common::spawn(engine).await;
    fixtures::base(&app.db.store).await;
    app.db.store.rebuild_index().await.unwrap();
    for _ in 0..2 {
        let page = get(&app, "/places", None, None).await;
        assert_eq!((page.status, page.cache), (200, None));
    }
}

async fn with_no_memory_for_it_every_page_is_rendered_afresh(engine: Engine) {
    let db = common::fresh_db(engine).await;
    fixtures::base(&db.store).await;
    let app = common::spawn_configured(db, &["--page-cache-mb", "0", "--page-cache-header", "true"]).await;
    app.db.store.rebuild_index().await.unwrap();
    for _ in 0..2 {
        let page = get(&app, "/places", None, None).await;
        assert_eq!((page.status, page.cache), (200, None));
    }
}

on_both_engines!(
    by_default_no_answer_says_whether_it_came_from_the_cache,
    with_no_memory_for_it_every_page_is_rendered_afresh,
    a_page_is_rendered_once_per_directory_version_and_answered_with_its_own_nonce,
    preferences_get_pages_of_their_own_and_nothing_personal_is_kept,
);
