//! HTTP routes under `/api/v1`. Handlers are thin: extract, call a service,
//! return its view. Bodies are `…Body` types local to each module.

mod appeals;
mod auth;
mod boards;
mod certificates;
mod check;
mod directory;
mod exports;
mod health;
pub mod home;
mod ledger;
mod market;
mod matching;
mod members;
mod notices;
mod qualifications;
mod requests;
mod series;
mod supervision;
mod users;

use crate::error::ApiError;
use actix_web::web;

/// Most lists take `limit` (1–100, default 20) and a cursor from the previous page.
pub const DEFAULT_LIMIT: u64 = 20;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .configure(health::configure)
            .configure(auth::configure)
            .configure(directory::configure)
            .configure(users::configure)
            // Before `requests`: its `/requests/{id}/{action}` would take `follow-ups`.
            .configure(supervision::configure)
            .configure(requests::configure)
            .configure(members::configure)
            .configure(matching::configure)
            .configure(ledger::configure)
            .configure(boards::configure)
            .configure(market::configure)
            .configure(certificates::configure)
            .configure(exports::configure)
            .configure(notices::configure)
            .configure(qualifications::configure)
            .configure(appeals::configure)
            .configure(series::configure)
            .configure(check::configure)
            .default_service(web::to(not_found)),
    )
    .configure(health::configure);
}

pub async fn not_found() -> actix_web::HttpResponse {
    use actix_web::ResponseError;
    ApiError::NotFound("route").error_response()
}

/// A page of items and the cursor for the next one (`null` on the last page).
#[derive(serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<i64>,
}

/// The body of an action that takes nothing but an optional note.
#[derive(serde::Deserialize, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[validate(length(max = 500))]
    pub note: Option<String>,
}
