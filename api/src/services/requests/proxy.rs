//! 代下单: a request entered for someone else — who it is for, and whether
//! the caller may enter it. Admins enter for residents of the communities
//! they administer; a grid worker (网格员) for residents of their
//! community, in one of the grids they look after; a family member for the
//! relative who gave them their consent code (家人代下单,
//! `services::family`). Staff name the resident by account or by phone
//! number; a phone new to Linli gets a resident's account on the spot, with
//! a one-time password to pass on.

use super::create::NewRequest;
use crate::auth::CurrentUser;
use crate::domain::{CommunityId, GridId, Role, UserId};
use crate::error::ApiError;
use crate::msg;
use crate::services::{members, scope};
use crate::state::AppState;
use crate::store::{self, users::NewUser};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// The resident a request is entered for.
pub struct OrderedFor {
    /// The account, or `UserId(0)` until [`open_account`] makes it.
    pub id: UserId,
    pub phone: String,
    pub name: String,
    pub community_id: CommunityId,
    /// The request's grid.
    pub grid_id: Option<GridId>,
    /// A new account's one-time password and its hash.
    password: Option<(String, String)>,
}

/// An account made for the resident while entering their request.
#[derive(Debug, Clone, Serialize)]
pub struct MadeAccount {
    pub id: UserId,
    pub name: String,
    pub phone: String,
    /// 初始密码: shown once, to pass on (the screen asks them to change it).
    pub password: String,
}

/// Who `new` is for: `None` for the caller themselves.
pub async fn resident(app: &AppState, me: &CurrentUser, new: &NewRequest) -> Result<Option<OrderedFor>, ApiError> {
    let db = &app.db;
    let found = if let Some(rid) = new.resident_id.filter(|r| *r != me.id) {
        let u = store::users::find(db, rid)
            .await?
            .ok_or_else(|| ApiError::field("resident_id", "unknown", msg!("field.resident_id.unknown")))?;
        Some(u)
    } else if let Some(phone) = &new.resident_phone {
        match store::users::find_by_phone(db, phone.as_str()).await? {
            Some(u) if u.id == me.id => return Ok(None),
            Some(u) => {
                if !may_enter_in(app, me, u.community_id).await? {
                    // Staff are told the number is another community's;
                    // anyone else may not order by phone at all.
                    return Err(if me.role.is_staff() {
                        ApiError::field("resident_phone", "elsewhere", msg!("field.resident_phone.elsewhere"))
                    } else {
                        ApiError::Forbidden
                    });
                }
                Some(u)
            }
            None => {
                let name = new.resident_name.as_deref().map(str::trim).unwrap_or_default();
                if name.is_empty() {
                    return Err(ApiError::field(
                        "resident_name",
                        "required",
                        msg!("field.resident_name.required"),
                    ));
                }
                let community_id = match new.grid_id {
                    Some(g) => {
                        store::directory::grid(db, g)
                            .await?
                            .ok_or_else(|| ApiError::field("grid_id", "unknown", msg!("field.grid_id.unknown")))?
                            .community_id
                    }
                    None => me.community_id,
                };
                let grid_id = grid_for(app, me, community_id, new.grid_id, None).await?;
                let password = members::initial_password();
                let hash = app.hasher.hash_initial(password.clone()).await?;
                return Ok(Some(OrderedFor {
                    id: UserId(0),
                    phone: phone.as_str().to_owned(),
                    name: name.to_owned(),
                    community_id,
                    grid_id,
                    password: Some((password, hash)),
                }));
            }
        }
    } else {
        None
    };
    let Some(u) = found else { return Ok(None) };
    // 家人代下单: a family member the resident gave their consent code to
    // orders as the resident would, in the resident's grid.
    let grid_id = if new.resident_phone.is_none() && store::family::linked(db, me.id, u.id).await? {
        new.grid_id.or(u.grid_id)
    } else {
        grid_for(app, me, u.community_id, new.grid_id, u.grid_id).await?
    };
    Ok(Some(OrderedFor {
        id: u.id,
        phone: u.phone,
        name: u.name,
        community_id: u.community_id,
        grid_id,
        password: None,
    }))
}

/// May `me` enter requests for people of `community` at all?
async fn may_enter_in(app: &AppState, me: &CurrentUser, community: CommunityId) -> Result<bool, ApiError> {
    Ok(match me.role {
        Role::GridWorker => community == me.community_id,
        _ if me.role.is_admin() => scope::administers(&app.db, me, community).await?,
        _ => false,
    })
}

/// The request's grid, once `me` is known to may enter it there: an admin
/// of the community may name any grid (or none); a grid worker's request
/// lies in one of their grids — the one named, else the resident's if it
/// is theirs, else the first they look after.
async fn grid_for(
    app: &AppState,
    me: &CurrentUser,
    community: CommunityId,
    asked: Option<GridId>,
    residents: Option<GridId>,
) -> Result<Option<GridId>, ApiError> {
    if !may_enter_in(app, me, community).await? {
        return Err(ApiError::Forbidden);
    }
    if me.role != Role::GridWorker {
        return Ok(asked.or(residents));
    }
    let mine = store::grids::of_worker(&app.db, me.id).await?;
    let grid = asked
        .or(residents.filter(|g| mine.contains(g)))
        .or(mine.first().copied())
        .ok_or(ApiError::Forbidden)?;
    if mine.contains(&grid) {
        Ok(Some(grid))
    } else {
        Err(ApiError::field("grid_id", "not_yours", msg!("field.grid_id.not_yours")))
    }
}

/// Makes the account of someone new, in the request's transaction:
/// (their id, the account to report). One already there is left alone.
pub async fn open_account(
    txn: &impl ConnectionTrait,
    f: &OrderedFor,
    now: DateTime<Utc>,
) -> Result<(UserId, Option<MadeAccount>), ApiError> {
    let Some((password, hash)) = &f.password else {
        return Ok((f.id, None));
    };
    let u = store::users::insert(
        txn,
        NewUser {
            phone: &f.phone,
            name: &f.name,
            password_hash: hash.clone(),
            role: Role::Resident,
            community_id: f.community_id,
            grid_id: f.grid_id,
        },
        now,
    )
    .await?;
    Ok((
        u.id,
        Some(MadeAccount {
            id: u.id,
            name: u.name,
            phone: u.phone,
            password: password.clone(),
        }),
    ))
}
