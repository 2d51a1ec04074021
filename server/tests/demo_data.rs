//! The demo data and the schema history: loading twice changes nothing, and the data set
//! is what the foundation issue promises, on both engines.

mod common;

use common::{fresh_db, Engine};
use doorstep_server::demo::{self, LoadOutcome};
use sqlx::Row;

async fn count(db: &common::TestDb, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(db.store.pool()).await.unwrap().get(0)
}

async fn demo_data_loads_once_and_a_second_load_changes_nothing(engine: Engine) {
    let db = fresh_db(engine).await;
    let first = demo::load(&db.store).await.unwrap();
    assert!(matches!(first, LoadOutcome::Loaded { .. }));
    let tables = [
        "grid_units",
        "categories",
        "organizations",
        "services",
        "service_coverage",
        "activities",
        "activity_signups",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(count(&db, &format!("SELECT COUNT(*) FROM {t}")).await);
    }
    assert_eq!(demo::load(&db.store).await.unwrap(), LoadOutcome::AlreadyLoaded);
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(count(&db, &format!("SELECT COUNT(*) FROM {t}")).await, n, "{t}");
    }
}

async fn demo_data_covers_the_promised_slice_of_wuhou(engine: Engine) {
    let db = fresh_db(engine).await;
    demo::load(&db.store).await.unwrap();
    assert!(count(&db, "SELECT COUNT(*) FROM grid_units WHERE kind = 'subdistrict'").await >= 2);
    assert!(count(&db, "SELECT COUNT(*) FROM grid_units WHERE kind = 'community'").await >= 6);
    for name in ["华兴街道", "南桥社区", "玉林街道", "玉林东路社区"] {
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM grid_units WHERE name_zh = '{name}'")
            )
            .await,
            1,
            "{name}"
        );
    }
    // Full four levels (community → zone → level 3 → building) under at least two communities.
    let full = count(
        &db,
        "SELECT COUNT(DISTINCT c.id) FROM grid_units c
         JOIN grid_units z ON z.parent_id = c.id AND z.kind = 'zone'
         JOIN grid_units u ON u.parent_id = z.id AND u.kind IN ('courtyard', 'estate', 'resident-unit')
         JOIN grid_units b ON b.parent_id = u.id AND b.kind = 'building'
         WHERE c.kind = 'community'",
    )
    .await;
    assert!(full >= 2, "{full}");
    assert!(count(&db, "SELECT COUNT(*) FROM organizations").await >= 12);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM organizations WHERE name_zh = '武侯区上和社会工作服务中心'"
        )
        .await,
        1
    );
    assert!(count(&db, "SELECT COUNT(*) FROM services").await >= 60);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM categories c WHERE NOT EXISTS (SELECT 1 FROM services s WHERE s.category_slug = c.slug)").await,
        0,
        "every category has offerings"
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM services WHERE latitude NOT BETWEEN 30.62 AND 30.66 OR longitude NOT BETWEEN 104.02 AND 104.07").await,
        0,
        "all offerings lie in Wuhou District"
    );
}

/// Upcoming activities from several organizations and a community's own staff, some
/// nearly full and one full with a waitlist; the counts the triggers keep agree with the rows.
async fn demo_volunteering_is_upcoming_and_some_is_nearly_full(engine: Engine) {
    let db = fresh_db(engine).await;
    demo::load(&db.store).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM activities WHERE status = 'published' AND starts_at > {now}")
        )
        .await,
        10
    );
    assert!(count(&db, "SELECT COUNT(DISTINCT organization_id) FROM activities").await >= 3);
    assert!(count(&db, "SELECT COUNT(DISTINCT community_id) FROM activities").await >= 2);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM activities WHERE organization_id IS NULL").await,
        1
    );
    assert!(
        count(&db, "SELECT COUNT(*) FROM activities WHERE places - confirmed = 1").await >= 1,
        "nearly full"
    );
    assert!(
        count(
            &db,
            "SELECT COUNT(*) FROM activities WHERE waitlisted > 0 AND confirmed = places"
        )
        .await
            >= 1
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM activities a WHERE confirmed <> (SELECT COUNT(*) FROM activity_signups s \
             WHERE s.activity_id = a.id AND s.status = 'confirmed')"
        )
        .await,
        0
    );
}

async fn migrations_run_twice_without_change(engine: Engine) {
    let db = fresh_db(engine).await;
    assert!(
        db.store.migrate().await.unwrap().is_empty(),
        "already applied by fresh_db"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM schema_migrations").await, 20);
}

async fn a_failed_load_leaves_nothing_behind(engine: Engine) {
    let db = fresh_db(engine).await;
    // A category already there makes the demo load's own insert collide halfway through.
    sqlx::query("INSERT INTO categories (slug, group_slug, name_zh, name_en, sort_order) VALUES ('bathing', 'elder-care', '助浴', 'Bathing', 0)")
        .execute(db.store.pool())
        .await
        .unwrap();
    assert!(demo::load(&db.store).await.is_err());
    assert_eq!(count(&db, "SELECT COUNT(*) FROM grid_units").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM data_loads").await, 0);
}

on_both_engines!(
    demo_data_loads_once_and_a_second_load_changes_nothing,
    demo_volunteering_is_upcoming_and_some_is_nearly_full,
    demo_data_covers_the_promised_slice_of_wuhou,
    migrations_run_twice_without_change,
    a_failed_load_leaves_nothing_behind,
);
