//! Several stateless instances over one PostgreSQL behave as one.

mod common;

use common::fixtures::{self, ServiceSpec};
use common::{spawn_with, Engine, TestDb};
use doorstep_server::store::{SqlStore, StoreOptions};

#[test]
fn two_instances_on_one_postgres_migrate_together_and_see_each_others_writes_at_once() {
    common::run(async {
        // A fresh, empty database that neither instance has migrated yet.
        let seed = common::fresh_db(Engine::Postgres).await;
        sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            .execute(seed.store.pool())
            .await
            .unwrap();

        // Both start at once; both run the migrations; exactly one applies them.
        let options = StoreOptions::new(&seed.url);
        let (a, b) = tokio::join!(SqlStore::connect(&options), SqlStore::connect(&options));
        let (a, b) = (a.unwrap(), b.unwrap());
        let (applied_a, applied_b) = tokio::join!(a.migrate(), b.migrate());
        let mut applied = applied_a.unwrap();
        applied.extend(applied_b.unwrap());
        applied.sort();
        let recorded: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(a.pool())
            .await
            .unwrap();
        assert!(recorded.len() >= 6, "every migration is recorded: {recorded:?}");
        assert_eq!(applied, recorded, "each migration ran once, by one of the two");

        let one = spawn_with(TestDb {
            url: seed.url.clone(),
            store: a,
            _dir: None,
        })
        .await;
        let two = spawn_with(TestDb {
            url: seed.url.clone(),
            store: b,
            _dir: None,
        })
        .await;

        // Written through instance one …
        let fixture = fixtures::base(&one.db.store).await;
        let id = fixtures::service(
            &one.db.store,
            &fixture,
            "x",
            &ServiceSpec::at("助餐", "Meals", 30.64, 104.05),
        )
        .await;
        // … seen at once through instance two, and the other way round.
        let (status, body) = two.get_json(&format!("/api/v1/services/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(body["name"], "助餐");
        let other = fixtures::service(
            &two.db.store,
            &fixture,
            "y",
            &ServiceSpec::at("康复", "Rehab", 30.64, 104.05),
        )
        .await;
        let (_, list) = one.get_json("/api/v1/services").await;
        assert_eq!(list["total"], 2);
        assert!(list["items"].as_array().unwrap().iter().any(|s| s["id"] == other));
    })
}

/// Each instance keeps an in-process search index; a write through one must show in the
/// other's very next search, not after some refresh interval.
#[test]
fn a_write_through_one_instance_shows_in_the_other_instances_indexed_search_at_once() {
    common::run(async {
        let seed = common::fresh_db(Engine::Postgres).await;
        let b = SqlStore::connect(&StoreOptions::new(&seed.url)).await.unwrap();
        let one = spawn_with(seed).await;
        let two = spawn_with(TestDb {
            url: one.db.url.clone(),
            store: b,
            _dir: None,
        })
        .await;
        let fixture = fixtures::base(&one.db.store).await;
        fixtures::service(
            &one.db.store,
            &fixture,
            "a",
            &ServiceSpec::at("助餐", "Meals", 30.64, 104.05),
        )
        .await;
        let near = "/api/v1/services?lat=30.64&lon=104.05&radius_m=3000";

        for round in 0..3 {
            // Instance two's index is current, and is what answers.
            two.db.store.rebuild_index().await.unwrap();
            let before = two.db.store.index_status().unwrap();
            let (_, list) = two.get_json(near).await;
            let total = list["total"].as_u64().unwrap();

            // A write through instance one …
            let added = fixtures::service(
                &one.db.store,
                &fixture,
                &format!("b{round}"),
                &ServiceSpec::at("新开的助餐点", "New meal point", 30.641, 104.05),
            )
            .await;
            // … is in instance two's very next answer.
            let (status, list) = two.get_json(near).await;
            assert_eq!(status, 200);
            assert_eq!(list["total"].as_u64().unwrap(), total + 1, "round {round}");
            assert!(list["items"].as_array().unwrap().iter().any(|s| s["id"] == added));
            let rebuilt = two.db.store.rebuild_index().await.unwrap();
            assert!(rebuilt.version > before.version, "round {round}");
            let (_, again) = two.get_json(near).await;
            assert_eq!(again, list, "the rebuilt index answers as SQL did");
        }
    })
}
