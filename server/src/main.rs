use clap::Parser;
use doorstep_server::config::{Cli, Command};
use doorstep_server::{demo, router, store::SqlStore, telemetry};

/// glibc's malloc spent ~40 % of a page render's CPU under load (contention between
/// worker threads, consolidation of freed page buffers); mimalloc's per-thread heaps do
/// not (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    doorstep_server::memory::purge_at_once();
    doorstep_server::memory::no_transparent_huge_pages();
    let cli = Cli::parse();
    let config = cli.config;
    telemetry::init(&config.log, config.log_json);

    let store = SqlStore::connect(&config.store_options()).await?;
    match cli.command {
        Some(Command::Migrate) => {
            store.migrate().await?;
        }
        _ if config.migrate_only => {
            store.migrate().await?;
        }
        Some(Command::DemoData) => {
            store.migrate().await?;
            let outcome = demo::load(&store).await?;
            tracing::info!(?outcome, "demo data");
        }
        Some(Command::Generate(size)) => {
            store.migrate().await?;
            let started = std::time::Instant::now();
            let outcome = doorstep_server::generate::generate(&store, size).await?;
            tracing::info!(?outcome, seconds = started.elapsed().as_secs_f64(), "generated city");
        }
        Some(Command::CreateStaff(args)) => {
            store.migrate().await?;
            let person = doorstep_server::cli::create_staff(&store, &args).await?;
            println!(
                "community staff account {person} is ready for community {}",
                args.community
            );
        }
        Some(Command::Outbox) => {
            store.migrate().await?;
            doorstep_server::cli::print_outbox(&store, &mut std::io::stdout()).await?;
        }
        None | Some(Command::Serve) => {
            if config.migrate_on_start {
                store.migrate().await?;
            }
            router::serve(&config, store).await?;
        }
    }
    Ok(())
}
