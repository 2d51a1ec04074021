use super::draft::*;
use super::hours::*;
use super::use_cases::diff;
use crate::error::AppError;

/// A complete, valid at-home offering.
pub(crate) fn at_home() -> OfferingInput {
    OfferingInput {
        category: "meal-assistance".into(),
        name_zh: "长者助餐送餐".into(),
        description_zh: "每天中午送餐上门。\r\n少盐少油。".into(),
        delivery: "at-home".into(),
        place_id: Some(12),
        coverage: vec![14, 13, 14],
        hours: OpeningHours {
            weekly: (1..=5)
                .map(|day| WeeklyHours {
                    day,
                    opens: TimeOfDay::parse("11:00").unwrap(),
                    closes: TimeOfDay::parse("13:00").unwrap(),
                })
                .collect(),
            ..Default::default()
        },
        cost: "subsidized".into(),
        price: Some(PriceInput {
            amount_fen: 1200,
            unit: "meal".into(),
        }),
        phone: "028-8555 1234".into(),
        capacity: Some(40),
        ..Default::default()
    }
}

fn refused(input: &OfferingInput) -> Vec<String> {
    match input.check() {
        Err(AppError::Invalid(fields)) => fields.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_complete_offering_is_checked_and_normalized() {
    let draft = at_home().check().unwrap();
    assert_eq!(draft.description_zh, "每天中午送餐上门。\n少盐少油。");
    assert_eq!(draft.coverage.iter().map(|c| c.get()).collect::<Vec<_>>(), [13, 14]);
    assert_eq!(draft.price, Some((1200, PriceUnit::Meal)));
    assert_eq!(draft.name_en, None);
    // What is stored round-trips to the same draft.
    assert_eq!(draft.to_input().check().unwrap(), draft);
}

#[test]
fn every_refusal_is_reported_at_once_by_field() {
    let empty = OfferingInput::default();
    assert_eq!(
        refused(&empty),
        [
            "category",
            "name_zh",
            "description_zh",
            "delivery",
            "place_id",
            "cost",
            "phone"
        ]
    );
    let mut bad = at_home();
    bad.coverage.clear();
    bad.cost = "free".into();
    bad.phone = "call us".into();
    bad.capacity = Some(0);
    bad.latitude = Some(30.6);
    bad.eligibility.min_age = Some(200);
    assert_eq!(
        refused(&bad),
        ["latitude", "coverage", "min_age", "price", "phone", "capacity"]
    );
}

#[test]
fn cost_and_price_must_agree() {
    let mut paid = at_home();
    paid.cost = "paid".into();
    paid.price = Some(PriceInput {
        amount_fen: 0,
        unit: "meal".into(),
    });
    assert_eq!(refused(&paid), ["price"]);
    paid.price = Some(PriceInput {
        amount_fen: 500,
        unit: "bowl".into(),
    });
    assert_eq!(refused(&paid), ["price"]);
    paid.price = None;
    assert_eq!(refused(&paid), ["price"]);
    let mut subsidized = at_home();
    subsidized.price = Some(PriceInput {
        amount_fen: 0,
        unit: "visit".into(),
    });
    assert!(
        subsidized.check().is_ok(),
        "a fully subsidized offering may cost nothing"
    );
}

#[test]
fn on_site_offerings_have_no_coverage_and_phones_are_dialable() {
    let mut on_site = at_home();
    on_site.delivery = "on-site".into();
    assert_eq!(refused(&on_site), ["coverage"]);
    on_site.coverage.clear();
    for phone in ["13800001234", "(028) 8555-1234", "+86 138 0000 1234"] {
        on_site.phone = phone.into();
        assert!(on_site.check().is_ok(), "{phone}");
    }
    for phone in ["12345", "028-8555-1234-5678-90", "电话 123456789"] {
        on_site.phone = phone.into();
        assert_eq!(refused(&on_site), ["phone"], "{phone}");
    }
}

#[test]
fn unknown_fields_are_refused_and_missing_ones_named() {
    assert!(serde_json::from_str::<OfferingInput>(r#"{"name":"x"}"#).is_err());
    let partial: OfferingInput = serde_json::from_str(r#"{"name_zh":"助餐"}"#).unwrap();
    assert!(refused(&partial).contains(&"category".to_owned()));
}

#[test]
fn history_records_only_the_fields_that_changed() {
    let before = at_home().check().unwrap().to_input();
    let mut after = before.clone();
    after.name_zh = "长者助餐".into();
    after.capacity = None;
    let changes = diff(&before, &after, false);
    let fields: Vec<_> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["capacity", "name_zh"]);
    assert_eq!(changes[0].before, serde_json::json!(40));
    assert_eq!(changes[0].after, serde_json::Value::Null);
    assert!(diff(&before, &before, false).is_empty());
    let created = diff(&OfferingInput::default(), &before, true);
    assert!(created.iter().any(|c| c.field == "name_zh" && c.before.is_null()));
    assert!(
        !created.iter().any(|c| c.field == "name_en"),
        "absent fields are not listed"
    );
}
