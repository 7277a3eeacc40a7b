//! 督查 and 回访: the SLA sweeper, the supervision list, follow-ups.
//!
//! The sweeper reads every request with a running clock, works out its
//! standing (`domain::sla`) and, for each late stage, inserts a mark —
//! unique per (request, stage, level, stage start), so on several replicas
//! at once exactly one insert succeeds — and only that one notifies. An
//! escalated dispatch that nobody accepted also goes back to the pool
//! (`repool`, through the state machine: one winner).

use crate::auth::CurrentUser;
use crate::domain::notify;
use crate::domain::request::{Action, Status};
use crate::domain::sla::{self, Deadlines, Facts, Level, Stage, Standing};
use crate::error::ApiError;
use crate::services::auth::acting_as;
use crate::services::live::LiveEvent;
use crate::services::{notify as notices, requests, users};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use entity::{follow_up, help_request, service_category, supervision_mark, user};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Statuses whose clock runs (closed ones only until their follow-up).
const WATCHED: [Status; 6] = [
    Status::Pending,
    Status::Open,
    Status::Dispatched,
    Status::Accepted,
    Status::InProgress,
    Status::Closed,
];

/// Requests in `communities` (all when `None`) with their standing at `now`.
async fn standings(
    db: &impl ConnectionTrait,
    settings: &crate::config::Settings,
    communities: Option<Vec<i64>>,
    now: DateTime<Utc>,
) -> Result<Vec<(help_request::Model, Standing)>, ApiError> {
    let horizon = now - chrono::Duration::days(settings.follow_up_days.max(1) * 30);
    let mut q = help_request::Entity::find()
        .filter(help_request::Column::Status.is_in(WATCHED.map(Status::as_str)))
        // Closed long ago and never followed up: still listed, but not forever.
        .filter(
            sea_orm::Condition::any()
                .add(help_request::Column::Status.ne(Status::Closed.as_str()))
                .add(help_request::Column::ClosedAt.gt(horizon)),
        );
    if let Some(ids) = communities {
        q = q.filter(help_request::Column::CommunityId.is_in(ids));
    }
    let rows = q.order_by_asc(help_request::Column::Id).all(db).await?;
    let categories: HashMap<i64, service_category::Model> = service_category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let closed: Vec<i64> = rows
        .iter()
        .filter(|r| r.status == Status::Closed.as_str())
        .map(|r| r.id)
        .collect();
    let followed: HashSet<(i64, i32)> = follow_up::Entity::find()
        .select_only()
        .column(follow_up::Column::RequestId)
        .column(follow_up::Column::Round)
        .filter(follow_up::Column::RequestId.is_in(closed))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for r in rows {
        let Ok(status) = r.status.parse::<Status>() else {
            continue;
        };
        let Some(c) = categories.get(&r.category_id) else {
            continue;
        };
        let d = Deadlines {
            dispatch_hours: i64::from(c.dispatch_hours),
            accept_hours: i64::from(c.accept_hours),
            follow_up_days: settings.follow_up_days,
            escalate_factor: settings.escalate_after_factor,
        };
        let facts = Facts {
            status,
            created_at: r.created_at,
            updated_at: r.updated_at,
            assigned_at: r.assigned_at,
            due_at: r.due_at,
            closed_at: r.closed_at,
            followed_up: followed.contains(&(r.id, r.round)),
        };
        if let Some(s) = sla::standing(&facts, &d, now) {
            out.push((r, s));
        }
    }
    Ok(out)
}

/// An admin to act as for automatic transitions: the community's first
/// admin, else a street admin of its street.
async fn system_actor(db: &impl ConnectionTrait, req: &help_request::Model) -> Result<Option<CurrentUser>, ApiError> {
    let admin: Option<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq("admin"))
        .filter(user::Column::CommunityId.eq(req.community_id))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(match admin {
        Some(id) => Some(acting_as(db, id, String::new()).await?),
        None => None,
    })
}

/// What one sweep did.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct SweepReport {
    pub marked_overdue: usize,
    pub escalated: usize,
    pub repooled: usize,
}

/// One pass over every watched request at the clock's `now`.
pub async fn sweep(state: &AppState) -> Result<SweepReport, ApiError> {
    let now = state.clock.now();
    let db = &state.db;
    let mut report = SweepReport::default();
    for (req, s) in standings(db, &state.settings, None, now).await? {
        let Some(level) = s.level.filter(|l| *l >= Level::Overdue) else {
            continue;
        };
        // Escalation implies the overdue mark too (each once).
        let levels: &[Level] = if level == Level::Escalated {
            &[Level::Overdue, Level::Escalated]
        } else {
            &[Level::Overdue]
        };
        for l in levels {
            let txn = db.begin().await?;
            let inserted = supervision_mark::Entity::insert(supervision_mark::ActiveModel {
                request_id: Set(req.id),
                stage: Set(s.stage.as_str().to_owned()),
                level: Set(l.as_str().to_owned()),
                since: Set(s.since),
                created_at: Set(crate::clock::now()),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([
                    supervision_mark::Column::RequestId,
                    supervision_mark::Column::Stage,
                    supervision_mark::Column::Level,
                    supervision_mark::Column::Since,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
            if inserted == 0 {
                txn.rollback().await?;
                continue;
            }
            let status: Status = req.status.parse().unwrap_or(Status::Pending);
            let live: Vec<LiveEvent> = notices::send(
                &txn,
                &state.settings,
                notices::Subject {
                    request: &req,
                    status,
                    assignee_id: req.assignee_id,
                    former_assignee_id: None,
                },
                &notify::for_lateness(s.stage, *l),
                None,
                &format!(
                    "mark:{}:{}:{}:{}",
                    req.id,
                    s.stage.as_str(),
                    l.as_str(),
                    s.since.timestamp()
                ),
                &format!("late.{}", s.stage.as_str()),
            )
            .await?;
            txn.commit().await?;
            state.hub.publish(live).await;
            match l {
                Level::Escalated => report.escalated += 1,
                _ => report.marked_overdue += 1,
            }
            if *l == Level::Escalated && s.stage == Stage::Accept {
                if let Some(actor) = system_actor(db, &req).await? {
                    let note = Some("超时未接单，督查退回待派 / not accepted in time, back to the pool".to_owned());
                    match requests::act(state, &actor, req.id, Action::Repool, note).await {
                        Ok(_) => report.repooled += 1,
                        // Someone acted first (accepted, or another replica repooled).
                        Err(ApiError::InvalidTransition(_) | ApiError::Conflict) => {}
                        Err(e) => return Err(e),
                    }
                } else {
                    tracing::warn!(request = req.id, "no admin to repool as");
                }
            }
        }
    }
    Ok(report)
}

/// The sweeper loop (every `sweep_every_secs`; 0 = off).
pub async fn run(state: actix_web::web::Data<AppState>) {
    let every = state.settings.sweep_every_secs;
    if every == 0 {
        return;
    }
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(every)).await;
        match sweep(&state).await {
            Ok(r) if r != SweepReport::default() => tracing::info!(?r, "supervision sweep"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "supervision sweep"),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SupervisionItem {
    pub request_id: i64,
    pub community_id: i64,
    pub title: String,
    pub status: String,
    pub stage: Stage,
    pub level: Level,
    pub since: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
}

/// Overdue and at-risk requests in the admin's scope, most overdue first.
pub async fn list(
    state: &AppState,
    me: &CurrentUser,
    community_id: Option<i64>,
) -> Result<Vec<SupervisionItem>, ApiError> {
    let ids = users::admin_scope_within(&state.db, me, community_id).await?;
    let mut rows: Vec<(help_request::Model, Standing)> =
        standings(&state.db, &state.settings, Some(ids), state.clock.now())
            .await?
            .into_iter()
            .filter(|(_, s)| s.level.is_some())
            .collect();
    rows.sort_by_key(|(r, s)| (s.deadline, r.id));
    let people = users::users_by_id(&state.db, rows.iter().filter_map(|(r, _)| r.assignee_id).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(r, s)| {
            Some(SupervisionItem {
                level: s.level?,
                assignee_name: r.assignee_id.and_then(|a| people.get(&a)).map(|u| u.name.clone()),
                request_id: r.id,
                community_id: r.community_id,
                title: r.title,
                status: r.status,
                stage: s.stage,
                since: s.since,
                deadline: s.deadline,
                assignee_id: r.assignee_id,
            })
        })
        .collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Call,
    Visit,
}

#[derive(Debug, Serialize)]
pub struct FollowUpView {
    pub id: i64,
    pub request_id: i64,
    pub round: i32,
    pub admin_id: i64,
    pub method: String,
    pub satisfied: bool,
    pub note: String,
    pub reopened: bool,
    pub created_at: DateTime<Utc>,
}

fn follow_up_view(f: follow_up::Model) -> FollowUpView {
    FollowUpView {
        id: f.id,
        request_id: f.request_id,
        round: f.round,
        admin_id: f.admin_id,
        method: f.method,
        satisfied: f.satisfied,
        note: f.note,
        reopened: f.reopened,
        created_at: f.created_at,
    }
}

/// 回访: an admin records a call or visit after close. A dissatisfied one
/// may reopen the request (back to pending, next round).
pub async fn follow_up(
    state: &AppState,
    me: &CurrentUser,
    request_id: i64,
    method: Method,
    satisfied: bool,
    note: String,
    reopen: bool,
) -> Result<FollowUpView, ApiError> {
    let req = requests::load(&state.db, request_id).await?;
    crate::services::directory::require_admin_of(&state.db, me, req.community_id).await?;
    if req.status != Status::Closed.as_str() {
        return Err(ApiError::InvalidTransition(
            req.status.parse().unwrap_or(Status::Pending),
        ));
    }
    if reopen && satisfied {
        return Err(ApiError::field(
            "reopen",
            "satisfied",
            "居民满意时无需重新打开",
            "only a dissatisfied follow-up reopens a request",
        ));
    }
    let row = follow_up::ActiveModel {
        request_id: Set(request_id),
        round: Set(req.round),
        admin_id: Set(me.id),
        method: Set(match method {
            Method::Call => "call".into(),
            Method::Visit => "visit".into(),
        }),
        satisfied: Set(satisfied),
        note: Set(note.clone()),
        reopened: Set(reopen),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    if reopen {
        let why = format!("回访不满意：{note}");
        requests::act(state, me, request_id, Action::Reopen, Some(why)).await?;
    }
    Ok(follow_up_view(row))
}

/// Every follow-up of a request, oldest first.
pub async fn follow_ups(state: &AppState, me: &CurrentUser, request_id: i64) -> Result<Vec<FollowUpView>, ApiError> {
    let req = requests::load(&state.db, request_id).await?;
    crate::services::directory::require_admin_of(&state.db, me, req.community_id).await?;
    Ok(follow_up::Entity::find()
        .filter(follow_up::Column::RequestId.eq(request_id))
        .order_by_asc(follow_up::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(follow_up_view)
        .collect())
}
