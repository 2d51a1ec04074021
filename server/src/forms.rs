//! The account pages' forms: plain HTML posts, answered 303 (post, redirect, get), so
//! they work without JavaScript and a reload never posts twice. What the page must show
//! afterwards (values typed, refusals, a notice) goes back in the flash cookie.
//!
//! Each handler calls the same use case as its JSON twin in `rest::accounts`, so the
//! two accept and refuse alike. One deliberate difference: deleting an account from the
//! page also needs its "I understand" box ticked; `DELETE /api/v1/me` is the confirmation
//! itself.

use crate::auth::{accounts, Caller, SessionCookie};
use crate::rest::accounts::with_cookie;
use crate::rest::error::ApiError;
use crate::store::SqlStore;
use app::domain::accounts::use_cases::{Credential, OrganizationForm, Oversight, SignUp};
use app::domain::error::AppError;
use app::domain::ids::{ApiTokenId, FamilyLinkId, GridUnitId, OrganizationId};
use app::domain::lang::Lang;
use app::domain::message::Message;
use app::domain::validation::FieldError;
use app::flash::{Flash, FLASH_COOKIE, FLASH_MAX_AGE_S};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use axum::{Extension, Router};
use http::{HeaderMap, StatusCode};

/// Holds the secret that completes this browser's sign-up (see `Accounts::register`).
const REGISTRATION_COOKIE: &str = "doorstep_registration";

/// Every form post: its path and its handler, in one table, so that what is mounted
/// (`routes`) and what the authorization matrix test checks (`paths`) cannot drift apart.
fn table() -> Vec<(&'static str, MethodRouter<SqlStore>)> {
    vec![
        ("/prefs", post(crate::prefs::update)),
        ("/account/sign-up", post(sign_up)),
        ("/account/code", post(send_code)),
        ("/account/sign-in", post(sign_in)),
        ("/account/sign-out", post(sign_out)),
        ("/account/sign-out-everywhere", post(sign_out_everywhere)),
        ("/account/family-links", post(link_family)),
        ("/account/family-links/{id}/confirm", post(confirm_link)),
        ("/account/family-links/{id}/end", post(end_link)),
        ("/account/tokens", post(create_token)),
        ("/account/volunteer", post(set_volunteer)),
        ("/staff/family-links", post(link_in_person)),
        ("/account/tokens/{id}/revoke", post(revoke_token)),
        ("/account/delete", post(delete_account)),
        ("/account/organizations", post(register_organization)),
        ("/account/organizations/{id}/members", post(add_member)),
        (
            "/account/organizations/{id}/members/{person}/remove",
            post(remove_member),
        ),
        ("/staff/organizations/{id}/verify", post(verify)),
        ("/staff/organizations/{id}/suspend", post(suspend)),
        ("/staff/organizations/{id}/reinstate", post(reinstate)),
        ("/account/organizations/{id}/offerings", post(offerings::create)),
        ("/account/offerings/{id}", post(offerings::edit)),
        ("/account/offerings/{id}/pause", post(offerings::pause)),
        ("/account/offerings/{id}/resume", post(offerings::resume)),
        ("/account/offerings/{id}/retire", post(offerings::retire)),
        (
            "/account/offerings/{id}/photo",
            post(offerings::photo).layer(axum::extract::DefaultBodyLimit::max(crate::rest::PHOTO_BODY_LIMIT)),
        ),
        ("/account/offerings/{id}/photo/remove", post(offerings::remove_photo)),
        ("/account/requests", post(requests::submit)),
        ("/account/requests/{id}/accept", post(requests::accept)),
        ("/account/requests/{id}/decline", post(requests::decline)),
        ("/account/requests/{id}/schedule", post(requests::schedule)),
        ("/account/requests/{id}/complete", post(requests::complete)),
        ("/account/requests/{id}/cancel", post(requests::cancel)),
        ("/account/requests/{id}/reopen", post(requests::reopen)),
        ("/account/requests/{id}/assign", post(requests::assign)),
        ("/account/requests/{id}/rating", post(requests::rate)),
        ("/account/requests/{id}/rating/reply", post(reviews::reply)),
        (
            "/account/requests/{id}/rating/hide-comment",
            post(reviews::hide_comment),
        ),
        ("/staff/follow-ups/{id}/close", post(requests::close_follow_up)),
        ("/account/notifications/read", post(requests::read_notifications)),
        ("/account/needs", post(needs::name)),
        ("/account/needs/{id}/support", post(needs::support)),
        ("/staff/needs/{id}/point", post(needs::point)),
        ("/staff/needs/{id}/unmet", post(needs::unmet)),
        ("/account/notifications/sms", post(requests::notifications_by_sms)),
        ("/account/activities/{id}/signup", post(activities::sign_up)),
        ("/account/activities/{id}/signup/cancel", post(activities::cancel)),
        ("/account/activities/{id}/cancel", post(activities::cancel_activity)),
        ("/account/activities/{id}/check-in", post(activities::check_in)),
        ("/account/activities/{id}/check-out", post(activities::check_out)),
        ("/account/activities/{id}/attendance", post(activities::mark)),
        ("/account/activities/{id}/hours", post(activities::approve_hours)),
        ("/account/certificates", post(activities::issue_certificate)),
        ("/account/organizations/{id}/activities", post(activities::publish)),
        (
            "/account/communities/{id}/activities",
            post(activities::publish_for_community),
        ),
        ("/account/activities/{id}/edit", post(activities::edit)),
    ]
}

/// The form posts, mounted (the router adds the idempotency layer around them).
pub fn routes() -> Router<SqlStore> {
    table()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| router.route(path, handler))
}

/// Every path a form posts to.
pub fn paths() -> Vec<&'static str> {
    table().into_iter().map(|(path, _)| path).collect()
}

/// The posted fields, in order.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn parse(body: &Bytes) -> Result<Self, ApiError> {
        serde_urlencoded::from_bytes(body).map(Fields).map_err(|_| {
            FieldError::new(
                "body",
                "表单格式不对",
                "is not a form (application/x-www-form-urlencoded)",
            )
            .into()
        })
    }

    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(http::header::LOCATION, location.to_owned())]).into_response()
}

fn with_flash(location: &str, flash: &Flash) -> Response {
    with_cookie(
        see_other(location),
        format!(
            "{FLASH_COOKIE}={}; Path=/; Max-Age={FLASH_MAX_AGE_S}; HttpOnly; SameSite=Lax",
            flash.encode()
        ),
    )
}

fn both(error: &AppError) -> Message {
    Message::owned(error.message(Lang::Zh), error.message(Lang::En))
}

/// Sends the person back to the form with what they typed and what is wrong.
fn refused(form: &str, fields: &Fields, error: AppError, back: &str) -> Response {
    match error {
        AppError::Unauthenticated => see_other("/sign-in"),
        AppError::BadRequest(refusals) | AppError::Invalid(refusals) => {
            with_flash(back, &Flash::refused(form, &fields.0, refusals, None))
        }
        other => with_flash(back, &Flash::refused(form, &fields.0, Vec::new(), Some(both(&other)))),
    }
}

fn done(form: &str, back: &str, notice: Message) -> Response {
    with_flash(back, &Flash::done(form, notice))
}

/// The answer to a form post: back to `back` with `notice` when the use case did it, or
/// with what was typed and what is wrong when it refused.
fn answer<T>(
    result: Result<T, AppError>,
    form: &str,
    fields: &Fields,
    back: &str,
    notice: impl FnOnce(T) -> Message,
) -> Response {
    match result {
        Ok(value) => done(form, back, notice(value)),
        Err(error) => refused(form, fields, error, back),
    }
}

type Ctx = (State<SqlStore>, Extension<Caller>, Extension<SessionCookie>, HeaderMap);

async fn sign_up(
    (State(store), Extension(caller), Extension(cookie), headers): Ctx,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let result = accounts(&store, &caller, &headers)
        .register(SignUp {
            login: f.get("login"),
            display_name: f.get("display_name"),
            password: Some(f.get("password")),
            consent: f.get("consent") == "1",
        })
        .await;
    Ok(match result {
        Ok(registration) => {
            let mut flash = Flash::done(
                "code",
                Message::fixed(
                    "验证码已发送，请查看短信。",
                    "We sent you a code; please check your messages.",
                ),
            );
            flash.values.insert("login".into(), f.get("login"));
            // The secret that completes this sign-up stays with this browser only.
            with_cookie(
                with_flash("/sign-in", &flash),
                cookie.line(REGISTRATION_COOKIE, &registration, "/account", 86_400),
            )
        }
        Err(e) => refused("sign-up", &f, e, "/sign-up"),
    })
}

async fn send_code((State(store), Extension(caller), _, headers): Ctx, body: Bytes) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    Ok(
        match accounts(&store, &caller, &headers).request_code(&f.get("login")).await {
            Ok(()) => {
                let mut flash = Flash::done(
                    "code",
                    Message::fixed(
                        "如果这个号码已注册，验证码已经发出，5 分钟内有效。",
                        "If this number has an account, a code is on its way; it is valid for 5 minutes.",
                    ),
                );
                flash.values.insert("login".into(), f.get("login"));
                with_flash("/sign-in", &flash)
            }
            Err(e) => refused("code", &f, e, "/sign-in"),
        },
    )
}

async fn sign_in(
    (State(store), Extension(caller), Extension(cookie), headers): Ctx,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let (form, credential) = if f.get("form") == "password" {
        ("password", Credential::Password(f.get("password")))
    } else {
        let registration = headers
            .get(http::header::COOKIE)
            .and_then(|c| c.to_str().ok())
            .and_then(|c| app::prefs::cookie_value(c, REGISTRATION_COOKIE))
            .map(str::to_owned);
        (
            "code",
            Credential::Code {
                code: f.get("code"),
                registration,
            },
        )
    };
    let use_cases = accounts(&store, &caller, &headers);
    Ok(match use_cases.sign_in(&f.get("login"), credential).await {
        Ok(session) => {
            let max_age = (session.expires_at - use_cases.now) / 1000;
            let signed_in = with_cookie(see_other("/account"), cookie.set(&session.token, max_age));
            with_cookie(signed_in, cookie.line(REGISTRATION_COOKIE, "", "/account", 0))
        }
        Err(e) => refused(form, &f, e, "/sign-in"),
    })
}

async fn sign_out((State(store), Extension(caller), Extension(cookie), headers): Ctx) -> Result<Response, ApiError> {
    if let Some(token) = &caller.session_token {
        accounts(&store, &caller, &headers).sign_out(token).await?;
    }
    Ok(with_cookie(see_other("/"), cookie.clear()))
}

async fn sign_out_everywhere(
    (State(store), Extension(caller), Extension(cookie), headers): Ctx,
) -> Result<Response, ApiError> {
    let Some(who) = caller.principal.as_ref() else {
        return Ok(see_other("/sign-in"));
    };
    accounts(&store, &caller, &headers).sign_out_everywhere(who).await?;
    Ok(with_cookie(see_other("/"), cookie.clear()))
}

/// The signed-in principal; a visitor is sent to sign in.
macro_rules! signed_in_or_return {
    ($caller:expr) => {
        match $caller.principal.as_ref() {
            Some(who) => who,
            None => return Ok(see_other("/sign-in")),
        }
    };
}

mod activities;
mod needs;
mod offerings;
mod requests;
mod reviews;

async fn link_family((State(store), Extension(caller), _, headers): Ctx, body: Bytes) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    Ok(
        match accounts(&store, &caller, &headers)
            .link_family_member(who, &f.get("member_login"), &f.get("relation"))
            .await
        {
            Ok(_) => done(
                "family",
                "/account",
                Message::fixed(
                    "如果这个号码已注册，我们已发送关联请求。请家人登录后，用短信里的确认码确认。",
                    "If this number has an account, the request is sent: your family member confirms it with the code in their text message, once signed in.",
                ),
            ),
            Err(e) => refused("family", &f, e, "/account"),
        },
    )
}

async fn confirm_link(
    (State(store), Extension(caller), _, headers): Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: FamilyLinkId = crate::rest::path_id(&id)?;
    let login = crate::rest::accounts::own_login(&store, who).await?;
    Ok(
        match accounts(&store, &caller, &headers)
            .confirm_family_link(who, id.get(), &login, &f.get("code"))
            .await
        {
            Ok(()) => done("family", "/account", Message::fixed("已确认关联。", "Link confirmed.")),
            Err(e) => refused("confirm", &f, e, "/account"),
        },
    )
}

async fn end_link(
    (State(store), Extension(caller), _, headers): Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id: FamilyLinkId = crate::rest::path_id(&id)?;
    let none = Fields(Vec::new());
    let result = accounts(&store, &caller, &headers).end_family_link(who, id.get()).await;
    Ok(answer(result, "family", &none, "/account", |()| {
        Message::fixed("已解除关联。", "Link ended.")
    }))
}

async fn create_token((State(store), Extension(caller), _, headers): Ctx, body: Bytes) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let result = accounts(&store, &caller, &headers)
        .create_api_token(who, &f.get("name"))
        .await;
    Ok(answer(result, "tokens", &f, "/account", |(_, token)| {
        Message::owned(
            format!("新令牌（只显示这一次，请保存）：{token}"),
            format!("Your new token (shown only this once; keep it): {token}"),
        )
    }))
}

async fn revoke_token(
    (State(store), Extension(caller), _, headers): Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id: ApiTokenId = crate::rest::path_id(&id)?;
    let none = Fields(Vec::new());
    let result = accounts(&store, &caller, &headers)
        .revoke_api_token(who, id.get())
        .await;
    Ok(answer(result, "tokens", &none, "/account", |()| {
        Message::fixed("令牌已撤销。", "Token revoked.")
    }))
}

async fn set_volunteer((State(store), Extension(caller), _, headers): Ctx, body: Bytes) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let home = f.get("home_grid_unit");
    let home_grid_unit = if !f.has("home_grid_unit") {
        // The account page's form does not offer the home place (`PUT /api/v1/me/volunteer`
        // does): saving it keeps the one already chosen rather than erasing it.
        use app::domain::accounts::store::AccountStore;
        store.profile(who.person).await?.and_then(|p| p.home_grid_unit)
    } else if home.trim().is_empty() {
        None
    } else {
        match GridUnitId::parse("home_grid_unit", &home) {
            Ok(id) => Some(id),
            Err(e) => return Ok(refused("volunteer", &f, AppError::Invalid(vec![e]), "/account")),
        }
    };
    let profile = app::domain::accounts::store::VolunteerProfile {
        volunteer: f.get("volunteer") == "1",
        skills: f.get("skills"),
        availability: f.get("availability"),
        home_grid_unit,
    };
    let result = accounts(&store, &caller, &headers).set_volunteer(who, profile).await;
    Ok(answer(result, "volunteer", &f, "/account", |()| {
        Message::fixed("已保存。", "Saved.")
    }))
}

async fn link_in_person((State(store), Extension(caller), _, headers): Ctx, body: Bytes) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let community = match GridUnitId::parse("community", &f.get("community")) {
        Ok(c) => c,
        Err(e) => return Ok(refused("in-person", &f, AppError::Invalid(vec![e]), "/staff")),
    };
    Ok(
        match accounts(&store, &caller, &headers)
            .link_in_person(
                who,
                community,
                &f.get("person_name"),
                &f.get("member_login"),
                &f.get("relation"),
            )
            .await
        {
            Ok(_) => done(
                "in-person",
                "/staff",
                Message::fixed(
                    "已为居民建档并关联家人。",
                    "The resident's account is made and linked to the family member.",
                ),
            ),
            Err(e) => refused("in-person", &f, e, "/staff"),
        },
    )
}

async fn delete_account(
    (State(store), Extension(caller), Extension(cookie), headers): Ctx,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    if f.get("confirm") != "1" {
        let refusal = FieldError::new("confirm", "请勾选确认", "please tick to confirm");
        return Ok(refused("delete", &f, AppError::Invalid(vec![refusal]), "/account"));
    }
    accounts(&store, &caller, &headers).delete_account(who).await?;
    Ok(with_cookie(see_other("/"), cookie.clear()))
}

async fn register_organization(
    (State(store), Extension(caller), _, headers): Ctx,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let communities = GridUnitId::parse("communities", &f.get("community"))
        .map(|c| vec![c])
        .unwrap_or_default();
    let form = OrganizationForm {
        name: f.get("name"),
        kind: f.get("kind"),
        credit_code: f.get("credit_code"),
        contact_name: f.get("contact_name"),
        contact_phone: f.get("contact_phone"),
        communities,
    };
    Ok(
        match accounts(&store, &caller, &headers)
            .register_organization(who, form)
            .await
        {
            Ok(_) => done(
                "member",
                "/account",
                Message::fixed(
                    "已提交登记，等待社区工作人员审核。",
                    "Registered; community staff will review it.",
                ),
            ),
            Err(e) => refused("organization", &f, e, "/account/organizations/new"),
        },
    )
}

async fn add_member(
    (State(store), Extension(caller), _, headers): Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let f = Fields::parse(&body)?;
    let who = signed_in_or_return!(caller);
    let id: OrganizationId = crate::rest::path_id(&id)?;
    let result = accounts(&store, &caller, &headers)
        .add_member(who, id, &f.get("login"), &f.get("role"))
        .await;
    Ok(answer(result, "member", &f, "/account", |_| {
        Message::fixed("已添加成员。", "Member added.")
    }))
}

async fn remove_member(
    (State(store), Extension(caller), _, headers): Ctx,
    Path((id, person)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id: OrganizationId = crate::rest::path_id(&id)?;
    let person: app::domain::ids::PersonId = crate::rest::path_id(&person)?;
    let none = Fields(Vec::new());
    let result = accounts(&store, &caller, &headers).remove_member(who, id, person).await;
    Ok(answer(result, "member", &none, "/account", |()| {
        Message::fixed("已移除成员。", "Member removed.")
    }))
}

async fn verify(ctx: Ctx, id: Path<String>) -> Result<Response, ApiError> {
    oversee(ctx, id, Oversight::Verify).await
}

async fn suspend(ctx: Ctx, id: Path<String>) -> Result<Response, ApiError> {
    oversee(ctx, id, Oversight::Suspend).await
}

async fn reinstate(ctx: Ctx, id: Path<String>) -> Result<Response, ApiError> {
    oversee(ctx, id, Oversight::Reinstate).await
}

async fn oversee(
    (State(store), Extension(caller), _, headers): Ctx,
    Path(id): Path<String>,
    action: Oversight,
) -> Result<Response, ApiError> {
    let who = signed_in_or_return!(caller);
    let id: OrganizationId = crate::rest::path_id(&id)?;
    let none = Fields(Vec::new());
    let result = accounts(&store, &caller, &headers)
        .oversee_organization(who, id, action)
        .await;
    Ok(answer(result, "desk", &none, "/staff", |()| {
        Message::fixed("已完成，并已记入日志。", "Done, and logged.")
    }))
}
