//! Settings, in one place. Layered: built-in defaults → an optional TOML file
//! (`linli.toml`, or the path in `LINLI_CONFIG`) → `LINLI_*` environment
//! variables → the conventional `DATABASE_URL`, `REDIS_URL` and `SMTP_URL`. See docs/configuration.md.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::path::PathBuf;

/// A setting that must not show in logs or `Debug` output: a password, or a
/// URL that may carry one. `expose()` is the one way to read it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(#[serde(deserialize_with = "text")] String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(\"\")"
        } else {
            "Secret(***)"
        })
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

/// A text setting that may arrive as a number: `LINLI_ADMIN_PHONE=13800000000`
/// and an all-digit password are read by the environment provider as
/// integers, and are still text.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        S(String),
        I(i128),
        U(u128),
        F(f64),
    }
    Ok(match Text::deserialize(d)? {
        Text::S(s) => s,
        Text::I(n) => n.to_string(),
        Text::U(n) => n.to_string(),
        Text::F(n) => n.to_string(),
    })
}

/// Environment variables as the text they are. figment's `Env` guesses a
/// type from the value, so `LINLI_ADMIN_PHONE=13800000000`, an all-digit
/// password or `LINLI_REDIS_PREFIX=2024` became numbers that a text setting
/// then refused at start-up (`found unsigned int … expected a string`);
/// `extract_lossy` turns text into a number or a switch where the setting
/// is one.
struct TextEnv(Env);

impl Provider for TextEnv {
    fn metadata(&self) -> Metadata {
        self.0.metadata()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let dict: Dict = self
            .0
            .iter()
            .map(|(key, value)| (key.as_str().to_owned(), Value::from(value.as_str())))
            .collect();
        Ok(Profile::Default.collect(dict))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one (tests).
    pub port: u16,
    /// `sqlite://…` (default, a file under `data_dir`) or `postgres://…`.
    /// Empty means the embedded SQLite file.
    pub database_url: Secret,
    /// Where the embedded SQLite file and other local state live.
    pub data_dir: PathBuf,
    /// Connection pool size; SQLite serialises writers anyway.
    pub db_max_connections: u32,
    /// Seconds to wait for a pooled connection before answering 503 —
    /// short, so that a busy pool fails fast instead of piling up callers.
    pub db_acquire_timeout_secs: u64,
    /// PostgreSQL `statement_timeout`: no query runs longer (503).
    pub db_statement_timeout_secs: u64,
    /// The longest wait for a lock: PostgreSQL `lock_timeout`, SQLite
    /// `busy_timeout` (its one writer). Past it the caller gets 503.
    pub db_lock_timeout_secs: u64,
    /// 分流: how many heavy reads (exports, statistics, certificate PDFs)
    /// may run at once; 0 = half the pool. The rest of the pool is
    /// kept for everyday requests.
    pub heavy_reads: usize,
    /// HTTP worker threads; 0 = one per CPU core.
    pub workers: usize,
    /// A request body that sends nothing for this many seconds is answered
    /// 408 and its connection closed (0 = wait forever).
    pub body_read_timeout_secs: u64,
    /// Lifetime of a login token.
    pub token_ttl_hours: i64,
    /// Argon2id memory cost (KiB) and iterations for new password hashes.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Hashes waiting for a core beyond this many are refused at once (503
    /// with `Retry-After`) instead of queueing, and their memory, without end.
    pub hash_queue: usize,
    /// 防刷: sign-ups allowed from one address per hour (a service desk
    /// signing up its neighbours may need more).
    pub register_per_hour: u32,
    /// Take the caller's address from `X-Forwarded-For` — only behind a
    /// reverse proxy that sets it; otherwise the connection's peer address.
    pub trust_forwarded_for: bool,
    /// Phone number of the first admin created on first start.
    #[serde(deserialize_with = "text")]
    pub admin_phone: String,
    /// Password of the first admin; empty = generate one and print it once.
    pub admin_password: Secret,
    /// Public base URL, used in printed links.
    pub public_url: String,
    /// The communities' local time as a UTC offset (`+08:00`: China has no
    /// daylight saving). Members' availability windows are in local time.
    pub utc_offset: String,
    /// `redis://…` for honor boards (and later live updates) shared by every
    /// replica; empty = computed from the database in-process.
    pub redis_url: Secret,
    /// Prefix of every Redis key, so several deployments (or test runs) can
    /// share one Redis.
    pub redis_prefix: String,
    /// Each Redis call gives up after this long (ms); the caller falls back.
    pub redis_timeout_ms: u64,
    /// After a failed Redis call, calls are refused at once for this long
    /// (ms) before one probe call tries Redis again (circuit breaker).
    pub redis_breaker_open_ms: u64,
    /// A CJK font file for certificates (`.ttf`/`.ttc`); empty = look for
    /// WenQuanYi / Noto CJK where Debian installs them.
    pub cjk_font: Option<PathBuf>,
    /// `smtp://host:port` (or `smtps://user:pass@host`) for mail; empty =
    /// lettre's file transport into `data_dir/mail/`.
    pub smtp_url: Secret,
    /// The sender of every mail.
    pub mail_from: String,
    /// How often the outbox worker looks for due messages when idle (ms).
    pub outbox_poll_ms: u64,
    /// First retry after this long (ms), doubling per attempt up to an hour.
    pub outbox_retry_base_ms: u64,
    /// Attempts before a message is given up (`dead`).
    pub outbox_max_attempts: i32,
    /// How often the SLA sweeper runs (seconds); 0 = never (tests call it).
    pub sweep_every_secs: u64,
    /// A late stage escalates when this many times its deadline has passed.
    pub escalate_after_factor: i32,
    /// Closed requests without a follow-up (回访) after this many days show
    /// in supervision.
    pub follow_up_days: i64,
    /// Rated requests not verified after this many days show in
    /// supervision (and escalate like the other stages).
    pub verify_days: i64,
    /// Admins hear of a task-hall request still unclaimed this many hours
    /// before its agreed time.
    pub unclaimed_alert_hours: i64,
    /// 重复反映: a new request is compared with those of its community and
    /// category posted within this many days.
    pub duplicate_window_days: i64,
    /// 周期服务: each occurrence's request is made this many days ahead.
    pub series_lead_days: i64,
    /// Run the outbox worker and the sweeper in this process.
    pub background_jobs: bool,
    /// The built web UI (`npm run build` in `frontend/`); served at `/` when
    /// it holds an `index.html`, else `/` shows a status page.
    pub frontend_dir: PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            host: "127.0.0.1".into(),
            port: 8080,
            database_url: Secret::default(),
            data_dir: PathBuf::from("./data"),
            db_max_connections: 8,
            db_acquire_timeout_secs: 5,
            db_statement_timeout_secs: 30,
            db_lock_timeout_secs: 10,
            heavy_reads: 0,
            workers: 0,
            body_read_timeout_secs: 15,
            token_ttl_hours: 24 * 30,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            hash_queue: 64,
            register_per_hour: 20,
            trust_forwarded_for: false,
            admin_phone: "13800000000".into(),
            admin_password: Secret::default(),
            public_url: String::new(),
            utc_offset: "+08:00".into(),
            redis_url: Secret::default(),
            redis_prefix: "linli".into(),
            redis_timeout_ms: 100,
            redis_breaker_open_ms: 5000,
            cjk_font: None,
            smtp_url: Secret::default(),
            mail_from: "邻里 Linli <noreply@linli.local>".into(),
            outbox_poll_ms: 1000,
            outbox_retry_base_ms: 5000,
            outbox_max_attempts: 12,
            sweep_every_secs: 300,
            escalate_after_factor: 2,
            follow_up_days: 7,
            verify_days: 3,
            unclaimed_alert_hours: 12,
            duplicate_window_days: 14,
            series_lead_days: 3,
            background_jobs: true,
            frontend_dir: PathBuf::from("frontend/dist"),
        }
    }
}

impl Settings {
    /// Loads the layered configuration. `file` overrides `LINLI_CONFIG`.
    pub fn load(file: Option<PathBuf>) -> Result<Settings, Box<figment::Error>> {
        let file = file
            .or_else(|| std::env::var_os("LINLI_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("linli.toml"));
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(TextEnv(Env::prefixed("LINLI_").ignore(&["config", "log"])))
            .merge(TextEnv(Env::raw().only(&["DATABASE_URL", "REDIS_URL", "SMTP_URL"])))
            // Numbers and switches are read from the text where one is wanted.
            .extract_lossy()
            .map_err(Box::new)
    }

    /// The database URL in effect: `database_url`, or the SQLite file in `data_dir`.
    pub fn effective_database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}?mode=rwc", self.data_dir.join("linli.db").display())
        } else {
            self.database_url.expose().trim().to_owned()
        }
    }

    /// `utc_offset` parsed; start-up refuses a bad one.
    pub fn local_offset(&self) -> anyhow::Result<chrono::FixedOffset> {
        self.utc_offset
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("utc_offset must look like +08:00, not {:?}", self.utc_offset))
    }

    pub fn is_sqlite(&self) -> bool {
        self.effective_database_url().starts_with("sqlite:")
    }

    /// The SQLite file the database URL names (`None` on PostgreSQL), for
    /// the banner and `linli doctor`.
    pub fn sqlite_path(&self) -> Option<String> {
        let url = self.effective_database_url();
        let rest = url.strip_prefix("sqlite:")?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        Some(rest.split('?').next().unwrap_or_default().to_owned())
    }

    /// The URL people should open, for log lines.
    pub fn display_url(&self, port: u16) -> String {
        if self.public_url.is_empty() {
            let host = if self.host == "0.0.0.0" {
                "127.0.0.1"
            } else {
                &self.host
            };
            format!("http://{host}:{port}")
        } else {
            self.public_url.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_use_embedded_sqlite() {
        let s = Settings::default();
        assert!(s.is_sqlite());
        assert_eq!(s.effective_database_url(), "sqlite://./data/linli.db?mode=rwc");
        assert_eq!(s.sqlite_path().as_deref(), Some("./data/linli.db"));
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn all_digit_phone_and_password_are_text_and_secrets_stay_hidden() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LINLI_ADMIN_PHONE", "13700000000");
            jail.set_env("LINLI_ADMIN_PASSWORD", "12345678901");
            jail.set_env("DATABASE_URL", "postgres://u:hunter2@h/db");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.admin_phone, "13700000000");
            assert_eq!(s.admin_password.expose(), "12345678901");
            let shown = format!("{s:?}");
            assert!(!shown.contains("hunter2") && !shown.contains("12345678901"), "{shown}");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn every_text_setting_may_be_all_digits_and_numbers_still_read() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LINLI_REDIS_PREFIX", "2024");
            jail.set_env("LINLI_DATA_DIR", "2024");
            jail.set_env("LINLI_MAIL_FROM", "10086");
            jail.set_env("LINLI_PUBLIC_URL", "8080");
            jail.set_env("LINLI_ADMIN_PHONE", "13700000000");
            jail.set_env("LINLI_PORT", "9100");
            jail.set_env("LINLI_BACKGROUND_JOBS", "false");
            jail.set_env("LINLI_OUTBOX_MAX_ATTEMPTS", "-1");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.redis_prefix, "2024");
            assert_eq!(s.data_dir, PathBuf::from("2024"));
            assert_eq!((s.mail_from.as_str(), s.public_url.as_str()), ("10086", "8080"));
            assert_eq!(s.admin_phone, "13700000000");
            assert_eq!((s.port, s.background_jobs, s.outbox_max_attempts), (9100, false, -1));
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn env_overrides_file_and_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("linli.toml", "port = 9000\nhost = \"0.0.0.0\"")?;
            jail.set_env("LINLI_PORT", "9100");
            jail.set_env("DATABASE_URL", "postgres://postgres@127.0.0.1/linli");
            jail.set_env("REDIS_URL", "redis://127.0.0.1:6379");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.redis_url.expose(), "redis://127.0.0.1:6379");
            assert_eq!(s.port, 9100);
            assert_eq!(s.host, "0.0.0.0");
            assert!(!s.is_sqlite());
            Ok(())
        });
    }
}
