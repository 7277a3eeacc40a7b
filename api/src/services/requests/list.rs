//! `GET /requests`: what the caller may see, filtered, newest first, with a
//! keyset cursor so pages stay stable while new requests arrive.

use super::view::{self, RequestView};
use crate::auth::CurrentUser;
use crate::clock::local_midnight;
use crate::domain::request::Status;
use crate::domain::{CommunityId, GridId, RequestId, UserId};
use crate::error::ApiError;
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store::{self, requests::RequestQuery};
use chrono::NaiveDate;

#[derive(Debug, Default)]
pub struct RequestFilter {
    pub status: Option<Status>,
    pub category: Option<String>,
    pub grid_id: Option<GridId>,
    pub community_id: Option<CommunityId>,
    pub assignee_id: Option<UserId>,
    /// Only requests I posted, had posted for me, or hold.
    pub mine: bool,
    /// Requests with an id below this (the previous page's `next_cursor`).
    pub before: Option<RequestId>,
    pub limit: u64,
    /// Words in the title, description or address, or a request number.
    pub text: Option<String>,
    /// Posted on or after / on or before these local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only open requests past their current deadline.
    pub overdue: bool,
    pub urgent: bool,
}

pub async fn list(
    app: &AppState,
    me: &CurrentUser,
    f: RequestFilter,
) -> Result<(Vec<RequestView>, Option<i64>), ApiError> {
    let db = &app.db;
    let viewer = scope::viewer(db, me).await?;
    if let Some(community) = super::hall::is_plain_hall(&viewer, &f) {
        return super::hall::page(app, &viewer, community, f.limit).await;
    }
    let category_id = match f.category.as_deref() {
        Some(code) => Some(directory::category_by_code(app, code, "category").await?.id),
        None => None,
    };
    let q = RequestQuery {
        status: f.status,
        category_id,
        grid_id: f.grid_id,
        community_id: f.community_id,
        assignee_id: f.assignee_id,
        mine: f.mine,
        before: f.before,
        limit: f.limit,
        text: f.text,
        created_from: f.from.map(|d| local_midnight(d, app.local_offset)),
        created_before: f
            .to
            .and_then(|d| d.succ_opt())
            .map(|d| local_midnight(d, app.local_offset)),
        overdue_at: f.overdue.then(|| app.clock.now()),
        urgent_only: f.urgent,
    };
    let (rows, next) = store::requests::list(db, &viewer, &q).await?;
    Ok((view::many(app, &viewer, &rows, app.clock.now()).await?, next))
}
