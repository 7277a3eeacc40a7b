//! `spawn_app`: the real server on a random port, with a fresh database per
//! test (a temp SQLite file, or a new PostgreSQL database that is dropped
//! afterwards), plus one helper per endpoint so tests read like stories.

use linli::config::Settings;
use linli::startup::{Application, StartOptions};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::OnceCell;

pub const ADMIN_PHONE: &str = "13800000000";
pub const ADMIN_PASSWORD: &str = "admin-pass-123";
pub const PASSWORD: &str = "quiet-garden-42";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body once per backend: `both_backends!(name);` next to `async fn name(b: Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

fn pg_base() -> String {
    std::env::var("LINLI_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// How test databases are named: `linli_t_<unix seconds>_<pid>_<uuid>`.
/// The start time lets a run tell leftovers of crashed runs (hours old)
/// from the databases of another run going on beside it (another
/// checkout, another test binary), which it must never touch.
const PG_PREFIX: &str = "linli_t_";

/// Leftovers older than this are swept; anything younger may be alive.
pub const PG_LEFTOVER_AGE_SECS: u64 = 6 * 3600;

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The start time written into a test database's name, if it is one of ours.
fn pg_started_at(name: &str) -> Option<u64> {
    name.strip_prefix(PG_PREFIX)?.split('_').next()?.parse().ok()
}

/// Drops test databases left behind by crashed runs, once per test binary.
static SWEPT: OnceCell<()> = OnceCell::const_new();

/// The name of a new test database: `linli_t_<unix seconds>_<pid>_<uuid>`.
pub fn pg_database_name() -> String {
    format!(
        "{PG_PREFIX}{}_{}_{}",
        unix_now(),
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A connection to the server's `postgres` database, to create and drop others.
pub async fn pg_admin() -> Result<sea_orm::DatabaseConnection, String> {
    Database::connect(format!("{}/postgres", pg_base()))
        .await
        .map_err(|e| e.to_string())
}

/// The URL of database `name` on the test server.
pub fn pg_url(name: &str) -> String {
    format!("{}/{name}", pg_base())
}

/// Whether database `name` exists on the test server.
pub async fn pg_database_exists(admin: &sea_orm::DatabaseConnection, name: &str) -> bool {
    admin
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            admin.get_database_backend(),
            "SELECT 1 AS one FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await
        .ok()
        .flatten()
        .is_some()
}

/// Drops the test databases of crashed runs — those whose name says they
/// were made more than [`PG_LEFTOVER_AGE_SECS`] ago — and nothing else:
/// another run going on beside this one keeps its databases.
pub async fn sweep_leftovers(admin: &sea_orm::DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PG_PREFIX}%'"),
        ))
        .await
        .unwrap_or_default();
    let cutoff = unix_now().saturating_sub(PG_LEFTOVER_AGE_SECS);
    for r in rows {
        let Ok(name) = r.try_get::<String>("", "datname") else {
            continue;
        };
        if pg_started_at(&name).is_some_and(|t| t < cutoff) {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

async fn create_pg_database() -> Result<String, String> {
    let admin = pg_admin().await?;
    SWEPT.get_or_init(|| sweep_leftovers(&admin)).await;
    let name = pg_database_name();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .map_err(|e| e.to_string())?;
    Ok(name)
}

#[test]
fn only_old_test_databases_count_as_leftovers() {
    assert_eq!(pg_started_at("linli_t_1700000000_42_abc"), Some(1_700_000_000));
    assert_eq!(pg_started_at("linli_test_abc"), None);
    assert_eq!(pg_started_at("linli_t_x_1_abc"), None);
}

/// Removes the test's database when the test ends.
enum DbGuard {
    /// A second app on another app's database: the first one cleans up.
    Shared,
    SqliteFile(std::path::PathBuf),
    Postgres(String),
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        match self {
            DbGuard::Shared => {}
            DbGuard::SqliteFile(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            DbGuard::Postgres(name) => {
                let name = name.clone();
                // Drop runs inside the test's runtime; use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let admin = Database::connect(format!("{}/postgres", pg_base())).await.ok()?;
                        admin
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .await
                            .ok()
                    })
                })
                .join();
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    /// The server's shared state (the sweeper's clock, services).
    pub state: actix_web::web::Data<linli::state::AppState>,
    /// Prefix of this app's Redis keys (when it uses Redis).
    pub redis_prefix: String,
    pub client: reqwest::Client,
    pub database_url: String,
    pub admin: User,
    next_phone: AtomicU64,
    _guard: DbGuard,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub token: String,
    pub phone: String,
}

/// The Redis tests use: `LINLI_TEST_REDIS_URL` or the local one.
pub fn redis_url() -> String {
    std::env::var("LINLI_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Deletes every key under a prefix (what a test does instead of FLUSHDB,
/// which would pull the rug from tests running beside it).
pub async fn redis_flush_prefix(prefix: &str) {
    let client = redis::Client::open(redis_url()).expect("redis url");
    let mut conn = client.get_multiplexed_async_connection().await.expect("redis");
    let mut cursor: u64 = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}:*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut conn)
            .await
            .expect("scan");
        if !keys.is_empty() {
            let () = redis::cmd("DEL").arg(&keys).query_async(&mut conn).await.expect("del");
        }
        if next == 0 {
            break;
        }
        cursor = next;
    }
}

async fn redis_reachable(url: &str) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .map_err(|e| e.to_string())?;
    redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Starts the app on `backend`, or returns `None` (skip) when PostgreSQL is
/// not reachable outside CI. Under `CI=true` a missing PostgreSQL fails the test.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, false).await
}

/// `spawn_app`, with honor boards in the real Redis (under a key prefix of
/// the test's own) when `redis` is true. Missing Redis: skip, or fail under CI.
pub async fn spawn_app_with(backend: Backend, redis: bool) -> Option<TestApp> {
    spawn_app_configured(backend, redis.then(redis_url), |_| {}).await
}

/// For what must hold across replicas: on PostgreSQL an app with Redis and
/// a second replica beside it (`Some`), on SQLite (one file, one process)
/// the app alone (`None`). Missing services: skip, or fail under CI.
pub async fn spawn_replicas(backend: Backend) -> Option<(TestApp, Option<TestApp>)> {
    let redis = backend == Backend::Postgres;
    let app = spawn_app_with(backend, redis).await?;
    let other = if redis { Some(app.replica(|_| {}).await) } else { None };
    Some((app, other))
}

/// `spawn_app` with Redis at `redis` (if given) and settings adjusted by `tweak`.
pub async fn spawn_app_configured(
    backend: Backend,
    redis: Option<String>,
    tweak: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let redis_prefix = format!("linli-test-{}", uuid::Uuid::new_v4().simple());
    if let Some(url) = &redis
        && let Err(e) = redis_reachable(url).await
    {
        if in_ci() {
            panic!("Redis is required under CI=true but unreachable: {e}");
        }
        eprintln!("skipping Redis test: {e}");
        return None;
    }
    let (database_url, guard) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("linli-test-{}.db", uuid::Uuid::new_v4().simple()));
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                DbGuard::SqliteFile(path),
            )
        }
        Backend::Postgres => match create_pg_database().await {
            Ok(name) => (format!("{}/{name}", pg_base()), DbGuard::Postgres(name)),
            Err(e) if in_ci() => panic!("PostgreSQL is required under CI=true but unreachable: {e}"),
            Err(e) => {
                eprintln!("skipping PostgreSQL test: {e}");
                return None;
            }
        },
    };
    let mut settings = Settings {
        host: "127.0.0.1".into(),
        port: 0,
        database_url: database_url.clone().into(),
        workers: 2,
        // Cheap hashes keep 50-user tests fast; the default cost is covered by a unit test.
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        // Tests sign up many residents from 127.0.0.1; the limit has its own test.
        register_per_hour: 100_000,
        admin_phone: ADMIN_PHONE.into(),
        admin_password: ADMIN_PASSWORD.into(),
        redis_url: redis.unwrap_or_default().into(),
        redis_prefix: redis_prefix.clone(),
        ..Settings::default()
    };
    tweak(&mut settings);
    Some(start(settings, guard, 13_100_000_000).await)
}

async fn start(settings: Settings, guard: DbGuard, first_phone: u64) -> TestApp {
    let database_url = settings.database_url.expose().to_owned();
    let redis_prefix = settings.redis_prefix.clone();
    let app = Application::build(settings, StartOptions::default())
        .await
        .expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let mut t = TestApp {
        base,
        redis_prefix,
        client,
        database_url,
        state,
        admin: User {
            id: 0,
            token: String::new(),
            phone: ADMIN_PHONE.into(),
        },
        next_phone: AtomicU64::new(first_phone),
        _guard: guard,
    };
    t.admin = t.login(ADMIN_PHONE, ADMIN_PASSWORD).await;
    t
}

impl TestApp {
    /// Another replica: a second server on this one's database and Redis
    /// prefix, with `settings` adjusted by `tweak`.
    pub async fn replica(&self, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = self.state.settings.as_ref().clone();
        settings.port = 0;
        tweak(&mut settings);
        start(settings, DbGuard::Shared, 13_200_000_000).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub fn fresh_phone(&self) -> String {
        self.next_phone.fetch_add(1, Ordering::Relaxed).to_string()
    }

    pub async fn send(&self, rb: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = rb.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, body)
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.client.get(self.url(path)).bearer_auth(token)).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.post(self.url(path)).bearer_auth(token).json(&body))
            .await
    }

    /// A download: status, content type and the raw bytes.
    pub async fn get_bytes(&self, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
        let resp = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent");
        let status = resp.status();
        let ct = content_type(&resp);
        (status, ct, resp.bytes().await.expect("body").to_vec())
    }

    pub async fn delete(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.client.delete(self.url(path)).bearer_auth(token)).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.client.put(self.url(path)).bearer_auth(token).json(&body))
            .await
    }

    pub async fn post_csv(&self, token: &str, path: &str, csv: &str) -> (StatusCode, Value) {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .header("content-type", "text/csv")
                .body(csv.to_owned()),
        )
        .await
    }

    /// A resident who reported in (报到) with `body` and was approved.
    pub async fn registered_member(&self, body: Value) -> User {
        let u = self.resident().await;
        let (s, b) = self.post(&u.token, "/members", body).await;
        assert_eq!(s, StatusCode::CREATED, "register member: {b}");
        let (s, b) = self
            .post(&self.admin.token, &format!("/members/{}/approve", u.id), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "approve: {b}");
        u
    }

    pub async fn login(&self, phone: &str, password: &str) -> User {
        let (s, b) = self
            .post("", "/auth/login", json!({"phone": phone, "password": password}))
            .await;
        assert_eq!(s, StatusCode::OK, "login {phone}: {b}");
        User {
            id: b["user"]["id"].as_i64().expect("id"),
            token: b["token"].as_str().expect("token").into(),
            phone: phone.into(),
        }
    }

    /// A resident who signed up themselves in `community`.
    pub async fn resident_in(&self, community: i64) -> User {
        let phone = self.fresh_phone();
        let (s, b) = self
            .post(
                "",
                "/auth/register",
                json!({"phone": phone, "password": PASSWORD, "name": "王秀英", "community_id": community}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "register: {b}");
        User {
            id: b["user"]["id"].as_i64().expect("id"),
            token: b["token"].as_str().expect("token").into(),
            phone,
        }
    }

    pub async fn resident(&self) -> User {
        self.resident_in(1).await
    }

    /// An account an admin (`by`) opened with `role`, logged in.
    pub async fn user_by(&self, by: &User, role: &str, community: i64) -> User {
        let phone = self.fresh_phone();
        let (s, b) = self
            .post(
                &by.token,
                "/users",
                json!({"phone": phone, "password": PASSWORD, "name": "陈志强", "role": role, "community_id": community}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "create {role}: {b}");
        self.login(&phone, PASSWORD).await
    }

    /// A member an admin made (approved on the spot, no skills, 3 places).
    pub async fn member(&self) -> User {
        self.user_by(&self.admin, "member", 1).await
    }

    /// A member who may hold up to `places` requests at once.
    pub async fn member_with_places(&self, places: i64) -> User {
        let m = self.member().await;
        let (s, b) = self
            .put(
                &self.admin.token,
                &format!("/members/{}", m.id),
                json!({"kind": "volunteer", "max_active": places}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "set places: {b}");
        m
    }

    /// A street admin of community 1's street. There is no HTTP way to make
    /// one (by design: `linli create-user`); do what that command does.
    pub async fn street_admin(&self) -> User {
        let u = self.resident().await;
        let db = Database::connect(&self.database_url).await.expect("db");
        db.execute_unprepared(&format!("UPDATE users SET role = 'street_admin' WHERE id = {}", u.id))
            .await
            .expect("promote");
        db.close().await.expect("close");
        // A new session: the server may keep the old one's role for a while.
        self.login(&u.phone, PASSWORD).await
    }

    pub async fn post_request(&self, who: &User) -> Value {
        let (s, b) = self
            .post(
                &who.token,
                "/requests",
                json!({"category": "elderly_care", "title": "帮老人买菜", "description": "腿脚不便", "address": "3号楼2单元501"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "post request: {b}");
        b
    }

    pub async fn act(&self, who: &User, id: i64, action: &str, body: Value) -> (StatusCode, Value) {
        self.post(&who.token, &format!("/requests/{id}/{action}"), body).await
    }

    /// Performs an action that must succeed, returning the updated request.
    pub async fn ok(&self, who: &User, id: i64, action: &str, body: Value) -> Value {
        let (s, b) = self.act(who, id, action, body).await;
        assert_eq!(s, StatusCode::OK, "{action} on {id}: {b}");
        b
    }

    /// A request of `resident`'s taken through the whole loop by `member`:
    /// `minutes` of service, rated `stars`, verified by the admin. Returns its id.
    pub async fn closed_request(&self, resident: &User, member: &User, minutes: i64, stars: i64) -> i64 {
        let id = self.completed_request(resident, member, minutes).await;
        self.ok(resident, id, "review", json!({"stars": stars, "comment": "很好"}))
            .await;
        self.ok(&self.admin, id, "verify", json!({})).await;
        id
    }

    /// A request of `resident`'s dispatched to `member`, who accepts, starts
    /// and reports `minutes` of service: waiting for the resident's rating.
    pub async fn completed_request(&self, resident: &User, member: &User, minutes: i64) -> i64 {
        let id = self.post_request(resident).await["id"].as_i64().expect("id");
        self.ok(&self.admin, id, "dispatch", json!({"assignee_id": member.id}))
            .await;
        self.ok(member, id, "accept", json!({})).await;
        self.ok(member, id, "start", json!({})).await;
        self.ok(
            member,
            id,
            "complete",
            json!({"hours": minutes as f64 / 60.0, "summary": "陪同就医并代取药品"}),
        )
        .await;
        id
    }

    /// `GET /members/{id}/service`: balance, hours, star level.
    pub async fn service(&self, who: &User, member_id: i64) -> Value {
        let (s, b) = self.get(&who.token, &format!("/members/{member_id}/service")).await;
        assert_eq!(s, StatusCode::OK, "service summary: {b}");
        b
    }

    /// An award (positive) or deduction (negative) by the admin; must succeed.
    pub async fn award(&self, member_id: i64, points: i64) -> Value {
        let kind = if points >= 0 { "award" } else { "deduction" };
        let (s, b) = self
            .post(
                &self.admin.token,
                "/points/awards",
                json!({"member_id": member_id, "kind": kind, "points": points.abs(), "reason": "参加社区义诊"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "award: {b}");
        b
    }

    /// `member` records a `kind` qualification valid until `expires_on` (or
    /// without expiry) and the admin verifies it. Returns its id.
    pub async fn qualify(&self, member: &User, kind: &str, expires_on: Option<chrono::NaiveDate>) -> i64 {
        let (s, q) = self
            .post(
                &member.token,
                "/qualifications",
                json!({"kind": kind, "number": "1310120100000001", "issuer": "市司法局", "expires_on": expires_on}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "record qualification: {q}");
        let id = q["id"].as_i64().expect("id");
        let (s, q) = self
            .post(&self.admin.token, &format!("/qualifications/{id}/verify"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "verify qualification: {q}");
        id
    }

    pub async fn events(&self, who: &User, id: i64) -> Vec<Value> {
        let (s, b) = self.get(&who.token, &format!("/requests/{id}/events")).await;
        assert_eq!(s, StatusCode::OK, "events: {b}");
        b.as_array().cloned().unwrap_or_default()
    }
}

/// The address and the token of the last password-reset link mailed to
/// `user` (read from the outbox, so the mail worker may be off).
pub async fn reset_mail(app: &TestApp, user: i64) -> (String, String) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let db = Database::connect(&app.database_url).await.expect("db");
    let mail = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::UserId.eq(user))
        .filter(entity::outbox::Column::EventKey.like("password_reset:%"))
        .order_by_desc(entity::outbox::Column::Id)
        .one(&db)
        .await
        .expect("outbox")
        .expect("a reset mail");
    db.close().await.expect("close");
    assert_eq!(mail.subject, "邻里：重设您的密码");
    let token = mail
        .body
        .split("token=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("a link with a token")
        .to_owned();
    (mail.to_address, token)
}

/// An answer's `Content-Type` ("" without one).
pub fn content_type(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The inbox of `who`, newest first (up to 100).
pub async fn inbox(app: &TestApp, who: &User) -> Vec<Value> {
    let (s, b) = app.get(&who.token, "/notifications?limit=100").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().cloned().unwrap_or_default()
}

/// The kinds of `who`'s notifications, newest first.
pub async fn kinds(app: &TestApp, who: &User) -> Vec<String> {
    inbox(app, who)
        .await
        .iter()
        .filter_map(|n| n["kind"].as_str().map(str::to_owned))
        .collect()
}

/// Sets the app's clock to `t` (forward only).
pub fn clock_to(app: &TestApp, t: chrono::DateTime<chrono::Utc>) {
    let by = t - app.state.clock.now();
    assert!(by >= chrono::Duration::zero(), "the clock only moves forward");
    app.state.clock.advance(by);
}

/// A real SMTP server (Python's aiosmtpd, Debian `python3-aiosmtpd`) on a
/// port of its own, storing what it receives in a Maildir.
pub struct SmtpListener {
    child: Option<std::process::Child>,
    pub port: u16,
    pub maildir: std::path::PathBuf,
}

fn aiosmtpd_python() -> Option<&'static str> {
    ["/usr/bin/python3", "python3"].into_iter().find(|py| {
        std::process::Command::new(py)
            .args(["-c", "import aiosmtpd"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpListener {
    /// A listener on a fresh port, or `None` (skip) without aiosmtpd outside CI.
    pub async fn start() -> Option<SmtpListener> {
        let mut l = SmtpListener::reserved();
        l.up().await.then_some(l)
    }

    /// A port and a Maildir, with nothing listening yet (`up` starts it).
    pub fn reserved() -> SmtpListener {
        SmtpListener {
            child: None,
            port: free_port(),
            maildir: std::env::temp_dir().join(format!("linli-mail-{}", uuid::Uuid::new_v4().simple())),
        }
    }

    /// (Re)starts the server on its port; `false` if aiosmtpd is missing (and not CI).
    pub async fn up(&mut self) -> bool {
        let Some(py) = aiosmtpd_python() else {
            if in_ci() {
                panic!("aiosmtpd (python3-aiosmtpd) is required under CI=true");
            }
            eprintln!("skipping: no aiosmtpd (apt-get install python3-aiosmtpd)");
            return false;
        };
        let child = std::process::Command::new(py)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port)])
            .args(["-c", "aiosmtpd.handlers.Mailbox", &self.maildir.display().to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not come up on {}", self.port);
    }

    pub fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, as text.
    pub fn messages(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    }

    /// Waits (up to `secs`) until at least `n` messages arrived; returns them.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<String> {
        for _ in 0..secs * 20 {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.messages()
    }
}

impl Drop for SmtpListener {
    fn drop(&mut self) {
        self.down();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}

/// Reads SSE frames until one satisfies `want` (or the timeout).
pub async fn next_frame(
    stream: &mut reqwest::Response,
    buf: &mut String,
    want: impl Fn(&str, &serde_json::Value) -> bool,
    timeout: std::time::Duration,
) -> Option<(String, serde_json::Value)> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            let event = frame.lines().find_map(|l| l.strip_prefix("event: ")).unwrap_or("");
            let data = frame.lines().find_map(|l| l.strip_prefix("data: ")).unwrap_or("null");
            let v: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
            if want(event, &v) {
                return Some((event.to_owned(), v));
            }
        }
        let chunk = tokio::time::timeout_at(deadline, stream.chunk()).await.ok()?.ok()??;
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}
