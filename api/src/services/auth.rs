//! Registration, login, logout, password change, and token lookup.

use crate::auth::{CurrentUser, token};
use crate::clock;
use crate::domain::{Phone, Role};
use crate::error::ApiError;
use crate::services::directory;
use crate::state::AppState;
use chrono::Duration;
use entity::{community, session, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, Set};

/// What a new account needs.
pub struct NewAccount {
    pub phone: Phone,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub community_id: i64,
    pub grid_id: Option<i64>,
}

/// Creates an account (password hashed with argon2id). A taken phone is 409.
#[tracing::instrument(skip(state, acc), fields(community = acc.community_id))]
pub async fn create_account(state: &AppState, acc: NewAccount) -> Result<user::Model, ApiError> {
    directory::check_placement(&state.db, acc.community_id, acc.grid_id).await?;
    if user::Entity::find()
        .filter(user::Column::Phone.eq(acc.phone.as_str()))
        .one(&state.db)
        .await?
        .is_some()
    {
        return Err(ApiError::PhoneTaken);
    }
    let hash = state.hasher.hash(acc.password).await?;
    let now = clock::now();
    let row = user::ActiveModel {
        phone: Set(acc.phone.as_str().to_owned()),
        name: Set(acc.name.trim().to_owned()),
        password_hash: Set(hash),
        role: Set(acc.role.as_str().to_owned()),
        community_id: Set(acc.community_id),
        grid_id: Set(acc.grid_id),
        lang: Set("zh".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // The check above gives a clear answer in the common case; the unique
    // index decides when two registrations race.
    row.insert(&state.db).await.map_err(|e| {
        if super::is_unique_violation(&e) {
            ApiError::PhoneTaken
        } else {
            e.into()
        }
    })
}

/// `now + ttl_hours`, saturating instead of panicking on absurd settings.
fn expiry(now: chrono::DateTime<chrono::Utc>, ttl_hours: i64) -> chrono::DateTime<chrono::Utc> {
    Duration::try_hours(ttl_hours.clamp(0, 24 * 365 * 100))
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(now)
}

/// Opens a session for `user_id` and returns its bearer token.
pub async fn open_session(state: &AppState, user_id: i64) -> Result<String, ApiError> {
    let token = token::generate();
    let now = clock::now();
    // Expired sessions of this user are of no use to anyone: tidy them here.
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(&state.db)
        .await?;
    session::ActiveModel {
        token_hash: Set(token::digest(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expiry(now, state.settings.token_ttl_hours)),
    }
    .insert(&state.db)
    .await?;
    Ok(token)
}

/// Phone + password → the user and a new token. Unknown phone and wrong
/// password answer the same, in the same time.
#[tracing::instrument(skip_all)]
pub async fn login(state: &AppState, phone: &str, password: String) -> Result<(user::Model, String), ApiError> {
    let found = match Phone::parse(phone) {
        Some(p) => {
            user::Entity::find()
                .filter(user::Column::Phone.eq(p.as_str()))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let ok = state
        .hasher
        .verify(password, found.as_ref().map(|u| u.password_hash.clone()))
        .await;
    match found {
        Some(u) if ok => {
            let token = open_session(state, u.id).await?;
            Ok((u, token))
        }
        _ => Err(ApiError::InvalidCredentials),
    }
}

/// Revokes the session the caller used.
pub async fn logout(db: &impl ConnectionTrait, me: &CurrentUser) -> Result<(), ApiError> {
    session::Entity::delete_by_id(me.token_hash.clone()).exec(db).await?;
    Ok(())
}

/// Checks the old password, stores the new one, revokes every session of
/// the user and returns a fresh token.
pub async fn change_password(state: &AppState, me: &CurrentUser, old: String, new: String) -> Result<String, ApiError> {
    let u = user::Entity::find_by_id(me.id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !state.hasher.verify(old, Some(u.password_hash.clone())).await {
        return Err(ApiError::field(
            "old_password",
            "mismatch",
            "原密码不正确",
            "the current password is wrong",
        ));
    }
    let hash = state.hasher.hash(new).await?;
    let mut am: user::ActiveModel = u.into();
    am.password_hash = Set(hash);
    am.updated_at = Set(clock::now());
    am.update(&state.db).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(me.id))
        .exec(&state.db)
        .await?;
    open_session(state, me.id).await
}

/// Bearer token → the caller, if the session exists and has not expired.
///
/// Every authenticated call pays for this, so it is one query: the live
/// session joined to its user and the user's community.
pub async fn authenticate(db: &impl ConnectionTrait, bearer: &str) -> Result<CurrentUser, ApiError> {
    let digest = token::digest(bearer);
    type Row = (i64, String, String, String, i64, Option<i64>, String);
    let row: Option<Row> = session::Entity::find_by_id(digest.clone())
        .filter(session::Column::ExpiresAt.gt(clock::now()))
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .column(user::Column::Phone)
        .column(user::Column::Role)
        .column(user::Column::CommunityId)
        .column(user::Column::GridId)
        .column(community::Column::Street)
        .join(
            JoinType::InnerJoin,
            session::Entity::belongs_to(user::Entity)
                .from(session::Column::UserId)
                .to(user::Column::Id)
                .into(),
        )
        .join(
            JoinType::InnerJoin,
            user::Entity::belongs_to(community::Entity)
                .from(user::Column::CommunityId)
                .to(community::Column::Id)
                .into(),
        )
        .into_tuple()
        .one(db)
        .await?;
    let (id, name, phone, role, community_id, grid_id, street) = row.ok_or(ApiError::Unauthenticated)?;
    Ok(CurrentUser {
        role: role
            .parse()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("bad role {role}")))?,
        id,
        name,
        phone,
        community_id,
        grid_id,
        street,
        token_hash: digest,
    })
}

/// The caller as `user_id`, for a session (`token_hash`) or for internal jobs.
pub async fn acting_as(db: &impl ConnectionTrait, user_id: i64, token_hash: String) -> Result<CurrentUser, ApiError> {
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let c = community::Entity::find_by_id(u.community_id)
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let role = u
        .role
        .parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("bad role {}", u.role)))?;
    Ok(CurrentUser {
        id: u.id,
        name: u.name,
        phone: u.phone,
        role,
        community_id: u.community_id,
        grid_id: u.grid_id,
        street: c.street,
        token_hash,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn expiry_saturates() {
        let now = crate::clock::now();
        assert_eq!(super::expiry(now, 2), now + chrono::Duration::hours(2));
        assert_eq!(super::expiry(now, -5), now);
        assert!(super::expiry(now, i64::MAX) > now);
    }
}
