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

/// Rebuilds racing with credits (verifications and awards) end with every
/// Redis board equal to the SQL one. A credit that committed just after a
/// rebuild marked its generation and before it read the ledgers used to be
/// counted twice: once by that read, once by its own board update (issue
/// 15.5). Each round races one rebuild with a burst of credits, so the
/// rebuilt generation is the one compared.
async fn rebuild_racing_with_credits_is_exact(b: Backend) {
    use futures::StreamExt;
    let Some(app) = spawn_app_with(b, true).await else {
        return;
    };
    let resident = app.resident().await;
    let members = [
        consenting_member(&app, true).await,
        consenting_member(&app, true).await,
        consenting_member(&app, true).await,
    ];
    // Requests waiting for verification: verifying one credits both ledgers.
    let mut waiting = Vec::new();
    for i in 0..8 {
        let id = app
            .completed_request(&resident, &members[i % 3], 30 + 5 * i as i64)
            .await;
        app.ok(&resident, id, "review", json!({"stars": 3 + i % 3})).await;
        waiting.push(id);
    }
    let (app, members) = (&app, &members);
    let started = std::time::Instant::now();
    for round in 0..16u64 {
        let verify = waiting.pop();
        let credits = async move {
            let verifies = futures::stream::iter(verify).for_each(|id| async move {
                app.ok(&app.admin, id, "verify", json!({})).await;
            });
            let awards = futures::stream::iter(0..16).for_each_concurrent(8, |i| async move {
                app.award(members[i % 3].id, 1 + (i % 5) as i64).await;
            });
            tokio::join!(verifies, awards);
        };
        let rebuild = async move {
            tokio::time::sleep(std::time::Duration::from_millis(round % 4 * 3)).await;
            linli::services::boards::rebuild(&app.state).await.expect("rebuild")
        };
        let ((), rebuilt) = tokio::join!(credits, rebuild);
        assert!(rebuilt, "round {round}: the rebuild ran");
        for metric in ["points", "hours", "services"] {
            let q = format!("period=all&metric={metric}&limit=50");
            let redis = board(app, &app.admin, &q).await;
            let sql = board(app, &app.admin, &format!("{q}&source=sql")).await;
            assert_eq!(redis["source"], "redis", "{redis}");
            assert_eq!(
                redis["entries"], sql["entries"],
                "round {round}, {metric}: Redis (left) vs SQL"
            );
        }
    }
    assert!(started.elapsed().as_secs() < 50, "bounded: {:?}", started.elapsed());
    assert_redis_matches_sql(app, &app.admin, "after the racing rebuilds").await;
    redis_flush_prefix(&app.redis_prefix).await;
}
crate::both_backends!(rebuild_racing_with_credits_is_exact);
