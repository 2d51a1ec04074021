//! In-process cost of the directory search on the generated city (100,000 offerings):
//! the index alone, and the store's search through the index against the same search in
//! SQL (the baseline, measured in the same run). HTTP figures come from scripts/bench.sh.
//!
//! `cargo bench -p server --bench search_index`; the city is generated once into
//! `$DOORSTEP_BENCH_DB` (default `~/.cache/doorstep/bench-city.db`), about 20 s.

use app::domain::geo::Coordinates;
use app::domain::lang::Lang;
use app::domain::search::{SearchParams, ServiceSearch};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use doorstep_server::generate::{generate, CitySize};
use doorstep_server::search_index::SearchIndex;
use doorstep_server::store::{SqlStore, StoreOptions};

/// The points of docs/PERFORMANCE.md: ~45,000, ~7,000 and a few hundred offerings within 3 km.
const POINTS: [(&str, f64, f64); 3] = [
    ("centre", 30.657, 104.065),
    ("middle", 30.690, 104.100),
    ("edge", 30.540, 103.960),
];

fn search(pairs: &[(&str, &str)], near: Option<(f64, f64)>) -> ServiceSearch {
    SearchParams::from_pairs(pairs)
        .expect("a valid search")
        .resolve(near.map(|(lat, lon)| Coordinates::new(lat, lon).unwrap()), Lang::Zh)
}

fn cases() -> Vec<(String, ServiceSearch)> {
    let mut cases = Vec::new();
    for (name, lat, lon) in POINTS {
        cases.push((
            format!("{name} 3 km"),
            search(&[("radius_m", "3000")], Some((lat, lon))),
        ));
    }
    cases.push((
        "centre 1 km".into(),
        search(&[("radius_m", "1000")], Some((POINTS[0].1, POINTS[0].2))),
    ));
    let middle = Some((POINTS[1].1, POINTS[1].2));
    cases.push((
        "middle category+cost".into(),
        search(&[("category", "meal-assistance"), ("cost", "free")], middle),
    ));
    cases.push(("middle text 助餐".into(), search(&[("q", "助餐")], middle)));
    // The rating order walks every offering in the circle (the generated city has no
    // ratings, so every ranking ties and the walk is all that is measured).
    for (name, lat, lon) in &POINTS[..2] {
        cases.push((
            format!("{name} 3 km by rating"),
            search(&[("radius_m", "3000"), ("sort", "rating")], Some((*lat, *lon))),
        ));
    }
    cases.push(("no position by name".into(), search(&[], None)));
    cases.push(("no position text 助餐".into(), search(&[("q", "助餐")], None)));
    cases
}

fn store(runtime: &tokio::runtime::Runtime) -> SqlStore {
    let path = std::env::var("DOORSTEP_BENCH_DB").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_else(|_| ".".into());
        format!("{home}/.cache/doorstep/bench-city.db")
    });
    runtime.block_on(async {
        let store = SqlStore::connect(&StoreOptions::new(format!("sqlite://{path}?mode=rwc")))
            .await
            .expect("open the bench database");
        store.migrate().await.expect("migrate");
        let size = CitySize::city(1, 300, 5_000, 100_000);
        generate(&store, size).await.expect("generate the city");
        store.rebuild_index().await.expect("build the index");
        store
    })
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = store(&runtime);
    let services = runtime
        .block_on(doorstep_server::store::indexed_services(store.pool()))
        .unwrap();

    c.bench_function("index build, 100k offerings", |b| {
        b.iter_batched(
            || services.clone(),
            SearchIndex::build,
            criterion::BatchSize::LargeInput,
        )
    });

    let index = SearchIndex::build(services);
    let mut group = c.benchmark_group("index search");
    for (name, s) in cases() {
        group.bench_with_input(BenchmarkId::from_parameter(&name), &s, |b, s| {
            b.iter(|| index.search(s))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("store search");
    group.sample_size(20);
    for (name, s) in cases() {
        group.bench_with_input(BenchmarkId::new("index", &name), &s, |b, s| {
            b.iter(|| {
                runtime
                    .block_on(store.search_by_index(s))
                    .unwrap()
                    .expect("index is current")
            })
        });
        group.bench_with_input(BenchmarkId::new("sql", &name), &s, |b, s| {
            b.iter(|| runtime.block_on(store.search_by_sql(s)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(city, benches);
criterion_main!(city);
