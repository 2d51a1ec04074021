//! The community dashboard over JSON and CSV: the figures `domain::oversight` computes
//! for the caller's communities over a period.

use super::error::{ApiError, ErrorBody};
use super::{query_pairs, request_lang};
use crate::auth::Caller;
use crate::store::SqlStore;
use app::domain::calendar::Day;
use app::domain::error::AppError;
use app::domain::lang::Lang;
use app::domain::oversight::{self, Dashboard, Period, Satisfaction};
use app::domain::validation::FieldError;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

/// The dashboard for `query` (`from`, `to`, and for CSV `table`), with the table asked for.
async fn load(
    store: &SqlStore,
    caller: &Caller,
    query: Option<&str>,
    tables: bool,
) -> Result<(Dashboard, Option<String>), ApiError> {
    let (mut from, mut to, mut table) = (None, None, None);
    for (name, value) in query_pairs(query)? {
        match name.as_str() {
            "from" => from = Some(value),
            "to" => to = Some(value),
            "table" if tables => table = Some(value),
            "lang" => {}
            _ => {
                return Err(
                    FieldError::new("query", "不认识的参数", "has a parameter this endpoint does not take").into(),
                )
            }
        }
    }
    let who = caller.require()?;
    let now = crate::store::migrate::now_millis();
    let period = Period::parse(from.as_deref(), to.as_deref(), Day::of(now))?;
    Ok((oversight::load(store, who, period, now).await?, table))
}

/// The dashboard of the caller's communities (community staff): requests by status,
/// medians, satisfaction by organization, category and grid unit, follow-ups, unmet demand,
/// and volunteering (activities, places, waitlists, attendance, hours).
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "requests",
    params(("from" = Option<String>, Query, description = "first day, 2026-01-01 (default: 29 days before `to`)"),
           ("to" = Option<String>, Query, description = "last day (default: today); at most a year in all")),
    responses((status = 200, body = Object, description = "The dashboard's figures"), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn figures(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(load(&store, &caller, query.as_deref(), false).await?.0))
}

/// One table of the dashboard as CSV (UTF-8 with a byte-order mark, so spreadsheet
/// programs read Chinese correctly): `status`, `organizations`, `categories`,
/// `grid-units`, `follow-ups`, `demand` or `participation` (volunteering per community,
/// grid unit and organizer).
#[utoipa::path(get, path = "/api/v1/dashboard/csv", tag = "requests",
    params(("table" = String, Query, description = "status, organizations, categories, grid-units, follow-ups, demand or participation"),
           ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn csv(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (dashboard, table) = load(&store, &caller, query.as_deref(), true).await?;
    let lang = request_lang(None, &headers);
    let table = table.unwrap_or_default();
    let text = table_csv(&dashboard, &table, lang).ok_or_else(|| {
        ApiError(AppError::BadRequest(vec![FieldError::new(
            "table",
            "应为 status、organizations、categories、grid-units、follow-ups、demand 或 participation",
            "must be status, organizations, categories, grid-units, follow-ups, demand or participation",
        )]))
    })?;
    let mut response = format!("\u{feff}{text}").into_response();
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let name = format!(
        "attachment; filename=\"doorstep-{table}-{}-{}.csv\"",
        dashboard.period.from, dashboard.period.to
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(http::header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// A CSV field: quoted when it holds a comma, a quote or a line break; a leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs it as a formula.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn line(fields: &[String]) -> String {
    let mut l = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
    l.push_str("\r\n");
    l
}

fn satisfaction_csv(rows: &[Satisfaction], lang: Lang, key: &str) -> String {
    let zh = lang == Lang::Zh;
    let mut out = line(&[
        key.to_owned(),
        if zh { "名称" } else { "name" }.to_owned(),
        if zh { "评价数" } else { "ratings" }.to_owned(),
        if zh { "平均分" } else { "average" }.to_owned(),
        if zh { "满意率%" } else { "satisfied %" }.to_owned(),
        "1".into(),
        "2".into(),
        "3".into(),
        "4".into(),
        "5".into(),
    ]);
    for r in rows {
        let mut fields = vec![
            r.key.clone(),
            if zh { r.name_zh.clone() } else { r.name_en.clone() },
            r.tally.count().to_string(),
            r.tally.average().map(|a| format!("{a:.1}")).unwrap_or_default(),
            r.tally.satisfied_percent().map(|p| p.to_string()).unwrap_or_default(),
        ];
        fields.extend(r.tally.counts.iter().map(ToString::to_string));
        out.push_str(&line(&fields));
    }
    out
}

/// One table as CSV, or `None` for a table that does not exist.
pub fn table_csv(d: &Dashboard, table: &str, lang: Lang) -> Option<String> {
    let zh = lang == Lang::Zh;
    Some(match table {
        "status" => {
            let mut out = line(&["status".into(), if zh { "数量" } else { "requests" }.into()]);
            for (status, n) in &d.by_status {
                out.push_str(&line(&[status.slug().to_owned(), n.to_string()]));
            }
            out
        }
        "organizations" => satisfaction_csv(&d.by_organization, lang, "organization_id"),
        "categories" => satisfaction_csv(&d.by_category, lang, "category"),
        "grid-units" => satisfaction_csv(&d.by_grid_unit, lang, "grid_unit_id"),
        "follow-ups" => {
            let f = d.follow_ups;
            let mut out = line(&[
                "low_ratings".into(),
                "opened".into(),
                "closed".into(),
                "now_satisfied".into(),
                "overdue_now".into(),
            ]);
            out.push_str(&line(&[
                f.low_ratings.to_string(),
                f.opened.to_string(),
                f.closed.to_string(),
                f.now_satisfied.to_string(),
                f.overdue_now.to_string(),
            ]));
            out
        }
        "demand" => {
            let mut out = line(&[
                "grid_unit_id".into(),
                if zh { "网格" } else { "grid unit" }.into(),
                "category".into(),
                if zh { "类别" } else { "category name" }.into(),
                if zh { "被婉拒" } else { "declined" }.into(),
                if zh { "超时未回复" } else { "unanswered" }.into(),
                if zh {
                    "需求未满足（人）"
                } else {
                    "needs unmet (people)"
                }
                .into(),
                if zh {
                    "需求待答复（人）"
                } else {
                    "needs open (people)"
                }
                .into(),
                if zh { "有服务覆盖" } else { "covered" }.into(),
            ]);
            for r in &d.demand {
                out.push_str(&line(&[
                    r.grid_unit.to_string(),
                    if zh { r.unit_zh.clone() } else { r.unit_en.clone() },
                    r.category.clone(),
                    if zh {
                        r.category_zh.clone()
                    } else {
                        r.category_en.clone()
                    },
                    r.declined.to_string(),
                    r.unanswered.to_string(),
                    r.needs_unmet.to_string(),
                    r.needs_open.to_string(),
                    if r.covered { "1" } else { "0" }.into(),
                ]));
            }
            out
        }
        "participation" => {
            let mut out = line(&[
                "level".into(),
                "key".into(),
                if zh { "名称" } else { "name" }.into(),
                if zh { "举办" } else { "held" }.into(),
                if zh { "取消" } else { "cancelled" }.into(),
                if zh { "名额" } else { "places" }.into(),
                if zh { "已报名" } else { "confirmed" }.into(),
                if zh { "候补" } else { "waitlisted" }.into(),
                if zh { "到场" } else { "attended" }.into(),
                if zh { "缺席" } else { "no-shows" }.into(),
                if zh {
                    "确认时长（小时）"
                } else {
                    "approved hours"
                }
                .into(),
            ]);
            let p = &d.participation;
            let levels = [
                ("community", &p.by_community),
                ("grid_unit", &p.by_grid_unit),
                ("organizer", &p.by_organizer),
            ];
            for (level, rows) in levels {
                for r in rows.iter() {
                    let c = r.counts;
                    out.push_str(&line(&[
                        level.to_owned(),
                        r.key.clone(),
                        if zh { r.name_zh.clone() } else { r.name_en.clone() },
                        c.held.to_string(),
                        c.cancelled.to_string(),
                        c.places.to_string(),
                        c.confirmed.to_string(),
                        c.waitlisted.to_string(),
                        c.attended.to_string(),
                        c.no_shows.to_string(),
                        c.hours(),
                    ]));
                }
            }
            out
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(field("南桥社区"), "南桥社区");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
    }
}
