//! Matching: ranked candidates for a request, batch auto-dispatch, and each
//! community's matching weights.

use super::access::Access::AdminOf;
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::matching::Weights;
use crate::domain::{CommunityId, RequestId, UserId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery};
use crate::services::matching::{self, AutoDispatch};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/requests/{id}/candidates", AdminOf, candidates)
        .post("/dispatch/auto", AdminOf, auto_dispatch)
        .get("/communities/{id}/matching-weights", AdminOf, get_weights)
        .put("/communities/{id}/matching-weights", AdminOf, set_weights);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CandidatesQuery {
    #[validate(range(min = 1, max = 100))]
    limit: Option<usize>,
    /// Explain where this member stands (or why they are left out).
    member_id: Option<UserId>,
}

async fn candidates(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
    q: ValidQuery<CandidatesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let view = matching::candidates(&state, &me, id.into_inner(), q.limit.unwrap_or(10), q.member_id).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct AutoBody {
    /// One community; default: every community the admin acts in.
    community_id: Option<CommunityId>,
    /// Default `true`: only show the plan. `false` dispatches it.
    dry_run: Option<bool>,
}

async fn auto_dispatch(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<AutoBody>,
) -> Result<HttpResponse, ApiError> {
    let cmd = AutoDispatch {
        community_id: body.0.community_id,
        dry_run: body.0.dry_run.unwrap_or(true),
    };
    Ok(HttpResponse::Ok().json(matching::auto_dispatch(&state, &me, cmd).await?))
}

async fn get_weights(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<CommunityId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(matching::get_weights(&state, &me, id.into_inner()).await?))
}

/// Weights as points per factor, 0–100 each (range checked by the service).
#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct WeightsBody {
    skill: u16,
    distance: u16,
    availability: u16,
    load: u16,
    rating: u16,
    fairness: u16,
}

async fn set_weights(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<CommunityId>,
    body: ValidJson<WeightsBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let w = Weights {
        skill: b.skill,
        distance: b.distance,
        availability: b.availability,
        load: b.load,
        rating: b.rating,
        fairness: b.fairness,
    };
    Ok(HttpResponse::Ok().json(matching::set_weights(&state, &me, id.into_inner(), w).await?))
}
