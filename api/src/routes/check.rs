//! `GET /admin/check` — the invariants `linli check` verifies (balances =
//! ledgers, one credit per round, no negative balance, Redis boards = SQL),
//! for street admins, limited to their street. `ok: false` lists what is
//! wrong; the answer is 200 either way.

use super::access::Access::StreetAdmin;
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::services::check;
use crate::state::AppState;
use actix_web::{HttpResponse, web};

pub fn routes(r: &mut Routes) {
    r.get("/admin/check", StreetAdmin, run_check);
}

async fn run_check(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(check::for_admin(&state, &me).await?))
}
