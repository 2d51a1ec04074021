//! The in-process search index and snapshot against the SQL store they stand in for, on
//! a real database of each engine: the same answers for many searches, pages and grid
//! reads. How the snapshot follows writes is `directory_writes.rs`.

mod common;

use app::domain::geo::Coordinates;
use app::domain::ids::{GridUnitId, OrganizationId, ServiceId};
use app::domain::lang::Lang;
use common::city::{city, search, searches, CENTRE};
use common::fixtures::{self, ServiceSpec};
use common::Engine;

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
    let size = CitySize::city(3, 4, 10, 50);
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
    let ids = |read: &DirectoryRead| read.index.ids().collect::<Vec<i64>>();
    let whole = DirectoryRead::read_in_batches(db.store.pool(), db.store.engine(), 1_000)
        .await
        .unwrap();
    assert_eq!(whole.index.len(), 30);
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
    a_pinned_store_answers_a_whole_request_from_one_snapshot,
    the_index_answers_every_search_as_sql_does,
    a_snapshot_read_in_small_batches_holds_every_service_once,
    the_snapshot_answers_grid_category_service_and_organization_reads_as_sql_does,
    a_search_while_the_index_is_missing_is_answered_by_sql_and_starts_a_build,
);
