//! 爱心超市 — rewards and redemptions.

use super::access::Access::{AdminOf, MemberOf, OwnerOrAdminOf, PeopleOf, SignedIn};
use super::table::Routes;
use super::{DEFAULT_LIMIT, NoteBody};
use crate::auth::CurrentUser;
use crate::domain::redemption::Status;
use crate::domain::{CommunityId, RedemptionId, RewardId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, validate_not_blank};
use crate::services::market::{self, RewardInput};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/rewards", PeopleOf, list)
        .post("/rewards", AdminOf, create)
        .put("/rewards/{id}", AdminOf, update)
        .post("/rewards/{id}/redeem", MemberOf, redeem)
        .get("/redemptions", SignedIn, redemptions)
        .post("/redemptions/{id}/fulfil", AdminOf, fulfil)
        .post("/redemptions/{id}/cancel", OwnerOrAdminOf, cancel);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    community_id: Option<CommunityId>,
}

async fn list(state: web::Data<AppState>, me: CurrentUser, q: ValidQuery<ListQuery>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(market::list_rewards(&state, &me, q.0.community_id).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RewardBody {
    /// Default: the admin's own community.
    community_id: Option<CommunityId>,
    #[validate(length(min = 1, max = 100), custom(function = "validate_not_blank"))]
    name: String,
    #[validate(length(max = 1000))]
    #[serde(default)]
    description: String,
    #[validate(range(min = 1, max = 1000000))]
    points_price: i64,
    #[validate(range(min = 0, max = 100000))]
    stock: i32,
    #[serde(default = "yes")]
    active: bool,
}

fn yes() -> bool {
    true
}

impl RewardBody {
    fn input(self) -> RewardInput {
        RewardInput {
            name: self.name,
            description: self.description,
            points_price: self.points_price,
            stock: self.stock,
            active: self.active,
        }
    }
}

async fn create(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<RewardBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let community = b.community_id.unwrap_or(me.community_id);
    Ok(HttpResponse::Created().json(market::create_reward(&state, &me, community, b.input()).await?))
}

async fn update(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RewardId>,
    body: ValidJson<RewardBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(market::update_reward(&state, &me, id.into_inner(), body.0.input()).await?))
}

async fn redeem(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RewardId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(market::redeem(&state, &me, id.into_inner()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RedemptionsQuery {
    /// Only the caller's own (admins see their communities' otherwise).
    #[serde(default)]
    mine: bool,
    community_id: Option<CommunityId>,
    status: Option<Status>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
}

async fn redemptions(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<RedemptionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let items = market::list_redemptions(
        &state,
        &me,
        q.mine,
        q.community_id,
        q.status,
        q.limit.unwrap_or(DEFAULT_LIMIT),
    )
    .await?;
    Ok(HttpResponse::Ok().json(items))
}

async fn fulfil(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RedemptionId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(market::fulfil(&state, &me, id.into_inner()).await?))
}

async fn cancel(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RedemptionId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: NoteBody = crate::extract::parse_valid(&req, &body)?;
    let view = market::cancel(&state, &me, id.into_inner(), b.note).await?;
    Ok(HttpResponse::Ok().json(view))
}
