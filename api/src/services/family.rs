//! 家人代下单: a resident lets a family member order for them. They make a
//! consent code (授权码, six digits, good for an hour) and read it to the
//! family member, who enters it with the resident's phone number; from then
//! on the family member may post for them, cancel what they posted before
//! anyone accepts it, and rate the service (the whitelist of
//! `domain::request`). Either of the two ends the link.

use crate::auth::CurrentUser;
use crate::domain::{Phone, UserId, phone::mask_phone};
use crate::error::ApiError;
use crate::msg;
use crate::state::AppState;
use crate::store;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::Serialize;

/// How long a consent code stays good.
pub const CODE_TTL_MINUTES: i64 = 60;

#[derive(Debug, Serialize)]
pub struct CodeView {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// A relative: someone I may order for, or who may order for me.
#[derive(Debug, Serialize)]
pub struct RelativeView {
    pub id: UserId,
    pub name: String,
    /// Masked (138****1234): they know each other's number.
    pub phone: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct Family {
    /// Those I may order for.
    pub relatives: Vec<RelativeView>,
    /// Those who may order for me.
    pub family: Vec<RelativeView>,
}

fn for_people(me: &CurrentUser) -> Result<(), ApiError> {
    if me.role.is_neighbour() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// A new consent code for the caller (the last one stops working).
pub async fn new_code(app: &AppState, me: &CurrentUser) -> Result<CodeView, ApiError> {
    for_people(me)?;
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let expires_at = app.clock.now() + Duration::minutes(CODE_TTL_MINUTES);
    let txn = store::begin_write(&app.writer).await?;
    store::family::set_code(&txn, me.id, &code, expires_at).await?;
    txn.commit().await?;
    Ok(CodeView { code, expires_at })
}

/// The caller becomes able to order for the resident with this phone, who
/// gave them this code. A wrong phone, code or an expired code all read the
/// same (`code`/`invalid`).
pub async fn link(app: &AppState, me: &CurrentUser, phone: &Phone, code: &str) -> Result<Family, ApiError> {
    for_people(me)?;
    let invalid = || ApiError::field("code", "invalid", msg!("field.code.invalid"));
    let relative = store::users::find_by_phone(&app.db, phone.as_str())
        .await?
        .filter(|u| u.id != me.id && u.role.is_neighbour())
        .ok_or_else(invalid)?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let taken = store::family::take_code(&txn, relative.id, code.trim(), now).await?;
    if taken {
        store::family::link(&txn, me.id, relative.id, now).await?;
    }
    txn.commit().await?;
    if !taken {
        return Err(invalid());
    }
    tracing::info!(user = %me.id, relative = %relative.id, "family link made");
    family(app, me).await
}

/// Ends the link with `other`, whichever way it runs (none: nothing changes).
pub async fn unlink(app: &AppState, me: &CurrentUser, other: UserId) -> Result<Family, ApiError> {
    let txn = store::begin_write(&app.writer).await?;
    store::family::unlink(&txn, me.id, other).await?;
    txn.commit().await?;
    family(app, me).await
}

pub async fn family(app: &AppState, me: &CurrentUser) -> Result<Family, ApiError> {
    let relatives = store::family::links(&app.db, me.id, true).await?;
    let family = store::family::links(&app.db, me.id, false).await?;
    let people = store::users::by_ids(
        &app.db,
        relatives.iter().chain(family.iter()).map(|(u, _)| *u).collect(),
    )
    .await?;
    let view = |list: Vec<(UserId, DateTime<Utc>)>| {
        list.into_iter()
            .filter_map(|(id, since)| {
                people.get(&id).map(|u| RelativeView {
                    id,
                    name: u.name.clone(),
                    phone: mask_phone(&u.phone),
                    since,
                })
            })
            .collect()
    };
    Ok(Family {
        relatives: view(relatives),
        family: view(family),
    })
}
