//! HTTP routes under `/api/v1`. Handlers are thin: extract, call a service,
//! return its view. Bodies are `…Body` types local to each module.

pub mod access;
mod appeals;
mod auth;
mod boards;
mod certificates;
mod check;
mod directory;
mod exports;
mod family;
mod grids;
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
mod sheets;
mod supervision;
pub mod table;
mod users;
mod work_orders;

use crate::error::ApiError;
use actix_web::web;
use table::Routes;

/// Most lists take `limit` (1–100, default 20) and a cursor from the previous page.
pub const DEFAULT_LIMIT: u64 = 20;

/// Where the JSON API lives.
const API: &str = "/api/v1";

/// Every route under [`API`], in the order actix tries them.
fn api_routes(r: &mut Routes) {
    health::routes(r);
    auth::routes(r);
    directory::routes(r);
    users::routes(r);
    // Before `requests`: its `/requests/{id}/{action}` would take `follow-ups`.
    supervision::routes(r);
    requests::routes(r);
    members::routes(r);
    matching::routes(r);
    ledger::routes(r);
    boards::routes(r);
    market::routes(r);
    certificates::routes(r);
    exports::routes(r);
    notices::routes(r);
    qualifications::routes(r);
    appeals::routes(r);
    series::routes(r);
    check::routes(r);
    work_orders::routes(r);
    grids::routes(r);
    family::routes(r);
    sheets::routes(r);
}

/// Load balancers' health checks are at the root too.
fn root_routes(r: &mut Routes) {
    health::routes(r);
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(API)
            .configure(|cfg| api_routes(&mut Routes::registering(cfg, API)))
            .default_service(web::to(not_found)),
    )
    .configure(|cfg| root_routes(&mut Routes::registering(cfg, "")));
}

/// Every route with who may call it (the web UI's static files aside):
/// the authorization matrix's rows.
pub fn table() -> Vec<access::Row> {
    let mut api = Routes::listing(API);
    api_routes(&mut api);
    let mut root = Routes::listing("");
    root_routes(&mut root);
    let mut rows = api.into_rows();
    rows.extend(root.into_rows());
    rows
}

pub async fn not_found() -> actix_web::HttpResponse {
    use actix_web::ResponseError;
    ApiError::NotFound("route").error_response()
}

/// The media type of an .xlsx workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A `text/csv` upload (UTF-8, at most `max` bytes) as text — or an .xlsx
/// workbook's first sheet as CSV: 415 for another type, 413 when too big,
/// 422 for bytes that are not text or not a readable workbook.
pub async fn csv_body(req: &actix_web::HttpRequest, mut payload: web::Payload, max: usize) -> Result<String, ApiError> {
    use actix_web::http::header::CONTENT_TYPE;
    use futures::StreamExt;
    let ct = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let xlsx = ct.as_deref() == Some(XLSX);
    if !xlsx && !matches!(ct.as_deref(), Some("text/csv" | "text/plain" | "application/csv")) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::MalformedBody(e.to_string()))?;
        if body.len() + chunk.len() > max {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    if xlsx {
        // An .xlsx goes through the same import: its first sheet as CSV.
        return crate::documents::xlsx::first_sheet_as_csv(&body).map_err(|e| {
            tracing::info!(error = %e, "an upload that is not a readable workbook");
            ApiError::field("file", "invalid", crate::msg!("field.file.invalid"))
        });
    }
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::field("file", "encoding", crate::msg!("field.file.encoding")))?;
    if text.contains('\0') {
        return Err(ApiError::field("file", "invalid", crate::msg!("field.file.invalid")));
    }
    Ok(text)
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
