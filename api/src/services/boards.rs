//! 光荣榜 — honor boards by community or street, period and metric. With
//! `REDIS_URL` they are Redis sorted sets, moved by every ledger write and
//! rebuilt from the ledgers when Redis lost them; without it they are one
//! aggregate query over the ledgers. Both rank with
//! [`crate::domain::board::rank`], so they give the same answer.

use crate::auth::CurrentUser;
use crate::domain::board::{Metric, Period, Ranked, Scope, Span, rank};
use crate::domain::mask::mask_name;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store;
use serde::{Deserialize, Serialize};

/// Where a board was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Redis,
    Sql,
}

pub const MAX_LIMIT: usize = 100;

/// Rebuilds Redis from the ledgers. `Ok(false)`: someone else is at it,
/// or there is no Redis.
pub async fn rebuild(app: &AppState) -> Result<bool, ApiError> {
    let Some(r) = &app.redis_boards else { return Ok(false) };
    let db = app.db.clone();
    r.rebuild(async move || store::boards::snapshot(&db).await.map_err(|e| anyhow::anyhow!("{e}")))
        .await
        .map_err(ApiError::Internal)
}

/// `(member, value)` at the top of a board, and where they came from.
/// `prefer = Some(Sql)` skips Redis (to compare the two).
pub async fn top(
    app: &AppState,
    scope: &Scope,
    span: &Span,
    metric: Metric,
    limit: usize,
    prefer: Option<Source>,
) -> Result<(Vec<Ranked>, Source), ApiError> {
    if let (Some(r), None | Some(Source::Redis)) = (&app.redis_boards, prefer) {
        for _ in 0..2 {
            match r.top(scope, span, metric, limit).await {
                Ok(Some(rows)) => return Ok((rank(rows, limit), Source::Redis)),
                // Not built (first use, or flushed): build, then read again.
                Ok(None) => match rebuild(app).await {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "honor board rebuild failed; answering from SQL");
                        break;
                    }
                },
                Err(e) => {
                    tracing::debug!(error = %e, "Redis unavailable; honor board from SQL");
                    break;
                }
            }
        }
    }
    let rows = store::boards::totals(&app.db, scope, span, metric).await?;
    Ok((rank(rows, limit), Source::Sql))
}

/// A board as people see it.
#[derive(Debug, Serialize)]
pub struct BoardView {
    pub scope: &'static str,
    pub community_id: Option<CommunityId>,
    pub street: Option<String>,
    pub period: Period,
    pub period_key: String,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub metric: Metric,
    pub source: Source,
    pub entries: Vec<EntryView>,
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub rank: u32,
    /// Shown to admins, to the member themself, or when they consented.
    pub member_id: Option<UserId>,
    /// Full name with consent (PIPL art. 25), else masked: 张*.
    pub name: String,
    pub is_me: bool,
    /// Points, hours, services or average stars (hours and stars to 2 places).
    pub value: f64,
}

pub struct BoardQuery {
    pub community_id: Option<CommunityId>,
    /// `true`: the street board of the community (or of the caller).
    pub street: bool,
    pub period: Period,
    pub metric: Metric,
    pub day: chrono::NaiveDate,
    pub limit: usize,
    pub prefer: Option<Source>,
}

/// A board the caller may see: their own community's or street's, or any
/// in an admin's scope.
pub async fn board(app: &AppState, me: &CurrentUser, q: BoardQuery) -> Result<BoardView, ApiError> {
    let db = &app.db;
    let community_id = q.community_id.unwrap_or(me.community_id);
    let own = community_id == me.community_id;
    let admin = scope::administers(db, me, community_id).await?;
    // The caller's own community needs no lookup (a board is read often).
    let street = if !q.street {
        None
    } else if own {
        Some(me.street.clone())
    } else {
        Some(directory::community(db, community_id).await?.street)
    };
    let board_scope = match street.clone() {
        Some(s) if s == me.street || admin => Scope::Street(s),
        None if own || admin => Scope::Community(community_id.0),
        _ => return Err(ApiError::Forbidden),
    };
    let span = q.period.span(q.day);
    let (ranked, source) = top(
        app,
        &board_scope,
        &span,
        q.metric,
        q.limit.clamp(1, MAX_LIMIT),
        q.prefer,
    )
    .await?;
    let ids: Vec<i64> = ranked.iter().map(|r| r.member_id).collect();
    let people = store::boards::names_and_consent(db, &ids).await?;
    let entries = ranked
        .into_iter()
        .map(|r| {
            let member = UserId(r.member_id);
            let (name, named) = people.get(&member).map_or(("", false), |(n, c)| (n.as_str(), *c));
            let is_me = member == me.id;
            EntryView {
                rank: r.rank,
                member_id: (named || is_me || admin).then_some(member),
                name: if named || is_me {
                    name.to_owned()
                } else {
                    mask_name(name)
                },
                is_me,
                value: display_value(q.metric, r.value),
            }
        })
        .collect();
    Ok(BoardView {
        scope: if q.street { "street" } else { "community" },
        community_id: (!q.street).then_some(community_id),
        street,
        period: q.period,
        period_key: span.key.clone(),
        from: span.from(),
        to: span.to(),
        metric: q.metric,
        source,
        entries,
    })
}

fn display_value(metric: Metric, v: f64) -> f64 {
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    match metric {
        Metric::Hours => round2(v / 60.0),
        Metric::Rating => round2(v),
        Metric::Points | Metric::Services => v,
    }
}
