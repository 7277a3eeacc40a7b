//! Member profiles as the API shows them: to the member themselves and to
//! admins in scope (the only callers), so names and phones are in full.

use crate::domain::matching::Availability;
use crate::domain::request::Status;
use crate::error::ApiError;
use crate::services::users::users_by_id;
use chrono::{DateTime, Utc};
use entity::{help_request, member_profile, member_skill, service_category};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Serialize)]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    pub phone: String,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub kind: String,
    pub status: String,
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
}

/// The view of one registration, read fresh.
pub(super) async fn one(db: &impl ConnectionTrait, user_id: i64) -> Result<MemberView, ApiError> {
    of(db, super::find(db, user_id).await?).await
}

/// The view of a registration already read.
pub(super) async fn of(db: &impl ConnectionTrait, p: member_profile::Model) -> Result<MemberView, ApiError> {
    many(db, vec![p]).await?.pop().ok_or(ApiError::NotFound("member"))
}

/// Views for many profiles in four queries, whatever their number.
pub(super) async fn many(
    db: &impl ConnectionTrait,
    rows: Vec<member_profile::Model>,
) -> Result<Vec<MemberView>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let users = users_by_id(db, ids.clone()).await?;
    let codes: HashMap<i64, String> = service_category::Entity::find()
        .select_only()
        .column(service_category::Column::Id)
        .column(service_category::Column::Code)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut skills: HashMap<i64, Vec<String>> = HashMap::new();
    for s in member_skill::Entity::find()
        .filter(member_skill::Column::UserId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        if let Some(code) = codes.get(&s.category_id) {
            skills.entry(s.user_id).or_default().push(code.clone());
        }
    }
    let load: HashMap<i64, i64> = help_request::Entity::find()
        .select_only()
        .column(help_request::Column::AssigneeId)
        .column_as(Expr::col(help_request::Column::Id).count(), "n")
        .filter(help_request::Column::AssigneeId.is_in(ids))
        .filter(help_request::Column::Status.is_in(Status::HOLDING.map(Status::as_str)))
        .group_by(help_request::Column::AssigneeId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let u = users.get(&p.user_id);
            let mut skills = skills.remove(&p.user_id).unwrap_or_default();
            skills.sort();
            MemberView {
                user_id: p.user_id,
                name: u.map(|u| u.name.clone()).unwrap_or_default(),
                phone: u.map(|u| u.phone.clone()).unwrap_or_default(),
                community_id: p.community_id,
                grid_id: p.grid_id,
                kind: p.kind,
                status: p.status,
                employer: p.employer,
                party_branch: p.party_branch,
                skills,
                preferred_posts: serde_json::from_str(&p.preferred_posts).unwrap_or_default(),
                availability: serde_json::from_str(&p.availability).unwrap_or_default(),
                max_active: p.max_active,
                active_requests: load.get(&p.user_id).copied().unwrap_or(0),
                location: p.lat.zip(p.lng).map(|(lat, lng)| Location { lat, lng }),
                status_note: p.status_note,
                reviewed_at: p.reviewed_at,
                created_at: p.created_at,
                publish_consent: p.publish_consent,
            }
        })
        .collect())
}
