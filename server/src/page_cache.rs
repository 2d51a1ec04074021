//! Whole directory pages, rendered once per directory version for everyone who sees the
//! same page: residents who are not signed in, with the same preferences.
//!
//! Why: a directory page is a pure function of its URL, the resident's preference cookies
//! (language, elder mode, remembered home), `Accept-Language` and the directory version,
//! plus the CSP nonce, which differs per response. Leptos' rendering is most of a page's
//! cost (docs/PERFORMANCE.md), so a page already rendered for that input is kept with its
//! body split at the nonce, and served again with the new response's nonce in the gaps.
//!
//! Never stale, like the snapshot (`store::directory_cache`): every request first settles
//! its store on the current snapshot (one shared version query), and is answered only
//! with a page rendered from that same version; a page is rendered through that settled
//! store, so it holds exactly the version it is kept under. Never personal: a request
//! with any cookie beyond the three preferences (a session, a one-time notice, a sign-up)
//! or with credentials is passed through untouched, and so is any answer that is not a
//! plain 200 page without cookies.
//!
//! Bounded: pages are dropped oldest first past a byte budget, and all at once when the
//! version moves on. Each instance keeps its own; nothing here is state of record.

use crate::auth::Caller;
use crate::hardening::headers::ScriptNonce;
use crate::store::SqlStore;
use app::prefs::{ELDER_COOKIE, HOME_COOKIE, LANG_COOKIE};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderName, HeaderValue, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{HeaderMap, Method, StatusCode};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Says whether a page came from the cache, for tests and for whoever reads the logs.
pub const PAGE_CACHE_HEADER: HeaderName = HeaderName::from_static("x-page-cache");

/// No page of ours comes near this; anything larger is passed through unkept.
const LARGEST_PAGE_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct PageCache {
    store: SqlStore,
    kept: Arc<Mutex<Kept>>,
    budget_bytes: usize,
}

#[derive(Default)]
struct Kept {
    version: i64,
    pages: HashMap<String, Arc<Page>>,
    /// Keys in the order they were kept: the oldest goes first.
    order: VecDeque<String>,
    bytes: usize,
}

struct Page {
    headers: HeaderMap,
    /// The body cut at each occurrence of the nonce it was rendered with.
    pieces: Vec<Bytes>,
    bytes: usize,
}

impl PageCache {
    /// A cache of at most `budget_bytes` of pages (32 MB by default: about a thousand
    /// directory pages of 20–30 KB); with 0, every page is rendered afresh.
    pub fn new(store: SqlStore, budget_bytes: usize) -> Self {
        Self {
            store,
            kept: Arc::default(),
            budget_bytes,
        }
    }

    fn get(&self, version: i64, key: &str) -> Option<Arc<Page>> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        (kept.version == version)
            .then(|| kept.pages.get(key).cloned())
            .flatten()
    }

    fn keep(&self, version: i64, key: String, page: Page) {
        if page.bytes > self.budget_bytes {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.version != version {
            if kept.version > version {
                // Rendered at a version already superseded here: worthless.
                return;
            }
            *kept = Kept {
                version,
                ..Kept::default()
            };
        }
        if kept.pages.contains_key(&key) {
            return;
        }
        while kept.bytes + page.bytes > self.budget_bytes {
            let Some(oldest) = kept.order.pop_front() else { break };
            if let Some(gone) = kept.pages.remove(&oldest) {
                kept.bytes -= gone.bytes;
            }
        }
        kept.bytes += page.bytes;
        kept.order.push_back(key.clone());
        kept.pages.insert(key, Arc::new(page));
    }
}

/// The store a page is rendered with, pinned by the page cache to the snapshot whose
/// version keys the page (`router` hands it to the render through the request).
#[derive(Clone)]
pub struct PinnedStore(pub SqlStore);

/// The middleware around the pages (inside the security headers, which make the nonce,
/// and authentication, which says who is calling).
pub async fn serve(State(cache): State<PageCache>, mut request: Request, next: Next) -> Response {
    let Some(key) = key_of(&request).filter(|_| cache.budget_bytes > 0) else {
        return next.run(request).await;
    };
    let Some(nonce) = request.extensions().get::<ScriptNonce>().map(|n| n.0.to_string()) else {
        return next.run(request).await;
    };
    // The render reads the directory through this store, settled here on the current
    // snapshot: the page it makes holds exactly that version, with no second look.
    let store = cache.store.pinned();
    let version = store.snapshot_version().await;
    request.extensions_mut().insert(PinnedStore(store));
    // No current snapshot (a rebuild is under way) or no answer: render as usual.
    let Ok(Some(version)) = version else {
        return next.run(request).await;
    };
    if let Some(page) = cache.get(version, &key) {
        return page.response(&nonce, "hit");
    }
    let response = next.run(request).await;
    if !keepable(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, LARGEST_PAGE_BYTES).await {
        Ok(body) => body,
        // Too large or a failed stream: the body is gone either way, and the answer
        // cannot be a truncated page.
        Err(error) => {
            tracing::error!(%error, "a page could not be read for the page cache");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    cache.keep(version, key, Page::new(parts.headers.clone(), &body, &nonce));
    parts
        .headers
        .insert(PAGE_CACHE_HEADER, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(body))
}

impl Page {
    fn new(headers: HeaderMap, body: &Bytes, nonce: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = 0;
        if !nonce.is_empty() {
            for at in memchr::memmem::find_iter(body, nonce.as_bytes()) {
                pieces.push(body.slice(rest..at));
                rest = at + nonce.len();
            }
        }
        pieces.push(body.slice(rest..));
        Self {
            headers,
            pieces,
            bytes: body.len(),
        }
    }

    fn response(&self, nonce: &str, outcome: &'static str) -> Response {
        let mut body = Vec::with_capacity(self.bytes + self.pieces.len() * nonce.len());
        for (at, piece) in self.pieces.iter().enumerate() {
            if at > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response
            .headers_mut()
            .insert(PAGE_CACHE_HEADER, HeaderValue::from_static(outcome));
        response
    }
}

/// The pages kept: the directory's, which depend on nothing but the key.
fn is_directory_page(path: &str) -> bool {
    path == "/" || path == "/places" || path.starts_with("/services/") || path.starts_with("/organizations/")
}

/// What a page depends on, or `None` when the request may be personal.
fn key_of(request: &Request) -> Option<String> {
    if request.method() != Method::GET || !is_directory_page(request.uri().path()) {
        return None;
    }
    if request.headers().contains_key(AUTHORIZATION)
        || request
            .extensions()
            .get::<Caller>()
            .is_some_and(|caller| caller.principal.is_some())
    {
        return None;
    }
    let mut prefs = [("", ""); 3];
    for header in request.headers().get_all(COOKIE) {
        let header = header.to_str().ok()?;
        for pair in header.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match name {
                LANG_COOKIE => 0,
                ELDER_COOKIE => 1,
                HOME_COOKIE => 2,
                // A session, a one-time notice, a sign-up in progress, or anything else
                // we do not know shapes the page: not the cache's business.
                _ => return None,
            };
            prefs[slot] = (name, value);
        }
    }
    let language = request
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let uri = request.uri();
    let path = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    let [(_, lang), (_, elder), (_, home)] = prefs;
    Some(format!("{path}\n{lang}\n{elder}\n{home}\n{language}"))
}

/// A plain page for anyone: 200, HTML, sets no cookie, not marked as one-time.
fn keepable(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && !headers.contains_key(SET_COOKIE)
        && headers
            .get("x-doorstep-keep")
            .is_none_or(|keep| keep.as_bytes() != b"no")
        && headers
            .get(CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_with_the_new_nonce_wherever_the_old_one_was() {
        let body = Bytes::from_static(b"<style nonce=\"OLD\">x</style><script nonce=\"OLD\">y</script>end");
        let page = Page::new(HeaderMap::new(), &body, "OLD");
        assert_eq!(page.pieces.len(), 3);
        let response = page.response("NEWNONCE", "hit");
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let text = runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .unwrap();
        assert_eq!(
            &text[..],
            b"<style nonce=\"NEWNONCE\">x</style><script nonce=\"NEWNONCE\">y</script>end"
        );
    }

    #[test]
    fn a_page_without_the_nonce_is_kept_whole() {
        let body = Bytes::from_static(b"<p>plain</p>");
        let page = Page::new(HeaderMap::new(), &body, "N");
        assert_eq!(page.pieces, vec![body]);
    }

    fn request(path: &str, cookie: Option<&str>) -> Request {
        let mut builder = http::Request::builder().uri(path);
        if let Some(cookie) = cookie {
            builder = builder.header(COOKIE, cookie);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_directory_pages_without_personal_cookies_have_a_key() {
        assert!(key_of(&request("/services/3", None)).is_some());
        assert!(key_of(&request("/?place=3&category=meal-assistance", Some("doorstep_lang=en"))).is_some());
        assert!(key_of(&request("/settings", None)).is_none());
        assert!(key_of(&request("/account", None)).is_none());
        assert!(key_of(&request("/services/3", Some("doorstep_session=abc"))).is_none());
        assert!(key_of(&request("/services/3", Some("doorstep_lang=en; doorstep_flash=x"))).is_none());
        assert_ne!(
            key_of(&request("/services/3", Some("doorstep_lang=en"))),
            key_of(&request("/services/3", Some("doorstep_lang=zh")))
        );
        assert_ne!(
            key_of(&request("/services/3", Some("doorstep_home=place:3"))),
            key_of(&request("/services/3", None))
        );
    }
}
