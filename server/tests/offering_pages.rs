//! The offering pages without JavaScript, on both engines: a refused form keeps every
//! value (a description far beyond a cookie too), the preview saves nothing, publishing
//! leads to the offering's page, and pausing shows on the resident's page.

mod common;

use common::forms::{encode, page, post_form};
use common::offerings::{count, found, publisher};
use common::people;
use common::{fixtures, spawn, Engine};

async fn the_offering_pages_publish_refuse_without_losing_anything_and_pause(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;

    let (status, form) = page(
        &app,
        &format!("/account/organizations/{org}/offerings/new"),
        &owner,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        form.contains("name=\"description_zh\"") && form.contains("助餐"),
        "the form offers the categories"
    );
    assert!(
        form.contains("南桥社区 › 一片区 › 南桥街12号院"),
        "places are named by their path"
    );

    // A refused post: every value comes back, even a description far beyond a cookie.
    let long = "每天中午把热饭送到家，少盐少油。".repeat(60);
    let mut fields = vec![
        ("category", "meal-assistance".to_owned()),
        ("name_zh", "长者送餐".to_owned()),
        ("description_zh", long.clone()),
        ("delivery", "at-home".to_owned()),
        ("place_id", fixture.community.to_string()),
        ("coverage", fixture.courtyard.to_string()),
        ("opens_1", "11:00".to_owned()),
        ("closes_1", "13:00".to_owned()),
        ("exceptions", "2026-10-01 休息".to_owned()),
        ("cost", "subsidized".to_owned()),
        ("price_yuan", "12".to_owned()),
        ("price_unit", "meal".to_owned()),
        ("phone", "call us".to_owned()),
    ];
    let create = format!("/account/organizations/{org}/offerings");
    let (status, location, flash) = post_form(&app, &create, &owner, &encode(&fields)).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/account/organizations/{org}/offerings/new").as_str())
    );
    assert!(
        flash.as_ref().unwrap().len() < 1000,
        "the cookie carries a key, not the values"
    );
    let (_, refused) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(
        refused.contains("请填写能拨打的电话号码"),
        "the refusal is next to its field"
    );
    assert!(refused.contains(&long), "the long description is kept");
    assert!(refused.contains("value=\"11:00\""));
    assert_eq!(count(store, "SELECT COUNT(*) FROM services").await, 0);
    // The kept values are read once.
    let (_, again) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(!again.contains(&long));

    // A preview shows the page as residents would see it, and saves nothing.
    fields.retain(|(k, _)| *k != "phone");
    fields.push(("phone", "028-85550101".to_owned()));
    let mut previewing = fields.clone();
    previewing.push(("intent", "preview".to_owned()));
    let (status, location, flash) = post_form(&app, &create, &owner, &encode(&previewing)).await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/account/organizations/{org}/offerings/new").as_str())
    );
    let (_, preview) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(preview.contains("预览：居民将看到的样子"), "the preview is shown");
    assert!(
        preview.contains("周一 11:00–13:00；2026-10-01 休息"),
        "with the hours as the page will say them"
    );
    assert!(preview.contains("政府补贴 ¥12/餐"), "and the price");
    assert!(preview.contains(&long), "the form keeps every value");
    assert_eq!(count(store, "SELECT COUNT(*) FROM services").await, 0);

    // Published: to the offering's page, found by residents.
    let (status, location, flash) = post_form(&app, &create, &owner, &encode(&fields)).await;
    assert_eq!(status, 303);
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    let (_, edit) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(
        edit.contains("已发布") && edit.contains("服务中"),
        "the notice and the status"
    );
    assert_eq!(found(&app, "送餐").await, [id]);

    // Paused through its form: the resident's page says so and why.
    let (status, _, _) = post_form(
        &app,
        &format!("/account/offerings/{id}/pause"),
        &owner,
        "reason=%E5%8E%A8%E6%88%BF%E8%A3%85%E4%BF%AE",
    )
    .await;
    assert_eq!(status, 303);
    let resident_page = app.get(&format!("/services/{id}")).await.text().await.unwrap();
    assert!(
        resident_page.contains("暂停服务") && resident_page.contains("厨房装修"),
        "{resident_page}"
    );
    let (_, edit) = page(&app, &format!("/account/offerings/{id}"), &owner, None).await;
    assert!(edit.contains("恢复服务") && edit.contains("修改记录"));
}

on_both_engines!(the_offering_pages_publish_refuse_without_losing_anything_and_pause);
