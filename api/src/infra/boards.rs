//! Honor boards in Redis sorted sets, shared by every replica.
//!
//! Keys: `{prefix}:board:{gen}:{scope}:{period}:{metric}` where scope is
//! `c{community id}` or `s{street}`, period a key like `2026-11`, metric one
//! of `points`, `minutes`, `services`, `rating` (plus `rsum`/`rcnt`, the
//! rating's sum and count). Members are zero-padded ids, so Redis orders
//! equal scores by id like the SQL path does.
//!
//! `{prefix}:board:ready` names the generation readers use; it is missing
//! after a flush or when a write may have been lost, and then the next read
//! rebuilds a new generation from the ledgers. While a rebuild runs,
//! `{prefix}:board:building` names the new generation and writes go to both.

use crate::domain::board::{Delta, Metric, Period, Scope, Span};
use redis::aio::ConnectionManager;
use redis::{RedisResult, Script};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Adds one delta to every board it belongs to, in each live generation.
const RECORD: &str = r"
local gens = {}
local ready = redis.call('GET', KEYS[1])
if ready then table.insert(gens, ready) end
local building = redis.call('GET', KEYS[2])
if building and building ~= ready then table.insert(gens, building) end
if #gens == 0 then return 0 end
local member = ARGV[2]
local names = {'points', 'minutes', 'services'}
for _, generation in ipairs(gens) do
  for i = 8, #ARGV do
    local base = ARGV[1] .. generation .. ':' .. ARGV[i] .. ':'
    for j, name in ipairs(names) do
      if tonumber(ARGV[2 + j]) ~= 0 then redis.call('ZINCRBY', base .. name, ARGV[2 + j], member) end
    end
    if tonumber(ARGV[6]) ~= 0 or tonumber(ARGV[7]) ~= 0 then
      local s = tonumber(redis.call('ZINCRBY', base .. 'rsum', ARGV[6], member))
      local n = tonumber(redis.call('ZINCRBY', base .. 'rcnt', ARGV[7], member))
      if n > 0 then
        redis.call('ZADD', base .. 'rating', s / n, member)
      else
        redis.call('ZREM', base .. 'rating', member)
      end
    end
  end
end
return #gens
";

/// The top of one board, or `false` when no generation is ready.
const TOP: &str = r"
local generation = redis.call('GET', KEYS[1])
if not generation then return false end
return redis.call('ZREVRANGEBYSCORE', ARGV[1] .. generation .. ':' .. ARGV[2], '+inf', '(0', 'WITHSCORES', 'LIMIT', 0, ARGV[3])
";

#[derive(Clone)]
pub struct RedisBoards {
    conn: ConnectionManager,
    prefix: String,
    /// A write failed: the boards may have missed it, so the next chance
    /// drops the ready marker and a rebuild follows.
    dirty: Arc<AtomicBool>,
    record: Arc<Script>,
    top: Arc<Script>,
}

fn member_key(id: i64) -> String {
    format!("{id:012}")
}

fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::Community(id) => format!("c{id}"),
        Scope::Street(s) => format!("s{s}"),
    }
}

fn metric_key(m: Metric) -> &'static str {
    match m {
        Metric::Points => "points",
        Metric::Hours => "minutes",
        Metric::Services => "services",
        Metric::Rating => "rating",
    }
}

/// `scope:period` of every board one delta lands on.
fn board_suffixes(d: &Delta) -> Vec<String> {
    let scopes = [Scope::Community(d.community_id), Scope::Street(d.street.clone())];
    let mut out = Vec::with_capacity(scopes.len() * Period::ALL.len());
    for s in &scopes {
        for p in Period::ALL {
            out.push(format!("{}:{}", scope_key(s), p.span(d.day).key));
        }
    }
    out
}

impl RedisBoards {
    pub fn new(conn: ConnectionManager, prefix: &str) -> Self {
        RedisBoards {
            conn,
            prefix: format!("{prefix}:board:"),
            dirty: Arc::new(AtomicBool::new(false)),
            record: Arc::new(Script::new(RECORD)),
            top: Arc::new(Script::new(TOP)),
        }
    }

    fn ready_key(&self) -> String {
        format!("{}ready", self.prefix)
    }

    fn building_key(&self) -> String {
        format!("{}building", self.prefix)
    }

    /// If a write was lost, forget the ready generation (once Redis answers).
    async fn settle(&self) {
        if self.dirty.load(Ordering::Acquire) {
            let mut conn = self.conn.clone();
            let done: RedisResult<()> = redis::cmd("DEL").arg(self.ready_key()).query_async(&mut conn).await;
            if done.is_ok() {
                self.dirty.store(false, Ordering::Release);
                tracing::info!("honor boards marked for rebuild after a lost write");
            }
        }
    }

    pub async fn record(&self, deltas: &[Delta]) {
        self.settle().await;
        let mut conn = self.conn.clone();
        for d in deltas {
            let mut inv = self.record.key(self.ready_key());
            inv.key(self.building_key())
                .arg(&self.prefix)
                .arg(member_key(d.member_id))
                .arg(d.points)
                .arg(d.minutes)
                .arg(d.services)
                .arg(d.rating_sum)
                .arg(d.rating_count);
            for s in board_suffixes(d) {
                inv.arg(s);
            }
            let done: RedisResult<i64> = inv.invoke_async(&mut conn).await;
            if let Err(e) = done {
                tracing::warn!(error = %e, "honor board update lost; boards will be rebuilt");
                self.dirty.store(true, Ordering::Release);
            }
        }
    }

    /// The board's top `limit`, or `None` when no generation is ready.
    pub async fn top(
        &self,
        scope: &Scope,
        span: &Span,
        metric: Metric,
        limit: usize,
    ) -> RedisResult<Option<Vec<(i64, f64)>>> {
        self.settle().await;
        let mut conn = self.conn.clone();
        let suffix = format!("{}:{}:{}", scope_key(scope), span.key, metric_key(metric));
        let flat: Option<Vec<String>> = self
            .top
            .key(self.ready_key())
            .arg(&self.prefix)
            .arg(suffix)
            .arg(limit)
            .invoke_async(&mut conn)
            .await?;
        Ok(flat.map(|flat| {
            flat.chunks(2)
                .filter_map(|pair| match pair {
                    [m, v] => Some((m.parse().ok()?, v.parse().ok()?)),
                    _ => None,
                })
                .collect()
        }))
    }

    /// Replaces every board with what `deltas` (the whole ledger) add up to,
    /// under a new generation. Returns `false` if another rebuild holds the lock.
    pub async fn rebuild(&self, deltas: impl AsyncFnOnce() -> anyhow::Result<Vec<Delta>>) -> anyhow::Result<bool> {
        let mut conn = self.conn.clone();
        let lock = format!("{}lock", self.prefix);
        let got: Option<String> = redis::cmd("SET")
            .arg(&lock)
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(300_000)
            .query_async(&mut conn)
            .await?;
        if got.is_none() {
            return Ok(false);
        }
        let result = self.rebuild_locked(&mut conn, deltas).await;
        let _: RedisResult<()> = redis::cmd("DEL").arg(&lock).query_async(&mut conn).await;
        result.map(|()| true)
    }

    async fn rebuild_locked(
        &self,
        conn: &mut ConnectionManager,
        deltas: impl AsyncFnOnce() -> anyhow::Result<Vec<Delta>>,
    ) -> anyhow::Result<()> {
        let generation: i64 = redis::cmd("INCR")
            .arg(format!("{}generation", self.prefix))
            .query_async(conn)
            .await?;
        let old: Option<String> = redis::cmd("GET").arg(self.ready_key()).query_async(conn).await?;
        let () = redis::cmd("SET")
            .arg(self.building_key())
            .arg(generation)
            .query_async(conn)
            .await?;
        // Sum per board and member in memory, then write each board once.
        let mut sums: HashMap<String, HashMap<i64, [i64; 5]>> = HashMap::new();
        for d in deltas().await? {
            for s in board_suffixes(&d) {
                let e = sums.entry(s).or_default().entry(d.member_id).or_default();
                e[0] += d.points;
                e[1] += d.minutes;
                e[2] += d.services;
                e[3] += d.rating_sum;
                e[4] += d.rating_count;
            }
        }
        let base = format!("{}{generation}:", self.prefix);
        let mut pipe = redis::pipe();
        let mut queued = 0usize;
        for (board, members) in &sums {
            for (member, v) in members {
                let m = member_key(*member);
                // ZINCRBY, not ZADD: writes that reached this generation
                // while the ledgers were being read are kept.
                for (i, name) in ["points", "minutes", "services", "rsum", "rcnt"].iter().enumerate() {
                    if v[i] != 0 {
                        pipe.cmd("ZINCRBY")
                            .arg(format!("{base}{board}:{name}"))
                            .arg(v[i])
                            .arg(&m)
                            .ignore();
                        queued += 1;
                    }
                }
                if v[4] > 0 {
                    pipe.cmd("ZADD")
                        .arg(format!("{base}{board}:rating"))
                        .arg(crate::domain::board::average(v[3] as f64, v[4] as f64))
                        .arg(&m)
                        .ignore();
                    queued += 1;
                }
                if queued >= 5_000 {
                    let () = pipe.query_async(conn).await?;
                    pipe = redis::pipe();
                    queued = 0;
                }
            }
        }
        if queued > 0 {
            let () = pipe.query_async(conn).await?;
        }
        let () = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(self.ready_key())
            .arg(generation)
            .ignore()
            .cmd("DEL")
            .arg(self.building_key())
            .ignore()
            .query_async(conn)
            .await?;
        if let Some(old) = old {
            self.drop_generation(conn, &old).await?;
        }
        tracing::info!(generation, boards = sums.len(), "honor boards rebuilt");
        Ok(())
    }

    async fn drop_generation(&self, conn: &mut ConnectionManager, generation: &str) -> RedisResult<()> {
        let pattern = format!("{}{generation}:*", self.prefix);
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(conn)
                .await?;
            if !keys.is_empty() {
                let () = redis::cmd("UNLINK").arg(&keys).query_async(conn).await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }
}
