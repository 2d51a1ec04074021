//! `POST /prefs`: the no-JavaScript way to change language or elder mode, or forget the
//! remembered location. Sets cookies and sends the resident back where they were.

use app::domain::lang::Lang;
use app::prefs::{COOKIE_MAX_AGE_S, ELDER_COOKIE, HOME_COOKIE, LANG_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use http::header::SET_COOKIE;
use serde::Deserialize;

use crate::rest::error::ApiError;
use app::domain::validation::FieldError;

#[derive(Debug, Deserialize)]
pub struct PrefsForm {
    lang: Option<String>,
    elder: Option<String>,
    forget_home: Option<String>,
    return_to: Option<String>,
}

/// Only paths on this site: never an open redirect to somewhere else.
pub fn safe_return_path(raw: Option<&str>) -> &str {
    match raw {
        Some(p)
            if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control) =>
        {
            p
        }
        _ => "/",
    }
}

fn cookie(name: &str, value: &str, max_age: u32) -> String {
    format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax")
}

pub async fn update(Form(form): Form<PrefsForm>) -> Response {
    let mut cookies = Vec::new();
    if let Some(lang) = form.lang.as_deref() {
        let Some(lang) = Lang::parse(lang) else {
            return ApiError(FieldError::new("lang", "must be zh or en").into()).into_response();
        };
        cookies.push(cookie(LANG_COOKIE, lang.code(), COOKIE_MAX_AGE_S));
    }
    if let Some(elder) = form.elder.as_deref() {
        match elder {
            "1" => cookies.push(cookie(ELDER_COOKIE, "1", COOKIE_MAX_AGE_S)),
            "0" => cookies.push(cookie(ELDER_COOKIE, "", 0)),
            _ => return ApiError(FieldError::new("elder", "must be 1 or 0").into()).into_response(),
        }
    }
    if form.forget_home.as_deref() == Some("1") {
        cookies.push(cookie(HOME_COOKIE, "", 0));
    }
    let mut response = Redirect::to(safe_return_path(form.return_to.as_deref())).into_response();
    for c in cookies {
        if let Ok(value) = c.parse() {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_return_path(Some("/services/3?x=1")), "/services/3?x=1");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(Some("/\\evil")), "/");
        assert_eq!(safe_return_path(None), "/");
    }
}
