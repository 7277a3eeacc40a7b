//! `/appeals` (争议与申诉): a resident disputes a completion before it is
//! verified (`kind: completion`), a member appeals a rating (`rating`) or
//! a deduction (`deduction`); an admin of the community rules on it.

use super::access::Access::{AdminOf, Owner, PartyOrAdminOf, SignedIn};
use super::table::Routes;
use super::{DEFAULT_LIMIT, Page};
use crate::auth::CurrentUser;
use crate::domain::appeal::{AppealKind, Figures, Outcome};
use crate::domain::values::ServiceMinutes;
use crate::domain::{CommunityId, EntryId, RequestId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, validate_not_blank};
use crate::msg;
use crate::services::appeals::{self, FileInput, ListQuery as ServiceQuery, RulingInput};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/appeals", SignedIn, list)
        // The subject (`request_id`) is the requester's (a completion) or the member's (a rating, a deduction).
        .post("/appeals", Owner, file)
        .get("/appeals/{id}", PartyOrAdminOf, get)
        .post("/appeals/{id}/rule", AdminOf, rule);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct FileBody {
    kind: AppealKind,
    /// The request (a completion or a rating).
    request_id: Option<RequestId>,
    /// The points entry (a deduction).
    entry_id: Option<EntryId>,
    /// Why (the other party and the admins read it).
    #[validate(length(min = 1, max = 500), custom(function = "validate_not_blank"))]
    reason: String,
}

async fn file(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<FileBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = FileInput {
        kind: b.kind,
        request_id: b.request_id,
        entry_id: b.entry_id,
        reason: b.reason,
    };
    Ok(HttpResponse::Created().json(appeals::file(&state, &me, input).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RuleBody {
    outcome: Outcome,
    /// Why (both parties read it).
    #[validate(length(min = 1, max = 500), custom(function = "validate_not_blank"))]
    reason: String,
    /// A partly upheld dispute: the hours that count.
    hours: Option<f64>,
    /// A partly upheld rating appeal: the stars that count.
    #[validate(range(min = 1, max = 5))]
    stars: Option<i16>,
    /// A partly upheld deduction appeal: the points given back.
    #[validate(range(min = 1, max = 1000000))]
    points: Option<i64>,
}

async fn rule(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: ValidJson<RuleBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let minutes = match b.hours {
        Some(h) => Some(
            ServiceMinutes::from_hours(h)
                .ok_or_else(|| ApiError::field("hours", "range", msg!("field.hours.range")))?
                .minutes(),
        ),
        None => None,
    };
    let input = RulingInput {
        outcome: b.outcome,
        reason: b.reason,
        figures: Figures {
            minutes,
            stars: b.stars,
            points: b.points,
        },
    };
    Ok(HttpResponse::Ok().json(appeals::rule(&state, &me, id.into_inner(), input).await?))
}

async fn get(state: web::Data<AppState>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(appeals::get(&state, &me, id.into_inner()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// `true`: waiting for a ruling; `false`: ruled; absent: all.
    open: Option<bool>,
    community_id: Option<CommunityId>,
    request_id: Option<RequestId>,
    cursor: Option<i64>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
}

async fn list(state: web::Data<AppState>, me: CurrentUser, q: ValidQuery<ListQuery>) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let query = ServiceQuery {
        open: q.open,
        community_id: q.community_id,
        request_id: q.request_id,
        before: q.cursor,
        limit: q.limit.unwrap_or(DEFAULT_LIMIT),
    };
    let (items, next_cursor) = appeals::list(&state, &me, query).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}
