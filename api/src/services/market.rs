//! 爱心超市 — each community's reward catalogue, priced in points.
//! Redeeming spends points (never hours) and takes one from stock in one
//! transaction: the stock is decremented by a conditional UPDATE first, so
//! two members after the last item have one winner, and the points move by
//! the balance's own conditional UPDATE, so nobody goes below zero. A
//! pending redemption is fulfilled when handed over, or cancelled — which
//! refunds the points by a new ledger row and puts the item back.

use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::member::MemberStatus;
use crate::error::ApiError;
use crate::services::ledger::{self, kind};
use crate::services::{audit, directory, members, rules, users};
use entity::{points_entry, redemption, reward};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct RewardInput {
    pub name: String,
    pub description: String,
    pub points_price: i64,
    pub stock: i32,
    pub active: bool,
}

#[derive(Debug, Serialize)]
pub struct RewardView {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub description: String,
    pub points_price: i64,
    pub stock: i32,
    pub active: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn reward_view(r: reward::Model) -> RewardView {
    RewardView {
        id: r.id,
        community_id: r.community_id,
        name: r.name,
        description: r.description,
        points_price: r.points_price,
        stock: r.stock,
        active: r.active,
        updated_at: r.updated_at,
    }
}

#[derive(Debug, Serialize)]
pub struct RedemptionView {
    pub id: i64,
    pub reward_id: i64,
    pub reward_name: String,
    pub member_id: i64,
    pub member_name: String,
    pub community_id: i64,
    pub points: i64,
    pub status: String,
    pub note: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

async fn redemption_views(
    db: &DatabaseConnection,
    rows: Vec<redemption::Model>,
) -> Result<Vec<RedemptionView>, ApiError> {
    let mut reward_ids: Vec<i64> = rows.iter().map(|r| r.reward_id).collect();
    reward_ids.sort_unstable();
    reward_ids.dedup();
    let names: std::collections::HashMap<i64, String> = reward::Entity::find()
        .select_only()
        .column(reward::Column::Id)
        .column(reward::Column::Name)
        .filter(reward::Column::Id.is_in(reward_ids))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let people = users::users_by_id(db, rows.iter().map(|r| r.member_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| RedemptionView {
            reward_name: names.get(&r.reward_id).cloned().unwrap_or_default(),
            member_name: people.get(&r.member_id).map(|u| u.name.clone()).unwrap_or_default(),
            id: r.id,
            reward_id: r.reward_id,
            member_id: r.member_id,
            community_id: r.community_id,
            points: r.points,
            status: r.status,
            note: r.note,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            created_at: r.created_at,
        })
        .collect())
}

async fn load_reward(db: &DatabaseConnection, id: i64) -> Result<reward::Model, ApiError> {
    reward::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("reward"))
}

/// The catalogue of a community: its people see what is on offer; its
/// admins also see withdrawn items.
pub async fn list_rewards(
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: Option<i64>,
) -> Result<Vec<RewardView>, ApiError> {
    let community_id = community_id.unwrap_or(me.community_id);
    let admin = directory::administers(db, me, community_id).await?;
    if community_id != me.community_id && !admin {
        return Err(ApiError::Forbidden);
    }
    let mut q = reward::Entity::find()
        .filter(reward::Column::CommunityId.eq(community_id))
        .order_by_asc(reward::Column::PointsPrice)
        .order_by_asc(reward::Column::Id);
    if !admin {
        q = q.filter(reward::Column::Active.eq(true));
    }
    Ok(q.all(db).await?.into_iter().map(reward_view).collect())
}

pub async fn create_reward(
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: i64,
    input: RewardInput,
) -> Result<RewardView, ApiError> {
    directory::require_admin_of(db, me, community_id).await?;
    let now = clock::now();
    let txn = db.begin().await?;
    let row = reward::ActiveModel {
        community_id: Set(community_id),
        name: Set(input.name.trim().to_owned()),
        description: Set(input.description.trim().to_owned()),
        points_price: Set(input.points_price),
        stock: Set(input.stock),
        active: Set(input.active),
        created_by: Set(me.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::log(
        &txn,
        me.id,
        Some(community_id),
        "reward.create",
        ("reward", Some(row.id)),
        serde_json::json!({ "name": row.name, "points_price": row.points_price, "stock": row.stock }),
    )
    .await?;
    txn.commit().await?;
    Ok(reward_view(row))
}

/// Edits an item: name, price, stock on hand, on offer or withdrawn.
pub async fn update_reward(
    db: &DatabaseConnection,
    me: &CurrentUser,
    id: i64,
    input: RewardInput,
) -> Result<RewardView, ApiError> {
    let old = load_reward(db, id).await?;
    directory::require_admin_of(db, me, old.community_id).await?;
    let txn = db.begin().await?;
    let mut row: reward::ActiveModel = old.clone().into();
    row.name = Set(input.name.trim().to_owned());
    row.description = Set(input.description.trim().to_owned());
    row.points_price = Set(input.points_price);
    row.stock = Set(input.stock);
    row.active = Set(input.active);
    row.updated_at = Set(clock::now());
    let row = row.update(&txn).await?;
    audit::log(
        &txn,
        me.id,
        Some(old.community_id),
        "reward.update",
        ("reward", Some(id)),
        serde_json::json!({
            "from": { "points_price": old.points_price, "stock": old.stock, "active": old.active },
            "to": { "points_price": row.points_price, "stock": row.stock, "active": row.active },
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(reward_view(row))
}

/// A member redeems one item of their own community.
pub async fn redeem(
    db: &DatabaseConnection,
    me: &CurrentUser,
    reward_id: i64,
    offset: chrono::FixedOffset,
) -> Result<RedemptionView, ApiError> {
    let item = load_reward(db, reward_id).await?;
    let profile = members::find_own(db, me).await?;
    if profile.status != MemberStatus::Active.as_str() || profile.community_id != item.community_id {
        return Err(ApiError::Forbidden);
    }
    if !item.active {
        return Err(ApiError::OutOfStock);
    }
    let rule = rules::current(db, item.community_id).await?;
    let min = rule.rule.min_balance_to_redeem;
    let now = clock::now();
    let txn = db.begin().await?;
    // First statement a write: SQLite takes its lock here; PostgreSQL locks the row.
    let took = reward::Entity::update_many()
        .col_expr(reward::Column::Stock, Expr::col(reward::Column::Stock).sub(1))
        .col_expr(reward::Column::UpdatedAt, Expr::value(now))
        .filter(reward::Column::Id.eq(reward_id))
        .filter(reward::Column::Active.eq(true))
        .filter(reward::Column::Stock.gt(0))
        .exec(&txn)
        .await?;
    if took.rows_affected == 0 {
        txn.rollback().await?;
        return Err(ApiError::OutOfStock);
    }
    let (balance, _) = ledger::balance_of(&txn, me.id).await?;
    if balance < min {
        txn.rollback().await?;
        return Err(ApiError::BelowRedeemMinimum(min));
    }
    let row = redemption::ActiveModel {
        reward_id: Set(reward_id),
        member_id: Set(me.id),
        community_id: Set(item.community_id),
        points: Set(item.points_price),
        status: Set("pending".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    points_entry::ActiveModel {
        member_id: Set(me.id),
        community_id: Set(item.community_id),
        kind: Set(kind::REDEMPTION.into()),
        points: Set(-item.points_price),
        earned: Set(false),
        redemption_id: Set(Some(row.id)),
        occurred_on: Set(clock::local_date(now, offset)),
        reason: Set(Some(item.name.clone())),
        actor_id: Set(me.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Err(e) = ledger::move_balance(&txn, me.id, -item.points_price, 0).await {
        txn.rollback().await?;
        return Err(e);
    }
    txn.commit().await?;
    one_view(db, row).await
}

async fn one_view(db: &DatabaseConnection, row: redemption::Model) -> Result<RedemptionView, ApiError> {
    redemption_views(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("redemption not readable")))
}

async fn load_redemption(db: &DatabaseConnection, id: i64) -> Result<redemption::Model, ApiError> {
    redemption::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("redemption"))
}

/// Moves a pending redemption to `to` with one conditional UPDATE; the
/// loser of two concurrent decisions is told the status it found.
async fn decide(
    txn: &impl sea_orm::ConnectionTrait,
    r: &redemption::Model,
    to: &str,
    me: &CurrentUser,
    note: Option<String>,
) -> Result<(), ApiError> {
    let done = redemption::Entity::update_many()
        .col_expr(redemption::Column::Status, Expr::value(to))
        .col_expr(redemption::Column::DecidedBy, Expr::value(Some(me.id)))
        .col_expr(redemption::Column::DecidedAt, Expr::value(Some(clock::now())))
        .col_expr(redemption::Column::Note, Expr::value(note))
        .filter(redemption::Column::Id.eq(r.id))
        .filter(redemption::Column::Status.eq("pending"))
        .exec(txn)
        .await?;
    if done.rows_affected == 0 {
        let now = redemption::Entity::find_by_id(r.id).one(txn).await?;
        return Err(ApiError::RedemptionState(
            now.map_or_else(|| r.status.clone(), |x| x.status),
        ));
    }
    Ok(())
}

/// The community hands the item over.
pub async fn fulfil(db: &DatabaseConnection, me: &CurrentUser, id: i64) -> Result<RedemptionView, ApiError> {
    let r = load_redemption(db, id).await?;
    directory::require_admin_of(db, me, r.community_id).await?;
    let txn = db.begin().await?;
    decide(&txn, &r, "fulfilled", me, None).await?;
    audit::log(
        &txn,
        me.id,
        Some(r.community_id),
        "redemption.fulfil",
        ("redemption", Some(id)),
        serde_json::json!({ "member_id": r.member_id, "points": r.points }),
    )
    .await?;
    txn.commit().await?;
    one_view(db, load_redemption(db, id).await?).await
}

/// The member (or an admin) calls it off: the points come back as a
/// `refund` entry and the item goes back into stock.
pub async fn cancel(
    db: &DatabaseConnection,
    me: &CurrentUser,
    id: i64,
    note: Option<String>,
    offset: chrono::FixedOffset,
) -> Result<RedemptionView, ApiError> {
    let r = load_redemption(db, id).await?;
    let admin = directory::administers(db, me, r.community_id).await?;
    if r.member_id != me.id && !admin {
        return Err(ApiError::Forbidden);
    }
    let now = clock::now();
    let txn = db.begin().await?;
    decide(&txn, &r, "cancelled", me, note.clone()).await?;
    points_entry::ActiveModel {
        member_id: Set(r.member_id),
        community_id: Set(r.community_id),
        kind: Set(kind::REFUND.into()),
        points: Set(r.points),
        earned: Set(false),
        redemption_id: Set(Some(r.id)),
        occurred_on: Set(clock::local_date(now, offset)),
        reason: Set(note.clone()),
        actor_id: Set(me.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    ledger::move_balance(&txn, r.member_id, r.points, 0).await?;
    reward::Entity::update_many()
        .col_expr(reward::Column::Stock, Expr::col(reward::Column::Stock).add(1))
        .col_expr(reward::Column::UpdatedAt, Expr::value(now))
        .filter(reward::Column::Id.eq(r.reward_id))
        .exec(&txn)
        .await?;
    if admin && r.member_id != me.id {
        audit::log(
            &txn,
            me.id,
            Some(r.community_id),
            "redemption.cancel",
            ("redemption", Some(id)),
            serde_json::json!({ "member_id": r.member_id, "points": r.points, "note": note }),
        )
        .await?;
    }
    txn.commit().await?;
    one_view(db, load_redemption(db, id).await?).await
}

/// Redemptions: a member's own (`mine`), or an admin's communities'.
pub async fn list_redemptions(
    db: &DatabaseConnection,
    me: &CurrentUser,
    mine: bool,
    community_id: Option<i64>,
    status: Option<String>,
    limit: u64,
) -> Result<Vec<RedemptionView>, ApiError> {
    let mut q = redemption::Entity::find()
        .order_by_desc(redemption::Column::Id)
        .limit(limit);
    if mine || !me.role.is_admin() {
        q = q.filter(redemption::Column::MemberId.eq(me.id));
    } else {
        let ids = users::admin_scope_within(db, me, community_id).await?;
        q = q.filter(redemption::Column::CommunityId.is_in(ids));
    }
    if let Some(s) = status {
        q = q.filter(redemption::Column::Status.eq(s));
    }
    redemption_views(db, q.all(db).await?).await
}
