//! What every request carries for the layers that answer it: its id and its language.

use app::domain::lang::Lang;
use http::{HeaderMap, HeaderName};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;
use tower_http::request_id::{MakeRequestId, RequestId};

/// The header that carries the request id, in and out.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: this process's random prefix and a counter. Unique across instances
/// without coordination, short enough to read out over the phone.
#[derive(Clone, Default)]
pub struct MakeId;

static PREFIX: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
});
static COUNTER: AtomicU64 = AtomicU64::new(1);

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _request: &http::Request<B>) -> Option<RequestId> {
        let id = format!("{}-{}", *PREFIX, COUNTER.fetch_add(1, Ordering::Relaxed));
        http::HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

pub fn request_id_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The language to answer in: `lang=` in the query, else the language cookie, else
/// Accept-Language, else Chinese.
pub fn lang_of(headers: &HeaderMap, query: Option<&str>) -> Lang {
    let explicit = query.and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    explicit.unwrap_or_else(|| {
        let header = |name| headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
        app::prefs::Prefs::from_headers(header(http::header::COOKIE), header(http::header::ACCEPT_LANGUAGE)).lang
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_lang_beats_cookie_beats_header() {
        let mut h = HeaderMap::new();
        h.insert(http::header::ACCEPT_LANGUAGE, "en".parse().unwrap());
        assert_eq!(lang_of(&h, None), Lang::En);
        h.insert(http::header::COOKIE, "doorstep_lang=zh".parse().unwrap());
        assert_eq!(lang_of(&h, None), Lang::Zh);
        assert_eq!(lang_of(&h, Some("a=1&lang=en")), Lang::En);
        assert_eq!(lang_of(&HeaderMap::new(), Some("lang=xx")), Lang::Zh);
    }

    #[test]
    fn request_ids_differ() {
        let request = http::Request::new(());
        let a = MakeId.make_request_id(&request).unwrap();
        let b = MakeId.make_request_id(&request).unwrap();
        assert_ne!(a.header_value(), b.header_value());
    }
}
