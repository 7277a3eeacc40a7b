//! Photos of requests (`request_photos`): stored in the database, so every
//! replica serves them.

use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{help_request, request_photo};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

/// One stored photo.
pub struct Photo {
    pub id: i64,
    pub request_id: RequestId,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Inserts a photo unless the request has `max` already: the request's row
/// is locked first (PostgreSQL; SQLite's write transaction is exclusive), so
/// uploads at the same moment cannot pass the limit together. `None` = full.
pub async fn insert_if_room(
    db: &impl ConnectionTrait,
    request: RequestId,
    by: UserId,
    content_type: &str,
    bytes: Vec<u8>,
    max: u64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ApiError> {
    help_request::Entity::find_by_id(request.0)
        .select_only()
        .column(help_request::Column::Id)
        .lock_exclusive()
        .into_tuple::<i64>()
        .one(db)
        .await?;
    let have = request_photo::Entity::find()
        .filter(request_photo::Column::RequestId.eq(request.0))
        .count(db)
        .await?;
    if have >= max {
        return Ok(None);
    }
    let size = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    let row = request_photo::ActiveModel {
        request_id: Set(request.0),
        uploaded_by: Set(by.0),
        content_type: Set(content_type.to_owned()),
        size: Set(size),
        bytes: Set(bytes),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Some(row.id))
}

/// The ids of a request's photos, oldest first.
pub async fn ids_of(db: &impl ConnectionTrait, request: RequestId) -> Result<Vec<i64>, ApiError> {
    Ok(request_photo::Entity::find()
        .select_only()
        .column(request_photo::Column::Id)
        .filter(request_photo::Column::RequestId.eq(request.0))
        .order_by_asc(request_photo::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Photo>, ApiError> {
    Ok(request_photo::Entity::find_by_id(id).one(db).await?.map(|p| Photo {
        id: p.id,
        request_id: RequestId(p.request_id),
        content_type: p.content_type,
        bytes: p.bytes,
    }))
}
