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
//! rebuilds a new generation from the ledgers.
//!
//! Exact under concurrent credits: every delta carries the ids of its
//! ledger rows, and each generation keeps the watermark its rebuild read
//! the ledgers up to (`{gen}:wm`, every row at or below it was committed
//! when read). A delta adds only the parts whose rows are above the
//! watermark, so a row is counted by the rebuild or by its own update,
//! never both. While a rebuild runs (`{prefix}:board:building` names it)
//! updates for the new generation wait in `{gen}:log`; the swap applies
//! them above the watermark and makes it ready in one script.
//!
//! Every call goes through the Redis breaker: while Redis is away, reads
//! answer `Err` at once (the caller reads SQL) and a skipped update marks
//! the boards for rebuild.

use super::redis::{Redis, RedisFailure};
use crate::domain::board::{BoardId, Delta, Metric, Scope, Span, Totals, Watermark, fold};
use redis::Script;
use redis::aio::ConnectionManager;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Adds delta `a` (member, points, minutes, services, rating sum, rating
/// count, entry id, record id, then the boards) to generation `g`, leaving
/// out the parts whose ledger row is at or below `g`'s watermark.
const APPLY: &str = r"
local function apply(prefix, g, a)
  local wm = redis.call('HMGET', prefix .. g .. ':wm', 'entry', 'record')
  local we, wr = tonumber(wm[1]) or 0, tonumber(wm[2]) or 0
  local eid, rid = tonumber(a[7]), tonumber(a[8])
  local v = {tonumber(a[2]), tonumber(a[3]), tonumber(a[4]), tonumber(a[5]), tonumber(a[6])}
  if eid > 0 and eid <= we then v[1] = 0 end
  if rid > 0 and rid <= wr then v[2], v[3], v[4], v[5] = 0, 0, 0, 0 end
  local member = a[1]
  local names = {'points', 'minutes', 'services'}
  for i = 9, #a do
    local base = prefix .. g .. ':' .. a[i] .. ':'
    for j, name in ipairs(names) do
      if v[j] ~= 0 then redis.call('ZINCRBY', base .. name, v[j], member) end
    end
    if v[4] ~= 0 or v[5] ~= 0 then
      local s = tonumber(redis.call('ZINCRBY', base .. 'rsum', v[4], member))
      local n = tonumber(redis.call('ZINCRBY', base .. 'rcnt', v[5], member))
      if n > 0 then
        redis.call('ZADD', base .. 'rating', s / n, member)
      else
        redis.call('ZREM', base .. 'rating', member)
      end
    end
  end
end
";

/// One delta: applied to the ready generation, logged for the one being
/// built. KEYS: ready, building. ARGV: prefix, log TTL (ms), the delta.
const RECORD: &str = r"
local a = {}
for i = 3, #ARGV do a[#a + 1] = ARGV[i] end
local n = 0
local ready = redis.call('GET', KEYS[1])
if ready then
  apply(ARGV[1], ready, a)
  n = n + 1
end
local building = redis.call('GET', KEYS[2])
if building and building ~= ready then
  local log = ARGV[1] .. building .. ':log'
  redis.call('RPUSH', log, cjson.encode(a))
  redis.call('PEXPIRE', log, ARGV[2])
  n = n + 1
end
return n
";

/// Starts a generation. KEYS: generation counter, building. ARGV: TTL (ms).
/// Returns the new generation and the one a failed rebuild left (or '').
const START: &str = r"
local g = redis.call('INCR', KEYS[1])
local stale = redis.call('GET', KEYS[2])
redis.call('SET', KEYS[2], g, 'PX', ARGV[1])
return {g, stale or ''}
";

/// Makes a built generation ready: records its watermark, applies what
/// was logged meanwhile above it. KEYS: ready, building. ARGV: prefix,
/// generation, entry and record watermarks. Returns the old ready one.
const FINISH: &str = r"
local g = ARGV[2]
if redis.call('GET', KEYS[2]) ~= g then
  return redis.error_reply('generation ' .. g .. ' was superseded or invalidated')
end
redis.call('HSET', ARGV[1] .. g .. ':wm', 'entry', ARGV[3], 'record', ARGV[4])
local log = ARGV[1] .. g .. ':log'
for _, item in ipairs(redis.call('LRANGE', log, 0, -1)) do
  apply(ARGV[1], g, cjson.decode(item))
end
redis.call('DEL', log, KEYS[2])
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], g)
return old
";

/// The top of one board, or `false` when no generation is ready.
const TOP: &str = r"
local generation = redis.call('GET', KEYS[1])
if not generation then return false end
return redis.call('ZREVRANGEBYSCORE', ARGV[1] .. generation .. ':' .. ARGV[2], '+inf', '(0', 'WITHSCORES', 'LIMIT', 0, ARGV[3])
";

/// How long a rebuild may hold the lock (and its generation stay "building").
const REBUILD_TTL_MS: u64 = 300_000;
/// A rebuild's bulk calls may take this many times the usual timeout.
const BULK: u32 = 20;

#[derive(Clone)]
pub struct RedisBoards {
    redis: Redis,
    prefix: String,
    /// A write failed: the boards may have missed it, so the next chance
    /// drops the ready (and any building) generation and a rebuild follows.
    dirty: Arc<AtomicBool>,
    record: Arc<Script>,
    start: Arc<Script>,
    finish: Arc<Script>,
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

fn board_key((scope, period): &BoardId) -> String {
    format!("{}:{period}", scope_key(scope))
}

fn metric_key(m: Metric) -> &'static str {
    match m {
        Metric::Points => "points",
        Metric::Hours => "minutes",
        Metric::Services => "services",
        Metric::Rating => "rating",
    }
}

/// Members with nothing left on a board (a reversal back to zero) and
/// boards left empty are not compared.
fn without_zeros(boards: HashMap<String, HashMap<i64, Totals>>) -> HashMap<String, HashMap<i64, Totals>> {
    boards
        .into_iter()
        .map(|(board, members)| {
            let kept: HashMap<i64, Totals> = members.into_iter().filter(|(_, t)| *t != Totals::default()).collect();
            (board, kept)
        })
        .filter(|(_, members)| !members.is_empty())
        .collect()
}

/// A failed call as the rebuild reports it.
fn bulk(e: RedisFailure) -> anyhow::Error {
    anyhow::anyhow!("Redis: {e}")
}

impl RedisBoards {
    pub fn new(redis: Redis, prefix: &str) -> Self {
        let with_apply = |body: &str| Arc::new(Script::new(&format!("{APPLY}\n{body}")));
        RedisBoards {
            redis,
            prefix: format!("{prefix}:board:"),
            dirty: Arc::new(AtomicBool::new(false)),
            record: with_apply(RECORD),
            start: Arc::new(Script::new(START)),
            finish: with_apply(FINISH),
            top: Arc::new(Script::new(TOP)),
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// If a write was lost, forget the ready generation and any being built
    /// (it may have missed the write too), once Redis answers.
    async fn settle(&self) {
        if self.dirty.load(Ordering::Acquire) {
            let keys = [self.key("ready"), self.key("building")];
            let done = self
                .redis
                .run(|mut c| async move { redis::cmd("DEL").arg(&keys).query_async::<()>(&mut c).await })
                .await;
            if done.is_ok() {
                self.dirty.store(false, Ordering::Release);
                tracing::info!("honor boards marked for rebuild after a lost write");
            }
        }
    }

    /// Moves the boards by `deltas` after their ledger rows committed.
    /// Never fails: a write Redis did not take marks the boards for rebuild.
    pub async fn record(&self, deltas: &[Delta]) {
        self.settle().await;
        for d in deltas {
            let mut inv = self.record.key(self.key("ready"));
            inv.key(self.key("building"))
                .arg(&self.prefix)
                .arg(REBUILD_TTL_MS)
                .arg(member_key(d.member_id))
                .arg(d.points)
                .arg(d.minutes)
                .arg(d.services)
                .arg(d.rating_sum)
                .arg(d.rating_count)
                .arg(d.entry_id.unwrap_or(0))
                .arg(d.record_id.unwrap_or(0));
            for board in crate::domain::board::boards_of(d) {
                inv.arg(board_key(&board));
            }
            let done = self
                .redis
                .run(|mut c| async move { inv.invoke_async::<i64>(&mut c).await })
                .await;
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
    ) -> Result<Option<Vec<(i64, f64)>>, RedisFailure> {
        self.settle().await;
        let suffix = format!("{}:{}:{}", scope_key(scope), span.key, metric_key(metric));
        let mut inv = self.top.key(self.key("ready"));
        inv.arg(&self.prefix).arg(suffix).arg(limit);
        let flat: Option<Vec<String>> = self
            .redis
            .run(|mut c| async move { inv.invoke_async(&mut c).await })
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

    /// Replaces every board with the ledgers as `snapshot` reads them (up
    /// to its watermark), under a new generation, keeping every update that
    /// arrives meanwhile. Returns `false` if another rebuild holds the lock.
    pub async fn rebuild(
        &self,
        snapshot: impl AsyncFnOnce() -> anyhow::Result<(Watermark, Vec<Delta>)>,
    ) -> anyhow::Result<bool> {
        let lock = self.key("lock");
        let got: Option<String> = self
            .redis
            .run(|mut c| {
                let lock = lock.clone();
                async move {
                    redis::cmd("SET")
                        .arg(lock)
                        .arg(1)
                        .arg("NX")
                        .arg("PX")
                        .arg(REBUILD_TTL_MS)
                        .query_async(&mut c)
                        .await
                }
            })
            .await
            .map_err(bulk)?;
        if got.is_none() {
            return Ok(false);
        }
        let result = self.rebuild_locked(snapshot).await;
        let _ = self
            .redis
            .run(|mut c| async move { redis::cmd("DEL").arg(lock).query_async::<()>(&mut c).await })
            .await;
        result.map(|()| true)
    }

    async fn rebuild_locked(
        &self,
        snapshot: impl AsyncFnOnce() -> anyhow::Result<(Watermark, Vec<Delta>)>,
    ) -> anyhow::Result<()> {
        let mut inv = self.start.key(self.key("generation"));
        inv.key(self.key("building")).arg(REBUILD_TTL_MS);
        let (generation, stale): (i64, String) = self
            .redis
            .run(|mut c| async move { inv.invoke_async(&mut c).await })
            .await
            .map_err(bulk)?;
        if !stale.is_empty() {
            self.drop_generation(&stale).await.map_err(bulk)?;
        }
        let built = self.fill(generation, snapshot).await;
        if built.is_err() {
            // Best effort: what was written of it goes; the marker expires.
            let _ = self.drop_generation(&generation.to_string()).await;
        }
        let (mark, boards) = built?;
        let mut inv = self.finish.key(self.key("ready"));
        inv.key(self.key("building"))
            .arg(&self.prefix)
            .arg(generation)
            .arg(mark.entry)
            .arg(mark.record);
        let old: Option<String> = self
            .redis
            .run_bulk(BULK, |mut c| async move { inv.invoke_async(&mut c).await })
            .await
            .map_err(bulk)?;
        if let Some(old) = old.filter(|o| *o != generation.to_string()) {
            self.drop_generation(&old).await.map_err(bulk)?;
        }
        tracing::info!(generation, boards, mark.entry, mark.record, "honor boards rebuilt");
        Ok(())
    }

    /// Writes the snapshot's sums into `generation`; returns the watermark
    /// and the number of boards.
    async fn fill(
        &self,
        generation: i64,
        snapshot: impl AsyncFnOnce() -> anyhow::Result<(Watermark, Vec<Delta>)>,
    ) -> anyhow::Result<(Watermark, usize)> {
        let (mark, deltas) = snapshot().await?;
        let sums = fold(&deltas);
        let base = format!("{}{generation}:", self.prefix);
        let mut pipe = redis::pipe();
        let mut queued = 0usize;
        for (board, members) in &sums {
            let board = board_key(board);
            for (member, t) in members {
                let m = member_key(*member);
                for (name, v) in t.named() {
                    if v != 0 {
                        pipe.cmd("ZADD")
                            .arg(format!("{base}{board}:{name}"))
                            .arg(v)
                            .arg(&m)
                            .ignore();
                        queued += 1;
                    }
                }
                if t.rating_count > 0 {
                    pipe.cmd("ZADD")
                        .arg(format!("{base}{board}:rating"))
                        .arg(crate::domain::board::average(
                            t.rating_sum as f64,
                            t.rating_count as f64,
                        ))
                        .arg(&m)
                        .ignore();
                    queued += 1;
                }
                if queued >= 5_000 {
                    let full = std::mem::replace(&mut pipe, redis::pipe());
                    self.redis
                        .run_bulk(BULK, |mut c| async move { full.query_async::<()>(&mut c).await })
                        .await
                        .map_err(bulk)?;
                    queued = 0;
                }
            }
        }
        if queued > 0 {
            self.redis
                .run_bulk(BULK, |mut c| async move { pipe.query_async::<()>(&mut c).await })
                .await
                .map_err(bulk)?;
        }
        Ok((mark, sums.len()))
    }

    /// Every board of the ready generation as integer totals per member
    /// (what `linli check` compares with the ledgers), or `None` when no
    /// generation is ready.
    pub async fn snapshot(&self) -> Result<Option<HashMap<String, HashMap<i64, Totals>>>, RedisFailure> {
        let ready = self.key("ready");
        let generation: Option<String> = self
            .redis
            .run(|mut c| async move { redis::cmd("GET").arg(ready).query_async(&mut c).await })
            .await?;
        let Some(generation) = generation else { return Ok(None) };
        let base = format!("{}{generation}:", self.prefix);
        let keys = self.keys_of(&generation).await?;
        let mut out: HashMap<String, HashMap<i64, Totals>> = HashMap::new();
        for key in keys {
            let Some((board, metric)) = key.strip_prefix(&base).and_then(|k| k.rsplit_once(':')) else {
                continue;
            };
            let k = key.clone();
            let rows: Vec<(String, f64)> = self
                .redis
                .run_bulk(BULK, |mut c| async move {
                    redis::cmd("ZRANGE")
                        .arg(k)
                        .arg(0)
                        .arg(-1)
                        .arg("WITHSCORES")
                        .query_async(&mut c)
                        .await
                })
                .await?;
            for (member, score) in rows {
                let (Ok(member), v) = (member.parse::<i64>(), score.round() as i64) else {
                    continue;
                };
                let t = out.entry(board.to_owned()).or_default().entry(member).or_default();
                match metric {
                    "points" => t.points = v,
                    "minutes" => t.minutes = v,
                    "services" => t.services = v,
                    "rsum" => t.rating_sum = v,
                    "rcnt" => t.rating_count = v,
                    _ => {}
                }
            }
        }
        Ok(Some(without_zeros(out)))
    }

    /// The boards the ledgers give, keyed like [`Self::snapshot`].
    pub fn expected(deltas: &[Delta]) -> HashMap<String, HashMap<i64, Totals>> {
        without_zeros(fold(deltas).into_iter().map(|(b, m)| (board_key(&b), m)).collect())
    }

    /// Every key of one generation.
    async fn keys_of(&self, generation: &str) -> Result<Vec<String>, RedisFailure> {
        let pattern = format!("{}{generation}:*", self.prefix);
        let mut cursor: u64 = 0;
        let mut all = Vec::new();
        loop {
            let p = pattern.clone();
            let (next, keys): (u64, Vec<String>) = self
                .redis
                .run_bulk(BULK, |mut c| async move {
                    redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(p)
                        .arg("COUNT")
                        .arg(1000)
                        .query_async(&mut c)
                        .await
                })
                .await?;
            all.extend(keys);
            if next == 0 {
                return Ok(all);
            }
            cursor = next;
        }
    }

    async fn drop_generation(&self, generation: &str) -> Result<(), RedisFailure> {
        let keys = self.keys_of(generation).await?;
        for chunk in keys.chunks(1000) {
            let chunk = chunk.to_vec();
            self.redis
                .run_bulk(BULK, |mut c: ConnectionManager| async move {
                    redis::cmd("UNLINK").arg(chunk).query_async::<()>(&mut c).await
                })
                .await?;
        }
        Ok(())
    }
}
