//! 光荣榜: Redis and the SQL fallback give the same boards for the same
//! ledger; Redis rebuilds itself after a flush; consent decides names.

use crate::helpers::{Backend, TestApp, User, redis_flush_prefix, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn board(app: &TestApp, who: &User, query: &str) -> Value {
    let (s, b) = app.get(&who.token, &format!("/honor-board?{query}")).await;
    assert_eq!(s, StatusCode::OK, "board {query}: {b}");
    b
}

/// Every period × metric × scope: Redis and SQL agree, line for line.
async fn assert_redis_matches_sql(app: &TestApp, who: &User, context: &str) -> usize {
    let mut lines = 0;
    for scope in ["community", "street"] {
        for period in ["week", "month", "quarter", "year", "all"] {
            for metric in ["points", "hours", "services", "rating"] {
                let q = format!("scope={scope}&period={period}&metric={metric}&limit=50");
                let redis = board(app, who, &q).await;
                let sql = board(app, who, &format!("{q}&source=sql")).await;
                assert_eq!(redis["source"], "redis", "{context} {q}: {redis}");
                assert_eq!(sql["source"], "sql");
                assert_eq!(redis["entries"], sql["entries"], "{context}: {q}");
                lines += sql["entries"].as_array().map_or(0, Vec::len);
            }
        }
    }
    lines
}

async fn consenting_member(app: &TestApp, name_consent: bool) -> User {
    let m = app.member().await;
    let (s, b) = app
        .put(
            &m.token,
            &format!("/members/{}", m.id),
            json!({"kind": "volunteer", "publish_consent": name_consent}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    m
}

async fn redis_and_sql_agree(b: Backend) {
    let Some(app) = spawn_app_with(b, true).await else {
        return;
    };
    let resident = app.resident().await;
    let members = [
        consenting_member(&app, true).await,
        consenting_member(&app, false).await,
        consenting_member(&app, true).await,
        consenting_member(&app, false).await,
    ];
    // A second community in the same street (street admins open them).
    let street_admin = app.street_admin().await;
    let (s, c) = app
        .post(
            &street_admin.token,
            "/communities",
            json!({"name": "明月社区", "grids": ["一网格"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let c2 = c["community"]["id"].as_i64().expect("second community");

    // A history with ties, low ratings, awards, deductions, a void and a correction.
    for (i, (minutes, stars)) in [(60, 5), (90, 4), (60, 5), (30, 1), (120, 3), (60, 5), (45, 2)]
        .into_iter()
        .enumerate()
    {
        app.closed_request(&resident, &members[i % members.len()], minutes, stars)
            .await;
    }
    app.award(members[1].id, 7).await;
    app.award(members[2].id, 4).await;
    app.award(members[2].id, -2).await;
    let voided = app.closed_request(&resident, &members[3], 180, 1).await;
    let (s, v) = app
        .post(
            &app.admin.token,
            &format!("/requests/{voided}/credit/void"),
            json!({"reason": "投诉属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, recs) = app
        .get(&app.admin.token, &format!("/members/{}/records", members[0].id))
        .await;
    let rec = recs["items"][0]["id"].as_i64().expect("record");
    let (s, fixed) = app
        .post(
            &app.admin.token,
            &format!("/records/{rec}/correct"),
            json!({"hours": 2.5, "reason": "补记"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fixed}");

    let lines = assert_redis_matches_sql(&app, &app.admin, "after writes").await;
    assert!(lines > 40, "the boards have content ({lines} lines)");

    // Ties share a rank: members 0 and 2 both have 2 services this month.
    let services = board(&app, &app.admin, "metric=services&period=all").await;
    let ranks: Vec<(i64, i64)> = services["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["rank"].as_i64().unwrap_or(0), e["value"].as_i64().unwrap_or(0)))
        .collect();
    for w in ranks.windows(2) {
        assert!(w[0].1 >= w[1].1, "ordered by value: {ranks:?}");
        if w[0].1 == w[1].1 {
            assert_eq!(w[0].0, w[1].0, "equal values share a rank: {ranks:?}");
        }
    }

    // Consent: a resident sees names of those who agreed, 张* for the rest.
    let points = board(&app, &resident, "period=all&metric=hours").await;
    for e in points["entries"].as_array().expect("entries") {
        let name = e["name"].as_str().unwrap_or("");
        let id = members.iter().position(|m| Some(m.id) == e["member_id"].as_i64());
        match id {
            Some(i) => assert!(i % 2 == 0, "only consenting members are identified: {e}"),
            None => assert!(name.ends_with('*'), "masked without consent: {e}"),
        }
    }

    // Flush this deployment's Redis keys: the next read rebuilds from the ledgers.
    redis_flush_prefix(&app.redis_prefix).await;
    assert_redis_matches_sql(&app, &app.admin, "after flush").await;
    // And writes after the rebuild keep both in step.
    app.closed_request(&resident, &members[1], 75, 4).await;
    app.award(members[3].id, 3).await;
    assert_redis_matches_sql(&app, &app.admin, "after rebuild and more writes").await;
    let (s, r) = app.post(&app.admin.token, "/honor-board/rebuild", json!({})).await;
    assert_eq!((s, r["rebuilt"].as_bool()), (StatusCode::OK, Some(true)), "{r}");
    assert_redis_matches_sql(&app, &app.admin, "after an explicit rebuild").await;

    // Members of another community cannot read this community's board.
    let outsider = app.resident_in(c2).await;
    let (s, _) = app.get(&outsider.token, "/honor-board?community_id=1").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // …but the street board is theirs too.
    let (s, street) = app.get(&outsider.token, "/honor-board?scope=street&period=all").await;
    assert_eq!(s, StatusCode::OK, "{street}");
    redis_flush_prefix(&app.redis_prefix).await;
}

mod redis_and_sql_agree {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::redis_and_sql_agree(super::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::redis_and_sql_agree(super::Backend::Postgres).await
    }
}

async fn sql_boards_without_redis(b: Backend) {
    let Some(app) = spawn_app_with(b, false).await else {
        return;
    };
    let resident = app.resident().await;
    let m = consenting_member(&app, true).await;
    app.closed_request(&resident, &m, 90, 5).await;
    let b = board(&app, &m, "period=month&metric=hours").await;
    assert_eq!(b["source"], "sql");
    assert_eq!(b["entries"][0]["value"], 1.5);
    assert_eq!(b["entries"][0]["is_me"], true);
    let (s, r) = app.post(&app.admin.token, "/honor-board/rebuild", json!({})).await;
    assert_eq!((s, r["redis"].as_bool()), (StatusCode::OK, Some(false)));
    let (s, e) = app.get(&m.token, "/honor-board?period=decade").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}
crate::both_backends!(sql_boards_without_redis);

/// A Redis of this test's own (a real `redis-server` on a free port), so it
/// can be paused and resumed without touching the one other tests share.
struct OwnRedis {
    child: std::process::Child,
    url: String,
}

impl OwnRedis {
    fn start() -> Option<OwnRedis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn();
        match child {
            Ok(child) => Some(OwnRedis {
                child,
                url: format!("redis://127.0.0.1:{port}"),
            }),
            Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("redis-server is required under CI: {e}")
            }
            Err(e) => {
                eprintln!("skipping: no redis-server binary ({e})");
                None
            }
        }
    }

    fn signal(&self, sig: &str) {
        let ok = std::process::Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig}");
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.signal("-CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Redis stalls while a credit is written: the board answers from SQL
/// meanwhile, and once Redis is back the lost write is noticed and the
/// boards are rebuilt from the ledgers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_recover_from_a_lost_redis_write() {
    let Some(redis) = OwnRedis::start() else { return };
    let mut up = false;
    for _ in 0..50 {
        if let Ok(c) = redis::Client::open(redis.url.as_str())
            && c.get_multiplexed_async_connection().await.is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "own redis-server came up");
    let Some(app) = crate::helpers::spawn_app_configured(Backend::Sqlite, Some(redis.url.clone()), |_| {}).await else {
        return;
    };
    let resident = app.resident().await;
    let m = consenting_member(&app, true).await;
    app.closed_request(&resident, &m, 60, 5).await;
    let q = "period=all&metric=hours";
    let before = board(&app, &m, q).await;
    assert_eq!(
        (before["source"].as_str(), before["entries"][0]["value"].as_f64()),
        (Some("redis"), Some(1.0))
    );

    redis.signal("-STOP");
    app.closed_request(&resident, &m, 120, 5).await; // its board update times out
    let during = board(&app, &m, q).await;
    assert_eq!(during["source"], "sql", "{during}");
    assert_eq!(during["entries"][0]["value"], 3.0);

    redis.signal("-CONT");
    let after = board(&app, &m, q).await;
    assert_eq!(after["source"], "redis", "{after}");
    assert_eq!(
        after["entries"], during["entries"],
        "rebuilt with the write Redis missed"
    );
}
