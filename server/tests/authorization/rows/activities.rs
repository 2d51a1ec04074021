//! The matrix rows of volunteer activities: the JSON API, the pages' server functions and
//! their form posts.

use super::super::common::people;
use super::super::world::World;
use super::{Input::*, Row};
use reqwest::Method;
use serde_json::{json, Value};

/// A valid activity of the world's organization at its community, next week.
fn activity_body(w: &World) -> Value {
    let start = people::now() + 8 * 86_400_000;
    json!({"organization_id": w.organization, "title_zh": "义剪", "description_zh": "给老人理发。", "kind": "haircut",
           "place_id": w.community, "starts_at": app::domain::calendar::rfc3339(start),
           "ends_at": app::domain::calendar::rfc3339(start + 7_200_000), "places": 3})
}

/// The same activity as the publishing form posts it (Chengdu wall-clock times).
fn activity_form(w: &World) -> String {
    let day = app::domain::calendar::Day::of(people::now()).plus(8);
    serde_urlencoded::to_string([
        ("title_zh", "义剪".to_owned()),
        ("description_zh", "给老人理发。".to_owned()),
        ("kind", "haircut".to_owned()),
        ("place_id", w.community.to_string()),
        ("starts_at", format!("{day}T09:00")),
        ("ends_at", format!("{day}T11:00")),
        ("places", "3".to_owned()),
    ])
    .unwrap()
}

pub fn rows() -> Vec<Row> {
    let row = |method: Method, path: &'static str, input, expect: [u16; 8]| Row {
        method,
        path,
        input,
        expect,
    };
    vec![
        // Members of the organization publish; nobody else may publish in its name.
        row(
            Method::POST,
            "/api/v1/activities",
            Json(activity_body),
            [401, 403, 403, 403, 403, 201, 403, 403],
        ),
        row(
            Method::POST,
            "/account/organizations/{org}/activities",
            Form(activity_form),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        // Volunteers sign up; anyone else is asked to opt in first.
        row(
            Method::POST,
            "/api/v1/activities/{activity}/signup",
            None,
            [401, 409, 409, 200, 409, 409, 409, 409],
        ),
        row(
            Method::POST,
            "/account/activities/{activity}/signup",
            Form(|_| String::new()),
            [401, 403, 403, 303, 403, 403, 403, 403],
        ),
        // Only who signed up cancels: to anyone else there is nothing to cancel.
        row(
            Method::DELETE,
            "/api/v1/activities/{joined}/signup",
            None,
            [401, 409, 409, 204, 409, 409, 409, 409],
        ),
        row(
            Method::POST,
            "/account/activities/{joined}/signup/cancel",
            Form(|_| String::new()),
            [401, 403, 403, 303, 403, 403, 403, 403],
        ),
        // Its organizers change it; to anyone else it is not theirs to change.
        row(
            Method::PATCH,
            "/api/v1/activities/{activity}",
            Json(|_| json!({"places": 4})),
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        row(
            Method::POST,
            "/account/activities/{activity}/edit",
            Form(activity_form),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/api/fn/activity-edit-form",
            Form(|w| format!("id={}", w.activity)),
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        // A community's own staff publish what the community runs.
        row(
            Method::POST,
            "/account/communities/{community}/activities",
            Form(activity_form),
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        row(
            Method::POST,
            "/api/fn/community-activity-form",
            Form(|w| format!("community={}", w.community)),
            [401, 404, 404, 404, 404, 404, 404, 200],
        ),
        // Its organizers call it off, saying why.
        row(
            Method::POST,
            "/api/v1/activities/{activity}/cancel",
            Json(|_| json!({"reason": "下雨，改期"})),
            [401, 403, 403, 403, 403, 200, 403, 403],
        ),
        row(
            Method::POST,
            "/account/activities/{activity}/cancel",
            Form(|_| "reason=%E4%B8%8B%E9%9B%A8".to_owned()),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/api/fn/organization-activities",
            Form(|w| format!("organization={}", w.organization)),
            [401, 404, 404, 404, 404, 200, 404, 404],
        ),
        // At the place: a wrong code is refused for everyone (the right one is the
        // organizer's to show); marks and approvals are the organizers'.
        row(
            Method::POST,
            "/api/v1/activities/{joined}/check-in",
            Json(|_| json!({"code": "not-it"})),
            [401, 422, 422, 422, 422, 422, 422, 422],
        ),
        row(
            Method::POST,
            "/api/v1/activities/{joined}/check-out",
            Json(|_| json!({"code": "not-it"})),
            [401, 422, 422, 422, 422, 422, 422, 422],
        ),
        row(
            Method::POST,
            "/account/activities/{joined}/check-in",
            Form(|_| "code=not-it".to_owned()),
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/account/activities/{joined}/check-out",
            Form(|_| "code=not-it".to_owned()),
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/api/v1/activities/{joined}/attendance",
            Json(|w| json!({"person_id": w.volunteer.id, "mark": "no-show"})),
            [401, 403, 403, 403, 403, 204, 403, 403],
        ),
        row(
            Method::POST,
            "/account/activities/{joined}/attendance",
            Form(|w| format!("person_id={}&mark=no-show", w.volunteer.id)),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        // Nobody checked in yet: the organizer is told there is no time to approve.
        row(
            Method::POST,
            "/api/v1/activities/{joined}/hours",
            Json(|w| json!({"person_id": w.volunteer.id})),
            [401, 403, 403, 403, 403, 409, 403, 403],
        ),
        row(
            Method::POST,
            "/account/activities/{joined}/hours",
            Form(|w| format!("person_id={}", w.volunteer.id)),
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
        // Certificates need approved hours, which nobody in the world has yet.
        row(
            Method::POST,
            "/api/v1/me/certificates",
            None,
            [401, 409, 409, 409, 409, 409, 409, 409],
        ),
        row(
            Method::POST,
            "/account/certificates",
            Form(|_| String::new()),
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/api/fn/certificate",
            Form(|_| "code=DS-0000-0000".to_owned()),
            [404; 8],
        ),
        // The pages' reads: the list and a published activity for anyone; one's own
        // sign-ups for the signed in; the publishing form for the organization's members.
        row(
            Method::POST,
            "/api/fn/activities",
            Form(|_| "query=limit%3D1".to_owned()),
            [200; 8],
        ),
        row(
            Method::POST,
            "/api/fn/activity",
            Form(|w| format!("id={}", w.activity)),
            [200; 8],
        ),
        row(
            Method::POST,
            "/api/fn/my-activities",
            Form(|_| String::new()),
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/fn/activity-form",
            Form(|w| format!("organization={}", w.organization)),
            [401, 404, 404, 404, 404, 200, 404, 404],
        ),
    ]
}
