#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on set-up failure
//! The ceiling of SQLite writes through the driver we use (sea-orm over
//! sqlx, WAL, `synchronous=NORMAL`, the connect options of
//! `infra::db::connect`), on a temp file:
//! - `sqlite/select_1`: one statement's round trip (the driver hands every
//!   statement to the connection's worker thread and back);
//! - `sqlite/commit_1`: `BEGIN IMMEDIATE`, one INSERT, `COMMIT`;
//! - `sqlite/commit_16_savepoints`: one transaction, 16 INSERTs each in a
//!   savepoint of its own (the group commit of issue 16), per INSERT.
//!
//! Run: `cargo bench -p linli --bench commits`.

use criterion::{Criterion, criterion_group, criterion_main};
use linli::config::Settings;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

async fn open(path: &std::path::Path) -> DatabaseConnection {
    let settings = Settings {
        database_url: format!("sqlite://{}?mode=rwc", path.display()).into(),
        db_max_connections: 1,
        ..Settings::default()
    };
    let db = linli::infra::db::connect(&settings).await.unwrap();
    db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        .await
        .unwrap();
    db
}

fn insert(db: &DatabaseConnection) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), "INSERT INTO t (v) VALUES (?)", ["x".into()])
}

fn commits(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile_dir();
    let db = rt.block_on(open(&dir.join("commits.db")));
    let mut g = c.benchmark_group("sqlite");
    g.bench_function("select_1", |b| {
        b.to_async(&rt).iter(|| async {
            db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT 1"))
                .await
                .unwrap()
        })
    });
    g.bench_function("commit_1", |b| {
        b.to_async(&rt).iter(|| async {
            let txn = linli::store::begin_write(&db).await.unwrap();
            txn.execute_raw(insert(&db)).await.unwrap();
            txn.commit().await.unwrap();
        })
    });
    g.throughput(criterion::Throughput::Elements(16));
    g.bench_function("commit_16_savepoints", |b| {
        b.to_async(&rt).iter(|| async {
            let txn = linli::store::begin_write(&db).await.unwrap();
            for _ in 0..16 {
                let sp = txn.begin().await.unwrap();
                sp.execute_raw(insert(&db)).await.unwrap();
                sp.commit().await.unwrap();
            }
            txn.commit().await.unwrap();
        })
    });
    g.finish();
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("linli-commits-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

criterion_group!(benches, commits);
criterion_main!(benches);
