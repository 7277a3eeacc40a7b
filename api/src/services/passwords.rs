//! Getting back into an account: a one-time link mailed to the address on
//! file (忘记密码), or a temporary password an admin hands over in person
//! (most elderly residents have no e-mail). Either way every device is
//! signed out.

use crate::auth::{CurrentUser, token};
use crate::domain::delivery::Channel;
use crate::domain::throttle::Limit;
use crate::domain::{Phone, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::msg;
use crate::services::{audit, limits, scope};
use crate::state::AppState;
use crate::store;
use chrono::Duration;
use entity::password_reset;
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

/// How long a mailed link works.
pub const LINK_VALID_MINUTES: i64 = 30;

/// 忘记密码: if `phone` has an account with an e-mail address, mail it a
/// link to set a new password. The answer is the same either way, so the
/// form tells nobody whether a number has an account.
///
/// 防刷: 3 requests per number and 20 per address an hour (mail is not
/// free, and a flood would bury a person's inbox); counted whether or not
/// the number has an account, so the limit tells nothing either.
pub async fn forgot(app: &AppState, phone: &str, addr: &str) -> Result<(), ApiError> {
    // The route checked the format; a number that is not one has no account.
    let Some(phone) = Phone::parse(phone) else {
        return Ok(());
    };
    limits::attempt(app, &[(Limit::ForgotPhone, phone.as_str()), (Limit::ForgotIp, addr)]).await?;
    let Some(u) = store::users::find_by_phone(&app.db, phone.as_str()).await? else {
        return Ok(());
    };
    let Some(address) = u.email.clone() else {
        return Ok(());
    };
    let secret = token::generate();
    let now = app.clock.now();
    let link = format!(
        "{}/#/reset-password?token={secret}",
        app.settings.display_url(app.settings.port).trim_end_matches('/')
    );
    let lang: Lang = u.lang;
    let subject = msg!("password.reset_subject").render(lang);
    let body = msg!(
        "password.reset_body",
        name = u.name.as_str(),
        link = link.as_str(),
        minutes = LINK_VALID_MINUTES
    )
    .render(lang);
    let txn = store::begin_write(&app.writer).await?;
    let row = password_reset::ActiveModel {
        user_id: Set(u.id.0),
        token_hash: Set(token::digest(&secret)),
        expires_at: Set(now + Duration::minutes(LINK_VALID_MINUTES)),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    store::outbox::insert(
        &txn,
        store::outbox::NewMessage {
            event_key: format!("password_reset:{}", row.id),
            channel: Channel::Mail,
            user_id: u.id,
            to_address: &address,
            subject: &subject,
            body: &body,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password with a mailed link's token: once, before it expires.
/// 防刷: an address that tries 10 links that do not work is locked.
pub async fn reset(app: &AppState, secret: &str, password: String, addr: &str) -> Result<(), ApiError> {
    let invalid = || ApiError::field("token", "reset_invalid", msg!("field.token.reset_invalid"));
    let keys = [(Limit::ResetIp, addr)];
    limits::refuse_if_locked(app, &keys).await?;
    let now = app.clock.now();
    let Some(row) = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token::digest(secret)))
        .one(&app.db)
        .await?
        .filter(|r| r.used_at.is_none() && r.expires_at > now)
    else {
        limits::strike(app, &keys).await?;
        return Err(invalid());
    };
    let user = UserId(row.user_id);
    let u = store::users::find(&app.db, user).await?.ok_or_else(invalid)?;
    crate::services::auth::check_password("password", &password, u.phone.as_str(), &u.name)?;
    let hash = app.hasher.hash(password).await?;
    let txn = store::begin_write(&app.writer).await?;
    // Used once: of two uses at the same moment, one finds it still unused.
    let taken = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::Id.eq(row.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(invalid());
    }
    store::users::set_password_hash(&txn, user, hash, now).await?;
    store::sessions::delete_all_of(&txn, user).await?;
    txn.commit().await?;
    crate::services::auth::sessions_changed(app, user, None).await;
    Ok(())
}

/// Letters and digits that cannot be mistaken for one another when read out.
const READABLE: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// An admin of the person's community sets a temporary password (shown
/// once, to hand over in person) for a resident or member; admins' own
/// passwords are not theirs to reset. Audit-logged; every device signed out.
pub async fn admin_reset(app: &AppState, me: &CurrentUser, user_id: UserId) -> Result<String, ApiError> {
    scope::require_admin(me)?;
    let u = store::users::find(&app.db, user_id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    scope::require_admin_of(&app.db, me, u.community_id).await?;
    if !u.role.is_neighbour() || u.id == me.id {
        return Err(ApiError::Forbidden);
    }
    // Random, so nearly always strong; the policy still has the last word
    // (no run of one letter, nothing of the phone number).
    let mut rng = rand::rng();
    let mut readable = |len: usize| -> String {
        (0..len)
            .map(|_| char::from(READABLE[rng.random_range(0..READABLE.len())]))
            .collect()
    };
    let password = (0..8)
        .map(|_| readable(10))
        .find(|p| crate::domain::password::check(p, u.phone.as_str(), &u.name).is_ok())
        .unwrap_or_else(|| readable(16));
    let hash = app.hasher.hash(password.clone()).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    store::users::set_password_hash(&txn, u.id, hash, now).await?;
    store::sessions::delete_all_of(&txn, u.id).await?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(u.community_id),
        "user.password_reset",
        ("user", Some(u.id.0)),
        serde_json::json!({ "name": u.name }),
    )
    .await?;
    txn.commit().await?;
    crate::services::auth::sessions_changed(app, u.id, None).await;
    Ok(password)
}
