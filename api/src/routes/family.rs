//! `/me/…` for 家人代下单: the consent code, linking a relative, the list,
//! ending a link.

use super::access::Access::{NotAdmin, SignedIn};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::UserId;
use crate::error::ApiError;
use crate::extract::{ValidJson, phone_field, validate_phone};
use crate::services::family;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.post("/me/consent-code", NotAdmin, new_code)
        .get("/me/relatives", SignedIn, list)
        .post("/me/relatives", NotAdmin, link)
        .post("/me/relatives/unlink", SignedIn, unlink);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    /// The relative's phone number…
    #[validate(custom(function = "validate_phone"))]
    phone: String,
    /// …and the consent code they gave.
    #[validate(length(min = 1, max = 12))]
    code: String,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct UnlinkBody {
    user_id: UserId,
}

async fn new_code(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(family::new_code(&state, &me).await?))
}

async fn list(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(family::family(&state, &me).await?))
}

async fn link(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<LinkBody>,
) -> Result<HttpResponse, ApiError> {
    let phone = phone_field(&body.0.phone)?;
    Ok(HttpResponse::Ok().json(family::link(&state, &me, &phone, &body.0.code).await?))
}

async fn unlink(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<UnlinkBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(family::unlink(&state, &me, body.0.user_id).await?))
}
