//! `doorstep generate`: fills a database with a realistic city, deterministically from a
//! seed, for load tests and query plans at scale.
//!
//! Design:
//! - Same seed, same city: a small SplitMix64 generator, no dependency whose stream may change.
//! - Dense centre, sparse edge: community distances from the centre are drawn so that
//!   density falls with distance, like a real city; organizations sit in communities,
//!   services near their organization.
//! - Rows go in multi-row INSERTs inside one transaction per table, guarded by a
//!   `data_loads` row, so a run is all or nothing and a second run changes nothing.
//! - Later issues add their own tables as further steps with their own guard and stream:
//!   `activity` (issue 10) adds a year of requests, ratings, follow-ups and needs;
//!   `volunteering` (issue 11) a year of activities and sign-ups.

mod activity;
mod rng;
mod volunteering;
mod words;

use crate::demo::catalog::{CATEGORIES, TEMPLATES};
use crate::store::SqlStore;
use rng::Rng;
use sqlx::any::AnyArguments;
use sqlx::{Arguments, Row};
use std::collections::HashMap;

/// How big a city to make.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct CitySize {
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Communities (each with 3 zones, 9 courtyards/estates/units and 18 buildings).
    #[arg(long, default_value_t = 300)]
    pub communities: u32,
    #[arg(long, default_value_t = 5_000)]
    pub organizations: u32,
    #[arg(long, default_value_t = 100_000)]
    pub services: u32,
    /// Residents with an account (every tenth with a family member acting for them);
    /// 0 gives the city alone.
    #[arg(long, default_value_t = 200_000)]
    pub residents: u32,
    /// Requests over the year before the day of generation, with their timelines,
    /// ratings and follow-ups (0 with `--needs 0`: the city alone).
    #[arg(long, default_value_t = 1_000_000)]
    pub requests: u32,
    /// Needs named by residents, with their supporters.
    #[arg(long, default_value_t = 50_000)]
    pub needs: u32,
    /// Volunteer activities, eleven months past and one ahead (0: none).
    #[arg(long, default_value_t = 50_000)]
    pub activities: u32,
    /// Sign-ups to them, by the residents who volunteer (one in four).
    #[arg(long, default_value_t = 500_000)]
    pub signups: u32,
}

impl CitySize {
    /// The directory alone, without a year of activity.
    pub fn city(seed: u64, communities: u32, organizations: u32, services: u32) -> Self {
        Self {
            seed,
            communities,
            organizations,
            services,
            residents: 0,
            requests: 0,
            needs: 0,
            activities: 0,
            signups: 0,
        }
    }
}

/// Chengdu's centre (Tianfu Square) and how far the generated city reaches.
const CENTRE: (f64, f64) = (30.6570, 104.0650);
const CITY_RADIUS_M: f64 = 15_000.0;
const SUBDISTRICTS: u32 = 20;
/// Rows per INSERT statement: well under SQLite's parameter limit for the widest table.
const BATCH: usize = 200;

pub use activity::ActivityCounts;
pub use volunteering::VolunteeringCounts;

/// What a run wrote: `None` for a step a earlier run had done.
#[derive(Debug, PartialEq, Eq)]
pub struct GenerateOutcome {
    pub city: Option<CityCounts>,
    pub activity: Option<ActivityCounts>,
    pub volunteering: Option<VolunteeringCounts>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct CityCounts {
    pub grid_units: usize,
    pub organizations: usize,
    pub services: usize,
}

/// A multi-row INSERT in progress.
struct Batch<'a> {
    head: &'a str,
    columns: usize,
    rows: usize,
    /// Flushed by the caller, not when full: rows that refer to rows of another batch
    /// wait until those are written (foreign keys are checked at once).
    held: bool,
    args: AnyArguments<'static>,
    sql: String,
}

impl<'a> Batch<'a> {
    fn new(head: &'a str, columns: usize) -> Self {
        Self {
            head,
            columns,
            rows: 0,
            held: false,
            args: AnyArguments::default(),
            sql: String::new(),
        }
    }

    /// A batch its caller flushes (see `held`).
    fn held(head: &'a str, columns: usize) -> Self {
        Self {
            held: true,
            ..Self::new(head, columns)
        }
    }

    fn is_full(&self) -> bool {
        self.rows >= BATCH
    }

    async fn push(&mut self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, values: Vec<Value>) -> anyhow::Result<()> {
        debug_assert_eq!(values.len(), self.columns);
        let base = self.rows * self.columns;
        self.sql.push_str(if self.rows == 0 { " VALUES (" } else { ", (" });
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.sql.push_str(&format!("${}", base + i + 1));
            match v {
                Value::Int(x) => self.args.add(x),
                Value::OptInt(x) => self.args.add(x),
                Value::Float(x) => self.args.add(x),
                Value::Text(x) => self.args.add(x),
                Value::OptText(x) => self.args.add(x),
            }
            .map_err(|e| anyhow::anyhow!("bind: {e}"))?;
        }
        self.sql.push(')');
        self.rows += 1;
        if self.rows == BATCH && !self.held {
            self.flush(tx).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> anyhow::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let sql = format!("{}{}", self.head, std::mem::take(&mut self.sql));
        let args = std::mem::take(&mut self.args);
        sqlx::query_with(&sql, args).execute(&mut **tx).await?;
        self.rows = 0;
        Ok(())
    }
}

/// `(code, short Chinese name, short English name, position, base grid unit id)`.
type GeneratedOrg = (String, String, String, (f64, f64), i64);

enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Float(f64),
    Text(String),
    OptText(Option<String>),
}

use Value::{Float, Int, OptInt, OptText, Text};

/// Ids of the rows whose code starts with `prefix`, by code.
async fn ids_by_code(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    prefix: &str,
) -> anyhow::Result<HashMap<String, i64>> {
    let rows = sqlx::query(&format!("SELECT code, id FROM {table} WHERE code LIKE $1"))
        .bind(format!("{prefix}%"))
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
        .collect()
}

/// A point `distance_m` from `from` in direction `bearing` (radians), on the local plane.
fn offset(from: (f64, f64), distance_m: f64, bearing: f64) -> (f64, f64) {
    let metres_per_degree = app::domain::geo::METRES_PER_DEGREE;
    let dlat = distance_m * bearing.cos() / metres_per_degree;
    let dlon = distance_m * bearing.sin() / (metres_per_degree * from.0.to_radians().cos());
    (from.0 + dlat, from.1 + dlon)
}

/// Generates the city, then its year of activity; each step once per seed.
pub async fn generate(store: &SqlStore, size: CitySize) -> anyhow::Result<GenerateOutcome> {
    let prefix = format!("gen{}-", size.seed);
    let city = generate_city(store, &size, &prefix).await?;
    let today = app::domain::calendar::Day::of(crate::store::migrate::now_millis()).start_millis();
    let activity = activity::generate_activity(store, &size, &prefix, today).await?;
    let volunteering = volunteering::generate_volunteering(store, &size, &prefix, today).await?;
    if city.is_some() || activity.is_some() || volunteering.is_some() {
        // Fresh statistics for the planner, and (PostgreSQL) a visibility map so the
        // position index can answer radius queries without visiting the table.
        let maintenance = match store.engine() {
            crate::store::Engine::Postgres => "VACUUM ANALYZE",
            crate::store::Engine::Sqlite => "ANALYZE",
        };
        sqlx::raw_sql(maintenance).execute(store.pool()).await?;
    }
    Ok(GenerateOutcome {
        city,
        activity,
        volunteering,
    })
}

async fn generate_city(store: &SqlStore, size: &CitySize, prefix: &str) -> anyhow::Result<Option<CityCounts>> {
    let mut rng = Rng::new(size.seed);
    let mut tx = store.pool().begin().await?;
    if !crate::store::claim_data_load(&mut tx, &format!("generated-city-seed-{}", size.seed)).await? {
        tx.rollback().await?;
        return Ok(None);
    }

    for (order, (slug, group, zh, en)) in CATEGORIES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO categories (slug, group_slug, name_zh, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (slug) DO NOTHING",
        )
        .bind(*slug)
        .bind(*group)
        .bind(*zh)
        .bind(*en)
        .bind(order as i64)
        .execute(&mut *tx)
        .await?;
    }

    // The grid, one level at a time so parents have ids before their children.
    let grid_head = "INSERT INTO grid_units (parent_id, kind, code, name_zh, name_en, latitude, longitude, sort_order)";
    let district_code = format!("{prefix}city");
    sqlx::query(&format!(
        "{grid_head} VALUES (NULL, 'district', $1, '生成城区', 'Generated City', $2, $3, 0)"
    ))
    .bind(&district_code)
    .bind(CENTRE.0)
    .bind(CENTRE.1)
    .execute(&mut *tx)
    .await?;
    let district_id = ids_by_code(&mut tx, "grid_units", &district_code).await?[&district_code];

    let mut batch = Batch::new(grid_head, 8);
    for s in 0..SUBDISTRICTS {
        let bearing = f64::from(s) / f64::from(SUBDISTRICTS) * std::f64::consts::TAU;
        let (lat, lon) = offset(CENTRE, CITY_RADIUS_M * 0.5, bearing);
        let (zh, en) = words::place_name(&mut rng);
        batch
            .push(
                &mut tx,
                vec![
                    Int(district_id),
                    Text("subdistrict".into()),
                    Text(format!("{prefix}s{s}")),
                    Text(format!("{zh}街道")),
                    Text(format!("{en} Subdistrict")),
                    Float(lat),
                    Float(lon),
                    Int(i64::from(s)),
                ],
            )
            .await?;
    }
    batch.flush(&mut tx).await?;
    let subdistricts = ids_by_code(&mut tx, "grid_units", &format!("{prefix}s")).await?;

    // Communities: density falls with distance (r = R·u², so half of them lie within a
    // quarter of the radius).
    let mut communities: Vec<(String, (f64, f64))> = Vec::new();
    for c in 0..size.communities {
        let r = CITY_RADIUS_M * rng.unit().powi(2);
        let bearing = rng.unit() * std::f64::consts::TAU;
        let position = offset(CENTRE, r, bearing);
        let sector = ((bearing / std::f64::consts::TAU) * f64::from(SUBDISTRICTS)) as u32 % SUBDISTRICTS;
        let (zh, en) = words::place_name(&mut rng);
        let code = format!("{prefix}c{c}");
        batch
            .push(
                &mut tx,
                vec![
                    Int(subdistricts[&format!("{prefix}s{sector}")]),
                    Text("community".into()),
                    Text(code.clone()),
                    Text(format!("{zh}社区")),
                    Text(format!("{en} Community")),
                    Float(position.0),
                    Float(position.1),
                    Int(i64::from(c)),
                ],
            )
            .await?;
        communities.push((code, position));
    }
    batch.flush(&mut tx).await?;
    let community_ids = ids_by_code(&mut tx, "grid_units", &format!("{prefix}c")).await?;

    let mut grid_units = 1 + SUBDISTRICTS as usize + communities.len();
    let mut level3: Vec<(String, (f64, f64), usize)> = Vec::new();
    for (ci, (code, position)) in communities.iter().enumerate() {
        for z in 0..3 {
            let p = offset(*position, 250.0, f64::from(z) * 2.1);
            batch
                .push(
                    &mut tx,
                    vec![
                        Int(community_ids[code]),
                        Text("zone".into()),
                        Text(format!("{code}-z{z}")),
                        Text(format!("第{}片区", z + 1)),
                        Text(format!("Zone {}", z + 1)),
                        Float(p.0),
                        Float(p.1),
                        Int(i64::from(z)),
                    ],
                )
                .await?;
            for u in 0..3 {
                level3.push((
                    format!("{code}-z{z}-u{u}"),
                    offset(p, 120.0, f64::from(u) * 2.0 + 0.5),
                    ci,
                ));
            }
        }
        grid_units += 3;
    }
    batch.flush(&mut tx).await?;
    let zones = ids_by_code(&mut tx, "grid_units", prefix).await?;
    for (i, (code, p, _)) in level3.iter().enumerate() {
        let kind = ["courtyard", "estate", "resident-unit"][i % 3];
        let (zh, en) = words::compound_name(&mut rng, kind);
        let zone_code = &code[..code.rfind("-u").unwrap()];
        batch
            .push(
                &mut tx,
                vec![
                    Int(zones[zone_code]),
                    Text(kind.into()),
                    Text(code.clone()),
                    Text(zh),
                    Text(en),
                    Float(p.0),
                    Float(p.1),
                    Int((i % 3) as i64),
                ],
            )
            .await?;
    }
    batch.flush(&mut tx).await?;
    grid_units += level3.len();
    let units = ids_by_code(&mut tx, "grid_units", prefix).await?;
    for (code, p, _) in &level3 {
        for b in 0..2 {
            let bp = offset(*p, 30.0, f64::from(b) * 3.0);
            batch
                .push(
                    &mut tx,
                    vec![
                        Int(units[code]),
                        Text("building".into()),
                        Text(format!("{code}-b{b}")),
                        Text(format!("{}栋", b + 1)),
                        Text(format!("Building {}", b + 1)),
                        Float(bp.0),
                        Float(bp.1),
                        Int(i64::from(b)),
                    ],
                )
                .await?;
            grid_units += 1;
        }
    }
    batch.flush(&mut tx).await?;

    // Organizations, each based at a level-3 place.
    let org_head = "INSERT INTO organizations (code, kind, name_zh, name_en, description_zh, description_en, phone, address_zh, address_en, community_id, latitude, longitude, verified)";
    let mut orgs: Vec<GeneratedOrg> = Vec::new();
    let mut batch = Batch::new(org_head, 13);
    for o in 0..size.organizations {
        let (code, p, ci) = &level3[rng.below(level3.len())];
        let (short_zh, short_en) = words::place_name(&mut rng);
        let (kind, kind_zh, kind_en) = *rng.pick(&[
            ("social-organization", "社会工作服务中心", "Social Work Centre"),
            ("social-organization", "养老服务中心", "Elder Care Centre"),
            ("volunteer-organization", "志愿服务队", "Volunteers"),
            ("resident-unit", "社区卫生服务站", "Health Station"),
        ]);
        let org_code = format!("{prefix}o{o}");
        batch
            .push(
                &mut tx,
                vec![
                    Text(org_code.clone()),
                    Text(kind.into()),
                    Text(format!("{short_zh}{kind_zh}")),
                    Text(format!("{short_en} {kind_en}")),
                    Text(format!("扎根{short_zh}一带的{kind_zh}。")),
                    Text(format!("A {kind_en} serving the {short_en} area.")),
                    Text(format!("028-{:08}", 60_000_000 + o)),
                    Text(format!("{short_zh}路{}号", o % 300 + 1)),
                    Text(format!("{} {short_en} Road", o % 300 + 1)),
                    Int(community_ids[&communities[*ci].0]),
                    Float(p.0),
                    Float(p.1),
                    Int(i64::from(rng.unit() < 0.9)),
                ],
            )
            .await?;
        orgs.push((org_code, short_zh, short_en, *p, units[code]));
    }
    batch.flush(&mut tx).await?;
    let org_ids = ids_by_code(&mut tx, "organizations", prefix).await?;

    let service_head = "INSERT INTO services (code, organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery, grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, min_age, residence_required, disability_certificate_required, eligibility_note_zh, eligibility_note_en, cost_kind, price_fen, price_unit_zh, price_unit_en, phone, capacity, search_text)";
    let mut batch = Batch::new(service_head, 27);
    for s in 0..size.services {
        let (org_code, short_zh, short_en, base, unit_id) = &orgs[rng.below(orgs.len())];
        let t = &TEMPLATES[rng.below(TEMPLATES.len())];
        let p = if t.delivery == "on-site" {
            offset(*base, rng.unit() * 500.0, rng.unit() * std::f64::consts::TAU)
        } else {
            *base
        };
        let (cost, price) = t.cost;
        let (name_zh, name_en) = (
            format!("{short_zh}·{}", t.name_zh),
            format!("{} ({short_en})", t.name_en),
        );
        let search_text = app::domain::fold::searchable(&[&name_zh, &name_en, t.description_zh, t.description_en]);
        batch
            .push(
                &mut tx,
                vec![
                    Text(format!("{prefix}v{s}")),
                    Int(org_ids[org_code]),
                    Text(t.category.into()),
                    Text(name_zh),
                    Text(name_en),
                    Text(t.description_zh.into()),
                    Text(t.description_en.into()),
                    Text(t.delivery.into()),
                    Int(*unit_id),
                    Text(format!("{short_zh}路")),
                    Text(format!("{short_en} Road")),
                    Float(p.0),
                    Float(p.1),
                    Text(t.hours_zh.into()),
                    Text(t.hours_en.into()),
                    OptInt(t.min_age),
                    Int(i64::from(t.residence_required)),
                    Int(i64::from(t.certificate_required)),
                    OptText(t.note.map(|n| n.0.to_owned())),
                    OptText(t.note.map(|n| n.1.to_owned())),
                    Text(cost.into()),
                    OptInt(price.map(|p| p.0)),
                    OptText(price.map(|p| p.1.to_owned())),
                    OptText(price.map(|p| p.2.to_owned())),
                    Text(format!("028-{:08}", 70_000_000 + s)),
                    OptInt(t.capacity),
                    Text(search_text),
                ],
            )
            .await?;
    }
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(CityCounts {
        grid_units,
        organizations: orgs.len(),
        services: size.services as usize,
    }))
}
