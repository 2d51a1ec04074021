//! The index against an oracle: the plainest possible search (filter everything, sort
//! everything), which is what the SQL does too.

use super::*;
use app::domain::geo::Coordinates;
use app::domain::search::SearchParams;
use proptest::prelude::*;

const CATEGORIES: [(&str, CategoryGroup); 3] = [
    ("meals", CategoryGroup::ElderCare),
    ("care", CategoryGroup::ElderCare),
    ("rehab", CategoryGroup::Disability),
];
const COSTS: [CostKind; 3] = [CostKind::Free, CostKind::Subsidized, CostKind::Paid];
const WORDS: [&str; 5] = ["助餐", "康复", "Meal", "meal plan", "护理"];

fn service(id: i64, latitude: f64, longitude: f64, pick: usize) -> IndexedService {
    let (category, group) = CATEGORIES[pick % 3];
    IndexedService {
        id,
        latitude,
        longitude,
        category: category.to_owned(),
        group,
        cost: COSTS[(pick / 3) % 3],
        name_zh: WORDS[pick % 5].to_owned(),
        name_en: WORDS[(pick + 2) % 5].to_owned(),
        search_text: app::domain::fold::searchable(&[
            WORDS[pick % 5],
            WORDS[(pick + 2) % 5],
            &format!("{}服务", WORDS[(pick / 5) % 5]),
            "",
        ]),
        // Few distinct rankings, so ties (broken by distance, then id) are common.
        ranking: app::domain::requests::rating::bayesian((pick % 7) as u64 * 3, (pick % 4) as u64),
    }
}

fn search(pairs: &[(&str, String)], near: Option<(f64, f64)>, lang: Lang) -> ServiceSearch {
    SearchParams::from_pairs(pairs)
        .expect("valid search")
        .resolve(near.map(|(lat, lon)| Coordinates::new(lat, lon).unwrap()), lang)
}

/// Filter all, sort all: obviously right, and slow.
fn oracle(services: &[IndexedService], search: &ServiceSearch) -> Hits {
    let plane = search.near.map(LocalPlane::new);
    let radius = f64::from(search.radius.get());
    let needle = search.text.as_ref().map(|t| app::domain::fold::fold(t.as_str()));
    let mut found: Vec<&IndexedService> = services
        .iter()
        .filter(|s| {
            plane.as_ref().is_none_or(|p| {
                let bb = p.bounding_box(radius);
                (bb.min_lat..=bb.max_lat).contains(&s.latitude)
                    && (bb.min_lon..=bb.max_lon).contains(&s.longitude)
                    && p.squared_distance_m2(s.latitude, s.longitude) <= radius * radius
            })
        })
        .filter(|s| search.categories.is_empty() || search.categories.iter().any(|c| c.as_str() == s.category))
        .filter(|s| search.group.is_none_or(|g| g == s.group))
        .filter(|s| search.cost.is_none_or(|c| c == s.cost))
        .filter(|s| {
            needle.as_ref().is_none_or(|n| {
                s.search_text
                    .split(app::domain::fold::FIELD_SEPARATOR)
                    .any(|f| f.contains(n.as_str()))
            })
        })
        .collect();
    let d2 = |s: &IndexedService| {
        plane
            .as_ref()
            .map_or(0.0, |p| p.squared_distance_m2(s.latitude, s.longitude))
    };
    match &plane {
        _ if search.sort == SortOrder::Rating => found.sort_by(|a, b| {
            b.ranking
                .total_cmp(&a.ranking)
                .then(d2(a).total_cmp(&d2(b)))
                .then(a.id.cmp(&b.id))
        }),
        Some(p) => found.sort_by(|a, b| {
            p.squared_distance_m2(a.latitude, a.longitude)
                .total_cmp(&p.squared_distance_m2(b.latitude, b.longitude))
                .then(a.id.cmp(&b.id))
        }),
        None => found.sort_by(|a, b| {
            let name = |s: &IndexedService| match search.lang {
                Lang::Zh => s.name_zh.clone(),
                Lang::En => s.name_en.clone(),
            };
            name(a).cmp(&name(b)).then(a.id.cmp(&b.id))
        }),
    }
    Hits {
        total: found.len() as u64,
        ids: found
            .iter()
            .skip(search.paging.offset() as usize)
            .take(search.paging.limit() as usize)
            .map(|s| s.id)
            .collect(),
    }
}

fn services_strategy() -> impl Strategy<Value = Vec<IndexedService>> {
    // A 10 km square around Chengdu's centre, with some services sharing a position
    // (ties must fall back to the id).
    services_within(0.09, 0.1)
}

/// Services in a square of `dlat` × `dlon` degrees from (30.6, 104.0).
fn services_within(dlat: f64, dlon: f64) -> impl Strategy<Value = Vec<IndexedService>> {
    prop::collection::vec((0.0f64..dlat, 0.0f64..dlon, 0usize..75, any::<bool>()), 0..400).prop_map(|raw| {
        let mut previous = (30.6, 104.0);
        raw.into_iter()
            .enumerate()
            .map(|(n, (dlat, dlon, pick, same_place))| {
                if !same_place {
                    previous = (30.6 + dlat, 104.0 + dlon);
                }
                service(n as i64 * 7 + 1, previous.0, previous.1, pick)
            })
            .collect()
    })
}

fn search_strategy() -> impl Strategy<Value = ServiceSearch> {
    (
        prop::option::of((30.58f64..30.70, 103.98f64..104.12)),
        prop::sample::select(vec![1u32, 200, 800, 3_000, 8_000, 50_000]),
        prop::sample::subsequence(vec!["meals", "care", "rehab"], 0..=2),
        prop::option::of(prop::sample::select(vec!["elder-care", "disability"])),
        prop::option::of(prop::sample::select(vec!["free", "subsidized", "paid"])),
        // One character, one bigram, several; in names and in shared descriptions.
        prop::option::of(prop::sample::select(vec![
            "助餐",
            "meal",
            "MEAL P",
            "服务",
            "x",
            "餐",
            "a",
            "meal plan",
            "护理服务",
            "l p",
            "复护",
        ])),
        (1u32..30, 0u64..60),
        (any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(near, radius, categories, group, cost, text, (limit, offset), (english, by_rating))| {
                let mut pairs = vec![
                    ("radius_m", radius.to_string()),
                    ("limit", limit.to_string()),
                    ("offset", offset.to_string()),
                ];
                pairs.extend(categories.into_iter().map(|c| ("category", c.to_owned())));
                pairs.extend(group.map(|g| ("group", g.to_owned())));
                pairs.extend(cost.map(|c| ("cost", c.to_owned())));
                pairs.extend(text.map(|t| ("q", t.to_owned())));
                if by_rating {
                    pairs.push(("sort", "rating".to_owned()));
                }
                search(&pairs, near, if english { Lang::En } else { Lang::Zh })
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Hundreds of services in a few cells, as in the city centre: whole cells counted from
    /// their counts, pages found in the first zone.
    #[test]
    fn a_dense_centre_is_answered_as_filtering_and_sorting_everything_would(
        services in services_within(0.004, 0.005),
        near in (30.598f64..30.606, 103.998f64..104.007),
        radius in prop::sample::select(vec![50u32, 150, 250, 400, 1_000]),
        limit in 1u32..30,
        category in prop::option::of(prop::sample::select(vec!["meals", "care"])),
        text in prop::option::of(prop::sample::select(vec!["助餐", "meal", "餐", "康复服务"])),
    ) {
        let mut pairs = vec![("radius_m", radius.to_string()), ("limit", limit.to_string())];
        pairs.extend(category.map(|c| ("category", c.to_owned())));
        pairs.extend(text.map(|t| ("q", t.to_owned())));
        let search = search(&pairs, Some(near), Lang::Zh);
        prop_assert_eq!(SearchIndex::build(services.clone()).search(&search), oracle(&services, &search));
    }

    #[test]
    fn the_index_answers_as_filtering_and_sorting_everything_would(
        services in services_strategy(),
        search in search_strategy(),
    ) {
        let index = SearchIndex::build(services.clone());
        prop_assert_eq!(index.search(&search), oracle(&services, &search));
    }

    /// A base index with changes laid over it (services moved, renamed, removed, added)
    /// answers as an index built from the services as they are now.
    #[test]
    fn changes_laid_over_the_index_answer_as_a_rebuilt_index_would(
        services in services_strategy(),
        changes in prop::collection::vec((0usize..400, 0.0f64..0.09, 0.0f64..0.1, 0usize..75, 0u8..4), 0..40),
        search in search_strategy(),
    ) {
        let base = Layered::new(SearchIndex::build(services.clone()));
        let mut now: std::collections::BTreeMap<i64, IndexedService> =
            services.iter().map(|s| (s.id, s.clone())).collect();
        let mut changed = std::collections::BTreeSet::new();
        for (n, (pick, dlat, dlon, kind, what)) in changes.into_iter().enumerate() {
            // Existing ids are n * 7 + 1; new ones are even, so never clash.
            let id = match services.get(pick) {
                Some(s) if what != 3 => s.id,
                _ => 10_000 + 2 * n as i64,
            };
            changed.insert(id);
            if what == 0 {
                now.remove(&id);
            } else {
                now.insert(id, service(id, 30.6 + dlat, 104.0 + dlon, kind));
            }
        }
        let current: Vec<IndexedService> = changed.iter().filter_map(|id| now.get(id).cloned()).collect();
        let layered = base.with_changes(changed.iter().copied(), current);
        let everything: Vec<IndexedService> = now.values().cloned().collect();
        let name = |id: i64| {
            let s = &now[&id];
            match search.lang {
                Lang::Zh => s.name_zh.as_str(),
                Lang::En => s.name_en.as_str(),
            }
        };
        prop_assert_eq!(layered.len(), everything.len());
        prop_assert_eq!(layered.search(&search, name), oracle(&everything, &search));
    }
}

#[test]
fn an_empty_index_finds_nothing() {
    let index = SearchIndex::build(Vec::new());
    let hits = index.search(&search(&[], Some((30.6, 104.0)), Lang::Zh));
    assert_eq!(hits, Hits { total: 0, ids: vec![] });
    assert!(index.is_empty());
}

#[test]
fn services_on_the_circle_are_decided_as_sql_decides_them() {
    // Points a few float steps either side of the circle, due north and due east: in or
    // out by the plane's own rounding, exactly as the SQL computes it.
    let step = 1e-12;
    let north = 30.6 + 1_000.0 / app::domain::geo::METRES_PER_DEGREE;
    let plane = LocalPlane::new(Coordinates::new(30.6, 104.0).unwrap());
    let east = 104.0 + 1_000.0 / plane.metres_per_degree_lon;
    let services: Vec<_> = (-5..=5)
        .flat_map(|n| {
            let n = f64::from(n);
            [(north + n * step, 104.0), (30.6, east + n * step)]
        })
        .enumerate()
        .map(|(id, (lat, lon))| service(id as i64, lat, lon, 0))
        .collect();
    let index = SearchIndex::build(services.clone());
    let s = search(
        &[("radius_m", "1000".into()), ("limit", "100".into())],
        Some((30.6, 104.0)),
        Lang::Zh,
    );
    let hits = index.search(&s);
    assert_eq!(hits, oracle(&services, &s));
    assert!(
        hits.total > 0 && hits.total < services.len() as u64,
        "the sweep straddles the circle"
    );
}

#[test]
fn counts_whole_cells_by_kind_without_scanning_them() {
    // Many services in one cell near the origin, one of each kind filter.
    let services: Vec<_> = (0..90)
        .map(|n| service(n, 30.6 + 0.00001 * n as f64, 104.0, n as usize))
        .collect();
    let index = SearchIndex::build(services.clone());
    for pairs in [
        vec![],
        vec![("cost", "free".to_owned())],
        vec![("group", "disability".to_owned())],
        vec![("category", "meals".to_owned()), ("category", "care".to_owned())],
    ] {
        let s = search(&pairs, Some((30.6, 104.0)), Lang::En);
        assert_eq!(index.search(&s), oracle(&services, &s), "{pairs:?}");
    }
}

#[test]
fn a_page_past_the_end_is_empty_but_keeps_the_total() {
    let services: Vec<_> = (0..5).map(|n| service(n, 30.6, 104.0, 0)).collect();
    let index = SearchIndex::build(services);
    let hits = index.search(&search(&[("offset", "40".into())], None, Lang::Zh));
    assert_eq!(hits, Hits { total: 5, ids: vec![] });
}
