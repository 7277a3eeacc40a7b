//! 报到 registrations (member profiles) and their skills.

use super::json::Json;
use crate::domain::matching::{Availability, GeoPoint};
use crate::domain::member::{MemberKind, MemberStatus};
use crate::domain::{CategoryId, CommunityId, GridId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{enums as db, member_profile, member_skill};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::{HashMap, HashSet};

/// What a member says about themselves (and what an admin may edit).
#[derive(Debug, Clone)]
pub struct Details {
    pub kind: MemberKind,
    /// 工作单位 — required for party members.
    pub employer: Option<String>,
    pub party_branch: Option<String>,
    /// 认领岗位, free text tags.
    pub preferred_posts: Vec<String>,
    /// Weekly windows in local time.
    pub availability: Availability,
    pub max_active: i32,
    pub location: Option<GeoPoint>,
    pub grid_id: Option<GridId>,
    /// Agreed to be named on honor boards (光荣榜).
    pub publish_consent: bool,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub user_id: UserId,
    pub community_id: CommunityId,
    pub status: MemberStatus,
    pub details: Details,
    pub status_note: Option<String>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Flagged for review by repeated no-shows (爽约), until an admin clears it.
    pub flagged_at: Option<DateTime<Utc>>,
    /// Bumped on every change (matching's cache stamps read it).
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn profile_of(p: member_profile::Model) -> Result<Profile, ApiError> {
    Ok(Profile {
        details: Details {
            kind: p.kind.into(),
            employer: p.employer,
            party_branch: p.party_branch,
            preferred_posts: Json::<Vec<String>>::decode(
                &p.preferred_posts,
                "member_profiles",
                "preferred_posts",
                p.user_id,
            )?,
            availability: Json::<Availability>::decode(&p.availability, "member_profiles", "availability", p.user_id)?,
            max_active: p.max_active,
            location: GeoPoint::from_parts(p.lat, p.lng),
            grid_id: p.grid_id.map(GridId),
            publish_consent: p.publish_consent,
        },
        user_id: UserId(p.user_id),
        community_id: CommunityId(p.community_id),
        status: p.status.into(),
        status_note: p.status_note,
        reviewed_by: p.reviewed_by.map(UserId),
        reviewed_at: p.reviewed_at,
        flagged_at: p.flagged_at,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    })
}

pub async fn find(db: &impl ConnectionTrait, user_id: UserId) -> Result<Option<Profile>, ApiError> {
    member_profile::Entity::find_by_id(user_id.0)
        .one(db)
        .await?
        .map(profile_of)
        .transpose()
}

/// Takes the member's row lock until the transaction ends (a write that
/// changes nothing), so that two transactions giving this member a request
/// — claims or dispatches on different replicas — count their places one
/// after the other. SQLite's single writer serialises them anyway. Returns
/// the profile as it is under the lock (`None`: not registered).
pub async fn lock_places(db: &impl ConnectionTrait, user_id: UserId) -> Result<Option<Profile>, ApiError> {
    member_profile::Entity::update_many()
        .col_expr(
            member_profile::Column::UserId,
            Expr::col(member_profile::Column::UserId),
        )
        .filter(member_profile::Column::UserId.eq(user_id.0))
        .exec_with_returning(db)
        .await?
        .into_iter()
        .next()
        .map(profile_of)
        .transpose()
}

/// A new registration. `MemberAlreadyRegistered` if one exists (the
/// primary key decides between two at once).
pub async fn insert(
    db: &impl ConnectionTrait,
    user_id: UserId,
    community_id: CommunityId,
    status: MemberStatus,
    d: &Details,
    reviewed_by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let reviewed = status != MemberStatus::Pending;
    let inserted = member_profile::ActiveModel {
        user_id: Set(user_id.0),
        community_id: Set(community_id.0),
        grid_id: Set(d.grid_id.map(|g| g.0)),
        kind: Set(d.kind.into()),
        status: Set(status.into()),
        employer: Set(d.employer.clone()),
        party_branch: Set(d.party_branch.clone()),
        preferred_posts: Set(Json::encode(&d.preferred_posts)?),
        availability: Set(Json::encode(&d.availability)?),
        max_active: Set(d.max_active),
        lat: Set(d.location.map(GeoPoint::lat)),
        lng: Set(d.location.map(GeoPoint::lng)),
        status_note: Set(None),
        reviewed_by: Set(reviewed_by.map(|u| u.0)),
        reviewed_at: Set(reviewed.then_some(now)),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        publish_consent: Set(d.publish_consent),
        flagged_at: Set(None),
    }
    .insert(db)
    .await;
    match inserted {
        Err(e) if super::is_unique_violation(&e) => Err(ApiError::MemberAlreadyRegistered),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

/// Replaces a registration's details (the status stays).
pub async fn update_details(
    db: &impl ConnectionTrait,
    user_id: UserId,
    d: &Details,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use member_profile::Column as C;
    member_profile::Entity::update_many()
        .col_expr(C::GridId, Expr::value(d.grid_id.map(|g| g.0)))
        .col_expr(C::Kind, Expr::value(db::MemberKind::from(d.kind)))
        .col_expr(C::Employer, Expr::value(d.employer.clone()))
        .col_expr(C::PartyBranch, Expr::value(d.party_branch.clone()))
        .col_expr(C::PreferredPosts, Expr::value(Json::encode(&d.preferred_posts)?))
        .col_expr(C::Availability, Expr::value(Json::encode(&d.availability)?))
        .col_expr(C::MaxActive, Expr::value(d.max_active))
        .col_expr(C::Lat, Expr::value(d.location.map(GeoPoint::lat)))
        .col_expr(C::Lng, Expr::value(d.location.map(GeoPoint::lng)))
        .col_expr(C::PublishConsent, Expr::value(d.publish_consent))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::UserId.eq(user_id.0))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn replace_skills(db: &impl ConnectionTrait, user_id: UserId, skills: &[CategoryId]) -> Result<(), ApiError> {
    member_skill::Entity::delete_many()
        .filter(member_skill::Column::UserId.eq(user_id.0))
        .exec(db)
        .await?;
    if !skills.is_empty() {
        member_skill::Entity::insert_many(skills.iter().map(|c| member_skill::ActiveModel {
            user_id: Set(user_id.0),
            category_id: Set(c.0),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// An admin's review: `from` → `to` with one conditional UPDATE, `false`
/// when it is no longer `from` (another admin decided first).
pub async fn review(
    db: &impl ConnectionTrait,
    user_id: UserId,
    from: MemberStatus,
    to: MemberStatus,
    note: Option<String>,
    reviewer: UserId,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    use member_profile::Column as C;
    let done = member_profile::Entity::update_many()
        .col_expr(C::Status, Expr::value(db::MemberStatus::from(to)))
        .col_expr(C::StatusNote, Expr::value(note))
        .col_expr(C::ReviewedBy, Expr::value(Some(reviewer.0)))
        .col_expr(C::ReviewedAt, Expr::value(Some(now)))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::UserId.eq(user_id.0))
        .filter(C::Status.eq(db::MemberStatus::from(from)))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Approves a registration whatever its state (an admin made the person a member).
pub async fn activate(
    db: &impl ConnectionTrait,
    user_id: UserId,
    reviewer: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use member_profile::Column as C;
    member_profile::Entity::update_many()
        .col_expr(C::Status, Expr::value(db::MemberStatus::Active))
        .col_expr(C::ReviewedBy, Expr::value(reviewer.map(|r| r.0)))
        .col_expr(C::ReviewedAt, Expr::value(Some(now)))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::UserId.eq(user_id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// An active registration stops being active (the role was taken away).
pub async fn deactivate(
    db: &impl ConnectionTrait,
    user_id: UserId,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use member_profile::Column as C;
    member_profile::Entity::update_many()
        .col_expr(C::Status, Expr::value(db::MemberStatus::Suspended))
        .col_expr(C::StatusNote, Expr::value(Some(note.to_owned())))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::UserId.eq(user_id.0))
        .filter(C::Status.eq(db::MemberStatus::Active))
        .exec(db)
        .await?;
    Ok(())
}

/// Registrations in `communities`, oldest account first.
pub struct MemberQuery<'a> {
    pub communities: &'a [CommunityId],
    pub status: Option<MemberStatus>,
    pub kind: Option<MemberKind>,
    pub skill: Option<CategoryId>,
    pub grid_id: Option<GridId>,
    /// Part of the employer's name (`%` and `_` match themselves).
    pub employer: Option<&'a str>,
    pub after: Option<UserId>,
    pub limit: u64,
}

pub async fn list(db: &impl ConnectionTrait, q: MemberQuery<'_>) -> Result<(Vec<Profile>, Option<i64>), ApiError> {
    use member_profile::Column as C;
    let mut s = member_profile::Entity::find().filter(C::CommunityId.is_in(q.communities.iter().map(|c| c.0)));
    if let Some(st) = q.status {
        s = s.filter(C::Status.eq(db::MemberStatus::from(st)));
    }
    if let Some(k) = q.kind {
        s = s.filter(C::Kind.eq(db::MemberKind::from(k)));
    }
    if let Some(g) = q.grid_id {
        s = s.filter(C::GridId.eq(g.0));
    }
    if let Some(e) = q.employer {
        s = s.filter(Expr::col(C::Employer).like(super::like_contains(e)));
    }
    if let Some(cat) = q.skill {
        s = s.filter(
            C::UserId.in_subquery(
                Query::select()
                    .column(member_skill::Column::UserId)
                    .from(member_skill::Entity)
                    .and_where(member_skill::Column::CategoryId.eq(cat.0))
                    .to_owned(),
            ),
        );
    }
    if let Some(a) = q.after {
        s = s.filter(C::UserId.gt(a.0));
    }
    let rows = s.order_by_asc(C::UserId).limit(q.limit + 1).all(db).await?;
    let (rows, next) = super::page(rows, q.limit, |r| r.user_id);
    Ok((rows.into_iter().map(profile_of).collect::<Result<_, _>>()?, next))
}

/// Each member's skills (category ids).
pub async fn skills_of(
    db: &impl ConnectionTrait,
    users: &[UserId],
) -> Result<HashMap<UserId, Vec<CategoryId>>, ApiError> {
    let mut out: HashMap<UserId, Vec<CategoryId>> = HashMap::new();
    for s in member_skill::Entity::find()
        .filter(member_skill::Column::UserId.is_in(users.iter().map(|u| u.0)))
        .all(db)
        .await?
    {
        out.entry(UserId(s.user_id))
            .or_default()
            .push(CategoryId(s.category_id));
    }
    Ok(out)
}

/// Which of `users` have a registration.
pub async fn registered_among(db: &impl ConnectionTrait, users: &[UserId]) -> Result<HashSet<UserId>, ApiError> {
    let ids: Vec<i64> = member_profile::Entity::find()
        .select_only()
        .column(member_profile::Column::UserId)
        .filter(member_profile::Column::UserId.is_in(users.iter().map(|u| u.0)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(UserId).collect())
}
