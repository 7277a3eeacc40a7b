//! What a newcomer meets first: two test runs sharing one PostgreSQL leave
//! each other's databases alone, and a PostgreSQL database named in
//! `DATABASE_URL` is made when missing — or start-up says what to run.

use crate::helpers::{
    Backend, PG_LEFTOVER_AGE_SECS, in_ci, pg_admin, pg_database_exists, pg_database_name, pg_url, spawn_app,
    sweep_leftovers, unix_now,
};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// PostgreSQL, or `None` (a skip, or a failure under `CI=true`).
async fn admin_or_skip() -> Option<sea_orm::DatabaseConnection> {
    match pg_admin().await {
        Ok(a) => Some(a),
        Err(e) if in_ci() => panic!("PostgreSQL is required under CI=true but unreachable: {e}"),
        Err(e) => {
            eprintln!("skipping PostgreSQL test: {e}");
            None
        }
    }
}

/// Another run starting (and sweeping) while this one's app is live drops
/// only the databases of runs that crashed hours ago.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweep_drops_only_old_leftovers() {
    let Some(admin) = admin_or_skip().await else { return };
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    let live = app.database_url.rsplit('/').next().expect("name").to_owned();
    let old = format!(
        "linli_t_{}_1_{}",
        unix_now() - PG_LEFTOVER_AGE_SECS - 60,
        uuid::Uuid::new_v4().simple()
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{old}\""))
        .await
        .expect("create");
    sweep_leftovers(&admin).await;
    assert!(
        !pg_database_exists(&admin, &old).await,
        "a crashed run's database is dropped"
    );
    assert!(pg_database_exists(&admin, &live).await, "a live run's database stays");
    let (s, body) = app.get(&app.admin.token, "/me").await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

/// Runs the held test below in a child process of this test binary.
fn run_held(dir: &Path, who: &str) -> tokio::process::Child {
    tokio::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "first_hour::holds_its_database_while_another_run_starts",
            "--ignored",
            "--nocapture",
        ])
        .env("LINLI_TEST_HOLD_DIR", dir)
        .env("LINLI_TEST_HOLD_AS", who)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the test binary")
}

async fn wait_for(path: &Path) {
    for _ in 0..600 {
        if path.exists() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} never appeared", path.display());
}

/// Two whole test runs at once against one PostgreSQL: run A makes its
/// database and works in it; run B starts meanwhile (its start sweeps
/// leftovers); then both go on working, and both pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_test_runs_at_once_both_pass() {
    if admin_or_skip().await.is_none() {
        return;
    }
    let dir: PathBuf = std::env::temp_dir().join(format!("linli-hold-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let a = run_held(&dir, "a");
    wait_for(&dir.join("a.ready")).await;
    let b = run_held(&dir, "b");
    wait_for(&dir.join("b.ready")).await;
    std::fs::write(dir.join("go"), b"").expect("go");
    let (a, b) = tokio::join!(a.wait_with_output(), b.wait_with_output());
    let _ = std::fs::remove_dir_all(&dir);
    for (who, out) in [("a", a.expect("run a")), ("b", b.expect("run b"))] {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "run {who} failed:\n{text}");
        assert!(text.contains("1 passed"), "run {who} ran its test:\n{text}");
    }
}

/// One "run" of [`two_test_runs_at_once_both_pass`]: only started by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "started by two_test_runs_at_once_both_pass"]
async fn holds_its_database_while_another_run_starts() {
    let dir = PathBuf::from(std::env::var("LINLI_TEST_HOLD_DIR").expect("LINLI_TEST_HOLD_DIR"));
    let who = std::env::var("LINLI_TEST_HOLD_AS").expect("LINLI_TEST_HOLD_AS");
    let app = spawn_app(Backend::Postgres).await.expect("PostgreSQL");
    let resident = app.resident().await;
    std::fs::write(dir.join(format!("{who}.ready")), b"").expect("ready");
    wait_for(&dir.join("go")).await;
    let (s, body) = app.get(&resident.token, "/me").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    app.resident().await;
}

/// `DATABASE_URL` naming a database that is not there yet: it is made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_postgres_database_is_created() {
    let Some(admin) = admin_or_skip().await else { return };
    let name = pg_database_name();
    let settings = linli::config::Settings {
        database_url: pg_url(&name).into(),
        ..Default::default()
    };
    let db = linli::infra::db::connect(&settings).await.expect("connects");
    linli::infra::db::migrate(&db).await.expect("migrates");
    db.close().await.expect("close");
    assert!(pg_database_exists(&admin, &name).await);
    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .expect("drop");
}

/// A role that may not create databases gets one line saying what to run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_createdb_start_up_says_what_to_run() {
    let Some(admin) = admin_or_skip().await else { return };
    let role = format!("linli_t_role_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE ROLE \"{role}\" LOGIN NOCREATEDB"))
        .await
        .expect("role");
    let name = pg_database_name();
    let url = pg_url(&name).replacen("postgres@", &format!("{role}@"), 1);
    let settings = linli::config::Settings {
        database_url: url.into(),
        ..Default::default()
    };
    let refused = linli::infra::db::connect(&settings).await;
    let _ = admin.execute_unprepared(&format!("DROP ROLE \"{role}\"")).await;
    let e = match refused {
        Ok(_) => panic!("a role without CREATEDB cannot make the database"),
        Err(e) => format!("{e:#}"),
    };
    assert!(e.contains("不存在") && e.contains("does not exist"), "{e}");
    assert!(
        e.contains("createdb -h ") && e.contains(&format!("-U {role} {name}")),
        "{e}"
    );
    assert!(!e.contains("line"), "no source line numbers: {e}");
    assert!(!pg_database_exists(&admin, &name).await);
}

/// `linli doctor` on a sound PostgreSQL + Redis + SMTP set-up finds nothing
/// to fix, and on a broken one names each broken part with its fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_tells_a_sound_set_up_from_a_broken_one() {
    use linli::cli::doctor::{Level, run};
    let Some(app) =
        crate::helpers::spawn_app_configured(Backend::Postgres, Some(crate::helpers::redis_url()), |_| {}).await
    else {
        return;
    };
    let Some(smtp) = crate::helpers::SmtpListener::start().await else {
        return;
    };
    let ui = std::env::temp_dir().join(format!("linli-ui-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&ui).expect("dir");
    std::fs::write(ui.join("index.html"), "<!doctype html>").expect("index");
    let sound = linli::config::Settings {
        smtp_url: smtp.url().into(),
        frontend_dir: ui.clone(),
        port: 0,
        ..(*app.state.settings).clone()
    };
    let findings = run(Ok(sound.clone())).await;
    let _ = std::fs::remove_dir_all(&ui);
    assert!(findings.iter().all(|f| f.level == Level::Ok), "{findings:#?}");
    let clock = findings.iter().find(|f| f.what.contains("clock")).expect("clock");
    assert!(
        clock.detail.contains("PostgreSQL") && clock.detail.contains("Redis"),
        "{clock:?}"
    );

    let missing = pg_database_name();
    let broken = linli::config::Settings {
        database_url: pg_url(&missing).into(),
        redis_url: format!("redis://127.0.0.1:{}", crate::helpers::free_port()).into(),
        cjk_font: Some("/nonexistent/font.ttf".into()),
        ..sound
    };
    let findings = run(Ok(broken)).await;
    let problems: Vec<(&str, String)> = findings
        .iter()
        .filter(|f| f.level == Level::Problem)
        .map(|f| (f.what, f.fix.clone().unwrap_or_default()))
        .collect();
    let whats: Vec<&str> = problems.iter().map(|(w, _)| *w).collect();
    assert_eq!(
        whats,
        ["数据库 database", "缓存 Redis", "字体 CJK font", "界面 web UI"],
        "{findings:#?}"
    );
    assert!(
        problems[0].1.contains("createdb -h ") && problems[0].1.contains(&missing),
        "{problems:?}"
    );
    assert!(problems[1].1.contains("redis-server"), "{problems:?}");
    assert!(problems[2].1.contains("fonts-wqy-microhei"), "{problems:?}");
    // The doctor changes nothing: the missing database is still missing.
    let admin = pg_admin().await.expect("admin");
    assert!(!pg_database_exists(&admin, &missing).await);
}

/// Any other refusal stops start-up with PostgreSQL's own words, without
/// the C source line sqlx adds ("… at line 938").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_role_is_named_without_source_lines() {
    if admin_or_skip().await.is_none() {
        return;
    }
    let role = format!("linli_t_nobody_{}", uuid::Uuid::new_v4().simple());
    let url = pg_url(&pg_database_name()).replacen("postgres@", &format!("{role}@"), 1);
    let settings = linli::config::Settings {
        database_url: url.into(),
        ..Default::default()
    };
    let e = match linli::infra::db::connect(&settings).await {
        Ok(_) => panic!("an unknown role cannot connect"),
        Err(e) => format!("{e:#}"),
    };
    assert!(e.contains("无法连接 PostgreSQL") && e.contains(&role), "{e}");
    assert!(!e.contains(" line "), "no source line numbers: {e}");
}
