//! `POST /dispatch/auto` (一键派单): every pending request in scope, given
//! to members by the optimal assignment. A dry run returns the plan with its
//! total next to the greedy plan's; otherwise the plan is applied through
//! the ordinary dispatch transition, one request at a time (same checks,
//! same timeline events, same one-winner rule as a manual dispatch).

use super::facts::{self, Person};
use crate::auth::CurrentUser;
use crate::domain::matching::{greedy, market, optimal};
use crate::domain::request::Action;
use crate::domain::{CommunityId, RequestId, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::msg;
use crate::services::requests::{self, Acting, Note};
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store;
use serde::Serialize;
use std::collections::HashMap;

/// Pending requests planned per community in one call; run again for more.
pub const MAX_BATCH: usize = 1_000;

#[derive(Debug, Clone, Copy)]
pub struct AutoDispatch {
    /// One community; default: all in the caller's scope.
    pub community_id: Option<CommunityId>,
    pub dry_run: bool,
}

#[derive(Debug, Serialize)]
pub struct PlannedView {
    pub request_id: RequestId,
    pub title: String,
    pub community_id: CommunityId,
    pub member: Person,
    pub score: f64,
}

#[derive(Debug, Serialize)]
pub struct UnassignedView {
    pub request_id: RequestId,
    pub title: String,
    pub community_id: CommunityId,
    /// `no_candidate`: nobody qualifies; `no_capacity_left`: those who do
    /// are needed more elsewhere or are full.
    pub reason: &'static str,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct AppliedView {
    pub request_id: RequestId,
    pub member_id: UserId,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AutoDispatchView {
    pub dry_run: bool,
    pub communities: Vec<CommunityId>,
    /// Pending requests considered.
    pub requests: usize,
    pub assigned: usize,
    pub total_score: f64,
    /// What working down the queue, best free member each time, would give.
    pub greedy_total_score: f64,
    pub greedy_assigned: usize,
    pub gain_over_greedy: f64,
    pub plan: Vec<PlannedView>,
    pub unassigned: Vec<UnassignedView>,
    /// Pending requests left for a later run (over `MAX_BATCH` per community).
    pub remaining: usize,
    /// When not a dry run: how applying each pick went.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<Vec<AppliedView>>,
}

fn points(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

pub async fn auto_dispatch(
    state: &AppState,
    me: &CurrentUser,
    cmd: AutoDispatch,
) -> Result<AutoDispatchView, ApiError> {
    let db = &state.db;
    scope::require_admin(me)?;
    let communities = match cmd.community_id {
        Some(c) => {
            directory::community(db, c).await?;
            scope::require_admin_of(db, me, c).await?;
            vec![c]
        }
        None => scope::communities(db, me).await?,
    };
    let menu = facts::menu(db).await?;
    let now = state.clock.now();
    let lang = Lang::current();
    let mut out = AutoDispatchView {
        dry_run: cmd.dry_run,
        communities: communities.clone(),
        requests: 0,
        assigned: 0,
        total_score: 0.0,
        greedy_total_score: 0.0,
        greedy_assigned: 0,
        gain_over_greedy: 0.0,
        plan: Vec::new(),
        unassigned: Vec::new(),
        remaining: 0,
        applied: None,
    };
    let (mut total, mut greedy_total) = (0i64, 0i64);
    // Members serve their own community, so each community is its own problem.
    for &community_id in &communities {
        let mut pending = store::matching::dispatch_queue(db, community_id, MAX_BATCH as u64 + 1).await?;
        if pending.is_empty() {
            continue;
        }
        if pending.len() > MAX_BATCH {
            pending.truncate(MAX_BATCH);
            let all = store::requests::count_pending(db, community_id).await?;
            // Others may have dispatched some since: never below zero.
            out.remaining += usize::try_from(all).unwrap_or(usize::MAX).saturating_sub(MAX_BATCH);
        }
        let weights = facts::weights(db, community_id).await?;
        // Members who are not active get no edge: the engine excludes them.
        let pool = facts::pool(state, community_id, &menu, now).await?;
        let ids: Vec<RequestId> = pending.iter().map(|r| r.id).collect();
        let mut declined = store::matching::declined_by(db, &ids).await?;
        let reqs: Vec<_> = pending
            .iter()
            .map(|r| facts::request_facts(r, &menu, state.local_offset, declined.remove(&r.id).unwrap_or_default()))
            .collect();
        let m = market(&weights, &reqs, &pool.facts);
        let best = optimal(&m);
        let quick = greedy(&m);
        total += best.total;
        greedy_total += quick.total;
        out.requests += pending.len();
        out.assigned += best.assigned();
        out.greedy_assigned += quick.assigned();
        let picked: Vec<usize> = best.picks.iter().flatten().copied().collect();
        let people: HashMap<usize, Person> = picked
            .iter()
            .copied()
            .zip(facts::people(db, &pool, &picked).await?)
            .collect();
        for (r, pick) in best.picks.iter().enumerate() {
            let req = &pending[r];
            match pick.and_then(|j| people.get(&j).map(|p| (j, p))) {
                Some((j, person)) => out.plan.push(PlannedView {
                    request_id: req.id,
                    title: req.title.clone(),
                    community_id,
                    member: person.clone(),
                    score: points(m.edges[r].iter().find(|(k, _)| *k == j).map_or(0, |e| e.1)),
                }),
                None => {
                    let anyone = m.edges[r].iter().any(|(j, _)| m.capacity[*j] > 0);
                    let (reason, message) = if anyone {
                        ("no_capacity_left", msg!("dispatch.no_capacity_left").render(lang))
                    } else {
                        ("no_candidate", msg!("dispatch.no_candidate").render(lang))
                    };
                    out.unassigned.push(UnassignedView {
                        request_id: req.id,
                        title: req.title.clone(),
                        community_id,
                        reason,
                        message,
                    });
                }
            }
        }
    }
    out.total_score = points(total);
    out.greedy_total_score = points(greedy_total);
    out.gain_over_greedy = points(total - greedy_total);

    if !cmd.dry_run {
        let mut applied = Vec::with_capacity(out.plan.len());
        for p in &out.plan {
            let r = requests::act_as(
                state,
                Acting::Person(me),
                p.request_id,
                Action::Dispatch {
                    assignee: p.member.user_id,
                },
                Note::key("timeline.auto_dispatch"),
            )
            .await;
            applied.push(match r {
                Ok(_) => AppliedView {
                    request_id: p.request_id,
                    member_id: p.member.user_id,
                    ok: true,
                    code: None,
                    message: None,
                },
                Err(e @ (ApiError::Internal(_) | ApiError::Unavailable(_))) => return Err(e),
                Err(e) => AppliedView {
                    request_id: p.request_id,
                    member_id: p.member.user_id,
                    ok: false,
                    code: Some(e.code()),
                    message: Some(e.message(lang)),
                },
            });
        }
        tracing::info!(
            admin = %me.id,
            planned = out.plan.len(),
            applied = applied.iter().filter(|a| a.ok).count(),
            "auto-dispatch applied"
        );
        out.applied = Some(applied);
    }
    Ok(out)
}
