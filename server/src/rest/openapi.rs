//! The OpenAPI 3.1 description of `/api/v1`, generated from the handlers' annotations so
//! it cannot drift from the code.

use super::error::{ErrorBody, ErrorDetail, FieldDetail};
use super::params::{CategoryParam, CostParam, GroupParam, SortParam};
use super::schema::Lang;
use super::{
    accounts, activities, dashboard, follow_ups, needs, notifications, offerings, organizations, requests, reviews,
    services,
};
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Doorstep (家门口) API",
        description = "Elder-care and disability services near residents of Wuhou District, Chengdu. \
                       Names come in Chinese (`lang=zh`, the default) or English (`lang=en`).",
        version = "1.0.0"
    ),
    paths(
        services::search, services::service, services::organization, services::categories, services::grid, services::version,
        accounts::register, accounts::code, accounts::login, accounts::logout, accounts::logout_all, accounts::me,
        accounts::delete_me, accounts::export, accounts::create_token, accounts::revoke_token,
        organizations::register_organization, organizations::verify, organizations::suspend, organizations::reinstate,
        organizations::add_member, organizations::remove_member, accounts::create_family_link, accounts::confirm_family_link,
        accounts::end_family_link, organizations::community_organizations, accounts::set_volunteer, organizations::link_in_person,
        offerings::create, offerings::list, offerings::get, offerings::patch, offerings::pause, offerings::resume,
        offerings::retire, offerings::history, offerings::put_photo, offerings::delete_photo,
        requests::submit, requests::list, requests::get, requests::accept, requests::decline, requests::schedule,
        requests::complete, requests::cancel, requests::reopen, requests::assign, requests::put_rating, reviews::list, reviews::reply,
        reviews::hide_comment, follow_ups::list, follow_ups::close,
        dashboard::figures, dashboard::csv, notifications::list, notifications::read, notifications::set_sms,
        needs::name, needs::list, needs::support, needs::point, needs::unmet,
        activities::list, activities::create, activities::get, activities::edit, activities::sign_up, activities::cancel, activities::mine,
        activities::roster, activities::cancel_activity, activities::of_organization, activities::code, activities::code_svg, activities::check_in,
        activities::check_out, activities::mark, activities::approve_hours, activities::hours, activities::issue_certificate,
        activities::verify_certificate
    ),
    // Parameter schemas are not collected from the paths automatically: list them here.
    components(schemas(ErrorBody, ErrorDetail, FieldDetail, GroupParam, CostParam, SortParam, CategoryParam, Lang)),
    tags(
        (name = "directory", description = "Finding services near home"),
        (name = "accounts", description = "Signing up and in, one's own account, family members, API tokens"),
        (name = "organizations", description = "Organizations' registration, members and oversight by community staff"),
        (name = "offerings", description = "Organizations publish, edit, pause and retire their service offerings"),
        (name = "requests", description = "Residents request services and rate them; organizations answer them"),
        (name = "activities", description = "Volunteer activities: publish, find near home, sign up, the waitlist, calendar files"),
        (name = "meta", description = "About this server")
    ),
    modifiers(&Security)
)]
pub struct ApiDoc;

/// Both ways to be signed in: the session cookie the sign-in sets, or a personal token.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("doorstep_session"))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
