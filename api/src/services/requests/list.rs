//! `GET /requests`: what the caller may see, filtered, newest first, with a
//! keyset cursor so pages stay stable while new requests arrive.

use super::view::{self, RequestView};
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::domain::request::Status;
use crate::error::ApiError;
use crate::services::users::admin_scope;
use entity::{help_request, service_category};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

#[derive(Debug, Default)]
pub struct RequestFilter {
    pub status: Option<Status>,
    pub category: Option<String>,
    pub grid_id: Option<i64>,
    pub community_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Only requests I posted, had posted for me, or hold.
    pub mine: bool,
    /// Requests with an id below this (the previous page's `next_cursor`).
    pub before: Option<i64>,
    pub limit: u64,
}

pub async fn list(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    f: RequestFilter,
) -> Result<(Vec<RequestView>, Option<i64>), ApiError> {
    use help_request::Column as C;
    let own = Condition::any()
        .add(C::ResidentId.eq(me.id))
        .add(C::EnteredBy.eq(me.id))
        .add(C::AssigneeId.eq(me.id));
    let scope: Vec<i64> = if me.role.is_admin() {
        admin_scope(db, me).await?
    } else {
        vec![]
    };
    let visible = match me.role {
        Role::Admin | Role::StreetAdmin => Condition::any()
            .add(C::CommunityId.is_in(scope.clone()))
            .add(own.clone()),
        Role::Member => Condition::any()
            .add(
                Condition::all()
                    .add(C::CommunityId.eq(me.community_id))
                    .add(C::Status.eq(Status::Open.as_str())),
            )
            .add(own.clone()),
        Role::Resident => own.clone(),
    };
    let mut q = help_request::Entity::find().filter(visible);
    if f.mine {
        q = q.filter(own);
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(s.as_str()));
    }
    if let Some(code) = f.category {
        let cat = service_category::Entity::find()
            .filter(service_category::Column::Code.eq(code.as_str()))
            .one(db)
            .await?;
        match cat {
            Some(c) => q = q.filter(C::CategoryId.eq(c.id)),
            None => {
                return Err(ApiError::field(
                    "category",
                    "unknown",
                    "没有这个服务类别",
                    "no such service category",
                ));
            }
        }
    }
    if let Some(g) = f.grid_id {
        q = q.filter(C::GridId.eq(g));
    }
    if let Some(c) = f.community_id {
        q = q.filter(C::CommunityId.eq(c));
    }
    if let Some(a) = f.assignee_id {
        q = q.filter(C::AssigneeId.eq(a));
    }
    if let Some(b) = f.before {
        q = q.filter(C::Id.lt(b));
    }
    let rows = q.order_by_desc(C::Id).limit(f.limit + 1).all(db).await?;
    let (page, next) = crate::services::page(rows, f.limit, |r| r.id);
    let items = view::many(db, me, &page, |c| scope.contains(&c)).await?;
    Ok((items, next))
}
