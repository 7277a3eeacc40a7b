//! Hours and points: a member's statement (balance, star level, entries,
//! records), admins' awards and deductions, voids and corrections, the
//! community's rating rule, and the audit log.

use super::access::Access::{AdminOf, OwnerOrAdminOf, SignedIn};
use super::table::Routes;
use super::{DEFAULT_LIMIT, Page};
use crate::auth::CurrentUser;
use crate::domain::rating_rule::RatingRule;
use crate::domain::{CommunityId, EntryId, RecordId, RequestId, UserId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, validate_not_blank};
use crate::msg;
use crate::services::ledger::{self, AwardInput, AwardKind};
use crate::services::{audit, rules};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/members/{id}/service", OwnerOrAdminOf, summary)
        .get("/members/{id}/points", OwnerOrAdminOf, points)
        .get("/members/{id}/records", OwnerOrAdminOf, records)
        .post("/points/awards", AdminOf, award)
        .get("/points/awards", AdminOf, list_awards)
        .post("/requests/{id}/credit/void", AdminOf, void_points)
        .post("/records/{id}/correct", AdminOf, correct)
        .get("/communities/{id}/rating-rule", SignedIn, get_rule)
        .put("/communities/{id}/rating-rule", AdminOf, put_rule)
        .get("/communities/{id}/rating-rule/history", AdminOf, rule_history)
        .get("/audit-log", AdminOf, audit_log);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    /// Items with ids below this (from `next_cursor`).
    cursor: Option<i64>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
    community_id: Option<CommunityId>,
}

async fn summary(state: web::Data<AppState>, me: CurrentUser, id: web::Path<UserId>) -> Result<HttpResponse, ApiError> {
    let s = ledger::summary_for(&state, &me, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(s))
}

async fn points(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<UserId>,
    q: ValidQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let page = ledger::points(
        &state,
        &me,
        id.into_inner(),
        q.cursor.map(EntryId),
        q.limit.unwrap_or(DEFAULT_LIMIT),
    )
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn records(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<UserId>,
    q: ValidQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let (items, next_cursor) = ledger::records(
        &state,
        &me,
        id.into_inner(),
        q.cursor.map(RecordId),
        q.limit.unwrap_or(DEFAULT_LIMIT),
    )
    .await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct AwardBody {
    member_id: UserId,
    /// `award` (嘉许) or `deduction` (扣分).
    kind: AwardKind,
    #[validate(range(min = 1, max = 10000))]
    points: i64,
    /// Required: why (shown to the member and kept in the audit log).
    #[validate(length(min = 1, max = 200), custom(function = "validate_not_blank"))]
    reason: String,
}

async fn award(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<AwardBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let input = AwardInput {
        member_id: b.member_id,
        kind: b.kind,
        points: b.points,
        reason: b.reason.trim().to_owned(),
    };
    Ok(HttpResponse::Created().json(ledger::award(&state, &me, input).await?))
}

async fn list_awards(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let (items, next_cursor) = ledger::list_awards(&state, &me, q.community_id, q.cursor.map(EntryId), limit).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ReasonBody {
    #[validate(length(min = 1, max = 500), custom(function = "validate_not_blank"))]
    reason: String,
}

/// An upheld complaint: the request's points are taken back.
async fn void_points(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
    body: ValidJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.0.reason.trim().to_owned();
    Ok(HttpResponse::Created().json(ledger::void_credit(&state, &me, id.into_inner(), reason).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CorrectBody {
    /// The corrected service time in hours (0.02 – 24).
    #[validate(range(min = 0.0, max = 24.0))]
    hours: f64,
    #[validate(length(min = 1, max = 500), custom(function = "validate_not_blank"))]
    reason: String,
}

async fn correct(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RecordId>,
    body: ValidJson<CorrectBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let minutes = crate::domain::values::ServiceMinutes::from_hours(b.hours)
        .ok_or_else(|| ApiError::field("hours", "range", msg!("field.hours.range")))?;
    let record = ledger::correct_record(
        &state,
        &me,
        id.into_inner(),
        minutes.minutes(),
        b.reason.trim().to_owned(),
    )
    .await?;
    Ok(HttpResponse::Created().json(record))
}

async fn get_rule(
    state: web::Data<AppState>,
    _me: CurrentUser,
    id: web::Path<CommunityId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(rules::get(&state, id.into_inner()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RuleBody {
    rule: RatingRule,
    /// The version the admin edited; a newer one saved meanwhile → 409.
    base_version: Option<i32>,
}

async fn put_rule(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<CommunityId>,
    body: ValidJson<RuleBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    Ok(HttpResponse::Ok().json(rules::update(&state, &me, id.into_inner(), b.rule, b.base_version).await?))
}

async fn rule_history(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<CommunityId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(rules::history(&state, &me, id.into_inner()).await?))
}

async fn audit_log(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let (items, next_cursor) = audit::list(&state, &me, q.community_id, q.cursor, limit).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}
