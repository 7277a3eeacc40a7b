//! `.xlsx` exports for admins.

use super::access::Access::{Admin, AdminOf};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::CommunityId;
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::msg;
use crate::services::exports;
use crate::state::AppState;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

use super::XLSX;

pub fn routes(r: &mut Routes) {
    r.get("/exports/service-records.xlsx", AdminOf, service_records)
        .get("/exports/employer-report.xlsx", AdminOf, employer_report)
        .get("/exports/street-overview.xlsx", Admin, street_overview);
}

fn xlsx(name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, XLSX))
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.xlsx\"")))
        .body(bytes)
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RecordsQuery {
    /// Default: every community the admin acts in.
    community_id: Option<CommunityId>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
}

async fn service_records(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<RecordsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let bytes = exports::service_records(&state, &me, q.community_id, q.from, q.to).await?;
    Ok(xlsx("service-records", bytes))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    community_id: Option<CommunityId>,
    /// `2026-Q4`; default: the current quarter.
    #[validate(length(equal = 7))]
    quarter: Option<String>,
}

fn quarter_start(q: &str) -> Option<chrono::NaiveDate> {
    let (year, n) = q.split_once("-Q")?;
    let n: u32 = n.parse().ok().filter(|n| (1..=4).contains(n))?;
    chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, (n - 1) * 3 + 1, 1)
}

async fn employer_report(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let day = match q.quarter.as_deref() {
        None => state.clock.today(state.local_offset),
        Some(s) => {
            quarter_start(s).ok_or_else(|| ApiError::field("quarter", "format", msg!("field.quarter.format")))?
        }
    };
    let bytes = exports::employer_report(&state, &me, q.community_id, day).await?;
    Ok(xlsx("employer-report", bytes))
}

/// 街道总览 as a spreadsheet (every community in scope, with totals).
async fn street_overview(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(xlsx("street-overview", exports::street_overview(&state, &me).await?))
}
