use super::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().unwrap()
}

#[test]
fn a_page_is_served_with_the_new_nonce_wherever_the_old_one_was() {
    let body = Bytes::from_static(b"<style nonce=\"OLD\">x</style><script nonce=\"OLD\">y</script>end");
    let page = Page::new(HeaderMap::new(), &body, "OLD");
    assert_eq!(page.pieces.len(), 3);
    let response = page.response("NEWNONCE");
    let text = runtime()
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

fn request(path: &str, cookies: &[&str], accept_language: Option<&str>) -> Request {
    let mut builder = http::Request::builder().uri(path);
    for cookie in cookies {
        builder = builder.header(COOKIE, *cookie);
    }
    if let Some(language) = accept_language {
        builder = builder.header(ACCEPT_LANGUAGE, language);
    }
    builder.body(Body::empty()).unwrap()
}

fn key(path: &str, cookies: &[&str]) -> Option<String> {
    key_of(&request(path, cookies, None))
}

#[test]
fn only_directory_pages_without_personal_cookies_have_a_key() {
    assert!(key("/services/3", &[]).is_some());
    assert!(key("/?place=3&category=meal-assistance", &["doorstep_lang=en"]).is_some());
    assert!(key("/settings", &[]).is_none());
    assert!(key("/account", &[]).is_none());
    assert!(key("/services/3", &["doorstep_session=abc"]).is_none());
    assert!(key("/services/3", &["doorstep_lang=en; doorstep_flash=x"]).is_none());
    assert!(
        key(&format!("/?q={}", "x".repeat(600)), &[]).is_none(),
        "a made-up long URL"
    );
}

#[test]
fn the_key_is_the_preferences_as_the_page_resolves_them() {
    assert_ne!(
        key("/services/3", &["doorstep_lang=en"]),
        key("/services/3", &["doorstep_lang=zh"])
    );
    assert_ne!(key("/services/3", &["doorstep_home=place:3"]), key("/services/3", &[]));
    // Spelled differently, resolved alike: one page.
    assert_eq!(
        key_of(&request("/services/3", &[], Some("en-US,en;q=0.9"))),
        key_of(&request("/services/3", &[], Some("en")))
    );
    assert_eq!(
        key("/services/3", &["doorstep_home=place:03; doorstep_lang=zh"]),
        key("/services/3", &["doorstep_home=place:3"])
    );
    assert_eq!(key("/services/3", &["doorstep_home=nonsense"]), key("/services/3", &[]));
}

#[test]
fn a_request_that_could_be_stored_under_other_preferences_has_no_key() {
    // The page reads the first value and the first header; the cache must not key by
    // another one, or one visitor could fill another's page.
    assert!(key("/", &["doorstep_home=place:1; doorstep_home=place:2"]).is_none());
    assert!(key("/", &["doorstep_lang=en; doorstep_lang=zh"]).is_none());
    assert!(key("/", &["doorstep_lang=en", "doorstep_home=place:2"]).is_none());
    // A remembered position is within ~100 m of a door: never shared.
    assert!(key("/services/3", &["doorstep_home=pos:30.642,104.043"]).is_none());
}

#[test]
fn a_body_too_large_to_keep_is_passed_on_whole() {
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..5).map(|n| Ok(Bytes::from(vec![b'a' + n; 400]))).collect();
    let body = Body::from_stream(stream::iter(chunks));
    let rt = runtime();
    let Read::Partly(body) = rt.block_on(read_whole(body, 1000)) else {
        panic!("2,000 bytes are over a 1,000-byte limit");
    };
    let all = rt.block_on(axum::body::to_bytes(body, usize::MAX)).unwrap();
    assert_eq!(all.len(), 2000);
    assert!(all[..400].iter().all(|b| *b == b'a') && all[1600..].iter().all(|b| *b == b'e'));
    let Read::Whole(small) = rt.block_on(read_whole(Body::from("short"), 1000)) else {
        panic!("a short body is read whole");
    };
    assert_eq!(&small[..], b"short");
}
