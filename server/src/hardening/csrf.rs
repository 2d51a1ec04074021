//! Cross-site request forgery: a state-changing request is refused unless the browser
//! says it came from this site.
//!
//! Browsers label every request: `Sec-Fetch-Site` (all current browsers) and `Origin`
//! (on every POST). A request is refused when `Sec-Fetch-Site` says it came from another
//! site, or when `Origin` names another origin. A request carrying neither did not come
//! from a browser (curl, an app, a test), so no victim's cookies ride on it; requests
//! with a bearer token are not driven by cookies at all. This is the check Go 1.25's
//! `CrossOriginProtection` makes, and it needs no token in every form, so it covers
//! server functions, form posts, `/prefs` and the JSON API alike.

use crate::rest::error::ApiError;
use app::domain::error::AppError;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method};

/// Whether a request may change state, judged from its method and headers alone.
pub fn allowed(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("authorization").is_some_and(|a| a.starts_with("Bearer ")) && header("cookie").is_none() {
        return true;
    }
    match header("sec-fetch-site") {
        Some("same-origin") | Some("none") => return true,
        Some(_) => return false,
        None => {}
    }
    match header("origin") {
        None => true,
        Some(origin) => {
            let host = header("host").unwrap_or_default();
            // `Origin` is scheme://host[:port]; the Host header is host[:port].
            origin
                .split_once("://")
                .is_some_and(|(_, origin_host)| !host.is_empty() && origin_host.eq_ignore_ascii_case(host))
        }
    }
}

pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if allowed(request.method(), request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        ApiError(AppError::Forbidden).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn reads_are_always_allowed() {
        assert!(allowed(&Method::GET, &headers(&[("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn same_origin_posts_pass_and_cross_site_posts_do_not() {
        let host = ("host", "127.0.0.1:3000");
        assert!(allowed(
            &Method::POST,
            &headers(&[host, ("sec-fetch-site", "same-origin")])
        ));
        assert!(!allowed(
            &Method::POST,
            &headers(&[host, ("sec-fetch-site", "cross-site")])
        ));
        assert!(!allowed(
            &Method::POST,
            &headers(&[host, ("sec-fetch-site", "same-site")])
        ));
        assert!(allowed(
            &Method::POST,
            &headers(&[host, ("origin", "http://127.0.0.1:3000")])
        ));
        assert!(!allowed(
            &Method::POST,
            &headers(&[host, ("origin", "https://evil.example")])
        ));
        assert!(!allowed(&Method::POST, &headers(&[host, ("origin", "null")])));
        assert!(!allowed(
            &Method::DELETE,
            &headers(&[host, ("origin", "http://127.0.0.1:3001")])
        ));
    }

    #[test]
    fn non_browser_clients_and_bearer_tokens_pass() {
        assert!(allowed(&Method::POST, &headers(&[("host", "x")])));
        assert!(allowed(
            &Method::POST,
            &headers(&[("authorization", "Bearer abc"), ("origin", "https://other.example")])
        ));
        // A bearer token does not excuse a request that also rides on cookies.
        assert!(!allowed(
            &Method::POST,
            &headers(&[
                ("authorization", "Bearer abc"),
                ("cookie", "s=1"),
                ("sec-fetch-site", "cross-site")
            ])
        ));
    }
}
