//! 爱心超市: the reward catalogue and redemptions.

use crate::domain::redemption::Status;
use crate::domain::{CommunityId, RedemptionId, RewardId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{enums as db, redemption, reward};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;

/// An item of the catalogue; also what the API shows of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reward {
    pub id: RewardId,
    pub community_id: CommunityId,
    pub name: String,
    pub description: String,
    pub points_price: i64,
    pub stock: i32,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

fn reward_of(r: reward::Model) -> Reward {
    Reward {
        id: RewardId(r.id),
        community_id: CommunityId(r.community_id),
        name: r.name,
        description: r.description,
        points_price: r.points_price,
        stock: r.stock,
        active: r.active,
        updated_at: r.updated_at,
    }
}

/// What an admin sets on an item.
pub struct RewardFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub points_price: i64,
    pub stock: i32,
    pub active: bool,
}

pub async fn reward(db: &impl ConnectionTrait, id: RewardId) -> Result<Option<Reward>, ApiError> {
    Ok(reward::Entity::find_by_id(id.0).one(db).await?.map(reward_of))
}

/// A community's catalogue, cheapest first; withdrawn items only if asked.
pub async fn rewards(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    with_withdrawn: bool,
) -> Result<Vec<Reward>, ApiError> {
    let mut q = reward::Entity::find()
        .filter(reward::Column::CommunityId.eq(community_id.0))
        .order_by_asc(reward::Column::PointsPrice)
        .order_by_asc(reward::Column::Id);
    if !with_withdrawn {
        q = q.filter(reward::Column::Active.eq(true));
    }
    Ok(q.all(db).await?.into_iter().map(reward_of).collect())
}

pub async fn insert_reward(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    f: RewardFields<'_>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Reward, ApiError> {
    Ok(reward_of(
        reward::ActiveModel {
            community_id: Set(community_id.0),
            name: Set(f.name.to_owned()),
            description: Set(f.description.to_owned()),
            points_price: Set(f.points_price),
            stock: Set(f.stock),
            active: Set(f.active),
            created_by: Set(by.0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?,
    ))
}

pub async fn update_reward(
    db: &impl ConnectionTrait,
    id: RewardId,
    f: RewardFields<'_>,
    now: DateTime<Utc>,
) -> Result<Reward, ApiError> {
    let mut rows = reward::Entity::update_many()
        .col_expr(reward::Column::Name, Expr::value(f.name))
        .col_expr(reward::Column::Description, Expr::value(f.description))
        .col_expr(reward::Column::PointsPrice, Expr::value(f.points_price))
        .col_expr(reward::Column::Stock, Expr::value(f.stock))
        .col_expr(reward::Column::Active, Expr::value(f.active))
        .col_expr(reward::Column::UpdatedAt, Expr::value(now))
        .filter(reward::Column::Id.eq(id.0))
        .exec_with_returning(db)
        .await?;
    rows.pop().map(reward_of).ok_or(ApiError::NotFound("reward"))
}

/// Takes one item from stock if it is on offer and there is one left;
/// `false` otherwise. A conditional UPDATE: two buyers of the last item
/// have one winner.
pub async fn take_one(db: &impl ConnectionTrait, id: RewardId, now: DateTime<Utc>) -> Result<bool, ApiError> {
    let took = reward::Entity::update_many()
        .col_expr(reward::Column::Stock, Expr::col(reward::Column::Stock).sub(1))
        .col_expr(reward::Column::UpdatedAt, Expr::value(now))
        .filter(reward::Column::Id.eq(id.0))
        .filter(reward::Column::Active.eq(true))
        .filter(reward::Column::Stock.gt(0))
        .exec(db)
        .await?;
    Ok(took.rows_affected > 0)
}

/// Puts one item back into stock.
pub async fn put_back(db: &impl ConnectionTrait, id: RewardId, now: DateTime<Utc>) -> Result<(), ApiError> {
    reward::Entity::update_many()
        .col_expr(reward::Column::Stock, Expr::col(reward::Column::Stock).add(1))
        .col_expr(reward::Column::UpdatedAt, Expr::value(now))
        .filter(reward::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Names of rewards, by id.
pub async fn reward_names(
    db: &impl ConnectionTrait,
    mut ids: Vec<RewardId>,
) -> Result<HashMap<RewardId, String>, ApiError> {
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(i64, String)> = reward::Entity::find()
        .select_only()
        .column(reward::Column::Id)
        .column(reward::Column::Name)
        .filter(reward::Column::Id.is_in(ids.iter().map(|r| r.0)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (RewardId(id), n)).collect())
}

#[derive(Debug, Clone)]
pub struct Redemption {
    pub id: RedemptionId,
    pub reward_id: RewardId,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub points: i64,
    pub status: Status,
    pub note: Option<String>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn redemption_of(r: redemption::Model) -> Redemption {
    Redemption {
        id: RedemptionId(r.id),
        reward_id: RewardId(r.reward_id),
        member_id: UserId(r.member_id),
        community_id: CommunityId(r.community_id),
        points: r.points,
        status: r.status.into(),
        note: r.note,
        decided_by: r.decided_by.map(UserId),
        decided_at: r.decided_at,
        created_at: r.created_at,
    }
}

pub async fn redemption(db: &impl ConnectionTrait, id: RedemptionId) -> Result<Option<Redemption>, ApiError> {
    Ok(redemption::Entity::find_by_id(id.0).one(db).await?.map(redemption_of))
}

pub async fn insert_redemption(
    db: &impl ConnectionTrait,
    item: &Reward,
    member_id: UserId,
    now: DateTime<Utc>,
) -> Result<Redemption, ApiError> {
    Ok(redemption_of(
        redemption::ActiveModel {
            reward_id: Set(item.id.0),
            member_id: Set(member_id.0),
            community_id: Set(item.community_id.0),
            points: Set(item.points_price),
            status: Set(db::RedemptionStatus::Pending),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?,
    ))
}

/// Moves a redemption `from` → `to` with one conditional UPDATE; the row as
/// written, or `None` when it was no longer `from`.
pub async fn decide(
    db: &impl ConnectionTrait,
    id: RedemptionId,
    from: Status,
    to: Status,
    by: UserId,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<Option<Redemption>, ApiError> {
    let mut rows = redemption::Entity::update_many()
        .col_expr(redemption::Column::Status, Expr::value(db::RedemptionStatus::from(to)))
        .col_expr(redemption::Column::DecidedBy, Expr::value(Some(by.0)))
        .col_expr(redemption::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(redemption::Column::Note, Expr::value(note))
        .filter(redemption::Column::Id.eq(id.0))
        .filter(redemption::Column::Status.eq(db::RedemptionStatus::from(from)))
        .exec_with_returning(db)
        .await?;
    Ok(rows.pop().map(redemption_of))
}

/// Redemptions of one member, or of some communities, newest first.
pub enum Whose<'a> {
    Member(UserId),
    Communities(&'a [CommunityId]),
}

pub async fn redemptions(
    db: &impl ConnectionTrait,
    whose: Whose<'_>,
    status: Option<Status>,
    limit: u64,
) -> Result<Vec<Redemption>, ApiError> {
    let mut q = redemption::Entity::find()
        .order_by_desc(redemption::Column::Id)
        .limit(limit);
    q = match whose {
        Whose::Member(m) => q.filter(redemption::Column::MemberId.eq(m.0)),
        Whose::Communities(c) => q.filter(redemption::Column::CommunityId.is_in(c.iter().map(|x| x.0))),
    };
    if let Some(s) = status {
        q = q.filter(redemption::Column::Status.eq(db::RedemptionStatus::from(s)));
    }
    Ok(q.all(db).await?.into_iter().map(redemption_of).collect())
}
