//! At the place and after: the check-in code (and its QR code), checking in and out,
//! organizers' marks and approvals, a volunteer's hours, certificates.

use super::*;

#[derive(Serialize, ToSchema)]
pub struct CodeView {
    /// Six digits volunteers enter to check in and out.
    code: String,
}

/// The check-in code an organizer shows at the place (the activity's organizers).
#[utoipa::path(get, path = "/api/v1/activities/{id}/checkin-code", tag = "activities",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = CodeView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn code(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<CodeView>, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    Ok(Json(CodeView {
        code: activities(&store).checkin_code(who, id).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeFields {
    /// The six digits the organizer shows.
    #[serde(default)]
    code: String,
}

async fn use_code(store: &SqlStore, caller: &Caller, id: &str, code: &str, out: bool) -> Result<StatusCode, ApiError> {
    let id: ActivityId = crate::rest::path_id(id)?;
    let who = caller.require()?;
    activities(store).use_code(who, id, code, out).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check in with the organizer's code (a volunteer with a place; from an hour before the
/// start to the end; wrong codes are limited).
#[utoipa::path(post, path = "/api/v1/activities/{id}/check-in", tag = "activities",
    params(("id" = i64, Path, minimum = 1)), request_body = CodeFields,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn check_in(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CodeFields>,
) -> Result<StatusCode, ApiError> {
    use_code(&store, &caller, &id, &body.code, false).await
}

/// Check out with the same code; the attended time is clipped to the schedule.
#[utoipa::path(post, path = "/api/v1/activities/{id}/check-out", tag = "activities",
    params(("id" = i64, Path, minimum = 1)), request_body = CodeFields,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn check_out(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CodeFields>,
) -> Result<StatusCode, ApiError> {
    use_code(&store, &caller, &id, &body.code, true).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkFields {
    person_id: i64,
    /// `arrived` or `no-show`.
    mark: String,
}

/// Parses a mark as the API and the form send it.
pub(crate) fn parse_mark(raw: &str) -> Result<Mark, ApiError> {
    match raw.trim() {
        "arrived" => Ok(Mark::Arrived),
        "no-show" => Ok(Mark::NoShow),
        _ => Err(FieldError::new(
            "mark",
            "须为 arrived（到了）或 no-show（没来）",
            "must be arrived or no-show",
        )
        .into()),
    }
}

/// Mark a volunteer arrived or absent (the activity's organizers).
#[utoipa::path(post, path = "/api/v1/activities/{id}/attendance", tag = "activities",
    params(("id" = i64, Path, minimum = 1)), request_body = MarkFields,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn mark(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MarkFields>,
) -> Result<StatusCode, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let person = PersonId::checked("person_id", body.person_id)?;
    let mark = parse_mark(&body.mark)?;
    let who = caller.require()?;
    activities(&store).mark(who, id, person, mark).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursFields {
    person_id: i64,
    /// A correction of the attended minutes (at most the activity's length), with `reason`.
    minutes: Option<i64>,
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApprovedView {
    minutes: u32,
}

/// Approve a volunteer's attended time, or a correction with a reason (audited; the
/// activity's organizers).
#[utoipa::path(post, path = "/api/v1/activities/{id}/hours", tag = "activities",
    params(("id" = i64, Path, minimum = 1)), request_body = HoursFields,
    responses((status = 200, body = ApprovedView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn approve_hours(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<HoursFields>,
) -> Result<Json<ApprovedView>, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let person = PersonId::checked("person_id", body.person_id)?;
    let who = caller.require()?;
    let correction = body.minutes.map(|m| (m, body.reason.unwrap_or_default()));
    let minutes = activities(&store).approve_hours(who, id, person, correction).await?;
    Ok(Json(ApprovedView { minutes }))
}

#[derive(Serialize, ToSchema)]
pub struct HoursView {
    /// Approved, all time.
    total_minutes: u64,
    /// Approved, of this year's activities.
    year_minutes: u64,
    /// 0 to 5: one star at 100 recorded hours, two at 300, three at 600, four at 1,000,
    /// five at 1,500.
    star: u8,
    /// The hours at which the next star is reached.
    next_star_hours: Option<u32>,
    /// Attended activities waiting for the organizer's approval.
    pending: u32,
}

/// The caller's recorded volunteer hours and star level.
#[utoipa::path(get, path = "/api/v1/me/hours", tag = "activities",
    responses((status = 200, body = HoursView), (status = 401, body = ErrorBody)))]
pub async fn hours(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<HoursView>, ApiError> {
    let who = caller.require()?;
    let h = activities(&store).hours(who).await?;
    Ok(Json(HoursView {
        total_minutes: h.total_minutes,
        year_minutes: h.year_minutes,
        star: h.star(),
        next_star_hours: app::domain::activities::hours::next_star_hours(h.total_minutes),
        pending: h.pending,
    }))
}

/// The check-in code as a QR code (SVG) for the organizer to show: it opens the activity's
/// page with the code filled in, so a volunteer scans it and taps "check in" (the
/// activity's organizers).
#[utoipa::path(get, path = "/api/v1/activities/{id}/checkin-code.svg", tag = "activities",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn code_svg(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
    Extension(cookie): Extension<crate::auth::SessionCookie>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: ActivityId = crate::rest::path_id(&id)?;
    let who = caller.require()?;
    let code = activities(&store).checkin_code(who, id).await?;
    // The address the organizer reached us by is the one volunteers' phones will use.
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if cookie.https { "https" } else { "http" };
    let svg = qrcode::QrCode::new(format!("{scheme}://{host}/activities/{id}?code={code}"))
        .map_err(|_| ApiError(app::domain::error::AppError::Internal { reference: "qr".into() }))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    Ok((
        [
            (http::header::CONTENT_TYPE, "image/svg+xml"),
            (http::header::CACHE_CONTROL, "private, no-store"),
        ],
        svg,
    )
        .into_response())
}

/// 40 random bits for a certificate's code.
pub(crate) fn random_bits() -> [u8; 5] {
    let mut bytes = [0u8; 5];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

#[derive(Serialize, ToSchema)]
pub struct CertificateView {
    /// Printed on the certificate; anyone checks it at `/certificates/{code}`.
    code: String,
    name: String,
    total_minutes: u64,
    year_minutes: u64,
    activities: u32,
    star: u8,
    issued_at: String,
    /// The public page that verifies it.
    link: String,
}

fn certificate_view(c: app::domain::activities::certificate::Certificate) -> CertificateView {
    CertificateView {
        star: c.star(),
        link: format!("/certificates/{}", c.code),
        issued_at: rfc3339(c.issued_at),
        code: c.code,
        name: c.name,
        total_minutes: c.total_minutes,
        year_minutes: c.year_minutes,
        activities: c.activities,
    }
}

/// Issue a certificate of the caller's recorded volunteer hours (409 with none yet).
#[utoipa::path(post, path = "/api/v1/me/certificates", tag = "activities",
    responses((status = 201, body = CertificateView), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn issue_certificate(
    State(store): State<SqlStore>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ApiError> {
    let who = caller.require()?;
    let certificate = activities(&store).issue_certificate(who, random_bits).await?;
    Ok((StatusCode::CREATED, Json(certificate_view(certificate))).into_response())
}

/// Check a certificate by its code (anyone).
#[utoipa::path(get, path = "/api/v1/certificates/{code}", tag = "activities",
    params(("code" = String, Path, description = "As printed, e.g. DS-7K2M-9QXA")),
    responses((status = 200, body = CertificateView), (status = 404, body = ErrorBody)))]
pub async fn verify_certificate(
    State(store): State<SqlStore>,
    Path(code): Path<String>,
) -> Result<Json<CertificateView>, ApiError> {
    Ok(Json(certificate_view(
        activities(&store).verify_certificate(&code).await?,
    )))
}
