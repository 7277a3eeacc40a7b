//! What callers see of requests and their timelines, masked per viewer.

use crate::domain::mask::{mask_address, mask_name};
use crate::domain::phone::mask_phone;
use crate::domain::rating_rule::RatingRule;
use crate::domain::request::{self, Actor, Person, Status, Step, Urgency};
use crate::domain::scope::Viewer;
use crate::domain::source::Source;
use crate::domain::{CommunityId, GridId, RequestId, Role, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::{self, Msg};
use crate::msg;
use crate::services::members::Location;
use crate::services::qualifications::QualificationRef;
use crate::services::{directory, rules};
use crate::state::AppState;
use crate::store::{self, requests::Event, requests::HelpRequest, users::User};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct PersonRef {
    pub id: UserId,
    pub name: String,
    /// The holder's phone, to call them: for admins, and for the requester
    /// while the holder is serving them (PIPL: need to know).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CategoryRef {
    pub code: String,
    pub name: String,
    /// The qualification (资质) a member needs to serve it, if any.
    pub qualification: Option<QualificationRef>,
}

#[derive(Debug, Serialize)]
pub struct RequestView {
    pub id: RequestId,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    pub category: CategoryRef,
    pub title: String,
    pub description: String,
    pub address: String,
    pub resident: PersonRef,
    /// Masked (`138****1234`) unless the viewer needs it.
    pub contact_phone: String,
    /// Where the service is (`{lat, lng}`), to those who may see the contact.
    pub location: Option<Location>,
    /// True when someone else (grid worker, family) entered it for the resident.
    pub on_behalf: bool,
    /// 代下单: who entered it for the resident (a grid worker, an admin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<PersonRef>,
    /// 来源: `app`, `proxy`, `phone`, `walk_in`, `hotline` (12345), `open311`.
    pub source: Source,
    pub source_label: String,
    /// To admins: its number where it came from (a 12345 工单编号).
    pub external_ref: Option<String>,
    pub status: Status,
    pub status_label: String,
    pub assignee: Option<PersonRef>,
    pub preferred_time: Option<DateTime<Utc>>,
    pub urgency: Urgency,
    pub due_at: Option<DateTime<Utc>>,
    pub hours: Option<f64>,
    pub summary: Option<String>,
    pub rating: Option<i16>,
    pub review_comment: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The requester disputes the reported completion (争议): an admin
    /// rules before it can be verified (`GET /appeals?request_id=`).
    pub disputed: bool,
    /// A duplicate merged into this request (its status is cancelled; the
    /// label says 已合并).
    pub merged_into: Option<RequestId>,
    /// To admins: the earlier request this one looked like when posted (疑似重复).
    pub similar_to: Option<RequestId>,
    /// The caller follows it (关注) without being party to it.
    pub following: bool,
    /// An occurrence of a recurring service (周期服务).
    pub occurrence: Option<OccurrenceRef>,
    /// 签到 / 签退 of the current visit (single views, to the holder, the
    /// requester and admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in: Option<super::check_in::CheckInView>,
    /// The resident's one-time code for the next step (single views, to the
    /// requester only): tell it to the member when they arrive / finish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_code: Option<super::check_in::CodeView>,
    /// Photos (single views, to those who see the resident's contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<super::photos::PhotoRef>>,
    /// What the caller may do to it now (the state machine's answer): the
    /// screens offer exactly these.
    pub allowed_actions: Vec<Step>,
}

/// Which recurring service a request is an occurrence of, and its day.
#[derive(Debug, Serialize)]
pub struct OccurrenceRef {
    pub series_id: i64,
    pub on: chrono::NaiveDate,
}

/// Who wrote a timeline line: a person, or 系统 (`id` null).
#[derive(Debug, Serialize)]
pub struct ActorRef {
    pub id: Option<UserId>,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub id: i64,
    pub action: Step,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub to_label: String,
    pub actor: ActorRef,
    /// `resident`, `member`, `admin`, `street_admin`, or `system`.
    pub actor_role: String,
    /// The note as one line: the system's words and what a person wrote.
    pub note: Option<String>,
    /// The system's words of the note (社区收回, 系统…), in the reader's language.
    pub note_label: Option<String>,
    /// What a person wrote (a reason), as they wrote it.
    pub note_text: Option<String>,
    pub at: DateTime<Utc>,
}

pub(super) fn status_label(s: Status, lang: Lang) -> String {
    messages::status(s).render(lang)
}

impl PersonRef {
    /// Someone by their full name (`users` from `store::users::by_ids`).
    pub fn named(users: &HashMap<UserId, User>, id: UserId) -> PersonRef {
        PersonRef {
            id,
            name: users.get(&id).map(|u| u.name.clone()).unwrap_or_default(),
            phone: None,
        }
    }
}

fn person(users: &HashMap<UserId, User>, id: UserId, reveal: bool) -> PersonRef {
    let name = users.get(&id).map(|u| u.name.as_str()).unwrap_or("");
    PersonRef {
        id,
        name: if reveal { name.to_owned() } else { mask_name(name) },
        phone: None,
    }
}

/// Who entered it for the resident, if someone did.
fn proxy_of(r: &HelpRequest) -> Option<UserId> {
    (r.entered_by != r.resident_id).then_some(r.entered_by)
}

/// 代下单: the person who entered it — staff (a grid worker, an admin) by
/// name; anyone else as the resident's own name is shown.
fn entered_by(users: &HashMap<UserId, User>, r: &HelpRequest, reveal: bool) -> Option<PersonRef> {
    let id = proxy_of(r)?;
    let staff = users.get(&id).is_some_and(|u| u.role.is_staff());
    Some(person(users, id, staff || reveal))
}

/// The viewer as the state machine sees them, for this request.
pub(super) fn actor_for(viewer: &Viewer, r: &HelpRequest) -> Actor {
    Actor::Person(Person {
        id: viewer.id,
        admin_here: viewer.administers(r.community_id),
        member_here: viewer.role == Role::Member && viewer.community_id == r.community_id,
    })
}

/// Builds views for many requests with one query for the people (the
/// categories come from the kept menu), no N+1.
pub(super) async fn many(
    app: &AppState,
    viewer: &Viewer,
    rows: &[HelpRequest],
    now: DateTime<Utc>,
) -> Result<Vec<RequestView>, ApiError> {
    let db = &app.db;
    let ids = rows
        .iter()
        .flat_map(|r| [Some(r.resident_id), r.assignee_id, proxy_of(r)])
        .flatten()
        .collect();
    let users = store::users::by_ids(db, ids).await?;
    many_with(app, viewer, rows, &users, now).await
}

/// [`many`] with the people the rows name already read.
pub(super) async fn many_with(
    app: &AppState,
    viewer: &Viewer,
    rows: &[HelpRequest],
    users: &HashMap<UserId, User>,
    now: DateTime<Utc>,
) -> Result<Vec<RequestView>, ApiError> {
    let db = &app.db;
    // 签到 for the verifier: completed work in an admin's list.
    let visits =
        super::check_in::for_verifier(db, &rows.iter().filter(|r| for_verifier(viewer, r)).collect::<Vec<_>>()).await?;
    assemble(app, viewer, rows, users, visits, now).await
}

/// Completed work that an admin is to verify: its 签到 summary shows even
/// when there was no check-in at all (未签到).
fn for_verifier(viewer: &Viewer, r: &HelpRequest) -> bool {
    matches!(r.status, Status::Completed | Status::Reviewed) && viewer.administers(r.community_id)
}

/// The views of `rows`, from the people and check-in summaries already read.
async fn assemble(
    app: &AppState,
    viewer: &Viewer,
    rows: &[HelpRequest],
    users: &HashMap<UserId, User>,
    mut visits: HashMap<RequestId, super::check_in::CheckInView>,
    now: DateTime<Utc>,
) -> Result<Vec<RequestView>, ApiError> {
    let db = &app.db;
    // The time to rate matters only for completed requests (one read per community).
    let review_days = rules::review_days(
        db,
        rows.iter()
            .filter(|r| r.status == Status::Completed)
            .map(|r| r.community_id)
            .collect(),
        Some(&app.reference),
    )
    .await?;
    let menu = directory::menu(app).await?;
    let cats: std::collections::HashMap<_, _> = menu.iter().map(|c| (c.id, c)).collect();
    let lang = Lang::current();
    Ok(rows
        .iter()
        .map(|r| {
            let vis = r.visibility();
            let reveal = viewer.sees_contact(&vis);
            let admin = viewer.administers(r.community_id);
            let requester = r.resident_id == viewer.id || r.entered_by == viewer.id;
            let cat = cats.get(&r.category_id);
            RequestView {
                id: r.id,
                community_id: r.community_id,
                grid_id: r.grid_id,
                category: CategoryRef {
                    code: cat.map(|c| c.code.clone()).unwrap_or_default(),
                    name: cat
                        .map(|c| lang.pick(&c.name_zh, &c.name_en).to_owned())
                        .unwrap_or_default(),
                    qualification: cat.and_then(|c| c.qualification).map(|k| QualificationRef::of(k, lang)),
                },
                title: r.title.clone(),
                description: r.description.clone(),
                // A follower (关注) who is none of the request's own people
                // learns the place, not the door.
                address: if viewer.follows.contains(&r.id) && !admin && !requester && r.assignee_id != Some(viewer.id) {
                    mask_address(&r.address)
                } else {
                    r.address.clone()
                },
                resident: person(users, r.resident_id, reveal),
                location: r.location.filter(|_| reveal).map(|g| Location {
                    lat: g.lat(),
                    lng: g.lng(),
                }),
                contact_phone: if reveal {
                    r.contact_phone.clone()
                } else {
                    mask_phone(&r.contact_phone)
                },
                on_behalf: r.entered_by != r.resident_id,
                entered_by: entered_by(users, r, reveal),
                source: r.source,
                source_label: Msg::new(r.source.label_key()).render(lang),
                external_ref: r.external_ref.clone().filter(|_| admin),
                status: r.status,
                status_label: if r.merged_into.is_some() {
                    msg!("status.merged").render(lang)
                } else {
                    status_label(r.status, lang)
                },
                assignee: r.assignee_id.map(|a| {
                    let mut p = person(users, a, admin || requester || a == viewer.id);
                    if admin || (requester && r.status.is_active_service()) {
                        p.phone = users.get(&a).map(|u| u.phone.clone());
                    }
                    p
                }),
                preferred_time: r.preferred_time,
                urgency: r.urgency,
                due_at: r.due_at,
                hours: r.service_minutes.map(|m| f64::from(m) / 60.0),
                summary: r.summary.clone(),
                rating: r.rating,
                review_comment: r.review_comment.clone(),
                version: r.version,
                created_at: r.created_at,
                updated_at: r.updated_at,
                closed_at: r.closed_at,
                disputed: r.disputed,
                merged_into: r.merged_into,
                similar_to: r.similar_to.filter(|_| admin),
                following: viewer.follows.contains(&r.id),
                occurrence: r.occurrence.map(|(series_id, on)| OccurrenceRef { series_id, on }),
                check_in: visits.remove(&r.id),
                visit_code: None,
                photos: None,
                allowed_actions: {
                    let mut state = r.state();
                    let days = review_days
                        .get(&r.community_id)
                        .copied()
                        .unwrap_or_else(|| i64::from(RatingRule::default().review_days));
                    state.lapsed = super::transition::lapsed_at(r, days, now);
                    request::allowed(&state, &actor_for(viewer, r))
                },
            }
        })
        .collect())
}

pub(super) async fn one(
    app: &AppState,
    viewer: &Viewer,
    r: &HelpRequest,
    now: DateTime<Utc>,
) -> Result<RequestView, ApiError> {
    let db = &app.db;
    let users = store::users::by_ids(
        db,
        [Some(r.resident_id), r.assignee_id, proxy_of(r)]
            .into_iter()
            .flatten()
            .collect(),
    )
    .await?;
    let (check_in, code) = super::check_in::details(db, r, viewer.id, viewer.administers(r.community_id)).await?;
    // Shown when there was a check-in, and to the verifier also when there was none (未签到).
    let visits = check_in
        .filter(|c| c.check_in.is_some() || for_verifier(viewer, r))
        .map(|c| (r.id, c))
        .into_iter()
        .collect();
    let mut v = assemble(app, viewer, std::slice::from_ref(r), &users, visits, now)
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("empty view")))?;
    v.visit_code = code;
    if viewer.sees_contact(&r.visibility()) {
        let ids = store::photos::ids_of(db, r.id).await?;
        v.photos = Some(ids.into_iter().map(|p| super::photos::photo_ref(r.id, p)).collect());
    }
    Ok(v)
}

pub(super) async fn events(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    req: &HelpRequest,
    rows: Vec<Event>,
) -> Result<Vec<EventView>, ApiError> {
    let users = store::users::by_ids(db, rows.iter().filter_map(|e| e.actor_id).collect()).await?;
    let requester = req.resident_id == viewer.id || req.entered_by == viewer.id;
    let admin = viewer.administers(req.community_id);
    let lang = Lang::current();
    Ok(rows
        .into_iter()
        .map(|e| {
            let (actor, role) = match e.actor_id {
                Some(id) => {
                    let reveal = admin || requester || id == viewer.id;
                    let p = person(&users, id, reveal);
                    let role = users.get(&id).map(|u| u.role.as_str()).unwrap_or_default();
                    (
                        ActorRef {
                            id: Some(p.id),
                            name: p.name,
                        },
                        role.to_owned(),
                    )
                }
                None => (
                    ActorRef {
                        id: None,
                        name: msg!("timeline.system").render(lang),
                    },
                    "system".to_owned(),
                ),
            };
            let note_label = e.note_key.as_ref().map(|k| Msg::new(k.clone()).render(lang));
            let note = match (&e.note_key, &e.note) {
                (Some(k), Some(n)) => {
                    Some(msg!("timeline.with_text", note = Msg::new(k.clone()), text = n).render(lang))
                }
                (_, n) => note_label.clone().or_else(|| n.clone()),
            };
            EventView {
                id: e.id,
                to_label: if e.step == Step::Merge && e.to_status == Status::Cancelled {
                    msg!("status.merged").render(lang)
                } else {
                    status_label(e.to_status, lang)
                },
                action: e.step,
                from_status: e.from_status,
                to_status: e.to_status,
                actor,
                actor_role: role,
                note,
                note_label,
                note_text: e.note,
                at: e.created_at,
            }
        })
        .collect())
}
