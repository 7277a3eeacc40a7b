//! `/auth/*` and `/me`.

use super::access::Access::{Anyone, SignedIn};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::GridId;
use crate::domain::Role;
use crate::domain::reminder::QuietHours;
use crate::domain::throttle::Limit;
use crate::error::ApiError;
use crate::extract::{ClientAddr, ValidJson, phone_field, validate_not_blank, validate_phone};
use crate::msg;
use crate::services::{self, auth::NewAccount, users::MeView};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.post("/auth/register", Anyone, register)
        .post("/auth/login", Anyone, login)
        .post("/auth/logout", SignedIn, logout)
        .post("/auth/password", SignedIn, change_password)
        .post("/auth/password/forgot", Anyone, forgot_password)
        .post("/auth/password/reset", Anyone, reset_password)
        .get("/me", SignedIn, me)
        .put("/me", SignedIn, update_me);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RegisterBody {
    #[validate(custom(function = "validate_phone"))]
    phone: String,
    #[validate(length(min = 8, max = 128))]
    password: String,
    #[validate(length(min = 1, max = 50), custom(function = "validate_not_blank"))]
    name: String,
    community_id: crate::domain::CommunityId,
    grid_id: Option<GridId>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    #[validate(length(min = 1, max = 32))]
    phone: String,
    #[validate(length(min = 1, max = 128))]
    password: String,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    #[validate(length(min = 1, max = 128))]
    old_password: String,
    #[validate(length(min = 8, max = 128))]
    new_password: String,
}

#[derive(Serialize)]
struct Session {
    token: String,
    user: MeView,
}

/// 居民注册 — anyone can sign up as a resident of a community.
async fn register(
    state: web::Data<AppState>,
    body: ValidJson<RegisterBody>,
    addr: ClientAddr,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    services::limits::attempt(&state, &[(Limit::Register, &addr.0)]).await?;
    let phone = phone_field(&b.phone)?;
    let acc = NewAccount {
        phone,
        name: b.name,
        password: b.password,
        role: Role::Resident,
        community_id: b.community_id,
        grid_id: b.grid_id,
    };
    let u = services::auth::create_account(&state, acc).await?;
    let token = services::auth::open_session(&state, u.id).await?;
    Ok(HttpResponse::Created().json(session(&state, token).await?))
}

/// The token with the account it opens.
async fn session(state: &AppState, token: String) -> Result<Session, ApiError> {
    let me = services::auth::authenticate(state, &token).await?;
    let user = services::users::me(state, &me).await?;
    Ok(Session { token, user })
}

async fn login(
    state: web::Data<AppState>,
    body: ValidJson<LoginBody>,
    addr: ClientAddr,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let (_, token) = services::auth::login(&state, &b.phone, b.password, &addr.0).await?;
    Ok(HttpResponse::Ok().json(session(&state, token).await?))
}

async fn logout(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    services::auth::logout(&state, &me).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ForgotBody {
    #[validate(custom(function = "validate_phone"))]
    phone: String,
}

/// 忘记密码: 202 whether or not the number has an account (a link is mailed
/// when it has one with an e-mail address).
async fn forgot_password(
    state: web::Data<AppState>,
    body: ValidJson<ForgotBody>,
    addr: ClientAddr,
) -> Result<HttpResponse, ApiError> {
    services::passwords::forgot(&state, &body.0.phone, &addr.0).await?;
    Ok(HttpResponse::Accepted().json(serde_json::json!({ "sent_if_registered": true })))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ResetBody {
    #[validate(length(min = 1, max = 128))]
    token: String,
    #[validate(length(min = 8, max = 128))]
    password: String,
}

/// Sets a new password with a mailed link's token; every device is signed out.
async fn reset_password(
    state: web::Data<AppState>,
    body: ValidJson<ResetBody>,
    addr: ClientAddr,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    services::passwords::reset(&state, &b.token, b.password, &addr.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changing the password signs out every device and returns a fresh token.
async fn change_password(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let token = services::auth::change_password(&state, &me, b.old_password, b.new_password).await?;
    Ok(HttpResponse::Ok().json(session(&state, token).await?))
}

async fn me(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(services::users::me(&state, &me).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct MeBody {
    #[validate(length(min = 1, max = 50), custom(function = "validate_not_blank"))]
    name: Option<String>,
    /// `null` removes the address.
    #[serde(default, deserialize_with = "present")]
    email: Option<Option<String>>,
    /// `zh` or `en`: the language of notices.
    lang: Option<String>,
    /// Quiet hours for reminders, local `"HH:MM"`, both or neither (equal = none).
    quiet_start: Option<String>,
    quiet_end: Option<String>,
    /// 适老化: the large, plain layout of the web UI, remembered per person.
    elder_mode: Option<bool>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

/// `PUT /me`: name, e-mail for notices, language, quiet hours, elder mode.
async fn update_me(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<MeBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    if let Some(Some(e)) = &b.email
        && (e.len() > 254 || e.trim().parse::<lettre::Address>().is_err())
    {
        return Err(ApiError::field("email", "email", msg!("field.email.email")));
    }
    let lang = match b.lang.as_deref() {
        None => None,
        Some("zh") => Some(crate::i18n::Lang::Zh),
        Some("en") => Some(crate::i18n::Lang::En),
        Some(_) => {
            return Err(ApiError::field("lang", "invalid", msg!("field.lang.invalid")));
        }
    };
    let quiet = match (b.quiet_start.as_deref(), b.quiet_end.as_deref()) {
        (None, None) => None,
        (start, end) => {
            let parse = |field: &'static str, v: Option<&str>| {
                v.and_then(QuietHours::parse)
                    .ok_or_else(|| ApiError::field(field, "invalid", msg!("field.quiet.invalid")))
            };
            Some(QuietHours {
                start: parse("quiet_start", start)?,
                end: parse("quiet_end", end)?,
            })
        }
    };
    Ok(HttpResponse::Ok()
        .json(services::users::update_me(&state, &me, b.name, b.email, lang, quiet, b.elder_mode).await?))
}
