//! Loads what the matching engine scores on, in a fixed number of set
//! queries whatever the number of members: profiles with names (one join),
//! their skills (one join), and every member's load, ratings and recent
//! assignments (one grouped query over requests).

use crate::domain::matching::{Availability, GeoPoint, MemberFacts, RequestFacts, Skill, Slot, Weights};
use crate::domain::member::MemberStatus;
use crate::domain::request::Status;
use crate::error::ApiError;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use entity::{community, help_request, member_profile, member_skill, service_category, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect, RelationTrait,
};
use std::collections::HashMap;

/// How far back "recently" goes for fairness.
pub const RECENT_DAYS: i64 = 30;

/// Service-menu categories with their group interned to a small number.
pub struct Menu {
    skill_of: HashMap<i64, Skill>,
}

impl Menu {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, ApiError> {
        let mut groups: HashMap<String, u32> = HashMap::new();
        let mut skill_of = HashMap::new();
        for c in service_category::Entity::find().all(db).await? {
            let next = groups.len() as u32;
            let group = *groups.entry(c.group_name).or_insert(next);
            skill_of.insert(
                c.id,
                Skill {
                    category_id: c.id,
                    group,
                },
            );
        }
        Ok(Self { skill_of })
    }

    fn skill(&self, category_id: i64) -> Skill {
        self.skill_of.get(&category_id).copied().unwrap_or(Skill {
            category_id,
            group: u32::MAX,
        })
    }
}

/// Who a member is, for showing them next to their score.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Person {
    pub user_id: i64,
    pub name: String,
    pub phone: String,
    pub kind: String,
    pub community_id: i64,
    pub grid_id: Option<i64>,
}

/// The members of some communities: facts for scoring, and who they are,
/// index for index.
pub struct Pool {
    pub facts: Vec<MemberFacts>,
    pub people: Vec<Person>,
}

#[derive(FromQueryResult)]
struct ProfileRow {
    user_id: i64,
    community_id: i64,
    grid_id: Option<i64>,
    kind: String,
    status: String,
    availability: String,
    max_active: i32,
    lat: Option<f64>,
    lng: Option<f64>,
    name: String,
    phone: String,
}

#[derive(FromQueryResult)]
struct Standing {
    assignee_id: i64,
    active: i64,
    rating_sum: i64,
    rating_count: i64,
    recent: i64,
}

impl Pool {
    /// Everyone registered in `communities`; only `active` ones if asked.
    pub async fn load(
        db: &impl ConnectionTrait,
        communities: &[i64],
        active_only: bool,
        menu: &Menu,
        now: DateTime<Utc>,
    ) -> Result<Pool, ApiError> {
        use member_profile::Column as P;
        let mut q = member_profile::Entity::find()
            .select_only()
            .columns([
                P::UserId,
                P::CommunityId,
                P::GridId,
                P::Kind,
                P::Status,
                P::Availability,
                P::MaxActive,
                P::Lat,
                P::Lng,
            ])
            .column(user::Column::Name)
            .column(user::Column::Phone)
            .join(JoinType::InnerJoin, member_profile::Relation::User.def())
            .filter(P::CommunityId.is_in(communities.iter().copied()));
        if active_only {
            q = q.filter(P::Status.eq(MemberStatus::Active.as_str()));
        }
        let rows = q.into_model::<ProfileRow>().all(db).await?;

        let mut skills: HashMap<i64, Vec<Skill>> = HashMap::new();
        let pairs: Vec<(i64, i64)> = member_skill::Entity::find()
            .select_only()
            .column(member_skill::Column::UserId)
            .column(member_skill::Column::CategoryId)
            .join(JoinType::InnerJoin, member_skill::Relation::Profile.def())
            .filter(P::CommunityId.is_in(communities.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (user_id, category_id) in pairs {
            skills.entry(user_id).or_default().push(menu.skill(category_id));
        }

        use help_request::Column as H;
        let since = now - Duration::days(RECENT_DAYS);
        let holding = Expr::case(H::Status.is_in(Status::HOLDING.map(Status::as_str)), 1).finally(0);
        let recent = Expr::case(H::AssignedAt.gte(since), 1).finally(0);
        let standing: HashMap<i64, Standing> = help_request::Entity::find()
            .select_only()
            .column(H::AssigneeId)
            .column_as(Expr::from(Func::sum(Into::<Expr>::into(holding))), "active")
            .column_as(
                Expr::from(Func::coalesce([Func::sum(Expr::col(H::Rating)).into(), Expr::val(0)])),
                "rating_sum",
            )
            .column_as(Expr::col(H::Rating).count(), "rating_count")
            .column_as(Expr::from(Func::sum(Into::<Expr>::into(recent))), "recent")
            .filter(H::CommunityId.is_in(communities.iter().copied()))
            .filter(H::AssigneeId.is_not_null())
            .group_by(H::AssigneeId)
            .into_model::<Standing>()
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.assignee_id, s))
            .collect();

        let clamp = |n: i64| u32::try_from(Ord::max(n, 0)).unwrap_or(u32::MAX);
        let mut pool = Pool {
            facts: Vec::with_capacity(rows.len()),
            people: Vec::with_capacity(rows.len()),
        };
        for r in rows {
            let s = standing.get(&r.user_id);
            pool.facts.push(MemberFacts {
                user_id: r.user_id,
                status: r.status.parse().unwrap_or(MemberStatus::Suspended),
                grid_id: r.grid_id,
                location: GeoPoint::from_parts(r.lat, r.lng),
                availability: serde_json::from_str::<Availability>(&r.availability).unwrap_or_default(),
                skills: skills.remove(&r.user_id).unwrap_or_default(),
                max_active: Ord::max(clamp(i64::from(r.max_active)), 1),
                active: s.map_or(0, |s| clamp(s.active)),
                rating_sum: s.map_or(0, |s| clamp(s.rating_sum)),
                rating_count: s.map_or(0, |s| clamp(s.rating_count)),
                recent: s.map_or(0, |s| clamp(s.recent)),
            });
            pool.people.push(Person {
                user_id: r.user_id,
                name: r.name,
                phone: r.phone,
                kind: r.kind,
                community_id: r.community_id,
                grid_id: r.grid_id,
            });
        }
        Ok(pool)
    }
}

/// A request as the matching engine sees it.
pub fn request_facts(r: &help_request::Model, menu: &Menu, offset: FixedOffset) -> RequestFacts {
    RequestFacts {
        id: r.id,
        category: menu.skill(r.category_id),
        grid_id: r.grid_id,
        location: GeoPoint::from_parts(r.lat, r.lng),
        when: r
            .preferred_time
            .map(|t| Slot::of(t.with_timezone(&offset).naive_local())),
        requesters: [r.resident_id, r.entered_by],
    }
}

/// The community's matching weights, or the defaults.
pub async fn weights(db: &impl ConnectionTrait, community_id: i64) -> Result<Weights, ApiError> {
    let c = community::Entity::find_by_id(community_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("community"))?;
    Ok(c.matching_weights
        .as_deref()
        .and_then(|w| serde_json::from_str::<Weights>(w).ok())
        .filter(Weights::is_valid)
        .unwrap_or_default())
}
