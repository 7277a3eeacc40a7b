//! Loads what the matching engine scores on, in a fixed number of set
//! queries whatever the number of members: the roster (profiles, then
//! skills) and every member's standing (load, ratings, recent assignments:
//! one grouped query over requests).
//!
//! Reading 5 000 rows through the SQLite driver costs tens of milliseconds,
//! so both parts are kept in memory per community and reused while two
//! cheap stamps (row count and summed `version` of the profiles, and of the
//! community's requests) are unchanged. Every change to a profile or a
//! request bumps its `version`, so a stale copy is never used; each replica
//! checks the database, so replicas need no shared cache.

use crate::domain::matching::{Availability, GeoPoint, MemberFacts, RequestFacts, Skill, Slot, Weights};
use crate::domain::member::MemberStatus;
use crate::domain::request::Status;
use crate::error::ApiError;
use crate::services::users::users_by_id;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use entity::{community, help_request, member_profile, member_skill, service_category};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How far back "recently" goes for fairness.
pub const RECENT_DAYS: i64 = 30;
/// "Recently" moves with the clock: a cached standing is redone after this.
const STANDING_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

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

/// The members of one community: facts for scoring and their kind, index
/// for index.
#[derive(Clone)]
pub struct Pool {
    pub community_id: i64,
    pub facts: Vec<MemberFacts>,
    pub kinds: Vec<String>,
}

impl Pool {
    /// Everyone registered in `community_id` (any status: the engine says
    /// why the inactive are left out), with their standing.
    pub async fn load(
        db: &impl ConnectionTrait,
        cache: &PoolCache,
        community_id: i64,
        menu: &Menu,
        now: DateTime<Utc>,
    ) -> Result<Arc<Pool>, ApiError> {
        let (roster_at, standing_at) = (
            roster_stamp(db, community_id).await?,
            standing_stamp(db, community_id).await?,
        );
        if let Some(p) = cache.pool(community_id, roster_at, standing_at) {
            return Ok(p);
        }
        let roster = cache.roster(db, community_id, roster_at, menu).await?;
        let standing = load_standing(db, community_id, now).await?;
        let clamp = |n: i64| u32::try_from(Ord::max(n, 0)).unwrap_or(u32::MAX);
        let mut pool = Pool {
            community_id,
            facts: roster.facts.clone(),
            kinds: roster.kinds.clone(),
        };
        for m in &mut pool.facts {
            if let Some(s) = standing.get(&m.user_id) {
                m.active = clamp(s.active);
                m.rating_sum = clamp(s.rating_sum);
                m.rating_count = clamp(s.rating_count);
                m.recent = clamp(s.recent);
            }
        }
        let pool = Arc::new(pool);
        cache.keep(community_id, roster_at, standing_at, pool.clone());
        Ok(pool)
    }

    /// Names and phones for the members at `indices` (one query).
    pub async fn people(&self, db: &impl ConnectionTrait, indices: &[usize]) -> Result<Vec<Person>, ApiError> {
        let users = users_by_id(db, indices.iter().map(|i| self.facts[*i].user_id).collect()).await?;
        Ok(indices
            .iter()
            .map(|i| {
                let m = &self.facts[*i];
                let u = users.get(&m.user_id);
                Person {
                    user_id: m.user_id,
                    name: u.map(|u| u.name.clone()).unwrap_or_default(),
                    phone: u.map(|u| u.phone.clone()).unwrap_or_default(),
                    kind: self.kinds[*i].clone(),
                    community_id: self.community_id,
                    grid_id: m.grid_id,
                }
            })
            .collect())
    }
}

/// Profiles and skills, with no standing yet.
struct Roster {
    facts: Vec<MemberFacts>,
    kinds: Vec<String>,
}

type ProfileRow = (i64, Option<i64>, String, String, String, i32, Option<f64>, Option<f64>);

async fn load_roster(db: &impl ConnectionTrait, community_id: i64, menu: &Menu) -> Result<Roster, ApiError> {
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
        .filter(P::CommunityId.eq(community_id))
        // A stable order: excluded members are listed in it.
        .order_by_asc(P::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let mut skills: HashMap<i64, Vec<Skill>> = HashMap::new();
    let pairs: Vec<(i64, i64)> = member_skill::Entity::find()
        .select_only()
        .column(member_skill::Column::UserId)
        .column(member_skill::Column::CategoryId)
        .join(JoinType::InnerJoin, member_skill::Relation::Profile.def())
        .filter(P::CommunityId.eq(community_id))
        .into_tuple()
        .all(db)
        .await?;
    for (user_id, category_id) in pairs {
        skills.entry(user_id).or_default().push(menu.skill(category_id));
    }
    let mut roster = Roster {
        facts: Vec::with_capacity(rows.len()),
        kinds: Vec::with_capacity(rows.len()),
    };
    for (user_id, grid_id, kind, status, availability, max_active, lat, lng) in rows {
        roster.facts.push(MemberFacts {
            user_id,
            status: status.parse().unwrap_or(MemberStatus::Suspended),
            grid_id,
            location: GeoPoint::from_parts(lat, lng),
            availability: serde_json::from_str::<Availability>(&availability).unwrap_or_default(),
            skills: skills.remove(&user_id).unwrap_or_default(),
            max_active: u32::try_from(Ord::max(max_active, 1)).unwrap_or(1),
            active: 0,
            rating_sum: 0,
            rating_count: 0,
            recent: 0,
        });
        roster.kinds.push(kind);
    }
    Ok(roster)
}

#[derive(Debug, FromQueryResult)]
struct Standing {
    assignee_id: i64,
    active: i64,
    rating_sum: i64,
    rating_count: i64,
    recent: i64,
}

async fn load_standing(
    db: &impl ConnectionTrait,
    community_id: i64,
    now: DateTime<Utc>,
) -> Result<HashMap<i64, Standing>, ApiError> {
    use help_request::Column as H;
    let since = now - Duration::days(RECENT_DAYS);
    let holding = Expr::case(H::Status.is_in(Status::HOLDING.map(Status::as_str)), 1).finally(0);
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
        .filter(H::CommunityId.eq(community_id))
        .filter(H::AssigneeId.is_not_null())
        .group_by(H::AssigneeId)
        .into_model::<Standing>()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.assignee_id, s))
        .collect())
}

/// Row count and summed `version`: changes whenever a row is added or changed.
type Stamp = (i64, i64);

/// `(count, sum(version))` of one community's rows of `E`.
async fn stamp<E: EntityTrait>(
    db: &impl ConnectionTrait,
    community: E::Column,
    version: E::Column,
    community_id: i64,
) -> Result<Stamp, ApiError> {
    let stamp: Option<Stamp> = E::find()
        .select_only()
        .column_as(Expr::col(version).count(), "n")
        .column_as(
            Expr::from(Func::coalesce([Func::sum(Expr::col(version)).into(), Expr::val(0)])),
            "v",
        )
        .filter(community.eq(community_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(stamp.unwrap_or_default())
}

async fn roster_stamp(db: &impl ConnectionTrait, community_id: i64) -> Result<Stamp, ApiError> {
    use member_profile::Column as P;
    stamp::<member_profile::Entity>(db, P::CommunityId, P::Version, community_id).await
}

async fn standing_stamp(db: &impl ConnectionTrait, community_id: i64) -> Result<Stamp, ApiError> {
    use help_request::Column as H;
    stamp::<help_request::Entity>(db, H::CommunityId, H::Version, community_id).await
}

/// Per-community copies of rosters and of whole pools (see the module docs).
#[derive(Default)]
pub struct PoolCache {
    rosters: Mutex<HashMap<i64, (Stamp, Arc<Roster>)>>,
    pools: Mutex<HashMap<i64, CachedPool>>,
}

/// A built pool with the stamps it was built at, and when.
type CachedPool = (Stamp, Stamp, Instant, Arc<Pool>);

impl PoolCache {
    /// The whole pool, if nothing changed since it was built.
    fn pool(&self, community_id: i64, roster_at: Stamp, standing_at: Stamp) -> Option<Arc<Pool>> {
        let map = self.pools.lock().ok()?;
        let (r, s, at, pool) = map.get(&community_id)?;
        (*r == roster_at && *s == standing_at && at.elapsed() < STANDING_MAX_AGE).then(|| pool.clone())
    }

    fn keep(&self, community_id: i64, roster_at: Stamp, standing_at: Stamp, pool: Arc<Pool>) {
        if let Ok(mut map) = self.pools.lock() {
            map.insert(community_id, (roster_at, standing_at, Instant::now(), pool));
        }
    }

    /// The roster alone: requests change far more often than registrations.
    async fn roster(
        &self,
        db: &impl ConnectionTrait,
        community_id: i64,
        stamp: Stamp,
        menu: &Menu,
    ) -> Result<Arc<Roster>, ApiError> {
        if let Ok(map) = self.rosters.lock()
            && let Some((s, r)) = map.get(&community_id)
            && *s == stamp
        {
            return Ok(r.clone());
        }
        let fresh = Arc::new(load_roster(db, community_id, menu).await?);
        if let Ok(mut map) = self.rosters.lock() {
            map.insert(community_id, (stamp, fresh.clone()));
        }
        Ok(fresh)
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
