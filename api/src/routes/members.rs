//! `/members`: 报到 (register), review (approve / suspend / reinstate /
//! clear-flag), list,
//! update, and bulk import from CSV.

use super::access::Access::{self, AdminOf, Member, NotAdmin, OwnerOrAdminOf};
use super::table::Routes;
use super::{DEFAULT_LIMIT, NoteBody, Page};
use crate::auth::CurrentUser;
use crate::domain::matching::{Availability, Window};
use crate::domain::member::{MemberKind, MemberStatus, Review};
use crate::domain::{CommunityId, GridId, UserId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, location_fields};
use crate::services::members::{self, MemberFilter, MemberInput, import::MAX_ROWS};
use crate::services::{ledger, scope};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use validator::{Validate, ValidationError};

/// `POST /members/{id}/{review}`: the reviews and who may make them.
const REVIEWS: [(&str, Access); 4] = [
    ("approve", AdminOf),
    ("suspend", AdminOf),
    ("reinstate", AdminOf),
    ("clear-flag", AdminOf),
];

pub fn routes(r: &mut Routes) {
    r.post("/members", NotAdmin, register)
        .get("/members", AdminOf, list)
        .post("/members/import", AdminOf, import)
        .get("/members/me", Member, get_mine)
        .get("/members/{id}", OwnerOrAdminOf, get)
        .put("/members/{id}", OwnerOrAdminOf, update)
        .post_each("/members/{id}/{review}", &REVIEWS, review);
}

fn validate_posts(posts: &[String]) -> Result<(), ValidationError> {
    if posts.iter().all(|p| p.chars().count() <= 50) {
        Ok(())
    } else {
        Err(ValidationError::new("length"))
    }
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct MemberBody {
    kind: MemberKind,
    #[validate(length(max = 100))]
    employer: Option<String>,
    #[validate(length(max = 100))]
    party_branch: Option<String>,
    /// Service-menu codes (`GET /categories`).
    #[validate(length(max = 20))]
    #[serde(default)]
    skills: Vec<String>,
    /// 认领岗位.
    #[validate(length(max = 10), custom(function = "validate_posts"))]
    #[serde(default)]
    preferred_posts: Vec<String>,
    /// `[{"weekday": 6, "start": "09:00", "end": "12:00"}]`, local time.
    #[validate(length(max = 28))]
    #[serde(default)]
    availability: Vec<Window>,
    max_active: Option<i32>,
    lat: Option<f64>,
    lng: Option<f64>,
    grid_id: Option<GridId>,
    /// 光荣榜 — may the member be shown by name (else 张*)? Left out = unchanged.
    publish_consent: Option<bool>,
}

impl MemberBody {
    fn into_input(self) -> Result<MemberInput, ApiError> {
        Ok(MemberInput {
            location: location_fields(self.lat, self.lng)?,
            kind: self.kind,
            employer: self.employer,
            party_branch: self.party_branch,
            skills: self.skills,
            preferred_posts: self.preferred_posts,
            availability: Availability::new(self.availability),
            max_active: self.max_active,
            grid_id: self.grid_id,
            publish_consent: self.publish_consent,
        })
    }
}

/// 报到 — the caller registers at their own community; an admin approves.
async fn register(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<MemberBody>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0.into_input()?;
    Ok(HttpResponse::Created().json(members::register(&state, &me, input).await?))
}

async fn update(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<UserId>,
    body: ValidJson<MemberBody>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0.into_input()?;
    Ok(HttpResponse::Ok().json(members::update(&state, &me, id.into_inner(), input).await?))
}

/// One registration with the member's standing: points, hours, star level
/// (current, hours to the next, when each was reached).
#[derive(serde::Serialize)]
struct MemberDetail {
    #[serde(flatten)]
    member: members::MemberView,
    service: ledger::ServiceSummary,
}

async fn detail(state: &AppState, me: &CurrentUser, id: UserId) -> Result<HttpResponse, ApiError> {
    let member = members::get(state, me, id).await?;
    let service = ledger::summary(state, id).await?;
    Ok(HttpResponse::Ok().json(MemberDetail { member, service }))
}

async fn get(state: web::Data<AppState>, me: CurrentUser, id: web::Path<UserId>) -> Result<HttpResponse, ApiError> {
    detail(&state, &me, id.into_inner()).await
}

async fn get_mine(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    detail(&state, &me, me.id).await
}

async fn review(
    state: web::Data<AppState>,
    me: CurrentUser,
    path: web::Path<(UserId, String)>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = path.into_inner();
    if !super::table::lists(&REVIEWS, &name) {
        return Err(ApiError::NotFound("route"));
    }
    let action = match name.as_str() {
        "approve" => Review::Approve,
        "suspend" => Review::Suspend,
        "reinstate" => Review::Reinstate,
        // The no-show flag: the admin has talked to them.
        "clear-flag" => return Ok(HttpResponse::Ok().json(members::clear_flag(&state, &me, id).await?)),
        _ => return Err(ApiError::NotFound("route")),
    };
    // The note says why (shown to the member), e.g. the reason for a suspension.
    let b: NoteBody = crate::extract::parse_valid(&req, &body)?;
    Ok(HttpResponse::Ok().json(members::review(&state, &me, id, action, b.note).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    community_id: Option<CommunityId>,
    status: Option<MemberStatus>,
    kind: Option<MemberKind>,
    /// A service-menu code.
    #[validate(length(min = 1, max = 40))]
    skill: Option<String>,
    grid_id: Option<GridId>,
    #[validate(length(min = 1, max = 100))]
    employer: Option<String>,
    cursor: Option<UserId>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
}

async fn list(state: web::Data<AppState>, me: CurrentUser, q: ValidQuery<ListQuery>) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let filter = MemberFilter {
        community_id: q.community_id,
        status: q.status,
        kind: q.kind,
        skill: q.skill,
        grid_id: q.grid_id,
        employer: q.employer,
        cursor: q.cursor,
        limit: q.limit.unwrap_or(DEFAULT_LIMIT),
    };
    let (items, next_cursor) = members::list(&state, &me, filter).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    community_id: Option<CommunityId>,
}

/// Roughly 400 bytes a row is far more than a roster line needs.
const MAX_IMPORT_BYTES: usize = MAX_ROWS * 400;

/// `POST /members/import` with a `text/csv` body (UTF-8).
async fn import(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<ImportQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    scope::require_admin(&me)?;
    let text = super::csv_body(&req, payload, MAX_IMPORT_BYTES).await?;
    let report = members::import_csv(&state, &me, q.0.community_id, &text).await?;
    Ok(HttpResponse::Created().json(report))
}
