//! Accounts end to end over HTTP, on both engines: sign-up with a code from the outbox,
//! passwords, sessions (fixation, expiry, revocation, everywhere), rate limits, no
//! enumeration, masking, export and deletion. Organizations and family links are
//! in `organizations_and_family.rs`; API tokens and the volunteer profile in `own_account.rs`.

mod common;

use common::people::{self, exec, now, Person};
use common::{fresh_db, spawn, spawn_configured, spawn_with, Engine};
use reqwest::Method;
use serde_json::json;

const GOOD_PASSWORD: &str = "晚饭后去社区食堂";

/// Signs up `login` (with a password if given), reads the code from the outbox and signs
/// in with it; returns the session cookie's value.
async fn sign_up(app: &common::TestApp, login: &str, password: Option<&str>) -> String {
    let mut body = json!({"login": login, "display_name": "王阿姨", "consent": true});
    if let Some(p) = password {
        body["password"] = json!(p);
    }
    let (status, answer) = app.send(Method::POST, "/api/v1/auth/register", None, Some(body)).await;
    assert_eq!(status, 202, "{answer}");
    let registration = answer["registration"].as_str().unwrap().to_owned();
    let code = app.last_code(login).await;
    let response = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"login": login, "code": code, "registration": registration}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    session_cookie(&response).expect("a session cookie")
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("doorstep_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        .filter(|t| !t.is_empty())
}

fn as_person(token: &str) -> Person {
    Person {
        id: 0,
        login: String::new(),
        token: token.to_owned(),
    }
}

async fn sign_up_with_a_code_then_see_oneself_masked(engine: Engine) {
    let app = spawn(engine).await;
    let login = people::phone();
    let token = sign_up(&app, &login, None).await;
    let me = as_person(&token);
    let (status, body) = app.send(Method::GET, "/api/v1/me", Some(&me), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["display_name"], "王阿姨");
    let masked = format!("{}****{}", &login[..3], &login[7..]);
    assert_eq!(body["login"], masked.as_str());
    assert!(
        !body.to_string().contains(&login),
        "the full number never comes back in /me"
    );
    assert_eq!(body["roles"]["resident"], true);
    // Consent was recorded with its version.
    let consents: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM consents c JOIN people p ON p.id = c.person_id WHERE p.login = $1")
            .bind(&login)
            .fetch_one(app.db.store.pool())
            .await
            .unwrap();
    assert_eq!(consents, 1);
    // Personal answers are never cached.
    let response = app.request(Method::GET, "/api/v1/me", Some(&me)).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "private, no-store");
}

async fn sign_up_refuses_every_bad_field_at_once_and_keeps_nothing(engine: Engine) {
    let app = spawn(engine).await;
    let (status, body) = app
        .send(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"login": "12345", "display_name": " ", "password": "password", "consent": false})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "validation");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["login", "display_name", "password", "consent"]);
    // Chinese by default, English when the request asks.
    assert!(body["error"]["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("手机号"));
    let (_, en) = app
        .send(
            Method::POST,
            "/api/v1/auth/register?lang=en",
            None,
            Some(json!({"login": "1", "display_name": "x", "consent": true})),
        )
        .await;
    assert!(en["error"]["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("mobile number"));
    // A body that is not what the endpoint takes is a 400 in the error format.
    let (status, body) = app
        .send(Method::POST, "/api/v1/auth/register", None, Some(json!({"login": 5})))
        .await;
    assert_eq!((status, body["error"]["field"].as_str()), (400, Some("body")));
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pending_registrations")
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    assert_eq!(pending, 0, "nothing half-written");
}

async fn passwords_sign_in_and_wrong_ones_look_like_unknown_logins(engine: Engine) {
    let app = spawn(engine).await;
    let login = people::phone();
    sign_up(&app, &login, Some(GOOD_PASSWORD)).await;
    let attempt = |login: String, password: &'static str| {
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"login": login, "password": password})),
            )
            .await
        }
    };
    let (status, _) = attempt(login.clone(), GOOD_PASSWORD).await;
    assert_eq!(status, 200);
    let (wrong_status, wrong) = attempt(login.clone(), "not the password").await;
    let (unknown_status, unknown) = attempt(people::phone(), "not the password").await;
    assert_eq!((wrong_status, unknown_status), (401, 401));
    assert_eq!(wrong["error"]["message"], unknown["error"]["message"]);
    assert_eq!(wrong["error"]["code"], unknown["error"]["code"]);
    // Sign-up and code requests answer alike for known and unknown logins.
    for path in ["/api/v1/auth/register", "/api/v1/auth/code"] {
        let body = |l: &str| json!({"login": l, "display_name": "李", "consent": true});
        let (mut known, mut fresh) = (
            app.send(Method::POST, path, None, Some(body(&login))).await,
            app.send(Method::POST, path, None, Some(body(&people::phone()))).await,
        );
        // A sign-up's secret is random either way; its shape is all the same.
        for answer in [&mut known.1, &mut fresh.1] {
            if let Some(secret) = answer.get_mut("registration") {
                assert_eq!(secret.as_str().unwrap().len(), 43);
                *secret = json!("…");
            }
        }
        assert_eq!(known, fresh, "{path}");
    }
}

async fn codes_are_single_use_limited_to_five_tries_and_expire(engine: Engine) {
    let app = spawn(engine).await;
    let login = people::phone();
    sign_up(&app, &login, None).await;
    let code_login = |code: String| {
        let app = &app;
        let login = login.clone();
        async move {
            app.send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"login": login, "code": code})),
            )
            .await
            .0
        }
    };
    // The sign-up code was used: it does not work again.
    let used = app.last_code(&login).await;
    assert_eq!(code_login(used).await, 401);
    // A new code: five wrong tries use it up, even the right code after them fails.
    app.send(Method::POST, "/api/v1/auth/code", None, Some(json!({"login": login})))
        .await;
    let code = app.last_code(&login).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(code_login(wrong.to_owned()).await, 401);
    }
    assert_eq!(code_login(code).await, 401);
    // An expired code fails.
    app.send(Method::POST, "/api/v1/auth/code", None, Some(json!({"login": login})))
        .await;
    let code = app.last_code(&login).await;
    exec(
        &app.db.store,
        "UPDATE one_time_codes SET expires_at = $1 WHERE used_at IS NULL",
        &[now() - 1],
    )
    .await;
    assert_eq!(code_login(code).await, 401);
    // A malformed code is refused as such.
    assert_eq!(code_login("12ab".to_owned()).await, 422);
}

async fn sessions_are_fresh_at_sign_in_and_end_on_expiry_sign_out_and_everywhere(engine: Engine) {
    let app = spawn(engine).await;
    let login = people::phone();
    let first = sign_up(&app, &login, Some(GOOD_PASSWORD)).await;
    // Fixation: a cookie the client brings is never adopted; sign-in makes a new one.
    let planted = "planted-session-value";
    let response = app
        .request(Method::POST, "/api/v1/auth/login", None)
        .header("Cookie", format!("doorstep_session={planted}"))
        .json(&json!({"login": login, "password": GOOD_PASSWORD}))
        .send()
        .await
        .unwrap();
    let second = session_cookie(&response).unwrap();
    assert_ne!(second, planted);
    assert_ne!(second, first);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "not over plain HTTP");
    let me = |token: &str| {
        let app = &app;
        let who = as_person(token);
        async move { app.send(Method::GET, "/api/v1/me", Some(&who), None).await.0 }
    };
    assert_eq!(me(planted).await, 401);
    assert_eq!((me(&first).await, me(&second).await), (200, 200));
    // Sign out ends this session only.
    let (status, _) = app
        .send(Method::POST, "/api/v1/auth/logout", Some(&as_person(&first)), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!((me(&first).await, me(&second).await), (401, 200));
    // Idle and absolute expiry.
    let third = sign_up(&app, &login, None).await;
    exec(
        &app.db.store,
        "UPDATE sessions SET last_seen_at = $1",
        &[now() - app::domain::accounts::SESSION_IDLE_MS - 1],
    )
    .await;
    assert_eq!(me(&second).await, 401, "idle too long");
    let fourth = sign_up(&app, &login, None).await;
    exec(&app.db.store, "UPDATE sessions SET expires_at = $1", &[now() - 1]).await;
    assert_eq!(me(&fourth).await, 401, "past its absolute expiry");
    // Sign out everywhere.
    let (a, b) = (sign_up(&app, &login, None).await, sign_up(&app, &login, None).await);
    let (status, _) = app
        .send(Method::POST, "/api/v1/auth/logout-all", Some(&as_person(&a)), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!((me(&a).await, me(&b).await, me(&third).await), (401, 401, 401));
}

async fn code_requests_are_rate_limited_per_number(engine: Engine) {
    let app = spawn(engine).await;
    let login = people::phone();
    sign_up(&app, &login, None).await; // one code already sent for this number
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let response = app
            .request(Method::POST, "/api/v1/auth/code", None)
            .json(&json!({"login": login}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status().as_u16() == 429 {
            assert!(
                response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap()
                    >= 1
            );
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "rate_limited");
        }
    }
    assert_eq!(statuses, [202, 202, 202, 202, 429, 429]);
    assert_eq!(app.outbox(&login).await.len(), 5, "no message beyond the limit");
}

#[test]
fn rate_limits_hold_across_two_instances_on_one_postgresql() {
    common::run(async {
        let first = spawn(Engine::Postgres).await;
        let url = first.db.url.clone();
        let second_db = common::TestDb {
            url: url.clone(),
            store: doorstep_server::store::SqlStore::connect(&doorstep_server::store::StoreOptions::new(&url))
                .await
                .unwrap(),
            _dir: None,
        };
        let second = spawn_with(second_db).await;
        let login = people::phone();
        let mut statuses = Vec::new();
        for i in 0..7 {
            let app = if i % 2 == 0 { &first } else { &second };
            let (status, _) = app
                .send(
                    Method::POST,
                    "/api/v1/auth/login",
                    None,
                    Some(json!({"login": login, "password": "whatever-it-is"})),
                )
                .await;
            statuses.push(status);
        }
        for i in 0..5 {
            let app = if i % 2 == 0 { &first } else { &second };
            let (status, _) = app
                .send(
                    Method::POST,
                    "/api/v1/auth/login",
                    None,
                    Some(json!({"login": login, "password": "whatever-it-is"})),
                )
                .await;
            statuses.push(status);
        }
        // Ten sign-in attempts per number per window, counted in the shared database.
        assert_eq!(&statuses[..10], &[401; 10]);
        assert_eq!(&statuses[10..], &[429, 429]);
    })
}

async fn a_person_downloads_their_data_and_deletes_their_account(engine: Engine) {
    let app = spawn(engine).await;
    let login = people::phone();
    let token = sign_up(&app, &login, Some(GOOD_PASSWORD)).await;
    let me = as_person(&token);
    let response = app
        .request(Method::GET, "/api/v1/me/export", Some(&me))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let data: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        data["profile"]["login"],
        login.as_str(),
        "the person's own export has their full number"
    );
    assert_eq!(data["consents"].as_array().unwrap().len(), 1);
    let (status, _) = app.send(Method::DELETE, "/api/v1/me", Some(&me), None).await;
    assert_eq!(status, 204);
    assert_eq!(app.send(Method::GET, "/api/v1/me", Some(&me), None).await.0, 401);
    let (status, _) = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": login, "password": GOOD_PASSWORD})),
        )
        .await;
    assert_eq!(status, 401);
    // The row stays, anonymized; the number is free to sign up again.
    let (kept_login, name): (Option<String>, String) =
        sqlx::query_as("SELECT login, display_name FROM people WHERE deleted_at IS NOT NULL")
            .fetch_one(app.db.store.pool())
            .await
            .unwrap();
    assert_eq!((kept_login, name.as_str()), (None, "已注销"));
    sign_up(&app, &login, None).await;
}

async fn signing_in_never_touches_the_directory_version(engine: Engine) {
    let app = spawn(engine).await;
    let version = || async {
        sqlx::query_scalar::<_, i64>("SELECT version FROM directory_version")
            .fetch_one(app.db.store.pool())
            .await
            .unwrap()
    };
    let before = version().await;
    let login = people::phone();
    let token = sign_up(&app, &login, Some(GOOD_PASSWORD)).await;
    app.send(
        Method::POST,
        "/api/v1/me/tokens",
        Some(&as_person(&token)),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(version().await, before);
    // Only columns the directory shows count as a directory change.
    let fixture = common::fixtures::base(&app.db.store).await;
    let after_fixture = version().await;
    exec(
        &app.db.store,
        "UPDATE organizations SET code = 'renamed-code' WHERE id = $1",
        &[fixture.organization],
    )
    .await;
    assert_eq!(version().await, after_fixture, "a bookkeeping column");
    exec(
        &app.db.store,
        "UPDATE organizations SET verified = 0 WHERE id = $1",
        &[fixture.organization],
    )
    .await;
    assert!(version().await > after_fixture, "a shown column");
}

/// Per-client limits count the peer, or behind a trusted proxy the forwarded address.
#[test]
fn per_client_limits_follow_the_forwarded_address_only_when_trusted() {
    common::run(async {
        for (trusted, expect_last) in [(false, 429), (true, 202)] {
            let app = spawn_configured(
                fresh_db(Engine::Sqlite).await,
                &["--trust-forwarded-for", &trusted.to_string()],
            )
            .await;
            let mut last = 0;
            for i in 0..21 {
                let response = app
                    .request(Method::POST, "/api/v1/auth/code", None)
                    .header("X-Forwarded-For", format!("203.0.113.9, 198.51.100.{i}"))
                    .json(&json!({"login": people::phone()}))
                    .send()
                    .await
                    .unwrap();
                last = response.status().as_u16();
            }
            assert_eq!(last, expect_last, "trusted: {trusted}");
        }
    })
}

#[test]
fn the_session_cookie_is_secure_and_host_prefixed_over_https() {
    common::run(async {
        let app = spawn_configured(fresh_db(Engine::Sqlite).await, &["--https", "true"]).await;
        let login = people::phone();
        let (_, answer) = app
            .send(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"login": login, "display_name": "王", "consent": true})),
            )
            .await;
        let code = app.last_code(&login).await;
        let response = app
            .request(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"login": login, "code": code, "registration": answer["registration"]}))
            .send()
            .await
            .unwrap();
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("__Host-doorstep_session="), "{cookie}");
        assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"));
        // The sign-up secret the form leaves in the browser is just as Secure.
        let form = app
            .request(Method::POST, "/account/sign-up", None)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("login={}&display_name=x&consent=1", people::phone()))
            .send()
            .await
            .unwrap();
        let registration = form
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|c| c.to_str().ok())
            .find(|c| c.starts_with("doorstep_registration="))
            .expect("the sign-up secret cookie")
            .to_owned();
        assert!(
            registration.contains("; Secure") && registration.contains("HttpOnly"),
            "{registration}"
        );
    })
}

/// Someone who registers another person's number cannot get their name or password into
/// that person's account: the code proves the phone, and only the client that made the
/// sign-up holds the secret that completes it.
async fn a_sign_up_completes_only_for_the_client_that_made_it(engine: Engine) {
    let app = spawn(engine).await;
    let victim = people::phone();
    let register = |name: &'static str, password: &'static str| {
        let app = &app;
        let login = victim.clone();
        async move {
            let body = json!({"login": login, "display_name": name, "password": password, "consent": true});
            app.send(Method::POST, "/api/v1/auth/register", None, Some(body))
                .await
                .1["registration"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let login_with = |code: String, registration: Option<String>| {
        let app = &app;
        let login = victim.clone();
        async move {
            app.send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"login": login, "code": code, "registration": registration})),
            )
            .await
            .0
        }
    };
    let attacker_secret = register("冒名者", "attacker-password-1").await;
    let owner_secret = register("真主人", "owner-password-123").await;
    let code = app.last_code(&victim).await;
    // The owner's code with the attacker's secret, or with none: refused, code unused.
    assert_eq!(login_with(code.clone(), Some(attacker_secret)).await, 401);
    assert_eq!(login_with(code.clone(), None).await, 401);
    assert_eq!(login_with(code, Some(owner_secret)).await, 200);
    let password = |p: &'static str| {
        let app = &app;
        let login = victim.clone();
        async move {
            app.send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"login": login, "password": p})),
            )
            .await
            .0
        }
    };
    assert_eq!(password("attacker-password-1").await, 401);
    assert_eq!(password("owner-password-123").await, 200);
}

on_both_engines!(
    a_sign_up_completes_only_for_the_client_that_made_it,
    sign_up_with_a_code_then_see_oneself_masked,
    sign_up_refuses_every_bad_field_at_once_and_keeps_nothing,
    passwords_sign_in_and_wrong_ones_look_like_unknown_logins,
    codes_are_single_use_limited_to_five_tries_and_expire,
    sessions_are_fresh_at_sign_in_and_end_on_expiry_sign_out_and_everywhere,
    code_requests_are_rate_limited_per_number,
    a_person_downloads_their_data_and_deletes_their_account,
    signing_in_never_touches_the_directory_version,
);
