//! `Idempotency-Key` on form posts: a form sent again with the same key is answered with
//! the first answer instead of being applied again.
//!
//! The service worker keeps a form submitted offline and sends it when the network is
//! back (docs/ARCHITECTURE.md, "Offline"). If the connection drops after the server
//! applied it but before the answer arrived, the worker sends it again with the same key;
//! this layer makes that second send harmless. Requests without the header are untouched.
//!
//! The database does the deciding: the key's row is claimed with an INSERT under its
//! primary key, so of two identical requests racing on two instances exactly one runs.
//! The other is answered from the stored result, or with 409 while the first still runs.

use crate::auth::Caller;
use crate::rest::error::ApiError;
use crate::store::migrate::now_millis;
use crate::store::{failed, SqlStore};
use app::domain::error::AppError;
use app::domain::message::Message;
use app::domain::store::StoreError;
use app::domain::validation::FieldError;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, LOCATION, SET_COOKIE};
use http::{Method, StatusCode};
use sha2::{Digest, Sha256};
use sqlx::Row;

pub const HEADER: &str = "idempotency-key";
/// How long an answer is kept: far longer than any phone stays offline between tries.
const KEEP_MS: i64 = 24 * 3600 * 1000;
/// How long a claim without an answer holds. Longer than any request may run (the
/// request timeout is 15 s by default); after it, the first request is taken to have died
/// (a dropped connection, a timeout, a crash) and a repeat may run.
const LEASE_MS: i64 = 60 * 1000;
/// Cookies an answer may be replayed with: preferences only. Sessions and the one-time
/// notice (which may hold a new API token) are never stored.
const REPLAYABLE_COOKIES: &[&str] = &[
    app::prefs::LANG_COOKIE,
    app::prefs::ELDER_COOKIE,
    app::prefs::HOME_COOKIE,
];

/// A client's key: 16 to 100 characters of letters, digits and dashes (a UUID fits).
pub(crate) fn parse_key(raw: &HeaderValue) -> Result<&str, FieldError> {
    raw.to_str()
        .ok()
        .filter(|k| (16..=100).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .ok_or_else(|| {
            FieldError::new(
                "Idempotency-Key",
                "须为 16 到 100 个字母、数字或连字符",
                "must be 16 to 100 letters, digits or dashes",
            )
        })
}

/// Middleware for the form routes.
pub async fn once(State(sql): State<SqlStore>, request: Request, next: Next) -> Response {
    let key = match request.headers().get(HEADER) {
        Some(raw) if request.method() == Method::POST => parse_key(raw).map(str::to_owned),
        _ => return next.run(request).await,
    };
    let key = match key {
        Ok(key) => key,
        Err(refusal) => return ApiError::from(refusal).into_response(),
    };
    // Scoped to the path and to whoever sends it: one caller's key never answers another.
    let caller = request
        .extensions()
        .get::<Caller>()
        .and_then(|c| c.principal.as_ref())
        .map(|p| p.person.get().to_string())
        .unwrap_or_default();
    let hash = format!(
        "{:x}",
        Sha256::digest(format!("{}\n{caller}\n{key}", request.uri().path()).as_bytes())
    );
    match claim(&sql, &hash).await {
        Ok(true) => {}
        Ok(false) => return replay(&sql, &hash).await,
        Err(e) => return ApiError::from(AppError::from(e)).into_response(),
    }
    let response = next.run(request).await;
    // A failure of ours, or "try later", is not an answer to keep: the next try runs again.
    let status = response.status();
    let transient = matches!(status.as_u16(), 408 | 409 | 425 | 429) || status.is_server_error();
    let outcome = if transient {
        release(&sql, &hash).await
    } else {
        let (status, headers) = (response.status(), response.headers().clone());
        record(&sql, &hash, status, &headers).await
    };
    if let Err(error) = outcome {
        tracing::warn!(?error, "could not record an idempotent answer");
    }
    response
}

/// Claims the key; false when it was claimed before. Expired keys and lapsed claims go
/// first, so the table stays a day deep and a dead first request does not block its repeat.
async fn claim(sql: &SqlStore, hash: &str) -> Result<bool, StoreError> {
    let now = now_millis();
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1 OR (status IS NULL AND created_at < $2)")
        .bind(now - KEEP_MS)
        .bind(now - LEASE_MS)
        .execute(sql.pool())
        .await
        .map_err(failed)?;
    // The primary key decides between racing repeats, on both engines, in one statement.
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (key_hash, created_at) VALUES ($1, $2) ON CONFLICT (key_hash) DO NOTHING",
    )
    .bind(hash)
    .bind(now)
    .execute(sql.pool())
    .await
    .map_err(failed)?
    .rows_affected();
    Ok(claimed == 1)
}

async fn release(sql: &SqlStore, hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE key_hash = $1")
        .bind(hash)
        .execute(sql.pool())
        .await
        .map_err(failed)?;
    Ok(())
}

async fn record(sql: &SqlStore, hash: &str, status: StatusCode, headers: &http::HeaderMap) -> Result<(), StoreError> {
    let location = headers.get(LOCATION).and_then(|v| v.to_str().ok());
    let cookies: Vec<&str> = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|line| {
            let name = line.split('=').next().unwrap_or_default();
            REPLAYABLE_COOKIES.contains(&name)
        })
        .collect();
    sqlx::query("UPDATE idempotency_keys SET status = $1, location = $2, cookies = $3 WHERE key_hash = $4")
        .bind(i64::from(status.as_u16()))
        .bind(location)
        .bind(cookies.join("\n"))
        .bind(hash)
        .execute(sql.pool())
        .await
        .map_err(failed)?;
    Ok(())
}

/// The first answer again, or 409 while the first request is still running.
async fn replay(sql: &SqlStore, hash: &str) -> Response {
    let row = sqlx::query("SELECT status, location, cookies FROM idempotency_keys WHERE key_hash = $1")
        .bind(hash)
        .fetch_optional(sql.pool())
        .await
        .map_err(failed);
    let stored = match row {
        Err(e) => return ApiError::from(AppError::from(e)).into_response(),
        Ok(row) => row.and_then(|row| {
            let status: Option<i64> = row.try_get(0).ok().flatten();
            let location: Option<String> = row.try_get(1).ok().flatten();
            let cookies: Option<String> = row.try_get(2).ok().flatten();
            status.map(|s| (s, location, cookies.unwrap_or_default()))
        }),
    };
    let Some((status, location, cookies)) = stored else {
        return ApiError::from(AppError::Conflict(Message::fixed(
            "同一操作正在处理，请稍后查看结果",
            "the same change is still being applied; look again shortly",
        )))
        .into_response();
    };
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = status.into_response();
    let headers = response.headers_mut();
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(LOCATION, location);
    }
    for line in cookies.lines().filter_map(|l| HeaderValue::from_str(l).ok()) {
        headers.append(SET_COOKIE, line);
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
