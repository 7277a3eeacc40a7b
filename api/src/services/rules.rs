//! Per-community rating rules, versioned: every change adds a row, credits
//! keep the id of the version they were made under, and a community that
//! never set one gets version 1 = the national default the first time one
//! is needed.

use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::rating_rule::RatingRule;
use crate::error::ApiError;
use crate::services::{audit, directory};
use entity::rating_rule;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Serialize;

/// One version of a community's rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    pub id: i64,
    pub community_id: i64,
    pub version: i32,
    pub rule: RatingRule,
    pub created_by: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn view(row: rating_rule::Model) -> Result<RuleView, ApiError> {
    let rule = serde_json::from_str(&row.rule)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("rating rule {} unreadable: {e}", row.id)))?;
    Ok(RuleView {
        id: row.id,
        community_id: row.community_id,
        version: row.version,
        rule,
        created_by: row.created_by,
        created_at: row.created_at,
    })
}

async fn latest(db: &impl ConnectionTrait, community_id: i64) -> Result<Option<rating_rule::Model>, ApiError> {
    Ok(rating_rule::Entity::find()
        .filter(rating_rule::Column::CommunityId.eq(community_id))
        .order_by_desc(rating_rule::Column::Version)
        .one(db)
        .await?)
}

/// The rule in force for a community (creating version 1 if there is none).
pub async fn current(db: &impl ConnectionTrait, community_id: i64) -> Result<RuleView, ApiError> {
    if let Some(row) = latest(db, community_id).await? {
        return view(row);
    }
    directory::community(db, community_id).await?;
    let json = serde_json::to_string(&RatingRule::default()).map_err(anyhow::Error::from)?;
    // Two first uses at once: one insert wins, the other does nothing.
    rating_rule::Entity::insert(rating_rule::ActiveModel {
        community_id: Set(community_id),
        version: Set(1),
        rule: Set(json),
        created_by: Set(None),
        created_at: Set(clock::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([rating_rule::Column::CommunityId, rating_rule::Column::Version])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    latest(db, community_id)
        .await?
        .ok_or(ApiError::NotFound("rule"))
        .and_then(view)
}

/// Any one version (the one a credit was made under).
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<RuleView, ApiError> {
    rating_rule::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("rule"))
        .and_then(view)
}

/// The rule in force; anyone signed in may read it (it says how they earn).
pub async fn get(db: &DatabaseConnection, community_id: i64) -> Result<RuleView, ApiError> {
    current(db, community_id).await
}

/// Every version, newest first (admins).
pub async fn history(db: &DatabaseConnection, me: &CurrentUser, community_id: i64) -> Result<Vec<RuleView>, ApiError> {
    directory::require_admin_of(db, me, community_id).await?;
    current(db, community_id).await?;
    rating_rule::Entity::find()
        .filter(rating_rule::Column::CommunityId.eq(community_id))
        .order_by_desc(rating_rule::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// A new version. `base_version` is the version the admin edited: if
/// someone saved another meanwhile, the unique (community, version) index
/// refuses this one and the admin is told to reload.
pub async fn update(
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: i64,
    rule: RatingRule,
    base_version: Option<i32>,
) -> Result<RuleView, ApiError> {
    directory::require_admin_of(db, me, community_id).await?;
    let problems = rule.problems();
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let now_in_force = current(db, community_id).await?;
    let base = base_version.unwrap_or(now_in_force.version);
    if base != now_in_force.version {
        return Err(ApiError::RuleConflict);
    }
    let json = serde_json::to_string(&rule).map_err(anyhow::Error::from)?;
    let txn = db.begin().await?;
    let inserted = rating_rule::ActiveModel {
        community_id: Set(community_id),
        version: Set(base + 1),
        rule: Set(json),
        created_by: Set(Some(me.id)),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let row = match inserted {
        Err(e) if crate::services::is_unique_violation(&e) => return Err(ApiError::RuleConflict),
        other => other?,
    };
    audit::log(
        &txn,
        me.id,
        Some(community_id),
        "rule.update",
        ("rating_rule", Some(row.id)),
        serde_json::json!({ "version": row.version, "rule": rule }),
    )
    .await?;
    txn.commit().await?;
    view(row)
}
