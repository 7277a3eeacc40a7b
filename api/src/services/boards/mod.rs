//! 光荣榜 — honor boards by community or street, period and metric. With
//! `REDIS_URL` they are Redis sorted sets, moved by every ledger write and
//! rebuilt from the ledgers when Redis lost them; without it they are one
//! aggregate query over the ledgers. Both rank with
//! [`crate::domain::board::rank`], so they give the same answer.

mod redis;
pub mod sql;

pub use self::redis::RedisBoards;

use crate::auth::CurrentUser;
use crate::domain::board::{Delta, Metric, Period, Ranked, Span, rank};
use crate::domain::mask::mask_name;
use crate::error::ApiError;
use crate::services::directory;
use entity::{member_profile, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Whose board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Community(i64),
    /// 街道 — every community with this street name.
    Street(String),
}

/// Where a board was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Redis,
    Sql,
}

/// The boards of this deployment: Redis-backed or computed in SQL.
#[derive(Clone, Default)]
pub struct Boards {
    redis: Option<RedisBoards>,
}

pub const MAX_LIMIT: usize = 100;

impl Boards {
    pub fn with_redis(redis: RedisBoards) -> Self {
        Boards { redis: Some(redis) }
    }

    pub fn uses_redis(&self) -> bool {
        self.redis.is_some()
    }

    /// After a ledger transaction commits: move the boards it touched.
    /// Never fails the caller — a lost write marks the boards for rebuild.
    pub async fn record(&self, deltas: &[Delta]) {
        if let Some(r) = &self.redis {
            r.record(deltas).await;
        }
    }

    /// Rebuilds Redis from the ledgers. `Ok(false)`: someone else is at it,
    /// or there is no Redis.
    pub async fn rebuild(&self, db: &DatabaseConnection) -> Result<bool, ApiError> {
        let Some(r) = &self.redis else { return Ok(false) };
        let db = db.clone();
        r.rebuild(async move || sql::all_deltas(&db).await.map_err(|e| anyhow::anyhow!("{e}")))
            .await
            .map_err(ApiError::Internal)
    }

    /// `(member, value)` at the top of a board, and where they came from.
    /// `prefer = Some(Sql)` skips Redis (to compare the two).
    pub async fn top(
        &self,
        db: &DatabaseConnection,
        scope: &Scope,
        span: &Span,
        metric: Metric,
        limit: usize,
        prefer: Option<Source>,
    ) -> Result<(Vec<Ranked>, Source), ApiError> {
        if let (Some(r), None | Some(Source::Redis)) = (&self.redis, prefer) {
            for _ in 0..2 {
                match r.top(scope, span, metric, limit).await {
                    Ok(Some(rows)) => return Ok((rank(rows, limit), Source::Redis)),
                    // Not built (first use, or flushed): build, then read again.
                    Ok(None) => match self.rebuild(db).await {
                        Ok(true) => continue,
                        Ok(false) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "honor board rebuild failed; answering from SQL");
                            break;
                        }
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "Redis unavailable; honor board from SQL");
                        break;
                    }
                }
            }
        }
        let rows = sql::totals(db, scope, span, metric).await?;
        Ok((rank(rows, limit), Source::Sql))
    }
}

/// A board as people see it.
#[derive(Debug, Serialize)]
pub struct BoardView {
    pub scope: &'static str,
    pub community_id: Option<i64>,
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
    pub member_id: Option<i64>,
    /// Full name with consent (PIPL art. 25), else masked: 张*.
    pub name: String,
    pub is_me: bool,
    /// Points, hours, services or average stars (hours and stars to 2 places).
    pub value: f64,
}

pub struct BoardQuery {
    pub community_id: Option<i64>,
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
pub async fn board(
    db: &DatabaseConnection,
    boards: &Boards,
    me: &CurrentUser,
    q: BoardQuery,
) -> Result<BoardView, ApiError> {
    let community_id = q.community_id.unwrap_or(me.community_id);
    let own = community_id == me.community_id;
    let admin = directory::administers(db, me, community_id).await?;
    // The caller's own community needs no lookup (a board is read often).
    let street = if !q.street {
        None
    } else if own {
        Some(me.street.clone())
    } else {
        Some(directory::community(db, community_id).await?.street)
    };
    let scope = match street.clone() {
        Some(s) if s == me.street || admin => Scope::Street(s),
        None if own || admin => Scope::Community(community_id),
        _ => return Err(ApiError::Forbidden),
    };
    let span = q.period.span(q.day);
    let (ranked, source) = boards
        .top(db, &scope, &span, q.metric, q.limit.clamp(1, MAX_LIMIT), q.prefer)
        .await?;
    // Names and consent in one query.
    let people: HashMap<i64, (String, Option<bool>)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .column(member_profile::Column::PublishConsent)
        .join(JoinType::LeftJoin, member_profile::Relation::User.def().rev())
        .filter(user::Column::Id.is_in(ranked.iter().map(|r| r.member_id)))
        .into_tuple::<(i64, String, Option<bool>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, consent)| (id, (name, consent)))
        .collect();
    let entries = ranked
        .into_iter()
        .map(|r| {
            let (name, consent) = people.get(&r.member_id).map_or(("", None), |(n, c)| (n.as_str(), *c));
            let named = consent.unwrap_or(false);
            let is_me = r.member_id == me.id;
            EntryView {
                rank: r.rank,
                member_id: (named || is_me || admin).then_some(r.member_id),
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
