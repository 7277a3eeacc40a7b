//! `/requests`: post, list (the task hall is `status=open`), read, timeline,
//! and `POST /requests/{id}/{action}` for every step of the loop.

use super::access::Access::{
    self, AdminOf, ContactOf, Holder, MemberOf, Owner, OwnerOrAdminOf, PartyOrAdminOf, ResidentOf, SignedIn,
};
use super::table::Routes;
use super::{DEFAULT_LIMIT, NoteBody, Page};
use crate::auth::CurrentUser;
use crate::domain::photo;
use crate::domain::request::{Action, Status, Urgency};
use crate::domain::source::Source;
use crate::domain::values::{ServiceMinutes, Stars};
use crate::domain::{CommunityId, GridId, Phone, RequestId, UserId};
use crate::error::ApiError;
use crate::extract::{ValidJson, ValidQuery, location_fields, parse_valid, validate_not_blank, validate_phone};
use crate::msg;
use crate::services::requests::{self, NewRequest, RequestFilter};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use validator::Validate;

/// `POST /requests/{id}/{action}`: every step a person takes through the
/// URL and who may try it (`domain::request`'s rule; the state decides after).
const ACTIONS: [(&str, Access); 15] = [
    ("dispatch", AdminOf),
    ("publish", AdminOf),
    ("verify", AdminOf),
    ("reclaim", AdminOf),
    ("rework", AdminOf),
    ("claim", MemberOf),
    ("accept", Holder),
    ("decline", Holder),
    ("withdraw", Holder),
    ("start", Holder),
    ("complete", Holder),
    ("review", Owner),
    ("cancel", OwnerOrAdminOf),
    ("no_show", OwnerOrAdminOf),
    ("no-show", OwnerOrAdminOf),
];

pub fn routes(r: &mut Routes) {
    r.post("/requests", SignedIn, create_request)
        .get("/requests", SignedIn, list_requests)
        // Before `/requests/{id}`.
        .get("/requests/similar", SignedIn, similar_requests)
        .get("/requests/{id}", PartyOrAdminOf, get_request)
        // Before `/requests/{id}/{action}`.
        .post("/requests/{id}/follow", ResidentOf, follow_request)
        .post("/requests/{id}/merge", AdminOf, merge_request)
        .post("/requests/{id}/check-in/confirm", AdminOf, confirm_visit)
        .get("/requests/{id}/events", PartyOrAdminOf, request_events)
        .post("/requests/{id}/photos", OwnerOrAdminOf, add_photo)
        .get("/requests/{id}/photos/{photo_id}", ContactOf, get_photo)
        .post_each("/requests/{id}/{action}", &ACTIONS, act_on_request);
}

/// `POST /requests/{id}/photos`: the image itself as the body, with its
/// `Content-Type` (JPEG, PNG or WebP; at most 5 MB, 6 per request). Read in
/// chunks and refused as soon as it is too large.
async fn add_photo(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
    req: actix_web::HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    use futures::StreamExt;
    let ct = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if photo::Format::from_content_type(&ct).is_none() {
        return Err(ApiError::PhotoUnsupported);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::MalformedBody(e.to_string()))?;
        if body.len() + chunk.len() > photo::MAX_BYTES {
            return Err(ApiError::PhotoTooLarge(
                u32::try_from(photo::MAX_BYTES >> 20).unwrap_or(5),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let added = requests::photos::add(&state, &me, id.into_inner(), &ct, body.to_vec()).await?;
    Ok(HttpResponse::Created().json(added))
}

/// `GET /requests/{id}/photos/{photo_id}`: the image, to those who may see it.
async fn get_photo(
    state: web::Data<AppState>,
    me: CurrentUser,
    path: web::Path<(RequestId, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, photo_id) = path.into_inner();
    let (content_type, bytes) = requests::photos::get(&state, &me, id, photo_id).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "private, max-age=86400"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct NewRequestBody {
    /// A `code` from `GET /categories`.
    #[validate(length(min = 1, max = 40))]
    category: String,
    #[validate(length(min = 1, max = 100), custom(function = "validate_not_blank"))]
    title: String,
    #[validate(length(max = 2000))]
    #[serde(default)]
    description: String,
    #[validate(length(min = 1, max = 200), custom(function = "validate_not_blank"))]
    address: String,
    /// Defaults to the resident's own phone.
    #[validate(custom(function = "validate_phone"))]
    contact_phone: Option<String>,
    preferred_time: Option<DateTime<Utc>>,
    urgency: Option<Urgency>,
    grid_id: Option<GridId>,
    /// 代下单: an admin or grid worker enters the request for this resident…
    resident_id: Option<UserId>,
    /// …or for the resident with this phone number (a new one gets an
    /// account, named `resident_name`).
    #[validate(custom(function = "validate_phone"))]
    resident_phone: Option<String>,
    #[validate(length(min = 1, max = 50), custom(function = "validate_not_blank"))]
    resident_name: Option<String>,
    /// 来源 of such an entry: `proxy` (default), `phone` or `walk_in`.
    source: Option<Source>,
    /// Where the service is (WGS-84), both or neither; helps matching.
    lat: Option<f64>,
    lng: Option<f64>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<Status>,
    #[validate(length(min = 1, max = 40))]
    category: Option<String>,
    grid_id: Option<GridId>,
    community_id: Option<CommunityId>,
    assignee_id: Option<UserId>,
    mine: Option<bool>,
    cursor: Option<RequestId>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
    /// Words in the title, description or address, or a request number (`#12`).
    #[validate(length(max = 100))]
    q: Option<String>,
    /// Posted on or after / on or before these local dates (YYYY-MM-DD).
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// Only open requests past their current deadline.
    overdue: Option<bool>,
    /// Only urgent ones.
    urgent: Option<bool>,
}

async fn create_request(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<NewRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let new = NewRequest {
        category: b.category,
        title: b.title,
        description: b.description,
        address: b.address,
        contact_phone: b.contact_phone.as_deref().and_then(Phone::parse),
        location: location_fields(b.lat, b.lng)?,
        preferred_time: b.preferred_time,
        urgency: b.urgency.unwrap_or_default(),
        grid_id: b.grid_id,
        resident_id: b.resident_id,
        resident_phone: b.resident_phone.as_deref().and_then(Phone::parse),
        resident_name: b.resident_name,
        source: b.source,
    };
    Ok(HttpResponse::Created().json(requests::create(&state, &me, new).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct SimilarQuery {
    #[validate(length(min = 1, max = 40))]
    category: String,
    #[validate(length(max = 100))]
    #[serde(default)]
    title: String,
    #[validate(length(max = 2000))]
    #[serde(default)]
    description: String,
    #[validate(length(max = 200))]
    #[serde(default)]
    address: String,
    lat: Option<f64>,
    lng: Option<f64>,
}

/// 邻居已反映过类似问题: what neighbours posted lately that looks like this draft.
async fn similar_requests(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<SimilarQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let draft = requests::Draft {
        title: &q.title,
        description: &q.description,
        address: &q.address,
        grid_id: me.grid_id,
        location: location_fields(q.lat, q.lng)?,
    };
    Ok(HttpResponse::Ok().json(requests::similar(&state, &me, &q.category, draft).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct FollowBody {
    /// What the resident was about to report (the draft that matched).
    #[validate(length(min = 1, max = 100))]
    title: String,
    #[validate(length(max = 2000))]
    #[serde(default)]
    description: String,
    #[validate(length(max = 200))]
    #[serde(default)]
    address: String,
}

async fn follow_request(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
    body: ValidJson<FollowBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let draft = requests::Draft {
        title: &b.title,
        description: &b.description,
        address: &b.address,
        grid_id: me.grid_id,
        location: None,
    };
    Ok(HttpResponse::Ok().json(requests::follow(&state, &me, id.into_inner(), draft).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    /// The main request the duplicate is merged into.
    into: RequestId,
    #[validate(length(max = 500))]
    note: Option<String>,
}

async fn merge_request(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
    body: ValidJson<MergeBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    Ok(HttpResponse::Ok().json(requests::merge(&state, &me, id.into_inner(), b.into, b.note).await?))
}

async fn list_requests(
    state: web::Data<AppState>,
    me: CurrentUser,
    q: ValidQuery<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let filter = RequestFilter {
        status: q.status,
        category: q.category,
        grid_id: q.grid_id,
        community_id: q.community_id,
        assignee_id: q.assignee_id,
        mine: q.mine.unwrap_or(false),
        before: q.cursor,
        limit: q.limit.unwrap_or(DEFAULT_LIMIT),
        text: q.q,
        from: q.from,
        to: q.to,
        overdue: q.overdue.unwrap_or(false),
        urgent: q.urgent.unwrap_or(false),
    };
    let (items, next_cursor) = requests::list(&state, &me, filter).await?;
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

async fn get_request(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(requests::get(&state, &me, id.into_inner()).await?))
}

async fn request_events(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(requests::events(&state, &me, id.into_inner()).await?))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct DispatchBody {
    assignee_id: UserId,
    #[validate(length(max = 500))]
    note: Option<String>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct CompleteBody {
    /// Service time in hours, travel excluded (e.g. 1.5).
    #[validate(range(exclusive_min = 0.0, max = 24.0))]
    hours: f64,
    #[validate(length(min = 1, max = 1000), custom(function = "validate_not_blank"))]
    summary: String,
    #[validate(length(max = 500))]
    note: Option<String>,
    /// 签退 proof.
    #[validate(nested)]
    proof: Option<ProofBody>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    #[validate(range(min = 1, max = 5))]
    stars: i64,
    #[validate(length(max = 500))]
    comment: Option<String>,
}

/// The action named in the URL, with its body.
type Parsed = (Action, Option<String>, Option<requests::Proof>);

fn parse_action(req: &HttpRequest, name: &str, body: &[u8]) -> Result<Parsed, ApiError> {
    let simple = |a: Action| -> Result<Parsed, ApiError> {
        let b: NoteBody = parse_valid(req, body)?;
        Ok((a, b.note, None))
    };
    match name {
        "dispatch" => {
            let b: DispatchBody = parse_valid(req, body)?;
            Ok((
                Action::Dispatch {
                    assignee: b.assignee_id,
                },
                b.note,
                None,
            ))
        }
        "complete" => {
            let b: CompleteBody = parse_valid(req, body)?;
            let minutes = ServiceMinutes::from_hours(b.hours)
                .ok_or_else(|| ApiError::field("hours", "range", msg!("field.hours.range")))?;
            Ok((
                Action::Complete {
                    minutes,
                    summary: b.summary.trim().to_owned(),
                },
                b.note,
                proof(b.proof)?,
            ))
        }
        "review" => {
            let b: ReviewBody = parse_valid(req, body)?;
            let stars =
                Stars::new(b.stars).ok_or_else(|| ApiError::field("stars", "range", msg!("field.stars.range")))?;
            Ok((
                Action::Review {
                    stars,
                    comment: b.comment.clone(),
                },
                b.comment,
                None,
            ))
        }
        "publish" => simple(Action::Publish),
        "accept" => simple(Action::Accept),
        "claim" => simple(Action::Claim),
        "decline" => simple(Action::Decline),
        "withdraw" => simple(Action::Withdraw),
        "reclaim" => simple(Action::Reclaim),
        "rework" => simple(Action::Rework),
        "no_show" | "no-show" => simple(Action::NoShow),
        "start" => {
            let b: StartBody = parse_valid(req, body)?;
            Ok((Action::Start, b.note, proof(b.proof)?))
        }
        "verify" => simple(Action::Verify),
        "cancel" => simple(Action::Cancel),
        _ => Err(ApiError::NotFound("route")),
    }
}

async fn act_on_request(
    state: web::Data<AppState>,
    me: CurrentUser,
    path: web::Path<(RequestId, String)>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = path.into_inner();
    if !super::table::lists(&ACTIONS, &name) {
        return Err(ApiError::NotFound("route"));
    }
    let (action, note, proof) = parse_action(&req, &name, &body)?;
    Ok(HttpResponse::Ok().json(requests::act_with_proof(&state, &me, id, action, proof, note).await?))
}

/// 签到 / 签退 proof: `{"method":"code","code":"4831"}` or
/// `{"method":"position","lat":…,"lng":…}`.
#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ProofBody {
    method: ProofMethod,
    #[validate(length(min = 1, max = 12))]
    code: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ProofMethod {
    Code,
    Position,
}

fn proof(b: Option<ProofBody>) -> Result<Option<requests::Proof>, ApiError> {
    let Some(b) = b else { return Ok(None) };
    Ok(Some(match b.method {
        ProofMethod::Code => requests::Proof::Code(
            b.code
                .ok_or_else(|| ApiError::field("code", "required", msg!("field.code.required")))?,
        ),
        ProofMethod::Position => requests::Proof::Position(
            location_fields(b.lat, b.lng)?
                .ok_or_else(|| ApiError::field("lat", "required", msg!("field.proof.position_required")))?,
        ),
    }))
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct StartBody {
    #[validate(length(max = 500))]
    note: Option<String>,
    #[validate(nested)]
    proof: Option<ProofBody>,
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    kind: crate::domain::check_in::VisitKind,
    #[validate(length(max = 500))]
    note: Option<String>,
}

/// An admin confirms a check-in or check-out made without proof.
async fn confirm_visit(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<RequestId>,
    body: ValidJson<ConfirmBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    Ok(HttpResponse::Ok().json(requests::confirm_visit(&state, &me, id.into_inner(), b.kind, b.note).await?))
}
