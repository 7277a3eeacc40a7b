//! Loads what the matching engine scores on (see `store::matching`) and
//! keeps it in memory per community: reading 5 000 rows through the SQLite
//! driver costs tens of milliseconds, so the roster is reused while its
//! stamp (row count and Σ `version` of the profiles and of the
//! qualifications, and the local date) is unchanged, and the
//! whole pool while the community's requests' stamp is too. Every change
//! to a profile or a request bumps its `version`, so a stale copy is never
//! used; each replica checks the database, so replicas need no shared cache.

use crate::domain::matching::{Menu, Pool, RequestFacts, Slot, Weights};
use crate::domain::member::MemberKind;
use crate::domain::{CommunityId, GridId, UserId};
use crate::error::ApiError;
use crate::services::directory;
use crate::state::AppState;
use crate::store::{self, requests::HelpRequest};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use sea_orm::ConnectionTrait;
use std::sync::Arc;

/// How far back "recently" goes for fairness.
pub const RECENT_DAYS: i64 = 30;
/// "Recently" moves with the clock: a cached standing is redone after this.
const STANDING_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// The service menu with its groups.
pub async fn menu(db: &impl ConnectionTrait) -> Result<Menu, ApiError> {
    let cats = store::directory::categories(db, false).await?;
    let menu = Menu::new(cats.iter().map(|c| (c.id.0, c.group_name.as_str())));
    Ok(cats
        .iter()
        .filter_map(|c| c.qualification.map(|k| (c.id.0, k)))
        .fold(menu, |m, (id, k)| m.require(id, k)))
}

/// Who a member is, for showing them next to their score.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Person {
    pub user_id: UserId,
    pub name: String,
    pub phone: String,
    pub kind: MemberKind,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
}

/// Everyone registered in `community_id` with their standing, from the
/// cache when nothing changed.
pub async fn pool(
    app: &AppState,
    community_id: CommunityId,
    menu: &Menu,
    now: DateTime<Utc>,
) -> Result<Arc<Pool>, ApiError> {
    let db = &app.db;
    let today = crate::clock::local_date(now, app.local_offset);
    let roster_at = (
        store::matching::roster_stamp(db, community_id).await?,
        store::matching::qualification_stamp(db, community_id).await?,
        today,
    );
    let standing_at = store::matching::standing_stamp(db, community_id).await?;
    if let Some(p) = app
        .pools
        .get(&community_id.0, &(roster_at, standing_at), Some(STANDING_MAX_AGE))
    {
        return Ok(p);
    }
    // The roster alone: requests change far more often than registrations.
    let roster = match app.rosters.get(&community_id.0, &roster_at, None) {
        Some(r) => r,
        None => {
            let fresh = Arc::new(store::matching::roster(db, community_id, menu, today).await?);
            app.rosters.put(community_id.0, roster_at, fresh.clone());
            fresh
        }
    };
    let since = now - Duration::days(RECENT_DAYS);
    let standing = store::matching::standing(db, community_id, since).await?;
    let no_shows = store::no_shows::counts_in(db, community_id, since).await?;
    let clamp = |n: i64| u32::try_from(Ord::max(n, 0)).unwrap_or(u32::MAX);
    let mut pool = Pool {
        community_id: community_id.0,
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
        m.no_shows = clamp(no_shows.get(&m.user_id).copied().unwrap_or(0));
    }
    let pool = Arc::new(pool);
    app.pools.put(community_id.0, (roster_at, standing_at), pool.clone());
    Ok(pool)
}

/// Names and phones for the members at `indices` of a pool (one query).
pub async fn people(db: &impl ConnectionTrait, pool: &Pool, indices: &[usize]) -> Result<Vec<Person>, ApiError> {
    let users = store::users::by_ids(db, indices.iter().map(|i| UserId(pool.facts[*i].user_id)).collect()).await?;
    Ok(indices
        .iter()
        .map(|i| {
            let m = &pool.facts[*i];
            let u = users.get(&UserId(m.user_id));
            Person {
                user_id: UserId(m.user_id),
                name: u.map(|u| u.name.clone()).unwrap_or_default(),
                phone: u.map(|u| u.phone.clone()).unwrap_or_default(),
                kind: pool.kinds[*i],
                community_id: CommunityId(pool.community_id),
                grid_id: m.grid_id.map(GridId),
            }
        })
        .collect())
}

/// A request as the matching engine sees it.
/// `declined`: who declined or gave it back (`store::matching::declined_by`).
pub fn request_facts(r: &HelpRequest, menu: &Menu, offset: FixedOffset, declined: Vec<i64>) -> RequestFacts {
    RequestFacts {
        id: r.id.0,
        category: menu.skill(r.category_id.0),
        grid_id: r.grid_id.map(|g| g.0),
        location: r.location,
        when: r
            .preferred_time
            .map(|t| Slot::of(t.with_timezone(&offset).naive_local())),
        requesters: [r.resident_id.0, r.entered_by.0],
        requires: menu.requires(r.category_id.0),
        declined,
    }
}

/// The community's matching weights, or the defaults.
pub async fn weights(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Weights, ApiError> {
    Ok(directory::community(db, community_id)
        .await?
        .matching_weights
        .filter(Weights::is_valid)
        .unwrap_or_default())
}
