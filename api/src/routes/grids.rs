//! `/grid-visits`: the 走访 log of grid workers (网格员) — they write it,
//! they and their community's admins read it.

use super::access::Access::{GridWorker, Staff};
use super::table::Routes;
use super::{DEFAULT_LIMIT, Page};
use crate::auth::CurrentUser;
use crate::domain::{CommunityId, GridId, RequestId, UserId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, validate_not_blank};
use crate::services::grids::{self, VisitInput};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.post("/grid-visits", GridWorker, record)
        .get("/grid-visits", Staff, list);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct VisitBody {
    /// Default: the first grid they look after.
    grid_id: Option<GridId>,
    resident_id: Option<UserId>,
    /// The household: an address or a name.
    #[validate(length(min = 1, max = 200), custom(function = "validate_not_blank"))]
    household: String,
    /// Local date; default today.
    visited_on: Option<NaiveDate>,
    #[validate(length(max = 2000))]
    #[serde(default)]
    note: String,
    /// 需求: what the household needs (empty: nothing found).
    #[validate(length(max = 500))]
    #[serde(default)]
    needs: String,
    /// The request posted for a need found.
    request_id: Option<RequestId>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct VisitQuery {
    community_id: Option<CommunityId>,
    grid_id: Option<GridId>,
    cursor: Option<i64>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
}

async fn record(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<VisitBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let v = VisitInput {
        grid_id: b.grid_id,
        resident_id: b.resident_id,
        household: b.household,
        visited_on: b.visited_on,
        note: b.note,
        needs: b.needs,
        request_id: b.request_id,
    };
    Ok(HttpResponse::Created().json(grids::record_visit(&state, &me, v).await?))
}

async fn list(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<VisitQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let (items, next_cursor) = grids::visits(&state, &me, q.community_id, q.grid_id, q.cursor, limit).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}
