//! The outbox: messages to deliver, written in the transaction of what
//! caused them, claimed by workers with a lease.

use crate::domain::UserId;
use crate::domain::delivery::{Channel, DeliveryStatus};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{enums as db, outbox};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set, Statement};

pub struct Message {
    pub id: i64,
    /// Unique: one message per event, kind and recipient.
    pub event_key: String,
    pub channel: Channel,
    pub user_id: Option<UserId>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub status: DeliveryStatus,
    /// Attempts made so far, this one included once claimed.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}

fn message_of(m: outbox::Model) -> Message {
    Message {
        id: m.id,
        event_key: m.event_key,
        channel: m.channel.into(),
        user_id: m.user_id.map(UserId),
        to_address: m.to_address,
        subject: m.subject,
        body: m.body,
        status: m.status.into(),
        attempts: m.attempts,
        created_at: m.created_at,
    }
}

pub struct NewMessage<'a> {
    pub event_key: String,
    pub channel: Channel,
    pub user_id: UserId,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn insert(db: &impl ConnectionTrait, m: NewMessage<'_>, now: DateTime<Utc>) -> Result<(), ApiError> {
    outbox::ActiveModel {
        event_key: Set(m.event_key),
        channel: Set(m.channel.into()),
        user_id: Set(Some(m.user_id.0)),
        to_address: Set(m.to_address.to_owned()),
        subject: Set(m.subject.to_owned()),
        body: Set(m.body.to_owned()),
        status: Set(db::DeliveryStatus::Pending),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Claims up to `batch` due rows with a lease until `until`, in one
/// statement — on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several
/// replicas' workers take disjoint rows; on SQLite the single writer lock
/// does the same.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    batch: i64,
) -> Result<Vec<Message>, ApiError> {
    let backend = db.get_database_backend();
    let (sql, values): (&str, Vec<sea_orm::Value>) = match backend {
        DbBackend::Postgres => (
            "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 WHERE id IN ( \
               SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
               AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
            vec![until.into(), now.into(), batch.into()],
        ),
        _ => (
            "UPDATE outbox SET locked_until = ?, attempts = attempts + 1 WHERE id IN ( \
               SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? \
               AND (locked_until IS NULL OR locked_until < ?) ORDER BY id LIMIT ?) \
             RETURNING *",
            vec![until.into(), now.into(), now.into(), batch.into()],
        ),
    };
    Ok(outbox::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await?
        .into_iter()
        .map(message_of)
        .collect())
}

pub async fn mark_sent(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<(), ApiError> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(db::DeliveryStatus::Sent))
        .col_expr(outbox::Column::SentAt, Expr::value(Some(at)))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: `status` is pending again (retry at `next`) or dead.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: i64,
    status: DeliveryStatus,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), ApiError> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(db::DeliveryStatus::from(status)))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::LastError, Expr::value(Some(error.to_owned())))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
