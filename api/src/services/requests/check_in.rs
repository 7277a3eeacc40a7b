//! 签到 / 签退 — a member checks in when starting and checks out when
//! completing, with proof: the resident's one-time code, a position within
//! the community's radius of the request's, or (afterwards) an admin's
//! confirmation. Without proof the step still happens unless the
//! community's rule asks for it, and the verifier sees 未签到. At check-out
//! the reported hours are held against the time on site; more than the
//! rule's tolerance beyond it is flagged for the verifier.

use super::transition::{self, Acting, Env, Note};
use super::view::{self, RequestView};
use crate::auth::CurrentUser;
use crate::domain::check_in::{self as rules, Method, VisitKind};
use crate::domain::matching::GeoPoint;
use crate::domain::rating_rule::RatingRule;
use crate::domain::request::{Action, Status};
use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::Msg;
use crate::msg;
use crate::services::{rules as community_rules, scope};
use crate::state::AppState;
use crate::store::{self, requests::HelpRequest, visits::NewVisit, visits::Visit};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// What the member shows.
#[derive(Debug, Clone)]
pub enum Proof {
    /// The resident's code, as typed.
    Code(String),
    /// Where the member is.
    Position(GeoPoint),
}

/// Which code a transition calls for next: accepting (or claiming) makes
/// the check-in code, starting the check-out code.
pub(super) fn code_needed(action: &Action) -> Option<VisitKind> {
    match action {
        Action::Accept | Action::Claim => Some(VisitKind::In),
        // A redone job (an upheld dispute) is checked out again.
        Action::Start | Action::Redo | Action::Rework => Some(VisitKind::Out),
        _ => None,
    }
}

fn fresh_code() -> String {
    rules::code_from(rand::random::<u32>())
}

pub(super) async fn issue_code(
    db: &impl ConnectionTrait,
    id: RequestId,
    kind: VisitKind,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    store::visits::new_code(db, id, kind, &fresh_code(), now).await
}

/// A proof checked before the transition: how, and what to record.
struct Checked {
    method: Method,
    location: Option<GeoPoint>,
    distance_m: Option<i32>,
    /// The code row to use once, in the transition's transaction.
    code: Option<(i64, String)>,
}

fn field(name: &str, code: &str, m: Msg) -> ApiError {
    ApiError::field(name, code, m)
}

/// Checks a proof against the request (a wrong code is counted, in a
/// transaction of its own, so it counts even though the step fails).
async fn check(
    app: &AppState,
    req: &HelpRequest,
    rule: &RatingRule,
    kind: VisitKind,
    proof: Option<Proof>,
) -> Result<Checked, ApiError> {
    match proof {
        None if rule.check_in_required => Err(field("proof", "required", msg!("field.proof.required"))),
        None => Ok(Checked {
            method: Method::None,
            location: None,
            distance_m: None,
            code: None,
        }),
        Some(Proof::Position(at)) => {
            let Some(place) = req.location else {
                return Err(field("proof", "no_location", msg!("field.proof.no_location")));
            };
            let d = rules::distance_m(at, place);
            if !rules::near_enough(d, rule.check_in_radius_m) {
                return Err(field(
                    "proof",
                    "too_far",
                    msg!("field.proof.too_far", distance = d, radius = rule.check_in_radius_m),
                ));
            }
            Ok(Checked {
                method: Method::Position,
                location: Some(at),
                distance_m: Some(d),
                code: None,
            })
        }
        Some(Proof::Code(typed)) => {
            let current = store::visits::current_code(&app.db, req.id, kind)
                .await?
                .filter(|c| !c.used)
                .ok_or_else(|| field("code", "none", msg!("field.code.none")))?;
            // Every try is counted before it is compared, in a transaction
            // of its own (it counts even though the step may fail), so tries
            // made at once cannot outnumber the limit.
            let txn = store::begin_write(&app.writer).await?;
            let tries = store::visits::claim_try(&txn, current.id, &current.code, rules::MAX_ATTEMPTS).await?;
            let right = tries.is_some() && rules::code_matches(&typed, &current.code);
            let replaced = !right && tries.is_none_or(|n| n >= rules::MAX_ATTEMPTS);
            if replaced {
                store::visits::replace(&txn, current.id, &current.code, &fresh_code()).await?;
            }
            txn.commit().await?;
            if right {
                return Ok(Checked {
                    method: Method::Code,
                    location: None,
                    distance_m: None,
                    code: Some((current.id, current.code)),
                });
            }
            Err(if replaced {
                field("code", "replaced", msg!("field.code.replaced"))
            } else {
                field(
                    "code",
                    "wrong",
                    msg!("field.code.wrong", left = rules::MAX_ATTEMPTS - tries.unwrap_or(0)),
                )
            })
        }
    }
}

/// The timeline's words for a proof.
fn note_of(kind: VisitKind, c: &Checked, text: Option<String>) -> Note {
    let key = match (kind, c.method) {
        (VisitKind::In, Method::Code) => "timeline.check_in.code",
        (VisitKind::In, Method::Position) => "timeline.check_in.position",
        (VisitKind::In, _) => "timeline.check_in.none",
        (VisitKind::Out, Method::Code) => "timeline.check_out.code",
        (VisitKind::Out, Method::Position) => "timeline.check_out.position",
        (VisitKind::Out, _) => "timeline.check_out.none",
    };
    // Metres read the same in both languages.
    let distance = c.distance_m.map(|d| format!("{d} m"));
    let text = match (distance, text.filter(|t| !t.trim().is_empty())) {
        (Some(d), Some(t)) => Some(format!("{d}；{t}")),
        (d, t) => d.or(t),
    };
    Note { text, key: Some(key) }
}

/// Start (check in) or complete (check out) with an optional proof.
pub async fn act(
    app: &AppState,
    me: &CurrentUser,
    id: RequestId,
    action: Action,
    proof: Option<Proof>,
    text: Option<String>,
) -> Result<RequestView, ApiError> {
    let kind = match action {
        Action::Start => VisitKind::In,
        Action::Complete { .. } => VisitKind::Out,
        other => return transition::act(app, me, id, other, text).await,
    };
    let req = super::load(&app.db, id).await?;
    // Only the holder's proof is looked at; anyone else hears why not from the state machine.
    if req.assignee_id != Some(me.id) {
        return transition::act(app, me, id, action, text).await;
    }
    let rule = community_rules::kept(&app.reference, &app.db, req.community_id).await?;
    let checked = check(app, &req, &rule, kind, proof).await?;
    let note = note_of(kind, &checked, text);
    // When the member checked in (read before the write lock; it is fixed by now).
    let checked_in_at = match action {
        Action::Complete { .. } => store::visits::of_request(&app.db, id)
            .await?
            .into_iter()
            .rev()
            .find(|v| v.kind == VisitKind::In)
            .map(|v| v.created_at),
        _ => None,
    };
    let mut last = ApiError::Conflict;
    // The first try decides on the request as read above; a retry reads it again.
    let mut read = Some(req);
    for _ in 0..3 {
        let env = Env::of(app);
        // Decide on the pool; hold SQLite's one writer only to write.
        let planned = match read.take() {
            Some(before) => transition::plan_from(&app.db, env, Acting::Person(me), before, &action, &note).await?,
            None => transition::plan(&app.db, env, Acting::Person(me), id, &action, &note).await?,
        };
        let txn = store::begin_write(&app.writer).await?;
        match write(
            &txn,
            env,
            me,
            planned,
            &action,
            &checked,
            &note,
            kind,
            (rule.hours_tolerance_minutes, checked_in_at),
        )
        .await
        {
            Ok(out) => {
                txn.commit().await?;
                transition::after_commit(app, out.credit, out.live).await;
                let viewer = scope::viewer(&app.db, me).await?;
                return view::one(app, &viewer, &out.request, env.now).await;
            }
            Err(ApiError::Conflict) => {
                txn.rollback().await?;
                last = ApiError::Conflict;
            }
            Err(e) => {
                txn.rollback().await?;
                return Err(e);
            }
        }
    }
    Err(last)
}

#[allow(clippy::too_many_arguments)]
async fn write(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    me: &CurrentUser,
    planned: transition::Plan,
    action: &Action,
    checked: &Checked,
    note: &Note,
    kind: VisitKind,
    (tolerance, checked_in_at): (u32, Option<DateTime<Utc>>),
) -> Result<transition::Outcome, ApiError> {
    let out = transition::write(db, env, Acting::Person(me), planned, action, note).await?;
    let id = out.request.id;
    if let Some((code_id, code)) = &checked.code
        && !store::visits::consume(db, *code_id, code, env.now).await?
    {
        // Used or replaced since it was checked.
        return Err(field("code", "none", msg!("field.code.none")));
    }
    let (on_site, reported, flagged) = match action {
        Action::Complete { minutes, .. } => {
            let on_site = checked_in_at.map(|s| i32::try_from((env.now - s).num_minutes()).unwrap_or(i32::MAX));
            let flagged = on_site.is_some_and(|o| rules::hours_flagged(minutes.minutes(), o, tolerance));
            (on_site, Some(minutes.minutes()), flagged)
        }
        _ => (None, None, false),
    };
    store::visits::insert(
        db,
        NewVisit {
            request_id: id,
            kind,
            method: checked.method,
            location: checked.location,
            distance_m: checked.distance_m,
            on_site_minutes: on_site,
            reported_minutes: reported,
            hours_flagged: flagged,
            actor_id: me.id,
            note: None,
        },
        env.now,
    )
    .await?;
    Ok(out)
}

/// An admin confirms a visit made without proof (管理员确认): a row of its own.
pub async fn confirm(
    app: &AppState,
    me: &CurrentUser,
    id: RequestId,
    kind: VisitKind,
    note: Option<String>,
) -> Result<RequestView, ApiError> {
    let db = &app.db;
    let req = super::load(db, id).await?;
    scope::require_admin_of(db, me, req.community_id).await?;
    let visits = store::visits::of_request(db, id).await?;
    let latest = visits.iter().rev().find(|v| v.kind == kind);
    match latest {
        None => return Err(field("kind", "none", msg!("field.visit.none"))),
        Some(v) if v.method != Method::None => {
            return Err(field("kind", "proved", msg!("field.visit.proved")));
        }
        Some(_) => {}
    }
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    store::visits::insert(
        &txn,
        NewVisit {
            request_id: id,
            kind,
            method: Method::Admin,
            location: None,
            distance_m: None,
            on_site_minutes: None,
            reported_minutes: None,
            hours_flagged: false,
            actor_id: me.id,
            note: note.as_deref(),
        },
        now,
    )
    .await?;
    crate::services::audit::log(
        &txn,
        now,
        me.id,
        Some(req.community_id),
        &format!("visit.confirm_{}", kind.as_str()),
        ("request", Some(id.0)),
        serde_json::json!({ "note": note }),
    )
    .await?;
    txn.commit().await?;
    let viewer = scope::viewer(db, me).await?;
    view::one(app, &viewer, &req, now).await
}

/// One visit as shown.
#[derive(Debug, Serialize)]
pub struct VisitView {
    pub method: Method,
    pub method_label: String,
    pub at: DateTime<Utc>,
    pub distance_m: Option<i32>,
    /// An admin confirmed it afterwards.
    pub confirmed_by_admin: bool,
}

/// Check-in and check-out of the current visit, to the holder, the requester and admins.
#[derive(Debug, Serialize)]
pub struct CheckInView {
    pub check_in: Option<VisitView>,
    pub check_out: Option<VisitView>,
    pub on_site_minutes: Option<i32>,
    pub reported_minutes: Option<i32>,
    /// Reported more than the time on site plus the tolerance (the verifier looks).
    pub hours_flagged: bool,
}

/// The resident's current code, shown to the requester only.
#[derive(Debug, Serialize)]
pub struct CodeView {
    pub kind: VisitKind,
    pub code: String,
}

fn visit_view(vs: &[&Visit], lang: Lang) -> Option<VisitView> {
    // The latest proved step (a redone completion checks out again); an
    // admin's confirmation marks it.
    let first = vs.iter().rev().find(|v| v.method != Method::Admin).or(vs.last())?;
    let admin = vs.iter().any(|v| v.method == Method::Admin);
    let method = if admin { Method::Admin } else { first.method };
    Some(VisitView {
        method,
        method_label: Msg::new(format!("visit.method.{}", method.as_str())).render(lang),
        at: first.created_at,
        distance_m: first.distance_m,
        confirmed_by_admin: admin,
    })
}

/// What the single view of a request adds about visits for this viewer.
pub(super) async fn details(
    db: &impl ConnectionTrait,
    req: &HelpRequest,
    viewer: UserId,
    admin: bool,
) -> Result<(Option<CheckInView>, Option<CodeView>), ApiError> {
    let requester = req.state().is_requester(viewer);
    let holder = req.assignee_id == Some(viewer);
    if !(requester || holder || admin) || !req.status.has_assignee() {
        return Ok((None, None));
    }
    let code = match (requester, req.status) {
        (true, Status::Accepted) => Some(VisitKind::In),
        (true, Status::InProgress) => Some(VisitKind::Out),
        _ => None,
    };
    let code = match code {
        Some(kind) => {
            let mut current = store::visits::current_code(db, req.id, kind).await?;
            // Accepted before codes existed: made on the requester's first look.
            if current.is_none() {
                issue_code(db, req.id, kind, req.updated_at).await?;
                current = store::visits::current_code(db, req.id, kind).await?;
            }
            current.filter(|c| !c.used).map(|c| CodeView { kind, code: c.code })
        }
        None => None,
    };
    let visits = store::visits::of_request(db, req.id).await?;
    let summary = summarise(&visits, req.status, Lang::current());
    Ok((Some(summary), code))
}

/// The current visit of a request from its visits (oldest first): from the
/// latest check-in on. Without any check-in, `check_in` is `None` — 未签到
/// to the verifier. While the work is (again) in progress there is no
/// check-out yet: an earlier one belongs to work sent back.
pub(super) fn summarise(visits: &[Visit], status: Status, lang: Lang) -> CheckInView {
    let start = visits
        .iter()
        .rposition(|v| v.kind == VisitKind::In && v.method != Method::Admin);
    let current = start.map_or(&[][..], |s| &visits[s..]);
    let ins: Vec<&Visit> = current.iter().filter(|v| v.kind == VisitKind::In).collect();
    let outs: Vec<&Visit> = current
        .iter()
        .filter(|v| v.kind == VisitKind::Out && status != Status::InProgress)
        .collect();
    let out_row = outs.iter().rev().find(|v| v.method != Method::Admin);
    CheckInView {
        check_in: visit_view(&ins, lang),
        check_out: visit_view(&outs, lang),
        on_site_minutes: out_row.and_then(|v| v.on_site_minutes),
        reported_minutes: out_row.and_then(|v| v.reported_minutes),
        hours_flagged: out_row.is_some_and(|v| v.hours_flagged),
    }
}

/// For admins' lists (the verify queue): each completed request's visit
/// summary, so the verifier sees 未签到 and flagged hours without opening it.
pub(super) async fn for_verifier(
    db: &impl ConnectionTrait,
    rows: &[&HelpRequest],
) -> Result<std::collections::HashMap<RequestId, CheckInView>, ApiError> {
    let mut visits = store::visits::of_requests(db, rows.iter().map(|r| r.id).collect()).await?;
    let lang = Lang::current();
    Ok(rows
        .iter()
        .map(|r| {
            let vs = visits.remove(&r.id).unwrap_or_default();
            (r.id, summarise(&vs, r.status, lang))
        })
        .collect())
}
