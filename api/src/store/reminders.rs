//! 提醒 — which reminders were sent, one row per (request, kind, person,
//! due time): the unique index makes several sweepers send each once.

use crate::domain::reminder::ReminderKind;
use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::reminder_sent;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

/// Records that `user` is reminded of `request` (`kind`, due `at`) unless
/// someone did already; `true` if this call did.
pub async fn claim(
    db: &impl ConnectionTrait,
    request: RequestId,
    kind: ReminderKind,
    user: UserId,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    use reminder_sent::Column as C;
    let inserted = reminder_sent::Entity::insert(reminder_sent::ActiveModel {
        request_id: Set(request.0),
        kind: Set(kind.as_str().to_owned()),
        user_id: Set(user.0),
        due_at: Set(at),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([C::RequestId, C::Kind, C::UserId, C::DueAt])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted > 0)
}
