//! 督查 (supervision list, sweep), 回访 (follow-ups) and statistics.

use super::access::Access::{Admin, AdminOf, AdminOrGridOf};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::sla::FollowUpMethod;
use crate::domain::{CommunityId, RequestId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery};
use crate::services::{scope, stats, supervision};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/supervision", AdminOf, list)
        .post("/supervision/sweep", Admin, sweep)
        .post("/requests/{id}/follow-ups", AdminOrGridOf, follow_up)
        .get("/requests/{id}/follow-ups", AdminOrGridOf, follow_ups)
        .get("/stats", AdminOf, get_stats)
        .get("/street/overview", Admin, street_overview);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ScopeQuery {
    community_id: Option<CommunityId>,
}

async fn list(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<ScopeQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(supervision::list(&state, &me, q.0.community_id).await?))
}

/// Runs the sweeper now (admins; it also runs every `sweep_every_secs`).
async fn sweep(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    scope::require_admin(&me)?;
    Ok(HttpResponse::Ok().json(crate::workers::sweeper::sweep(&state).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct FollowUpBody {
    method: FollowUpMethod,
    satisfied: bool,
    #[validate(length(max = 500))]
    #[serde(default)]
    note: String,
    /// Dissatisfied: send the request round again.
    #[serde(default)]
    reopen: bool,
}

async fn follow_up(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
    body: ValidJson<FollowUpBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let v = supervision::follow_up(&state, &me, id.into_inner(), b.method, b.satisfied, b.note, b.reopen).await?;
    Ok(HttpResponse::Created().json(v))
}

async fn follow_ups(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(supervision::follow_ups(&state, &me, id.into_inner()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct StatsQuery {
    community_id: Option<CommunityId>,
    /// Requests posted on or after this local date.
    from: Option<chrono::NaiveDate>,
    /// …and on or before this one.
    to: Option<chrono::NaiveDate>,
}

async fn get_stats(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<StatsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    Ok(HttpResponse::Ok().json(stats::stats(&state, &me, q.community_id, q.from, q.to).await?))
}

/// 街道总览: each community in the caller's scope, side by side.
async fn street_overview(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(stats::overview(&state, &me).await?))
}
