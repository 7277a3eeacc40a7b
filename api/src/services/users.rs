//! Accounts as admins see and manage them: create for someone (代注册),
//! change a role, list people in scope; and one's own account.

use crate::auth::CurrentUser;
use crate::domain::reminder::QuietHours;
use crate::domain::{CommunityId, GridId, Role, UserId, mask::mask_name, phone::mask_phone};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::msg;
use crate::services::auth::{NewAccount, insert_account, prepare_account};
use crate::services::directory::{self, CommunityView};
use crate::services::{members, scope};
use crate::state::AppState;
use crate::store::{self, users::AccountPatch, users::User};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: UserId,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
}

/// Full name and phone for those who need them, masked (张*, 138****1234) otherwise.
pub fn user_view(u: &User, reveal: bool) -> UserView {
    UserView {
        id: u.id,
        name: if reveal { u.name.clone() } else { mask_name(&u.name) },
        phone: if reveal { u.phone.clone() } else { mask_phone(&u.phone) },
        role: u.role,
        community_id: u.community_id,
        grid_id: u.grid_id,
    }
}

#[derive(Debug, Serialize)]
pub struct MeView {
    pub id: UserId,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub community: CommunityView,
    pub grid_id: Option<GridId>,
    /// 网格员: the grids they look after (empty for everyone else).
    pub grids: Vec<GridId>,
    /// Where notices are mailed (none: in-app only).
    pub email: Option<String>,
    /// `zh` or `en`: the language of notices.
    pub lang: &'static str,
    /// No reminders between these local times (`"21:00"`–`"08:00"`; equal = none).
    pub quiet_hours: QuietView,
    /// 适老化: the large, plain layout of the web UI.
    pub elder_mode: bool,
}

#[derive(Debug, Serialize)]
pub struct QuietView {
    pub start: String,
    pub end: String,
}

pub async fn me(app: &AppState, me: &CurrentUser) -> Result<MeView, ApiError> {
    let c = directory::community_kept(app, me.community_id).await?;
    let u = account(app, me.id).await?;
    Ok(MeView {
        id: me.id,
        name: u.name.clone(),
        phone: me.phone.clone(),
        role: me.role,
        community: c.into(),
        grid_id: me.grid_id,
        grids: if me.role == Role::GridWorker {
            store::grids::of_worker(&app.db, me.id).await?
        } else {
            Vec::new()
        },
        email: u.email.clone(),
        lang: u.lang.code(),
        quiet_hours: QuietView {
            start: QuietHours::hhmm(u.quiet.start),
            end: QuietHours::hhmm(u.quiet.end),
        },
        elder_mode: u.elder_mode,
    })
}

/// The caller's account: kept per replica like their session, and dropped
/// with it whenever it changes (`auth::sessions_changed`).
async fn account(app: &AppState, id: UserId) -> Result<std::sync::Arc<User>, ApiError> {
    if let Some(u) = app.accounts.get(&id) {
        return Ok(u);
    }
    let ticket = app.accounts.ticket();
    let u = std::sync::Arc::new(
        store::users::find(&app.db, id)
            .await?
            .ok_or(ApiError::Unauthenticated)?,
    );
    app.accounts.put(ticket, id, u.clone());
    Ok(u)
}

/// Changes of one's own account: name, e-mail for notices (`Some(None)`
/// removes it), language of notices, quiet hours for reminders, elder mode.
pub async fn update_me(
    app: &AppState,
    me: &CurrentUser,
    name: Option<String>,
    email: Option<Option<String>>,
    lang: Option<Lang>,
    quiet: Option<QuietHours>,
    elder_mode: Option<bool>,
) -> Result<MeView, ApiError> {
    let patch = AccountPatch {
        name: name.map(|n| n.trim().to_owned()),
        email: email.map(|e| e.map(|e| e.trim().to_owned())),
        lang,
        quiet,
        elder_mode,
    };
    store::users::patch(&app.db, me.id, patch, app.clock.now()).await?;
    // Cached sessions carry the name: every replica reads it again.
    crate::services::auth::sessions_changed(app, me.id, None).await;
    self::me(app, me).await
}

/// Roles an admin may hand out. Street admins are made on the command line.
fn grantable(me: &CurrentUser, role: Role) -> bool {
    me.role.is_admin() && role != Role::StreetAdmin
}

async fn check_admin_of(app: &AppState, me: &CurrentUser, community_id: CommunityId) -> Result<(), ApiError> {
    if store::directory::community(&app.db, community_id).await?.is_none() {
        return Err(ApiError::field(
            "community_id",
            "unknown",
            msg!("field.community_id.unknown"),
        ));
    }
    scope::require_admin_of(&app.db, me, community_id).await
}

/// An admin opens an account for someone (a resident without a smartphone,
/// a member, a fellow admin) in a community they administer. A member's
/// approved profile is made in the same transaction as the account, a grid
/// worker's grids (`grids`, one or more of the community's) too.
pub async fn create_for(
    app: &AppState,
    me: &CurrentUser,
    acc: NewAccount,
    grids: &[GridId],
) -> Result<UserView, ApiError> {
    scope::require_admin(me)?;
    if !grantable(me, acc.role) {
        return Err(ApiError::Forbidden);
    }
    check_admin_of(app, me, acc.community_id).await?;
    let grids = if acc.role == Role::GridWorker {
        crate::services::grids::check_grids(&app.db, acc.community_id, grids).await?
    } else {
        Vec::new()
    };
    let acc = prepare_account(app, acc).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let u = insert_account(&txn, &acc, now).await?;
    if u.role == Role::Member {
        // An admin-made member is approved on the spot.
        members::activate_for_role(&txn, Some(me.id), &u, now).await?;
    }
    store::grids::set(&txn, u.id, &grids, now).await?;
    txn.commit().await?;
    Ok(user_view(&u, true))
}

/// `linli create-user`: an account of any role, a member's approved
/// profile in the same transaction (no admin acts).
pub async fn create_from_cli(app: &AppState, acc: NewAccount) -> Result<User, ApiError> {
    let acc = prepare_account(app, acc).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let u = insert_account(&txn, &acc, now).await?;
    if u.role == Role::Member {
        members::activate_for_role(&txn, None, &u, now).await?;
    }
    txn.commit().await?;
    Ok(u)
}

pub async fn set_role(app: &AppState, me: &CurrentUser, user_id: UserId, role: Role) -> Result<UserView, ApiError> {
    scope::require_admin(me)?;
    let u = store::users::find(&app.db, user_id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    check_admin_of(app, me, u.community_id).await?;
    let current = u.role;
    if !grantable(me, role) || (current == Role::StreetAdmin && me.role != Role::StreetAdmin) {
        return Err(ApiError::Forbidden);
    }
    // A member's role and their 报到 profile change together (see `members`).
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    store::users::set_role(&txn, user_id, role, now).await?;
    let u = User {
        role,
        updated_at: now,
        ..u
    };
    if role == Role::Member {
        members::activate_for_role(&txn, Some(me.id), &u, now).await?;
    } else if current == Role::Member {
        members::deactivate_for_role(&txn, u.id, now).await?;
    }
    if current == Role::GridWorker && role != Role::GridWorker {
        store::grids::set(&txn, u.id, &[], now).await?;
    }
    txn.commit().await?;
    if role != current {
        crate::services::auth::sessions_changed(app, u.id, None).await;
    }
    Ok(user_view(&u, true))
}

pub struct UserFilter {
    pub role: Option<Role>,
    pub grid_id: Option<GridId>,
    pub community_id: Option<CommunityId>,
    pub after: Option<UserId>,
    pub limit: u64,
}

/// People in the admin's scope, by id, `limit` at a time after `after`.
pub async fn list(app: &AppState, me: &CurrentUser, f: UserFilter) -> Result<(Vec<UserView>, Option<i64>), ApiError> {
    let mut communities = scope::communities(&app.db, me).await?;
    if let Some(c) = f.community_id {
        communities.retain(|x| *x == c);
    }
    let (rows, next) = store::users::list(
        &app.db,
        store::users::UserQuery {
            communities: &communities,
            role: f.role,
            grid_id: f.grid_id,
            after: f.after,
            limit: f.limit,
        },
    )
    .await?;
    Ok((rows.iter().map(|u| user_view(u, true)).collect(), next))
}
