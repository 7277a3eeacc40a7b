//! Liveness and readiness for load balancers.

use super::access::Access::Anyone;
use super::table::Routes;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;

pub fn routes(r: &mut Routes) {
    r.get("/healthz", Anyone, healthz).get("/readyz", Anyone, readyz);
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// Ready when the database answers.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let db = &state.db;
    let ping = db
        .execute_unprepared("SELECT 1")
        .await
        .map(|_| ())
        .map_err(|e| e.to_string());
    match ping {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ready", "database": "ok"})),
        Err(e) => HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "unavailable", "database": e})),
    }
}
