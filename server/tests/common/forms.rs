//! Form posts and the pages they return to, as a browser without JavaScript sends them.

use super::people::Person;
use super::TestApp;
use reqwest::Method;

/// Posts a form as `who` and returns the answer's status, `Location` and flash cookie.
pub async fn post_form(app: &TestApp, path: &str, who: &Person, body: &str) -> (u16, String, Option<String>) {
    let response = app
        .request(Method::POST, path, Some(who))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let flash = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("doorstep_flash="))
        .map(|c| c.split(';').next().unwrap().to_owned());
    (response.status().as_u16(), location, flash)
}

/// A page as `who`, with the flash a form post left.
pub async fn page(app: &TestApp, path: &str, who: &Person, flash: Option<&str>) -> (u16, String) {
    let mut cookie = format!("doorstep_session={}", who.token);
    if let Some(flash) = flash {
        cookie = format!("{cookie}; {flash}");
    }
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

pub fn encode(pairs: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}
