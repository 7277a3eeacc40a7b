//! Operations (issue 15): `linli check` / `GET /admin/check` pass on a
//! normal database and report each invariant broken on purpose with SQL;
//! `linli backup` copies SQLite consistently while writes go on.

use crate::helpers::{Backend, TestApp, redis_url, spawn_app, spawn_app_configured};
use linli::i18n::Lang;
use linli::services::check::{self, Boards, Report};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use std::collections::BTreeSet;

async fn sql(app: &TestApp, statements: &[String]) {
    let db = Database::connect(&app.database_url).await.expect("db");
    for s in statements {
        db.execute_unprepared(s).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    db.close().await.expect("close");
}

fn codes(report: &Report) -> BTreeSet<&'static str> {
    report.problems.iter().map(|p| p.finding.code.as_str()).collect()
}

/// The check on a database the service wrote, then with a balance, the
/// minutes, a second credit, a negative balance and a Redis board broken by
/// hand: each is named, with its member, request or board.
async fn check_finds_what_was_broken_on_purpose(b: Backend) {
    let Some(app) = spawn_app_configured(b, Some(redis_url()), |_| {}).await else {
        return;
    };
    let resident = app.resident().await;
    let (m1, m2, m3) = (app.member().await, app.member().await, app.member().await);
    let first = app.closed_request(&resident, &m1, 60, 5).await;
    app.closed_request(&resident, &m2, 90, 4).await;
    app.award(m3.id, 7).await;
    // A board read builds the Redis generation the check compares.
    let (s, _) = app.get(&app.admin.token, "/honor-board?period=all").await;
    assert_eq!(s, StatusCode::OK);

    let clean = check::run(&app.state, Lang::Zh).await.expect("check runs");
    assert!(clean.ok, "a normal database passes: {:?}", clean.problems);
    assert_eq!(clean.boards, Boards::Checked);
    assert!(clean.members >= 3 && clean.requests >= 2, "{clean:?}");
    let street = app.street_admin().await;
    let (s, body) = app.get(&street.token, "/admin/check").await;
    assert_eq!((s, body["ok"].as_bool()), (StatusCode::OK, Some(true)), "{body}");
    for who in [&app.admin, &resident] {
        let (s, _) = app.get(&who.token, "/admin/check").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "street admins only");
    }

    sql(
        &app,
        &[
            format!(
                "UPDATE member_balances SET points = points + 1 WHERE member_id = {}",
                m1.id
            ),
            format!(
                "UPDATE member_balances SET minutes = minutes + 5 WHERE member_id = {}",
                m2.id
            ),
            format!("UPDATE member_balances SET points = -5 WHERE member_id = {}", m3.id),
            // A second service record for the first request, outside the unique (credit_of, round).
            format!(
                "INSERT INTO service_records (member_id, community_id, request_id, kind, sign, minutes, activity, \
                 service_date, place, content, organiser, person_in_charge, actor_id, created_at) \
                 SELECT member_id, community_id, request_id, kind, sign, 0, activity, service_date, place, content, \
                 organiser, person_in_charge, actor_id, created_at FROM service_records WHERE credit_of = {first}"
            ),
        ],
    )
    .await;
    let mut conn = redis::Client::open(redis_url())
        .expect("redis url")
        .get_multiplexed_async_connection()
        .await
        .expect("redis");
    let base = format!("{}:board:", app.redis_prefix);
    let generation: String = redis::cmd("GET")
        .arg(format!("{base}ready"))
        .query_async(&mut conn)
        .await
        .expect("a ready generation");
    let () = redis::cmd("ZINCRBY")
        .arg(format!("{base}{generation}:c1:all:points"))
        .arg(3)
        .arg(format!("{:012}", m1.id))
        .query_async(&mut conn)
        .await
        .expect("zincrby");

    let broken = check::run(&app.state, Lang::Zh).await.expect("check runs");
    assert!(!broken.ok);
    assert_eq!(
        codes(&broken),
        BTreeSet::from([
            "board_mismatch",
            "credited_twice",
            "hours_balance",
            "negative_balance",
            "points_balance"
        ]),
        "{:#?}",
        broken.problems
    );
    let about = |code: &str| -> Vec<Value> {
        broken
            .problems
            .iter()
            .filter(|p| p.finding.code.as_str() == code)
            .map(|p| serde_json::to_value(p).expect("json"))
            .collect()
    };
    let points = about("points_balance");
    assert!(
        points
            .iter()
            .any(|p| p["subject"]["member_id"] == m1.id && p["community_id"] == 1),
        "{points:?}"
    );
    assert_eq!(about("credited_twice")[0]["subject"]["request_id"], first);
    assert_eq!(about("negative_balance")[0]["found"], "-5");
    assert!(
        about("board_mismatch")
            .iter()
            .all(|p| p["subject"]["member_id"] == m1.id),
        "only the board changed by hand"
    );
    assert!(
        about("hours_balance")[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("分钟"))
    );

    // The street admin sees the same problems (all in their street), in English if asked.
    let resp = app
        .client
        .get(app.url("/admin/check"))
        .bearer_auth(&street.token)
        .header("accept-language", "en")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["ok"].as_bool(), Some(false), "{body}");
    assert_eq!(body["problem_count"], broken.problem_count);
    assert!(
        body["problems"][0]["message"].as_str().is_some_and(|m| m.is_ascii()),
        "{body}"
    );
    crate::helpers::redis_flush_prefix(&app.redis_prefix).await;
}
crate::both_backends!(check_finds_what_was_broken_on_purpose);

/// `linli backup` while requests are posted: the copy opens, passes
/// SQLite's integrity check and holds the rows written before it; an
/// existing file is refused; PostgreSQL is told to use pg_dump.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_copies_sqlite_while_writes_go_on() {
    use futures::StreamExt;
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let resident = app.resident().await;
    for _ in 0..5 {
        app.post_request(&resident).await;
    }
    let dir = std::env::temp_dir().join(format!("linli-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let copy = dir.join("linli-copy.db");
    let settings = app.state.settings.as_ref().clone();
    let writes = futures::stream::iter(0..40).for_each_concurrent(4, |_| async {
        app.post_request(&resident).await;
    });
    let backup = async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        linli::cli::backup::backup(&settings, &copy).await
    };
    let ((), bytes) = tokio::join!(writes, backup);
    assert!(bytes.expect("backup taken") > 0);

    let db = Database::connect(format!("sqlite://{}?mode=ro", copy.display()))
        .await
        .expect("the copy opens");
    let one = |sql: &str| {
        let db = &db;
        let sql = sql.to_owned();
        async move {
            db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql))
                .await
                .expect("query")
                .expect("a row")
        }
    };
    let integrity: String = one("PRAGMA integrity_check").await.try_get_by_index(0).expect("text");
    assert_eq!(integrity, "ok");
    let requests: i64 = one("SELECT count(*) FROM help_requests")
        .await
        .try_get_by_index(0)
        .expect("n");
    assert!(
        (5..=45).contains(&requests),
        "the rows before the copy, and maybe some after: {requests}"
    );
    let users: i64 = one("SELECT count(*) FROM users").await.try_get_by_index(0).expect("n");
    assert!(users >= 2, "{users}");
    db.close().await.expect("close");

    let again = linli::cli::backup::backup(&settings, &copy).await;
    assert!(
        again.is_err_and(|e| e.to_string().contains("已存在")),
        "an existing file is not overwritten"
    );
    let mut pg = settings.clone();
    pg.database_url = "postgres://postgres@127.0.0.1:5432/linli".into();
    let told = linli::cli::backup::backup(&pg, &dir.join("pg.db")).await;
    assert!(told.is_err_and(|e| e.to_string().contains("pg_dump")));
    let _ = std::fs::remove_dir_all(&dir);
}
