//! `CurrentUser`: the authenticated caller, as a handler argument.

use crate::domain::Role;
use crate::error::ApiError;
use crate::services;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use std::future::Future;
use std::pin::Pin;

/// The caller behind a valid bearer token, with the scope they act in.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    /// The street (街道) of the caller's community; a street admin's scope.
    pub street: String,
    /// SHA-256 of the token used, so logout can revoke exactly this session.
    pub token_hash: String,
}

impl CurrentUser {
    /// May this caller administer a community with this id and street?
    pub fn can_admin(&self, community_id: i64, street: &str) -> bool {
        match self.role {
            Role::Admin => self.community_id == community_id,
            Role::StreetAdmin => self.street == street,
            _ => false,
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.role.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("AppState not registered")))?;
            let token = token.ok_or(ApiError::Unauthenticated)?;
            services::auth::authenticate(&state.db, &token).await
        })
    }
}
