//! `/qualifications` (资质): members record their licences and
//! certificates; admins of their community verify or reject them.
//! `/qualification-kinds`: the catalogue, with the menu entries that need each.

use super::access::Access::{AdminOf, Anyone, Member, Owner, OwnerOrAdminOf, SignedIn};
use super::table::Routes;
use super::{DEFAULT_LIMIT, Page};
use crate::auth::CurrentUser;
use crate::domain::qualification::{Decision, QualificationKind, QualificationStatus};
use crate::domain::{CommunityId, QualificationId, UserId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, validate_not_blank};
use crate::i18n::Lang;
use crate::services::qualifications::{self, QualificationFilter, QualificationInput};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/qualification-kinds", Anyone, kinds)
        .get("/qualifications", SignedIn, list)
        .post("/qualifications", Member, record)
        .get("/qualifications/{id}", OwnerOrAdminOf, get)
        .put("/qualifications/{id}", Owner, edit)
        .delete("/qualifications/{id}", Owner, remove)
        .post("/qualifications/{id}/verify", AdminOf, verify)
        .post("/qualifications/{id}/reject", AdminOf, reject);
}

async fn kinds(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(qualifications::kinds(&state.db, Lang::current()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct QualificationBody {
    kind: QualificationKind,
    /// 证书编号
    #[validate(length(min = 1, max = 60), custom(function = "validate_not_blank"))]
    number: String,
    /// 发证机关
    #[validate(length(min = 1, max = 100), custom(function = "validate_not_blank"))]
    issuer: String,
    /// 有效期至 (`YYYY-MM-DD`, inclusive); required for kinds that expire.
    expires_on: Option<chrono::NaiveDate>,
    #[validate(length(max = 500))]
    note: Option<String>,
}

impl From<QualificationBody> for QualificationInput {
    fn from(b: QualificationBody) -> Self {
        QualificationInput {
            kind: b.kind,
            number: b.number,
            issuer: b.issuer,
            expires_on: b.expires_on,
            note: b.note,
        }
    }
}

async fn record(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<QualificationBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(qualifications::record(&state, &me, body.0.into()).await?))
}

async fn edit(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<QualificationId>,
    body: ValidJson<QualificationBody>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(qualifications::edit(&state, &me, id.into_inner(), body.0.into()).await?))
}

async fn remove(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<QualificationId>,
) -> Result<HttpResponse, ApiError> {
    qualifications::remove(&state, &me, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn get(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<QualificationId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(qualifications::get(&state, &me, id.into_inner()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    community_id: Option<CommunityId>,
    member_id: Option<UserId>,
    status: Option<QualificationStatus>,
    /// Only those that count now and expire within this many days.
    #[validate(range(min = 0, max = 3660))]
    expiring_within_days: Option<i64>,
    cursor: Option<QualificationId>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
}

async fn list(state: web::Data<AppState>, me: CurrentUser, q: ValidQuery<ListQuery>) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let filter = QualificationFilter {
        community_id: q.community_id,
        member_id: q.member_id,
        status: q.status,
        expiring_within_days: q.expiring_within_days,
        cursor: q.cursor,
        limit: q.limit.unwrap_or(DEFAULT_LIMIT),
    };
    let (items, next_cursor) = qualifications::list(&state, &me, filter).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

async fn verify(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<QualificationId>,
) -> Result<HttpResponse, ApiError> {
    let view = qualifications::decide(&state, &me, id.into_inner(), Decision::Verify, None).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    /// Why (the member reads it).
    #[validate(length(min = 1, max = 200), custom(function = "validate_not_blank"))]
    reason: String,
}

async fn reject(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<QualificationId>,
    body: ValidJson<RejectBody>,
) -> Result<HttpResponse, ApiError> {
    let view = qualifications::decide(&state, &me, id.into_inner(), Decision::Reject, Some(body.0.reason)).await?;
    Ok(HttpResponse::Ok().json(view))
}
