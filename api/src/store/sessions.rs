//! Login sessions: the SHA-256 of each bearer token, its user and expiry.

use crate::domain::{CommunityId, GridId, Role, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{community, enums as db, session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, Set};

pub async fn insert(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    session::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id.0),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Expired sessions of a user are of no use to anyone.
pub async fn delete_expired(db: &impl ConnectionTrait, user_id: UserId, now: DateTime<Utc>) -> Result<(), ApiError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id.0))
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), ApiError> {
    session::Entity::delete_by_id(token_hash.to_owned()).exec(db).await?;
    Ok(())
}

pub async fn delete_all_of(db: &impl ConnectionTrait, user_id: UserId) -> Result<(), ApiError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Who a live session belongs to, with their community's street.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: UserId,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    pub street: String,
}

/// The user behind a token digest, and when the session expires, if it
/// exists and has not expired. One query: the session joined to its user
/// and the user's community.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(SessionUser, DateTime<Utc>)>, ApiError> {
    type Row = (i64, String, String, db::Role, i64, Option<i64>, String, DateTime<Utc>);
    let row: Option<Row> = session::Entity::find_by_id(token_hash.to_owned())
        .filter(session::Column::ExpiresAt.gt(now))
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .column(user::Column::Phone)
        .column(user::Column::Role)
        .column(user::Column::CommunityId)
        .column(user::Column::GridId)
        .column(community::Column::Street)
        .column(session::Column::ExpiresAt)
        .join(
            JoinType::InnerJoin,
            session::Entity::belongs_to(user::Entity)
                .from(session::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .join(
            JoinType::InnerJoin,
            user::Entity::belongs_to(community::Entity)
                .from(user::Column::CommunityId)
                .to(community::Column::Id)
                .into(),
        )
        .into_tuple()
        .one(db)
        .await?;
    Ok(
        row.map(|(id, name, phone, role, community_id, grid_id, street, expires_at)| {
            let u = SessionUser {
                id: UserId(id),
                name,
                phone,
                role: role.into(),
                community_id: CommunityId(community_id),
                grid_id: grid_id.map(GridId),
                street,
            };
            (u, expires_at)
        }),
    )
}
