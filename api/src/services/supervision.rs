//! 督查 and 回访: where requests stand against their deadlines (the list
//! admins read, and what the sweeper in `workers::sweeper` acts on), and
//! follow-ups after close.

use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::domain::request::{Action, Status};
use crate::domain::sla::{self, Deadlines, Facts, FollowUpMethod, Level, Stage, Standing};
use crate::domain::{CommunityId, RequestId, UserId};
use crate::error::ApiError;
use crate::msg;
use crate::services::requests::{self, Acting, Env, Note};
use crate::services::{rules, scope};
use crate::state::AppState;
use crate::store::{self, requests::HelpRequest, supervision::FollowUp, supervision::NewFollowUp};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::collections::HashMap;

/// Statuses whose clock runs (closed ones only until their follow-up).
const WATCHED: [Status; 8] = [
    Status::Pending,
    Status::Open,
    Status::Dispatched,
    Status::Accepted,
    Status::InProgress,
    Status::Completed,
    Status::Reviewed,
    Status::Closed,
];

/// Requests in `communities` (all when `None`) with their standing at `now`.
pub(crate) async fn standings(
    db: &impl ConnectionTrait,
    settings: &Settings,
    communities: Option<&[CommunityId]>,
    now: DateTime<Utc>,
) -> Result<Vec<(HelpRequest, Standing)>, ApiError> {
    // Closed long ago and never followed up: still listed, but not forever.
    let horizon = now - chrono::Duration::days(settings.follow_up_days.max(1) * 30);
    let rows = store::requests::in_statuses(db, &WATCHED, communities, horizon).await?;
    let categories: HashMap<_, _> = store::directory::categories(db, false)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let closed: Vec<RequestId> = rows
        .iter()
        .filter(|r| r.status == Status::Closed)
        .map(|r| r.id)
        .collect();
    let followed = store::supervision::followed_rounds(db, &closed).await?;
    let review_days = rules::review_days(db, rows.iter().map(|r| r.community_id).collect(), None).await?;
    let mut out = Vec::new();
    for r in rows {
        let Some(c) = categories.get(&r.category_id) else {
            continue;
        };
        let d = Deadlines {
            dispatch_hours: i64::from(c.dispatch_hours),
            accept_hours: i64::from(c.accept_hours),
            follow_up_days: settings.follow_up_days,
            review_days: review_days.get(&r.community_id).copied().unwrap_or(7),
            verify_days: settings.verify_days,
            escalate_factor: settings.escalate_after_factor,
        };
        let facts = Facts {
            status: r.status,
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

#[derive(Debug, Serialize)]
pub struct SupervisionItem {
    pub request_id: RequestId,
    pub community_id: CommunityId,
    pub title: String,
    pub status: Status,
    pub stage: Stage,
    pub level: Level,
    pub since: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
}

/// Overdue and at-risk requests in the admin's scope, most overdue first.
pub async fn list(
    app: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
) -> Result<Vec<SupervisionItem>, ApiError> {
    let ids = scope::communities_within(&app.db, me, community_id).await?;
    let mut rows: Vec<(HelpRequest, Standing)> = standings(&app.db, &app.settings, Some(&ids), app.clock.now())
        .await?
        .into_iter()
        .filter(|(_, s)| s.level.is_some())
        .collect();
    rows.sort_by_key(|(r, s)| (s.deadline, r.id));
    let people = store::users::by_ids(&app.db, rows.iter().filter_map(|(r, _)| r.assignee_id).collect()).await?;
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

/// What the API shows of a follow-up: the row as the store keeps it.
pub type FollowUpView = FollowUp;

/// 回访: an admin records a call or visit after close. A dissatisfied one
/// may reopen the request (back to pending, next round) — in the same
/// transaction as the follow-up row, so a row that says "reopened" exists
/// exactly when the reopen happened.
pub async fn follow_up(
    app: &AppState,
    me: &CurrentUser,
    request_id: RequestId,
    method: FollowUpMethod,
    satisfied: bool,
    note: String,
    reopen: bool,
) -> Result<FollowUpView, ApiError> {
    let req = requests::load(&app.db, request_id).await?;
    scope::require_admin_or_grid_of(&app.db, me, req.community_id, req.grid_id).await?;
    if reopen && satisfied {
        return Err(ApiError::field("reopen", "satisfied", msg!("field.reopen.satisfied")));
    }
    // Sending it round again is the community's call: a grid worker's
    // dissatisfied 回访 is recorded for the admins to act on.
    if reopen && !scope::administers(&app.db, me, req.community_id).await? {
        return Err(ApiError::field(
            "reopen",
            "admins_only",
            msg!("field.reopen.admins_only"),
        ));
    }
    for _ in 0..3 {
        let env = Env::of(app);
        let txn = store::begin_write(&app.writer).await?;
        // Read inside the transaction: the round recorded is the one closed.
        let req = requests::load(&txn, request_id).await?;
        if req.status != Status::Closed {
            return Err(ApiError::InvalidTransition(req.status));
        }
        let row = store::supervision::insert_follow_up(
            &txn,
            NewFollowUp {
                request_id,
                round: req.round,
                admin_id: me.id,
                method,
                satisfied,
                note: &note,
                reopened: reopen,
            },
            env.now,
        )
        .await?;
        if !reopen {
            txn.commit().await?;
            return Ok(row);
        }
        let why = Note {
            text: Some(note.clone()).filter(|n| !n.trim().is_empty()),
            key: Some("timeline.follow_up_reopen"),
        };
        match requests::act_in(&txn, env, Acting::Person(me), request_id, &Action::Reopen, &why).await {
            Ok(out) => {
                txn.commit().await?;
                requests::after_commit(app, out.credit, out.live).await;
                return Ok(row);
            }
            // Someone changed it since it was read: neither row nor reopen stands.
            Err(ApiError::Conflict) => txn.rollback().await?,
            Err(e) => {
                txn.rollback().await?;
                return Err(e);
            }
        }
    }
    Err(ApiError::Conflict)
}

/// Every follow-up of a request, oldest first.
pub async fn follow_ups(
    app: &AppState,
    me: &CurrentUser,
    request_id: RequestId,
) -> Result<Vec<FollowUpView>, ApiError> {
    let req = requests::load(&app.db, request_id).await?;
    scope::require_admin_or_grid_of(&app.db, me, req.community_id, req.grid_id).await?;
    store::supervision::follow_ups(&app.db, request_id).await
}
