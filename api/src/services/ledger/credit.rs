//! Crediting a verified request: one service record (the fields the 2021
//! records rule lists) and one points entry, in the transaction that closes
//! the request. `credit_of` is unique on both tables, so a request credits
//! its member at most once whatever the code above does.

use super::{kind, move_balance};
use crate::clock;
use crate::domain::board::Delta;
use crate::error::ApiError;
use crate::services::rules::{self, RuleView};
use crate::services::{directory, users};
use entity::{community, help_request, points_entry, request_event, service_category, service_record};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// Everything a close needs, read before its transaction starts.
pub struct ClosePlan {
    request: help_request::Model,
    member_id: i64,
    rule: RuleView,
    category: service_category::Model,
    community: community::Model,
    verifier_id: i64,
    verifier_name: String,
    /// The day the member reported the service done (local date).
    service_date: chrono::NaiveDate,
}

/// Reads the rule in force, the category, the community and the day of the
/// service for a request about to be verified.
pub async fn plan_close(
    db: &impl ConnectionTrait,
    request: &help_request::Model,
    verifier_id: i64,
    offset: chrono::FixedOffset,
) -> Result<ClosePlan, ApiError> {
    let member_id = request
        .assignee_id
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("request {} verified without assignee", request.id)))?;
    let rule = rules::current(db, request.community_id).await?;
    let category = service_category::Entity::find_by_id(request.category_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("category"))?;
    let community = directory::community(db, request.community_id).await?;
    let verifier_name = users::users_by_id(db, vec![verifier_id])
        .await?
        .remove(&verifier_id)
        .map(|u| u.name)
        .unwrap_or_default();
    let completed = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(request.id))
        .filter(request_event::Column::Action.eq("complete"))
        .order_by_desc(request_event::Column::Id)
        .one(db)
        .await?
        .map_or_else(clock::now, |e| e.created_at);
    Ok(ClosePlan {
        request: request.clone(),
        member_id,
        rule,
        category,
        community,
        verifier_id,
        verifier_name,
        service_date: clock::local_date(completed, offset),
    })
}

/// Appends the record and the points entry and moves the balance, inside the
/// caller's transaction (the one whose UPDATE closes the request).
pub async fn credit_close(db: &impl ConnectionTrait, plan: &ClosePlan) -> Result<Delta, ApiError> {
    let req = &plan.request;
    let reported = req.service_minutes.unwrap_or(0);
    let multiplier = plan
        .rule
        .rule
        .multiplier_pct(&plan.category.code, plan.category.points_multiplier_pct);
    let credit = plan.rule.rule.credit(reported, multiplier, req.rating);
    let now = clock::now();
    let record = service_record::ActiveModel {
        member_id: Set(plan.member_id),
        community_id: Set(req.community_id),
        request_id: Set(Some(req.id)),
        credit_of: Set(Some(req.id)),
        credit_round: Set(Some(req.round)),
        reverses_id: Set(None),
        kind: Set("service".into()),
        sign: Set(1),
        minutes: Set(credit.minutes),
        reported_minutes: Set(Some(reported)),
        rating: Set(req.rating),
        category_id: Set(Some(req.category_id)),
        activity: Set(req.title.clone()),
        service_date: Set(plan.service_date),
        place: Set(req.address.clone()),
        content: Set(req.summary.clone().unwrap_or_else(|| req.title.clone())),
        organiser: Set(plan.community.name.clone()),
        person_in_charge: Set(plan.verifier_name.clone()),
        rule_id: Set(Some(plan.rule.id)),
        reason: Set(None),
        actor_id: Set(plan.verifier_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let reason = credit.voided_by_rating.then(|| {
        format!(
            "评价 {} 星，按规则（{} 星及以下）不计积分",
            req.rating.unwrap_or(0),
            plan.rule.rule.void_points_at_or_below_stars.unwrap_or(0)
        )
    });
    points_entry::ActiveModel {
        member_id: Set(plan.member_id),
        community_id: Set(req.community_id),
        kind: Set(kind::SERVICE.into()),
        points: Set(credit.points),
        earned: Set(true),
        request_id: Set(Some(req.id)),
        credit_of: Set(Some(req.id)),
        credit_round: Set(Some(req.round)),
        record_id: Set(Some(record.id)),
        redemption_id: Set(None),
        reverses_id: Set(None),
        occurred_on: Set(plan.service_date),
        reason: Set(reason),
        actor_id: Set(plan.verifier_id),
        rule_id: Set(Some(plan.rule.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    move_balance(db, plan.member_id, credit.points, i64::from(credit.minutes)).await?;
    Ok(Delta {
        points: credit.points,
        minutes: i64::from(credit.minutes),
        services: 1,
        rating_sum: req.rating.map_or(0, i64::from),
        rating_count: i64::from(req.rating.is_some()),
        ..Delta::zero(
            plan.member_id,
            req.community_id,
            plan.community.street.clone(),
            plan.service_date,
        )
    })
}
