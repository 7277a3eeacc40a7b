//! `/work-orders`: 12345 hotline work orders, imported from the platform's
//! CSV export (`POST /work-orders/import`, idempotent by order number) and
//! reported back (`GET /work-orders/results.csv`, 办理结果反馈).

use super::access::Access::AdminOf;
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::CommunityId;
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::services::requests::work_orders::{self, MAX_ROWS};
use crate::services::scope;
use crate::state::AppState;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.post("/work-orders/import", AdminOf, import)
        .get("/work-orders/results.csv", AdminOf, results);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CommunityQuery {
    /// Default: the admin's own community (a street admin names one).
    community_id: Option<CommunityId>,
}

/// A work order's line is well under 600 bytes.
const MAX_BYTES: usize = MAX_ROWS * 600;

async fn import(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<CommunityQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    scope::require_admin(&me)?;
    let text = super::csv_body(&req, payload, MAX_BYTES).await?;
    let report = work_orders::import_csv(&state, &me, q.0.community_id, &text).await?;
    Ok(HttpResponse::Ok().json(report))
}

async fn results(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<CommunityQuery>,
) -> Result<HttpResponse, ApiError> {
    let community = q.0.community_id.unwrap_or(me.community_id);
    let text = work_orders::results_csv(&state, &me, community).await?;
    // A byte-order mark, so that Excel opens the Chinese as UTF-8.
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, "attachment; filename=\"12345-results.csv\""))
        .body(format!("\u{feff}{text}")))
}
