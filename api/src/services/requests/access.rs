//! Who may see a request, who may see the resident's contact, and the facts
//! the state machine needs about the caller.

use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::domain::request::{Actor, Status};
use crate::error::ApiError;
use crate::services::directory;
use entity::help_request;
use sea_orm::ConnectionTrait;

pub(super) struct Access<'a> {
    me: &'a CurrentUser,
    pub admin_here: bool,
    pub member_here: bool,
}

impl<'a> Access<'a> {
    pub async fn of(
        db: &impl ConnectionTrait,
        me: &'a CurrentUser,
        req: &help_request::Model,
    ) -> Result<Access<'a>, ApiError> {
        Ok(Access {
            me,
            admin_here: directory::administers(db, me, req.community_id).await?,
            member_here: me.role == Role::Member && me.community_id == req.community_id,
        })
    }

    pub fn actor(&self) -> Actor {
        Actor {
            id: self.me.id,
            role: self.me.role,
            admin_here: self.admin_here,
            member_here: self.member_here,
        }
    }

    /// Requester, holder, admins in scope, and members of the community while
    /// it is in the task hall.
    pub fn can_view(&self, req: &help_request::Model) -> bool {
        let id = self.me.id;
        is_requester(req, id)
            || req.assignee_id == Some(id)
            || self.admin_here
            || (self.member_here && req.status == Status::Open.as_str())
    }
}

/// The resident's name and phone are shown to admins in scope, to the
/// requester, and to the holder only while serving (PIPL: need to know).
pub(super) fn reveals_contact(me: &CurrentUser, req: &help_request::Model, admin_here: bool) -> bool {
    let active = req.status.parse::<Status>().is_ok_and(Status::is_active_service);
    admin_here || is_requester(req, me.id) || (req.assignee_id == Some(me.id) && active)
}

/// The resident, or whoever entered the request for them (代下单).
pub(super) fn is_requester(req: &help_request::Model, user: i64) -> bool {
    req.resident_id == user || req.entered_by == user
}
