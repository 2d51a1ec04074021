//! The resident's remembered choices: language, elder mode and home location, kept in
//! cookies so they work without JavaScript and survive visits.
//!
//! On the server they come from the request (cookies, then `Accept-Language`). In the
//! browser the page is never re-rendered with other preferences (changing one reloads the
//! page), so the client reads what the server rendered into `<html lang class>`: the two
//! sides always agree, which hydration needs.

use crate::domain::geo::Coordinates;
use crate::domain::ids::GridUnitId;
use crate::domain::lang::Lang;
use crate::domain::search::Origin;

pub const LANG_COOKIE: &str = "doorstep_lang";
pub const ELDER_COOKIE: &str = "doorstep_elder";
pub const HOME_COOKIE: &str = "doorstep_home";
/// A year: preferences should outlast a phone's browsing session.
pub const COOKIE_MAX_AGE_S: u32 = 365 * 24 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Prefs {
    pub lang: Lang,
    pub elder: bool,
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then_some(v.trim())
    })
}

impl Prefs {
    /// From the request's `Cookie` and `Accept-Language` headers.
    pub fn from_headers(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        let cookie = cookie.unwrap_or_default();
        let lang = cookie_value(cookie, LANG_COOKIE)
            .and_then(Lang::parse)
            .unwrap_or_else(|| Lang::from_accept_language(accept_language.unwrap_or_default()));
        let elder = cookie_value(cookie, ELDER_COOKIE) == Some("1");
        Self { lang, elder }
    }

    /// The preferences of the request being served, or of the page in the browser.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use leptos::prelude::use_context;
            if let Some(parts) = use_context::<http::request::Parts>() {
                let header = |name| {
                    parts
                        .headers
                        .get(name)
                        .and_then(|v: &http::HeaderValue| v.to_str().ok())
                };
                return Self::from_headers(header(http::header::COOKIE), header(http::header::ACCEPT_LANGUAGE));
            }
        }
        #[cfg(feature = "hydrate")]
        {
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let lang = root
                    .get_attribute("lang")
                    .and_then(|l| Lang::parse(&l))
                    .unwrap_or_default();
                let elder = root.class_list().contains("elder");
                return Self { lang, elder };
            }
        }
        Self::default()
    }
}

/// The remembered home: `place:12` or `pos:30.64,104.05`.
pub fn encode_home(origin: Origin) -> String {
    match origin {
        Origin::Place(id) => format!("place:{id}"),
        // Rounded to about 100 m before it is stored: a cookie is no place for a door.
        Origin::Position(p) => format!("pos:{:.3},{:.3}", p.latitude(), p.longitude()),
    }
}

pub fn decode_home(value: &str) -> Option<Origin> {
    if let Some(id) = value.strip_prefix("place:") {
        return id.parse().ok().and_then(GridUnitId::new).map(Origin::Place);
    }
    let (lat, lon) = value.strip_prefix("pos:")?.split_once(',')?;
    Coordinates::new(lat.parse().ok()?, lon.parse().ok()?)
        .ok()
        .map(Origin::Position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_beats_accept_language() {
        let p = Prefs::from_headers(Some("a=1; doorstep_lang=en; doorstep_elder=1"), Some("zh-CN"));
        assert_eq!(
            p,
            Prefs {
                lang: Lang::En,
                elder: true
            }
        );
    }

    #[test]
    fn accept_language_decides_on_first_visit() {
        assert_eq!(Prefs::from_headers(None, Some("en-US,en;q=0.9")).lang, Lang::En);
        assert_eq!(Prefs::from_headers(Some("doorstep_lang=xx"), Some("en")).lang, Lang::En);
        assert_eq!(Prefs::from_headers(None, None), Prefs::default());
    }

    #[test]
    fn home_round_trips_and_garbage_is_ignored() {
        for origin in [
            Origin::Place(GridUnitId::new(12).unwrap()),
            Origin::Position(Coordinates::new(30.643, 104.043).unwrap()),
        ] {
            assert_eq!(decode_home(&encode_home(origin)), Some(origin));
        }
        assert_eq!(decode_home("place:-1"), None);
        let exact = Origin::Position(Coordinates::new(30.643_214, 104.043_219).unwrap());
        assert_eq!(encode_home(exact), "pos:30.643,104.043");
        assert_eq!(decode_home("pos:91,0"), None);
        assert_eq!(decode_home("nonsense"), None);
    }
}
