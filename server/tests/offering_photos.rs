//! Offering photos, on both engines and both stores (database, directory): re-encoded
//! without EXIF, in two sizes, served for a year; refusals before anything is stored.

mod common;

use common::offerings::{count, meals, publisher};
use common::people::{self, Person};
use common::{fixtures, Engine, TestApp};
use reqwest::Method;
use serde_json::Value;

/// A picture as a phone would send it: a JPEG with EXIF (GPS included).
fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let mut plain = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }))
    .write_to(&mut plain, image::ImageFormat::Jpeg)
    .unwrap();
    let plain = plain.into_inner();
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude 30.6412 N".to_vec();
    let mut photo = plain[..2].to_vec();
    photo.extend([0xFF, 0xE1]);
    photo.extend(((exif.len() + 2) as u16).to_be_bytes());
    photo.append(&mut exif);
    photo.extend(&plain[2..]);
    photo
}

async fn put_photo(app: &TestApp, id: i64, who: &Person, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .request(Method::PUT, &format!("/api/v1/offerings/{id}/photo"), Some(who))
        .header("Content-Type", "image/jpeg")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The answer to an upload whose head announces `length` bytes, sent without its body:
/// the server refuses it on the Content-Length alone. (Sending the megabytes raced the
/// server's close: the client sometimes failed writing, with a broken pipe, before it read
/// the answer.) Returns the status, the head and the body.
async fn announced_only(
    app: &TestApp,
    request_line: &str,
    content_type: &str,
    who: &Person,
    length: usize,
) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "{request_line} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nSec-Fetch-Site: same-origin\r\n\
         Cookie: doorstep_session={}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n",
        app.base, who.token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The head, then as many bytes as it says the body has.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let body_at = loop {
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "closed before the answer's head");
        answer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&answer[..body_at]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    while answer.len() < body_at + length {
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "closed before the answer's body");
        answer.extend_from_slice(&chunk[..read]);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {head:?}"));
    (status, head, String::from_utf8_lossy(&answer[body_at..]).into_owned())
}

async fn photos_are_re_encoded_without_exif_and_served_for_a_year(engine: Engine, uploads: Option<&std::path::Path>) {
    let mut db = common::fresh_db(engine).await;
    if let Some(dir) = uploads {
        db.store = db
            .store
            .clone()
            .with_uploads(doorstep_server::store::Uploads::Directory(dir.to_owned()));
    }
    let app = common::spawn_with(db).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let stranger = people::person(store, "路人").await;
    let org = publisher(store, &fixture, &owner).await;
    let (_, created) = app
        .send(
            Method::POST,
            &format!("/api/v1/organizations/{org}/offerings"),
            Some(&owner),
            Some(meals(&fixture)),
        )
        .await;
    let id = created["id"].as_i64().unwrap();

    // A stranger's upload is refused before it is even decoded.
    assert_eq!(put_photo(&app, id, &stranger, phone_photo(50, 50)).await.0, 404);
    let (status, body) = put_photo(&app, id, &owner, b"GIF89a not a photo".to_vec()).await;
    assert_eq!(
        (status, body["error"]["fields"][0]["field"].as_str()),
        (422, Some("photo"))
    );
    let mut too_big = phone_photo(20, 20);
    too_big.resize(5 * 1024 * 1024 + 1, 0);
    let (status, body) = put_photo(&app, id, &owner, too_big).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("5 MB"));
    // Announced over the limit: refused before a byte of it is read, in the error format
    // and the request's language (Chinese by default), as the photo form refuses it on
    // its page.
    let put = format!("PUT /api/v1/offerings/{id}/photo");
    let (status, _, body) = announced_only(&app, &put, "image/jpeg", &owner, 8 * 1024 * 1024).await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, &body["error"]["fields"][0]["field"]),
        (413, &Value::from("photo"))
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("照片太大了"),
        "{body}"
    );
    let form = format!("POST /account/offerings/{id}/photo");
    let multipart = "multipart/form-data; boundary=photo-boundary";
    let (status, head, _) = announced_only(&app, &form, multipart, &owner, 8 * 1024 * 1024).await;
    // Each value of a header, up to its first `;`.
    let values = |name: &str| -> Vec<String> {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.split(';').next().unwrap().trim().to_owned())
            .collect()
    };
    let back = format!("/account/offerings/{id}");
    assert_eq!((status, values("location")), (303, vec![back.clone()]), "{head}");
    let flash = values("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("doorstep_flash="));
    assert!(flash.is_some(), "{head}");
    let (_, page) = common::forms::page(&app, &back, &owner, flash.as_deref()).await;
    assert!(page.contains("照片太大了"), "the form's page says why");
    assert_eq!(count(store, "SELECT COUNT(*) FROM photos").await, 0);

    let (status, offering) = put_photo(&app, id, &owner, phone_photo(1200, 900)).await;
    assert_eq!(status, 200, "{offering}");
    let path = offering["photo"].as_str().unwrap().to_owned();
    assert!(path.starts_with("/photos/") && path.ends_with("/page.jpg"));
    let (_, page) = app.get_json(&format!("/api/v1/services/{id}")).await;
    assert_eq!(page["photo"], path.as_str(), "residents see it at once");
    for (file, width) in [("page.jpg", 960), ("card.jpg", 320)] {
        let response = app.get(&path.replace("page.jpg", file)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/jpeg");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let bytes = response.bytes().await.unwrap();
        assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"), "no EXIF, no GPS");
        assert_eq!(image::load_from_memory(&bytes).unwrap().width(), width);
    }
    assert_eq!(app.get("/photos/0123456789abcdef01234567/page.jpg").await.status(), 404);
    assert_eq!(app.get("/photos/..%2F..%2Fetc/page.jpg").await.status(), 404);
    let stored = count(store, "SELECT COUNT(*) FROM photos").await;
    assert_eq!(stored, if uploads.is_some() { 0 } else { 2 });

    let (status, history) = app
        .send(
            Method::GET,
            &format!("/api/v1/offerings/{id}/history"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(
        (status, history[0]["changes"][0]["field"].as_str()),
        (200, Some("photo"))
    );
    let (status, removed) = app
        .send(
            Method::DELETE,
            &format!("/api/v1/offerings/{id}/photo"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!((status, removed.get("photo")), (200, None));
}

async fn photos_kept_in_the_database(engine: Engine) {
    photos_are_re_encoded_without_exif_and_served_for_a_year(engine, None).await;
}

async fn photos_kept_in_a_directory(engine: Engine) {
    let dir = common::tempdir::TempDir::new();
    photos_are_re_encoded_without_exif_and_served_for_a_year(engine, Some(&dir.path)).await;
    let files = std::fs::read_dir(&dir.path).unwrap().count();
    assert_eq!(files, 2, "both sizes, no temporary file left");
}
on_both_engines!(photos_kept_in_the_database, photos_kept_in_a_directory);
