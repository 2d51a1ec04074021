//! Schema migrations: one history, embedded in the binary, valid on both engines.
//!
//! Design:
//! - Each file in `server/migrations/` is applied once, in order, inside a transaction
//!   together with its row in `schema_migrations`; a failure leaves nothing behind.
//! - Tokens stand in for the few things the engines spell differently ([`dialect`]).
//!   Where the difference is more than a word (triggers), a step has one file per
//!   engine under the same version: still one history, every step on both engines.
//! - A checksum of each applied file is kept; a changed file stops the start-up, because
//!   an applied migration must never be edited.
//! - Two instances starting at once must not both apply a file. On PostgreSQL an advisory
//!   lock serializes migrators (even `CREATE TABLE IF NOT EXISTS` races there); on SQLite
//!   the database's single writer lock does. The primary key on `schema_migrations` is
//!   the last guard: a version already claimed is skipped.

use super::Engine;
use sqlx::{AnyPool, Row};

/// What a migration runs.
enum Sql {
    /// One file for both engines, with [`dialect`] tokens.
    Portable(&'static str),
    /// One file per engine, for what cannot be said portably.
    PerEngine {
        sqlite: &'static str,
        postgres: &'static str,
    },
}

struct Migration {
    version: i64,
    name: &'static str,
    sql: Sql,
}

impl Migration {
    /// The file as written for `engine` (what the checksum covers).
    fn source(&self, engine: Engine) -> &'static str {
        match (&self.sql, engine) {
            (Sql::Portable(sql), _) => sql,
            (Sql::PerEngine { sqlite, .. }, Engine::Sqlite) => sqlite,
            (Sql::PerEngine { postgres, .. }, Engine::Postgres) => postgres,
        }
    }
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "directory",
        sql: Sql::Portable(include_str!("../../migrations/0001_directory.sql")),
    },
    Migration {
        version: 2,
        name: "directory_version",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0002_directory_version.sqlite.sql"),
            postgres: include_str!("../../migrations/0002_directory_version.postgres.sql"),
        },
    },
    Migration {
        version: 3,
        name: "accounts",
        sql: Sql::Portable(include_str!("../../migrations/0003_accounts.sql")),
    },
    Migration {
        version: 4,
        name: "directory_columns",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0004_directory_columns.sqlite.sql"),
            postgres: include_str!("../../migrations/0004_directory_columns.postgres.sql"),
        },
    },
    Migration {
        version: 5,
        name: "idempotency_keys",
        sql: Sql::Portable(include_str!("../../migrations/0005_idempotency_keys.sql")),
    },
    Migration {
        version: 6,
        name: "coverage_version",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0006_coverage_version.sqlite.sql"),
            postgres: include_str!("../../migrations/0006_coverage_version.postgres.sql"),
        },
    },
    Migration {
        version: 7,
        name: "offerings",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0007_offerings.sqlite.sql"),
            postgres: include_str!("../../migrations/0007_offerings.postgres.sql"),
        },
    },
    Migration {
        version: 8,
        name: "search_text",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0008_search_text.sqlite.sql"),
            postgres: include_str!("../../migrations/0008_search_text.postgres.sql"),
        },
    },
    Migration {
        version: 9,
        name: "directory_changes",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0009_directory_changes.sqlite.sql"),
            postgres: include_str!("../../migrations/0009_directory_changes.postgres.sql"),
        },
    },
    Migration {
        version: 10,
        name: "requests",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0010_requests.sqlite.sql"),
            postgres: include_str!("../../migrations/0010_requests.postgres.sql"),
        },
    },
    Migration {
        version: 11,
        name: "notifications",
        sql: Sql::Portable(include_str!("../../migrations/0011_notifications.sql")),
    },
    Migration {
        version: 12,
        name: "needs",
        sql: Sql::Portable(include_str!("../../migrations/0012_needs.sql")),
    },
    Migration {
        version: 13,
        name: "oversight indexes",
        sql: Sql::Portable(include_str!("../../migrations/0013_oversight_indexes.sql")),
    },
    Migration {
        version: 14,
        name: "inbox recent",
        sql: Sql::Portable(include_str!("../../migrations/0014_inbox_recent.sql")),
    },
    Migration {
        version: 15,
        name: "activities",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0015_activities.sqlite.sql"),
            postgres: include_str!("../../migrations/0015_activities.postgres.sql"),
        },
    },
    Migration {
        version: 16,
        name: "activity reminders",
        sql: Sql::Portable(include_str!("../../migrations/0016_activity_reminders.sql")),
    },
    Migration {
        version: 17,
        name: "attendance",
        sql: Sql::Portable(include_str!("../../migrations/0017_attendance.sql")),
    },
    Migration {
        version: 18,
        name: "certificates",
        sql: Sql::Portable(include_str!("../../migrations/0018_certificates.sql")),
    },
    Migration {
        version: 19,
        name: "activity_search_version",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0019_activity_search_version.sqlite.sql"),
            postgres: include_str!("../../migrations/0019_activity_search_version.postgres.sql"),
        },
    },
    Migration {
        version: 20,
        name: "activity_search_shown_columns",
        sql: Sql::PerEngine {
            sqlite: include_str!("../../migrations/0020_activity_search_shown_columns.sqlite.sql"),
            postgres: include_str!("../../migrations/0020_activity_search_shown_columns.postgres.sql"),
        },
    },
];

/// The SQL for `engine`, with the portable tokens replaced.
pub fn dialect(sql: &str, engine: Engine) -> String {
    let (id, sorted_text) = match engine {
        Engine::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT"),
        Engine::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "TEXT COLLATE \"C\"",
        ),
    };
    sql.replace("{{ID}}", id).replace("{{SORTED_TEXT}}", sorted_text)
}

/// FNV-1a: stable across builds and platforms, enough to notice an edited file.
fn checksum(sql: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sql.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Any fixed number: the key of the advisory lock all Doorstep migrators share.
const MIGRATION_LOCK: i64 = 0x0D00_257E;

/// Applies pending migrations; returns the versions it applied.
pub async fn run(pool: &AnyPool, engine: Engine) -> anyhow::Result<Vec<i64>> {
    let mut conn = pool.acquire().await?;
    if engine == Engine::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    let result = run_locked(&mut conn, engine).await;
    if engine == Engine::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn run_locked(conn: &mut sqlx::AnyConnection, engine: Engine) -> anyhow::Result<Vec<i64>> {
    use sqlx::Connection;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .execute(&mut *conn)
    .await?;

    let applied: Vec<(i64, String)> = sqlx::query("SELECT version, checksum FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<i64, _>(0)?, row.try_get::<String, _>(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;

    let mut newly_applied = Vec::new();
    for migration in MIGRATIONS {
        let source = migration.source(engine);
        let sum = checksum(source);
        if let Some((_, recorded)) = applied.iter().find(|(v, _)| *v == migration.version) {
            anyhow::ensure!(
                *recorded == sum,
                "migration {} ({}) was edited after it was applied; add a new migration instead",
                migration.version,
                migration.name
            );
            continue;
        }
        let mut tx = conn.begin().await?;
        // Claim the version first: a concurrent migrator blocks here, then finds it taken.
        let claimed = sqlx::query(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (version) DO NOTHING",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(&sum)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            tx.rollback().await?;
            continue;
        }
        sqlx::raw_sql(&dialect(source, engine)).execute(&mut *tx).await?;
        tx.commit().await?;
        tracing::info!(version = migration.version, name = migration.name, "migration applied");
        newly_applied.push(migration.version);
    }
    Ok(newly_applied)
}

pub(crate) fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_is_replaced_on_both_engines() {
        for engine in [Engine::Sqlite, Engine::Postgres] {
            for m in MIGRATIONS {
                assert!(
                    !dialect(m.source(engine), engine).contains("{{"),
                    "migration {} on {engine:?}",
                    m.version
                );
            }
        }
    }

    #[test]
    fn versions_are_strictly_increasing() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
    }

    #[test]
    fn checksum_notices_a_one_character_edit() {
        assert_ne!(
            checksum("CREATE TABLE a (x BIGINT);"),
            checksum("CREATE TABLE a (y BIGINT);")
        );
    }
}
