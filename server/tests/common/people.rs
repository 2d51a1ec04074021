//! People, sessions and roles for tests: written straight into the database (no argon2,
//! no outbox), so a test can set up many actors cheaply. The flows that create them for
//! real (sign-up, codes, passwords) have tests of their own in `accounts.rs`.

use super::TestApp;
use app::domain::accounts::secrets::Secrets;
use doorstep_server::auth::secrets::RealSecrets;
use doorstep_server::store::SqlStore;
use sqlx::Row;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh mobile number no other test person has.
pub fn phone() -> String {
    format!("139{:08}", NEXT.fetch_add(1, Ordering::Relaxed) % 100_000_000)
}

/// A person with a session; `token` is what their cookie carries.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: i64,
    pub login: String,
    pub token: String,
}

pub async fn person(store: &SqlStore, name: &str) -> Person {
    let login = phone();
    let id: i64 = sqlx::query("INSERT INTO people (login, display_name, created_at) VALUES ($1, $2, 0) RETURNING id")
        .bind(&login)
        .bind(name)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    let token = RealSecrets.new_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(RealSecrets.token_hash(&token))
    .bind(id)
    .bind(now())
    .bind(now() + 86_400_000)
    .execute(store.pool())
    .await
    .unwrap();
    Person { id, login, token }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

pub async fn exec(store: &SqlStore, sql: &str, binds: &[i64]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(store.pool()).await.unwrap();
}

/// A community (with its district and subdistrict) for tests that need several.
/// A new person who is a (plain) member of `organization`.
pub async fn member(store: &SqlStore, organization: i64, name: &str) -> Person {
    let member = person(store, name).await;
    exec(
        store,
        "INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, 'member', 0)",
        &[organization, member.id],
    )
    .await;
    member
}

pub async fn community(store: &SqlStore, name: &str) -> i64 {
    let code = format!("c-{}-{}", name, NEXT.fetch_add(1, Ordering::Relaxed));
    sqlx::query(
        "INSERT INTO grid_units (kind, code, name_zh, name_en, latitude, longitude) \
         VALUES ('community', $1, $2, $2, 30.64, 104.05) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0)
}

/// An organization registered through the app, serving `community`, owned by `owner`.
pub async fn organization(store: &SqlStore, community: i64, owner: &Person) -> i64 {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let id: i64 = sqlx::query(
        "INSERT INTO organizations (code, kind, name_zh, name_en, description_zh, description_en, phone, address_zh, \
             address_en, community_id, latitude, longitude, verified) \
         VALUES ($1, 'social-organization', $2, $2, '', '', '', '', '', $3, 30.64, 104.05, 0) RETURNING id",
    )
    .bind(format!("org-{n}"))
    .bind(format!("机构{n}"))
    .bind(community)
    .fetch_one(store.pool())
    .await
    .unwrap()
    .get(0);
    let credit = app::domain::accounts::values::CreditCode::complete(&format!("9151010{:010}", n)).unwrap();
    sqlx::query(
        "INSERT INTO organization_accounts (organization_id, credit_code, contact_name, contact_phone, registered_by, registered_at) \
         VALUES ($1, $2, '联系人', $3, $4, 0)",
    )
    .bind(id)
    .bind(credit)
    .bind(phone())
    .bind(owner.id)
    .execute(store.pool())
    .await
    .unwrap();
    exec(
        store,
        "INSERT INTO organization_communities (organization_id, community_id) VALUES ($1, $2)",
        &[id, community],
    )
    .await;
    exec(
        store,
        "INSERT INTO organization_members (organization_id, person_id, role, added_at) VALUES ($1, $2, 'owner', 0)",
        &[id, owner.id],
    )
    .await;
    id
}

impl TestApp {
    /// A request as `who` (or anonymous), from the site itself.
    pub fn request(&self, method: reqwest::Method, path: &str, who: Option<&Person>) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Origin", self.base.clone())
            .header("Sec-Fetch-Site", "same-origin");
        if let Some(p) = who {
            request = request.header("Cookie", format!("doorstep_session={}", p.token));
        }
        request
    }

    /// Sends JSON as `who` and returns the status and the body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        who: Option<&Person>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self.request(method, path, who);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    /// The messages the built-in sender queued for `login`, oldest first.
    pub async fn outbox(&self, login: &str) -> Vec<String> {
        sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id")
            .bind(login)
            .fetch_all(self.db.store.pool())
            .await
            .unwrap()
    }

    /// The six-digit code in the newest message to `login`.
    pub async fn last_code(&self, login: &str) -> String {
        let messages = self.outbox(login).await;
        let last = messages.last().expect("a message was sent");
        last.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("a six-digit code in the message")
            .to_owned()
    }
}
