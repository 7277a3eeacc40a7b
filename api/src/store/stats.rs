//! What `GET /stats` reads: requests posted in a window, when each was
//! first taken, and which ran late.

use super::requests::{HelpRequest, request_of};
use crate::domain::request::Step;
use crate::domain::sla::Level;
use crate::domain::{CommunityId, GridId, RequestId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{enums as db, grid, help_request, request_event, supervision_mark};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// Requests of `communities` posted in `[from, to)`.
pub async fn posted_between(
    db: &impl ConnectionTrait,
    communities: &[CommunityId],
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Vec<HelpRequest>, ApiError> {
    use help_request::Column as C;
    let mut q = help_request::Entity::find().filter(C::CommunityId.is_in(communities.iter().map(|c| c.0)));
    if let Some(f) = from {
        q = q.filter(C::CreatedAt.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(C::CreatedAt.lt(t));
    }
    Ok(q.all(db).await?.into_iter().map(request_of).collect())
}

/// When each request was first accepted or claimed.
pub async fn first_taken(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<HashMap<RequestId, DateTime<Utc>>, ApiError> {
    use request_event::Column as E;
    let rows: Vec<(i64, DateTime<Utc>)> = request_event::Entity::find()
        .select_only()
        .column(E::RequestId)
        .column_as(Expr::col(E::CreatedAt).min(), "at")
        .filter(E::RequestId.is_in(ids.iter().map(|r| r.0)))
        .filter(E::Action.is_in([db::EventStep::from(Step::Accept), db::EventStep::from(Step::Claim)]))
        .group_by(E::RequestId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(r, at)| (RequestId(r), at)).collect())
}

/// Which of these requests the sweeper ever marked at `level`.
pub async fn marked(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
    level: Level,
) -> Result<HashSet<RequestId>, ApiError> {
    use supervision_mark::Column as M;
    let rows: Vec<i64> = supervision_mark::Entity::find()
        .select_only()
        .column(M::RequestId)
        .filter(M::RequestId.is_in(ids.iter().map(|r| r.0)))
        .filter(M::Level.eq(db::Level::from(level)))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(RequestId).collect())
}

/// Every grid's name.
pub async fn grid_names(db: &impl ConnectionTrait) -> Result<HashMap<GridId, String>, ApiError> {
    Ok(grid::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (GridId(g.id), g.name))
        .collect())
}

/// Per community of `communities`: requests still open (neither closed nor
/// cancelled), and active members (报到 approved, not suspended).
pub async fn open_and_members(
    db: &impl ConnectionTrait,
    communities: &[CommunityId],
) -> Result<(HashMap<CommunityId, u64>, HashMap<CommunityId, u64>), ApiError> {
    use entity::member_profile;
    let ids: Vec<i64> = communities.iter().map(|c| c.0).collect();
    let open: Vec<(i64, i64)> = help_request::Entity::find()
        .select_only()
        .column(help_request::Column::CommunityId)
        .column_as(Expr::col(help_request::Column::Id).count(), "n")
        .filter(help_request::Column::CommunityId.is_in(ids.clone()))
        .filter(help_request::Column::Status.is_not_in([db::RequestStatus::Closed, db::RequestStatus::Cancelled]))
        .group_by(help_request::Column::CommunityId)
        .into_tuple()
        .all(db)
        .await?;
    let members: Vec<(i64, i64)> = member_profile::Entity::find()
        .select_only()
        .column(member_profile::Column::CommunityId)
        .column_as(Expr::col(member_profile::Column::UserId).count(), "n")
        .filter(member_profile::Column::CommunityId.is_in(ids))
        .filter(member_profile::Column::Status.eq(db::MemberStatus::Active))
        .group_by(member_profile::Column::CommunityId)
        .into_tuple()
        .all(db)
        .await?;
    let counted = |rows: Vec<(i64, i64)>| {
        rows.into_iter()
            .map(|(c, n)| (CommunityId(c), u64::try_from(n).unwrap_or(0)))
            .collect()
    };
    Ok((counted(open), counted(members)))
}

/// Per community: requests that came in from `source` (stored as its
/// `as_str`) posted in `[from, to)`.
pub async fn count_by_source(
    db: &impl ConnectionTrait,
    communities: &[CommunityId],
    source: crate::domain::source::Source,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<CommunityId, u64>, ApiError> {
    use help_request::Column as C;
    let rows: Vec<(i64, i64)> = help_request::Entity::find()
        .select_only()
        .column(C::CommunityId)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(C::CommunityId.is_in(communities.iter().map(|c| c.0)))
        .filter(C::Source.eq(source.as_str()))
        .filter(C::CreatedAt.gte(from))
        .filter(C::CreatedAt.lt(to))
        .group_by(C::CommunityId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, n)| (CommunityId(c), u64::try_from(n).unwrap_or(0)))
        .collect())
}
