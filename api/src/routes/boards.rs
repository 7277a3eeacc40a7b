//! 光荣榜 — honor boards.

use super::access::Access::{Admin, PeopleOf};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::CommunityId;
use crate::domain::board::{Metric, Period};
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::services::boards::{self, BoardQuery, Source};
use crate::services::scope;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/honor-board", PeopleOf, board)
        .post("/honor-board/rebuild", Admin, rebuild);
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
enum ScopeParam {
    #[default]
    Community,
    Street,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct BoardParams {
    /// `community` (default) or `street`.
    scope: Option<ScopeParam>,
    /// Default: the caller's community (for `street`: its street).
    community_id: Option<CommunityId>,
    /// `week`, `month` (default), `quarter`, `year`, `all`.
    period: Option<Period>,
    /// `points` (default), `hours`, `services`, `rating`.
    metric: Option<Metric>,
    /// Any day in the period (default today), `YYYY-MM-DD`.
    date: Option<chrono::NaiveDate>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<usize>,
    /// `sql` reads straight from the ledgers even when Redis is configured.
    source: Option<Source>,
}

async fn board(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<BoardParams>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let query = BoardQuery {
        community_id: q.community_id,
        street: q.scope.unwrap_or_default() == ScopeParam::Street,
        period: q.period.unwrap_or(Period::Month),
        metric: q.metric.unwrap_or(Metric::Points),
        day: q.date.unwrap_or_else(|| state.clock.today(state.local_offset)),
        limit: q.limit.unwrap_or(20),
        prefer: q.source,
    };
    Ok(HttpResponse::Ok().json(boards::board(&state, &me, query).await?))
}

/// Rebuilds the Redis boards from the ledgers (admins; e.g. after restoring
/// a backup). Without Redis there is nothing to rebuild.
async fn rebuild(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    scope::require_admin(&me)?;
    let rebuilt = boards::rebuild(&state).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "redis": state.redis_boards.is_some(),
        "rebuilt": rebuilt,
    })))
}
