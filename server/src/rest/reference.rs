//! A readable reference page for the API at `/api/v1/docs`, rendered on the server from
//! the same OpenAPI document (no script, nothing fetched from elsewhere).

use super::openapi::ApiDoc;
use axum::response::Html;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::OpenApi;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn operation_html(method: &str, path: &str, op: &Operation) -> String {
    let mut html = format!(
        "<section><h2><code>{method} {}</code></h2><p>{}</p>",
        escape(path),
        escape(op.description.as_deref().or(op.summary.as_deref()).unwrap_or_default())
    );
    if let Some(params) = &op.parameters {
        html.push_str("<table><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">In</th><th scope=\"col\">Required</th><th scope=\"col\">Description</th></tr></thead><tbody>");
        for p in params {
            let place = match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let required = matches!(p.required, utoipa::openapi::Required::True);
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td><td>{}</td></tr>",
                escape(&p.name),
                if required { "yes" } else { "no" },
                escape(p.description.as_deref().unwrap_or_default())
            ));
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("<h3>Responses</h3><ul>");
    for (status, response) in &op.responses.responses {
        let description = match response {
            utoipa::openapi::RefOr::T(r) => r.description.clone(),
            utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
        };
        html.push_str(&format!(
            "<li><strong>{}</strong> {}</li>",
            escape(status),
            escape(&description)
        ));
    }
    html.push_str("</ul></section>");
    html
}

pub async fn page() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut body = String::new();
    for (path, item) in &doc.paths.paths {
        if let Some(op) = &item.get {
            body.push_str(&operation_html("GET", path, op));
        }
    }
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} reference</title><style>body{{font:18px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#111}}\
         table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #767676;padding:.4rem;text-align:left;vertical-align:top}}code{{font-size:1rem}}</style></head>\
         <body><main><h1>{title}</h1><p>{description}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">openapi.json</a> (OpenAPI {version}). \
         Errors always answer <code>{{\"error\": {{\"code\", \"message\", \"field\"}}}}</code>.</p>{body}</main></body></html>",
        title = escape(&doc.info.title),
        description = escape(doc.info.description.as_deref().unwrap_or_default()),
        version = "3.1",
    ))
}
