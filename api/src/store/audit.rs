//! The audit log: one row per admin action, written in the action's own
//! transaction.

use super::json::Json;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

pub struct AuditLine {
    pub id: i64,
    pub actor_id: UserId,
    pub community_id: Option<CommunityId>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// What one line says: `action` on (`target_type`, `target_id`), with details.
pub struct NewLine<'a> {
    pub actor: UserId,
    pub community_id: Option<CommunityId>,
    pub action: &'a str,
    pub target: (&'a str, Option<i64>),
    pub detail: serde_json::Value,
}

pub async fn insert(db: &impl ConnectionTrait, l: NewLine<'_>, now: DateTime<Utc>) -> Result<(), ApiError> {
    audit_log::ActiveModel {
        actor_id: Set(l.actor.0),
        community_id: Set(l.community_id.map(|c| c.0)),
        action: Set(l.action.to_owned()),
        target_type: Set(l.target.0.to_owned()),
        target_id: Set(l.target.1),
        detail: Set(Json::encode(&l.detail)?),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Lines of `communities`, newest first, `limit` before `before`.
pub async fn list(
    db: &impl ConnectionTrait,
    communities: &[CommunityId],
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<AuditLine>, Option<i64>), ApiError> {
    let mut q = audit_log::Entity::find()
        .filter(audit_log::Column::CommunityId.is_in(communities.iter().map(|c| c.0)))
        .order_by_desc(audit_log::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(audit_log::Column::Id.lt(b));
    }
    let (rows, next) = super::page(q.all(db).await?, limit, |r| r.id);
    let lines = rows
        .into_iter()
        .map(|r| {
            Ok(AuditLine {
                detail: Json::<serde_json::Value>::decode(&r.detail, "audit_log", "detail", r.id)?,
                id: r.id,
                actor_id: UserId(r.actor_id),
                community_id: r.community_id.map(CommunityId),
                action: r.action,
                target_type: r.target_type,
                target_id: r.target_id,
                created_at: r.created_at,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok((lines, next))
}
