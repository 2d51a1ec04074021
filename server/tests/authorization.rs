//! The authorization matrix: every state-changing entry point (JSON API, server
//! functions, form posts) × every kind of caller, with the status each must get.
//!
//! The table in `authorization/rows.rs` is the specification. The test also reads the entry points the
//! server really has (the OpenAPI document's write operations, the registered server
//! functions, the form endpoints) and fails when one has no row, or a row names an
//! entry point that does not exist, so a new entry point cannot ship untested.
//! Every cell runs against its own freshly made people, organizations and links, so no
//! cell depends on what another did.

mod common;
#[path = "authorization/rows.rs"]
mod rows;
#[path = "authorization/world.rs"]
mod world;

use common::fixtures::{self, ServiceSpec};
use common::{spawn, Engine, TestApp};
use reqwest::Method;
use rows::{photo_form, table, Input, BOUNDARY};
use std::collections::BTreeSet;
use world::{world, ROLES};

/// A form answers 303 whatever happens; where it sends the browser tells the outcome:
/// to sign in (401), back with a refusal in the flash cookie (403), or on (303). Other
/// answers keep their status.
fn outcome(path: &str, response: &reqwest::Response) -> u16 {
    let status = response.status().as_u16();
    if status != 303 || !(path.starts_with("/account/") || path.starts_with("/staff/")) {
        return status;
    }
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default();
    let refused = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .filter_map(|c| c.strip_prefix("doorstep_flash="))
        .filter_map(|c| app::flash::Flash::decode(c.split(';').next().unwrap_or_default()))
        .any(|flash| flash.failed);
    let flashed = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .any(|c| c.starts_with("doorstep_flash=") && !c.starts_with("doorstep_flash=;"));
    if refused {
        403
    } else if location == "/sign-in" && !flashed {
        401
    } else {
        303
    }
}

/// `/a/{x}/b` and `/a/{id}/b` are the same entry point.
fn shape(method: &Method, path: &str) -> String {
    let mut out = String::new();
    let mut in_brace = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_brace = true;
                out.push_str("{}");
            }
            '}' => in_brace = false,
            _ if in_brace => {}
            c => out.push(c),
        }
    }
    format!("{method} {out}")
}

/// Every state-changing entry point the server has.
async fn entry_points(app: &TestApp) -> BTreeSet<String> {
    let (_, doc) = app.get_json("/api/v1/openapi.json").await;
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                found.insert(shape(&method.to_uppercase().parse().unwrap(), path));
            }
        }
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        found.insert(shape(&method, path));
    }
    // Form endpoints outside the API and the server functions.
    for path in doorstep_server::forms::paths() {
        found.insert(shape(&Method::POST, path));
    }
    found
}

async fn every_state_changing_entry_point_answers_each_caller_as_specified(engine: Engine) {
    let app = spawn(engine).await;
    let fixture = fixtures::base(&app.db.store).await;
    let service = fixtures::service(
        &app.db.store,
        &fixture,
        "s-1",
        &ServiceSpec::at("助餐点", "Canteen", 30.64, 104.05),
    )
    .await;
    let rows = table();
    let listed: BTreeSet<String> = rows.iter().map(|r| shape(&r.method, r.path)).collect();
    let real = entry_points(&app).await;
    let missing: Vec<_> = real.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&real).collect();
    assert!(
        missing.is_empty(),
        "entry points without a row in the matrix: {missing:?}"
    );
    assert!(stale.is_empty(), "rows for entry points that do not exist: {stale:?}");

    let mut failures = Vec::new();
    for row in &rows {
        for (i, role) in ROLES.iter().enumerate() {
            let w = world(&app, service).await;
            let mut request = app.request(row.method.clone(), &w.path(row.path), w.caller(*role));
            request = match &row.input {
                Input::None => request,
                Input::Json(body) => request.json(&body(&w)),
                Input::Form(body) => request
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(body(&w)),
                Input::Photo => request
                    .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
                    .body(photo_form()),
            };
            let response = request.send().await.unwrap();
            let status = outcome(row.path, &response);
            // (Headers may echo what the caller typed, such as a flash of their own form.)
            let body = response.text().await.unwrap_or_default();
            if status != row.expect[i] {
                failures.push(format!(
                    "{} {} as {role:?}: {status}, expected {} ({body})",
                    row.method, row.path, row.expect[i]
                ));
            }
            for leak in w.numbers_hidden_from(*role) {
                if body.contains(&leak) {
                    failures.push(format!(
                        "{} {} as {role:?}: shows someone else's number {leak}",
                        row.method, row.path
                    ));
                }
            }
        }
    }
    // What signed-in people read about themselves and their organizations.
    for path in [
        "/api/v1/me",
        "/api/v1/me/export",
        "/api/v1/community/organizations",
        "/account",
        "/staff",
    ] {
        for role in ROLES {
            let w = world(&app, service).await;
            let response = app.request(Method::GET, path, w.caller(role)).send().await.unwrap();
            let body = response.text().await.unwrap_or_default();
            for leak in w.numbers_hidden_from(role) {
                if body.contains(&leak) {
                    failures.push(format!("GET {path} as {role:?}: shows someone else's number {leak}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

on_both_engines!(every_state_changing_entry_point_answers_each_caller_as_specified);
