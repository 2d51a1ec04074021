//! The server-rendered pages and the preference form, as a browser without JavaScript
//! sees them: plain HTTP against the real router.

mod common;

use common::fixtures::{self, ServiceSpec};
use common::{spawn, Engine};

async fn html(app: &common::TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = app.client.get(format!("{}{path}", app.base));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn home_page_is_chinese_by_default_and_english_for_english_browsers(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    fixtures::service(
        &app.db.store,
        &fixture,
        "a",
        &ServiceSpec::at("长者助餐", "Seniors' meals", 30.6401, 104.0501),
    )
    .await;
    let (status, page) = html(&app, "/", &[]).await;
    assert_eq!(status, 200);
    // The island loader is there, without hints that would fetch the wasm before the
    // page is painted (it loads it when the browser is idle).
    assert!(page.contains("<script type=\"module\" nonce=") && page.contains("requestIdleCallback"));
    assert!(!page.contains(r#"rel="preload""#) && !page.contains(r#"rel="modulepreload""#));
    assert!(
        page.contains(r#"<html lang="zh-CN""#),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("长者助餐"));
    let (_, page) = html(&app, "/", &[("Accept-Language", "en-US,en;q=0.9")]).await;
    assert!(page.contains(r#"<html lang="en""#));
    assert!(
        page.contains("Seniors&#x27; meals") || page.contains("Seniors' meals") || page.contains("Seniors&#39; meals")
    );
    let (_, page) = html(&app, "/", &[("Accept-Language", "en"), ("Cookie", "doorstep_lang=zh")]).await;
    assert!(
        page.contains(r#"<html lang="zh-CN""#),
        "the cookie wins over the header"
    );
}

async fn results_are_in_the_html_with_distances_for_a_chosen_place(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    fixtures::service(
        &app.db.store,
        &fixture,
        "a",
        &ServiceSpec::at("长者助餐", "Meals", 30.6431, 104.0501),
    )
    .await;
    let (status, page) = html(&app, &format!("/?place={}", fixture.courtyard), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("长者助餐"));
    assert!(page.contains("米"), "distance shown in metres");
    assert!(page.contains("附近 南桥街12号院"));
}

async fn a_bad_search_parameter_is_explained_on_the_page_with_status_400(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    let (status, page) = html(&app, "/?radius_m=0&lat=30&lon=104", &[]).await;
    assert_eq!(status, 400);
    assert!(page.contains("radius_m"), "the page names the parameter");
}

async fn service_and_organization_pages_render_and_unknown_ones_are_404(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let id = fixtures::service(
        &app.db.store,
        &fixture,
        "a",
        &ServiceSpec::at("长者助餐", "Meals", 30.64, 104.05),
    )
    .await;
    let (status, page) = html(&app, &format!("/services/{id}"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"href="tel:02885551234""#));
    let (status, page) = html(&app, &format!("/organizations/{}", fixture.organization), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("上和社工"));
    assert_eq!(html(&app, "/services/98765", &[]).await.0, 404);
    assert_eq!(html(&app, "/services/not-a-number", &[]).await.0, 404);
    assert_eq!(html(&app, "/organizations/98765", &[]).await.0, 404);
    assert_eq!(html(&app, "/nowhere", &[]).await.0, 404);
}

async fn the_preference_form_sets_cookies_and_returns_only_to_local_pages(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    let post = |body: &str| {
        app.client
            .post(format!("{}/prefs", app.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
    };
    let response = post("lang=en&return_to=%2Fservices%2F3%3Fx%3D1").await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/services/3?x=1");
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("doorstep_lang=en;"));
    let response = post("elder=1&return_to=https%3A%2F%2Fevil.example").await.unwrap();
    assert_eq!(response.headers()["location"], "/");
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("doorstep_elder=1;"));
    let response = post("lang=fr").await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["field"], "lang");
    // "Forget my location" on the settings page expires the remembered home.
    let response = post("forget_home=1&return_to=%2Fsettings").await.unwrap();
    assert_eq!(response.headers()["location"], "/settings");
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("doorstep_home=; Path=/; Max-Age=0"));
    // Choosing a place remembers it and shows its results; an unknown place is refused
    // and nothing is remembered.
    let place = app.db.store.pool().clone();
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM grid_units WHERE kind = 'community'")
        .fetch_one(&place)
        .await
        .unwrap();
    // The redirect carries the id as parsed, not as typed (`+` in a URL is a space).
    let response = post(&format!("home_place=%2B{id}")).await.unwrap();
    assert_eq!(response.headers()["location"], format!("/?place={id}").as_str());
    let response = post(&format!("home_place={id}")).await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], format!("/?place={id}").as_str());
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with(&format!("doorstep_home=place:{id};")));
    let response = post("home_place=999999").await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.headers().get("set-cookie").is_none());
    // Searching from a place or a position (a GET) never changes what is remembered.
    let response = app.get(&format!("/?place={id}")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().get("set-cookie").is_none());
    let response = app.get("/?lat=30.64&lon=104.05").await;
    assert!(response.headers().get("set-cookie").is_none());
    let (_, page) = html(&app, "/settings", &[("Cookie", "doorstep_elder=1")]).await;
    assert!(page.contains(r#"class="elder""#));
}

/// The place picker without JavaScript: subdistrict → community → place, each a page of
/// links or buttons; the remembered home marked; bad and unknown places explained.
async fn the_place_picker_walks_down_the_grid_and_marks_home(engine: Engine) {
    use sqlx::Row;
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let subdistrict: i64 = sqlx::query("SELECT id FROM grid_units WHERE code = 's'")
        .fetch_one(app.db.store.pool())
        .await
        .unwrap()
        .get(0);
    // A second subdistrict, so that the district is a real choice.
    sqlx::query(
        "INSERT INTO grid_units (parent_id, kind, code, name_zh, name_en, latitude, longitude) \
         VALUES ($1, 'subdistrict', 's2', '簇桥街道', 'Cuqiao', 30.62, 104.03)",
    )
    .bind(fixture.district)
    .execute(app.db.store.pool())
    .await
    .unwrap();

    // The top steps through the lone district to its subdistricts.
    let (status, page) = html(&app, "/places", &[]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(r#"href="/places?in={subdistrict}""#)),
        "a link down"
    );
    assert!(page.contains("簇桥街道"));
    assert!(page.contains(r#"<li aria-current="location">武侯区</li>"#));
    assert!(!page.contains("home_place"), "nothing to choose yet");

    // 华兴街道 has one community: a list of one is skipped, the community opens.
    let (_, page) = html(&app, &format!("/places?in={subdistrict}"), &[]).await;
    assert!(page.contains(&format!(r#"name="home_place" value="{}""#, fixture.community)));
    assert!(
        page.contains(&format!(r#"href="/places?in={subdistrict}""#)),
        "a way back up"
    );
    assert!(!page.contains("簇桥街道"), "the other subdistrict is not listed");

    // A courtyard opens its community, where it and the community itself are buttons
    // of one form to /prefs; the remembered one is marked.
    let cookie = format!("doorstep_home=place:{}", fixture.courtyard);
    let (status, page) = html(
        &app,
        &format!("/places?in={}", fixture.courtyard),
        &[("Cookie", cookie.as_str())],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"action="/prefs""#));
    assert!(page.contains(&format!(r#"name="home_place" value="{}""#, fixture.community)));
    assert!(page.contains(&format!(r#"name="home_place" value="{}""#, fixture.courtyard)));
    assert!(page.contains("整个南桥社区") && page.contains("一片区"));
    assert_eq!(
        page.matches("当前位置").count(),
        1,
        "only the remembered place is marked"
    );

    let (_, page) = html(
        &app,
        &format!("/places?in={}", fixture.community),
        &[("Accept-Language", "en")],
    )
    .await;
    assert!(page.contains("All of Nanqiao Community"), "{page}");

    // Refusals in the page's language, with the status saying it too.
    let (status, page) = html(&app, "/places?in=abc", &[]).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("in") && page.contains("须为正整数编号"),
        "names the parameter"
    );
    let (status, _) = html(&app, "/places?in=999999", &[]).await;
    assert_eq!(status, 404);

    // The home page's place line opens the picker at the chosen place's community.
    let (_, page) = html(&app, &format!("/?place={}", fixture.courtyard), &[]).await;
    assert!(page.contains(&format!(r#"href="/places?in={}""#, fixture.courtyard)));
    let (_, page) = html(&app, "/", &[]).await;
    assert!(page.contains(r#"href="/places" class="place-line""#), "{page}");
}

on_both_engines!(
    home_page_is_chinese_by_default_and_english_for_english_browsers,
    results_are_in_the_html_with_distances_for_a_chosen_place,
    a_bad_search_parameter_is_explained_on_the_page_with_status_400,
    service_and_organization_pages_render_and_unknown_ones_are_404,
    the_preference_form_sets_cookies_and_returns_only_to_local_pages,
    the_place_picker_walks_down_the_grid_and_marks_home,
);
