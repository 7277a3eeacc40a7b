//! The audit log: every admin action on points, hours, rules and rewards,
//! written in the same transaction as the action itself.

use crate::auth::CurrentUser;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use crate::services::scope;
use crate::state::AppState;
use crate::store::{self, audit::NewLine};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// Appends one line in the caller's transaction: `target` is (type, id).
pub async fn log(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: UserId,
    community_id: Option<CommunityId>,
    action: &str,
    target: (&str, Option<i64>),
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    store::audit::insert(
        db,
        NewLine {
            actor,
            community_id,
            action,
            target,
            detail,
        },
        now,
    )
    .await
}

#[derive(Debug, Serialize)]
pub struct AuditView {
    pub id: i64,
    pub actor_id: UserId,
    pub actor_name: String,
    pub community_id: Option<CommunityId>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// The log of the communities the caller administers (a street admin: the
/// whole street), newest first, `limit` lines before `before`.
pub async fn list(
    app: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<AuditView>, Option<i64>), ApiError> {
    let ids = scope::communities_within(&app.db, me, community_id).await?;
    let (rows, next) = store::audit::list(&app.db, &ids, before, limit).await?;
    let actors = store::users::by_ids(&app.db, rows.iter().map(|r| r.actor_id).collect()).await?;
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
            detail: r.detail,
            created_at: r.created_at,
        })
        .collect();
    Ok((items, next))
}
