//! One slow thing does not starve everything: exports stuck behind a table
//! lock take at most their share of the pool (分流) and give up at the lock
//! timeout with a 503, while `GET /me` keeps answering at once.
//! PostgreSQL: the test holds a real table lock from another connection.

use crate::helpers::{Backend, spawn_app_configured};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, TransactionTrait};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stuck_exports_leave_the_pool_to_everyone_else() {
    let Some(app) = spawn_app_configured(Backend::Postgres, None, |s| {
        s.db_max_connections = 4;
        s.heavy_reads = 1;
        s.db_lock_timeout_secs = 3;
    })
    .await
    else {
        return;
    };
    // Someone holds the ledger table for longer than any export may wait.
    let holder = Database::connect(&app.database_url).await.expect("db");
    let txn = holder.begin().await.expect("begin");
    txn.execute_unprepared("LOCK TABLE service_records IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");

    let exports: Vec<_> = (0..12)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url("/exports/service-records.xlsx");
            let token = app.admin.token.clone();
            tokio::spawn(async move {
                let t = Instant::now();
                let resp = client.get(url).bearer_auth(token).send().await.expect("sent");
                let retry = resp.headers().get("retry-after").is_some();
                let status = resp.status();
                let body: serde_json::Value = resp.json().await.unwrap_or_default();
                (status, retry, body, t.elapsed())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Everyday requests still find a connection at once.
    let mut took = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let (s, _) = app.get(&app.admin.token, "/me").await;
        took.push(t.elapsed());
        assert_eq!(s, StatusCode::OK);
    }
    took.sort();
    assert!(took[2] < Duration::from_millis(100), "GET /me median {:?}", took[2]);
    assert!(took[4] < Duration::from_secs(1), "GET /me slowest {:?}", took[4]);

    // The stuck exports are told to come back — no 500, no endless wait.
    for e in exports {
        let (status, retry, body, elapsed) = e.await.expect("joined");
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(retry, "Retry-After");
        assert_eq!(body["code"], "service.busy", "{body}");
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    }
    txn.rollback().await.expect("unlock");
}
