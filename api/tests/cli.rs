#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic
//! The `linli` command's answers to an operator: `linli check` exits 0 on a
//! sound database and 1, naming the problem, once a balance is broken by
//! hand; `linli backup` copies the database once and refuses to overwrite;
//! `linli create-user` takes its password from a pipe or a variable;
//! `linli serve` starts on all-digit admin settings and prints its banner
//! first; `linli doctor` says what to fix.

mod common;

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

/// `linli ARGS` in `dir` on its own SQLite file, with `env` on top and
/// `stdin` piped in (or nothing: standard input closed).
fn linli_with(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    use std::io::Write as _;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linli"));
    cmd.args(args)
        .current_dir(dir)
        .env("LINLI_DATA_DIR", dir.join("data"))
        .env("LINLI_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .env("LINLI_FRONTEND_DIR", dir.join("no-ui"))
        .env_remove("DATABASE_URL")
        .env_remove("LINLI_DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("LINLI_REDIS_URL")
        .env_remove("SMTP_URL")
        .env_remove("LINLI_CONFIG")
        .env_remove("LINLI_NEW_PASSWORD")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("linli runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    child.wait_with_output().expect("linli ends")
}

async fn login(base: &str, phone: &str, password: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"phone": phone, "password": password}))
        .send()
        .await
        .map(|r| r.status())
        .unwrap_or(reqwest::StatusCode::BAD_GATEWAY)
}

/// All-digit admin settings start the server; `create-user` takes the
/// password piped on standard input or from `$LINLI_NEW_PASSWORD`, and says
/// what to do when it has neither; every account made can log in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_user_reads_a_pipe_or_the_variable_and_all_digit_admin_settings_start() {
    let dir = std::env::temp_dir().join(format!("linli-cli-users-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    // Both all digits: the environment provider reads them as numbers.
    let admin = [
        ("LINLI_ADMIN_PHONE", "13700000000"),
        ("LINLI_ADMIN_PASSWORD", "582039174620"),
    ];
    let user = |phone: &'static str| {
        [
            "create-user",
            "--phone",
            phone,
            "--name",
            "王芳",
            "--role",
            "admin",
            "--community",
            "1",
        ]
    };
    let piped = linli_with(&dir, &user("13700000001"), &admin, Some("piped-garden-73\n"));
    assert!(piped.status.success(), "{}", text(&piped));
    let env = [admin[0], admin[1], ("LINLI_NEW_PASSWORD", "river-orchard-58")];
    let from_env = linli_with(&dir, &user("13700000002"), &env, None);
    assert!(from_env.status.success(), "{}", text(&from_env));
    let none = linli_with(&dir, &user("13700000003"), &admin, None);
    assert!(!none.status.success());
    assert!(
        text(&none).contains("LINLI_NEW_PASSWORD") && text(&none).contains("未提供密码"),
        "{}",
        text(&none)
    );
    let help = linli_with(&dir, &["create-user", "--help"], &admin, None);
    assert!(text(&help).contains("asks for the password"), "{}", text(&help));

    let port = common::free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(&dir)
        .env("LINLI_DATA_DIR", dir.join("data"))
        .env("LINLI_LOG", "warn")
        .env("LINLI_FRONTEND_DIR", dir.join("no-ui"))
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("SMTP_URL")
        .env_remove("LINLI_CONFIG")
        .envs(admin)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let base = format!("http://127.0.0.1:{port}/api/v1");
    common::wait_healthy(&reqwest::Client::new(), &base).await;
    let statuses = [
        login(&base, "13700000000", "582039174620").await,
        login(&base, "13700000001", "piped-garden-73").await,
        login(&base, "13700000002", "river-orchard-58").await,
    ];
    let _ = server.kill();
    let out = server.wait_with_output().expect("serve output");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(statuses.iter().all(|s| s.is_success()), "{statuses:?}");
    // The banner comes first and names what the server runs with.
    let banner = String::from_utf8_lossy(&out.stdout);
    assert!(banner.starts_with('─'), "{banner}");
    for part in [
        "数据库  database  SQLite",
        "none (one replica, in-process)",
        "files in",
        "not built",
    ] {
        assert!(banner.contains(part), "{part} missing from\n{banner}");
    }
}

/// `linli doctor` exits 0 on a sound set-up and 1, with the fix, on a broken one.
#[test]
fn doctor_exits_non_zero_and_says_what_to_fix() {
    let dir = std::env::temp_dir().join(format!("linli-cli-doctor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ui")).expect("dir");
    std::fs::write(dir.join("ui/index.html"), "<!doctype html>").expect("index");
    let ui = dir.join("ui");
    let ui = ui.to_str().expect("utf-8");
    let migrated = linli_with(&dir, &["migrate"], &[], None);
    assert!(migrated.status.success(), "{}", text(&migrated));
    let sound = linli_with(
        &dir,
        &["doctor"],
        &[("LINLI_FRONTEND_DIR", ui), ("LINLI_PORT", "0")],
        None,
    );
    assert_eq!(sound.status.code(), Some(0), "{}", text(&sound));
    assert!(text(&sound).contains("一切正常 / all good"), "{}", text(&sound));
    let broken = linli_with(
        &dir,
        &["doctor", "--json"],
        &[("LINLI_CJK_FONT", "/nonexistent/font.ttf"), ("LINLI_PORT", "0")],
        None,
    );
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    let findings: serde_json::Value = serde_json::from_slice(&broken.stdout).expect("json");
    let problems: Vec<&str> = findings
        .as_array()
        .expect("list")
        .iter()
        .filter(|f| f["level"] == "problem")
        .filter_map(|f| f["what"].as_str())
        .collect();
    assert_eq!(problems, ["字体 CJK font", "界面 web UI"], "{findings}");
    let _ = std::fs::remove_dir_all(&dir);
}
