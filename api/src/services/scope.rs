//! The admin-scope rule, applied. Every "may this caller administer that
//! community?" in the service layer goes through here, and every answer
//! comes from [`crate::domain::scope::Authority`]: a community admin in
//! their community, a street admin in every community of their street.

use crate::auth::CurrentUser;
use crate::domain::scope::{Authority, Viewer};
use crate::domain::{CommunityId, GridId};
use crate::error::ApiError;
use crate::store;
use sea_orm::ConnectionTrait;

/// Admins only (of anywhere), else 403.
pub fn require_admin(me: &CurrentUser) -> Result<(), ApiError> {
    if me.authority().is_admin() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Does `me` administer `community`? Only a street admin's answer needs the
/// community's street looked up.
pub async fn administers(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    community: CommunityId,
) -> Result<bool, ApiError> {
    Ok(match me.authority() {
        Authority::None => false,
        Authority::Community(c) => c == community,
        a @ Authority::Street(_) => store::directory::street_of(db, community)
            .await?
            .is_some_and(|street| a.covers(community, &street)),
    })
}

/// `administers`, or 403.
pub async fn require_admin_of(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    community: CommunityId,
) -> Result<(), ApiError> {
    if administers(db, me, community).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Does `me` look after this grid (网格员)?
pub async fn looks_after(db: &impl ConnectionTrait, me: &CurrentUser, grid: Option<GridId>) -> Result<bool, ApiError> {
    Ok(match grid {
        Some(g) if me.role == crate::domain::Role::GridWorker => store::grids::of_worker(db, me.id).await?.contains(&g),
        _ => false,
    })
}

/// An admin of `community`, or a grid worker of `grid` (回访), or 403.
pub async fn require_admin_or_grid_of(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    community: CommunityId,
    grid: Option<GridId>,
) -> Result<(), ApiError> {
    if looks_after(db, me, grid).await? || administers(db, me, community).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Every community `me` administers (403 for non-admins).
pub async fn communities(db: &impl ConnectionTrait, me: &CurrentUser) -> Result<Vec<CommunityId>, ApiError> {
    match me.authority() {
        Authority::None => Err(ApiError::Forbidden),
        Authority::Community(c) => Ok(vec![c]),
        Authority::Street(s) => store::directory::communities_of_street(db, &s).await,
    }
}

/// What a list or export covers: the community asked for, if `me`
/// administers it (403 otherwise), or all of theirs.
pub async fn communities_within(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    asked: Option<CommunityId>,
) -> Result<Vec<CommunityId>, ApiError> {
    let all = communities(db, me).await?;
    match asked {
        Some(c) if all.contains(&c) => Ok(vec![c]),
        Some(_) => Err(ApiError::Forbidden),
        None => Ok(all),
    }
}

/// The caller as someone looking at requests, their admin scope resolved.
pub async fn viewer(db: &impl ConnectionTrait, me: &CurrentUser) -> Result<Viewer, ApiError> {
    let administers = if me.authority().is_admin() {
        communities(db, me).await?
    } else {
        Vec::new()
    };
    // Only residents follow requests (a merged duplicate, 关注).
    let follows = if me.role == crate::domain::Role::Resident {
        store::followers::followed_by(db, me.id).await?
    } else {
        Vec::new()
    };
    let grids = if me.role == crate::domain::Role::GridWorker {
        store::grids::of_worker(db, me.id).await?
    } else {
        Vec::new()
    };
    Ok(Viewer {
        id: me.id,
        role: me.role,
        community_id: me.community_id,
        administers,
        follows,
        grids,
    })
}
