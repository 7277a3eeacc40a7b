//! The service-request state machine (群众点单 → 组织派单 → 党员接单 → 审核 → 评价).
//!
//! ```text
//! pending ──dispatch──▶ dispatched ──accept──▶ accepted ──start──▶ in_progress ──complete──▶ completed
//!    │  └─publish─▶ open ──claim──┘   │ decline → pending          │ withdraw / no_show → pending  │ review
//!    └─cancel (pending/dispatched/open)                                                       reviewed ──verify──▶ closed
//! ```
//!
//! A requester may dispute a completed or reviewed request (争议): it keeps
//! its state with `disputed` set, and `verify` waits until an admin rules —
//! `redo` (upheld: back to in progress, the report set aside) or `settle`
//! (overturned or partly upheld).
//!
//! No request can get stuck: an admin can reclaim a dispatched, accepted or
//! in-progress request (back to pending), and can verify a completed one
//! without a rating once the resident's time to rate has lapsed.
//! [`apply`] is pure: it takes the current state, the action and who acts, and
//! returns the next state or why not. The service layer writes the result with
//! one conditional UPDATE so that concurrent actors have exactly one winner.

use super::ids::{RequestId, UserId};
use super::values::{ServiceMinutes, Stars};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 待派单 — posted, waiting for the community to dispatch or publish it.
    Pending,
    /// 已派单 — dispatched to one member, waiting for them to accept.
    Dispatched,
    /// 任务大厅 — published to the task hall for members to claim (抢单).
    Open,
    /// 已接单 — a member has it.
    Accepted,
    /// 服务中
    InProgress,
    /// 待评价 — the member reported it done with hours and a summary.
    Completed,
    /// 待审核 — the resident rated it; waiting for the admin to verify.
    Reviewed,
    /// 已办结 — verified; hours and points are credited on this transition.
    Closed,
    /// 已取消
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Pending,
        Status::Dispatched,
        Status::Open,
        Status::Accepted,
        Status::InProgress,
        Status::Completed,
        Status::Reviewed,
        Status::Closed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Dispatched => "dispatched",
            Status::Open => "open",
            Status::Accepted => "accepted",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::Reviewed => "reviewed",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    /// No one acts on it any more (a closed request can still be reopened
    /// by a follow-up).
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled)
    }

    /// States in which exactly one member holds the request.
    pub fn has_assignee(self) -> bool {
        matches!(
            self,
            Status::Dispatched
                | Status::Accepted
                | Status::InProgress
                | Status::Completed
                | Status::Reviewed
                | Status::Closed
        )
    }

    /// States in which the holder is actively serving and may see the resident's contact.
    /// Nobody has taken it yet: waiting for dispatch, dispatched and not
    /// accepted, or in the task hall.
    pub fn before_acceptance(self) -> bool {
        matches!(self, Status::Pending | Status::Dispatched | Status::Open)
    }

    pub fn is_active_service(self) -> bool {
        matches!(self, Status::Accepted | Status::InProgress)
    }

    /// States that take up one of the holder's places (`max_active`): from
    /// dispatch until they report it done.
    pub const HOLDING: [Status; 3] = [Status::Dispatched, Status::Accepted, Status::InProgress];

    fn has_report(self) -> bool {
        matches!(self, Status::Completed | Status::Reviewed | Status::Closed)
    }

    /// A rating is kept from review on; a request verified without one
    /// (the resident never rated) closes with none.
    fn may_have_rating(self) -> bool {
        matches!(self, Status::Reviewed | Status::Closed)
    }
}

impl FromStr for Status {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Status::ALL.into_iter().find(|x| x.as_str() == s).ok_or(())
    }
}

code_enum! {
    /// How soon the resident needs help (急 on the lists).
    #[derive(Default)]
    pub enum Urgency {
        #[default]
        Normal,
        /// 急
        Urgent,
    }
}

code_enum! {
    /// What the timeline records: the request's creation, then each action.
    pub enum Step {
        Create,
        Dispatch,
        Publish,
        Accept,
        Claim,
        Decline,
        Start,
        Complete,
        Review,
        Verify,
        Cancel,
        Reopen,
        Repool,
        /// 收回 — an admin takes a request back from its holder.
        Reclaim,
        /// 退单 — the holder gives back a request they accepted, before starting.
        Withdraw,
        /// 爽约 — the agreed time passed and the holder never started.
        NoShow,
        /// 有异议 — the resident disputes the reported completion.
        Dispute,
        /// 返工 — a dispute upheld: the work goes back to the holder.
        Redo,
        /// 争议已裁定 — a dispute overturned or partly upheld: verification may go on.
        Settle,
        /// 退回返工 — the verifier returns a reported completion for more work.
        Rework,
        /// 合并 — a duplicate merged into the main request (and, on the main
        /// request's timeline, the merge it received).
        Merge,
    }
}

/// What someone wants to do to a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Dispatch {
        assignee: UserId,
    },
    Publish,
    Accept,
    Claim,
    Decline,
    Start,
    Complete {
        minutes: ServiceMinutes,
        summary: String,
    },
    Review {
        stars: Stars,
        comment: Option<String>,
    },
    Verify,
    Cancel,
    /// 回访 found the resident dissatisfied: the admin reopens a closed
    /// request for another round (its credit stays; the next close credits
    /// the next round).
    Reopen,
    /// 督查: a dispatch nobody accepted in time goes back to the pool.
    Repool,
    /// 收回: an admin takes back a dispatched, accepted or in-progress
    /// request (reason required); it goes back to pending.
    Reclaim,
    /// 退单: the holder gives back an accepted request before starting
    /// (reason required).
    Withdraw,
    /// 爽约: the resident or an admin records that the agreed time passed
    /// without a start; back to pending, the holder's no-show recorded.
    NoShow,
    /// 有异议: the requester disputes a reported completion before it is
    /// verified; `verify` waits until an admin rules.
    Dispute,
    /// 返工: an admin upholds a dispute — the report (and any rating) is set
    /// aside and the holder works on.
    Redo,
    /// An admin overturns a dispute, or upholds part of it: the flag is
    /// cleared and verification goes on.
    Settle,
    /// 退回返工: the verifier finds the work not done (reason required) — the
    /// report (and any rating) is set aside and the holder works on, as after
    /// an upheld dispute; a disputed completion is ruled on instead.
    Rework,
    /// 合并: an admin closes a duplicate (not yet served) as merged into
    /// another request; its resident follows that one.
    Merge {
        into: RequestId,
    },
}

impl Action {
    /// What the timeline calls it.
    pub fn step(&self) -> Step {
        match self {
            Action::Dispatch { .. } => Step::Dispatch,
            Action::Publish => Step::Publish,
            Action::Accept => Step::Accept,
            Action::Claim => Step::Claim,
            Action::Decline => Step::Decline,
            Action::Start => Step::Start,
            Action::Complete { .. } => Step::Complete,
            Action::Review { .. } => Step::Review,
            Action::Verify => Step::Verify,
            Action::Cancel => Step::Cancel,
            Action::Reopen => Step::Reopen,
            Action::Repool => Step::Repool,
            Action::Reclaim => Step::Reclaim,
            Action::Withdraw => Step::Withdraw,
            Action::NoShow => Step::NoShow,
            Action::Dispute => Step::Dispute,
            Action::Redo => Step::Redo,
            Action::Settle => Step::Settle,
            Action::Rework => Step::Rework,
            Action::Merge { .. } => Step::Merge,
        }
    }

    /// Actions that must say why (the timeline note is required).
    pub fn needs_reason(&self) -> bool {
        matches!(
            self,
            Action::Reclaim | Action::Withdraw | Action::Dispute | Action::Redo | Action::Settle | Action::Rework
        )
    }

    /// The action's name: the URL segment and the timeline's `action`.
    pub fn name(&self) -> &'static str {
        self.step().as_str()
    }

    /// Actions a machine takes on its own ([`Actor::System`]): the sweeper
    /// repools, and the series generator dispatches an occurrence to the
    /// member paired with the resident (结对).
    pub fn by_system(&self) -> bool {
        matches!(self, Action::Repool | Action::Dispatch { .. })
    }

    /// One of each action, for asking "could this caller do it now?"
    /// ([`allowed`]); the data they carry changes no rule.
    fn samples(actor: &Actor) -> [Action; 20] {
        let someone = actor.person_id().unwrap_or(UserId(0));
        [
            Action::Dispatch { assignee: someone },
            Action::Publish,
            Action::Accept,
            Action::Claim,
            Action::Decline,
            Action::Start,
            Action::Complete {
                minutes: ServiceMinutes::from_minutes(60).unwrap_or(ServiceMinutes::ONE),
                summary: String::new(),
            },
            Action::Review {
                stars: Stars::FIVE,
                comment: None,
            },
            Action::Verify,
            Action::Cancel,
            Action::Reopen,
            Action::Repool,
            Action::Reclaim,
            Action::Withdraw,
            Action::NoShow,
            Action::Dispute,
            Action::Redo,
            Action::Settle,
            Action::Rework,
            Action::Merge { into: RequestId(0) },
        ]
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A person, with how they relate to the request's community. The
    /// service layer works these facts out; the rules below only read them.
    Person(Person),
    /// 系统 — the sweeper and other scheduled jobs. It acts only where a
    /// rule lets a machine act ([`Action::by_system`]), needs no admin to
    /// exist, and the timeline shows it as 系统, never as a person.
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub id: UserId,
    /// May administer the request's community (its admin, or its street's admin).
    pub admin_here: bool,
    /// Is an active member (party member / volunteer) of the request's
    /// community. A suspended member is not (suspension withdraws the
    /// role), so they act on nothing, not even what they still hold.
    pub member_here: bool,
}

impl Actor {
    pub fn person_id(&self) -> Option<UserId> {
        match self {
            Actor::Person(p) => Some(p.id),
            Actor::System => None,
        }
    }
}

/// The part of a request the state machine reads and writes.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub status: Status,
    pub resident_id: UserId,
    pub entered_by: UserId,
    pub assignee_id: Option<UserId>,
    pub service_minutes: Option<i32>,
    pub summary: Option<String>,
    pub rating: Option<i16>,
    pub review_comment: Option<String>,
    /// The requester disputes the reported completion (争议): nobody
    /// verifies until an admin rules.
    pub disputed: bool,
    /// Merged into this request (a cancelled duplicate).
    pub merged_into: Option<RequestId>,
    /// Deadlines that have passed, judged by the service on the one clock
    /// (never stored).
    pub lapsed: Lapsed,
}

/// Time-based facts the rules read: the service works them out from the
/// request's timestamps, the community's rule and the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lapsed {
    /// The resident's time to rate a completed request is over.
    pub review: bool,
    /// The agreed time (`preferred_time`) has passed.
    pub appointment: bool,
}

impl State {
    pub fn new(resident_id: UserId, entered_by: UserId) -> Self {
        State {
            status: Status::Pending,
            resident_id,
            entered_by,
            assignee_id: None,
            service_minutes: None,
            summary: None,
            rating: None,
            review_comment: None,
            disputed: false,
            merged_into: None,
            lapsed: Lapsed::default(),
        }
    }

    /// The resident, or whoever entered the request for them (代下单).
    pub fn is_requester(&self, user: UserId) -> bool {
        user == self.resident_id || user == self.entered_by
    }

    /// Invariants every reachable state keeps; checked by the property tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        let s = self.status;
        if s.has_assignee() != self.assignee_id.is_some() {
            return Err(format!("{s:?} with assignee {:?}", self.assignee_id));
        }
        if s.has_report() != (self.service_minutes.is_some() && self.summary.is_some()) {
            return Err(format!("{s:?} with report {:?}", self.service_minutes));
        }
        let rating_ok = match s {
            Status::Reviewed => self.rating.is_some(),
            _ => s.may_have_rating() || self.rating.is_none(),
        };
        if !rating_ok {
            return Err(format!("{s:?} with rating {:?}", self.rating));
        }
        if self.disputed && !matches!(s, Status::Completed | Status::Reviewed) {
            return Err(format!("{s:?} disputed"));
        }
        if self.merged_into.is_some() && s != Status::Cancelled {
            return Err(format!("{s:?} merged"));
        }
        Ok(())
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The actor may not do this to this request (403).
    Forbidden,
    /// Someone else holds it and is about to serve or serving (409 `request.already_taken`).
    AlreadyTaken,
    /// Not allowed in the current state (409 `request.invalid_transition`).
    WrongState(Status),
    /// The requester disputes the completion; an admin must rule first
    /// (409 `request.disputed`).
    Disputed,
}

/// Who may try an action at all, before looking at the state.
fn authorised(state: &State, action: &Action, actor: &Actor) -> bool {
    let actor = match actor {
        Actor::System => return action.by_system(),
        Actor::Person(p) => p,
    };
    match action {
        Action::Dispatch { .. }
        | Action::Publish
        | Action::Verify
        | Action::Reopen
        | Action::Repool
        | Action::Reclaim
        | Action::Redo
        | Action::Settle
        | Action::Rework
        | Action::Merge { .. } => actor.admin_here,
        Action::Claim => actor.member_here,
        Action::Accept | Action::Decline | Action::Withdraw | Action::Start | Action::Complete { .. } => {
            state.assignee_id == Some(actor.id) && actor.member_here
        }
        // Whoever entered it for the resident (a family member, a grid
        // worker) acts for them only in the whitelist: rate it, and cancel
        // it before anyone has taken it. Disputes and no-shows are the
        // resident's own (or the admins').
        Action::Review { .. } => state.is_requester(actor.id),
        Action::Dispute => actor.id == state.resident_id,
        Action::Cancel => {
            actor.id == state.resident_id
                || actor.admin_here
                || (actor.id == state.entered_by && state.status.before_acceptance())
        }
        Action::NoShow => actor.id == state.resident_id || actor.admin_here,
    }
}

/// The next state after `action` by `actor`, or why not. Pure.
pub fn apply(state: &State, action: &Action, actor: &Actor) -> Result<State, Refusal> {
    use Status::*;
    if !authorised(state, action, actor) {
        return Err(Refusal::Forbidden);
    }
    let wrong = Err(Refusal::WrongState(state.status));
    let mut next = state.clone();
    match (action, state.status) {
        (Action::Dispatch { assignee }, Pending | Open) => {
            next.status = Dispatched;
            next.assignee_id = Some(*assignee);
        }
        (Action::Publish, Pending) => next.status = Open,
        (Action::Accept, Dispatched) => next.status = Accepted,
        (Action::Claim, Open) => {
            next.status = Accepted;
            next.assignee_id = actor.person_id();
        }
        (Action::Claim, Dispatched | Accepted | InProgress) => return Err(Refusal::AlreadyTaken),
        (Action::Decline, Dispatched)
        | (Action::Withdraw, Accepted)
        | (Action::Reclaim, Dispatched | Accepted | InProgress) => {
            next.status = Pending;
            next.assignee_id = None;
        }
        (Action::NoShow, Accepted) if state.lapsed.appointment => {
            next.status = Pending;
            next.assignee_id = None;
        }
        (Action::Start, Accepted) => next.status = InProgress,
        (Action::Complete { minutes, summary }, InProgress) => {
            next.status = Completed;
            next.service_minutes = Some(minutes.minutes());
            next.summary = Some(summary.clone());
        }
        (Action::Review { stars, comment }, Completed) => {
            next.status = Reviewed;
            next.rating = Some(stars.get());
            next.review_comment = comment.clone();
        }
        (Action::Verify, Completed | Reviewed) if state.disputed => return Err(Refusal::Disputed),
        (Action::Verify, Reviewed) => next.status = Closed,
        // The resident never rated: closed without a rating once their time is up.
        (Action::Verify, Completed) if state.lapsed.review => next.status = Closed,
        (Action::Dispute, Completed | Reviewed) if !state.disputed => next.disputed = true,
        (Action::Redo, Completed | Reviewed) if state.disputed => {
            next.status = InProgress;
            next.disputed = false;
            next.service_minutes = None;
            next.summary = None;
            next.rating = None;
            next.review_comment = None;
        }
        (Action::Rework, Completed | Reviewed) if state.disputed => return Err(Refusal::Disputed),
        (Action::Rework, Completed | Reviewed) => {
            next.status = InProgress;
            next.service_minutes = None;
            next.summary = None;
            next.rating = None;
            next.review_comment = None;
        }
        (Action::Settle, Completed | Reviewed) if state.disputed => next.disputed = false,
        (Action::Cancel, Pending | Dispatched | Open) => {
            next.status = Cancelled;
            next.assignee_id = None;
        }
        // A duplicate nobody serves yet ends as merged.
        (Action::Merge { into }, Pending | Dispatched | Open) => {
            next.status = Cancelled;
            next.assignee_id = None;
            next.merged_into = Some(*into);
        }
        (Action::Reopen, Closed) => {
            next = State::new(state.resident_id, state.entered_by);
        }
        (Action::Repool, Dispatched) => {
            next.status = Pending;
            next.assignee_id = None;
        }
        _ => return wrong,
    }
    Ok(next)
}

/// What `actor` could do to the request now: a dry run of [`apply`] for
/// every action. Screens offer exactly these buttons, so the UI never
/// re-encodes the state machine.
pub fn allowed(state: &State, actor: &Actor) -> Vec<Step> {
    Action::samples(actor)
        .iter()
        .filter(|a| apply(state, a, actor).is_ok())
        .map(Action::step)
        .collect()
}

/// Every (from, to) pair [`apply`] can produce; the timeline never shows another.
pub const EDGES: [(Status, Status); 21] = [
    (Status::Pending, Status::Dispatched),
    (Status::Open, Status::Dispatched),
    (Status::Pending, Status::Open),
    (Status::Dispatched, Status::Accepted),
    (Status::Open, Status::Accepted),
    (Status::Dispatched, Status::Pending),
    (Status::Accepted, Status::Pending),
    (Status::Accepted, Status::InProgress),
    (Status::InProgress, Status::Completed),
    (Status::Completed, Status::Reviewed),
    (Status::Reviewed, Status::Closed),
    (Status::Completed, Status::Closed),
    (Status::InProgress, Status::Pending),
    (Status::Pending, Status::Cancelled),
    (Status::Dispatched, Status::Cancelled),
    (Status::Open, Status::Cancelled),
    (Status::Closed, Status::Pending),
    // A dispute and its settling keep the state; upholding it sends the work back.
    (Status::Completed, Status::Completed),
    (Status::Reviewed, Status::Reviewed),
    (Status::Completed, Status::InProgress),
    (Status::Reviewed, Status::InProgress),
];

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
