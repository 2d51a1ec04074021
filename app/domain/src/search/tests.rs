//! The search parser's tests: every refusal names its field; query strings round-trip.

use super::*;
use proptest::prelude::*;

fn parse(query: &[(&str, &str)]) -> Result<SearchParams, FieldError> {
    SearchParams::from_pairs(query)
}

fn field_of(query: &[(&str, &str)]) -> String {
    parse(query).unwrap_err().field
}

#[test]
fn nothing_given_means_defaults() {
    let p = parse(&[]).unwrap();
    assert_eq!(p.origin, None);
    assert_eq!(p.radius.get(), 3_000);
    assert_eq!(p.paging, Paging::new(20, 0).unwrap());
}

#[test]
fn empty_form_fields_count_as_not_given() {
    let p = parse(&[("q", " "), ("cost", ""), ("category", ""), ("group", "")]).unwrap();
    assert_eq!(p, SearchParams::default());
}

#[test]
fn empty_numbers_are_refused() {
    for field in ["lat", "lon", "place", "radius_m", "limit", "offset", "lang"] {
        assert_eq!(field_of(&[(field, "")]), field);
    }
}

#[test]
fn lat_and_lon_come_together() {
    assert_eq!(field_of(&[("lat", "30.6")]), "lon");
    assert_eq!(field_of(&[("lon", "104.0")]), "lat");
    let p = parse(&[("lat", "30.64"), ("lon", "104.05")]).unwrap();
    assert!(matches!(p.origin, Some(Origin::Position(_))));
}

#[test]
fn out_of_range_or_malformed_values_name_their_field() {
    assert_eq!(field_of(&[("lat", "91"), ("lon", "104")]), "lat");
    assert_eq!(field_of(&[("lat", "30"), ("lon", "NaN")]), "lon");
    assert_eq!(field_of(&[("lat", "abc"), ("lon", "104")]), "lat");
    assert_eq!(field_of(&[("radius_m", "0")]), "radius_m");
    assert_eq!(field_of(&[("radius_m", "50001")]), "radius_m");
    assert_eq!(field_of(&[("radius_m", "12.5")]), "radius_m");
    assert_eq!(field_of(&[("limit", "0")]), "limit");
    assert_eq!(field_of(&[("limit", "101")]), "limit");
    assert_eq!(field_of(&[("offset", "-1")]), "offset");
    assert_eq!(field_of(&[("cost", "cheap")]), "cost");
    assert_eq!(field_of(&[("group", "kids")]), "group");
    assert_eq!(field_of(&[("category", "Meal Help")]), "category");
    assert_eq!(field_of(&[("lang", "fr")]), "lang");
    assert_eq!(field_of(&[("place", "0")]), "place");
    assert_eq!(field_of(&[("q", &"助".repeat(101))]), "q");
    assert_eq!(field_of(&[("cost", "free"), ("cost", "paid")]), "cost");
    assert_eq!(field_of(&[("sort", "price")]), "sort");
    assert_eq!(field_of(&[("sort", "rating"), ("sort", "nearest")]), "sort");
}

#[test]
fn results_come_nearest_first_unless_rating_is_asked_for() {
    assert_eq!(parse(&[]).unwrap().sort, SortOrder::Nearest);
    assert_eq!(parse(&[("sort", "")]).unwrap().sort, SortOrder::Nearest);
    assert_eq!(parse(&[("sort", "rating")]).unwrap().sort, SortOrder::Rating);
    // The default is left out of links, so they stay as short as before.
    let nearest = parse(&[("place", "3"), ("sort", "nearest")]).unwrap();
    assert_eq!(nearest.to_query_string(nearest.paging), "place=3");
}

#[test]
fn range_edges_are_accepted() {
    let p = parse(&[("radius_m", "1"), ("limit", "100"), ("offset", "0")]).unwrap();
    assert_eq!((p.radius.get(), p.paging.limit()), (1, 100));
    assert_eq!(
        parse(&[("radius_m", "50000"), ("limit", "1")]).unwrap().radius.get(),
        50_000
    );
    assert!(parse(&[("q", &"助".repeat(100))]).is_ok());
}

#[test]
fn checked_types_cannot_be_deserialized_invalid() {
    assert!(serde_json::from_str::<RadiusM>("0").is_err());
    assert!(serde_json::from_str::<RadiusM>("50001").is_err());
    assert_eq!(serde_json::from_str::<RadiusM>("500").unwrap().get(), 500);
    assert!(serde_json::from_str::<Paging>(r#"{"limit":0,"offset":0}"#).is_err());
    assert!(serde_json::from_str::<Paging>(r#"{"limit":20,"offset":1001}"#).is_err());
    assert_eq!(
        serde_json::from_str::<Paging>(r#"{"limit":20,"offset":1000}"#).unwrap(),
        Paging::new(20, 1000).unwrap()
    );
    assert!(serde_json::from_str::<SearchText>(r#""  ""#).is_err());
    assert!(serde_json::from_str::<SearchText>(&format!("{:?}", "助".repeat(101))).is_err());
    assert_eq!(
        serde_json::from_str::<SearchText>(r#"" 助餐 ""#).unwrap().as_str(),
        "助餐"
    );
    // A whole search survives a round trip, and one bad part spoils it.
    let p = parse(&[("radius_m", "800"), ("q", "助餐"), ("offset", "40")]).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<SearchParams>(&json).unwrap(), p);
    assert!(serde_json::from_str::<SearchParams>(&json.replace("800", "0")).is_err());
}

#[test]
fn paging_stops_at_the_deepest_offset() {
    assert_eq!(field_of(&[("offset", "1001")]), "offset");
    assert_eq!(Paging::new(20, 1000).unwrap().next(5000), None);
    assert_eq!(Paging::new(20, 980).unwrap().next(5000).unwrap().offset(), 1000);
}

#[test]
fn too_many_parameters_are_refused_before_reading_them() {
    let many: Vec<(String, String)> = (0..=MAX_PARAMETERS)
        .map(|i| (format!("x{i}"), "1".to_owned()))
        .collect();
    assert_eq!(SearchParams::from_pairs(&many).unwrap_err().field, "query");
}

#[test]
fn refusals_speak_both_languages() {
    let e = parse(&[("radius_m", "0")]).unwrap_err();
    assert!(e.message(Lang::Zh).contains("米"));
    assert!(e.message(Lang::En).contains("metres"));
}

#[test]
fn categories_may_repeat() {
    let p = parse(&[("category", "meal-assistance"), ("category", "home-care")]).unwrap();
    assert_eq!(p.categories.len(), 2);
}

#[test]
fn paging_moves_forward_until_the_total_and_back_to_zero() {
    let page = Paging::new(20, 0).unwrap();
    assert_eq!(page.previous(), None);
    let next = page.next(45).unwrap();
    assert_eq!(next.offset(), 20);
    assert_eq!(next.next(45).unwrap().offset(), 40);
    assert_eq!(next.next(40), None);
    assert_eq!(Paging::new(20, 10).unwrap().previous().unwrap().offset(), 0);
    assert_eq!(page.next(20), None);
}

#[test]
fn query_string_round_trips_through_the_parser() {
    let original = parse(&[
        ("lat", "30.641"),
        ("lon", "104.043"),
        ("radius_m", "5000"),
        ("group", "elder-care"),
        ("category", "meal-assistance"),
        ("cost", "free"),
        ("q", "助餐 & more"),
        ("sort", "rating"),
        ("offset", "20"),
    ])
    .unwrap();
    let qs = original.to_query_string(original.paging);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&qs).unwrap();
    assert_eq!(SearchParams::from_pairs(&pairs).unwrap(), original);
}

proptest! {
    #[test]
    fn any_input_parses_or_names_a_known_field(key in "[a-z_]{1,9}", value in "\\PC{0,30}") {
        match SearchParams::from_pairs(&[(key, value)]) {
            Ok(_) => {}
            Err(e) => prop_assert!(
                ["lat", "lon", "place", "radius_m", "category", "group", "cost", "q", "sort", "limit", "offset", "lang"]
                    .contains(&e.field.as_str())
            ),
        }
    }
}
