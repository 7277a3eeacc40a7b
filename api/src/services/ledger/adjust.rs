//! Admins' changes to the ledgers, each with a reason and an audit line:
//! 嘉许 (award) and 扣分 (deduction), voiding a service's points after an
//! upheld complaint, and correcting a service record's hours (a reversal
//! plus a new record — the old row stays as it was).

use super::{kind, move_balance};
use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::board::Delta;
use crate::error::ApiError;
use crate::services::{audit, directory, members, rules, users};
use entity::{points_entry, service_category, service_record};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardKind {
    /// 嘉许
    Award,
    /// 扣分
    Deduction,
}

#[derive(Debug, Clone)]
pub struct AwardInput {
    pub member_id: i64,
    pub kind: AwardKind,
    /// Positive; a deduction subtracts it.
    pub points: i64,
    pub reason: String,
}

/// An award or deduction by an admin of the member's community (or street).
pub async fn award(
    db: &DatabaseConnection,
    me: &CurrentUser,
    offset: chrono::FixedOffset,
    input: AwardInput,
) -> Result<(super::EntryView, Delta), ApiError> {
    me.require_admin()?;
    let profile = members::find(db, input.member_id).await?;
    directory::require_admin_of(db, me, profile.community_id).await?;
    let community = directory::community(db, profile.community_id).await?;
    let (kind, signed) = match input.kind {
        AwardKind::Award => (kind::AWARD, input.points),
        AwardKind::Deduction => (kind::DEDUCTION, -input.points),
    };
    let today = clock::today(offset);
    let txn = db.begin().await?;
    move_balance(&txn, input.member_id, signed, 0).await?;
    let entry = points_entry::ActiveModel {
        member_id: Set(input.member_id),
        community_id: Set(profile.community_id),
        kind: Set(kind.into()),
        points: Set(signed),
        earned: Set(true),
        occurred_on: Set(today),
        reason: Set(Some(input.reason.clone())),
        actor_id: Set(me.id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::log(
        &txn,
        me.id,
        Some(profile.community_id),
        &format!("points.{kind}"),
        ("member", Some(input.member_id)),
        serde_json::json!({ "points": signed, "reason": input.reason, "entry_id": entry.id }),
    )
    .await?;
    txn.commit().await?;
    let delta = Delta {
        points: signed,
        ..Delta::zero(input.member_id, profile.community_id, community.street, today)
    };
    let view = super::statement::entry_views(db, vec![entry]).await?.pop();
    view.map(|v| (v, delta))
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("award not readable")))
}

/// Awards and deductions in the caller's scope (a street admin sees the
/// whole street), newest first.
pub async fn list_awards(
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: Option<i64>,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<super::EntryView>, Option<i64>), ApiError> {
    let ids = users::admin_scope_within(db, me, community_id).await?;
    let mut q = points_entry::Entity::find()
        .filter(points_entry::Column::CommunityId.is_in(ids))
        .filter(points_entry::Column::Kind.is_in([kind::AWARD, kind::DEDUCTION]))
        .order_by_desc(points_entry::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(points_entry::Column::Id.lt(b));
    }
    let (rows, next) = crate::services::page(q.all(db).await?, limit, |r| r.id);
    Ok((super::statement::entry_views(db, rows).await?, next))
}

/// Points a request still gives its member (service credits of every round,
/// corrections, voids), and the entries voids have reversed.
async fn request_points(db: &impl ConnectionTrait, request_id: i64) -> Result<(i64, Vec<i64>), ApiError> {
    let rows: Vec<(String, i64, Option<i64>)> = points_entry::Entity::find()
        .select_only()
        .column(points_entry::Column::Kind)
        .column(points_entry::Column::Points)
        .column(points_entry::Column::ReversesId)
        .filter(points_entry::Column::RequestId.eq(request_id))
        .into_tuple()
        .all(db)
        .await?;
    let net = rows
        .iter()
        .filter(|(k, _, _)| k == kind::SERVICE || k == kind::CORRECTION || k == kind::VOID)
        .map(|(_, p, _)| p)
        .sum();
    let voided = rows
        .iter()
        .filter(|(k, _, _)| k == kind::VOID)
        .filter_map(|(_, _, r)| *r)
        .collect();
    Ok((net, voided))
}

/// An upheld complaint: the request's points go back (hours stay — they
/// were served). Once per request, enforced by a unique index on
/// (reverses_id, kind).
pub async fn void_credit(
    db: &DatabaseConnection,
    me: &CurrentUser,
    request_id: i64,
    reason: String,
) -> Result<(super::EntryView, Delta), ApiError> {
    me.require_admin()?;
    // The latest round's credit (a reopened request credits once per round).
    let credit = points_entry::Entity::find()
        .filter(points_entry::Column::CreditOf.eq(request_id))
        .order_by_desc(points_entry::Column::Id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("credit"))?;
    directory::require_admin_of(db, me, credit.community_id).await?;
    let community = directory::community(db, credit.community_id).await?;
    let (net, voided) = request_points(db, request_id).await?;
    if voided.contains(&credit.id) {
        return Err(ApiError::AlreadyVoided);
    }
    let net = net.max(0);
    let txn = db.begin().await?;
    move_balance(&txn, credit.member_id, -net, 0).await?;
    let inserted = points_entry::ActiveModel {
        member_id: Set(credit.member_id),
        community_id: Set(credit.community_id),
        kind: Set(kind::VOID.into()),
        points: Set(-net),
        earned: Set(true),
        request_id: Set(Some(request_id)),
        record_id: Set(credit.record_id),
        reverses_id: Set(Some(credit.id)),
        occurred_on: Set(credit.occurred_on),
        reason: Set(Some(reason.clone())),
        actor_id: Set(me.id),
        rule_id: Set(credit.rule_id),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let entry = match inserted {
        Err(e) if crate::services::is_unique_violation(&e) => return Err(ApiError::AlreadyVoided),
        other => other?,
    };
    audit::log(
        &txn,
        me.id,
        Some(credit.community_id),
        "points.void",
        ("request", Some(request_id)),
        serde_json::json!({ "points": -net, "reason": reason, "entry_id": entry.id }),
    )
    .await?;
    txn.commit().await?;
    let delta = Delta {
        points: -net,
        ..Delta::zero(
            credit.member_id,
            credit.community_id,
            community.street,
            credit.occurred_on,
        )
    };
    let view = super::statement::entry_views(db, vec![entry]).await?.pop();
    view.map(|v| (v, delta))
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("void not readable")))
}

/// Corrects a record's hours: a reversal of it and a new record with the
/// corrected minutes (under the rule the credit was made with), plus the
/// points difference. A record is reversed once (unique index), so two
/// admins correcting at once have one winner; the other is told to reload.
pub async fn correct_record(
    db: &DatabaseConnection,
    me: &CurrentUser,
    record_id: i64,
    reported_minutes: i32,
    reason: String,
) -> Result<(super::RecordView, Delta), ApiError> {
    me.require_admin()?;
    let old = service_record::Entity::find_by_id(record_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("record"))?;
    directory::require_admin_of(db, me, old.community_id).await?;
    if old.sign < 0 {
        return Err(ApiError::field(
            "record_id",
            "reversal",
            "冲正记录不能再更正",
            "a reversal cannot be corrected",
        ));
    }
    let community = directory::community(db, old.community_id).await?;
    let rule = match old.rule_id {
        Some(id) => rules::by_id(db, id).await?,
        None => rules::current(db, old.community_id).await?,
    };
    let category = match old.category_id {
        Some(c) => service_category::Entity::find_by_id(c).one(db).await?,
        None => None,
    };
    let multiplier = category
        .as_ref()
        .map_or(100, |c| rule.rule.multiplier_pct(&c.code, c.points_multiplier_pct));
    let credit = rule.rule.credit(reported_minutes, multiplier, old.rating);
    // What the old record earned, by the same rule (how it was computed).
    let before = rule
        .rule
        .credit(old.reported_minutes.unwrap_or(old.minutes), multiplier, old.rating);
    let voided = match old.request_id {
        Some(r) => !request_points(db, r).await?.1.is_empty(),
        None => false,
    };
    let points_delta = if voided { 0 } else { credit.points - before.points };
    let minutes_delta = i64::from(credit.minutes) - i64::from(old.minutes);
    let now = clock::now();
    let txn = db.begin().await?;
    let copy = |kind: &str, sign: i16, minutes: i32, reported: Option<i32>, reverses: Option<i64>| {
        service_record::ActiveModel {
            member_id: Set(old.member_id),
            community_id: Set(old.community_id),
            request_id: Set(old.request_id),
            credit_of: Set(None),
            reverses_id: Set(reverses),
            kind: Set(kind.to_owned()),
            sign: Set(sign),
            minutes: Set(minutes),
            reported_minutes: Set(reported),
            rating: Set(old.rating),
            category_id: Set(old.category_id),
            activity: Set(old.activity.clone()),
            service_date: Set(old.service_date),
            place: Set(old.place.clone()),
            content: Set(old.content.clone()),
            organiser: Set(old.organiser.clone()),
            person_in_charge: Set(old.person_in_charge.clone()),
            rule_id: Set(old.rule_id),
            reason: Set(Some(reason.clone())),
            actor_id: Set(me.id),
            created_at: Set(now),
            ..Default::default()
        }
    };
    let reversal = copy(
        "reversal",
        -1,
        -old.minutes,
        old.reported_minutes.map(|m| -m),
        Some(old.id),
    )
    .insert(&txn)
    .await;
    if let Err(e) = reversal {
        return Err(if crate::services::is_unique_violation(&e) {
            ApiError::Conflict
        } else {
            e.into()
        });
    }
    let fresh = copy("correction", 1, credit.minutes, Some(reported_minutes), None)
        .insert(&txn)
        .await?;
    if points_delta != 0 {
        points_entry::ActiveModel {
            member_id: Set(old.member_id),
            community_id: Set(old.community_id),
            kind: Set(kind::CORRECTION.into()),
            points: Set(points_delta),
            earned: Set(true),
            request_id: Set(old.request_id),
            record_id: Set(Some(fresh.id)),
            occurred_on: Set(old.service_date),
            reason: Set(Some(reason.clone())),
            actor_id: Set(me.id),
            rule_id: Set(old.rule_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    move_balance(&txn, old.member_id, points_delta, minutes_delta).await?;
    audit::log(
        &txn,
        me.id,
        Some(old.community_id),
        "record.correct",
        ("service_record", Some(old.id)),
        serde_json::json!({
            "from_minutes": old.minutes,
            "to_minutes": credit.minutes,
            "points": points_delta,
            "reason": reason,
            "new_record_id": fresh.id,
        }),
    )
    .await?;
    txn.commit().await?;
    let delta = Delta {
        points: points_delta,
        minutes: minutes_delta,
        ..Delta::zero(old.member_id, old.community_id, community.street, old.service_date)
    };
    let view = super::statement::record_views(db, vec![fresh]).await?.pop();
    view.map(|v| (v, delta))
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("correction not readable")))
}

/// Σ points over a member's entries (the balance row must always equal it).
pub async fn entries_total(db: &impl ConnectionTrait, member_id: i64) -> Result<i64, ApiError> {
    let total: Option<i64> = points_entry::Entity::find()
        .select_only()
        .column_as(super::statement::sum_i64(points_entry::Column::Points), "total")
        .filter(points_entry::Column::MemberId.eq(member_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.unwrap_or(0))
}
