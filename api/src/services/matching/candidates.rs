//! `GET /requests/{id}/candidates`: who fits this request best, and why.

use super::facts::{self, Person};
use crate::auth::CurrentUser;
use crate::domain::matching::{Breakdown, Exclusion, Weights, place, rank};
use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages;
use crate::services::{requests, scope};
use crate::state::AppState;
use crate::store;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Serialize)]
pub struct CandidateView {
    pub rank: usize,
    pub member: Person,
    /// The total, rounded to 0.01 (the breakdown has the exact parts).
    pub score: f64,
    pub breakdown: Breakdown,
}

#[derive(Debug, Serialize)]
pub struct ExcludedView {
    pub member: Person,
    pub reason: &'static str,
    pub message: String,
}

/// One member asked about by id: where they stand.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Explained {
    Candidate(CandidateView),
    Excluded(ExcludedView),
}

#[derive(Debug, Serialize)]
pub struct CandidatesView {
    pub request_id: RequestId,
    pub weights: Weights,
    /// Active members who qualify; `candidates` is the best `limit` of them.
    pub eligible: usize,
    pub candidates: Vec<CandidateView>,
    /// How many were left out, by reason.
    pub excluded_by_reason: BTreeMap<&'static str, usize>,
    /// The first `limit` of those left out, with why.
    pub excluded: Vec<ExcludedView>,
    /// With `?member_id=`: that member's score and place, or why they are out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<Explained>,
}

pub fn exclusion_message(e: Exclusion) -> String {
    messages::exclusion(e).render(Lang::current())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub async fn candidates(
    state: &AppState,
    me: &CurrentUser,
    request_id: RequestId,
    limit: usize,
    member_id: Option<UserId>,
) -> Result<CandidatesView, ApiError> {
    let db = &state.db;
    scope::require_admin(me)?;
    let req = requests::load(db, request_id).await?;
    scope::require_admin_of(db, me, req.community_id).await?;
    let menu = facts::menu(db).await?;
    let weights = facts::weights(db, req.community_id).await?;
    let pool = facts::pool(state, req.community_id, &menu, state.clock.now()).await?;
    let declined = store::matching::declined_by(db, &[req.id])
        .await?
        .remove(&req.id)
        .unwrap_or_default();
    let facts = facts::request_facts(&req, &menu, state.local_offset, declined);
    let ranking = rank(&weights, &facts, &pool.facts, limit);
    let asked = match member_id {
        None => None,
        Some(id) => Some(
            pool.facts
                .iter()
                .position(|m| m.user_id == id.0)
                .ok_or(ApiError::NotFound("member"))?,
        ),
    };

    // Names for the members shown, in one query.
    let shown: Vec<usize> = ranking
        .ranked
        .iter()
        .map(|(i, _)| *i)
        .chain(ranking.excluded.iter().take(limit).map(|(i, _)| *i))
        .chain(asked)
        .collect();
    let people: HashMap<usize, Person> = shown
        .iter()
        .copied()
        .zip(facts::people(db, &pool, &shown).await?)
        .collect();
    let person = |i: usize| {
        people
            .get(&i)
            .cloned()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("member {i} not loaded")))
    };
    let mut excluded_by_reason = BTreeMap::new();
    for (_, e) in &ranking.excluded {
        *excluded_by_reason.entry(e.code()).or_insert(0) += 1;
    }
    let member = match asked {
        None => None,
        Some(i) => Some(match place(&weights, &facts, &pool.facts, i) {
            Ok((rank, b)) => Explained::Candidate(CandidateView {
                rank,
                member: person(i)?,
                score: round2(b.total),
                breakdown: b,
            }),
            Err(e) => Explained::Excluded(ExcludedView {
                member: person(i)?,
                reason: e.code(),
                message: exclusion_message(e),
            }),
        }),
    };
    Ok(CandidatesView {
        request_id,
        weights,
        eligible: ranking.eligible,
        candidates: ranking
            .ranked
            .iter()
            .enumerate()
            .map(|(n, (i, b))| {
                Ok(CandidateView {
                    rank: n + 1,
                    member: person(*i)?,
                    score: round2(b.total),
                    breakdown: *b,
                })
            })
            .collect::<Result<_, ApiError>>()?,
        excluded_by_reason,
        excluded: ranking
            .excluded
            .iter()
            .take(limit)
            .map(|(i, e)| {
                Ok(ExcludedView {
                    member: person(*i)?,
                    reason: e.code(),
                    message: exclusion_message(*e),
                })
            })
            .collect::<Result<_, ApiError>>()?,
        member,
    })
}
