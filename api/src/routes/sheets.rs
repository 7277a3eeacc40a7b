//! `POST /sheets/csv`: an uploaded .xlsx's first sheet as CSV text, so the
//! import screens show, count and trim a workbook's rows as they do a
//! pasted sheet (the imports themselves take .xlsx directly too).

use super::access::Access::Admin;
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::services::scope;
use actix_web::{HttpRequest, HttpResponse, web};

pub fn routes(r: &mut Routes) {
    r.post("/sheets/csv", Admin, to_csv);
}

/// A workbook is well under this (the imports' own limits are smaller).
const MAX_BYTES: usize = 5 * 1024 * 1024;

async fn to_csv(me: CurrentUser, req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, ApiError> {
    scope::require_admin(&me)?;
    let text = super::csv_body(&req, payload, MAX_BYTES).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "text": text })))
}
