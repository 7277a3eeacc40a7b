//! In-app notifications (the inbox).

use super::json::Json;
use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use crate::messages::Msg;
use chrono::{DateTime, Utc};
use entity::notification;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

pub struct Notification {
    pub id: i64,
    pub user_id: UserId,
    /// `dispatch`, `late.accept.overdue`, …
    pub kind: String,
    pub title: String,
    pub body: String,
    pub request_id: Option<RequestId>,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Title and body as catalogue messages (rows written before messages
    /// were kept have none).
    pub message: Option<(Msg, Msg)>,
}

fn notification_of(n: notification::Model) -> Result<Notification, ApiError> {
    let message = match n.message.as_deref() {
        Some(text) => Some(Json::<(Msg, Msg)>::decode(text, "notifications", "message", n.id)?),
        None => None,
    };
    Ok(Notification {
        message,
        id: n.id,
        user_id: UserId(n.user_id),
        kind: n.kind,
        title: n.title,
        body: n.body,
        request_id: n.request_id.map(RequestId),
        read_at: n.read_at,
        created_at: n.created_at,
    })
}

pub struct NewNotification<'a> {
    pub user_id: UserId,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub request_id: Option<RequestId>,
    pub message: Option<(&'a Msg, &'a Msg)>,
}

/// Writes one inbox line; returns its id.
pub async fn insert(db: &impl ConnectionTrait, n: NewNotification<'_>, now: DateTime<Utc>) -> Result<i64, ApiError> {
    Ok(notification::ActiveModel {
        user_id: Set(n.user_id.0),
        kind: Set(n.kind.to_owned()),
        title: Set(n.title.to_owned()),
        body: Set(n.body.to_owned()),
        request_id: Set(n.request_id.map(|r| r.0)),
        message: Set(n.message.map(|m| Json::encode(&m)).transpose()?),
        read_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// A user's inbox, newest first, `limit` before `before`.
pub async fn inbox(
    db: &impl ConnectionTrait,
    user: UserId,
    unread_only: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<Notification>, Option<i64>), ApiError> {
    let mut q = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.0))
        .order_by_desc(notification::Column::Id)
        .limit(limit + 1);
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    if let Some(b) = before {
        q = q.filter(notification::Column::Id.lt(b));
    }
    let (rows, next) = super::page(q.all(db).await?, limit, |n| n.id);
    Ok((rows.into_iter().map(notification_of).collect::<Result<_, _>>()?, next))
}

pub async fn unread_count(db: &impl ConnectionTrait, user: UserId) -> Result<u64, ApiError> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.0))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Does notification `id` belong to `user`?
pub async fn belongs_to(db: &impl ConnectionTrait, id: i64, user: UserId) -> Result<bool, ApiError> {
    Ok(notification::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|n| n.user_id == user.0))
}

/// Marks one (`Some(id)`) or all of a user's unread lines read; how many changed.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user: UserId,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(now)))
        .filter(notification::Column::UserId.eq(user.0))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    Ok(q.exec(db).await?.rows_affected)
}
