//! `linli doctor`: the first command an operator runs when something is
//! wrong. It checks the configuration, the database and its migrations,
//! Redis, SMTP, the CJK font for certificates, the built web UI, the clock
//! and the port, changes nothing, and says what to fix for each problem.

use crate::config::Settings;
use crate::infra::db::{PgProbe, first_line, pg_probe, redact};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use serde::Serialize;
use std::time::Duration;

/// How long any one probe may take.
const PROBE: Duration = Duration::from_secs(3);
/// A clock further off than this from the database's or Redis's is a problem.
const CLOCK_TOLERANCE_SECS: f64 = 2.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    /// Worth knowing, nothing broken (e.g. the database is not created yet).
    Note,
    /// Linli will not work (or not fully) until it is fixed.
    Problem,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub level: Level,
    /// What was checked, in Chinese and English.
    pub what: &'static str,
    pub detail: String,
    /// What to do, when something is to be done.
    pub fix: Option<String>,
}

impl Finding {
    fn ok(what: &'static str, detail: impl Into<String>) -> Self {
        Finding {
            level: Level::Ok,
            what,
            detail: detail.into(),
            fix: None,
        }
    }
    fn note(what: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding {
            level: Level::Note,
            what,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
    fn problem(what: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Finding {
            level: Level::Problem,
            what,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

const CONFIG: &str = "配置 configuration";
const DATABASE: &str = "数据库 database";
const MIGRATIONS: &str = "迁移 migrations";
const REDIS: &str = "缓存 Redis";
const MAIL: &str = "邮件 mail";
const FONT: &str = "字体 CJK font";
const UI: &str = "界面 web UI";
const CLOCK: &str = "时钟 clock";
const PORT: &str = "端口 port";

/// Runs every check on `settings` (or reports why they could not be read).
pub async fn run(settings: Result<Settings, String>) -> Vec<Finding> {
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            return vec![Finding::problem(
                CONFIG,
                e,
                "检查 linli.toml 与 LINLI_* 环境变量（见 docs/configuration.md）/ check linli.toml and the LINLI_* variables (docs/configuration.md)",
            )];
        }
    };
    let mut out = vec![config(&settings)];
    let (database, db) = database(&settings).await;
    out.push(database);
    let mut clocks = Vec::new();
    if let Some(db) = &db {
        out.push(migrations(db).await);
        if !settings.is_sqlite() {
            clocks.push(("PostgreSQL", pg_clock_offset(db).await));
        }
        let _ = db.clone().close().await;
    }
    let (redis, redis_offset) = redis(&settings).await;
    out.push(redis);
    if let Some(offset) = redis_offset {
        clocks.push(("Redis", Some(offset)));
    }
    out.push(mail(&settings).await);
    out.push(font(&settings));
    out.push(ui(&settings));
    out.push(clock(&clocks));
    out.push(port(&settings));
    out
}

/// Every value start-up would refuse.
fn config(s: &Settings) -> Finding {
    let mut bad = Vec::new();
    if let Err(e) = s.local_offset() {
        bad.push(e.to_string());
    }
    if let Err(e) = crate::infra::mail::Mailer::from_settings(s) {
        bad.push(e.to_string());
    }
    if let Err(e) = crate::auth::password::Hasher::new(s.argon2_memory_kib, s.argon2_iterations, s.hash_queue) {
        bad.push(format!("argon2: {e}"));
    }
    if bad.is_empty() {
        Finding::ok(CONFIG, "已读取 / read")
    } else {
        Finding::problem(
            CONFIG,
            bad.join("; "),
            "修改 linli.toml 或对应的 LINLI_* 变量 / correct it in linli.toml or its LINLI_* variable",
        )
    }
}

/// Connects without creating anything: a missing SQLite file or PostgreSQL
/// database is reported, not made.
async fn database(s: &Settings) -> (Finding, Option<DatabaseConnection>) {
    let url = s.effective_database_url();
    let shown = redact(&url);
    let read_url = if let Some(path) = s.sqlite_path() {
        if !std::path::Path::new(&path).is_file() {
            return (
                Finding::note(
                    DATABASE,
                    format!("SQLite {path} 尚未创建 / not created yet"),
                    "首次运行 linli serve（或 linli migrate）时自动创建 / the first `linli serve` (or `linli migrate`) creates it",
                ),
                None,
            );
        }
        format!("sqlite://{path}?mode=ro")
    } else {
        match tokio::time::timeout(PROBE, pg_probe(&url)).await {
            Ok(PgProbe::Reachable) => url.clone(),
            Ok(PgProbe::Missing { name, createdb, .. }) => {
                return (
                    Finding::problem(
                        DATABASE,
                        format!("数据库 {name} 不存在 / database {name} does not exist ({shown})"),
                        format!(
                            "运行 / run: {createdb}（若该角色有 CREATEDB 权限，linli serve 会自动创建 / linli serve creates it if the role may）"
                        ),
                    ),
                    None,
                );
            }
            Ok(PgProbe::Unreachable(e)) => {
                return (
                    Finding::problem(
                        DATABASE,
                        format!("无法连接 / cannot connect to {shown}: {e}"),
                        "确认 PostgreSQL 已启动、DATABASE_URL 的主机/端口/用户正确 / check that PostgreSQL runs and DATABASE_URL's host, port and user",
                    ),
                    None,
                );
            }
            Err(_) => {
                return (
                    Finding::problem(
                        DATABASE,
                        format!("连接超时 / no answer from {shown} within {}s", PROBE.as_secs()),
                        "检查网络与防火墙 / check the network and firewall",
                    ),
                    None,
                );
            }
        }
    };
    let mut opt = ConnectOptions::new(read_url);
    opt.max_connections(1)
        .min_connections(0)
        .acquire_timeout(PROBE)
        .connect_timeout(PROBE)
        .sqlx_logging(false);
    match Database::connect(opt).await {
        Ok(db) => {
            let what = match s.sqlite_path() {
                Some(path) => format!("SQLite {path}"),
                None => format!("PostgreSQL {shown}"),
            };
            (Finding::ok(DATABASE, what), Some(db))
        }
        Err(e) => (
            Finding::problem(
                DATABASE,
                format!("无法打开 / cannot open {shown}: {}", first_line(&e.to_string())),
                "检查文件权限或 DATABASE_URL / check the file's permissions or DATABASE_URL",
            ),
            None,
        ),
    }
}

async fn migrations(db: &DatabaseConnection) -> Finding {
    let known = Migrator::migrations().len();
    match Migrator::get_pending_migrations_read_only(db).await {
        Ok(pending) => {
            let pending = pending.len();
            if pending == 0 {
                Finding::ok(MIGRATIONS, format!("{known} 个全部已执行 / all {known} applied"))
            } else {
                Finding::note(
                    MIGRATIONS,
                    format!("{pending} 个待执行 / {pending} of {known} pending"),
                    "linli serve 启动时执行，或运行 linli migrate / `linli serve` applies them at start, or run `linli migrate`",
                )
            }
        }
        Err(e) => Finding::problem(
            MIGRATIONS,
            first_line(&e.to_string()).to_owned(),
            "数据库由更新版本的 linli 迁移过：请使用该版本 / the database was migrated by a newer linli: run that version",
        ),
    }
}

/// Seconds the local clock is ahead of PostgreSQL's (round trip halved).
async fn pg_clock_offset(db: &DatabaseConnection) -> Option<f64> {
    let before = now_secs();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION) AS t",
        ))
        .await
        .ok()??;
    let theirs: f64 = row.try_get("", "t").ok()?;
    Some((before + now_secs()) / 2.0 - theirs)
}

fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Reachability, and the clock offset against Redis's `TIME`.
async fn redis(s: &Settings) -> (Finding, Option<f64>) {
    if s.redis_url.is_empty() {
        return (
            Finding::ok(REDIS, "未使用（单机，进程内）/ none (one replica, in-process)"),
            None,
        );
    }
    let url = s.redis_url.expose().trim();
    let shown = redact(url);
    let probe = async {
        let client = redis::Client::open(url)?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        let before = now_secs();
        let (secs, micros): (u64, u64) = redis::cmd("TIME").query_async(&mut conn).await?;
        let theirs = secs as f64 + micros as f64 / 1e6;
        Ok::<f64, redis::RedisError>((before + now_secs()) / 2.0 - theirs)
    };
    match tokio::time::timeout(PROBE, probe).await {
        Ok(Ok(offset)) => (Finding::ok(REDIS, shown), Some(offset)),
        Ok(Err(e)) => (
            Finding::problem(
                REDIS,
                format!("无法连接 / cannot reach {shown}: {}", first_line(&e.to_string())),
                "启动 redis-server，或检查 REDIS_URL；不设 REDIS_URL 则单机运行 / start redis-server or correct REDIS_URL; unset it to run one replica without Redis",
            ),
            None,
        ),
        Err(_) => (
            Finding::problem(
                REDIS,
                format!("连接超时 / no answer from {shown} within {}s", PROBE.as_secs()),
                "检查 Redis 是否运行及网络 / check that Redis runs and the network",
            ),
            None,
        ),
    }
}

async fn mail(s: &Settings) -> Finding {
    if s.smtp_url.is_empty() {
        let dir = s.data_dir.join("mail");
        // The folder is made on the first mail; its nearest existing parent must be writable.
        let parent = dir.ancestors().find(|p| p.exists()).map(std::path::Path::to_path_buf);
        let writable = parent
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .is_some_and(|m| !m.permissions().readonly());
        return if writable {
            Finding::ok(MAIL, format!("写入文件 / files in {}", dir.display()))
        } else {
            Finding::problem(
                MAIL,
                format!("{} 不可写 / is not writable", dir.display()),
                "修改 LINLI_DATA_DIR 或目录权限，或设置 SMTP_URL / change LINLI_DATA_DIR or its permissions, or set SMTP_URL",
            )
        };
    }
    let url = s.smtp_url.expose().trim();
    let shown = redact(url);
    type Smtp = lettre::AsyncSmtpTransport<lettre::Tokio1Executor>;
    let transport: Smtp = match Smtp::from_url(url) {
        Ok(t) => t.timeout(Some(PROBE)).build(),
        Err(e) => {
            return Finding::problem(
                MAIL,
                format!("SMTP_URL {shown}: {e}"),
                "形如 smtp://host:25 或 smtps://user:pass@host / like smtp://host:25 or smtps://user:pass@host",
            );
        }
    };
    match tokio::time::timeout(PROBE * 2, transport.test_connection()).await {
        Ok(Ok(true)) => Finding::ok(MAIL, format!("SMTP {shown}")),
        Ok(Ok(false)) => Finding::problem(
            MAIL,
            format!("SMTP {shown} 未应答 / did not answer"),
            "检查邮件服务器 / check the mail server",
        ),
        Ok(Err(e)) => Finding::problem(
            MAIL,
            format!("无法连接 / cannot reach SMTP {shown}: {}", first_line(&e.to_string())),
            "启动邮件服务器或修正 SMTP_URL；不设则写入文件 / start the mail server or correct SMTP_URL; unset it to write mail to files",
        ),
        Err(_) => Finding::problem(
            MAIL,
            format!("连接超时 / no answer from SMTP {shown}"),
            "检查邮件服务器及网络 / check the mail server and the network",
        ),
    }
}

fn font(s: &Settings) -> Finding {
    match crate::documents::font::find_cjk_font(s.cjk_font.as_deref()) {
        Ok(f) => Finding::ok(FONT, format!("{} ({})", f.family(), f.path().display())),
        Err(e) => Finding::problem(FONT, "证书 PDF 无法生成 / certificates cannot be made", e.to_string()),
    }
}

fn ui(s: &Settings) -> Finding {
    if s.frontend_dir.join("index.html").is_file() {
        Finding::ok(UI, s.frontend_dir.display().to_string())
    } else {
        Finding::problem(
            UI,
            format!(
                "{} 中没有 index.html，只能使用 API / no index.html in it: the API only",
                s.frontend_dir.display()
            ),
            "运行 ./scripts/build-ui.sh（需要 Node.js 20.19+），或设置 LINLI_FRONTEND_DIR / run ./scripts/build-ui.sh (Node.js 20.19+) or set LINLI_FRONTEND_DIR",
        )
    }
}

fn clock(offsets: &[(&str, Option<f64>)]) -> Finding {
    let known: Vec<(&str, f64)> = offsets.iter().filter_map(|(n, o)| o.map(|o| (*n, o))).collect();
    if known.is_empty() {
        return Finding::ok(
            CLOCK,
            "没有可比对的数据库或 Redis 时钟 / no database or Redis clock to compare with",
        );
    }
    let shown = known
        .iter()
        .map(|(n, o)| format!("{n} {o:+.1}s"))
        .collect::<Vec<_>>()
        .join(", ");
    if known.iter().all(|(_, o)| o.abs() <= CLOCK_TOLERANCE_SECS) {
        Finding::ok(CLOCK, format!("偏差 / offset: {shown}"))
    } else {
        Finding::problem(
            CLOCK,
            format!("本机时钟偏差过大 / this machine's clock is off: {shown}"),
            "启用时间同步（如 chrony / systemd-timesyncd）；期限与督查依赖正确的时间 / enable time sync (chrony, systemd-timesyncd): deadlines and supervision depend on it",
        )
    }
}

fn port(s: &Settings) -> Finding {
    let addr = format!("{}:{}", s.host, s.port);
    match std::net::TcpListener::bind((s.host.as_str(), s.port)) {
        Ok(_) => Finding::ok(PORT, format!("{addr} 可用 / free")),
        Err(e) => Finding::note(
            PORT,
            format!("{addr} 已被占用 / in use ({e})"),
            "若 linli 已在运行则无妨；否则用 --port 或 LINLI_PORT 换一个 / fine if linli is already running; else pick another with --port or LINLI_PORT",
        ),
    }
}

/// The report as the terminal shows it; the last line sums it up.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let mark = match f.level {
            Level::Ok => "✓",
            Level::Note => "·",
            Level::Problem => "✗",
        };
        out.push_str(&format!("{mark} {:<20} {}\n", f.what, f.detail));
        if let Some(fix) = &f.fix {
            out.push_str(&format!("    → {fix}\n"));
        }
    }
    let problems = findings.iter().filter(|f| f.level == Level::Problem).count();
    if problems == 0 {
        out.push_str("一切正常 / all good\n");
    } else {
        out.push_str(&format!("{problems} 个问题需要处理 / {problems} problem(s) to fix\n"));
    }
    out
}

/// Whether the report has a problem (the command then exits 1).
pub fn has_problem(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_a_problem_only_beyond_the_tolerance() {
        assert_eq!(clock(&[]).level, Level::Ok);
        assert_eq!(clock(&[("Redis", Some(0.4))]).level, Level::Ok);
        let off = clock(&[("PostgreSQL", Some(0.1)), ("Redis", Some(-7.25))]);
        assert_eq!(off.level, Level::Problem);
        assert!(
            off.detail.contains("Redis -7.2s") || off.detail.contains("Redis -7.3s"),
            "{}",
            off.detail
        );
    }

    #[test]
    fn the_summary_counts_problems() {
        let fs = [Finding::ok(CONFIG, "read"), Finding::problem(UI, "missing", "build it")];
        let text = render(&fs);
        assert!(text.contains("✗ 界面 web UI"), "{text}");
        assert!(text.contains("→ build it"), "{text}");
        assert!(text.ends_with("1 个问题需要处理 / 1 problem(s) to fix\n"), "{text}");
        assert!(has_problem(&fs));
        assert!(!has_problem(&fs[..1]));
    }
}
