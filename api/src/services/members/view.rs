//! Member profiles as the API shows them: to the member themselves and to
//! admins in scope (the only callers), so names and phones are in full.

use crate::domain::matching::Availability;
use crate::domain::member::{MemberKind, MemberStatus};
use crate::domain::request::Status;
use crate::domain::{CommunityId, GridId, UserId};
use crate::error::ApiError;
use crate::store::{self, members::Profile};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Serialize)]
pub struct MemberView {
    pub user_id: UserId,
    pub name: String,
    pub phone: String,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    pub kind: MemberKind,
    pub status: MemberStatus,
    pub employer: Option<String>,
    pub party_branch: Option<String>,
    /// Service-menu codes.
    pub skills: Vec<String>,
    pub preferred_posts: Vec<String>,
    pub availability: Availability,
    pub max_active: i32,
    /// Requests they hold now (dispatched, accepted, in progress).
    pub active_requests: i64,
    pub location: Option<Location>,
    pub status_note: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Agreed to be named on honor boards (光荣榜).
    pub publish_consent: bool,
    /// 爽约 — no-shows recorded against them, all time.
    pub no_shows: i64,
    /// Repeated no-shows flagged them for the admins' review (until cleared).
    pub flagged_at: Option<DateTime<Utc>>,
}

/// The view of one registration, read fresh.
pub(super) async fn one(db: &impl ConnectionTrait, user_id: UserId) -> Result<MemberView, ApiError> {
    of(db, super::find(db, user_id).await?).await
}

/// The view of a registration already read.
pub(super) async fn of(db: &impl ConnectionTrait, p: Profile) -> Result<MemberView, ApiError> {
    many(db, vec![p]).await?.pop().ok_or(ApiError::NotFound("member"))
}

/// Views for many profiles in five queries, whatever their number.
pub(super) async fn many(db: &impl ConnectionTrait, rows: Vec<Profile>) -> Result<Vec<MemberView>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<UserId> = rows.iter().map(|r| r.user_id).collect();
    let users = store::users::by_ids(db, ids.clone()).await?;
    let codes = store::directory::categories(db, false).await?;
    let mut skills = store::members::skills_of(db, &ids).await?;
    let load = store::requests::holding_counts(db, &ids, &Status::HOLDING).await?;
    let no_shows = store::no_shows::counts_for(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let u = users.get(&p.user_id);
            let mut skills: Vec<String> = skills
                .remove(&p.user_id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|id| codes.iter().find(|c| c.id == id).map(|c| c.code.clone()))
                .collect();
            skills.sort();
            let d = p.details;
            MemberView {
                user_id: p.user_id,
                name: u.map(|u| u.name.clone()).unwrap_or_default(),
                phone: u.map(|u| u.phone.clone()).unwrap_or_default(),
                community_id: p.community_id,
                grid_id: d.grid_id,
                kind: d.kind,
                status: p.status,
                employer: d.employer,
                party_branch: d.party_branch,
                skills,
                preferred_posts: d.preferred_posts,
                availability: d.availability,
                max_active: d.max_active,
                active_requests: load.get(&p.user_id).copied().unwrap_or(0),
                location: d.location.map(|g| Location {
                    lat: g.lat(),
                    lng: g.lng(),
                }),
                status_note: p.status_note,
                reviewed_at: p.reviewed_at,
                created_at: p.created_at,
                publish_consent: d.publish_consent,
                no_shows: no_shows.get(&p.user_id).copied().unwrap_or(0),
                flagged_at: p.flagged_at,
            }
        })
        .collect())
}
