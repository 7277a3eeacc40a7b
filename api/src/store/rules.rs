//! Rating rules, one row per version per community.

use super::json::Json;
use crate::domain::rating_rule::RatingRule;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::rating_rule;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// One version of a community's rule.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleVersion {
    pub id: i64,
    pub community_id: CommunityId,
    pub version: i32,
    pub rule: RatingRule,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

fn version_of(row: rating_rule::Model) -> Result<RuleVersion, ApiError> {
    Ok(RuleVersion {
        rule: Json::<RatingRule>::decode(&row.rule, "rating_rules", "rule", row.id)?,
        id: row.id,
        community_id: CommunityId(row.community_id),
        version: row.version,
        created_by: row.created_by.map(UserId),
        created_at: row.created_at,
    })
}

/// The newest version, if the community has one.
pub async fn latest(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Option<RuleVersion>, ApiError> {
    rating_rule::Entity::find()
        .filter(rating_rule::Column::CommunityId.eq(community_id.0))
        .order_by_desc(rating_rule::Column::Version)
        .one(db)
        .await?
        .map(version_of)
        .transpose()
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<RuleVersion>, ApiError> {
    rating_rule::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(version_of)
        .transpose()
}

/// Every version, newest first.
pub async fn history(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Vec<RuleVersion>, ApiError> {
    rating_rule::Entity::find()
        .filter(rating_rule::Column::CommunityId.eq(community_id.0))
        .order_by_desc(rating_rule::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(version_of)
        .collect()
}

/// Version 1 (the national default) if the community has none; two first
/// uses at once: one insert wins, the other does nothing.
pub async fn insert_first(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    rule: &RatingRule,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    rating_rule::Entity::insert(rating_rule::ActiveModel {
        community_id: Set(community_id.0),
        version: Set(1),
        rule: Set(Json::encode(rule)?),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([rating_rule::Column::CommunityId, rating_rule::Column::Version])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A new version. `None` when someone saved this version number first
/// (the unique (community, version) index refuses the second).
pub async fn insert_version(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    version: i32,
    rule: &RatingRule,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Option<RuleVersion>, ApiError> {
    let inserted = rating_rule::ActiveModel {
        community_id: Set(community_id.0),
        version: Set(version),
        rule: Set(Json::encode(rule)?),
        created_by: Set(Some(by.0)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        other => Ok(Some(version_of(other?)?)),
    }
}
