//! What the matching engine scores on, in a fixed number of set queries
//! whatever the number of members: the roster (profiles, skills, valid
//! qualifications), every
//! member's standing (one grouped query over requests), and the two cheap
//! stamps (row count and Σ `version`) that say whether a cached copy is
//! still good.

use super::json::Json;
use crate::domain::matching::{Availability, GeoPoint, MemberFacts, Menu, Roster};
use crate::domain::request::Status;
use crate::domain::{CommunityId, RequestId};
use crate::error::ApiError;
use crate::state::Stamp;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{enums as db, help_request, member_profile, member_qualification, member_skill, request_event};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use std::collections::HashMap;

type ProfileRow = (
    i64,
    Option<i64>,
    db::MemberKind,
    db::MemberStatus,
    String,
    i32,
    Option<f64>,
    Option<f64>,
);

/// Profiles, skills and the qualifications that count on `today` of one
/// community, in user-id order (excluded members are listed in it).
pub async fn roster(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    menu: &Menu,
    today: NaiveDate,
) -> Result<Roster, ApiError> {
    use member_profile::Column as P;
    // Tuples, not named columns: the SQLite driver is markedly faster by index.
    let rows: Vec<ProfileRow> = member_profile::Entity::find()
        .select_only()
        .columns([
            P::UserId,
            P::GridId,
            P::Kind,
            P::Status,
            P::Availability,
            P::MaxActive,
            P::Lat,
            P::Lng,
        ])
        .filter(P::CommunityId.eq(community_id.0))
        .order_by_asc(P::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let mut skills: HashMap<i64, Vec<_>> = HashMap::new();
    let pairs: Vec<(i64, i64)> = member_skill::Entity::find()
        .select_only()
        .column(member_skill::Column::UserId)
        .column(member_skill::Column::CategoryId)
        .join(JoinType::InnerJoin, member_skill::Relation::Profile.def())
        .filter(P::CommunityId.eq(community_id.0))
        .into_tuple()
        .all(db)
        .await?;
    for (user_id, category_id) in pairs {
        skills.entry(user_id).or_default().push(menu.skill(category_id));
    }
    let mut qualified = super::qualifications::valid_in_community(db, community_id, today).await?;
    let mut roster = Roster {
        facts: Vec::with_capacity(rows.len()),
        kinds: Vec::with_capacity(rows.len()),
    };
    for (user_id, grid_id, kind, status, availability, max_active, lat, lng) in rows {
        roster.facts.push(MemberFacts {
            user_id,
            status: status.into(),
            grid_id,
            location: GeoPoint::from_parts(lat, lng),
            availability: Json::<Availability>::decode(&availability, "member_profiles", "availability", user_id)?,
            skills: skills.remove(&user_id).unwrap_or_default(),
            max_active: u32::try_from(Ord::max(max_active, 1)).unwrap_or(1),
            active: 0,
            rating_sum: 0,
            rating_count: 0,
            recent: 0,
            no_shows: 0,
            qualifications: qualified.remove(&user_id).unwrap_or_default(),
        });
        roster.kinds.push(kind.into());
    }
    Ok(roster)
}

/// A member's standing in their community.
#[derive(Debug, FromQueryResult)]
pub struct Standing {
    pub assignee_id: i64,
    /// Requests they hold now.
    pub active: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
    /// Requests given to them since `since`.
    pub recent: i64,
}

/// Everyone's standing in one community: one grouped query over its requests.
pub async fn standing(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    since: DateTime<Utc>,
) -> Result<HashMap<i64, Standing>, ApiError> {
    use help_request::Column as H;
    let holding = Expr::case(
        H::Status.is_in(super::enums::db_all::<Status, db::RequestStatus>(&Status::HOLDING)),
        1,
    )
    .finally(0);
    let recent = Expr::case(H::AssignedAt.gte(since), 1).finally(0);
    Ok(help_request::Entity::find()
        .select_only()
        .column(H::AssigneeId)
        .column_as(Expr::from(Func::sum(Into::<Expr>::into(holding))), "active")
        .column_as(
            Expr::from(Func::coalesce([Func::sum(Expr::col(H::Rating)).into(), Expr::val(0)])),
            "rating_sum",
        )
        .column_as(Expr::col(H::Rating).count(), "rating_count")
        .column_as(Expr::from(Func::sum(Into::<Expr>::into(recent))), "recent")
        .filter(H::CommunityId.eq(community_id.0))
        .filter(H::AssigneeId.is_not_null())
        .group_by(H::AssigneeId)
        .into_model::<Standing>()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.assignee_id, s))
        .collect())
}

/// `(count, Σ version)` of one community's rows of `E`.
async fn stamp<E: EntityTrait>(
    db: &impl ConnectionTrait,
    community: E::Column,
    version: E::Column,
    community_id: CommunityId,
) -> Result<Stamp, ApiError> {
    let stamp: Option<Stamp> = E::find()
        .select_only()
        .column_as(Expr::col(version).count(), "n")
        .column_as(
            Expr::from(Func::coalesce([Func::sum(Expr::col(version)).into(), Expr::val(0)])),
            "v",
        )
        .filter(community.eq(community_id.0))
        .into_tuple()
        .one(db)
        .await?;
    Ok(stamp.unwrap_or_default())
}

/// Changes whenever a profile of the community is added or changed.
pub async fn roster_stamp(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Stamp, ApiError> {
    use member_profile::Column as P;
    stamp::<member_profile::Entity>(db, P::CommunityId, P::Version, community_id).await
}

/// Changes whenever a qualification of the community is recorded, changed,
/// reviewed or removed.
pub async fn qualification_stamp(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Stamp, ApiError> {
    use member_qualification::Column as Q;
    stamp::<member_qualification::Entity>(db, Q::CommunityId, Q::Version, community_id).await
}

/// Changes whenever a request of the community is added or changed.
pub async fn standing_stamp(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Stamp, ApiError> {
    use help_request::Column as H;
    stamp::<help_request::Entity>(db, H::CommunityId, H::Version, community_id).await
}

/// For each of `ids`, the members who declined (退回) or gave back (退单)
/// it, in one query.
pub async fn declined_by(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<std::collections::HashMap<RequestId, Vec<i64>>, ApiError> {
    use request_event::Column as E;
    let mut out: std::collections::HashMap<RequestId, Vec<i64>> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<(i64, Option<i64>)> = request_event::Entity::find()
        .select_only()
        .column(E::RequestId)
        .column(E::ActorId)
        .filter(E::RequestId.is_in(ids.iter().map(|r| r.0)))
        .filter(E::Action.is_in([db::EventStep::Decline, db::EventStep::Withdraw]))
        .into_tuple()
        .all(db)
        .await?;
    for (request, actor) in rows {
        if let Some(actor) = actor {
            out.entry(RequestId(request)).or_default().push(actor);
        }
    }
    Ok(out)
}

/// The dispatcher's queue of a community: pending, urgent first, then
/// oldest; at most `limit`.
pub async fn dispatch_queue(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    limit: u64,
) -> Result<Vec<super::requests::HelpRequest>, ApiError> {
    use help_request::Column as H;
    Ok(help_request::Entity::find()
        .filter(H::CommunityId.eq(community_id.0))
        .filter(H::Status.eq(db::RequestStatus::Pending))
        .order_by_desc(H::Urgency)
        .order_by_asc(H::CreatedAt)
        .order_by_asc(H::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(super::requests::request_of)
        .collect())
}
