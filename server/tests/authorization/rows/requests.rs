//! The matrix's rows for requests, ratings, follow-ups, notifications, needs and the
//! dashboard (issue 10).

use super::super::common::people;
use super::{Input, Row};
use reqwest::Method;
use serde_json::json;

pub fn rows() -> Vec<Row> {
    use Input::*;
    let row = |method: Method, path: &'static str, input: Input, expect: [u16; 8]| Row {
        method,
        path,
        input,
        expect,
    };
    vec![
        // Requests: anyone signed in may request; the organization's staff answer; the
        // resident and the family member acting for them cancel, reopen and rate; the
        // community's staff see requests (refused, not told they do not exist).
        row(
            Method::POST,
            "/api/v1/requests",
            Json(|w| {
                json!({"service_id": w.offering, "grid_unit_id": w.community, "address_detail": "2 栋 301",
                       "contact_phone": "028-85552222"})
            }),
            [401, 201, 201, 201, 201, 201, 201, 201],
        ),
        row(
            Method::POST,
            "/api/v1/requests/{request}/accept",
            None,
            [401, 403, 403, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/requests/{request}/decline",
            Json(|_| json!({"reason": "本周人手不足"})),
            [401, 403, 403, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/requests/{accepted}/schedule",
            Json(|_| json!({"scheduled_for": app::domain::calendar::rfc3339(people::now() + 86_400_000)})),
            [401, 403, 403, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/requests/{scheduled}/complete",
            None,
            [401, 403, 403, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/requests/{request}/cancel",
            None,
            [401, 200, 200, 404, 404, 403, 404, 403],
        ),
        // Who in the organization handles it: its members assign a member.
        row(
            Method::POST,
            "/api/v1/requests/{accepted}/assign",
            Json(|w| json!({"person_id": w.member.id})),
            [401, 403, 403, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/requests/{completed}/reopen",
            Json(|_| json!({"reason": "还是没修好"})),
            [401, 200, 200, 404, 404, 403, 404, 403],
        ),
        row(
            Method::PUT,
            "/api/v1/requests/{completed}/rating",
            Json(|_| json!({"score": 2, "tags": ["late"], "comment": "来晚了"})),
            [401, 200, 200, 404, 404, 403, 404, 403],
        ),
        // The organization replies once to a rating; the community's staff hide an abusive
        // comment. (What residents said is public: `tests/reviews.rs`.)
        row(
            Method::PUT,
            "/api/v1/requests/{rated}/rating/reply",
            Json(|_| json!({"reply": "很抱歉，我们已经和师傅谈过"})),
            [401, 403, 403, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/requests/{rated}/rating/hide-comment",
            Json(|_| json!({"reason": "人身攻击"})),
            [401, 403, 403, 404, 404, 403, 404, 200],
        ),
        row(
            Method::POST,
            "/api/v1/follow-ups/{follow_up}/close",
            Json(|_| json!({"note": "电话回访，已协调机构改时间", "now_satisfied": true})),
            [401, 404, 404, 404, 404, 404, 403, 200],
        ),
        // The request pages' forms (303 done, 403 back with a refusal).
        row(
            Method::POST,
            "/account/requests",
            Form(|w| {
                format!(
                    "service_id={}&grid_unit_id={}&address_detail=2&contact_phone=028-85552222&for=self",
                    w.offering, w.community
                )
            }),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/requests/{request}/accept",
            None,
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{request}/decline",
            Form(|_| "reason=%E4%BA%BA%E6%89%8B%E4%B8%8D%E8%B6%B3".to_owned()),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{accepted}/schedule",
            Form(|_| {
                let at = app::domain::calendar::local_time(people::now() + 86_400_000).replace(' ', "T");
                format!("scheduled_for={at}")
            }),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{scheduled}/complete",
            None,
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{request}/cancel",
            None,
            [401, 303, 303, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{accepted}/assign",
            Form(|w| format!("person_id={}", w.member.id)),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{completed}/reopen",
            Form(|_| "reason=%E6%B2%A1%E4%BF%AE%E5%A5%BD".to_owned()),
            [401, 303, 303, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{completed}/rating",
            Form(|_| "score=4&tags=on-time".to_owned()),
            [401, 303, 303, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{rated}/rating/reply",
            Form(|_| "reply=%E6%8A%B1%E6%AD%89".to_owned()),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/requests/{rated}/rating/hide-comment",
            Form(|_| "reason=%E8%BE%B1%E9%AA%82".to_owned()),
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        row(
            Method::POST,
            "/staff/follow-ups/{follow_up}/close",
            Form(|_| "note=%E5%B7%B2%E5%9B%9E%E8%AE%BF&now_satisfied=1".to_owned()),
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        // The request pages' reads, as server functions.
        row(
            Method::POST,
            "/api/fn/request-form",
            Form(|w| format!("service={}", w.offering)),
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/fn/request",
            Form(|w| format!("id={}", w.request)),
            [401, 200, 200, 404, 404, 200, 404, 200],
        ),
        row(
            Method::POST,
            "/api/fn/reviews",
            Form(|w| format!("service={}", w.offering)),
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/fn/my-requests",
            Form(|_| String::new()),
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/fn/inbox",
            Form(|w| format!("organization={}", w.organization)),
            [401, 404, 404, 404, 404, 200, 404, 404],
        ),
        row(
            Method::POST,
            "/api/fn/follow-ups",
            Form(|_| String::new()),
            [401, 403, 403, 403, 403, 403, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/notifications/read",
            Json(|_| json!({})),
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::PUT,
            "/api/v1/me/notifications",
            Json(|_| json!({"sms": false})),
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/account/notifications/read",
            None,
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/notifications/sms",
            Form(|_| "sms=1".to_owned()),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/api/fn/notifications",
            Form(|_| String::new()),
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        // Needs: anyone signed in names one or says "me too"; the community's staff answer.
        row(
            Method::POST,
            "/api/v1/needs",
            Json(|w| json!({"grid_unit_id": w.community, "description": "希望有助浴服务"})),
            [401, 201, 201, 201, 201, 201, 201, 201],
        ),
        row(
            Method::POST,
            "/api/v1/needs/{need}/support",
            None,
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/needs/{need}/point",
            Json(|w| json!({"service_id": w.offering})),
            [401, 404, 404, 404, 404, 404, 403, 200],
        ),
        row(
            Method::POST,
            "/api/v1/needs/{need}/unmet",
            Json(|_| json!({"note": "暂无机构提供，已报街道"})),
            [401, 404, 404, 404, 404, 404, 403, 200],
        ),
        row(
            Method::POST,
            "/account/needs",
            Form(|w| {
                format!(
                    "grid_unit_id={}&description=%E5%8A%A9%E6%B5%B4&place={}",
                    w.community, w.community
                )
            }),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/needs/{need}/support",
            None,
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/staff/needs/{need}/point",
            Form(|w| format!("service_id={}", w.offering)),
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        row(
            Method::POST,
            "/staff/needs/{need}/unmet",
            Form(|_| "note=%E6%9A%82%E6%97%A0".to_owned()),
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        row(
            Method::POST,
            "/api/fn/needs",
            Form(|w| format!("place={}", w.community)),
            [200; 8],
        ),
        row(
            Method::POST,
            "/api/fn/organization-needs",
            Form(|w| format!("organization={}", w.organization)),
            [401, 404, 404, 404, 404, 200, 404, 404],
        ),
        row(
            Method::POST,
            "/api/fn/dashboard",
            Form(|_| String::new()),
            [401, 403, 403, 403, 403, 403, 200, 200],
        ),
    ]
}
