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
        sqlx::raw_sql("DROP TABLE service_coverage, services, organizations, categories, grid_units, data_loads, schema_migrations")
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
        assert_eq!(applied, vec![1], "the migration ran once");

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
