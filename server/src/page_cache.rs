//! Whole directory pages, rendered once per directory snapshot for everyone who sees the
//! same page: residents who are not signed in, with the same preferences.
//!
//! Why: a directory page is a pure function of its URL, the resident's preferences
//! (language, elder mode, remembered place) and the directory, plus the CSP nonce, which
//! differs per response. Leptos' rendering is most of a page's cost (docs/PERFORMANCE.md),
//! so a page already rendered for that input is kept with its body cut at the nonce, and
//! served again with the new response's nonce in the gaps.
//!
//! Never stale, like the snapshot (`store::directory_cache`): every request first settles
//! its store on the current snapshot (one shared version query), and is answered only
//! with a page rendered from that same snapshot; a page is rendered through that settled
//! store, so it holds exactly the snapshot it is kept under. Never personal: a request
//! with any cookie beyond the three preferences (a session, a one-time notice, a sign-up),
//! with a preference given twice, with credentials, or with a remembered position (about
//! 100 m: too close to a door to share a cache entry by) is passed through untouched, and
//! so is any answer that is not a plain 200 page without cookies. The key is built from
//! the preferences as the page resolves them (`app::prefs`), never from raw headers, so a
//! request cannot have its page stored under someone else's preferences.
//!
//! Bounded: pages (and their keys) are dropped oldest first past a byte budget, and all at
//! once when the snapshot changes. Each instance keeps its own; nothing here is state of
//! record.

use crate::auth::Caller;
use crate::hardening::headers::ScriptNonce;
use crate::store::{SnapshotDirectory, SqlStore};
use app::domain::search::Origin;
use app::prefs::{cookie_value, decode_home, encode_home, Prefs, ELDER_COOKIE, HOME_COOKIE, LANG_COOKIE};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{stream, StreamExt};
use http::header::{HeaderName, HeaderValue, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{HeaderMap, Method, StatusCode};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Says whether a page came from the cache; sent only when configured
/// (`DOORSTEP_PAGE_CACHE_HEADER`, for tests and diagnosis), since it would tell a visitor
/// whether someone with the same preferences viewed the page since the directory changed.
pub const PAGE_CACHE_HEADER: HeaderName = HeaderName::from_static("x-page-cache");

/// Pages larger than this pass through unkept (none of ours comes near it).
const LARGEST_PAGE_BYTES: usize = 1024 * 1024;

/// URLs longer than this are not kept: real links are short, and long made-up ones would
/// only fill the cache.
const LONGEST_KEPT_URL: usize = 512;

#[derive(Clone)]
pub struct PageCache {
    store: SqlStore,
    kept: Arc<Mutex<Kept>>,
    budget_bytes: usize,
    say_outcome: bool,
}

#[derive(Default)]
struct Kept {
    /// The snapshot the pages were rendered from (`Snapshot::build`).
    snapshot: u64,
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
    /// A cache of at most `budget_bytes` of pages and keys (32 MB by default: about a
    /// thousand directory pages of 20–30 KB); with 0, every page is rendered afresh.
    /// `say_outcome` adds [`PAGE_CACHE_HEADER`] to answers.
    pub fn new(store: SqlStore, budget_bytes: usize, say_outcome: bool) -> Self {
        Self {
            store,
            kept: Arc::default(),
            budget_bytes,
            say_outcome,
        }
    }

    fn get(&self, snapshot: u64, key: &str) -> Option<Arc<Page>> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        (kept.snapshot == snapshot)
            .then(|| kept.pages.get(key).cloned())
            .flatten()
    }

    fn keep(&self, snapshot: u64, key: String, page: Page) {
        let cost = page.bytes + 2 * key.len();
        if cost > self.budget_bytes {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.snapshot != snapshot {
            if kept.snapshot > snapshot {
                // Rendered from a snapshot already superseded here: worthless.
                return;
            }
            *kept = Kept {
                snapshot,
                ..Kept::default()
            };
        }
        if kept.pages.contains_key(&key) {
            return;
        }
        while kept.bytes + cost > self.budget_bytes {
            let Some(oldest) = kept.order.pop_front() else { break };
            if let Some(gone) = kept.pages.remove(&oldest) {
                kept.bytes -= gone.bytes + 2 * oldest.len();
            }
        }
        kept.bytes += cost;
        kept.order.push_back(key.clone());
        kept.pages.insert(key, Arc::new(page));
    }

    fn mark(&self, response: &mut Response, outcome: &'static str) {
        if self.say_outcome {
            response
                .headers_mut()
                .insert(PAGE_CACHE_HEADER, HeaderValue::from_static(outcome));
        }
    }
}

/// The store a page is rendered with, pinned by the page cache to the snapshot that keys
/// the page (`router` hands it to the render through the request).
#[derive(Clone)]
pub struct PinnedStore(pub SnapshotDirectory);

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
    // snapshot: the page it makes holds exactly that snapshot, with no second look.
    let store = cache.store.pinned();
    let snapshot = store.snapshot_build().await;
    request.extensions_mut().insert(PinnedStore(store));
    // No current snapshot (a rebuild is under way) or no answer: render as usual.
    let Ok(Some(snapshot)) = snapshot else {
        return next.run(request).await;
    };
    if let Some(page) = cache.get(snapshot, &key) {
        let mut response = page.response(&nonce);
        cache.mark(&mut response, "hit");
        return response;
    }
    let response = next.run(request).await;
    if !keepable(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match read_whole(body, LARGEST_PAGE_BYTES).await {
        Read::Whole(body) => body,
        // Too large to keep, or a broken stream: answered as it comes, not kept.
        Read::Partly(body) => return Response::from_parts(parts, body),
    };
    cache.keep(snapshot, key, Page::new(parts.headers.clone(), &body, &nonce));
    parts.headers.remove(http::header::CONTENT_LENGTH);
    let mut response = Response::from_parts(parts, Body::from(body));
    cache.mark(&mut response, "miss");
    response
}

enum Read {
    Whole(Bytes),
    /// What was read, followed by the rest of the stream, untouched.
    Partly(Body),
}

/// The body whole if it ends within `limit` bytes; otherwise (or on an error) a body
/// that still yields everything, so the answer is never cut short for the cache's sake.
async fn read_whole(body: Body, limit: usize) -> Read {
    let mut stream = body.into_data_stream();
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut bytes = 0;
    loop {
        match stream.next().await {
            None => break,
            Some(Ok(chunk)) => {
                bytes += chunk.len();
                chunks.push(chunk);
                if bytes > limit {
                    let read = stream::iter(chunks.into_iter().map(Ok::<_, axum::Error>));
                    return Read::Partly(Body::from_stream(read.chain(stream)));
                }
            }
            Some(Err(error)) => {
                let read = stream::iter(chunks.into_iter().map(Ok)).chain(stream::once(async { Err(error) }));
                return Read::Partly(Body::from_stream(read));
            }
        }
    }
    let mut whole = Vec::with_capacity(bytes);
    for chunk in chunks {
        whole.extend_from_slice(&chunk);
    }
    Read::Whole(Bytes::from(whole))
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
        let mut headers = headers;
        headers.remove(http::header::CONTENT_LENGTH);
        Self {
            headers,
            pieces,
            bytes: body.len(),
        }
    }

    fn response(&self, nonce: &str) -> Response {
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
    }
}

/// The pages kept: the directory's, which depend on nothing but the key.
fn is_directory_page(path: &str) -> bool {
    path == "/" || path == "/places" || path.starts_with("/services/") || path.starts_with("/organizations/")
}

/// What a page depends on, or `None` when the request may be personal (or odd).
fn key_of(request: &Request) -> Option<String> {
    let url = request
        .uri()
        .path_and_query()
        .map_or(request.uri().path(), |pq| pq.as_str());
    if request.method() != Method::GET || !is_directory_page(request.uri().path()) || url.len() > LONGEST_KEPT_URL {
        return None;
    }
    let headers = request.headers();
    if headers.contains_key(AUTHORIZATION)
        || request
            .extensions()
            .get::<Caller>()
            .is_some_and(|caller| caller.principal.is_some())
    {
        return None;
    }
    // One Cookie header at most, holding the preferences only, each at most once: then
    // the page resolves them (first header, first value) exactly as read here.
    let mut cookies = headers.get_all(COOKIE).iter();
    let cookie = match (cookies.next(), cookies.next()) {
        (None, _) => None,
        (Some(one), None) => Some(one.to_str().ok()?),
        (Some(_), Some(_)) => return None,
    };
    let mut seen = [false; 3];
    for pair in cookie
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name).trim();
        let slot = match name {
            LANG_COOKIE => 0,
            ELDER_COOKIE => 1,
            HOME_COOKIE => 2,
            // A session, a one-time notice, a sign-up in progress, or anything else we do
            // not know may shape the page: not the cache's business.
            _ => return None,
        };
        if std::mem::replace(&mut seen[slot], true) {
            return None;
        }
    }
    let prefs = Prefs::from_headers(cookie, headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let home = match cookie.and_then(|c| cookie_value(c, HOME_COOKIE)).and_then(decode_home) {
        None => String::new(),
        Some(place @ Origin::Place(_)) => encode_home(place),
        Some(Origin::Position(_)) => return None,
    };
    Some(format!("{url}\n{}\n{}\n{home}", prefs.lang.code(), prefs.elder))
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
mod tests;
