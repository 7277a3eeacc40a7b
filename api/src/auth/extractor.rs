//! `CurrentUser`: the authenticated caller, as a handler argument.

use crate::domain::scope::Authority;
use crate::domain::{CommunityId, GridId, Role, UserId};
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
    pub id: UserId,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    /// The street (街道) of the caller's community; a street admin's scope.
    pub street: String,
    /// SHA-256 of the token used, so logout can revoke exactly this session.
    pub token_hash: String,
}

impl CurrentUser {
    /// Where the caller may act as an administrator (see `services::scope`).
    pub fn authority(&self) -> Authority {
        Authority::of(self.role, self.community_id, &self.street)
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
            services::auth::authenticate(&state, &token).await
        })
    }
}
