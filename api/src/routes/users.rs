//! `/users`: admins open accounts for people and manage roles.

use super::access::Access::{Admin, AdminOf};
use super::table::Routes;
use super::{DEFAULT_LIMIT, Page};
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::domain::{CommunityId, GridId, UserId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, phone_field, validate_not_blank, validate_phone};
use crate::services::{self, auth::NewAccount, users::UserFilter};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    // The record: the `community_id` the account is opened in.
    r.post("/users", AdminOf, create_user)
        .get("/users", Admin, list_users)
        .put("/users/{id}/role", AdminOf, set_role)
        .put("/users/{id}/grids", AdminOf, set_grids)
        .get("/grid-workers", Admin, grid_workers)
        .post("/users/{id}/password/reset", AdminOf, reset_password);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CreateUserBody {
    #[validate(custom(function = "validate_phone"))]
    phone: String,
    #[validate(length(min = 1, max = 50), custom(function = "validate_not_blank"))]
    name: String,
    #[validate(length(min = 8, max = 128))]
    password: String,
    role: Role,
    /// Defaults to the admin's own community.
    community_id: Option<CommunityId>,
    grid_id: Option<GridId>,
    /// A grid worker's grids (网格员: one or more of the community's).
    #[validate(length(max = 50))]
    #[serde(default)]
    grid_ids: Vec<GridId>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct GridsBody {
    #[validate(length(max = 50))]
    grid_ids: Vec<GridId>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CommunityQuery {
    community_id: Option<CommunityId>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RoleBody {
    role: Role,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct UserQuery {
    role: Option<Role>,
    grid_id: Option<GridId>,
    community_id: Option<CommunityId>,
    cursor: Option<UserId>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
}

/// 代注册 — an admin opens an account for a resident, member or fellow admin.
async fn create_user(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<CreateUserBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let phone = phone_field(&b.phone)?;
    let acc = NewAccount {
        phone,
        name: b.name,
        password: b.password,
        role: b.role,
        community_id: b.community_id.unwrap_or(me.community_id),
        grid_id: b.grid_id,
    };
    Ok(HttpResponse::Created().json(services::users::create_for(&state, &me, acc, &b.grid_ids).await?))
}

/// 网格员: the grids a grid worker looks after.
async fn set_grids(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<UserId>,
    body: ValidJson<GridsBody>,
) -> Result<HttpResponse, ApiError> {
    let w = services::grids::set_grids(&state, &me, id.into_inner(), &body.0.grid_ids).await?;
    Ok(HttpResponse::Ok().json(w))
}

/// The grid workers in scope, with their grids.
async fn grid_workers(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<CommunityQuery>,
) -> Result<HttpResponse, ApiError> {
    let items = services::grids::workers(&state, &me, q.0.community_id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

async fn list_users(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let filter = UserFilter {
        role: q.role,
        grid_id: q.grid_id,
        community_id: q.community_id,
        after: q.cursor,
        limit: q.limit.unwrap_or(DEFAULT_LIMIT),
    };
    let (items, next_cursor) = services::users::list(&state, &me, filter).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

async fn set_role(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<UserId>,
    body: ValidJson<RoleBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(services::users::set_role(&state, &me, id.into_inner(), body.0.role).await?))
}

/// An admin gives a resident or member a temporary password (shown once,
/// to hand over in person); every device of theirs is signed out.
async fn reset_password(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let password = services::passwords::admin_reset(&state, &me, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "password": password })))
}
