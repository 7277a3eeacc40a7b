//! Memory stays bounded under abuse: the real `linli` binary, with the real
//! password-hashing cost (argon2id, 19 MiB), takes 64 logins at once and a
//! 5 000-row member import, and its peak resident memory (`VmHWM`) stays
//! under 150 MB. (Before the hashing threads, 200 logins at once grew the
//! process to 6 GB and a 250-row import to 7.4 GB.)

mod common;

use common::{free_port, wait_healthy};
use std::io::Write as _;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ADMIN_PHONE: &str = "13800000000";
const ADMIN_PASSWORD: &str = "Memory-Test-Admin-9x";
const LIMIT_KB: u64 = 150 * 1024;

struct Server {
    child: Child,
    base: String,
    _dir: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start() -> Server {
    let dir = std::env::temp_dir().join(format!("linli-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["serve", "--port", &port.to_string()])
        .env("LINLI_DATA_DIR", &dir)
        .env("LINLI_ADMIN_PHONE", ADMIN_PHONE)
        .env("LINLI_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("LINLI_FRONTEND_DIR", dir.join("no-ui"))
        .env("LINLI_WORKERS", "2")
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("SMTP_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn linli: {e}"));
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}/api/v1"),
        _dir: TempDir(dir),
    };
    wait_healthy(&reqwest::Client::new(), &server.base).await;
    server
}

/// Peak resident memory of a process, in kB (`VmHWM` in `/proc/PID/status`).
fn peak_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(u64::MAX)
}

async fn login(client: &reqwest::Client, base: &str) -> reqwest::StatusCode {
    client
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .map(|r| r.status())
        .unwrap_or(reqwest::StatusCode::BAD_GATEWAY)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn logins_at_once_and_a_big_import_keep_memory_bounded() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let server = start().await;
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let at_start = peak_kb(server.child.id());

    // 64 logins at once, each a full-cost hash.
    let answers = futures::future::join_all((0..64).map(|_| login(&client, &base))).await;
    assert!(
        answers.iter().all(|s| s.is_success() || s.as_u16() == 503),
        "{answers:?}"
    );
    assert!(answers.iter().filter(|s| s.is_success()).count() >= 2);
    let after_logins = peak_kb(server.child.id());

    // A 5 000-row roster: every row a new account with its own password.
    let token: String = client
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("login: {e}"))
        .json::<serde_json::Value>()
        .await
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no token"));
    let mut csv = Vec::new();
    writeln!(csv, "phone,name,kind").unwrap_or_default();
    for i in 0..5_000 {
        writeln!(csv, "1390{i:07},志愿者{i},volunteer").unwrap_or_default();
    }
    let resp = client
        .post(format!("{base}/members/import"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(csv)
        .timeout(Duration::from_secs(240))
        .send()
        .await
        .unwrap_or_else(|e| panic!("import: {e}"));
    let status = resp.status();
    let report: serde_json::Value = resp.json().await.unwrap_or_default();
    assert_eq!(status.as_u16(), 201, "{report}");
    assert_eq!(report["new_accounts"], 5_000);

    // An imported member signs in with the one-time password (its light
    // hash is remade at full cost then).
    let first = &report["rows"][0];
    let signed_in = client
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"phone": first["phone"], "password": first["initial_password"]}))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(signed_in, 200);

    let peak = peak_kb(server.child.id());
    eprintln!("peak RSS: {at_start} kB at start, {after_logins} kB after 64 logins, {peak} kB after the import");
    assert!(peak < LIMIT_KB, "peak RSS {peak} kB ≥ {LIMIT_KB} kB");
}
