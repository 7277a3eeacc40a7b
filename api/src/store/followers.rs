//! People following a request they did not post (关注): a merged
//! duplicate's resident, or a neighbour who follows instead of posting
//! again. Unique per (request, person).

use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::request_follower;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

/// Adds followers (those already following are left as they are).
pub async fn add(
    db: &impl ConnectionTrait,
    request_id: RequestId,
    users: &[UserId],
    merged_from: Option<RequestId>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if users.is_empty() {
        return Ok(());
    }
    let rows = users.iter().map(|u| request_follower::ActiveModel {
        request_id: Set(request_id.0),
        user_id: Set(u.0),
        merged_from: Set(merged_from.map(|r| r.0)),
        created_at: Set(now),
        ..Default::default()
    });
    request_follower::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([request_follower::Column::RequestId, request_follower::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Who follows a request.
pub async fn of(db: &impl ConnectionTrait, request_id: RequestId) -> Result<Vec<UserId>, ApiError> {
    let ids: Vec<i64> = request_follower::Entity::find()
        .select_only()
        .column(request_follower::Column::UserId)
        .filter(request_follower::Column::RequestId.eq(request_id.0))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// What a person follows.
pub async fn followed_by(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<RequestId>, ApiError> {
    let ids: Vec<i64> = request_follower::Entity::find()
        .select_only()
        .column(request_follower::Column::RequestId)
        .filter(request_follower::Column::UserId.eq(user.0))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(RequestId).collect())
}
