//! A small city for the snapshot's tests (`search_index.rs`, `directory_writes.rs`):
//! services around one centre, some sharing a position, in every category and cost; and
//! searches over it from a seed.

use super::fixtures::{self, Lcg, ServiceSpec};
use app::domain::geo::Coordinates;
use app::domain::lang::Lang;
use app::domain::search::{SearchParams, ServiceSearch};
use doorstep_server::store::SqlStore;

pub const CENTRE: (f64, f64) = (30.6420, 104.0430);
pub const CATEGORIES: [&str; 4] = ["meal-assistance", "home-care", "rehabilitation", "mobility"];
pub const COSTS: [&str; 3] = ["free", "subsidized", "paid"];
pub const NAMES: [(&str, &str); 5] = [
    ("助餐点", "Meal point"),
    ("康复站", "Rehab station"),
    ("老年食堂", "Elder canteen"),
    ("助浴服务", "Bathing help"),
    ("MEAL 配送", "meal delivery"),
];

pub fn search(pairs: &[(&str, String)], near: Option<(f64, f64)>, lang: Lang) -> ServiceSearch {
    SearchParams::from_pairs(pairs)
        .unwrap()
        .resolve(near.map(|(lat, lon)| Coordinates::new(lat, lon).unwrap()), lang)
}

/// Random searches from a seed: positions, radii, filters, text, pages, languages.
pub fn searches(seed: u64, count: usize) -> Vec<ServiceSearch> {
    let mut rng = Lcg(seed);
    (0..count)
        .map(|_| {
            let mut pairs = vec![
                ("radius_m", rng.pick(&["300", "1500", "3000", "9000"]).to_string()),
                ("limit", rng.pick(&["1", "5", "20"]).to_string()),
                ("offset", rng.pick(&["0", "0", "3", "17", "200"]).to_string()),
            ];
            if rng.next_f64() < 0.3 {
                pairs.push(("category", rng.pick(&CATEGORIES).to_string()));
            }
            if rng.next_f64() < 0.2 {
                pairs.push(("group", rng.pick(&["elder-care", "disability"]).to_string()));
            }
            if rng.next_f64() < 0.3 {
                pairs.push(("cost", rng.pick(&COSTS).to_string()));
            }
            if rng.next_f64() < 0.3 {
                pairs.push(("q", rng.pick(&["助餐", "meal", "站", "Canteen", "说明"]).to_string()));
            }
            if rng.next_f64() < 0.3 {
                pairs.push(("sort", "rating".to_string()));
            }
            let near = (rng.next_f64() < 0.8).then(|| {
                (
                    CENTRE.0 + (rng.next_f64() - 0.5) * 0.1,
                    CENTRE.1 + (rng.next_f64() - 0.5) * 0.1,
                )
            });
            let lang = if rng.next_f64() < 0.5 { Lang::Zh } else { Lang::En };
            search(&pairs, near, lang)
        })
        .collect()
}

pub async fn city(store: &SqlStore, services: usize) -> fixtures::Fixture {
    let fixture = fixtures::base(store).await;
    let mut rng = Lcg(7);
    // Apart from `rng`, so the services are where they always were.
    let mut ratings = Lcg(11);
    for i in 0..services {
        let (zh, en) = *rng.pick(&NAMES);
        // Some services share a position, so the id must break ties.
        let (lat, lon) = if i % 10 == 9 {
            (CENTRE.0, CENTRE.1)
        } else {
            (
                CENTRE.0 + (rng.next_f64() - 0.5) * 0.12,
                CENTRE.1 + (rng.next_f64() - 0.5) * 0.12,
            )
        };
        let mut spec = ServiceSpec::at(zh, en, lat, lon);
        spec.category = *rng.pick(&CATEGORIES);
        spec.cost = *rng.pick(&COSTS);
        let id = fixtures::service(store, &fixture, &format!("s{i}"), &spec).await;
        rate(store, id, &mut ratings).await;
    }
    fixture
}

/// Ratings for two services in three, a few of each score: small counts, so equal
/// rankings (which distance and then the id must order) are common.
async fn rate(store: &SqlStore, service: i64, rng: &mut Lcg) {
    if rng.next_f64() < 0.33 {
        return;
    }
    let mut q =
        sqlx::query("INSERT INTO service_ratings (service_id, r1, r2, r3, r4, r5) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(service);
    for _ in 0..5 {
        q = q.bind((rng.next_f64() * 3.0) as i64);
    }
    q.execute(store.pool()).await.unwrap();
}
