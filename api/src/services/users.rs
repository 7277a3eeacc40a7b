//! Accounts as admins see and manage them: create for someone (代注册),
//! change a role, list people in scope.

use crate::auth::CurrentUser;
use crate::domain::{Role, mask::mask_name, phone::mask_phone};
use crate::error::ApiError;
use crate::services::auth::{NewAccount, create_account};
use crate::services::directory::{self, CommunityView};
use crate::services::members;
use crate::state::AppState;
use entity::{community, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub role: String,
    pub community_id: i64,
    pub grid_id: Option<i64>,
}

/// Full name and phone for those who need them, masked (张*, 138****1234) otherwise.
pub fn user_view(u: &user::Model, reveal: bool) -> UserView {
    UserView {
        id: u.id,
        name: if reveal { u.name.clone() } else { mask_name(&u.name) },
        phone: if reveal { u.phone.clone() } else { mask_phone(&u.phone) },
        role: u.role.clone(),
        community_id: u.community_id,
        grid_id: u.grid_id,
    }
}

#[derive(Debug, Serialize)]
pub struct MeView {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub community: CommunityView,
    pub grid_id: Option<i64>,
    /// Where notices are mailed (none: in-app only).
    pub email: Option<String>,
    /// `zh` or `en`: the language of notices.
    pub lang: String,
}

pub async fn me(db: &impl ConnectionTrait, me: &CurrentUser) -> Result<MeView, ApiError> {
    let c = directory::community(db, me.community_id).await?;
    let u = user::Entity::find_by_id(me.id)
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(MeView {
        id: me.id,
        name: u.name,
        phone: me.phone.clone(),
        role: me.role,
        community: c.into(),
        grid_id: me.grid_id,
        email: u.email,
        lang: u.lang,
    })
}

/// Changes of one's own account: name, e-mail for notices (`Some(None)`
/// removes it), language of notices.
pub async fn update_me(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    name: Option<String>,
    email: Option<Option<String>>,
    lang: Option<crate::i18n::Lang>,
) -> Result<MeView, ApiError> {
    let mut q = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(crate::clock::now()))
        .filter(user::Column::Id.eq(me.id));
    if let Some(n) = name {
        q = q.col_expr(user::Column::Name, Expr::value(n.trim().to_owned()));
    }
    if let Some(e) = email {
        q = q.col_expr(user::Column::Email, Expr::value(e.map(|e| e.trim().to_owned())));
    }
    if let Some(l) = lang {
        let code = match l {
            crate::i18n::Lang::Zh => "zh",
            crate::i18n::Lang::En => "en",
        };
        q = q.col_expr(user::Column::Lang, Expr::value(code));
    }
    q.exec(db).await?;
    self::me(db, me).await
}

/// Ids of the communities an admin acts in: their own, or their whole street.
pub async fn admin_scope(db: &impl ConnectionTrait, me: &CurrentUser) -> Result<Vec<i64>, ApiError> {
    match me.role {
        Role::Admin => Ok(vec![me.community_id]),
        Role::StreetAdmin => Ok(community::Entity::find()
            .filter(community::Column::Street.eq(me.street.as_str()))
            .select_only()
            .column(community::Column::Id)
            .into_tuple()
            .all(db)
            .await?),
        _ => Err(ApiError::Forbidden),
    }
}

/// The communities a list or export covers: the one asked for, if the
/// caller administers it (403 otherwise), or their whole scope.
pub async fn admin_scope_within(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    community_id: Option<i64>,
) -> Result<Vec<i64>, ApiError> {
    let all = admin_scope(db, me).await?;
    match community_id {
        Some(c) if all.contains(&c) => Ok(vec![c]),
        Some(_) => Err(ApiError::Forbidden),
        None => Ok(all),
    }
}

/// Roles an admin may hand out. Street admins are made on the command line.
fn grantable(me: &CurrentUser, role: Role) -> bool {
    me.role.is_admin() && role != Role::StreetAdmin
}

async fn check_admin_of(db: &impl ConnectionTrait, me: &CurrentUser, community_id: i64) -> Result<(), ApiError> {
    if community::Entity::find_by_id(community_id).one(db).await?.is_none() {
        return Err(ApiError::field(
            "community_id",
            "unknown",
            "社区不存在",
            "no such community",
        ));
    }
    directory::require_admin_of(db, me, community_id).await
}

/// An admin opens an account for someone (a resident without a smartphone,
/// a member, a fellow admin) in a community they administer.
pub async fn create_for(state: &AppState, me: &CurrentUser, acc: NewAccount) -> Result<UserView, ApiError> {
    me.require_admin()?;
    if !grantable(me, acc.role) {
        return Err(ApiError::Forbidden);
    }
    check_admin_of(&state.db, me, acc.community_id).await?;
    let u = create_account(state, acc).await?;
    if u.role == Role::Member.as_str() {
        // An admin-made member is approved on the spot.
        members::activate_for_role(&state.db, Some(me.id), &u).await?;
    }
    Ok(user_view(&u, true))
}

pub async fn set_role(
    db: &DatabaseConnection,
    me: &CurrentUser,
    user_id: i64,
    role: Role,
) -> Result<UserView, ApiError> {
    me.require_admin()?;
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    check_admin_of(db, me, u.community_id).await?;
    let current: Role = u.role.parse().unwrap_or(Role::Resident);
    if !grantable(me, role) || (current == Role::StreetAdmin && me.role != Role::StreetAdmin) {
        return Err(ApiError::Forbidden);
    }
    // A member's role and their 报到 profile change together (see `members`).
    let txn = db.begin().await?;
    let mut am: user::ActiveModel = u.into();
    am.role = Set(role.as_str().to_owned());
    am.updated_at = Set(crate::clock::now());
    let u = am.update(&txn).await?;
    if role == Role::Member {
        members::activate_for_role(&txn, Some(me.id), &u).await?;
    } else if current == Role::Member {
        members::deactivate_for_role(&txn, u.id).await?;
    }
    txn.commit().await?;
    Ok(user_view(&u, true))
}

pub struct UserFilter {
    pub role: Option<Role>,
    pub grid_id: Option<i64>,
    pub community_id: Option<i64>,
    pub after: Option<i64>,
    pub limit: u64,
}

/// People in the admin's scope, by id, `limit` at a time after `after`.
pub async fn list(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    f: UserFilter,
) -> Result<(Vec<UserView>, Option<i64>), ApiError> {
    let scope = admin_scope(db, me).await?;
    let mut q = user::Entity::find().filter(user::Column::CommunityId.is_in(scope));
    if let Some(r) = f.role {
        q = q.filter(user::Column::Role.eq(r.as_str()));
    }
    if let Some(g) = f.grid_id {
        q = q.filter(user::Column::GridId.eq(g));
    }
    if let Some(c) = f.community_id {
        q = q.filter(user::Column::CommunityId.eq(c));
    }
    if let Some(a) = f.after {
        q = q.filter(user::Column::Id.gt(a));
    }
    let rows = q.order_by_asc(user::Column::Id).limit(f.limit + 1).all(db).await?;
    let (rows, next) = super::page(rows, f.limit, |u| u.id);
    Ok((rows.iter().map(|u| user_view(u, true)).collect(), next))
}

/// Users by id, in one query.
pub(crate) async fn users_by_id(
    db: &impl ConnectionTrait,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, user::Model>, ApiError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}
