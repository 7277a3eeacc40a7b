//! 志愿服务证明 — issue, download, and public verification.

use super::access::Access::{Anyone, Member, OwnerOrAdminOf, SignedIn};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ClientAddr;
use crate::services::certificates;
use crate::state::AppState;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

pub fn routes(r: &mut Routes) {
    r.post("/certificates", Member, issue)
        .get("/certificates/mine", SignedIn, mine)
        .get("/certificates/{number}", Anyone, verify)
        .get("/certificates/{number}/pdf", OwnerOrAdminOf, pdf);
}

async fn issue(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(certificates::issue(&state, &me).await?))
}

async fn mine(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(certificates::mine(&state, &me).await?))
}

/// Public: no sign-in. Shows a masked name, the hours and the date.
async fn verify(
    state: web::Data<AppState>,
    number: web::Path<String>,
    addr: ClientAddr,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(certificates::verify(&state, &number, &addr.0).await?))
}

async fn pdf(state: web::Data<AppState>, me: CurrentUser, number: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (number, bytes) = certificates::pdf(&state, &me, &number).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/pdf"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"certificate-{number}.pdf\""),
        ))
        .body(bytes))
}
