//! Test harness: a real server on a random port over a real database, SQLite or
//! PostgreSQL, fresh for every test.

#![allow(dead_code)]

pub mod activities;
pub mod city;
pub mod fixtures;
pub mod forms;
pub mod offerings;
pub mod people;
pub mod requests;

use clap::Parser;
use doorstep_server::config::Cli;
use doorstep_server::router;
use doorstep_server::store::{SqlStore, StoreOptions};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL server for tests is; each test makes its own database in it.
fn postgres_admin_url() -> String {
    std::env::var("DOORSTEP_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// One runtime for every test in the binary, as a server process has one. Test bodies
/// run on it with `block_on`; servers, pools and clients all live on it. (With
/// `#[tokio::test]`'s runtime per test, a pool or server outliving its runtime's reactor was
/// seen to stall a test now and then.)
static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
});

/// Runs one test body on the shared runtime.
pub fn run<F: std::future::Future>(body: F) -> F::Output {
    RUNTIME.block_on(body)
}

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh, empty, migrated database.
pub struct TestDb {
    pub url: String,
    pub store: SqlStore,
    pub _dir: Option<tempdir::TempDir>,
}

pub async fn fresh_db(engine: Engine) -> TestDb {
    match engine {
        Engine::Sqlite => {
            let dir = tempdir::TempDir::new();
            let url = format!("sqlite://{}/test.db?mode=rwc", dir.path.display());
            let store = SqlStore::connect(&StoreOptions::new(&url)).await.expect("open sqlite");
            store.migrate().await.expect("migrate");
            TestDb {
                url,
                store,
                _dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let admin_url = postgres_admin_url();
            let name = unique_name("doorstep_t");
            let admin = SqlStore::connect(&StoreOptions::new(&admin_url))
                .await
                .expect("PostgreSQL must run for the tests: scripts/test.sh starts it");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await
                .expect("create database");
            admin.pool().close().await;
            let base = admin_url.rsplit_once('/').expect("database url has a path").0;
            let url = format!("{base}/{name}");
            let store = SqlStore::connect(&StoreOptions::new(&url))
                .await
                .expect("open postgres");
            store.migrate().await.expect("migrate");
            TestDb { url, store, _dir: None }
        }
    }
}

/// A running server.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }
}

pub async fn spawn(engine: Engine) -> TestApp {
    spawn_with(fresh_db(engine).await).await
}

pub async fn spawn_with(db: TestDb) -> TestApp {
    spawn_configured(db, &[]).await
}

/// A server with extra command-line options (`--request-timeout-ms 500`, …).
pub async fn spawn_configured(db: TestDb, options: &[&str]) -> TestApp {
    // The server's warnings and errors go to the test's output, shown when it fails.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn,sqlx=error")
        .with_test_writer()
        .try_init();
    let mut args = vec!["doorstep", "--addr", "127.0.0.1:0", "--database-url", &db.url];
    args.extend_from_slice(options);
    let cli = Cli::try_parse_from(args).unwrap();
    let app = router::build(db.store.clone(), &cli.config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base: format!("http://{addr}"),
        client,
        db,
    }
}

/// Runs an async test body once per engine, as two named tests.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { $crate::common::run(super::$name($crate::common::Engine::Sqlite)) } )*
        }
        mod postgres {
            $( #[test] fn $name() { $crate::common::run(super::$name($crate::common::Engine::Postgres)) } )*
        }
    };
}

/// A temporary directory removed on drop (kept tiny to avoid a dependency).
pub mod tempdir {
    pub struct TempDir {
        pub path: std::path::PathBuf,
    }
    impl TempDir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(super::unique_name("doorstep"));
            std::fs::create_dir_all(&path).unwrap();
            Self { path }
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
