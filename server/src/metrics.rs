//! `GET /metrics` in the Prometheus text format: requests and their latency per route,
//! the directory snapshot (version, full rebuilds, reads that fell back to SQL) and the
//! database pool. Not public: it answers only with `--metrics-token` set, to a bearer of
//! that token (a scraper), and is 404 otherwise.
//!
//! Routes are labelled by their shape (`/services/{id}`), never by the raw path, and a
//! 404 is labelled `unmatched`: a client inventing paths cannot grow the label set.

use crate::store::SqlStore;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// The token `/metrics` answers to; never printed.
#[derive(Clone)]
pub struct Token(pub String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// The process-wide recorder (one per process: several test servers share it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full("http_request_duration_seconds".into()),
                &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
            )
            .expect("valid buckets")
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full("directory_delta_seconds".into()),
                &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0],
            )
            .expect("valid buckets")
            .install_recorder()
            .expect("the only metrics recorder of the process")
    })
}

/// Installs the recorder (before the first request, so nothing is lost).
pub fn init() {
    handle();
}

/// The label a request's path is counted under.
pub fn route_label(path: &str, status: u16) -> String {
    if status == 404 {
        return "unmatched".into();
    }
    for fixed in ["/pkg/", "/photos/", "/icons/"] {
        if path.starts_with(fixed) {
            return format!("{}*", fixed);
        }
    }
    let shape: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                segment
            }
        })
        .collect();
    let shape = shape.join("/");
    // Anything else odd (a very long path that still answered) is not a label of its own.
    if shape.len() > 64 {
        "other".into()
    } else {
        shape
    }
}

/// Counts every request and times it, by route, method and status.
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let route = route_label(&path, status);
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method, "status" => status.to_string())
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn serve(State((store, token)): State<(SqlStore, Option<Token>)>, headers: http::HeaderMap) -> Response {
    let Some(token) = token else {
        return http::StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.0.as_bytes())) {
        return (
            http::StatusCode::UNAUTHORIZED,
            [(http::header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    let pool = store.pool();
    metrics::gauge!("db_pool_connections", "state" => "open").set(f64::from(pool.size()));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(pool.num_idle() as f64);
    if let Some(status) = store.index_status() {
        metrics::gauge!("directory_snapshot_version").set(status.version as f64);
        metrics::gauge!("directory_snapshot_services").set(status.services as f64);
        metrics::gauge!("directory_changed_services").set(status.changed as f64);
        metrics::gauge!("directory_search_index_bytes").set(status.index_bytes as f64);
        metrics::gauge!("directory_text_index_bytes").set(status.text_index_bytes as f64);
    }
    if let Some(rss) = crate::memory::resident_bytes() {
        metrics::gauge!("process_resident_memory_bytes").set(rss as f64);
    }
    metrics::gauge!("allocator_committed_bytes").set(crate::memory::allocator_committed_bytes() as f64);
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle().render(),
    )
        .into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::route_label;

    #[test]
    fn routes_are_labelled_by_shape_and_unknown_paths_share_one_label() {
        assert_eq!(route_label("/services/123", 200), "/services/{id}");
        assert_eq!(
            route_label("/api/v1/offerings/7/pause", 409),
            "/api/v1/offerings/{id}/pause"
        );
        assert_eq!(route_label("/photos/abc/page.jpg", 200), "/photos/*");
        assert_eq!(route_label("/no/such/thing", 404), "unmatched");
        assert_eq!(route_label(&format!("/{}", "a".repeat(100)), 200), "other");
    }
}
