//! The activity pages without JavaScript, on both engines: an organization's member
//! publishes through the form (a refused post keeps every value and says what is wrong
//! beside each field), the activity shows in the list near home, a volunteer signs up in
//! one tap and sees it on their page, a resident who has not opted in is told how, in the
//! page's language, and nothing is written by a refusal.

mod common;

use common::activities::volunteer;
use common::forms::{encode, page, post_form};
use common::offerings::{count, publisher};
use common::people;
use common::{fixtures, spawn, Engine};

/// "2026-12-20T09:30" in Chengdu, `days` from now at `hour`.
fn local(days: i64, hour: u32) -> String {
    let day = app::domain::calendar::Day::of(people::now()).plus(days);
    format!("{day}T{hour:02}:30")
}

async fn an_activity_is_published_found_and_signed_up_for_without_javascript(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;

    let form_path = format!("/account/organizations/{org}/activities/new");
    let (status, form) = page(&app, &form_path, &owner, None).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("name=\"title_zh\"") && form.contains("探访老人"),
        "kinds offered"
    );
    assert!(
        form.contains("南桥社区 › 一片区 › 南桥街12号院"),
        "places named by their path"
    );

    // Refused: the end before the start, no places. Every value comes back.
    let description = "陪老人聊天，帮忙看看家里有什么需要。".repeat(20);
    let mut fields = vec![
        ("title_zh", "探访独居老人".to_owned()),
        ("description_zh", description.clone()),
        ("kind", "elder-visit".to_owned()),
        ("place_id", fixture.courtyard.to_string()),
        ("starts_at", local(7, 9)),
        ("ends_at", local(7, 8)),
        ("places", "".to_owned()),
        ("skills", "companionship".to_owned()),
        ("skills", "first-aid".to_owned()),
    ];
    let publish = format!("/account/organizations/{org}/activities");
    let (status, location, flash) = post_form(&app, &publish, &owner, &encode(&fields)).await;
    assert_eq!((status, location.as_str()), (303, form_path.as_str()));
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM activities").await,
        0,
        "nothing written"
    );
    let (_, refused) = page(&app, &form_path, &owner, flash.as_deref()).await;
    assert!(
        refused.contains("结束时间须晚于开始时间"),
        "the refusal beside its field"
    );
    assert!(refused.contains("请填写需要几位志愿者"));
    assert!(refused.contains(&description), "a long description survives");
    assert!(refused.contains("id=\"activity-form-skill-first-aid\" name=\"skills\" value=\"first-aid\" checked"));

    fields[5] = ("ends_at", local(7, 11));
    fields[6] = ("places", "1".to_owned());
    let (status, location, flash) = post_form(&app, &publish, &owner, &encode(&fields)).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/activities/"), "{location}");
    let (_, shown) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(shown.contains("已发布"), "the notice");
    assert!(shown.contains("探访独居老人") && shown.contains("还剩 1 个名额"));

    // Found near the courtyard.
    let (status, list) = page(&app, &format!("/activities?place={}", fixture.courtyard), &owner, None).await;
    assert_eq!(status, 200);
    assert!(list.contains(&format!("href=\"{location}\"")), "listed");

    // A resident who has not opted in is told how, and nothing is written.
    let resident = people::person(store, "居民").await;
    let (_, activity_page) = page(&app, &location, &resident, None).await;
    assert!(activity_page.contains("登记成为志愿者"));
    let signup = format!("/account{location}/signup");
    let (status, back, flash) = post_form(&app, &signup, &resident, "").await;
    assert_eq!((status, back.as_str()), (303, location.as_str()));
    let (_, told) = page(&app, &location, &resident, flash.as_deref()).await;
    assert!(
        told.contains("请先在「我的账户」里登记成为志愿者"),
        "in Chinese by default"
    );
    assert_eq!(count(store, "SELECT COUNT(*) FROM activity_signups").await, 0);

    // One tap for a volunteer; the last place taken, the next one waits.
    let first = volunteer(store, "小王").await;
    let (_, before) = page(&app, &location, &first, None).await;
    assert!(before.contains("报名参加"));
    let (_, _, flash) = post_form(&app, &signup, &first, "").await;
    let (_, after) = page(&app, &location, &first, flash.as_deref()).await;
    assert!(
        after.contains("报名成功，到时见！") && after.contains("取消报名"),
        "notice and cancel"
    );
    let second = volunteer(store, "小李").await;
    let (_, full) = page(&app, &location, &second, None).await;
    assert!(full.contains("名额已满，加入候补"));
    let (_, _, flash) = post_form(&app, &signup, &second, "").await;
    let (_, waiting) = page(&app, &location, &second, flash.as_deref()).await;
    assert!(
        waiting.contains("已为您加入候补名单") && waiting.contains("您在候补名单第 1 位"),
        "position shown"
    );
    let (status, mine) = page(&app, "/account/activities", &second, None).await;
    assert_eq!(status, 200);
    assert!(mine.contains("候补第 1 位") && mine.contains("探访独居老人"));

    // The first cancels from the page; the second now has the place.
    let (_, _, _) = post_form(&app, &format!("/account{location}/signup/cancel"), &first, "").await;
    let (_, mine) = page(&app, "/account/activities", &second, None).await;
    assert!(mine.contains("已报名"), "promoted");

    // The organizer sees who signed up and calls it off; an empty reason is refused
    // beside its field, and nothing changes.
    let (_, organizer_view) = page(&app, &location, &owner, None).await;
    assert!(organizer_view.contains("报名名单") && organizer_view.contains("小李"));
    let cancel = format!("/account{location}/cancel");
    let (_, _, flash) = post_form(&app, &cancel, &owner, "reason=").await;
    let (_, refused) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(
        refused.contains("id=\"activity-cancel-reason-error\""),
        "the refusal beside its field"
    );
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM activities WHERE status = 'cancelled'").await,
        0
    );
    let (_, _, flash) = post_form(&app, &cancel, &owner, &encode(&[("reason", "下雨，改期".to_owned())])).await;
    let (_, done) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(done.contains("活动已取消") && done.contains("下雨，改期"));
}

/// At the place, without JavaScript: the volunteer checks in with the code the organizer's
/// page shows, the organizer marks the other one arrived and approves both (a correction
/// refused without its reason), and the hours and star level show on the volunteer's page.
async fn attendance_and_hours_without_javascript(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;
    let (_, made) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/activities",
            Some(&owner),
            Some(common::activities::visit(&fixture, org, 7, 2)),
        )
        .await;
    let id = made["id"].as_i64().unwrap();
    let location = format!("/activities/{id}");
    let (first, second) = (volunteer(store, "小王").await, volunteer(store, "小李").await);
    for v in [&first, &second] {
        post_form(&app, &format!("/account{location}/signup"), v, "").await;
    }
    // Under way.
    let t = people::now();
    people::exec(
        store,
        "UPDATE activities SET starts_at = $2, ends_at = $3, signup_deadline = $2 WHERE id = $1",
        &[id, t - 30 * 60_000, t + 90 * 60_000],
    )
    .await;
    let (_, organizer_view) = page(&app, &location, &owner, None).await;
    let code: String = organizer_view
        .split("class=\"checkin-code\"")
        .nth(1)
        .and_then(|rest| rest.split("<strong>").nth(1))
        .map(|rest| rest.chars().take(6).collect())
        .expect("the code is on the organizer's page");
    assert!(code.chars().all(|c| c.is_ascii_digit()), "{code}");

    let (_, volunteer_view) = page(&app, &location, &first, None).await;
    assert!(volunteer_view.contains("签到码（组织方现场出示的六位数字）"));
    assert!(
        organizer_view.contains(&format!("src=\"/api/v1/activities/{id}/checkin-code.svg\"")),
        "the QR code"
    );
    // Scanning the QR code opens the page with the code filled in.
    let (_, scanned) = page(&app, &format!("{location}?code={code}"), &first, None).await;
    assert!(scanned.contains(&format!("value=\"{code}\"")), "prefilled");
    let check_in = format!("/account{location}/check-in");
    let (_, _, flash) = post_form(&app, &check_in, &first, "code=123").await;
    let (_, refused) = page(&app, &location, &first, flash.as_deref()).await;
    assert!(
        refused.contains("id=\"activity-code-code-error\""),
        "the refusal beside the code"
    );
    let (_, _, flash) = post_form(&app, &check_in, &first, &format!("code={code}")).await;
    let (_, done) = page(&app, &location, &first, flash.as_deref()).await;
    assert!(done.contains("签到成功"));

    // Once it is over, the organizer marks the second arrived from the list (present from
    // the start) and approves the time.
    let t = people::now();
    people::exec(
        store,
        "UPDATE activities SET starts_at = $2, ends_at = $3, signup_deadline = $2 WHERE id = $1",
        &[id, t - 3 * 3_600_000, t - 3_600_000],
    )
    .await;
    let (status, _, _) = post_form(
        &app,
        &format!("/account{location}/attendance"),
        &owner,
        &format!("person_id={}&mark=arrived", second.id),
    )
    .await;
    assert_eq!(status, 303);
    let hours = format!("/account{location}/hours");
    let (_, _, flash) = post_form(
        &app,
        &hours,
        &owner,
        &format!("person_id={}&minutes=60&reason=", second.id),
    )
    .await;
    let (_, refused) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(refused.contains("必填"), "a correction needs its reason");
    let (_, _, flash) = post_form(
        &app,
        &hours,
        &owner,
        &format!("person_id={}&minutes=&reason=", second.id),
    )
    .await;
    let (_, approved) = page(&app, &location, &owner, flash.as_deref()).await;
    assert!(
        approved.contains("已确认 120 分钟"),
        "the whole two hours: marked arrived, no check-out"
    );
    let (_, mine) = page(&app, "/account/activities", &second, None).await;
    assert!(mine.contains("我的志愿服务时长") && mine.contains("2 小时") && mine.contains("0 星"));
    assert!(mine.contains("累计满 100 小时可升一星"));

    // A certificate to print, checked by anyone with its code.
    let (status, certificate, _) = post_form(&app, "/account/certificates", &second, "").await;
    assert_eq!(status, 303);
    assert!(certificate.starts_with("/certificates/DS-"), "{certificate}");
    let checked = app.get(&certificate).await.text().await.unwrap();
    assert!(checked.contains("本证明真实有效") && checked.contains("小李") && checked.contains("2 小时"));
    let forged = app.get("/certificates/DS-0000-0000").await;
    assert_eq!(forged.status(), 404);
    let nobody = volunteer(store, "新志愿者").await;
    let (_, back, flash) = post_form(&app, "/account/certificates", &nobody, "").await;
    assert_eq!(back, "/account/activities");
    let (_, refused) = page(&app, &back, &nobody, flash.as_deref()).await;
    assert!(refused.contains("还没有经组织方确认的服务时长"));
}

/// Changing an activity without JavaScript: the form comes filled in, a refusal keeps what
/// was typed and changes nothing, a change from a stale page is refused, a good one is
/// saved and told to the volunteer; and a community's staff publish from their own form.
async fn an_activity_is_changed_and_a_community_publishes_without_javascript(engine: Engine) {
    let app = spawn(engine).await;
    let store = &app.db.store;
    let fixture = fixtures::base(store).await;
    let owner = people::person(store, "机构社工").await;
    let org = publisher(store, &fixture, &owner).await;
    let (_, made) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/activities",
            Some(&owner),
            Some(common::activities::visit(&fixture, org, 5, 2)),
        )
        .await;
    let id = made["id"].as_i64().unwrap();
    let helper = volunteer(store, "小王").await;
    let signup = format!("/api/v1/activities/{id}/signup");
    assert_eq!(
        app.send(reqwest::Method::POST, &signup, Some(&helper), None).await.0,
        200
    );

    let edit = format!("/account/activities/{id}/edit");
    let (status, form) = page(&app, &edit, &owner, None).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"探访独居老人\"") && form.contains("name=\"revision\" value=\"1\""));
    assert!(
        !form.contains("activity-form-draft"),
        "published: no way back to a draft"
    );
    let stranger = people::person(store, "路人").await;
    assert_eq!(page(&app, &edit, &stranger, None).await.0, 403);

    let fields = |places: &str, revision: &str| {
        encode(&[
            ("revision", revision.to_owned()),
            ("title_zh", "探访独居老人".to_owned()),
            ("description_zh", "陪老人聊天。".to_owned()),
            ("kind", "elder-visit".to_owned()),
            ("place_id", fixture.courtyard.to_string()),
            ("starts_at", local(6, 9)),
            ("ends_at", local(6, 11)),
            ("places", places.to_owned()),
        ])
    };
    let (status, back, flash) = post_form(&app, &edit, &owner, &fields("0", "1")).await;
    assert_eq!((status, back.as_str()), (303, edit.as_str()));
    let (_, refused) = page(&app, &back, &owner, flash.as_deref()).await;
    assert!(refused.contains("志愿者名额须在 1 到 500 之间") && refused.contains("陪老人聊天。"));
    assert_eq!(
        count(store, &format!("SELECT revision FROM activities WHERE id = {id}")).await,
        1,
        "nothing changed"
    );
    let (status, location, flash) = post_form(&app, &edit, &owner, &fields("3", "1")).await;
    assert_eq!((status, location), (303, format!("/activities/{id}")));
    let (_, shown) = page(&app, &format!("/activities/{id}"), &owner, flash.as_deref()).await;
    assert!(shown.contains("已保存修改") && shown.contains("还剩 2 个名额"), "saved");
    let told = format!(
        "SELECT COUNT(*) FROM notifications WHERE person_id = {} AND kind = 'activity-changed'",
        helper.id
    );
    assert_eq!(count(store, &told).await, 1);
    // The same page posted again is now stale.
    let (_, back, flash) = post_form(&app, &edit, &owner, &fields("4", "1")).await;
    let (_, stale) = page(&app, &back, &owner, flash.as_deref()).await;
    assert!(stale.contains("刚被别人修改过"), "refused as stale");
    assert_eq!(
        count(store, &format!("SELECT places FROM activities WHERE id = {id}")).await,
        3
    );

    // A community's staff publish what the community runs itself.
    let staff = people::person(store, "社区工作人员").await;
    common::people::exec(
        store,
        "INSERT INTO community_staff (person_id, community_id) VALUES ($1, $2)",
        &[staff.id, fixture.community],
    )
    .await;
    let new = format!("/account/communities/{}/activities/new", fixture.community);
    let (status, form) = page(&app, &new, &staff, None).await;
    assert_eq!(status, 200);
    assert!(form.contains("南桥街12号院"), "the community's places");
    assert_eq!(page(&app, &new, &owner, None).await.0, 404, "not the organization's");
    let publish = format!("/account/communities/{}/activities", fixture.community);
    let (status, location, _) = post_form(&app, &publish, &staff, &fields("5", "")).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/activities/"), "{location}");
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM activities WHERE organization_id IS NULL").await,
        1
    );
}

on_both_engines!(
    an_activity_is_changed_and_a_community_publishes_without_javascript,
    an_activity_is_published_found_and_signed_up_for_without_javascript,
    attendance_and_hours_without_javascript,
);
