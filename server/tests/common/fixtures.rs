//! Small, explicit data sets for tests, written straight into the database.

use doorstep_server::store::SqlStore;
use sqlx::Row;

pub struct Fixture {
    pub district: i64,
    pub community: i64,
    pub courtyard: i64,
    pub organization: i64,
}

/// A grid, two categories per group, and one organization; no services yet.
pub async fn base(store: &SqlStore) -> Fixture {
    let pool = store.pool();
    let grid = |parent: Option<i64>, kind: &'static str, code: &'static str, zh: &'static str, en: &'static str| async move {
        sqlx::query(
            "INSERT INTO grid_units (parent_id, kind, code, name_zh, name_en, latitude, longitude) VALUES ($1, $2, $3, $4, $5, 30.64, 104.05) RETURNING id",
        )
        .bind(parent)
        .bind(kind)
        .bind(code)
        .bind(zh)
        .bind(en)
        .fetch_one(pool)
        .await
        .unwrap()
        .get::<i64, _>(0)
    };
    let district = grid(None, "district", "d", "武侯区", "Wuhou District").await;
    let sub = grid(Some(district), "subdistrict", "s", "华兴街道", "Huaxing").await;
    let community = grid(Some(sub), "community", "c", "南桥社区", "Nanqiao Community").await;
    let zone = grid(Some(community), "zone", "z", "一片区", "Zone 1").await;
    let courtyard = grid(Some(zone), "courtyard", "y", "南桥街12号院", "No. 12 Courtyard").await;
    grid(Some(courtyard), "building", "b", "1栋", "Building 1").await;

    for (i, (slug, group, zh, en)) in [
        ("meal-assistance", "elder-care", "助餐", "Meal assistance"),
        ("home-care", "elder-care", "居家照护", "Home care"),
        ("rehabilitation", "disability", "康复", "Rehabilitation"),
        ("mobility", "disability", "出行", "Mobility"),
    ]
    .into_iter()
    .enumerate()
    {
        sqlx::query(
            "INSERT INTO categories (slug, group_slug, name_zh, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(slug)
        .bind(group)
        .bind(zh)
        .bind(en)
        .bind(i as i64)
        .execute(pool)
        .await
        .unwrap();
    }
    let organization = organization(store, "org-1", "上和社工", "Shanghe", community).await;
    Fixture {
        district,
        community,
        courtyard,
        organization,
    }
}

pub async fn organization(store: &SqlStore, code: &str, zh: &str, en: &str, community: i64) -> i64 {
    sqlx::query(
        "INSERT INTO organizations (code, kind, name_zh, name_en, description_zh, description_en, phone, address_zh, address_en,
             community_id, latitude, longitude, verified)
         VALUES ($1, 'social-organization', $2, $3, '简介', 'About', '028-85550000', '地址', 'Address', $4, 30.64, 104.05, 1) RETURNING id",
    )
    .bind(code)
    .bind(zh)
    .bind(en)
    .bind(community)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0)
}

/// What varies between test services; the rest is filled in.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    pub name_zh: String,
    pub name_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub category: &'static str,
    pub cost: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    pub delivery: &'static str,
}

impl ServiceSpec {
    pub fn at(name_zh: &str, name_en: &str, latitude: f64, longitude: f64) -> Self {
        Self {
            name_zh: name_zh.to_owned(),
            name_en: name_en.to_owned(),
            description_zh: "服务说明".to_owned(),
            description_en: "About the service".to_owned(),
            category: "meal-assistance",
            cost: "free",
            latitude,
            longitude,
            delivery: "on-site",
        }
    }
}

pub async fn service(store: &SqlStore, fixture: &Fixture, code: &str, spec: &ServiceSpec) -> i64 {
    let priced = spec.cost != "free";
    sqlx::query(
        "INSERT INTO services (code, organization_id, category_slug, name_zh, name_en, description_zh, description_en, delivery,
             grid_unit_id, address_zh, address_en, latitude, longitude, hours_zh, hours_en, cost_kind, price_fen, price_unit_zh,
             price_unit_en, phone, search_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '南桥街12号', '12 Nanqiao St', $10, $11, '每天', 'Daily', $12, $13, $14, $15,
             '028-85551234', $16) RETURNING id",
    )
    .bind(code)
    .bind(fixture.organization)
    .bind(spec.category)
    .bind(&spec.name_zh)
    .bind(&spec.name_en)
    .bind(&spec.description_zh)
    .bind(&spec.description_en)
    .bind(spec.delivery)
    .bind(fixture.courtyard)
    .bind(spec.latitude)
    .bind(spec.longitude)
    .bind(spec.cost)
    .bind(priced.then_some(1500_i64))
    .bind(priced.then_some("次"))
    .bind(priced.then_some("visit"))
    // As the application writes it (a row without it is filled at the next start).
    .bind(app::domain::fold::searchable(&[&spec.name_zh, &spec.name_en, &spec.description_zh, &spec.description_en]))
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0)
}

/// A deterministic pseudo-random sequence (no dependency, same on every machine).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_f64() * items.len() as f64) as usize % items.len()]
    }
}
