//! The directory search request: one parser for the page, the server function and the
//! JSON API, so all three accept and refuse exactly the same input.
//!
//! Design:
//! - Input arrives as query-string pairs (a parameter may repeat: `category`).
//! - An empty value means "not given": a GET form sends `cost=` for "any cost".
//! - Every refusal names the parameter (`field`) and says what a good value looks like.

use super::catalog::{CategoryGroup, CategorySlug, CostKind};
use super::geo::Coordinates;
use super::ids::GridUnitId;
use super::lang::Lang;
use super::message::Message;
use super::validation::FieldError;
use serde::{Deserialize, Serialize};

pub const DEFAULT_RADIUS_M: u32 = 3_000;
pub const MAX_RADIUS_M: u32 = 50_000;
pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;
/// Fifty pages of twenty: paging deeper than this is not browsing any more, and a
/// resident who got there should narrow the search. A small bound keeps a crafted
/// request from asking the store to skip millions of rows.
pub const MAX_OFFSET: u64 = 1_000;
pub const MAX_QUERY_CHARS: usize = 100;
pub const MAX_CATEGORIES: usize = 20;
/// More query-string pairs than any form or link of ours sends; a request with more is
/// refused before its values are looked at.
pub const MAX_PARAMETERS: usize = 40;

/// Search radius in whole metres, 1..=50 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct RadiusM(u32);

impl RadiusM {
    pub fn new(metres: u32) -> Option<Self> {
        (1..=MAX_RADIUS_M).contains(&metres).then_some(Self(metres))
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for RadiusM {
    type Error = FieldError;
    fn try_from(metres: u32) -> Result<Self, FieldError> {
        Self::new(metres).ok_or_else(radius_refused)
    }
}

impl From<RadiusM> for u32 {
    fn from(r: RadiusM) -> u32 {
        r.0
    }
}

fn radius_refused() -> FieldError {
    FieldError::with(
        "radius_m",
        Message::owned(
            format!("须为 1 到 {MAX_RADIUS_M} 之间的整数（米）"),
            format!("must be a whole number of metres from 1 to {MAX_RADIUS_M}"),
        ),
    )
}

impl Default for RadiusM {
    fn default() -> Self {
        Self(DEFAULT_RADIUS_M)
    }
}

/// A page of results: `limit` 1..=100 items starting at `offset` 0..=1 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPaging", into = "RawPaging")]
pub struct Paging {
    limit: u32,
    offset: u64,
}

/// [`Paging`] as it travels, before it is checked.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct RawPaging {
    pub limit: u32,
    pub offset: u64,
}

impl TryFrom<RawPaging> for Paging {
    type Error = FieldError;
    fn try_from(raw: RawPaging) -> Result<Self, FieldError> {
        if !(1..=MAX_LIMIT).contains(&raw.limit) {
            return Err(limit_refused());
        }
        Self::new(raw.limit, raw.offset).ok_or_else(offset_refused)
    }
}

impl From<Paging> for RawPaging {
    fn from(p: Paging) -> Self {
        RawPaging {
            limit: p.limit,
            offset: p.offset,
        }
    }
}

fn limit_refused() -> FieldError {
    FieldError::with(
        "limit",
        Message::owned(
            format!("须为 1 到 {MAX_LIMIT} 之间的整数"),
            format!("must be a whole number from 1 to {MAX_LIMIT}"),
        ),
    )
}

fn offset_refused() -> FieldError {
    FieldError::with(
        "offset",
        Message::owned(
            format!("须为 0 到 {MAX_OFFSET} 之间的整数；请缩小搜索范围"),
            format!("must be a whole number from 0 to {MAX_OFFSET}; narrow the search to see further"),
        ),
    )
}

impl Paging {
    pub fn new(limit: u32, offset: u64) -> Option<Self> {
        ((1..=MAX_LIMIT).contains(&limit) && offset <= MAX_OFFSET).then_some(Self { limit, offset })
    }
    pub fn limit(self) -> u32 {
        self.limit
    }
    pub fn offset(self) -> u64 {
        self.offset
    }
    /// The page after this one, if `total` says there is one and it is within reach.
    pub fn next(self, total: u64) -> Option<Self> {
        let offset = self.offset + u64::from(self.limit);
        (offset < total && offset <= MAX_OFFSET).then_some(Self { offset, ..self })
    }
    /// The page before this one; never below zero.
    pub fn previous(self) -> Option<Self> {
        (self.offset > 0).then(|| Self {
            offset: self.offset.saturating_sub(u64::from(self.limit)),
            ..self
        })
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// Free text to look for in names and descriptions, Chinese or English. Trimmed, 1–100
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SearchText(String);

impl SearchText {
    pub fn new(raw: &str) -> Result<Self, FieldError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(FieldError::new("q", "不能为空", "must not be empty"));
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(FieldError::with(
                "q",
                Message::owned(
                    format!("最多 {MAX_QUERY_CHARS} 个字"),
                    format!("must be at most {MAX_QUERY_CHARS} characters"),
                ),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SearchText {
    type Error = FieldError;
    fn try_from(raw: String) -> Result<Self, FieldError> {
        Self::new(&raw)
    }
}

impl From<SearchText> for String {
    fn from(t: SearchText) -> String {
        t.0
    }
}

/// Where the resident is: a position from the phone, or a place chosen on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Origin {
    Position(Coordinates),
    /// A grid unit; the use case looks up its representative coordinate.
    Place(GridUnitId),
}

/// The order of the results (`sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortOrder {
    /// Nearest first from the origin, then by id; by name in the page's language when
    /// there is no origin.
    #[default]
    Nearest,
    /// Best rated first by the Bayesian ranking ([`crate::requests::rating::bayesian`]:
    /// one 5 does not outrank fifty 4.8s, an unrated service sits at the prior), then
    /// nearest first when there is an origin, then by id.
    Rating,
}

impl SortOrder {
    pub const ALL: [SortOrder; 2] = [SortOrder::Nearest, SortOrder::Rating];

    pub fn slug(self) -> &'static str {
        match self {
            SortOrder::Nearest => "nearest",
            SortOrder::Rating => "rating",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// A checked directory search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchParams {
    pub origin: Option<Origin>,
    pub radius: RadiusM,
    pub categories: Vec<CategorySlug>,
    pub group: Option<CategoryGroup>,
    pub cost: Option<CostKind>,
    pub text: Option<SearchText>,
    pub sort: SortOrder,
    pub paging: Paging,
    /// Only set when the request names a language (`lang=`); otherwise the caller decides.
    pub lang: Option<Lang>,
}

/// The search after the origin has been resolved to a position: what the store runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSearch {
    pub near: Option<Coordinates>,
    pub radius: RadiusM,
    pub categories: Vec<CategorySlug>,
    pub group: Option<CategoryGroup>,
    pub cost: Option<CostKind>,
    pub text: Option<SearchText>,
    pub sort: SortOrder,
    pub paging: Paging,
    pub lang: Lang,
}

impl SearchParams {
    /// Parses query-string pairs. Unknown parameters are ignored so that links can carry
    /// other state; known ones must be well formed.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Result<Self, FieldError> {
        if pairs.len() > MAX_PARAMETERS {
            return Err(FieldError::with(
                "query",
                Message::owned(
                    format!("参数太多（最多 {MAX_PARAMETERS} 个）"),
                    format!("has too many parameters (at most {MAX_PARAMETERS})"),
                ),
            ));
        }
        // Form fields (text and choices) may come empty, meaning "any". Numbers never do:
        // an empty number is as wrong as a misspelt one.
        let value = |name: &'static str, empty_means_absent: bool| -> Result<Option<&str>, FieldError> {
            let mut values = pairs
                .iter()
                .filter(|(k, _)| k.as_ref() == name)
                .map(|(_, v)| v.as_ref().trim())
                .filter(|v| !(empty_means_absent && v.is_empty()));
            let first = values.next();
            if values.next().is_some() {
                return Err(FieldError::new(name, "只能给一次", "must be given at most once"));
            }
            Ok(first)
        };
        let single = |name| value(name, true);
        let number = |name| value(name, false);

        let lat = number("lat")?.map(|v| parse_degrees("lat", v)).transpose()?;
        let lon = number("lon")?.map(|v| parse_degrees("lon", v)).transpose()?;
        let place = number("place")?.map(|v| GridUnitId::parse("place", v)).transpose()?;
        let origin = match (lat, lon, place) {
            (Some(lat), Some(lon), _) => {
                let position = Coordinates::new(lat, lon).map_err(|e| {
                    let field = match e {
                        super::geo::CoordinateError::Latitude => "lat",
                        super::geo::CoordinateError::Longitude => "lon",
                    };
                    match e {
                        super::geo::CoordinateError::Latitude => FieldError::new(
                            field,
                            "纬度须在 -90 到 90 之间",
                            "must be a latitude between -90 and 90",
                        ),
                        super::geo::CoordinateError::Longitude => FieldError::new(
                            field,
                            "经度须在 -180 到 180 之间",
                            "must be a longitude between -180 and 180",
                        ),
                    }
                })?;
                Some(Origin::Position(position))
            }
            (Some(_), None, _) => {
                return Err(FieldError::new(
                    "lon",
                    "经纬度须同时提供",
                    "lat and lon must be given together",
                ))
            }
            (None, Some(_), _) => {
                return Err(FieldError::new(
                    "lat",
                    "经纬度须同时提供",
                    "lat and lon must be given together",
                ))
            }
            (None, None, place) => place.map(Origin::Place),
        };

        let radius = match number("radius_m")? {
            None => RadiusM::default(),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .and_then(RadiusM::new)
                .ok_or_else(radius_refused)?,
        };

        let categories = pairs
            .iter()
            .filter(|(k, v)| k.as_ref() == "category" && !v.as_ref().trim().is_empty())
            .map(|(_, v)| {
                CategorySlug::parse(v.as_ref().trim()).map_err(|_| {
                    FieldError::new(
                        "category",
                        "分类编号由小写字母、数字和连字符组成，例如 meal-assistance",
                        "a category is 1 to 40 lowercase letters, digits or hyphens, like meal-assistance",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if categories.len() > MAX_CATEGORIES {
            return Err(FieldError::with(
                "category",
                Message::owned(
                    format!("一次最多选 {MAX_CATEGORIES} 个分类"),
                    format!("at most {MAX_CATEGORIES} categories at once"),
                ),
            ));
        }

        let group = single("group")?
            .map(|v| {
                CategoryGroup::parse(v).ok_or_else(|| {
                    FieldError::new(
                        "group",
                        "须为 elder-care（养老）或 disability（助残）",
                        "must be elder-care or disability",
                    )
                })
            })
            .transpose()?;
        let cost = single("cost")?
            .map(|v| {
                CostKind::parse(v).ok_or_else(|| {
                    FieldError::new(
                        "cost",
                        "须为 free、subsidized 或 paid",
                        "must be free, subsidized or paid",
                    )
                })
            })
            .transpose()?;
        let text = single("q")?.map(SearchText::new).transpose()?;
        let sort = single("sort")?
            .map(|v| {
                SortOrder::parse(v).ok_or_else(|| {
                    FieldError::new(
                        "sort",
                        "须为 nearest（离得最近）或 rating（评价最好）",
                        "must be nearest or rating",
                    )
                })
            })
            .transpose()?
            .unwrap_or_default();

        let limit = match number("limit")? {
            None => DEFAULT_LIMIT,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|l| (1..=MAX_LIMIT).contains(l))
                .ok_or_else(limit_refused)?,
        };
        let offset = match number("offset")? {
            None => 0,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|o| *o <= MAX_OFFSET)
                .ok_or_else(offset_refused)?,
        };
        let paging = Paging::new(limit, offset).expect("limit and offset were checked above");

        let lang = number("lang")?
            .map(|v| Lang::parse(v).ok_or_else(|| FieldError::new("lang", "须为 zh 或 en", "must be zh or en")))
            .transpose()?;

        Ok(Self {
            origin,
            radius,
            categories,
            group,
            cost,
            text,
            sort,
            paging,
            lang,
        })
    }

    /// The query string that reproduces this search (for "more" links and sharing),
    /// with the paging replaced by `paging`. Defaults are left out to keep links short.
    pub fn to_query_string(&self, paging: Paging) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match self.origin {
            Some(Origin::Position(p)) => {
                // About 100 m: links and shared URLs never carry a door-exact position.
                pairs.push(("lat", format!("{:.3}", p.latitude())));
                pairs.push(("lon", format!("{:.3}", p.longitude())));
            }
            Some(Origin::Place(id)) => pairs.push(("place", id.to_string())),
            None => {}
        }
        if self.radius != RadiusM::default() {
            pairs.push(("radius_m", self.radius.get().to_string()));
        }
        if let Some(group) = self.group {
            pairs.push(("group", group.slug().to_owned()));
        }
        for c in &self.categories {
            pairs.push(("category", c.as_str().to_owned()));
        }
        if let Some(cost) = self.cost {
            pairs.push(("cost", cost.slug().to_owned()));
        }
        if let Some(text) = &self.text {
            pairs.push(("q", text.as_str().to_owned()));
        }
        if self.sort != SortOrder::default() {
            pairs.push(("sort", self.sort.slug().to_owned()));
        }
        if paging.limit() != DEFAULT_LIMIT {
            pairs.push(("limit", paging.limit().to_string()));
        }
        if paging.offset() != 0 {
            pairs.push(("offset", paging.offset().to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Fixes the origin to a position and the language, giving what the store runs.
    pub fn resolve(self, near: Option<Coordinates>, lang: Lang) -> ServiceSearch {
        ServiceSearch {
            near,
            radius: self.radius,
            categories: self.categories,
            group: self.group,
            cost: self.cost,
            text: self.text,
            sort: self.sort,
            paging: self.paging,
            lang,
        }
    }
}

fn parse_degrees(field: &'static str, value: &str) -> Result<f64, FieldError> {
    value.parse::<f64>().map_err(|_| {
        FieldError::new(
            field,
            "须为以度为单位的小数（WGS84）",
            "must be a decimal number of degrees (WGS84)",
        )
    })
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters pass through).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests;
