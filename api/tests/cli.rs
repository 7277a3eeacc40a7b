#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic
//! The `linli` command's answers to an operator: `linli check` exits 0 on a
//! sound database and 1, naming the problem, once a balance is broken by
//! hand; `linli backup` copies the database once and refuses to overwrite.

use sea_orm::{ConnectionTrait, Database};
use std::path::Path;
use std::process::{Command, Output};

/// Runs `linli ARGS` on the SQLite database in `dir`, whatever the
/// environment says about databases, Redis or a config file.
fn linli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .current_dir(dir)
        .env("LINLI_DATA_DIR", dir.join("data"))
        .env("LINLI_ADMIN_PASSWORD", "admin-pass-123")
        .env("LINLI_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .env_remove("DATABASE_URL")
        .env_remove("LINLI_DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("LINLI_REDIS_URL")
        .env_remove("LINLI_CONFIG")
        .output()
        .expect("linli runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn check_exits_non_zero_on_a_broken_invariant_and_backup_never_overwrites() {
    let dir = std::env::temp_dir().join(format!("linli-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");

    let sound = linli(&dir, &["check"]);
    assert_eq!(sound.status.code(), Some(0), "{}", text(&sound));
    assert!(text(&sound).contains("全部一致"), "{}", text(&sound));

    let copy = dir.join("copy.db");
    let first = linli(&dir, &["backup", copy.to_str().expect("utf-8")]);
    assert!(first.status.success(), "{}", text(&first));
    let second = linli(&dir, &["backup", copy.to_str().expect("utf-8")]);
    assert!(!second.status.success(), "an existing file is refused");
    assert!(text(&second).contains("已存在"), "{}", text(&second));

    // The first admin (user 1) holds 5 points no ledger entry gave.
    let db = Database::connect(format!("sqlite://{}?mode=rw", dir.join("data/linli.db").display()))
        .await
        .expect("db");
    db.execute_unprepared(
        "INSERT INTO member_balances (member_id, points, minutes, updated_at) VALUES (1, 5, 0, '2026-12-04T00:00:00Z')",
    )
    .await
    .expect("insert");
    db.close().await.expect("close");
    let broken = linli(&dir, &["check"]);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    assert!(text(&broken).contains("points_balance"), "{}", text(&broken));
    let json = linli(&dir, &["check", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json report");
    assert_eq!(report["problems"][0]["code"], "points_balance");
    let _ = std::fs::remove_dir_all(&dir);
}
