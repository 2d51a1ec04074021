//! The public JSON API's contract, against a real server and a real database, on both
//! engines.

mod common;

use app::domain::geo::{Coordinates, LocalPlane};
use common::fixtures::{self, Lcg, ServiceSpec};
use common::{spawn, Engine};
use serde_json::Value;

const CENTRE: (f64, f64) = (30.6420, 104.0430);

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn healthz_answers_ok_when_the_database_does(engine: Engine) {
    let app = spawn(engine).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status().as_u16(), 200);
}

async fn radius_search_returns_exactly_the_services_within_the_radius_nearest_first(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    // Services scattered up to ~8 km around the centre, from a fixed seed.
    let mut rng = Lcg(42);
    let mut positions = Vec::new();
    for i in 0..60 {
        let lat = CENTRE.0 + (rng.next_f64() - 0.5) * 0.15;
        let lon = CENTRE.1 + (rng.next_f64() - 0.5) * 0.15;
        let id = fixtures::service(
            &app.db.store,
            &fixture,
            &format!("s{i}"),
            &ServiceSpec::at(&format!("服务{i}"), &format!("Service {i}"), lat, lon),
        )
        .await;
        positions.push((id, lat, lon));
    }
    let plane = LocalPlane::new(Coordinates::new(CENTRE.0, CENTRE.1).unwrap());
    for radius in [500_u32, 2_000, 3_000, 5_000] {
        let mut expected: Vec<(f64, i64)> = positions
            .iter()
            .map(|(id, lat, lon)| (plane.squared_distance_m2(*lat, *lon).sqrt(), *id))
            .filter(|(d, _)| *d <= f64::from(radius))
            .collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

        let (status, body) = app
            .get_json(&format!(
                "/api/v1/services?lat={}&lon={}&radius_m={radius}&limit=100",
                CENTRE.0, CENTRE.1
            ))
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            body["total"].as_u64().unwrap() as usize,
            expected.len(),
            "radius {radius}"
        );
        assert_eq!(
            ids(&body),
            expected.iter().map(|e| e.1).collect::<Vec<_>>(),
            "radius {radius}"
        );
        let distances: Vec<u64> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["distance_m"].as_u64().unwrap())
            .collect();
        assert!(
            distances.windows(2).all(|w| w[0] <= w[1]),
            "nearest first: {distances:?}"
        );
        assert!(distances.iter().all(|d| *d <= u64::from(radius)));
    }
}

async fn without_a_position_results_are_by_name_and_carry_no_distance(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    for (i, (zh, en)) in [("助餐点", "Canteen"), ("康复站", "Rehab"), ("爱心理发", "Barber")]
        .iter()
        .enumerate()
    {
        fixtures::service(
            &app.db.store,
            &fixture,
            &format!("s{i}"),
            &ServiceSpec::at(zh, en, 30.6, 104.0),
        )
        .await;
    }
    let (status, body) = app.get_json("/api/v1/services?lang=en").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Barber", "Canteen", "Rehab"]);
    assert!(body["items"][0].get("distance_m").is_none());
    let (_, body) = app.get_json("/api/v1/services?lang=zh").await;
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "Chinese names sort by code point on every engine");
}

async fn filters_narrow_by_category_group_and_cost(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let specs = [
        ("meal-assistance", "free"),
        ("meal-assistance", "subsidized"),
        ("home-care", "paid"),
        ("rehabilitation", "free"),
        ("mobility", "subsidized"),
    ];
    for (i, (category, cost)) in specs.iter().enumerate() {
        let spec = ServiceSpec {
            category,
            cost,
            ..ServiceSpec::at(&format!("服务{i}"), &format!("S{i}"), 30.64, 104.05)
        };
        fixtures::service(&app.db.store, &fixture, &format!("s{i}"), &spec).await;
    }
    let check = |body: &Value, field: &str, allowed: &[&str]| {
        for item in body["items"].as_array().unwrap() {
            let value = match field {
                "category" => item["category"]["slug"].as_str().unwrap().to_owned(),
                "group" => item["category"]["group"].as_str().unwrap().to_owned(),
                _ => item["cost"].as_str().unwrap().to_owned(),
            };
            assert!(allowed.contains(&value.as_str()), "{field} {value}");
        }
    };
    let (_, body) = app.get_json("/api/v1/services?category=meal-assistance").await;
    assert_eq!(body["total"], 2);
    check(&body, "category", &["meal-assistance"]);
    let (_, body) = app
        .get_json("/api/v1/services?category=meal-assistance&category=mobility")
        .await;
    assert_eq!(body["total"], 3);
    let (_, body) = app.get_json("/api/v1/services?group=disability").await;
    assert_eq!(body["total"], 2);
    check(&body, "group", &["disability"]);
    let (_, body) = app.get_json("/api/v1/services?cost=subsidized").await;
    assert_eq!(body["total"], 2);
    check(&body, "cost", &["subsidized"]);
    assert_eq!(body["items"][0]["price"]["amount_fen"], 1500);
    let (_, body) = app.get_json("/api/v1/services?group=elder-care&cost=free").await;
    assert_eq!(body["total"], 1);
    // A typo in a category is a 400 naming it, never an empty page that looks like "no
    // services here".
    let (status, body) = app.get_json("/api/v1/services?category=no-such-category").await;
    assert_eq!((status, body["error"]["field"].as_str()), (400, Some("category")));
}

async fn text_search_matches_chinese_substrings_and_english_in_any_case(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let meal = ServiceSpec {
        description_en: "Hot MEALS for elders".into(),
        ..ServiceSpec::at("长者助餐服务", "Seniors' canteen", 30.64, 104.05)
    };
    let rehab = ServiceSpec {
        description_zh: "每周三次康复训练".into(),
        ..ServiceSpec::at("康复站", "Rehab room", 30.64, 104.05)
    };
    let odd = ServiceSpec::at("100%_满意", "Percent_sign", 30.64, 104.05);
    let meal_id = fixtures::service(&app.db.store, &fixture, "a", &meal).await;
    let rehab_id = fixtures::service(&app.db.store, &fixture, "b", &rehab).await;
    let odd_id = fixtures::service(&app.db.store, &fixture, "c", &odd).await;

    let search = |q: &str| format!("/api/v1/services?q={}", urlencode(q));
    assert_eq!(ids(&app.get_json(&search("助餐")).await.1), vec![meal_id]);
    assert_eq!(ids(&app.get_json(&search("meals")).await.1), vec![meal_id]);
    assert_eq!(ids(&app.get_json(&search("REHAB")).await.1), vec![rehab_id]);
    assert_eq!(ids(&app.get_json(&search("康复训练")).await.1), vec![rehab_id]);
    // Wildcards in the query are matched literally.
    assert_eq!(ids(&app.get_json(&search("%_")).await.1), vec![odd_id]);
    assert_eq!(ids(&app.get_json(&search("_")).await.1), vec![odd_id]);
    assert_eq!(app.get_json(&search("没有这个")).await.1["total"], 0);
}

async fn pages_partition_the_results_and_the_total_stays_the_same(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let mut rng = Lcg(7);
    for i in 0..23 {
        let (lat, lon) = (
            CENTRE.0 + (rng.next_f64() - 0.5) * 0.02,
            CENTRE.1 + (rng.next_f64() - 0.5) * 0.02,
        );
        fixtures::service(
            &app.db.store,
            &fixture,
            &format!("s{i}"),
            &ServiceSpec::at(&format!("服务{i:02}"), &format!("S{i:02}"), lat, lon),
        )
        .await;
    }
    for origin in ["", &format!("&lat={}&lon={}", CENTRE.0, CENTRE.1)] {
        let (_, all) = app.get_json(&format!("/api/v1/services?limit=100{origin}")).await;
        let mut paged = Vec::new();
        for offset in (0..30).step_by(10) {
            let (status, body) = app
                .get_json(&format!("/api/v1/services?limit=10&offset={offset}{origin}"))
                .await;
            assert_eq!(status, 200);
            assert_eq!(body["total"], 23);
            paged.extend(ids(&body));
        }
        assert_eq!(paged, ids(&all));
        let (_, past_the_end) = app.get_json(&format!("/api/v1/services?offset=500{origin}")).await;
        assert_eq!(past_the_end["total"], 23);
        assert!(past_the_end["items"].as_array().unwrap().is_empty());
    }
}

async fn names_follow_lang_then_accept_language(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    fixtures::service(
        &app.db.store,
        &fixture,
        "s",
        &ServiceSpec::at("助餐", "Meals", 30.64, 104.05),
    )
    .await;
    assert_eq!(app.get_json("/api/v1/services").await.1["items"][0]["name"], "助餐");
    assert_eq!(
        app.get_json("/api/v1/services?lang=en").await.1["items"][0]["name"],
        "Meals"
    );
    let response = app
        .client
        .get(format!("{}/api/v1/services", app.base))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["items"][0]["name"], "Meals");
    assert_eq!(body["items"][0]["category"]["name"], "Meal assistance");
    assert_eq!(body["items"][0]["organization"]["name"], "Shanghe");
}

async fn every_bad_parameter_is_a_400_naming_the_field(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    let cases = [
        ("lat=30.6", "lon"),
        ("lon=104", "lat"),
        ("lat=91&lon=104", "lat"),
        ("lat=30&lon=181", "lon"),
        ("lat=north&lon=104", "lat"),
        ("lat=NaN&lon=104", "lat"),
        ("lat=30&lon=104&radius_m=0", "radius_m"),
        ("lat=30&lon=104&radius_m=50001", "radius_m"),
        ("radius_m=abc", "radius_m"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("offset=-1", "offset"),
        ("offset=1.5", "offset"),
        ("offset=1001", "offset"),
        ("category=no-such-category", "category"),
        ("category=Not%20A%20Slug", "category"),
        ("group=children", "group"),
        ("cost=cheap", "cost"),
        ("lang=fr", "lang"),
        ("place=0", "place"),
        ("place=999999", "place"),
        ("cost=free&cost=paid", "cost"),
        ("sort=price", "sort"),
    ];
    for (query, field) in cases {
        let (status, body) = app.get_json(&format!("/api/v1/services?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["code"], "validation", "{query}");
        assert_eq!(body["error"]["field"], field, "{query}");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{query}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
        assert!(
            body["error"]["request_id"].as_str().is_some_and(|id| !id.is_empty()),
            "{query}"
        );
    }
    // The message speaks the request's language: Chinese by default, English when asked.
    let (_, zh) = app.get_json("/api/v1/services?radius_m=0").await;
    assert!(zh["error"]["message"].as_str().unwrap().contains("米"), "{zh}");
    let (_, en) = app.get_json("/api/v1/services?radius_m=0&lang=en").await;
    assert!(en["error"]["message"].as_str().unwrap().contains("metres"), "{en}");
    // Too many parameters are refused before any is read.
    let many: String = (0..50).map(|i| format!("x{i}=1&")).collect();
    let (status, body) = app.get_json(&format!("/api/v1/services?{many}")).await;
    assert_eq!((status, body["error"]["field"].as_str()), (400, Some("query")));
    let (status, body) = app.get_json(&format!("/api/v1/services?q={}", "长".repeat(101))).await;
    assert_eq!((status, body["error"]["field"].as_str()), (400, Some("q")));
}

async fn unknown_ids_are_404_and_malformed_ids_400(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    for path in [
        "/api/v1/services/424242",
        "/api/v1/organizations/424242",
        "/api/v1/nothing-here",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    for path in [
        "/api/v1/services/abc",
        "/api/v1/organizations/-3",
        "/api/v1/services/99999999999999999999",
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["error"]["field"], "id");
    }
}

async fn a_service_shows_everything_needed_to_decide_and_act(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let at_home = ServiceSpec {
        delivery: "at-home",
        cost: "paid",
        ..ServiceSpec::at("上门助浴", "Bathing at home", 30.6421, 104.0431)
    };
    let id = fixtures::service(&app.db.store, &fixture, "a", &at_home).await;
    let sibling = fixtures::service(
        &app.db.store,
        &fixture,
        "b",
        &ServiceSpec::at("助餐", "Meals", 30.64, 104.05),
    )
    .await;
    sqlx::query("INSERT INTO service_coverage (service_id, grid_unit_id) VALUES ($1, $2)")
        .bind(id)
        .bind(fixture.courtyard)
        .execute(app.db.store.pool())
        .await
        .unwrap();

    let (status, body) = app
        .get_json(&format!(
            "/api/v1/services/{id}?lang=en&lat={}&lon={}",
            CENTRE.0, CENTRE.1
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Bathing at home");
    assert_eq!(body["delivery"], "at-home");
    assert_eq!(body["phone"], "028-85551234");
    assert_eq!(body["hours"], "Daily");
    assert_eq!(body["organization"]["id"], fixture.organization);
    assert_eq!(body["price"]["unit"], "visit");
    assert_eq!(body["coverage"][0]["name"], "No. 12 Courtyard");
    assert_eq!(body["place"]["kind"], "courtyard");
    assert!(body["distance_m"].as_u64().unwrap() < 50);
    assert_eq!(
        body["other_offerings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![sibling]
    );

    let (status, org) = app
        .get_json(&format!("/api/v1/organizations/{}", fixture.organization))
        .await;
    assert_eq!(status, 200);
    assert_eq!(org["name"], "上和社工");
    assert_eq!(org["verified"], true);
    assert_eq!(org["community"]["name"], "南桥社区");
    assert_eq!(org["offerings"].as_array().unwrap().len(), 2);
}

async fn categories_and_grid_describe_the_catalogue_and_the_tree(engine: Engine) {
    let app = spawn(engine).await;
    fixtures::base(&app.db.store).await;
    let (status, categories) = app.get_json("/api/v1/categories?lang=en").await;
    assert_eq!(status, 200);
    let slugs: Vec<&str> = categories
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        vec!["meal-assistance", "home-care", "rehabilitation", "mobility"]
    );
    assert_eq!(categories[2]["group"], "disability");

    let (status, grid) = app.get_json("/api/v1/grid").await;
    assert_eq!(status, 200);
    let district = &grid[0];
    assert_eq!(district["kind"], "district");
    let courtyard = &district["children"][0]["children"][0]["children"][0]["children"][0];
    assert_eq!(courtyard["kind"], "courtyard");
    assert_eq!(courtyard["level"], 3);
    assert_eq!(courtyard["children"][0]["kind"], "building");
    assert_eq!(courtyard["children"][0]["level"], 4);
}

async fn searching_from_a_grid_place_uses_its_coordinate(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    // The fixture's places sit at 30.64, 104.05.
    let near = fixtures::service(
        &app.db.store,
        &fixture,
        "near",
        &ServiceSpec::at("近", "Near", 30.6401, 104.0501),
    )
    .await;
    fixtures::service(
        &app.db.store,
        &fixture,
        "far",
        &ServiceSpec::at("远", "Far", 30.70, 104.10),
    )
    .await;
    let (status, body) = app
        .get_json(&format!("/api/v1/services?place={}&radius_m=1000", fixture.courtyard))
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body), vec![near]);
    assert!(body["items"][0]["distance_m"].as_u64().unwrap() < 20);
}

async fn the_openapi_document_describes_every_endpoint(engine: Engine) {
    let app = spawn(engine).await;
    let (status, doc) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/services",
        "/api/v1/services/{id}",
        "/api/v1/organizations/{id}",
        "/api/v1/categories",
        "/api/v1/grid",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    // Every reference resolves, so schema-driven tools see the whole contract.
    let text = doc.to_string();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(doc["components"]["schemas"][name].is_object(), "unresolved $ref {name}");
    }
    let reference = app.get("/api/v1/docs").await;
    assert_eq!(reference.status().as_u16(), 200);
    assert!(reference.text().await.unwrap().contains("/api/v1/services/{id}"));
}

/// Best rated first by the Bayesian average: many good ratings beat one 5, one 5 beats
/// none, none (the prior, 4) beats poor ones; equal rankings nearest first. Ratings given
/// after the directory was first read reach it as changes.
async fn sort_by_rating_puts_the_best_rated_first_and_one_five_does_not_win(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let north = |metres: f64| CENTRE.0 + metres / app::domain::geo::METRES_PER_DEGREE;
    let mut made = Vec::new();
    for (code, metres) in [
        ("many-good", 2_000.0),
        ("one-five", 300.0),
        ("one-five-farther", 900.0),
        ("unrated", 100.0),
        ("poor", 200.0),
    ] {
        let spec = ServiceSpec::at(code, code, north(metres), CENTRE.1);
        made.push(fixtures::service(&app.db.store, &fixture, code, &spec).await);
    }
    let [many_good, one_five, one_five_farther, unrated, poor]: [i64; 5] = made.try_into().unwrap();
    let search = format!("/api/v1/services?lat={}&lon={}&radius_m=3000", CENTRE.0, CENTRE.1);
    let (_, before) = app.get_json(&search).await;
    assert_eq!(ids(&before), vec![unrated, poor, one_five, one_five_farther, many_good]);

    for (id, counts) in [
        (many_good, [0, 0, 0, 10, 40]),
        (one_five, [0, 0, 0, 0, 1]),
        (one_five_farther, [0, 0, 0, 0, 1]),
        (poor, [5, 5, 0, 0, 0]),
    ] {
        sqlx::query("INSERT INTO service_ratings (service_id, r1, r2, r3, r4, r5) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(counts[0])
            .bind(counts[1])
            .bind(counts[2])
            .bind(counts[3])
            .bind(counts[4])
            .execute(app.db.store.pool())
            .await
            .unwrap();
    }
    let (status, by_rating) = app.get_json(&format!("{search}&sort=rating")).await;
    assert_eq!(status, 200);
    assert_eq!(
        ids(&by_rating),
        vec![many_good, one_five, one_five_farther, unrated, poor]
    );
    assert_eq!(
        by_rating["items"][0]["rating"]["counts"],
        serde_json::json!([0, 0, 0, 10, 40])
    );
    // Nearest first is still the usual order, and the one `sort=nearest` names.
    let (_, usual) = app.get_json(&search).await;
    assert_eq!(ids(&usual), ids(&before));
    let (_, nearest) = app.get_json(&format!("{search}&sort=nearest")).await;
    assert_eq!(ids(&nearest), ids(&before));

    // The page offers the order and keeps it in its links.
    let page = app
        .get(&format!("/?lat={}&lon={}&sort=rating", CENTRE.0, CENTRE.1))
        .await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<option value="rating" selected"#),
        "the chosen order is shown"
    );
    assert!(html.find("many-good").unwrap() < html.find("unrated").unwrap());
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

on_both_engines!(
    healthz_answers_ok_when_the_database_does,
    radius_search_returns_exactly_the_services_within_the_radius_nearest_first,
    without_a_position_results_are_by_name_and_carry_no_distance,
    filters_narrow_by_category_group_and_cost,
    text_search_matches_chinese_substrings_and_english_in_any_case,
    pages_partition_the_results_and_the_total_stays_the_same,
    names_follow_lang_then_accept_language,
    every_bad_parameter_is_a_400_naming_the_field,
    unknown_ids_are_404_and_malformed_ids_400,
    a_service_shows_everything_needed_to_decide_and_act,
    categories_and_grid_describe_the_catalogue_and_the_tree,
    searching_from_a_grid_place_uses_its_coordinate,
    the_openapi_document_describes_every_endpoint,
    sort_by_rating_puts_the_best_rated_first_and_one_five_does_not_win,
);
