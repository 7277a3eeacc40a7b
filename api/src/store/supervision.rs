//! 督查 marks left by the sweeper, and 回访 (follow-ups).

use crate::domain::sla::{FollowUpMethod, Level, Stage};
use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{enums as db, follow_up, supervision_mark};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashSet;

/// Leaves a mark for (request, stage, level, stage start) unless there is
/// one; `true` if this call made it. The unique index makes several
/// sweepers (replicas) agree on one.
pub async fn insert_mark(
    db: &impl ConnectionTrait,
    request: RequestId,
    stage: Stage,
    level: Level,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let inserted = supervision_mark::Entity::insert(supervision_mark::ActiveModel {
        request_id: Set(request.0),
        stage: Set(stage.into()),
        level: Set(level.into()),
        since: Set(since),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            supervision_mark::Column::RequestId,
            supervision_mark::Column::Stage,
            supervision_mark::Column::Level,
            supervision_mark::Column::Since,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted > 0)
}

/// One 回访; also what the API shows of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FollowUp {
    pub id: i64,
    pub request_id: RequestId,
    pub round: i32,
    pub admin_id: UserId,
    pub method: FollowUpMethod,
    pub satisfied: bool,
    pub note: String,
    pub reopened: bool,
    pub created_at: DateTime<Utc>,
}

fn follow_up_of(f: follow_up::Model) -> FollowUp {
    FollowUp {
        id: f.id,
        request_id: RequestId(f.request_id),
        round: f.round,
        admin_id: UserId(f.admin_id),
        method: f.method.into(),
        satisfied: f.satisfied,
        note: f.note,
        reopened: f.reopened,
        created_at: f.created_at,
    }
}

pub struct NewFollowUp<'a> {
    pub request_id: RequestId,
    pub round: i32,
    pub admin_id: UserId,
    pub method: FollowUpMethod,
    pub satisfied: bool,
    pub note: &'a str,
    pub reopened: bool,
}

pub async fn insert_follow_up(
    db: &impl ConnectionTrait,
    f: NewFollowUp<'_>,
    now: DateTime<Utc>,
) -> Result<FollowUp, ApiError> {
    Ok(follow_up_of(
        follow_up::ActiveModel {
            request_id: Set(f.request_id.0),
            round: Set(f.round),
            admin_id: Set(f.admin_id.0),
            method: Set(db::FollowUpMethod::from(f.method)),
            satisfied: Set(f.satisfied),
            note: Set(f.note.to_owned()),
            reopened: Set(f.reopened),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?,
    ))
}

/// Every follow-up of a request, oldest first.
pub async fn follow_ups(db: &impl ConnectionTrait, request: RequestId) -> Result<Vec<FollowUp>, ApiError> {
    Ok(follow_up::Entity::find()
        .filter(follow_up::Column::RequestId.eq(request.0))
        .order_by_asc(follow_up::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(follow_up_of)
        .collect())
}

/// Which (request, round) pairs of these requests have a follow-up.
pub async fn followed_rounds(
    db: &impl ConnectionTrait,
    requests: &[RequestId],
) -> Result<HashSet<(RequestId, i32)>, ApiError> {
    let rows: Vec<(i64, i32)> = follow_up::Entity::find()
        .select_only()
        .column(follow_up::Column::RequestId)
        .column(follow_up::Column::Round)
        .filter(follow_up::Column::RequestId.is_in(requests.iter().map(|r| r.0)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(r, n)| (RequestId(r), n)).collect())
}
