//! The authorization matrix's specification: one row per state-changing entry point,
//! with its input and the status each kind of caller must get.

use super::common::people;
use super::world::{World, LINK_CODE};

#[path = "rows/activities.rs"]
mod activities;
#[path = "rows/requests.rs"]
mod requests;
use reqwest::Method;
use serde_json::{json, Value};

/// How a row's request carries its input.
pub enum Input {
    None,
    Json(fn(&World) -> Value),
    Form(fn(&World) -> String),
    /// A `multipart/form-data` body with one file, `photo` (a small PNG).
    Photo,
}

pub const BOUNDARY: &str = "doorstep-matrix-boundary";

/// A tiny picture as a form uploads it.
pub fn photo_form() -> Vec<u8> {
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(40, 30, image::Rgb([30, 120, 200])))
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend(png.into_inner());
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").into_bytes());
    body
}

pub struct Row {
    pub method: Method,
    pub path: &'static str,
    pub input: Input,
    /// anonymous, resident, family of resident, volunteer, staff of another
    /// organization, staff of the organization, community staff elsewhere, community
    /// staff of the community.
    pub expect: [u16; 8],
}

fn fresh_credit_code(w: &World) -> String {
    app::domain::accounts::values::CreditCode::complete(&format!("9251010{:010}", w.resident.id)).unwrap()
}

/// A valid on-site offering at the world's community.
fn offering_body(w: &World) -> Value {
    json!({"category": "meal-assistance", "name_zh": "社区食堂", "description_zh": "午餐。", "delivery": "on-site",
           "place_id": w.community, "cost": "free", "phone": "028-85550000"})
}

/// The same offering as the offering pages' form posts it.
fn offering_form(w: &World) -> String {
    format!(
        "category=meal-assistance&name_zh=%E7%A4%BE%E5%8C%BA%E9%A3%9F%E5%A0%82&description_zh=%E5%8D%88%E9%A4%90\
         &delivery=on-site&place_id={}&cost=free&phone=028-85550000",
        w.community
    )
}

pub fn table() -> Vec<Row> {
    let mut all = requests::rows();
    all.extend(activities::rows());
    use Input::*;
    let row = |method: Method, path: &'static str, input: Input, expect: [u16; 8]| Row {
        method,
        path,
        input,
        expect,
    };
    all.extend(vec![
        row(
            Method::POST,
            "/api/v1/auth/register",
            Json(|_| json!({"login": people::phone(), "display_name": "新", "consent": true})),
            [202; 8],
        ),
        row(
            Method::POST,
            "/api/v1/auth/code",
            Json(|w| json!({"login": w.resident.login})),
            [202; 8],
        ),
        // Signing in answers by the credentials, whoever calls.
        row(
            Method::POST,
            "/api/v1/auth/login",
            Json(|w| json!({"login": w.resident.login, "password": "not-the-password"})),
            [401; 8],
        ),
        row(Method::POST, "/api/v1/auth/logout", None, [204; 8]),
        row(
            Method::POST,
            "/api/v1/auth/logout-all",
            None,
            [401, 204, 204, 204, 204, 204, 204, 204],
        ),
        row(
            Method::DELETE,
            "/api/v1/me",
            None,
            [401, 204, 204, 204, 204, 204, 204, 204],
        ),
        row(
            Method::POST,
            "/api/v1/me/tokens",
            Json(|_| json!({"name": "phone"})),
            [401, 201, 201, 201, 201, 201, 201, 201],
        ),
        // Only the resident owns this token; to anyone else it does not exist.
        row(
            Method::DELETE,
            "/api/v1/me/tokens/{token}",
            None,
            [401, 204, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Method::POST,
            "/api/v1/organizations",
            Json(|w| {
                json!({"name": "新机构", "kind": "resident-unit", "credit_code": fresh_credit_code(w),
                            "contact_name": "刘", "contact_phone": people::phone(), "communities": [w.community]})
            }),
            [401, 201, 201, 201, 201, 201, 201, 201],
        ),
        row(
            Method::POST,
            "/api/v1/organizations/{org}/verify",
            None,
            [401, 403, 403, 403, 403, 403, 403, 200],
        ),
        row(
            Method::POST,
            "/api/v1/organizations/{org}/suspend",
            None,
            [401, 403, 403, 403, 403, 403, 403, 200],
        ),
        row(
            Method::POST,
            "/api/v1/organizations/{org}/reinstate",
            None,
            [401, 403, 403, 403, 403, 403, 403, 200],
        ),
        row(
            Method::POST,
            "/api/v1/organizations/{org}/members",
            Json(|w| json!({"login": w.volunteer.login, "role": "member"})),
            [401, 403, 403, 403, 403, 201, 403, 403],
        ),
        row(
            Method::DELETE,
            "/api/v1/organizations/{org}/members/{member}",
            None,
            [401, 403, 403, 403, 403, 204, 403, 403],
        ),
        row(
            Method::POST,
            "/api/v1/family-links",
            Json(|w| json!({"member_login": w.member.login, "relation": "女儿"})),
            [401, 202, 202, 202, 202, 202, 202, 202],
        ),
        // Only the member confirms; the person asked sees it (403), strangers do not (404).
        row(
            Method::POST,
            "/api/v1/family-links/{pending}/confirm",
            Json(|_| json!({"code": LINK_CODE})),
            [401, 404, 204, 403, 404, 404, 404, 404],
        ),
        row(
            Method::POST,
            "/api/v1/family-links/{link}/end",
            None,
            [401, 204, 204, 404, 404, 404, 404, 404],
        ),
        // Publishing: the organization's staff; community staff overseeing it may read
        // an offering (so they are refused, not told it does not exist), others are not
        // told it exists.
        row(
            Method::POST,
            "/api/v1/organizations/{org}/offerings",
            Json(offering_body),
            [401, 403, 403, 403, 403, 201, 403, 403],
        ),
        row(
            Method::PATCH,
            "/api/v1/offerings/{offering}",
            Json(|_| json!({"name_zh": "改个名字"})),
            [401, 404, 404, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/offerings/{offering}/pause",
            Json(|_| json!({"reason": "休整一周"})),
            [401, 404, 404, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/offerings/{paused}/resume",
            None,
            [401, 404, 404, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/api/v1/offerings/{offering}/retire",
            Json(|_| json!({})),
            [401, 404, 404, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/prefs",
            Form(|_| "lang=zh&return_to=%2F".to_owned()),
            [303; 8],
        ),
        // The account pages' forms answer 303 whatever happens; the test reads where they
        // send the browser: 303 done, 401 sent to sign in, 403 back with a refusal.
        row(
            Method::POST,
            "/account/sign-up",
            Form(|_| format!("login={}&display_name=x&consent=1", people::phone())),
            [303; 8],
        ),
        row(
            Method::POST,
            "/account/code",
            Form(|w| format!("login={}", w.resident.login)),
            [303; 8],
        ),
        row(
            Method::POST,
            "/account/sign-in",
            Form(|w| format!("form=password&login={}&password=wrong-one", w.resident.login)),
            [403; 8],
        ),
        row(Method::POST, "/account/sign-out", None, [303; 8]),
        row(
            Method::POST,
            "/account/sign-out-everywhere",
            None,
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/family-links",
            Form(|w| format!("member_login={}&relation=x", w.member.login)),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/family-links/{pending}/confirm",
            Form(|_| format!("code={LINK_CODE}")),
            [401, 403, 303, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/account/family-links/{link}/end",
            None,
            [401, 303, 303, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/account/tokens",
            Form(|_| "name=x".to_owned()),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/tokens/{token}/revoke",
            None,
            [401, 303, 403, 403, 403, 403, 403, 403],
        ),
        row(
            Method::POST,
            "/account/delete",
            Form(|_| "confirm=1".to_owned()),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/organizations",
            Form(|w| {
                format!(
                    "name=x&kind=resident-unit&credit_code={}&contact_name=y&contact_phone={}&community={}",
                    fresh_credit_code(w),
                    people::phone(),
                    w.community
                )
            }),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/account/organizations/{org}/members",
            Form(|w| format!("login={}&role=member", w.volunteer.login)),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/organizations/{org}/members/{member}/remove",
            None,
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/staff/organizations/{org}/verify",
            None,
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        row(
            Method::POST,
            "/staff/organizations/{org}/suspend",
            None,
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        row(
            Method::POST,
            "/staff/organizations/{org}/reinstate",
            None,
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        // Reads of the account pages, as server functions: each answers for the caller
        // only (anonymous callers get nothing, not an error).
        row(Method::POST, "/api/fn/account", Form(|_| String::new()), [200; 8]),
        row(Method::POST, "/api/fn/staff", Form(|_| String::new()), [200; 8]),
        row(Method::POST, "/api/fn/communities", Form(|_| String::new()), [200; 8]),
        row(
            Method::POST,
            "/account/volunteer",
            Form(|_| "volunteer=1&skills=%E9%99%AA%E8%AF%8A".to_owned()),
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        row(
            Method::POST,
            "/staff/family-links",
            Form(|w| {
                format!(
                    "community={}&person_name=%E5%BC%A0%E5%A5%B6%E5%A5%B6&member_login={}&relation=x",
                    w.community, w.member.login
                )
            }),
            [401, 403, 403, 403, 403, 403, 403, 303],
        ),
        row(
            Method::PUT,
            "/api/v1/me/volunteer",
            Json(|_| json!({"volunteer": true, "skills": "陪诊"})),
            [401, 204, 204, 204, 204, 204, 204, 204],
        ),
        row(
            Method::POST,
            "/api/v1/community/family-links",
            Json(
                |w| json!({"community": w.community, "person_name": "张奶奶", "member_login": w.member.login, "relation": "女儿"}),
            ),
            [401, 403, 403, 403, 403, 403, 403, 201],
        ),
        row(
            Method::POST,
            "/api/fn/search",
            Form(|_| "query=limit%3D1".to_owned()),
            [200; 8],
        ),
        row(
            Method::POST,
            "/api/fn/service",
            Form(|w| format!("id={}", w.service)),
            [200; 8],
        ),
        row(
            Method::POST,
            "/api/fn/organization",
            Form(|w| format!("id={}", w.organization)),
            [200; 8],
        ),
        // The offering pages: read by the organization's staff (the list also by the
        // community staff overseeing it), written through their forms.
        row(
            Method::POST,
            "/api/fn/offerings",
            Form(|w| format!("organization={}", w.organization)),
            [401, 404, 404, 404, 404, 200, 404, 200],
        ),
        row(
            Method::POST,
            "/api/fn/offering-form",
            Form(|w| format!("offering={}", w.offering)),
            [401, 404, 404, 404, 404, 200, 404, 404],
        ),
        row(
            Method::POST,
            "/account/organizations/{org}/offerings",
            Form(offering_form),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/offerings/{offering}",
            Form(offering_form),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/offerings/{offering}/pause",
            Form(|_| "reason=%E4%BC%91%E6%95%B4".to_owned()),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/offerings/{paused}/resume",
            Form(|_| String::new()),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/offerings/{offering}/retire",
            Form(|_| String::new()),
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        // Photos: an empty upload is refused (422) once the caller may change the
        // offering; the form's upload succeeds for its staff.
        row(
            Method::PUT,
            "/api/v1/offerings/{offering}/photo",
            None,
            [401, 404, 404, 404, 404, 422, 404, 403],
        ),
        row(
            Method::DELETE,
            "/api/v1/offerings/{offering}/photo",
            None,
            [401, 404, 404, 404, 404, 200, 404, 403],
        ),
        row(
            Method::POST,
            "/account/offerings/{offering}/photo",
            Photo,
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/account/offerings/{offering}/photo/remove",
            None,
            [401, 403, 403, 403, 403, 303, 403, 403],
        ),
        row(
            Method::POST,
            "/api/fn/places",
            Form(|w| format!("within={}", w.community)),
            [200; 8],
        ),
    ]);
    all
}
