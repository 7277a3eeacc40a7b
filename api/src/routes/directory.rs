//! Reference data: communities, grids, the service menu. Public, so that
//! people can pick their community when they sign up.

use super::access::Access::{Anyone, StreetAdmin};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{ValidJson, validate_not_blank};
use crate::i18n::Lang;
use crate::msg;
use crate::services::directory;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/communities", Anyone, communities)
        .post("/communities", StreetAdmin, create_community)
        .get("/communities/{id}/grids", Anyone, grids)
        .get("/categories", Anyone, categories);
}

async fn communities(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(directory::communities(&state.db).await?))
}

async fn grids(
    state: web::Data<AppState>,
    id: web::Path<crate::domain::CommunityId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(directory::grids(&state.db, id.into_inner()).await?))
}

async fn categories(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(directory::categories(&state, Lang::current()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct NewCommunityBody {
    #[validate(length(min = 1, max = 100), custom(function = "validate_not_blank"))]
    name: String,
    #[validate(length(max = 100))]
    #[serde(default)]
    district: String,
    /// Names of the community's grids (网格).
    #[validate(length(max = 50))]
    #[serde(default)]
    grids: Vec<String>,
}

/// A street admin opens a community in their street.
async fn create_community(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<NewCommunityBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    if b.grids.iter().any(|g| g.trim().is_empty() || g.chars().count() > 100) {
        return Err(ApiError::field("grids", "length", msg!("field.grids.length")));
    }
    let (community, grids) = directory::create_community(&state, &me, &b.name, &b.district, &b.grids).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({"community": community, "grids": grids})))
}
