//! Wires everything into one axum `Router`: the JSON API, health, preferences, the Leptos
//! pages and server functions, static files. Tests build the same router.

use crate::config::Config;
use crate::store::SqlStore;
use crate::{prefs, rest};
use app::app::{shell, App};
use app::domain::store::Store;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Leptos' site settings from our configuration, so the binary runs outside cargo-leptos.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let from_env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    LeptosOptions::builder()
        .output_name(from_env("LEPTOS_OUTPUT_NAME", "doorstep"))
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir(from_env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(config.addr)
        .build()
}

/// The whole application.
pub fn build(sql: SqlStore, options: LeptosOptions) -> Router {
    let store: Store = Arc::new(sql.clone());
    let context = {
        let store = store.clone();
        move || provide_context(store.clone())
    };
    let pages = Router::new()
        .leptos_routes_with_context(&options, generate_route_list(App), context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<LeptosOptions, _>(
            context, shell,
        ))
        .with_state(options);

    Router::new()
        .nest("/api/v1", rest::routes().with_state(store.clone()))
        .route("/healthz", get(healthz).with_state(sql))
        .route("/prefs", post(prefs::update))
        .merge(pages)
        .layer(axum::middleware::from_fn(cache_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// Caching rules. The wasm, JS and CSS keep their names across builds, so browsers must
/// revalidate them (a cheap 304 thanks to Last-Modified) rather than trust a stale copy
/// that would fail to hydrate a newer page. Pages depend on the resident's cookies and
/// language: private, revalidated, and varying on both.
async fn cache_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use http::header::{HeaderValue, CACHE_CONTROL, VARY};
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if headers.contains_key(CACHE_CONTROL) {
        return response;
    }
    if path.starts_with("/pkg/") {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    } else if path.starts_with("/api/") {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.append(VARY, HeaderValue::from_static("Accept-Language"));
    } else if path != "/healthz" {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
        headers.append(VARY, HeaderValue::from_static("Cookie, Accept-Language"));
    }
    response
}

/// 200 when the database answers, 503 when it does not; says whether the search index
/// is loaded (searches are answered either way).
async fn healthz(State(store): State<SqlStore>) -> (http::StatusCode, String) {
    use app::domain::store::DirectoryStore;
    match store.ping().await {
        Ok(()) => {
            let index = match store.index_status() {
                Some(s) => format!("search index at version {} with {} services", s.version, s.services),
                None => "search index not loaded yet".to_owned(),
            };
            (http::StatusCode::OK, format!("ok\n{index}\n"))
        }
        Err(_) => (
            http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable\n".to_owned(),
        ),
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(config: &Config, store: SqlStore) -> anyhow::Result<()> {
    // Searches are answered by SQL until the index is built, so serve at once.
    store.rebuild_index_in_background();
    let app = build(store, leptos_options(config));
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!(address = %listener.local_addr()?, "serving Doorstep");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
