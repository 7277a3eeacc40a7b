//! Crediting a verified request: one service record (the fields the 2021
//! records rule lists) and one points entry, in the transaction that closes
//! the request. `credit_of` (+ round) is unique on both tables, so a
//! request credits its member at most once per round whatever the code
//! above does.

use crate::domain::UserId;
use crate::domain::board::Delta;
use crate::domain::ledger::{EntryKind, RecordKind};
use crate::domain::request::Step;
use crate::error::ApiError;
use crate::msg;
use crate::services::directory;
use crate::services::requests::Env;
use crate::services::rules::{self, RuleView};
use crate::store::directory::{Category, Community};
use crate::store::ledger::{NewEntry, NewRecord, Place};
use crate::store::{self, requests::HelpRequest};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// Everything a close needs, read before anything is written.
pub struct ClosePlan {
    request: HelpRequest,
    member_id: UserId,
    rule: RuleView,
    category: Category,
    community: Community,
    /// Who verified (the person in charge on the record).
    verifier: UserId,
    verifier_name: String,
    /// The day the member reported the service done (local date).
    service_date: chrono::NaiveDate,
    /// A partly upheld dispute (争议) allows these minutes instead of the
    /// reported ones; the record keeps both.
    ruled_minutes: Option<i32>,
}

/// Reads the rule in force, the category, the community and the day of the
/// service for a request about to be verified.
pub async fn plan_close(
    db: &impl ConnectionTrait,
    request: &HelpRequest,
    verifier: UserId,
    env: Env<'_>,
) -> Result<ClosePlan, ApiError> {
    let member_id = request
        .assignee_id
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("request {} verified without assignee", request.id)))?;
    let rule = rules::current(db, request.community_id, env.now).await?;
    let category = directory::kept_category(env.reference, db, request.category_id)
        .await?
        .ok_or(ApiError::NotFound("category"))?;
    let community = directory::kept_community(env.reference, db, request.community_id).await?;
    let verifier_name = store::users::find(db, verifier)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let (completed, ruled_minutes) = match store::requests::last_step(db, request.id, Step::Complete).await? {
        Some((event, at)) => (at, store::appeals::ruled_minutes(db, event).await?),
        None => (env.now, None),
    };
    Ok(ClosePlan {
        request: request.clone(),
        member_id,
        rule,
        category,
        community,
        verifier,
        verifier_name,
        service_date: crate::clock::local_date(completed, env.offset),
        ruled_minutes,
    })
}

/// Appends the record and the points entry (each moving the balance),
/// inside the caller's transaction (the one whose UPDATE closes the request).
pub async fn credit_close(db: &impl ConnectionTrait, plan: &ClosePlan, now: DateTime<Utc>) -> Result<Delta, ApiError> {
    let req = &plan.request;
    let reported = req.service_minutes.unwrap_or(0);
    let multiplier = plan
        .rule
        .rule
        .multiplier_pct(&plan.category.code, plan.category.points_multiplier_pct);
    let credit = plan
        .rule
        .rule
        .credit(plan.ruled_minutes.unwrap_or(reported), multiplier, req.rating);
    let place = Place {
        member_id: plan.member_id,
        community_id: req.community_id,
        street: &plan.community.street,
    };
    let actor_id = plan.verifier;
    let person_in_charge = plan.verifier_name.clone();
    let round = Some((req.id, req.round));
    let (record, served) = store::ledger::append_record(
        db,
        NewRecord {
            place,
            kind: RecordKind::Service,
            minutes: credit.minutes,
            reported_minutes: Some(reported),
            rating: req.rating,
            request_id: Some(req.id),
            credit_of: round,
            reverses_id: None,
            category_id: Some(req.category_id),
            activity: req.title.clone(),
            service_date: plan.service_date,
            place_text: req.address.clone(),
            content: req.summary.clone().unwrap_or_else(|| req.title.clone()),
            organiser: plan.community.name.clone(),
            person_in_charge,
            rule_id: Some(plan.rule.id),
            reason: None,
            actor_id,
        },
        now,
    )
    .await?;
    // The ledger keeps the reason as text, in the community's language.
    let reason = credit.voided_by_rating.then(|| {
        msg!(
            "rule.void_reason",
            stars = req.rating.unwrap_or(0),
            at_most = u32::from(plan.rule.rule.void_points_at_or_below_stars.unwrap_or(0))
        )
        .render(crate::i18n::Lang::Zh)
    });
    let (_, earned) = store::ledger::append_entry(
        db,
        NewEntry {
            reason,
            request_id: Some(req.id),
            credit_of: round,
            record_id: Some(record.id),
            rule_id: Some(plan.rule.id),
            ..NewEntry::plain(place, EntryKind::Service, credit.points, plan.service_date, actor_id)
        },
        now,
    )
    .await?;
    Ok(Delta {
        points: earned.points,
        entry_id: earned.entry_id,
        ..served
    })
}
