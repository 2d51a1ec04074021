//! Organizations publish their offerings over the JSON API, on both engines: the whole
//! life of an offering (publish, find, edit, pause, resume, retire, history) and every
//! refusal, each leaving nothing behind.

mod common;

use common::people::{self, exec, Person};
use common::{fixtures, spawn, Engine, TestApp};
use doorstep_server::store::SqlStore;
use reqwest::Method;
use serde_json::{json, Value};

/// A valid at-home offering reaching the fixture's courtyard.
fn meals(fixture: &fixtures::Fixture) -> Value {
    json!({
        "category": "meal-assistance",
        "name_zh": "长者送餐上门",
        "description_zh": "工作日中午把热饭送到家。",
        "delivery": "at-home",
        "place_id": fixture.community,
        "coverage": [fixture.courtyard],
        "hours": {"weekly": [{"day": 1, "opens": "11:00", "closes": "13:00"},
                             {"day": 2, "opens": "11:00", "closes": "13:00"}],
                  "exceptions": [{"date": "2026-10-01"}]},
        "eligibility": {"min_age": 60},
        "cost": "subsidized",
        "price": {"amount_fen": 1200, "unit": "meal"},
        "phone": "028-85550101",
        "capacity": 40
    })
}

/// A verified organization of the fixture's community with `owner` as its owner.
async fn publisher(store: &SqlStore, fixture: &fixtures::Fixture, owner: &Person) -> i64 {
    let org = people::organization(store, fixture.community, owner).await;
    exec(store, "UPDATE organizations SET verified = 1 WHERE id = $1", &[org]).await;
    org
}

async fn count(store: &SqlStore, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
}

async fn found(app: &TestApp, q: &str) -> Vec<i64> {
    let (status, body) = app.get_json(&format!("/api/v1/services?q={q}&limit=100")).await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

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

/// Posts a form as `who` and returns the answer's status, `Location` and flash cookie.
async fn post_form(app: &TestApp, path: &str, who: &Person, body: &str) -> (u16, String, Option<String>) {
    let response = app
        .request(Method::POST, path, Some(who))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let flash = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("doorstep_flash="))
        .map(|c| c.split(';').next().unwrap().to_owned());
    (response.status().as_u16(), location, flash)
}

/// A page as `who`, with the flash a form post left.
async fn page(app: &TestApp, path: &str, who: &Person, flash: Option<&str>) -> (u16, String) {
    let mut cookie = format!("doorstep_session={}", who.token);
    if let Some(flash) = flash {
        cookie = format!("{cookie}; {flash}");
    }
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn encode(pairs: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

async fn the_offering_pages_publish_refuse_without_losing_anything_and_pause(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;

    let (status, form) = page(
        &app,
        &format!("/account/organizations/{org}/offerings/new"),
        &owner,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        form.contains("name=\"description_zh\"") && form.contains("助餐"),
        "the form offers the categories"
    );
    assert!(
        form.contains("南桥社区 › 一片区 › 南桥街12号院"),
        "places are named by their path"
    );

    // A refused post: every value comes back, even a description far beyond a cookie.
    let long = "每天中午把热饭送到家，少盐少油。".repeat(60);
    let mut fields = vec![
        ("category", "meal-assistance".to_owned()),
        ("name_zh", "长者送餐".to_owned()),
        ("description_zh", long.clone()),
        ("delivery", "at-home".to_owned()),
        ("place_id", fixture.community.to_string()),
        ("coverage", fixture.courtyard.to_string()),
        ("opens_1", "11:00".to_owned()),
        ("closes_1", "13:00".to_owned()),
        ("exceptions", "2026-10-01 休息".to_owned()),
        ("cost", "subsidized".to_owned()),
        ("price_yuan", "12".to_owned()),
        ("price_unit", "meal".to_owned()),
        ("phone", "call us".to_owned()),
    ];
    let create = format!("/account/organizations/{org}/offerings");
    let (status, location, flash) = post_form(&app, &create, &owner, &encode(&fields)).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/account/organizations/{org}/offerings/new").as_str())
    );
    assert!(
        flash.as_ref().unwrap().len() < 1000,
        "the cookie carries a key, not the values"
    );
    let (_, refused) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(
        refused.contains("请填写能拨打的电话号码"),
        "the refusal is next to its field"
    );
    assert!(refused.contains(&long), "the long description is kept");
    assert!(refused.contains("value=\"11:00\""));
    assert_eq!(count(store, "SELECT COUNT(*) FROM services").await, 0);
    // The kept values are read once.
    let (_, again) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(!again.contains(&long));

    // A preview shows the page as residents would see it, and saves nothing.
    fields.retain(|(k, _)| *k != "phone");
    fields.push(("phone", "028-85550101".to_owned()));
    let mut previewing = fields.clone();
    previewing.push(("intent", "preview".to_owned()));
    let (status, location, flash) = post_form(&app, &create, &owner, &encode(&previewing)).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/account/organizations/{org}/offerings/new").as_str())
    );
    let (_, preview) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(preview.contains("预览：居民将看到的样子"), "the preview is shown");
    assert!(
        preview.contains("周一 11:00–13:00；2026-10-01 休息"),
        "with the hours as the page will say them"
    );
    assert!(preview.contains("政府补贴 ¥12/餐"), "and the price");
    assert!(preview.contains(&long), "the form keeps every value");
    assert_eq!(count(store, "SELECT COUNT(*) FROM services").await, 0);

    // Published: to the offering's page, found by residents.
    let (status, location, flash) = post_form(&app, &create, &owner, &encode(&fields)).await;
    assert_eq!(status, 303);
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let (_, edit) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(
        edit.contains("已发布") && edit.contains("服务中"),
        "the notice and the status"
    );
    assert_eq!(found(&app, "送餐").await, [id]);

    // Paused through its form: the resident's page says so and why.
    let (status, _, _) = post_form(
        &app,
        &format!("/account/offerings/{id}/pause"),
        &owner,
        "reason=%E5%8E%A8%E6%88%BF%E8%A3%85%E4%BF%AE",
    )
    .await;
    assert_eq!(status, 303);
    let resident_page = app.get(&format!("/services/{id}")).await.text().await.unwrap();
    assert!(
        resident_page.contains("暂停服务") && resident_page.contains("厨房装修"),
        "{resident_page}"
    );
    let (_, edit) = page(&app, &format!("/account/offerings/{id}"), &owner, None).await;
    assert!(edit.contains("恢复服务") && edit.contains("修改记录"));
}

/// A picture as a phone would send it: a JPEG with EXIF (GPS included).
fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let mut plain = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }))
    .write_to(&mut plain, image::ImageFormat::Jpeg)
    .unwrap();
    let plain = plain.into_inner();
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude 30.6412 N".to_vec();
    let mut photo = plain[..2].to_vec();
    photo.extend([0xFF, 0xE1]);
    photo.extend(((exif.len() + 2) as u16).to_be_bytes());
    photo.append(&mut exif);
    photo.extend(&plain[2..]);
    photo
}

async fn put_photo(app: &TestApp, id: i64, who: &Person, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .request(Method::PUT, &format!("/api/v1/offerings/{id}/photo"), Some(who))
        .header("Content-Type", "image/jpeg")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn photos_are_re_encoded_without_exif_and_served_for_a_year(engine: Engine, uploads: Option<&std::path::Path>) {
    let mut db = common::fresh_db(engine).await;
    if let Some(dir) = uploads {
        db.store = db
            .store
            .clone()
            .with_uploads(doorstep_server::store::Uploads::Directory(dir.to_owned()));
    }
    let app = common::spawn_with(db).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let stranger = people::person(store, "路人").await;
    let org = publisher(store, &fixture, &owner).await;
    let (_, created) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{org}/offerings"),
            Some(&owner),
            Some(meals(&fixture)),
        )
        .await;
    let id = created["id"].as_i64().unwrap();

    // A stranger's upload is refused before it is even decoded.
    assert_eq!(put_photo(&app, id, &stranger, phone_photo(50, 50)).await.0, 404);
    let (status, body) = put_photo(&app, id, &owner, b"GIF89a not a photo".to_vec()).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("photo"))
    );
    let mut too_big = phone_photo(20, 20);
    too_big.resize(5 * 1024 * 1024 + 1, 0);
    let (status, body) = put_photo(&app, id, &owner, too_big).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("5 MB"));
    assert_eq!(put_photo(&app, id, &owner, vec![0xFF; 8 * 1024 * 1024]).await.0, 413);
    assert_eq!(count(store, "SELECT COUNT(*) FROM photos").await, 0);

    let (status, offering) = put_photo(&app, id, &owner, phone_photo(1200, 900)).await;
    assert_eq!(status, 200, "{offering}");
    let path = offering["photo"].as_str().unwrap().to_owned();
    assert!(path.starts_with("/photos/") && path.ends_with("/page.jpg"));
    let (_, page) = app.get_json(&format!("/api/v1/services/{id}")).await;
    assert_eq!(page["photo"], path.as_str(), "residents see it at once");
    for (file, width) in [("page.jpg", 960), ("card.jpg", 320)] {
        let response = app.get(&path.replace("page.jpg", file)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let bytes = response.bytes().await.unwrap();
        assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"), "no EXIF, no GPS");
        assert_eq!(image::load_from_memory(&bytes).unwrap().width(), width);
    }
    assert_eq!(app.get("/photos/0123456789abcdef01234567/page.jpg").await.status(), 404);
    assert_eq!(app.get("/photos/..%2F..%2Fetc/page.jpg").await.status(), 404);
    let stored = count(store, "SELECT COUNT(*) FROM photos").await;
    assert_eq!(stored, if uploads.is_some() { 0 } else { 2 });

    let (status, history) = app
        .send(
            Method::GET,
            &format!("/api/v1/offerings/{id}/history"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(
        (status, history[0]["changes"][0]["field"].as_str()),
        (200, Some("photo"))
    );
    let (status, removed) = app
        .send(
            Method::DELETE,
            &format!("/api/v1/offerings/{id}/photo"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!((status, removed.get("photo")), (200, None));
}

async fn photos_kept_in_the_database(engine: Engine) {
    photos_are_re_encoded_without_exif_and_served_for_a_year(engine, None).await;
}

async fn photos_kept_in_a_directory(engine: Engine) {
    let dir = common::tempdir::TempDir::new();
    photos_are_re_encoded_without_exif_and_served_for_a_year(engine, Some(&dir.path)).await;
    let files = std::fs::read_dir(&dir.path).unwrap().count();
    assert_eq!(files, 2, "both sizes, no temporary file left");
}

on_both_engines!(
    photos_kept_in_the_database,
    photos_kept_in_a_directory,
    an_offering_is_published_found_edited_paused_resumed_and_retired,
    refusals_are_clear_and_leave_nothing_behind,
    the_offering_pages_publish_refuse_without_losing_anything_and_pause,
);
