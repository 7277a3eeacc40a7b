//! 爽约 — no-shows, one row per timeline event that recorded one
//! (append-only), and the review flag they raise on a member's profile.

use crate::domain::{CommunityId, RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{member_profile, no_show};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use std::collections::HashMap;

pub struct NewNoShow {
    pub request_id: RequestId,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub event_id: i64,
    pub recorded_by: Option<UserId>,
}

pub async fn insert(db: &impl ConnectionTrait, n: NewNoShow, now: DateTime<Utc>) -> Result<(), ApiError> {
    no_show::ActiveModel {
        request_id: Set(n.request_id.0),
        member_id: Set(n.member_id.0),
        community_id: Set(n.community_id.0),
        event_id: Set(n.event_id),
        recorded_by: Set(n.recorded_by.map(|u| u.0)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A member's no-shows since `since`.
pub async fn count_since(db: &impl ConnectionTrait, member: UserId, since: DateTime<Utc>) -> Result<u64, ApiError> {
    Ok(no_show::Entity::find()
        .filter(no_show::Column::MemberId.eq(member.0))
        .filter(no_show::Column::CreatedAt.gte(since))
        .count(db)
        .await?)
}

/// No-shows per member of a community since `since` (one grouped query).
pub async fn counts_in(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    since: DateTime<Utc>,
) -> Result<HashMap<i64, i64>, ApiError> {
    use no_show::Column as C;
    let rows: Vec<(i64, i64)> = no_show::Entity::find()
        .select_only()
        .column(C::MemberId)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(C::CommunityId.eq(community_id.0))
        .filter(C::CreatedAt.gte(since))
        .group_by(C::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Flags a member for review unless flagged already; `true` if this call did.
pub async fn flag(db: &impl ConnectionTrait, member: UserId, now: DateTime<Utc>) -> Result<bool, ApiError> {
    use member_profile::Column as C;
    let r = member_profile::Entity::update_many()
        .col_expr(C::FlaggedAt, Expr::value(Some(now)))
        .filter(C::UserId.eq(member.0))
        .filter(C::FlaggedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Clears a member's review flag; `true` if it was set.
pub async fn clear_flag(db: &impl ConnectionTrait, member: UserId) -> Result<bool, ApiError> {
    use member_profile::Column as C;
    let r = member_profile::Entity::update_many()
        .col_expr(C::FlaggedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(C::UserId.eq(member.0))
        .filter(C::FlaggedAt.is_not_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// All no-shows ever recorded for each of `members` (one grouped query).
pub async fn counts_for(db: &impl ConnectionTrait, members: &[UserId]) -> Result<HashMap<UserId, i64>, ApiError> {
    use no_show::Column as C;
    let rows: Vec<(i64, i64)> = no_show::Entity::find()
        .select_only()
        .column(C::MemberId)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(C::MemberId.is_in(members.iter().map(|m| m.0)))
        .group_by(C::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(m, n)| (UserId(m), n)).collect())
}
