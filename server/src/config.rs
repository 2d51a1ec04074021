//! Configuration: command line first, then environment variables, then defaults, so that
//! `doorstep` with nothing set serves the embedded SQLite database on 127.0.0.1:3000.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Doorstep (家门口): community services at residents' doorsteps.
#[derive(Debug, Clone, Parser)]
#[command(name = "doorstep", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the site and the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data into the configured database (idempotent) and exit.
    DemoData,
    /// Fill the database with a generated city (deterministic from --seed) and exit.
    Generate(crate::generate::CitySize),
    /// Create a community-staff account (or make an existing account staff of one more
    /// community). Reads the password from standard input; there is no default.
    CreateStaff(StaffArgs),
    /// Print the messages the built-in sender queued (SMS codes), one a line:
    /// recipient, a tab, the text.
    Outbox,
}

#[derive(Debug, Clone, clap::Args)]
pub struct StaffArgs {
    /// The staff member's mobile number or e-mail address.
    #[arg(long)]
    pub login: String,
    /// The id of the community (a grid unit of kind community) they work for.
    #[arg(long)]
    pub community: i64,
    /// The name shown to others.
    #[arg(long, default_value = "社区工作人员")]
    pub name: String,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "DOORSTEP_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Database: `sqlite://path/file.db` (created if missing) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/doorstep.db?mode=rwc")]
    pub database_url: String,

    /// Most database connections this instance opens.
    #[arg(long, env = "DOORSTEP_DB_MAX_CONNECTIONS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_max_connections: u32,

    /// Longest a statement may run (PostgreSQL) or wait for a lock (SQLite), in milliseconds.
    #[arg(long, env = "DOORSTEP_DB_STATEMENT_TIMEOUT_MS", default_value_t = 5_000)]
    pub db_statement_timeout_ms: u64,

    /// Apply migrations when serving starts. Turn off where a deployment runs `doorstep migrate` once.
    #[arg(long, env = "DOORSTEP_MIGRATE_ON_START", default_value_t = true, action = clap::ArgAction::Set)]
    pub migrate_on_start: bool,

    /// Apply migrations and exit (same as the `migrate` subcommand).
    #[arg(long)]
    pub migrate_only: bool,

    /// The site folder cargo-leptos builds (holds pkg/ with the wasm, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Log filter, e.g. `info` or `doorstep_server=debug,sqlx=warn`.
    #[arg(long, env = "RUST_LOG", default_value = "info,sqlx=warn")]
    pub log: String,

    /// Longest a request may take, in milliseconds, before it is answered 503.
    #[arg(long, env = "DOORSTEP_REQUEST_TIMEOUT_MS", default_value_t = 15_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_ms: u64,

    /// Most requests served at once by this instance; more wait for a turn.
    #[arg(long, env = "DOORSTEP_MAX_CONCURRENT_REQUESTS", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_requests: u32,

    /// Memory for whole directory pages kept per directory version (`page_cache`), in
    /// megabytes; 0 renders every page afresh.
    #[arg(long, env = "DOORSTEP_PAGE_CACHE_MB", default_value_t = 32, value_parser = clap::value_parser!(u32).range(0..=4096))]
    pub page_cache_mb: u32,

    /// Say on each page whether it came from the page cache (`x-page-cache: hit|miss`).
    /// Off by default: it would tell a visitor whether someone with the same preferences
    /// viewed the page recently. For tests and diagnosis.
    #[arg(long, env = "DOORSTEP_PAGE_CACHE_HEADER", default_value_t = false, action = clap::ArgAction::Set)]
    pub page_cache_header: bool,

    /// The site is served over HTTPS (directly or behind a proxy): send HSTS and mark
    /// the session cookie `Secure` with the `__Host-` prefix.
    #[arg(long, env = "DOORSTEP_HTTPS", default_value_t = false, action = clap::ArgAction::Set)]
    pub https: bool,

    /// Behind a reverse proxy: per-client rate limits use the address in the last
    /// `X-Forwarded-For` entry. Only set it when a proxy always sets that header.
    #[arg(long, env = "DOORSTEP_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,

    /// Where offering photos are kept: `database` (shared by every instance) or
    /// `dir:/a/directory` (instances must share the directory).
    #[arg(long, env = "DOORSTEP_UPLOADS", default_value = "database")]
    pub uploads: crate::store::Uploads,

    /// Serve `GET /metrics` (Prometheus text format) to `Authorization: Bearer TOKEN`.
    /// Unset (the default), `/metrics` does not exist.
    #[arg(long, env = "DOORSTEP_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, env = "DOORSTEP_LOG_JSON", default_value_t = false, action = clap::ArgAction::Set)]
    pub log_json: bool,
}

impl Config {
    pub fn hardening(&self) -> crate::hardening::Hardening {
        crate::hardening::Hardening {
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            max_concurrent_requests: self.max_concurrent_requests as usize,
            https: self.https,
            trust_forwarded_for: self.trust_forwarded_for,
            metrics_token: self
                .metrics_token
                .clone()
                .filter(|t| !t.is_empty())
                .map(crate::metrics::Token),
        }
    }

    pub fn store_options(&self) -> crate::store::StoreOptions {
        crate::store::StoreOptions {
            database_url: self.database_url.clone(),
            max_connections: self.db_max_connections,
            statement_timeout: Duration::from_millis(self.db_statement_timeout_ms),
            acquire_timeout: Duration::from_secs(5),
            uploads: self.uploads.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve_sqlite_on_localhost_3000() {
        let cli = Cli::try_parse_from(["doorstep"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.config.addr.to_string(), "127.0.0.1:3000");
        assert!(cli.config.database_url.starts_with("sqlite://data/"));
    }

    #[test]
    fn subcommands_parse() {
        let cli = Cli::try_parse_from(["doorstep", "demo-data"]).unwrap();
        assert!(matches!(cli.command, Some(Command::DemoData)));
        let cli =
            Cli::try_parse_from(["doorstep", "create-staff", "--login", "13800000000", "--community", "3"]).unwrap();
        assert!(matches!(cli.command, Some(Command::CreateStaff(ref a)) if a.community == 3));
        assert!(Cli::try_parse_from(["doorstep", "create-staff", "--community", "3"]).is_err());
        assert!(Cli::try_parse_from(["doorstep", "--db-max-connections", "0"]).is_err());
    }
}
