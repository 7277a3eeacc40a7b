//! Service requests: post, read, list, timeline, and every transition.

mod access;
mod create;
mod list;
mod transition;
mod view;

pub use create::{NewRequest, Urgency, create};
pub use list::{RequestFilter, list};
pub use transition::act;
pub use view::{EventView, RequestView};

use crate::auth::CurrentUser;
use crate::error::ApiError;
use entity::{help_request, request_event};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub(crate) async fn load(db: &impl ConnectionTrait, id: i64) -> Result<help_request::Model, ApiError> {
    help_request::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("request"))
}

/// One request as the caller may see it (403 if they may not).
pub async fn get(db: &impl ConnectionTrait, me: &CurrentUser, id: i64) -> Result<RequestView, ApiError> {
    let req = load(db, id).await?;
    let ctx = access::Access::of(db, me, &req).await?;
    if !ctx.can_view(&req) {
        return Err(ApiError::Forbidden);
    }
    view::one(db, me, &req, ctx.admin_here).await
}

/// The timeline (信息收集 → … → 综合评价), oldest first.
pub async fn events(db: &impl ConnectionTrait, me: &CurrentUser, id: i64) -> Result<Vec<EventView>, ApiError> {
    let req = load(db, id).await?;
    let ctx = access::Access::of(db, me, &req).await?;
    if !ctx.can_view(&req) {
        return Err(ApiError::Forbidden);
    }
    let rows = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(id))
        .order_by_asc(request_event::Column::Id)
        .all(db)
        .await?;
    view::events(db, me, &req, ctx.admin_here, rows).await
}
