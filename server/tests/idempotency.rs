//! `Idempotency-Key` on form posts: what the service worker sends again after a lost
//! connection is applied once, answered the same way each time, and never stores a
//! secret; a malformed key is refused before anything is written.

mod common;

use common::people::{person, Person};
use common::{spawn, Engine, TestApp};
use reqwest::Method;

const KEY: &str = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b";

async fn post_form(
    app: &TestApp,
    path: &str,
    who: Option<&Person>,
    body: &str,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .request(Method::POST, path, who)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

async fn tokens_of(app: &TestApp, who: &Person) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE person_id = $1")
        .bind(who.id)
        .fetch_one(app.db.store.pool())
        .await
        .unwrap()
}

async fn a_form_sent_twice_with_one_key_is_applied_once(engine: Engine) {
    let app = spawn(engine).await;
    let who = person(&app.db.store, "王阿姨").await;

    let first = post_form(&app, "/account/tokens", Some(&who), "name=phone", Some(KEY)).await;
    assert_eq!(first.status().as_u16(), 303);
    let second = post_form(&app, "/account/tokens", Some(&who), "name=phone", Some(KEY)).await;
    assert_eq!(second.status().as_u16(), 303, "the repeat gets the first answer");
    assert_eq!(second.headers()["location"], first.headers()["location"]);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(tokens_of(&app, &who).await, 1, "one token, not two");

    // The new token travels in the notice cookie of the first answer only: never kept.
    let kept: Vec<String> = sqlx::query_scalar("SELECT cookies FROM idempotency_keys")
        .fetch_all(app.db.store.pool())
        .await
        .unwrap();
    assert_eq!(kept, vec![String::new()]);
    assert!(second.headers().get("set-cookie").is_none());

    // Without a key (or with another one) a form is applied every time it is sent.
    post_form(&app, "/account/tokens", Some(&who), "name=tablet", None).await;
    post_form(
        &app,
        "/account/tokens",
        Some(&who),
        "name=phone",
        Some(&KEY.replace('6', "7")),
    )
    .await;
    assert_eq!(tokens_of(&app, &who).await, 3);
}

async fn a_repeated_preference_sets_its_cookie_again(engine: Engine) {
    let app = spawn(engine).await;
    for attempt in 0..2 {
        let response = post_form(&app, "/prefs", None, "elder=1&return_to=%2Fsettings", Some(KEY)).await;
        assert_eq!(response.status().as_u16(), 303, "attempt {attempt}");
        assert_eq!(response.headers()["location"], "/settings");
        let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
        assert!(
            cookies
                .iter()
                .any(|c| c.to_str().unwrap().starts_with("doorstep_elder=1")),
            "attempt {attempt}: {cookies:?}"
        );
    }
}

/// The row a first request leaves while it runs: claimed `age_ms` ago, no answer yet.
async fn claimed_without_answer(app: &TestApp, who: &Person, age_ms: i64) {
    let hash = {
        use sha2::{Digest, Sha256};
        format!(
            "{:x}",
            Sha256::digest(format!("/account/tokens\n{}\n{KEY}", who.id).as_bytes())
        )
    };
    sqlx::query("INSERT INTO idempotency_keys (key_hash, created_at) VALUES ($1, $2)")
        .bind(&hash)
        .bind(common::people::now() - age_ms)
        .execute(app.db.store.pool())
        .await
        .unwrap();
}

async fn a_key_still_being_applied_answers_409(engine: Engine) {
    let app = spawn(engine).await;
    let who = person(&app.db.store, "李叔叔").await;
    claimed_without_answer(&app, &who, 0).await;
    let response = post_form(&app, "/account/tokens", Some(&who), "name=phone", Some(KEY)).await;
    assert_eq!(response.status().as_u16(), 409);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "conflict");
    assert_eq!(tokens_of(&app, &who).await, 0);
}

async fn a_claim_whose_request_died_lapses_and_the_repeat_runs(engine: Engine) {
    let app = spawn(engine).await;
    let who = person(&app.db.store, "赵阿姨").await;
    // Claimed two minutes ago and never answered: that request is gone.
    claimed_without_answer(&app, &who, 120_000).await;
    let response = post_form(&app, "/account/tokens", Some(&who), "name=phone", Some(KEY)).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(tokens_of(&app, &who).await, 1);
}

async fn one_callers_key_never_answers_another(engine: Engine) {
    let app = spawn(engine).await;
    let (one, other) = (person(&app.db.store, "王").await, person(&app.db.store, "李").await);
    post_form(&app, "/account/tokens", Some(&one), "name=phone", Some(KEY)).await;
    let response = post_form(&app, "/account/tokens", Some(&other), "name=phone", Some(KEY)).await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(response.headers().get("idempotent-replayed").is_none());
    assert_eq!((tokens_of(&app, &one).await, tokens_of(&app, &other).await), (1, 1));
}

async fn a_malformed_key_is_refused_and_nothing_is_written(engine: Engine) {
    let app = spawn(engine).await;
    let who = person(&app.db.store, "张奶奶").await;
    for key in ["short", "has spaces in it, which are not allowed", &"x".repeat(101)] {
        let response = post_form(&app, "/account/tokens", Some(&who), "name=phone", Some(key)).await;
        assert_eq!(response.status().as_u16(), 400, "{key}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["field"], "Idempotency-Key", "{key}");
    }
    assert_eq!(tokens_of(&app, &who).await, 0);
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys")
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    assert_eq!(keys, 0);
}

/// The app shell's own files: the worker stamped with the build the pages name.
async fn the_service_worker_is_stamped_with_the_build_pages_carry(engine: Engine) {
    let app = spawn(engine).await;
    let worker = app.get("/sw.js").await;
    assert_eq!(worker.status().as_u16(), 200);
    assert!(worker.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(worker.headers()["cache-control"], "no-cache");
    let script = worker.text().await.unwrap();
    assert!(!script.contains("__DOORSTEP_BUILD__"));
    let page = app.get("/settings").await.text().await.unwrap();
    let build = page
        .split(r#"<meta name="doorstep-build" content=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page names its build");
    assert_eq!(build.len(), 16);
    assert!(script.contains(&format!("const BUILD = '{build}';")));
    assert!(page.contains(r#"<script src="/app-shell.js" defer"#));
}

/// A page showing a one-time notice (here: a new API token) tells the service worker not
/// to keep it for offline reading; the same page without a notice may be kept.
async fn a_page_with_a_one_time_notice_is_marked_not_to_keep(engine: Engine) {
    let app = spawn(engine).await;
    let who = person(&app.db.store, "钱叔叔").await;
    let created = post_form(&app, "/account/tokens", Some(&who), "name=phone", None).await;
    let flash = created
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("doorstep_flash="))
        .and_then(|c| c.split(';').next())
        .expect("the token travels in the notice cookie")
        .to_owned();
    let with_notice = app
        .request(Method::GET, "/account", None)
        .header("Cookie", format!("doorstep_session={}; {flash}", who.token))
        .send()
        .await
        .unwrap();
    assert_eq!(with_notice.status().as_u16(), 200);
    assert_eq!(with_notice.headers()["x-doorstep-keep"], "no");
    let without = app.request(Method::GET, "/account", Some(&who)).send().await.unwrap();
    assert_eq!(without.status().as_u16(), 200);
    assert!(without.headers().get("x-doorstep-keep").is_none());
}

on_both_engines!(
    a_form_sent_twice_with_one_key_is_applied_once,
    a_repeated_preference_sets_its_cookie_again,
    a_key_still_being_applied_answers_409,
    a_claim_whose_request_died_lapses_and_the_repeat_runs,
    one_callers_key_never_answers_another,
    a_malformed_key_is_refused_and_nothing_is_written,
    the_service_worker_is_stamped_with_the_build_pages_carry,
    a_page_with_a_one_time_notice_is_marked_not_to_keep,
);
