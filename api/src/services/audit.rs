//! The audit log: every admin action on points, hours, rules and rewards,
//! written in the same transaction as the action itself.

use crate::auth::CurrentUser;
use crate::clock;
use crate::error::ApiError;
use crate::services::users::{admin_scope_within, users_by_id};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

/// Appends one line: `target` is (type, id).
pub async fn log(
    db: &impl ConnectionTrait,
    actor: i64,
    community_id: Option<i64>,
    action: &str,
    target: (&str, Option<i64>),
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    audit_log::ActiveModel {
        actor_id: Set(actor),
        community_id: Set(community_id),
        action: Set(action.to_owned()),
        target_type: Set(target.0.to_owned()),
        target_id: Set(target.1),
        detail: Set(detail.to_string()),
        created_at: Set(clock::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct AuditView {
    pub id: i64,
    pub actor_id: i64,
    pub actor_name: String,
    pub community_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub detail: serde_json::Value,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The log of the communities the caller administers (a street admin: the
/// whole street), newest first, `limit` lines before `before`.
pub async fn list(
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: Option<i64>,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<AuditView>, Option<i64>), ApiError> {
    let ids = admin_scope_within(db, me, community_id).await?;
    let mut q = audit_log::Entity::find()
        .filter(audit_log::Column::CommunityId.is_in(ids))
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(audit_log::Column::Id.lt(b));
    }
    let (rows, next) = crate::services::page(q.all(db).await?, limit, |r| r.id);
    let actors = users_by_id(db, rows.iter().map(|r| r.actor_id).collect()).await?;
    let items = rows
        .into_iter()
        .map(|r| AuditView {
            actor_name: actors.get(&r.actor_id).map(|u| u.name.clone()).unwrap_or_default(),
            id: r.id,
            actor_id: r.actor_id,
            community_id: r.community_id,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            created_at: r.created_at,
        })
        .collect();
    Ok((items, next))
}
