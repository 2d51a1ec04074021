//! `POST /prefs`: the no-JavaScript way to change language or elder mode, remember a
//! place as home or forget it. Sets cookies and sends the resident back where they were
//! (or, after choosing a place, to that place's results).

use crate::store::SqlStore;
use app::domain::ids::GridUnitId;
use app::domain::lang::Lang;
use app::domain::search::Origin;
use app::domain::store::Store;
use app::prefs::{encode_home, COOKIE_MAX_AGE_S, ELDER_COOKIE, HOME_COOKIE, LANG_COOKIE};
use axum::extract::State;
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
    home_place: Option<String>,
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

pub async fn update(State(sql): State<SqlStore>, Form(form): Form<PrefsForm>) -> Response {
    let store: Store = std::sync::Arc::new(sql.cached());
    let mut cookies = Vec::new();
    let mut return_to = safe_return_path(form.return_to.as_deref()).to_owned();
    if let Some(lang) = form.lang.as_deref() {
        let Some(lang) = Lang::parse(lang) else {
            return ApiError::from(FieldError::new("lang", "须为 zh 或 en", "must be zh or en")).into_response();
        };
        cookies.push(cookie(LANG_COOKIE, lang.code(), COOKIE_MAX_AGE_S));
    }
    if let Some(elder) = form.elder.as_deref() {
        match elder {
            "1" => cookies.push(cookie(ELDER_COOKIE, "1", COOKIE_MAX_AGE_S)),
            "0" => cookies.push(cookie(ELDER_COOKIE, "", 0)),
            _ => return ApiError::from(FieldError::new("elder", "须为 1 或 0", "must be 1 or 0")).into_response(),
        }
    }
    if let Some(raw) = form.home_place.as_deref() {
        let id = match GridUnitId::parse("home_place", raw) {
            Ok(id) => id,
            Err(e) => return ApiError::from(e).into_response(),
        };
        let place = Origin::Place(id);
        // Only a place that exists is remembered.
        let lang = app::domain::lang::Lang::default();
        if let Err(e) = app::domain::use_cases::resolve_origin(store.as_ref(), Some(place), lang).await {
            return ApiError(e).into_response();
        }
        cookies.push(cookie(HOME_COOKIE, &encode_home(place), COOKIE_MAX_AGE_S));
        if form.return_to.is_none() {
            // The id as parsed, not as typed (`+5` is 5, and `+` in a URL is a space).
            return_to = format!("/?place={id}");
        }
    }
    if form.forget_home.as_deref() == Some("1") {
        cookies.push(cookie(HOME_COOKIE, "", 0));
    }
    let mut response = Redirect::to(&return_to).into_response();
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
