//! Accounts.

use crate::domain::reminder::QuietHours;
use crate::domain::{CommunityId, GridId, Role, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use entity::{enums as db, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub phone: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    /// The language of their notices.
    pub lang: Lang,
    /// Where notices are mailed (none: in-app only).
    pub email: Option<String>,
    /// No reminders then (local time).
    pub quiet: QuietHours,
    /// 适老化: the large, plain layout of the web UI.
    pub elder_mode: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(super) fn user_of(u: user::Model) -> User {
    User {
        id: UserId(u.id),
        phone: u.phone,
        name: u.name,
        password_hash: u.password_hash,
        role: u.role.into(),
        community_id: CommunityId(u.community_id),
        grid_id: u.grid_id.map(GridId),
        lang: u.lang.into(),
        email: u.email,
        quiet: QuietHours::new(u.quiet_start, u.quiet_end),
        elder_mode: u.elder_mode,
        created_at: u.created_at,
        updated_at: u.updated_at,
    }
}

pub async fn find(db: &impl ConnectionTrait, id: UserId) -> Result<Option<User>, ApiError> {
    Ok(user::Entity::find_by_id(id.0).one(db).await?.map(user_of))
}

pub async fn find_by_phone(db: &impl ConnectionTrait, phone: &str) -> Result<Option<User>, ApiError> {
    Ok(user::Entity::find()
        .filter(user::Column::Phone.eq(phone))
        .one(db)
        .await?
        .map(user_of))
}

/// Accounts with any of these phone numbers.
pub async fn by_phones(db: &impl ConnectionTrait, phones: &[&str]) -> Result<Vec<User>, ApiError> {
    if phones.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Phone.is_in(phones.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(user_of)
        .collect())
}

/// Users by id, in one query.
pub async fn by_ids(db: &impl ConnectionTrait, mut ids: Vec<UserId>) -> Result<HashMap<UserId, User>, ApiError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().map(|i| i.0)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (UserId(u.id), user_of(u)))
        .collect())
}

/// What a new account is made of (the password already hashed).
pub struct NewUser<'a> {
    pub phone: &'a str,
    pub name: &'a str,
    pub password_hash: String,
    pub role: Role,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
}

/// Inserts an account. The unique phone index decides between two
/// registrations racing for one number: the loser gets `PhoneTaken`.
pub async fn insert(db: &impl ConnectionTrait, u: NewUser<'_>, now: DateTime<Utc>) -> Result<User, ApiError> {
    user::ActiveModel {
        phone: Set(u.phone.to_owned()),
        name: Set(u.name.to_owned()),
        password_hash: Set(u.password_hash),
        role: Set(u.role.into()),
        community_id: Set(u.community_id.0),
        grid_id: Set(u.grid_id.map(|g| g.0)),
        lang: Set(db::Lang::Zh),
        email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(user_of)
    .map_err(|e| {
        if super::is_unique_violation(&e) {
            ApiError::PhoneTaken
        } else {
            e.into()
        }
    })
}

pub async fn set_role(db: &impl ConnectionTrait, id: UserId, role: Role, now: DateTime<Utc>) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(db::Role::from(role)))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves the role from `from` to `to` only if it is `from` now (admins keep theirs).
pub async fn swap_role(
    db: &impl ConnectionTrait,
    id: UserId,
    from: Role,
    to: Role,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(db::Role::from(to)))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id.0))
        .filter(user::Column::Role.eq(db::Role::from(from)))
        .exec(db)
        .await?;
    Ok(())
}

/// Changes of one's own account; `None` leaves a field as it is
/// (`email: Some(None)` removes the address).
pub struct AccountPatch {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub lang: Option<Lang>,
    pub quiet: Option<QuietHours>,
    pub elder_mode: Option<bool>,
}

pub async fn patch(db: &impl ConnectionTrait, id: UserId, p: AccountPatch, now: DateTime<Utc>) -> Result<(), ApiError> {
    let mut q = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id.0));
    if let Some(n) = p.name {
        q = q.col_expr(user::Column::Name, Expr::value(n));
    }
    if let Some(e) = p.email {
        q = q.col_expr(user::Column::Email, Expr::value(e));
    }
    if let Some(l) = p.lang {
        q = q.col_expr(user::Column::Lang, Expr::value(db::Lang::from(l)));
    }
    if let Some(on) = p.elder_mode {
        q = q.col_expr(user::Column::ElderMode, Expr::value(on));
    }
    if let Some(quiet) = p.quiet {
        let m = |v: u16| i16::try_from(v).unwrap_or(0);
        q = q
            .col_expr(user::Column::QuietStart, Expr::value(m(quiet.start)))
            .col_expr(user::Column::QuietEnd, Expr::value(m(quiet.end)));
    }
    q.exec(db).await?;
    Ok(())
}

/// Replaces a hash with a stronger one of the same password, unless the
/// password was changed meanwhile.
pub async fn upgrade_password_hash(
    db: &impl ConnectionTrait,
    id: UserId,
    old: &str,
    new: String,
) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(new))
        .filter(user::Column::Id.eq(id.0))
        .filter(user::Column::PasswordHash.eq(old))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_password_hash(
    db: &impl ConnectionTrait,
    id: UserId,
    hash: String,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Everyone with `role` in any of `communities`.
pub async fn ids_with_role(
    db: &impl ConnectionTrait,
    role: Role,
    communities: &[CommunityId],
) -> Result<Vec<UserId>, ApiError> {
    let ids: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(db::Role::from(role)))
        .filter(user::Column::CommunityId.is_in(communities.iter().map(|c| c.0)))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, ApiError> {
    Ok(user::Entity::find().count(db).await?)
}

/// People in `communities`, by id, `limit` at a time after `after`.
pub struct UserQuery<'a> {
    pub communities: &'a [CommunityId],
    pub role: Option<Role>,
    pub grid_id: Option<GridId>,
    pub after: Option<UserId>,
    pub limit: u64,
}

pub async fn list(db: &impl ConnectionTrait, q: UserQuery<'_>) -> Result<(Vec<User>, Option<i64>), ApiError> {
    let mut s = user::Entity::find().filter(user::Column::CommunityId.is_in(q.communities.iter().map(|c| c.0)));
    if let Some(r) = q.role {
        s = s.filter(user::Column::Role.eq(db::Role::from(r)));
    }
    if let Some(g) = q.grid_id {
        s = s.filter(user::Column::GridId.eq(g.0));
    }
    if let Some(a) = q.after {
        s = s.filter(user::Column::Id.gt(a.0));
    }
    let rows = s.order_by_asc(user::Column::Id).limit(q.limit + 1).all(db).await?;
    let (rows, next) = super::page(rows, q.limit, |u| u.id);
    Ok((rows.into_iter().map(user_of).collect(), next))
}
