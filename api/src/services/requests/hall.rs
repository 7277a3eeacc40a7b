//! 任务大厅: `GET /requests?status=open` for a member — the open requests
//! of their community, the most read list of all (members look for work
//! between shifts). Every member of a community sees the same page, so each
//! replica keeps it (`AppState::hall`) and builds each member's view from
//! it with no query:
//! - a write to a request drops its community's page on this replica at
//!   once ([`forget`], from [`super::announce`]) and on every other replica
//!   through the hub (`LiveEvent::Request`, see `services::auth::forget_revoked`);
//! - a page is never older than [`MAX_AGE`], which bounds what a lost signal
//!   (Redis down) or a write that announces nothing (the sweeper marking a
//!   request urgent) can leave behind.
//!
//! A member's own requests are in their community (requests are posted in
//! the resident's community, and a user's community never changes), so the
//! community's open page is all of the open requests a member may see.

use super::view::{self, RequestView};
use crate::domain::request::Status;
use crate::domain::scope::Viewer;
use crate::domain::{CommunityId, Role};
use crate::error::ApiError;
use crate::infra::live::LiveEvent;
use crate::state::AppState;
use crate::store;
use std::time::Duration;

/// The longest a kept page is served.
pub const MAX_AGE: Duration = Duration::from_secs(1);

/// Kept pages at most (communities × page sizes asked for).
pub const CAP: usize = 10_000;

/// Is this list the plain task hall of a member (`status=open`, nothing
/// else but a page size)? Then it is the community's page.
pub(super) fn is_plain_hall(viewer: &Viewer, f: &super::RequestFilter) -> Option<CommunityId> {
    let plain = f.status == Some(Status::Open)
        && f.category.is_none()
        && f.grid_id.is_none()
        && f.community_id.is_none_or(|c| c == viewer.community_id)
        && f.assignee_id.is_none()
        && !f.mine
        && f.before.is_none()
        && f.text.is_none()
        && f.from.is_none()
        && f.to.is_none()
        && !f.overdue
        && !f.urgent;
    (plain && viewer.role == Role::Member && viewer.follows.is_empty())
        .then(|| viewer.sees_hall_of())
        .flatten()
}

/// The member's view of their community's hall, from the kept page.
pub(super) async fn page(
    app: &AppState,
    viewer: &Viewer,
    community: CommunityId,
    limit: u64,
) -> Result<(Vec<RequestView>, Option<i64>), ApiError> {
    let key = (community, limit);
    let page = match app.hall.get(&key) {
        Some(p) => p,
        None => {
            let ticket = app.hall.ticket();
            let p = std::sync::Arc::new(store::requests::hall_page(&app.db, community, limit).await?);
            app.hall.put(ticket, key, p.clone());
            p
        }
    };
    let views = view::many_with(app, viewer, &page.rows, &page.users, app.clock.now()).await?;
    Ok((views, page.next))
}

/// Drops the kept pages of the communities these events touch.
pub fn forget(app: &AppState, live: &[LiveEvent]) {
    for e in live {
        if let LiveEvent::Request { request, .. } = e {
            let c = request.community_id;
            app.hall.forget(|k| k.0 == c);
        }
    }
}
