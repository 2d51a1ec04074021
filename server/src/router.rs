//! Wires everything into one axum `Router`: the JSON API, health, preferences, the Leptos
//! pages and server functions, static files. Tests build the same router.

use crate::app_shell::ServiceWorker;
use crate::auth::{AuthSettings, Caller, SessionCookie};
use crate::config::Config;
use crate::hardening::{csrf, headers, headers::ScriptNonce, limits, Hardening};
use crate::page_cache::{PageCache, PinnedStore};
use crate::request_context::{request_id_of, MakeId, REQUEST_ID};
use crate::rest;
use crate::store::SqlStore;
use app::app::{shell, App};
use app::domain::accounts::store::AccountStore;
use app::domain::activities::store::ActivityStore;
use app::domain::needs::NeedStore;
use app::domain::notifications::NotificationStore;
use app::domain::offerings::store::OfferingStore;
use app::domain::oversight::OversightStore;
use app::domain::requests::store::{FollowUpStore, RequestStore};
use app::domain::store::Store;
use axum::extract::State;
use axum::routing::get;
use axum::{middleware, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
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

/// The whole application, with the settings of `config`.
pub fn build(sql: SqlStore, config: &Config) -> Router {
    let page_cache_bytes = config.page_cache_mb as usize * 1024 * 1024;
    build_with(
        sql,
        leptos_options(config),
        config.hardening(),
        (page_cache_bytes, config.page_cache_header),
    )
}

/// The whole application.
/// `page_cache`: its budget in bytes, and whether answers say if they came from it.
pub fn build_with(
    sql: SqlStore,
    options: LeptosOptions,
    hardening: Hardening,
    (page_cache_bytes, say_page_cache_outcome): (usize, bool),
) -> Router {
    crate::metrics::init();
    let sql_for_auth = sql.clone();
    let worker = ServiceWorker::load(std::path::Path::new(options.site_root.as_ref()));
    let context = {
        let sql = sql.clone();
        let build = worker.build.clone();
        let style = crate::app_shell::inline_style(std::path::Path::new(options.site_root.as_ref()));
        move || {
            provide_context(build.clone());
            if let Some(style) = &style {
                provide_context(style.clone());
            }
            // One store per request, pinned to one directory snapshot for the whole render
            // (already settled by the page cache, when it looked first).
            let pinned = use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<PinnedStore>().cloned())
                .map_or_else(|| sql.pinned(), |p| p.0);
            provide_context::<Store>(Arc::new(pinned));
            provide_context::<Arc<dyn AccountStore>>(Arc::new(sql.clone()));
            provide_context::<Arc<dyn OfferingStore>>(Arc::new(sql.clone()));
            provide_context::<Arc<dyn RequestStore>>(Arc::new(sql.clone()));
            provide_context::<Arc<dyn FollowUpStore>>(Arc::new(sql.clone()));
            provide_context::<Arc<dyn OversightStore>>(Arc::new(sql.clone()));
            provide_context::<Arc<dyn NotificationStore>>(Arc::new(sql.clone()));
            provide_context::<Arc<dyn NeedStore>>(Arc::new(sql.clone()));
            provide_context::<Arc<dyn ActivityStore>>(Arc::new(sql.clone()));
            if let Some(caller) =
                use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<Caller>().cloned())
            {
                provide_context(caller.principal);
            }
            if let Some(unread) = use_context::<http::request::Parts>().and_then(|parts| {
                parts
                    .extensions
                    .get::<app::components::layout::UnreadNotifications>()
                    .copied()
            }) {
                provide_context(unread);
            }
            // This response's script nonce (the CSP header names it), in place of the one
            // Leptos would make up. Static files are served without request parts.
            if let Some(nonce) =
                use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<ScriptNonce>().cloned())
            {
                provide_context(nonce.0);
            }
        }
    };
    let pages = Router::new()
        .leptos_routes_with_context(&options, generate_route_list(App), context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<LeptosOptions, _>(
            context, shell,
        ))
        .with_state(options)
        .layer(middleware::from_fn_with_state(
            PageCache::new(sql.clone(), page_cache_bytes, say_page_cache_outcome),
            crate::page_cache::serve,
        ))
        .layer(middleware::from_fn_with_state(sql.clone(), unread_notifications));

    let permits = Arc::new(Semaphore::new(hardening.max_concurrent_requests));
    let auth = AuthSettings {
        cookie: SessionCookie { https: hardening.https },
        trust_forwarded_for: hardening.trust_forwarded_for,
    };
    // Layers run outside-in in the reverse of the order they are added: the request id
    // is set first, errors are rendered with it, panics are caught inside the renderer,
    // and the limits and CSRF check run before any handler.
    Router::new()
        .nest("/api/v1", rest::routes().with_state(sql.clone()))
        .merge(form_routes(sql.clone()))
        .route("/sw.js", get(crate::app_shell::service_worker).with_state(worker))
        .route(
            "/photos/{key}/{file}",
            get(crate::photos::serve).with_state(sql.clone()),
        )
        .route("/healthz", get(healthz).with_state(sql.clone()))
        .merge(pages)
        .layer(middleware::from_fn(rest::error::server_fn_status))
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn_with_state(
            (sql_for_auth, auth),
            crate::auth::authenticate,
        ))
        // Outside authentication: its bearer is the scraper's token, not a person's.
        .route(
            "/metrics",
            get(crate::metrics::serve).with_state((sql.clone(), hardening.metrics_token.clone())),
        )
        .layer(middleware::from_fn(csrf::refuse_cross_site))
        .layer(middleware::from_fn_with_state(permits, limits::concurrency))
        .layer(middleware::from_fn_with_state(
            hardening.request_timeout,
            limits::timeout,
        ))
        .layer(CatchPanicLayer::custom(limits::panic_response))
        .layer(middleware::from_fn(rest::error::render_errors))
        .layer(middleware::from_fn_with_state(hardening, headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &http::Request<_>| {
            let id = request_id_of(request.headers()).unwrap_or_default();
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), id = %id)
        }))
        .layer(middleware::from_fn(crate::metrics::record))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeId))
        // Ours, always: a client's own id must not land in the logs and the audit trail.
        .layer(middleware::map_request(
            |mut request: axum::extract::Request| async move {
                request.headers_mut().remove(&REQUEST_ID);
                request
            },
        ))
}

/// How many notifications the signed-in person has not read, for the page header: one
/// indexed count, for pages only (a page for a signed-in person is never cached).
async fn unread_notifications(
    axum::extract::State(sql): axum::extract::State<SqlStore>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use app::domain::notifications::NotificationStore;
    let person = request
        .extensions()
        .get::<Caller>()
        .and_then(|c| c.principal.as_ref())
        .map(|p| p.person);
    if let Some(person) = person {
        if let Ok(n) = sql.unread(person).await {
            request
                .extensions_mut()
                .insert(app::components::layout::UnreadNotifications(n));
        }
    }
    next.run(request).await
}

/// The HTML forms (and preferences), answered once per `Idempotency-Key`.
fn form_routes(sql: SqlStore) -> Router {
    crate::forms::routes()
        .route_layer(middleware::from_fn_with_state(sql.clone(), crate::idempotency::once))
        .with_state(sql)
}

/// Caching rules. The wasm, JS and CSS keep their names across builds, so browsers must
/// revalidate them (a cheap 304 thanks to Last-Modified) rather than trust a stale copy
/// that would fail to hydrate a newer page. Pages depend on the resident's cookies and
/// language: private, revalidated, and varying on both.
async fn cache_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use http::header::{HeaderValue, CACHE_CONTROL, VARY};
    let path = request.uri().path().to_owned();
    // Anything answered to a signed-in caller, and every account endpoint, is personal:
    // no cache anywhere may keep it.
    let personal = request
        .extensions()
        .get::<Caller>()
        .is_some_and(|c| c.principal.is_some())
        || request.headers().contains_key(http::header::AUTHORIZATION)
        || path.starts_with("/api/v1/auth/")
        || path.starts_with("/api/v1/me")
        || path.starts_with("/api/v1/community/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if personal && !path.starts_with("/pkg/") {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        headers.append(VARY, HeaderValue::from_static("Cookie"));
        return response;
    }
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
    tokio::spawn(crate::reminders::run(store.clone()));
    let app = build(store, config);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!(address = %listener.local_addr()?, "serving Doorstep");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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
