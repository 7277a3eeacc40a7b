//! Redis outages (issue 15.5): with Redis frozen (SIGSTOP) or stopped
//! (SIGKILL) in the middle of a stream of writes, the writes keep a p99
//! under 200 ms (every Redis call goes through one short-timeout circuit
//! breaker; boards fall back to SQL, live events to local delivery), and
//! once Redis is back — thawed, or restarted empty — the honor boards equal
//! the ledgers. Each test runs a `redis-server` of its own, so the shared
//! one other tests use is never touched.

use crate::helpers::{Backend, TestApp, User, free_port, spawn_app_configured};
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A `redis-server` of the test's own on a free port, without persistence
/// (a restart comes back empty).
pub struct OwnRedis {
    child: Option<std::process::Child>,
    port: u16,
}

impl OwnRedis {
    /// Started and answering, or `None` (skip) without `redis-server` outside CI.
    pub async fn start() -> Option<OwnRedis> {
        let mut r = OwnRedis {
            child: None,
            port: free_port(),
        };
        r.up().await.then_some(r)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// (Re)starts the server on its port, empty, and waits until it answers.
    pub async fn up(&mut self) -> bool {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn();
        match child {
            Ok(c) => self.child = Some(c),
            Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("redis-server is required under CI: {e}")
            }
            Err(e) => {
                eprintln!("skipping: no redis-server binary ({e})");
                return false;
            }
        }
        for _ in 0..100 {
            if let Ok(c) = redis::Client::open(self.url().as_str())
                && let Ok(mut conn) = c.get_multiplexed_async_connection().await
                && redis::cmd("PING").query_async::<String>(&mut conn).await.is_ok()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("own redis-server did not come up on {}", self.port);
    }

    /// `kill -STOP` (frozen: connections stay open, nothing answers) or `-CONT`.
    pub fn signal(&self, sig: &str) {
        let Some(c) = &self.child else { return };
        let ok = std::process::Command::new("kill")
            .args([sig, &c.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig}");
    }

    /// SIGKILL: gone, its data with it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.signal("-CONT");
        self.kill();
    }
}

async fn board(app: &TestApp, query: &str) -> Value {
    let (s, b) = app.get(&app.admin.token, &format!("/honor-board?{query}")).await;
    assert_eq!(s, StatusCode::OK, "board {query}: {b}");
    b
}

/// Waits (bounded) until boards come from Redis again, then checks every
/// period × metric × scope against SQL.
async fn boards_equal_sql_once_back(app: &TestApp, context: &str) {
    let started = Instant::now();
    while board(app, "period=all&metric=points").await["source"] != "redis" {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{context}: boards back on Redis"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for scope in ["community", "street"] {
        for period in ["week", "month", "quarter", "year", "all"] {
            for metric in ["points", "hours", "services", "rating"] {
                let q = format!("scope={scope}&period={period}&metric={metric}&limit=100");
                let redis = board(app, &q).await;
                let sql = board(app, &format!("{q}&source=sql")).await;
                assert_eq!(redis["source"], "redis", "{context} {q}");
                assert_eq!(redis["entries"], sql["entries"], "{context}: {q} Redis (left) vs SQL");
            }
        }
    }
}

/// Latency of each write over one phase: posts, awards and verifications.
struct Phase {
    name: &'static str,
    millis: Vec<f64>,
    elapsed: Duration,
}

impl Phase {
    fn quantile(&self, q: f64) -> f64 {
        let mut v = self.millis.clone();
        v.sort_by(f64::total_cmp);
        let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len().max(1)) - 1;
        v.get(i).copied().unwrap_or(0.0)
    }

    fn report(&self, backend: Backend) -> f64 {
        let p99 = self.quantile(0.99);
        eprintln!(
            "redis-outage {backend:?} {:<8} writes {:>4}  {:>6.1}/s  p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>7.1} ms",
            self.name,
            self.millis.len(),
            self.millis.len() as f64 / self.elapsed.as_secs_f64(),
            self.quantile(0.5),
            p99,
            self.quantile(1.0),
        );
        p99
    }
}

/// Writes from 2 clients for `secs`, timed one by one: posted requests,
/// awards, and verifications (of `to_verify`, while any are left) that
/// credit a member.
async fn load(app: &TestApp, name: &'static str, secs: u64, people: &People, to_verify: Vec<i64>) -> Phase {
    let until = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let to_verify = &std::sync::Mutex::new(to_verify);
    let millis: Vec<Vec<f64>> = futures::stream::iter(0..2usize)
        .map(|worker| async move {
            let mut out = Vec::new();
            let mut i = worker;
            while Instant::now() < until {
                let t = Instant::now();
                let member = &people.members[i % people.members.len()];
                let verify = if i % 4 == 2 {
                    to_verify.lock().ok().and_then(|mut v| v.pop())
                } else {
                    None
                };
                let status = match (i % 4, verify) {
                    (_, Some(id)) => app.act(&app.admin, id, "verify", json!({})).await.0,
                    (0, _) => {
                        let body =
                            json!({"category": "errands", "title": format!("帮忙取快递 {i}"), "address": "1号楼302"});
                        app.post(&people.resident.token, "/requests", body).await.0
                    }
                    _ => {
                        let body =
                            json!({"member_id": member.id, "kind": "award", "points": 1 + i % 3, "reason": "社区值守"});
                        app.post(&app.admin.token, "/points/awards", body).await.0
                    }
                };
                assert!(status.is_success(), "{name}: a write failed with {status}");
                out.push(t.elapsed().as_secs_f64() * 1000.0);
                i += 2;
            }
            out
        })
        .buffer_unordered(2)
        .collect()
        .await;
    Phase {
        name,
        millis: millis.concat(),
        elapsed: started.elapsed(),
    }
}

/// The p99 writes must keep while Redis is away: 200 ms. On a machine so
/// busy that writes with Redis up already had a p99 over 100 ms (other
/// builds and tests beside this one), that p99 plus 100 ms — still far
/// below what a Redis outage used to cost (2–4 s a write).
fn p99_bound(calm_p99: f64) -> f64 {
    if calm_p99 <= 100.0 {
        200.0
    } else {
        eprintln!(
            "redis-outage: a busy machine (p99 {calm_p99:.0} ms with Redis up); bound {:.0} ms",
            calm_p99 + 100.0
        );
        calm_p99 + 100.0
    }
}

struct People {
    resident: User,
    members: Vec<User>,
}

/// `n` requests completed and rated, waiting for the admin's verification.
async fn waiting_for_verification(app: &TestApp, people: &People, n: usize) -> Vec<i64> {
    let mut out = Vec::new();
    for i in 0..n {
        let m = &people.members[i % people.members.len()];
        let id = app
            .completed_request(&people.resident, m, 30 + 15 * (i as i64 % 4))
            .await;
        app.ok(&people.resident, id, "review", json!({"stars": 3 + i as i64 % 3}))
            .await;
        out.push(id);
    }
    out
}

/// Redis frozen, then stopped, under a stream of writes: p99 under 200 ms
/// in both; live events still reach this replica's screens; boards equal
/// SQL once Redis is thawed, and once it is restarted empty.
async fn writes_stay_fast_while_redis_is_frozen_or_down(b: Backend) {
    let Some(mut redis) = OwnRedis::start().await else {
        return;
    };
    // The shipped defaults: a 100 ms timeout, the breaker open 5 s.
    let Some(app) = spawn_app_configured(b, Some(redis.url()), |_| {}).await else {
        return;
    };
    let test = async {
        let people = People {
            resident: app.resident().await,
            members: vec![app.member().await, app.member().await, app.member().await],
        };
        // Eight verifications for each phase.
        let mut to_verify = waiting_for_verification(&app, &people, 32).await;
        let mut verifications = move || to_verify.split_off(to_verify.len().saturating_sub(8));
        let mut live = app.state.hub.subscribe();

        let calm = load(&app, "redis up", 2, &people, verifications()).await;
        let bound = p99_bound(calm.report(b));
        boards_equal_sql_once_back(&app, "before the outage").await;

        redis.signal("-STOP");
        while live.try_recv().is_ok() {}
        let frozen = load(&app, "frozen", 4, &people, verifications()).await;
        let heard = std::iter::from_fn(|| live.try_recv().ok()).count();
        // Sign-in limits count in process meanwhile: a wrong password is
        // answered at once, and counted.
        let t = Instant::now();
        let body = json!({"phone": people.resident.phone, "password": "not-the-password"});
        let (s, _) = app.post("", "/auth/login", body).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(
            t.elapsed() < Duration::from_millis(200),
            "login with Redis frozen: {:?}",
            t.elapsed()
        );
        redis.signal("-CONT");
        assert!(
            frozen.report(b) < bound,
            "p99 of writes with Redis frozen, bound {bound} ms"
        );
        assert!(heard > 0, "live events delivered locally while Redis was frozen");
        boards_equal_sql_once_back(&app, "after Redis thawed").await;

        redis.kill();
        let down = load(&app, "down", 4, &people, verifications()).await;
        assert!(
            down.report(b) < bound,
            "p99 of writes with Redis stopped, bound {bound} ms"
        );
        assert!(redis.up().await, "redis-server restarts, empty");
        let back = load(&app, "back", 2, &people, verifications()).await;
        back.report(b);
        boards_equal_sql_once_back(&app, "after Redis came back empty").await;
    };
    tokio::time::timeout(Duration::from_secs(55), test)
        .await
        .expect("bounded in time");
}
crate::both_backends!(writes_stay_fast_while_redis_is_frozen_or_down);

/// Redis stalls while a credit is written: the board answers from SQL
/// meanwhile, and once Redis is back (the breaker's pause over) the lost
/// write is noticed and the boards are rebuilt from the ledgers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_recover_from_a_lost_redis_write() {
    let Some(redis) = OwnRedis::start().await else { return };
    let Some(app) = spawn_app_configured(Backend::Sqlite, Some(redis.url()), |s| {
        s.redis_breaker_open_ms = 200;
    })
    .await
    else {
        return;
    };
    let resident = app.resident().await;
    let m = app.member().await;
    app.closed_request(&resident, &m, 60, 5).await;
    let q = "period=all&metric=hours";
    let before = board(&app, q).await;
    assert_eq!(
        (before["source"].as_str(), before["entries"][0]["value"].as_f64()),
        (Some("redis"), Some(1.0))
    );

    redis.signal("-STOP");
    app.closed_request(&resident, &m, 120, 5).await; // its board update times out
    let during = board(&app, q).await;
    assert_eq!(during["source"], "sql", "{during}");
    assert_eq!(during["entries"][0]["value"], 3.0);

    redis.signal("-CONT");
    boards_equal_sql_once_back(&app, "after the lost write").await;
    let after = board(&app, q).await;
    assert_eq!(
        after["entries"], during["entries"],
        "rebuilt with the write Redis missed"
    );
}
