//! Reading the whole directory into a [`Snapshot`]'s parts: one read transaction, the
//! services in batches handed to a parse thread and an index thread, all on a thread and
//! connection of its own.

use super::*;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// What a whole read of the directory gives: the parts of a [`Snapshot`], the search
/// index already built (on a reader thread, off the async threads).
pub struct DirectoryRead {
    pub version: i64,
    read_started: Instant,
    pub index: SearchIndex,
    cards: Cards,
    details: Details,
    categories: Categories,
    grid: Grid,
}

impl DirectoryRead {
    /// `directory_version` and the whole directory, from one snapshot of the database.
    pub async fn read(pool: &AnyPool, engine: Engine) -> Result<Self, sqlx::Error> {
        Self::read_in_batches(pool, engine, SERVICES_PER_STATEMENT).await
    }

    /// As [`read`](Self::read), reading services `batch` at a time (public for tests).
    ///
    /// The read runs on a thread of its own, on a connection of its own, and both end with
    /// it. mimalloc keeps a heap per thread and gives memory freed by another thread back
    /// only when the owner next allocates or ends: the rows of a whole read (several
    /// times the snapshot's size) are allocated where they are fetched and freed by the
    /// readers below, and an async worker (or a pooled SQLite connection, which is a
    /// thread) may idle for hours holding them (10–20 MB of the resident set at
    /// 100,000 offerings, differing run to run with the worker that happened to fetch).
    pub async fn read_in_batches(pool: &AnyPool, engine: Engine, batch: usize) -> Result<Self, sqlx::Error> {
        let options = pool.connect_options();
        let (done, read) = tokio::sync::oneshot::channel();
        spawn_reader("snapshot-read", move || {
            let read = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| sqlx::Error::Protocol(format!("cannot start the snapshot's runtime: {e}")))
                .and_then(|runtime| {
                    runtime.block_on(async {
                        let mut connection = sqlx::ConnectOptions::connect(&*options).await?;
                        let read = Self::read_on(&mut connection, engine, batch).await;
                        if let Err(e) = sqlx::Connection::close(connection).await {
                            tracing::warn!(error = %e, "closing the snapshot's connection");
                        }
                        read
                    })
                });
            let _ = done.send(read);
        })?;
        read.await
            .map_err(|_| sqlx::Error::Protocol("the snapshot reader panicked".into()))?
    }

    async fn read_on(connection: &mut AnyConnection, engine: Engine, batch: usize) -> Result<Self, sqlx::Error> {
        let read_started = Instant::now();
        let (mut tx, version) = begin_read(connection, engine).await?;
        // The rows are parsed on two threads of their own (mimalloc keeps a heap per
        // thread): what the snapshot keeps of them (cards, details) on one, and on the
        // other the search index, built there from per-service strings that are freed
        // there too. Mixed in one heap, the small strings a snapshot keeps would pin the
        // pages of those freed around them; freed on another thread than the one that
        // allocated them, memory stays with that thread until it next allocates, which
        // an idle server's threads may not do for hours.
        let (to_parser, parser_batches) = std::sync::mpsc::channel::<ToParser>();
        let (to_indexer, indexer_batches) = std::sync::mpsc::channel::<Arc<Vec<AnyRow>>>();
        let parser = spawn_reader("snapshot-parse", move || parse_directory(parser_batches))?;
        let indexer = spawn_reader("snapshot-index", move || index_services(indexer_batches))?;
        let sql = services_sql(&format!("s.id > $1 AND {SHOWN_JOINED} ORDER BY s.id LIMIT {batch}"));
        let mut after = i64::MIN;
        loop {
            let rows = Arc::new(sqlx::query(&sql).bind(after).fetch_all(&mut *tx).await?);
            let next = match rows.last() {
                Some(last) if rows.len() == batch => Some(last.try_get("id")?),
                _ => None,
            };
            // A closed channel means a reader failed: its error is collected below.
            if to_indexer.send(rows.clone()).is_err() || to_parser.send(ToParser::Services(rows)).is_err() {
                break;
            }
            match next {
                Some(id) => after = id,
                None => break,
            }
        }
        drop(to_indexer);
        // The rest is small, but kept as long as the services: parsed on the same thread.
        for (sql, rows) in [
            (details::COVERAGE_SQL, ToParser::Coverage as fn(Vec<AnyRow>) -> ToParser),
            (details::ORGANIZATIONS_SQL, ToParser::Organizations),
            (grid::CATEGORIES_SQL, ToParser::Categories),
            (grid::GRID_SQL, ToParser::Grid),
        ] {
            if to_parser
                .send(rows(sqlx::query(sql).fetch_all(&mut *tx).await?))
                .is_err()
            {
                break;
            }
        }
        drop(to_parser);
        tx.commit().await?;
        let (parsed, index) = tokio::task::spawn_blocking(move || (parser.join(), indexer.join()))
            .await
            .map_err(|e| sqlx::Error::Protocol(format!("snapshot readers lost: {e}")))?;
        let lost = |_| sqlx::Error::Protocol("a snapshot reader panicked".into());
        let (parsed, index) = (parsed.map_err(lost)?, index.map_err(lost)?);
        let index = index?;
        let (cards, details, categories, grid) = parsed?;
        Ok(Self {
            version,
            read_started,
            index,
            cards,
            details,
            categories,
            grid,
        })
    }

    /// The snapshot of what was read.
    pub fn into_snapshot(self) -> Snapshot {
        Snapshot {
            version: self.version,
            build: next_build(),
            read_started: self.read_started,
            base: Arc::new(Base {
                cards: self.cards,
                details: self.details,
                categories: self.categories,
                grid: self.grid,
            }),
            changes: Arc::default(),
            index: Arc::new(Layered::new(self.index)),
        }
    }
}

/// A read-only transaction in which every statement sees the database as of one moment,
/// and the `directory_version` of that moment.
pub(super) async fn begin_read<'c>(
    from: impl sqlx::Acquire<'c, Database = sqlx::Any>,
    engine: Engine,
) -> Result<(sqlx::Transaction<'c, sqlx::Any>, i64), sqlx::Error> {
    let mut tx = from.begin().await?;
    if engine == Engine::Postgres {
        // One snapshot for every statement (SQLite's read transaction already is one).
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    let version: i64 = sqlx::query_scalar("SELECT version FROM directory_version WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    Ok((tx, version))
}

fn spawn_reader<T: Send + 'static>(
    name: &str,
    read: impl FnOnce() -> T + Send + 'static,
) -> Result<std::thread::JoinHandle<T>, sqlx::Error> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(read)
        .map_err(|e| sqlx::Error::Protocol(format!("cannot start {name}: {e}")))
}

/// The listed services' rows, batch by batch, into the search index (CPU-bound: about a
/// second for 100,000 services).
fn index_services(batches: std::sync::mpsc::Receiver<Arc<Vec<AnyRow>>>) -> Result<SearchIndex, sqlx::Error> {
    let mut services = Vec::new();
    for rows in batches {
        for row in rows.iter() {
            // A paused offering keeps its page, but search does not find it.
            if row.try_get::<&str, _>("status")? == "active" {
                services.push(indexed_service(row)?);
            }
        }
    }
    Ok(SearchIndex::build(services))
}

/// The listed services as the search index is built from them, in one statement: for the
/// benchmark of building it.
pub async fn indexed_services(pool: &AnyPool) -> Result<Vec<IndexedService>, sqlx::Error> {
    let sql = services_sql(&format!("s.status = 'active' AND {SHOWN_JOINED}"));
    sqlx::query(&sql)
        .fetch_all(pool)
        .await?
        .iter()
        .map(indexed_service)
        .collect()
}

/// What the parse thread is sent: the services' rows batch by batch, then the rest.
enum ToParser {
    Services(Arc<Vec<AnyRow>>),
    Coverage(Vec<AnyRow>),
    Organizations(Vec<AnyRow>),
    Categories(Vec<AnyRow>),
    Grid(Vec<AnyRow>),
}

/// The rows of a whole read into what the snapshot keeps of them.
fn parse_directory(
    messages: std::sync::mpsc::Receiver<ToParser>,
) -> Result<(Cards, Details, Categories, Grid), sqlx::Error> {
    let mut cards = Cards::default();
    let mut details = Details::default();
    let (mut categories, mut grid) = (None, None);
    let mut services_done = false;
    for message in messages {
        if !services_done && !matches!(message, ToParser::Services(_)) {
            cards.finish();
            details.finish();
            services_done = true;
        }
        match message {
            ToParser::Services(rows) => {
                for row in rows.iter() {
                    let listed = row.try_get::<&str, _>("status")? == "active";
                    cards.add(row, listed)?;
                    details.add_service(row)?;
                }
            }
            ToParser::Coverage(rows) => details.add_coverage(&rows)?,
            ToParser::Organizations(rows) => details.add_organizations(&rows)?,
            ToParser::Categories(rows) => categories = Some(Categories::from_rows(&rows)?),
            ToParser::Grid(rows) => grid = Some(Grid::from_rows(&rows)?),
        }
    }
    let missing = || sqlx::Error::Protocol("the snapshot read stopped early".into());
    Ok((
        cards,
        details,
        categories.ok_or_else(missing)?,
        grid.ok_or_else(missing)?,
    ))
}

/// The services a snapshot holds, with everything it keeps of them, `WHERE {filter}`.
pub(super) fn services_sql(filter: &str) -> String {
    format!(
        "SELECT {}, {DESCRIPTIONS}, {} \
         FROM services s JOIN organizations o ON o.id = s.organization_id \
         JOIN categories c ON c.slug = s.category_slug LEFT JOIN service_ratings sr ON sr.service_id = s.id \
         WHERE {filter}",
        cards::COLUMNS,
        details::SERVICE_COLUMNS
    )
}

pub(super) fn indexed_service(row: &AnyRow) -> Result<IndexedService, sqlx::Error> {
    let group: String = row.try_get("group_slug")?;
    let cost: String = row.try_get("cost_kind")?;
    Ok(IndexedService {
        id: row.try_get("id")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        category: row.try_get("category_slug")?,
        group: CategoryGroup::parse(&group).ok_or_else(|| crate::store::rows::corrupt("group_slug", &group))?,
        cost: CostKind::parse(&cost).ok_or_else(|| crate::store::rows::corrupt("cost_kind", &cost))?,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
        // A row whose text was never folded (written by hand since the last start) is
        // found by no text, in SQL neither: `NULL LIKE …` is not true.
        search_text: row.try_get::<Option<String>, _>("search_text")?.unwrap_or_default(),
        ranking: crate::store::rows::rating_summary(row)?.ranking(),
    })
}
