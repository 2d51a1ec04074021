//! The in-process search index against the SQL search it replaces, on a real database of
//! each engine: the same answers for many searches, and never a stale one after a write.

mod common;

use app::domain::geo::Coordinates;
use app::domain::ids::{GridUnitId, OrganizationId, ServiceId};
use app::domain::lang::Lang;
use app::domain::search::{SearchParams, ServiceSearch};
use common::fixtures::{self, Lcg, ServiceSpec};
use common::Engine;
use doorstep_server::store::SqlStore;

const CENTRE: (f64, f64) = (30.6420, 104.0430);
const CATEGORIES: [&str; 4] = ["meal-assistance", "home-care", "rehabilitation", "mobility"];
const COSTS: [&str; 3] = ["free", "subsidized", "paid"];
const NAMES: [(&str, &str); 5] = [
    ("助餐点", "Meal point"),
    ("康复站", "Rehab station"),
    ("老年食堂", "Elder canteen"),
    ("助浴服务", "Bathing help"),
    ("MEAL 配送", "meal delivery"),
];

fn search(pairs: &[(&str, String)], near: Option<(f64, f64)>, lang: Lang) -> ServiceSearch {
    SearchParams::from_pairs(pairs)
        .unwrap()
        .resolve(near.map(|(lat, lon)| Coordinates::new(lat, lon).unwrap()), lang)
}

/// Random searches from a seed: positions, radii, filters, text, pages, languages.
fn searches(seed: u64, count: usize) -> Vec<ServiceSearch> {
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

async fn city(store: &SqlStore, services: usize) -> fixtures::Fixture {
    let fixture = fixtures::base(store).await;
    let mut rng = Lcg(7);
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
        fixtures::service(store, &fixture, &format!("s{i}"), &spec).await;
    }
    fixture
}

async fn the_index_answers_every_search_as_sql_does(engine: Engine) {
    let db = common::fresh_db(engine).await;
    city(&db.store, 150).await;
    let status = db.store.rebuild_index().await.unwrap();
    assert_eq!(status.services, 150);
    for (n, s) in searches(11, 300).iter().enumerate() {
        let by_index = db.store.search_by_index(s).await.unwrap();
        let by_sql = db.store.search_by_sql(s).await.unwrap();
        assert_eq!(by_index.as_ref(), Some(&by_sql), "search {n}: {s:?}");
    }
}

async fn after_any_write_the_next_indexed_search_is_current(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let fixture = city(&db.store, 30).await;
    let store = &db.store;
    let everything = search(
        &[("radius_m", "50000".into()), ("limit", "100".into())],
        Some(CENTRE),
        Lang::Zh,
    );
    let pool = store.pool();

    // Each kind of change the index depends on, made the way any writer would.
    let added = fixtures::service(
        store,
        &fixture,
        "new",
        &ServiceSpec::at("新服务", "New", CENTRE.0, CENTRE.1),
    )
    .await;
    // Changes to services and organizations are applied from the change log; the grid and
    // the categories, which every card shows, make the snapshot read whole again.
    let (applied, read_whole) = (true, false);
    let changes = [
        (
            format!("UPDATE services SET cost_kind = 'free', price_fen = NULL WHERE id = {added}"),
            applied,
        ),
        (
            format!("UPDATE services SET name_zh = '改名' WHERE id = {added}"),
            applied,
        ),
        // Service pages show coverage.
        (
            format!("INSERT INTO service_coverage (service_id, grid_unit_id) SELECT {added}, MIN(id) FROM grid_units"),
            applied,
        ),
        (
            format!("DELETE FROM service_coverage WHERE service_id = {added}"),
            applied,
        ),
        (format!("DELETE FROM services WHERE id = {added}"), applied),
        (
            "UPDATE categories SET group_slug = 'disability' WHERE slug = 'meal-assistance'".to_owned(),
            read_whole,
        ),
        // Result cards show the organization's name.
        (
            "UPDATE organizations SET name_en = 'Renamed' WHERE id IN (SELECT organization_id FROM services)"
                .to_owned(),
            applied,
        ),
        // A statement that changes no row bumps the version and changes nothing.
        ("UPDATE services SET name_zh = 'x' WHERE id < 0".to_owned(), applied),
        (
            "UPDATE categories SET name_zh = '新名' WHERE slug = 'home-care'".to_owned(),
            read_whole,
        ),
        // The place picker (cached by the same version) shows the grid.
        (
            "UPDATE grid_units SET sort_order = sort_order + 1".to_owned(),
            read_whole,
        ),
    ];
    store.rebuild_index().await.unwrap();
    for (change, how) in changes {
        let before = store.index_status().unwrap().version;
        assert!(store.search_by_index(&everything).await.unwrap().is_some());
        sqlx::query(&change).execute(pool).await.unwrap();
        let next = store.search_by_index(&everything).await.unwrap();
        if how == applied {
            assert_eq!(next, Some(store.search_by_sql(&everything).await.unwrap()), "{change}");
            // (A statement that changes no row fires no row trigger on SQLite.)
            let changes_rows = !change.ends_with("WHERE id < 0");
            assert!(
                store.index_status().unwrap().version > before || !changes_rows,
                "{change} bumped the version"
            );
        } else {
            // Stale: refused, not served, until read whole.
            assert_eq!(next, None, "{change}");
            let status = store.rebuild_index().await.unwrap();
            assert!(status.version > before, "{change} bumped the version");
        }
        assert_eq!(
            store.search_by_index(&everything).await.unwrap(),
            Some(store.search_by_sql(&everything).await.unwrap()),
            "{change}"
        );
    }
    // The category change moved meals to the disability group.
    let disability = search(&[("group", "disability".into())], None, Lang::Zh);
    let page = store.search_by_index(&disability).await.unwrap().unwrap();
    assert!(page.items.iter().any(|s| s.category.slug == "meal-assistance"));
    let english = search(&[("radius_m", "50000".into())], Some(CENTRE), Lang::En);
    let page = store.search_by_index(&english).await.unwrap().unwrap();
    assert!(page.items.iter().all(|s| s.organization.name == "Renamed"));
}

/// An instance whose snapshot is older than the change log reaches (pruned by another
/// instance's whole read) cannot apply changes: it answers by SQL and reads everything.
async fn a_snapshot_older_than_the_change_log_is_read_whole_again(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let fixture = city(&db.store, 10).await;
    let store = &db.store;
    store.rebuild_index().await.unwrap();
    let s = search(&[("radius_m", "50000".into())], Some(CENTRE), Lang::Zh);
    fixtures::service(
        store,
        &fixture,
        "late",
        &ServiceSpec::at("后来的", "Late", CENTRE.0, CENTRE.1),
    )
    .await;
    sqlx::query("UPDATE directory_changes_kept SET from_version = (SELECT version FROM directory_version)")
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(
        store.search_by_index(&s).await.unwrap(),
        None,
        "stale, and the log cannot bring it up to date"
    );
    let status = store.rebuild_index().await.unwrap();
    assert_eq!(status.changed, 0);
    assert_eq!(
        store.search_by_index(&s).await.unwrap(),
        Some(store.search_by_sql(&s).await.unwrap())
    );
}

/// Hundreds of services changed in one statement are still applied as changes (no read
/// falls to SQL), and a whole read then folds them into a new base with the same answers.
async fn many_changes_are_applied_then_folded_into_a_new_base(engine: Engine) {
    let db = common::fresh_db(engine).await;
    city(&db.store, 520).await;
    let store = &db.store;
    store.rebuild_index().await.unwrap();
    sqlx::query("UPDATE services SET capacity = 7, name_en = name_en || ' (new)'")
        .execute(store.pool())
        .await
        .unwrap();
    // Answered from the snapshot (a read that could not apply the changes would be `None`),
    // as SQL answers; the first of them applied the changes and, there being so many,
    // started a whole read in the background, which may finish at any point in between.
    let checks = searches(11, 20);
    for s in &checks {
        assert_eq!(
            store.search_by_index(s).await.unwrap(),
            Some(store.search_by_sql(s).await.unwrap())
        );
    }
    // Waiting for the build lock waits for that read; afterwards nothing is left to fold.
    let folded = store.rebuild_index().await.unwrap();
    assert_eq!(folded.changed, 0);
    for s in &checks {
        assert_eq!(
            store.search_by_index(s).await.unwrap(),
            Some(store.search_by_sql(s).await.unwrap())
        );
    }
}

async fn a_search_while_the_index_is_missing_is_answered_by_sql_and_starts_a_build(engine: Engine) {
    let db = common::fresh_db(engine).await;
    city(&db.store, 10).await;
    assert!(db.store.index_status().is_none());
    let s = search(&[], Some(CENTRE), Lang::En);
    use app::domain::store::DirectoryStore;
    let page = db.store.cached().search_services(&s).await.unwrap();
    assert_eq!(page, db.store.search_by_sql(&s).await.unwrap());
    // The background build finishes on its own.
    for _ in 0..200 {
        if db.store.index_status().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(db.store.index_status().map(|s| s.services), Some(10));
    assert_eq!(db.store.search_by_index(&s).await.unwrap(), Some(page));
}

/// Categories and the grid (search form, place picker), service pages and organization pages,
/// on a small generated city (its grid has every level, sort orders and both languages).
async fn the_snapshot_answers_grid_category_service_and_organization_reads_as_sql_does(engine: Engine) {
    use app::domain::store::DirectoryStore;
    use doorstep_server::generate::{generate, CitySize};
    let db = common::fresh_db(engine).await;
    let size = CitySize {
        seed: 3,
        communities: 4,
        organizations: 10,
        services: 50,
    };
    generate(&db.store, size).await.unwrap();
    let store = &db.store;
    // Coverage in an order that is neither the units' ids nor the insertion order.
    sqlx::query(
        "INSERT INTO service_coverage (service_id, grid_unit_id) \
         SELECT s.id, g.id FROM services s, grid_units g WHERE s.id % 4 = 0 AND g.id % 7 = s.id % 3",
    )
    .execute(store.pool())
    .await
    .unwrap();
    // A suspended organization has no page, nor have its services.
    let suspended: i64 = sqlx::query_scalar("SELECT MAX(organization_id) FROM services")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE organizations SET suspended = 1 WHERE id = $1")
        .bind(suspended)
        .execute(store.pool())
        .await
        .unwrap();
    store.rebuild_index().await.unwrap();
    // The snapshot layer against the SQL store beneath it.
    let cached = store.cached();
    for lang in [Lang::Zh, Lang::En] {
        assert_eq!(
            cached.categories(lang).await.unwrap(),
            store.categories_by_sql(lang).await.unwrap()
        );
        let units = cached.grid_units(lang).await.unwrap();
        assert!(units.len() > 20, "a whole grid: {}", units.len());
        assert_eq!(units, store.grid_units_by_sql(lang).await.unwrap());
        let communities = cached.communities(lang).await.unwrap();
        assert_eq!(communities.len(), 4);
        assert_eq!(communities, store.communities_by_sql(lang).await.unwrap());
        for community in &communities {
            let places = cached.home_places_in(community.id, lang).await.unwrap();
            assert!(!places.is_empty());
            assert_eq!(
                places,
                store.home_places_in_by_sql(community.id.get(), lang).await.unwrap()
            );
        }
        for id in units.iter().map(|u| u.id.get()).chain([999_999]) {
            assert_eq!(
                cached.grid_unit(GridUnitId::new(id).unwrap(), lang).await.unwrap(),
                store.grid_unit_by_sql(id, lang).await.unwrap()
            );
            assert_eq!(
                cached.grid_children(GridUnitId::new(id), lang).await.unwrap(),
                store.grid_children_by_sql(Some(id), lang).await.unwrap()
            );
        }
        let roots = cached.grid_children(None, lang).await.unwrap();
        assert_eq!(roots.len(), 1, "the generated city has one district");
        assert_eq!(roots, store.grid_children_by_sql(None, lang).await.unwrap());
    }
    // Every service page and organization page, with and without a position, and ids that
    // name nothing.
    use sqlx::Row;
    let services = sqlx::query("SELECT id, organization_id FROM services ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let near = Some(Coordinates::new(30.65, 104.06).unwrap());
    let (mut shown, mut covered) = (0, 0);
    for (id, org) in services
        .iter()
        .map(|row| (row.get::<i64, _>(0), row.get::<i64, _>(1)))
        .chain([(999_999, 999_999)])
    {
        for (lang, near) in [(Lang::Zh, None), (Lang::En, near)] {
            let organization = cached
                .organization(OrganizationId::new(org).unwrap(), lang, near)
                .await
                .unwrap();
            assert_eq!(
                organization,
                store
                    .organization_by_sql(OrganizationId::new(org).unwrap(), lang, near)
                    .await
                    .unwrap(),
                "organization {org}"
            );
            let service = cached.service(ServiceId::new(id).unwrap(), lang, near).await.unwrap();
            assert_eq!(
                service,
                store
                    .service_by_sql(ServiceId::new(id).unwrap(), lang, near)
                    .await
                    .unwrap(),
                "service {id}"
            );
            assert_eq!(service.is_none(), org == suspended || id == 999_999);
            if let Some(service) = service {
                shown += 1;
                covered += usize::from(service.coverage.len() > 1);
                assert!(organization.is_some_and(|o| !o.offerings.is_empty()));
            }
        }
    }
    assert!(
        shown > 40 && covered > 5,
        "the comparison covered pages: {shown}, {covered}"
    );
    // And these reads came from the snapshot, not SQL: it is current.
    assert!(store
        .search_by_index(&search(&[], None, Lang::Zh))
        .await
        .unwrap()
        .is_some());
}

/// The snapshot reads services a batch at a time (one statement for a whole city could
/// outlast the statement timeout); batches must neither skip nor repeat a service.
async fn a_snapshot_read_in_small_batches_holds_every_service_once(engine: Engine) {
    use doorstep_server::store::DirectoryRead;
    let db = common::fresh_db(engine).await;
    city(&db.store, 30).await;
    let ids = |read: &DirectoryRead| {
        let mut ids: Vec<i64> = read.services.iter().map(|s| s.id).collect();
        ids.sort();
        ids
    };
    let whole = DirectoryRead::read_in_batches(db.store.pool(), db.store.engine(), 1_000)
        .await
        .unwrap();
    assert_eq!(whole.services.len(), 30);
    for batch in [1, 7, 10, 30] {
        let read = DirectoryRead::read_in_batches(db.store.pool(), db.store.engine(), batch)
            .await
            .unwrap();
        assert_eq!(ids(&read), ids(&whole), "batch {batch}");
        assert_eq!(read.version, whole.version);
    }
}

/// A request's store settles on one snapshot at its first read and keeps it: a write in
/// the middle of a page render does not mix two versions into one page.
async fn a_pinned_store_answers_a_whole_request_from_one_snapshot(engine: Engine) {
    use app::domain::store::DirectoryStore;
    let db = common::fresh_db(engine).await;
    let store = &db.store;
    fixtures::base(store).await;
    store.rebuild_index().await.unwrap();
    let request = store.pinned();
    let before = request.categories(Lang::En).await.unwrap();
    sqlx::query(
        "INSERT INTO categories (slug, group_slug, name_zh, name_en, sort_order) \
         VALUES ('day-care', 'elder-care', '日间照料', 'Day care', 9)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    assert_eq!(
        request.categories(Lang::En).await.unwrap(),
        before,
        "the same request, the same snapshot"
    );
    let next_request = store.pinned();
    let after = next_request.categories(Lang::En).await.unwrap();
    assert_eq!(after.len(), before.len() + 1, "the next request sees the write at once");
}

/// A snapshot is only as fresh as the triggers that bump `directory_version`: every column
/// it reads (taken from its own queries) must bump the version when updated, or a change
/// to that column would be served stale from every instance's memory.
async fn every_column_the_snapshot_reads_bumps_the_version_when_updated(engine: Engine) {
    let db = common::fresh_db(engine).await;
    doorstep_server::demo::load(&db.store).await.unwrap();
    let pool = db.store.pool();
    let version = || async {
        sqlx::query_scalar::<_, i64>("SELECT version FROM directory_version WHERE id = 1")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let columns = doorstep_server::store::columns_read();
    assert!(
        columns.len() > 40,
        "the snapshot's columns were read from its queries: {columns:?}"
    );
    for (table, column) in columns {
        let before = version().await;
        sqlx::query(&format!("UPDATE {table} SET {column} = {column}"))
            .execute(pool)
            .await
            .unwrap();
        assert!(
            version().await > before,
            "updating {table}.{column} does not bump directory_version"
        );
        // … and records what changed, so instances apply it instead of reading everything.
        let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM directory_changes WHERE version > $1")
            .bind(before)
            .fetch_one(pool)
            .await
            .unwrap();
        assert!(logged > 0, "updating {table}.{column} is not in directory_changes");
    }
}

/// Organizations publish, edit, pause, resume and retire while community staff verify and
/// suspend: after every few steps the snapshot, brought up to date from the change log,
/// answers every search, service page and organization page exactly as SQL does (paused
/// and retired offerings, unverified and suspended organizations included).
async fn after_random_publishing_the_snapshot_answers_as_sql_does(engine: Engine) {
    use app::domain::offerings::draft::{OfferingInput, PriceInput};
    use app::domain::offerings::use_cases::{Offerings, Transition};
    use app::domain::store::DirectoryStore;
    use common::people;
    let db = common::fresh_db(engine).await;
    let store = &db.store;
    let fixture = city(store, 40).await;
    let staff = people::person(store, "机构社工").await;
    people::exec(
        store,
        "INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, 'owner', 0)",
        &[fixture.organization, staff.id],
    )
    .await;
    let other_staff = people::person(store, "另一家机构").await;
    let other = people::organization(store, fixture.community, &other_staff).await;
    let principal = |p: &people::Person| app::domain::accounts::principal::Principal {
        person: app::domain::ids::PersonId::new(p.id).unwrap(),
        roles: app::domain::accounts::principal::Roles {
            organizations: vec![(
                OrganizationId::new(if p.id == staff.id { fixture.organization } else { other }).unwrap(),
                app::domain::accounts::principal::MemberRole::Owner,
            )],
            ..Default::default()
        },
    };
    let (me, them) = (principal(&staff), principal(&other_staff));
    let use_cases = Offerings { store, now: 1 };
    let mut rng = Lcg(2026);
    let mut published: Vec<ServiceId> = Vec::new();
    let (mut done, mut refused) = (0, 0);
    store.rebuild_index().await.unwrap();
    for step in 0..60 {
        let (zh, en) = *rng.pick(&NAMES);
        let input = OfferingInput {
            category: rng.pick(&CATEGORIES).to_string(),
            name_zh: format!("{zh}{step}"),
            name_en: (step % 3 == 0).then(|| format!("{en} {step}")),
            description_zh: "新发布的服务".into(),
            delivery: if step % 4 == 0 { "at-home" } else { "on-site" }.into(),
            place_id: Some(fixture.courtyard),
            coverage: if step % 4 == 0 { vec![fixture.courtyard] } else { vec![] },
            latitude: Some(CENTRE.0 + (rng.next_f64() - 0.5) * 0.04),
            longitude: Some(CENTRE.1 + (rng.next_f64() - 0.5) * 0.04),
            cost: "paid".into(),
            price: Some(PriceInput {
                amount_fen: 500 + step,
                unit: "visit".into(),
            }),
            phone: "028-85550000".into(),
            ..Default::default()
        };
        let who = if step % 5 == 4 { &them } else { &me };
        let organization = who.roles.organizations[0].0;
        let pick = |rng: &mut Lcg, published: &[ServiceId]| (!published.is_empty()).then(|| *rng.pick(published));
        // Every kind of step comes round (a random pick starved some); what it acts on is random.
        const STEPS: [&str; 10] = [
            "create", "create", "edit", "pause", "create", "resume", "retire", "verify", "pause", "suspend",
        ];
        let outcome = match STEPS[(step as usize + rng.pick(&[0, 0, 1])) % STEPS.len()] {
            "create" => use_cases
                .create(who, organization, &input)
                .await
                .map(|o| published.push(o.id)),
            "edit" => match pick(&mut rng, &published) {
                Some(id) => use_cases.edit(&me, id, &input, None).await.map(|_| ()),
                None => Ok(()),
            },
            "pause" => match pick(&mut rng, &published) {
                Some(id) => use_cases
                    .transition(
                        &me,
                        id,
                        Transition::Pause {
                            reason: "休整".into()
                        },
                        None,
                    )
                    .await
                    .map(|_| ()),
                None => Ok(()),
            },
            "resume" => match pick(&mut rng, &published) {
                Some(id) => use_cases
                    .transition(&me, id, Transition::Resume, None)
                    .await
                    .map(|_| ()),
                None => Ok(()),
            },
            "retire" => match pick(&mut rng, &published) {
                Some(id) => use_cases
                    .transition(&me, id, Transition::Retire { reason: None }, None)
                    .await
                    .map(|_| ()),
                None => Ok(()),
            },
            "verify" => {
                let verified = i64::from(rng.next_f64() < 0.7);
                people::exec(
                    store,
                    "UPDATE organizations SET verified = $1 WHERE id = $2",
                    &[verified, other],
                )
                .await;
                Ok(())
            }
            _ => {
                // Suspended now and then, reinstated most times.
                let suspended = i64::from(rng.next_f64() < 0.25);
                let org = *rng.pick(&[fixture.organization, other]);
                people::exec(
                    store,
                    "UPDATE organizations SET suspended = $1 WHERE id = $2",
                    &[suspended, org],
                )
                .await;
                Ok(())
            }
        };
        match outcome {
            Ok(()) => done += 1,
            Err(e) => {
                if std::env::var("SHOW_REFUSALS").is_ok() {
                    eprintln!("step {step}: {e:?}");
                }
                refused += 1
            }
        }
        if step % 5 != 4 {
            continue;
        }
        // The snapshot took these steps as changes, not by reading everything again (and
        // half way, everything is read again: changes then apply to the new base).
        if step == 29 {
            store.rebuild_index().await.unwrap();
        }
        for (n, s) in searches(step as u64, 40).iter().enumerate() {
            let by_index = store.search_by_index(s).await.unwrap();
            assert_eq!(
                by_index.as_ref(),
                Some(&store.search_by_sql(s).await.unwrap()),
                "step {step}, search {n}"
            );
        }
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM services ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
        for id in ids {
            for lang in [Lang::Zh, Lang::En] {
                let id = ServiceId::new(id).unwrap();
                assert_eq!(
                    store.cached().service(id, lang, None).await.unwrap(),
                    store.service_by_sql(id, lang, None).await.unwrap(),
                    "step {step}, service {id}"
                );
            }
        }
        for org in [fixture.organization, other] {
            let org = OrganizationId::new(org).unwrap();
            assert_eq!(
                store.cached().organization(org, Lang::Zh, None).await.unwrap(),
                store.organization_by_sql(org, Lang::Zh, None).await.unwrap(),
                "step {step}, organization {org}"
            );
        }
    }
    let status = store.index_status().unwrap();
    assert!(status.changed > 0, "the last steps were applied as changes: {status:?}");
    let statuses: Vec<String> = sqlx::query_scalar("SELECT DISTINCT status FROM services ORDER BY status")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(statuses, ["active", "paused", "retired"], "every status was compared");
    assert!(
        done > 30 && refused > 0,
        "the sequence did things and was refused some: {done}, {refused}"
    );
}

/// Text matches after one folding of width and case, the same in the index and in SQL on
/// both engines (SQLite's `LOWER` alone would not fold `É`, nor either engine `ＭＥＡＬ`);
/// a row written by hand without its search text is found by neither until it is filled.
async fn text_search_folds_width_and_case_alike_everywhere(engine: Engine) {
    let db = common::fresh_db(engine).await;
    let store = &db.store;
    let fixture = fixtures::base(store).await;
    let mut ids = Vec::new();
    for (code, zh, en) in [
        ("w1", "ＭＥＡＬ 配送", "Hot meals"),
        ("w2", "老年食堂", "CAFÉ ÉLAN"),
        ("w3", "助浴", "Bath help"),
    ] {
        ids.push(fixtures::service(store, &fixture, code, &ServiceSpec::at(zh, en, CENTRE.0, CENTRE.1)).await);
    }
    sqlx::query(
        "INSERT INTO services (code, organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, \
             grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, cost_kind, phone) \
         SELECT 'by-hand', organization_id, category_slug, 'Ｍｅａｌ by hand', 'x', 'x', 'x', delivery, grid_unit_id, \
             address_zh, address_en, latitude, longitude, hours_zh, hours_en, cost_kind, phone FROM services WHERE code = 'w1'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let found = |q: &'static str| async move {
        let s = search(&[("q", q.to_owned()), ("limit", "20".to_owned())], None, Lang::Zh);
        store.rebuild_index().await.unwrap();
        let by_index = store.search_by_index(&s).await.unwrap().expect("a current snapshot");
        let by_sql = store.search_by_sql(&s).await.unwrap();
        assert_eq!(by_index, by_sql, "{q}");
        by_sql.items.iter().map(|i| i.id.get()).collect::<Vec<_>>()
    };
    for q in ["meal", "MEAL", "ＭＥＡＬ", "ｍｅａｌ", "Meal"] {
        assert_eq!(found(q).await, [ids[0]], "{q}: the row by hand has no search text yet");
    }
    for q in ["café", "CAFÉ", "élan", "ÉLAN", "Café Élan"] {
        assert_eq!(found(q).await, [ids[1]], "{q}");
    }
    assert_eq!(found("配送").await, [ids[0]]);
    assert_eq!(store.backfill_search_text().await.unwrap(), 1);
    assert_eq!(found("ｍｅａｌ").await.len(), 2, "filled, it is found too");
}

on_both_engines!(
    text_search_folds_width_and_case_alike_everywhere,
    after_random_publishing_the_snapshot_answers_as_sql_does,
    every_column_the_snapshot_reads_bumps_the_version_when_updated,
    a_pinned_store_answers_a_whole_request_from_one_snapshot,
    the_index_answers_every_search_as_sql_does,
    a_snapshot_read_in_small_batches_holds_every_service_once,
    the_snapshot_answers_grid_category_service_and_organization_reads_as_sql_does,
    after_any_write_the_next_indexed_search_is_current,
    a_snapshot_older_than_the_change_log_is_read_whole_again,
    many_changes_are_applied_then_folded_into_a_new_base,
    a_search_while_the_index_is_missing_is_answered_by_sql_and_starts_a_build,
);
