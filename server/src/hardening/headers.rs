//! Security headers on every answer, and the per-response nonce of the page's scripts.
//!
//! Pages get a Content-Security-Policy that allows scripts only from this site and the
//! inline scripts Leptos writes, which carry this response's nonce (the router puts the
//! nonce into Leptos' context, so `HydrationScripts` and the resource scripts use it).
//! Wasm needs `'wasm-unsafe-eval'`. JSON answers allow nothing at all.

use super::Hardening;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderName, HeaderValue};
use leptos::nonce::Nonce;

/// The nonce of this response, for the router's Leptos context.
#[derive(Clone)]
pub struct ScriptNonce(pub Nonce);

fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// JSON and other non-page answers load nothing.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";
/// The API reference page has one inline stylesheet and nothing else.
const REFERENCE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

pub async fn security_headers(State(settings): State<Hardening>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let nonce = Nonce::new();
    request.extensions_mut().insert(ScriptNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let policy = if path == "/api/v1/docs" {
        REFERENCE_POLICY.to_owned()
    } else if path.starts_with("/api/v1/") || path == "/healthz" {
        API_POLICY.to_owned()
    } else {
        page_policy(&nonce)
    };
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    };
    set("content-security-policy", &policy);
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    // Same-origin requests keep the full URL (no-JS form posts return to it); other
    // sites learn only our origin.
    set("referrer-policy", "strict-origin-when-cross-origin");
    // "Use my location" is ours; nobody embeds us to ask for anything else.
    set(
        "permissions-policy",
        "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), interest-cohort=()",
    );
    set("cross-origin-opener-policy", "same-origin");
    if settings.https {
        set("strict-transport-security", "max-age=31536000; includeSubDomains");
    }
    response
}
