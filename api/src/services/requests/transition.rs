//! Every state change of a request: decided by the pure state machine,
//! written by one version-guarded UPDATE plus its timeline event and its
//! notices, inside the caller's transaction ([`act_in`]). [`act`] is the
//! thin wrapper for one person's action: it owns the transaction, retries a
//! race lost to an unrelated change, and after commit moves the honor
//! boards and publishes the live events. When two people act at once, the
//! UPDATE of exactly one of them matches; the others are told why they lost
//! (e.g. `request.already_taken`).

use super::no_show;
use super::view::{self, RequestView};
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::domain::board::Delta;
use crate::domain::notify as notices;
use crate::domain::request::{self, Action, Actor, Lapsed, Person, Status};
use crate::domain::{RequestId, Role, UserId};
use crate::error::ApiError;
use crate::infra::live::LiveEvent;
use crate::msg;
use crate::services::members::{self, Room};
use crate::services::{ledger, notify, qualifications, rules, scope};
use crate::state::{AppState, Reference};
use crate::store::{self, requests::HelpRequest, requests::NewEvent};
use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::ConnectionTrait;

/// How often a transition is tried again after losing a race to an unrelated change.
const ATTEMPTS: usize = 3;

/// What a transition needs besides the connection: configuration and the
/// one clock's reading for this unit of work.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub settings: &'a Settings,
    /// This replica's kept reference data (menu, communities, rules).
    pub reference: &'a Reference,
    pub now: DateTime<Utc>,
    pub offset: FixedOffset,
}

impl<'a> Env<'a> {
    pub fn of(app: &'a AppState) -> Env<'a> {
        Env {
            settings: &app.settings,
            reference: &app.reference,
            now: app.clock.now(),
            offset: app.local_offset,
        }
    }
}

/// Who acts: a signed-in person, or the system (sweeper, generators).
#[derive(Clone, Copy)]
pub enum Acting<'a> {
    Person(&'a CurrentUser),
    System,
}

impl Acting<'_> {
    fn id(&self) -> Option<UserId> {
        match self {
            Acting::Person(me) => Some(me.id),
            Acting::System => None,
        }
    }
}

/// What a transition wrote, and what to do once its transaction commits.
#[must_use = "commit, then hand the outcome to `after_commit`"]
pub struct Outcome {
    /// The request as written.
    pub request: HelpRequest,
    pub event_id: i64,
    /// Live events to publish after commit (never before: a rollback would
    /// have announced something that did not happen).
    pub live: Vec<LiveEvent>,
    /// Honor-board movement of a close's credit.
    pub credit: Option<Delta>,
}

/// A timeline note: what a person wrote, and/or a catalogue key for what
/// the system notes.
#[derive(Debug, Clone, Default)]
pub struct Note {
    pub text: Option<String>,
    pub key: Option<&'static str>,
}

impl Note {
    pub fn text(text: Option<String>) -> Note {
        Note {
            text: text.filter(|n| !n.trim().is_empty()),
            key: None,
        }
    }

    pub fn key(key: &'static str) -> Note {
        Note {
            text: None,
            key: Some(key),
        }
    }
}

/// The state machine's view of who acts on this request.
async fn actor(db: &impl ConnectionTrait, who: Acting<'_>, req: &HelpRequest) -> Result<Actor, ApiError> {
    Ok(match who {
        Acting::System => Actor::System,
        Acting::Person(me) => Actor::Person(Person {
            id: me.id,
            admin_here: scope::administers(db, me, req.community_id).await?,
            member_here: me.role == Role::Member && me.community_id == req.community_id,
        }),
    })
}

/// Who takes a place by this action: the assignee of a dispatch, the claimer.
fn taker(action: &Action, who: Acting<'_>) -> Option<UserId> {
    match (action, who.id()) {
        (Action::Dispatch { assignee }, _) => Some(*assignee),
        (Action::Claim, Some(me)) => Some(me),
        _ => None,
    }
}

/// A dispatch must name an active member of the request's own community
/// with a free place; a claim needs a free place too. Both need a valid
/// qualification (资质) when the request's category asks for one.
async fn check_room(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    req: &HelpRequest,
    action: &Action,
    who: Acting<'_>,
) -> Result<(), ApiError> {
    let Some(member) = taker(action, who) else {
        return Ok(());
    };
    // A claimer is the caller, whose role is known.
    let role = match who {
        Acting::Person(me) if me.id == member => Some(me.role),
        _ => None,
    };
    match members::room(db, member, req.community_id, role).await? {
        Room::Yes => qualifications::check(db, env, member, req.category_id).await,
        other => refuse_room(other, action),
    }
}

/// Why a member cannot take it.
fn refuse_room(room: Room, action: &Action) -> Result<(), ApiError> {
    match room {
        Room::Yes => Ok(()),
        Room::Full => Err(ApiError::MemberFull),
        Room::NotMember if matches!(action, Action::Dispatch { .. }) => Err(ApiError::field(
            "assignee_id",
            "not_member",
            msg!("field.assignee_id.not_member"),
        )),
        // The state machine already let a member claim; a missing profile
        // means the role and registration disagree, so refuse plainly.
        Room::NotMember => Err(ApiError::Forbidden),
    }
}

/// The deadlines that have passed for this request on `env`'s clock.
async fn lapsed(db: &impl ConnectionTrait, env: Env<'_>, req: &HelpRequest) -> Result<Lapsed, ApiError> {
    let review_days = match req.status {
        Status::Completed => i64::from(rules::kept(env.reference, db, req.community_id).await?.review_days),
        _ => 0,
    };
    Ok(lapsed_at(req, review_days, env.now))
}

/// The resident's time to rate (`review_days`, community rule) and the
/// agreed time, judged at `now`.
pub(super) fn lapsed_at(req: &HelpRequest, review_days: i64, now: DateTime<Utc>) -> Lapsed {
    Lapsed {
        review: req.status == Status::Completed && now >= req.updated_at + chrono::Duration::days(review_days),
        appointment: req.preferred_time.is_some_and(|t| t <= now),
    }
}

/// Applies `action` to request `id` inside the caller's transaction: the
/// UPDATE, the timeline event, the notices and (on close) the credit, all
/// or nothing with whatever else the caller writes. `ApiError::Conflict`
/// means someone changed the request since it was read: roll back and try
/// again (see [`act`]).
pub async fn act_in(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    who: Acting<'_>,
    id: RequestId,
    action: &Action,
    note: &Note,
) -> Result<Outcome, ApiError> {
    let plan = plan(db, env, who, id, action, note).await?;
    write(db, env, who, plan, action, note).await
}

/// A transition decided from reads alone: the request as read, the state
/// the machine allows next, and what a close will credit.
pub(super) struct Plan {
    before: HelpRequest,
    next: request::State,
    close: Option<ledger::ClosePlan>,
}

/// Reads what the transition depends on and asks the state machine. Needs
/// no lock: the version-guarded UPDATE in [`write`] refuses the plan if the
/// request changed since (so [`act_as`] reads on the pool, outside its
/// write transaction, and SQLite's one writer is held only for the writes).
pub(super) async fn plan(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    who: Acting<'_>,
    id: RequestId,
    action: &Action,
    note: &Note,
) -> Result<Plan, ApiError> {
    let before = store::requests::find(db, id)
        .await?
        .ok_or(ApiError::NotFound("request"))?;
    plan_from(db, env, who, before, action, note).await
}

/// [`plan`] on the request as the caller has just read it.
pub(super) async fn plan_from(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    who: Acting<'_>,
    before: HelpRequest,
    action: &Action,
    note: &Note,
) -> Result<Plan, ApiError> {
    if action.needs_reason() && note.text.is_none() && note.key.is_none() {
        return Err(ApiError::field("note", "required", msg!("field.note.reason_required")));
    }
    let actor = actor(db, who, &before).await?;
    let mut state = before.state();
    state.lapsed = lapsed(db, env, &before).await?;
    let next = request::apply(&state, action, &actor)?;
    check_room(db, env, &before, action, who).await?;
    let close = match next.status {
        Status::Closed => {
            let verifier = who.id().ok_or(ApiError::Forbidden)?;
            Some(ledger::plan_close(db, &before, verifier, env).await?)
        }
        _ => None,
    };
    Ok(Plan { before, next, close })
}

/// Writes a planned transition: the UPDATE guarded by the version read
/// (`ApiError::Conflict` if it changed), the timeline event, the notices
/// and (on close) the credit.
pub(super) async fn write(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    who: Acting<'_>,
    plan: Plan,
    action: &Action,
    note: &Note,
) -> Result<Outcome, ApiError> {
    let Plan { before, next, close } = plan;
    let id = before.id;
    // A place taken meanwhile by another request: checked again under the
    // member's row lock (and SQLite's write lock), so two claims or
    // dispatches — on any replicas — cannot both fill the last place.
    // (The role and the qualification were checked in the plan; only the
    // places can have been taken since.)
    if let Some(member) = taker(action, who) {
        let room = match store::members::lock_places(db, member).await? {
            Some(profile) => members::places(db, &profile, before.community_id).await?,
            None => Room::NotMember,
        };
        refuse_room(room, action)?;
    }
    let mut after = store::requests::transition(db, &before, &next, matches!(action, Action::Reopen), env.now)
        .await?
        .ok_or(ApiError::Conflict)?;
    let event = store::requests::insert_event(
        db,
        NewEvent {
            request_id: id,
            actor_id: who.id(),
            step: action.step(),
            from_status: Some(before.status),
            to_status: after.status,
            note: note.text.as_deref(),
            note_key: note.key.or(match action {
                Action::NoShow => Some("timeline.no_show_priority"),
                _ => None,
            }),
        },
        env.now,
    )
    .await?;
    // 签到 / 签退: the resident's one-time code for the next visit step.
    if let Some(kind) = super::check_in::code_needed(action) {
        super::check_in::issue_code(db, id, kind, env.now).await?;
    }
    if let (Action::NoShow, Some(member)) = (action, before.assignee_id) {
        after = no_show::record(db, env, after, member, event.id, who.id()).await?;
    }
    let live = notify::send(
        db,
        env,
        notify::Subject {
            request: &after,
            former_assignee_id: before.assignee_id.filter(|a| Some(*a) != after.assignee_id),
            was_open: before.status == Status::Open,
        },
        &notices::for_transition(action, &before.state(), &next),
        who.id(),
        &format!("event:{}", event.id),
        action.name(),
    )
    .await?;
    let credit = match &close {
        Some(plan) => Some(ledger::credit_close(db, plan, env.now).await?),
        None => None,
    };
    Ok(Outcome {
        request: after,
        event_id: event.id,
        live,
        credit,
    })
}

/// What follows a commit: boards move, screens hear of it. Never fails.
pub async fn after_commit(app: &AppState, credit: Option<Delta>, live: Vec<LiveEvent>) {
    if let (Some(d), Some(boards)) = (credit, &app.redis_boards) {
        boards.record(&[d]).await;
    }
    super::announce(app, live).await;
}

/// Runs `act_in` in a transaction of its own, retrying a lost race, then
/// does the after-commit work. Returns the request as written.
pub async fn act_as(
    app: &AppState,
    who: Acting<'_>,
    id: RequestId,
    action: Action,
    note: Note,
) -> Result<HelpRequest, ApiError> {
    for _ in 0..ATTEMPTS {
        let env = Env::of(app);
        // Read and decide on the pool; hold the write lock only to write.
        let planned = plan(&app.db, env, who, id, &action, &note).await?;
        let txn = store::begin_write(&app.writer).await?;
        match write(&txn, env, who, planned, &action, &note).await {
            Ok(out) => {
                txn.commit().await?;
                after_commit(app, out.credit, out.live).await;
                return Ok(out.request);
            }
            Err(ApiError::Conflict) => txn.rollback().await?,
            Err(e) => {
                txn.rollback().await?;
                return Err(e);
            }
        }
    }
    Err(ApiError::Conflict)
}

/// A person's action on a request, answered with the request as they now see it.
#[tracing::instrument(skip(app, me, action, note), fields(user = %me.id, action = action.name()))]
pub async fn act(
    app: &AppState,
    me: &CurrentUser,
    id: RequestId,
    action: Action,
    note: Option<String>,
) -> Result<RequestView, ApiError> {
    let written = act_as(app, Acting::Person(me), id, action, Note::text(note)).await?;
    let viewer = scope::viewer(&app.db, me).await?;
    view::one(app, &viewer, &written, app.clock.now()).await
}
