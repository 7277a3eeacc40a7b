//! kill -9 under load: two real `linli` replicas on one PostgreSQL database
//! and one Redis, eight people driving requests round the whole loop
//! through both; one replica is killed with SIGKILL mid-load and started
//! again. Nothing is lost or counted twice: afterwards `linli check` finds
//! every invariant holding (balances = Σ entries, hours = Σ records, one
//! credit per closed request, Redis boards = SQL).

mod common;

use common::{free_port, wait_healthy};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN_PHONE: &str = "13800000000";
const ADMIN_PASSWORD: &str = "Soak-Test-Admin-9x";
const PASSWORD: &str = "Soak-Member-Pass-7";

fn pg_base() -> String {
    std::env::var("LINLI_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn redis_url() -> String {
    std::env::var("LINLI_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// One replica process.
struct Replica {
    child: Option<Child>,
    port: u16,
    env: Vec<(String, String)>,
}

impl Replica {
    fn spawn(port: u16, env: &[(String, String)]) -> Replica {
        let child = Command::new(env!("CARGO_BIN_EXE_linli"))
            .args(["serve", "--port", &port.to_string()])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn linli: {e}"));
        Replica {
            child: Some(child),
            port,
            env: env.to_vec(),
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}/api/v1", self.port)
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill(); // SIGKILL
            let _ = c.wait();
        }
    }

    fn restart(&mut self) {
        self.kill();
        *self = Replica::spawn(self.port, &self.env.clone());
    }

    async fn ready(&self, client: &reqwest::Client) {
        wait_healthy(client, &self.base()).await;
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn call(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
) -> Option<(u16, Value)> {
    let url = format!("{base}{path}");
    let req = match method {
        "GET" => client.get(url),
        "PUT" => client.put(url).json(&body),
        _ => client.post(url).json(&body),
    };
    let resp = req
        .bearer_auth(token)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.json().await.unwrap_or(Value::Null)))
}

async fn login(client: &reqwest::Client, base: &str, phone: &str, password: &str) -> String {
    let (s, b) = call(
        client,
        base,
        "",
        "POST",
        "/auth/login",
        json!({"phone": phone, "password": password}),
    )
    .await
    .unwrap_or_else(|| panic!("login {phone}: no answer"));
    assert_eq!(s, 200, "login {phone}: {b}");
    b["token"].as_str().unwrap_or_default().to_owned()
}

/// The status a step leads to.
fn after(step: &str) -> &'static str {
    match step {
        "dispatch" => "dispatched",
        "accept" => "accepted",
        "start" => "in_progress",
        "complete" => "completed",
        "review" => "reviewed",
        _ => "closed",
    }
}

/// Drives requests round the loop until `until`, on whichever replica
/// answers; a step whose answer was lost is looked up and retried.
async fn person(
    client: reqwest::Client,
    bases: [String; 2],
    tokens: (String, String, String),
    member_id: i64,
    until: Instant,
) -> usize {
    let (admin, resident, member) = tokens;
    let mut closed = 0;
    let mut turn = 0usize;
    while Instant::now() < until {
        turn += 1;
        let base = &bases[turn % 2];
        let Some((201, r)) = call(
            &client,
            base,
            &resident,
            "POST",
            "/requests",
            json!({"category": "elderly_care", "title": "帮老人买菜", "description": "腿脚不便", "address": "3号楼2单元501"}),
        )
        .await
        else {
            continue;
        };
        let id = r["id"].as_i64().unwrap_or_default();
        let steps: [(&str, &String, Value); 6] = [
            ("dispatch", &admin, json!({"assignee_id": member_id})),
            ("accept", &member, json!({})),
            ("start", &member, json!({})),
            (
                "complete",
                &member,
                json!({"hours": 1.5, "summary": "陪同就医并代取药品"}),
            ),
            ("review", &resident, json!({"stars": 5, "comment": "很好"})),
            ("verify", &admin, json!({})),
        ];
        'steps: for (step, token, body) in steps {
            for attempt in 0..40 {
                let base = &bases[(turn + attempt) % 2];
                match call(
                    &client,
                    base,
                    token,
                    "POST",
                    &format!("/requests/{id}/{step}"),
                    body.clone(),
                )
                .await
                {
                    Some((200, _)) => continue 'steps,
                    Some((s, b)) if s < 500 && s != 409 => panic!("{step} on {id}: {s} {b}"),
                    _ => {}
                }
                // No answer, a 409 or a 5xx: did the step happen after all?
                if let Some((200, now)) =
                    call(&client, base, &admin, "GET", &format!("/requests/{id}"), json!({})).await
                    && now["status"] == after(step)
                {
                    continue 'steps;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("{step} on {id} never went through");
        }
        closed += 1;
    }
    closed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_nine_under_load_loses_and_doubles_nothing() {
    // A database of its own.
    let name = format!("linli_soak_{}_{}", std::process::id(), rand_suffix());
    let admin_db = format!("{}/postgres", pg_base());
    let created = Command::new("psql")
        .args([&admin_db, "-qc", &format!("CREATE DATABASE \"{name}\"")])
        .status();
    if !created.is_ok_and(|s| s.success()) {
        assert!(!in_ci(), "PostgreSQL is needed for the soak test under CI");
        eprintln!("skipping: no PostgreSQL");
        return;
    }
    let _drop_db = DropDb(admin_db.clone(), name.clone());
    let database_url = format!("{}/{name}", pg_base());
    let prefix = format!("linli-soak-{}", rand_suffix());
    let _flush = FlushRedis(prefix.clone());
    let env: Vec<(String, String)> = [
        ("DATABASE_URL", database_url.as_str()),
        ("REDIS_URL", &redis_url()),
        ("LINLI_REDIS_PREFIX", &prefix),
        ("LINLI_ADMIN_PHONE", ADMIN_PHONE),
        ("LINLI_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("LINLI_ARGON2_MEMORY_KIB", "1024"),
        ("LINLI_ARGON2_ITERATIONS", "1"),
        ("LINLI_FRONTEND_DIR", "/nonexistent"),
        ("LINLI_WORKERS", "2"),
        (
            "LINLI_DATA_DIR",
            &std::env::temp_dir().join(&prefix).display().to_string(),
        ),
        ("SMTP_URL", ""),
        ("RUST_LOG", "warn"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();

    let client = reqwest::Client::new();
    let a = Replica::spawn(free_port(), &env);
    a.ready(&client).await;
    let mut b = Replica::spawn(free_port(), &env);
    b.ready(&client).await;
    let bases = [a.base(), b.base()];

    // Eight people, each with a member who may hold many requests at once.
    let admin = login(&client, &bases[0], ADMIN_PHONE, ADMIN_PASSWORD).await;
    let mut people = Vec::new();
    for i in 0..8 {
        let mut made = Vec::new();
        for (role, phone) in [
            ("resident", format!("1371000{i:04}")),
            ("member", format!("1372000{i:04}")),
        ] {
            let (s, u) = call(
                &client,
                &bases[0],
                &admin,
                "POST",
                "/users",
                json!({"phone": phone, "password": PASSWORD, "name": "测试", "role": role, "community_id": 1}),
            )
            .await
            .unwrap_or_default();
            assert_eq!(s, 201, "{u}");
            made.push((
                u["id"].as_i64().unwrap_or_default(),
                login(&client, &bases[0], &phone, PASSWORD).await,
            ));
        }
        let member_id = made[1].0;
        let (s, b2) = call(
            &client,
            &bases[0],
            &admin,
            "PUT",
            &format!("/members/{member_id}"),
            json!({"kind": "volunteer", "max_active": 20}),
        )
        .await
        .unwrap_or_default();
        assert_eq!(s, 200, "{b2}");
        people.push((made[0].1.clone(), made[1].1.clone(), member_id));
    }

    // Load for 12 s; replica B is killed at 3 s and back at 6 s.
    let until = Instant::now() + Duration::from_secs(12);
    let load: Vec<_> = people
        .into_iter()
        .map(|(resident, member, member_id)| {
            tokio::spawn(person(
                client.clone(),
                bases.clone(),
                (admin.clone(), resident, member),
                member_id,
                until,
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    b.kill();
    tokio::time::sleep(Duration::from_secs(3)).await;
    b.restart();
    b.ready(&client).await;
    let mut closed = 0;
    for l in load {
        closed += l.await.unwrap_or_else(|e| panic!("a person's loop failed: {e}"));
    }
    assert!(closed >= 8, "too little went round the loop: {closed}");
    drop(b);
    drop(a);

    // Every invariant holds.
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .arg("check")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap_or_else(|e| panic!("linli check: {e}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{closed} requests closed; linli check:\n{said}");
    assert!(out.status.success(), "linli check found problems:\n{said}");
}

fn rand_suffix() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    )
}

/// Drops the test's database at the end, whatever happened.
struct DropDb(String, String);

impl Drop for DropDb {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                &self.0,
                "-qc",
                &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.1),
            ])
            .status();
    }
}

/// Removes the test's Redis keys at the end.
struct FlushRedis(String);

impl Drop for FlushRedis {
    fn drop(&mut self) {
        let script = format!(
            "redis-cli -u {} --scan --pattern '{}:*' | xargs -r redis-cli -u {} del >/dev/null",
            redis_url(),
            self.0,
            redis_url()
        );
        let _ = Command::new("sh").args(["-c", &script]).status();
    }
}
