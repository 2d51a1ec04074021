//! The OpenAPI 3.1 description of `/api/v1`, generated from the handlers' annotations so
//! it cannot drift from the code.

use super::error::{ErrorBody, ErrorDetail, FieldDetail};
use super::params::{CategoryParam, CostParam, GroupParam};
use super::schema::Lang;
use super::services;
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
    paths(services::search, services::service, services::organization, services::categories, services::grid, services::version),
    // Parameter schemas are not collected from the paths automatically: list them here.
    components(schemas(ErrorBody, ErrorDetail, FieldDetail, GroupParam, CostParam, CategoryParam, Lang)),
    tags((name = "directory", description = "Finding services near home"), (name = "meta", description = "About this server"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
