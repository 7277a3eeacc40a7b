//! Database connection: SQLite (embedded default) or PostgreSQL, chosen by URL.

use crate::config::Settings;
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// Opens the pool. For SQLite, WAL, `synchronous=NORMAL`, `busy_timeout` and
/// foreign keys are per-connection settings, so they go into the connect
/// options that every pooled connection is opened with, not a one-off PRAGMA.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    if !settings.is_sqlite() {
        ensure_pg_database(&settings.effective_database_url()).await?;
    }
    open(settings, settings.db_max_connections.max(1)).await
}

/// A PostgreSQL database named in the URL but not there yet is created (as
/// `createdb` would) when the role may; otherwise start-up stops with one
/// line, in Chinese and English, that says what to run. Any other
/// connection problem stops it with the server's own reason.
async fn ensure_pg_database(url: &str) -> anyhow::Result<()> {
    use sea_orm::sqlx::postgres::PgConnection;
    use sea_orm::sqlx::{AssertSqlSafe, Connection, Executor};

    let (name, createdb, options) = match pg_probe(url).await {
        PgProbe::Reachable => return Ok(()),
        PgProbe::Unreachable(reason) => anyhow::bail!(
            "无法连接 PostgreSQL {shown}（{reason}）/ cannot connect to PostgreSQL {shown} ({reason})",
            shown = redact(url)
        ),
        PgProbe::Missing {
            name,
            createdb,
            options,
        } => (name, createdb, options),
    };
    let created = async {
        let mut admin = PgConnection::connect_with(&options.database("postgres")).await?;
        let sql = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
        // The name is quoted as an identifier above; it is not a parameter.
        let done = admin.execute(AssertSqlSafe(sql)).await.map(|_| ());
        let _ = admin.close().await;
        done
    }
    .await;
    match created {
        Ok(()) => {
            tracing::info!(database = %name, "created the PostgreSQL database");
            Ok(())
        }
        // Another replica starting at the same moment made it first.
        Err(sea_orm::sqlx::Error::Database(e)) if e.code().as_deref() == Some(PG_DUPLICATE_DATABASE) => Ok(()),
        Err(e) => anyhow::bail!(
            "数据库 {name} 不存在，且无法自动创建（{reason}）。请先运行：{createdb} / \
             database {name} does not exist and could not be created ({reason}); run: {createdb}",
            reason = sqlx_reason(&e),
        ),
    }
}

/// What one connection attempt to a PostgreSQL URL found.
pub enum PgProbe {
    /// Connected (and closed again).
    Reachable,
    /// The server answered that the database does not exist.
    Missing {
        name: String,
        /// The `createdb` command that would make it.
        createdb: String,
        options: Box<sea_orm::sqlx::postgres::PgConnectOptions>,
    },
    /// Anything else: the server is down, refused the role, or the URL is bad.
    Unreachable(String),
}

/// Connects once to `url` (no pool) to tell a missing database from others.
pub async fn pg_probe(url: &str) -> PgProbe {
    use sea_orm::sqlx::Connection;
    use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
    use std::str::FromStr;

    let options = match PgConnectOptions::from_str(url) {
        Ok(o) => o,
        Err(e) => return PgProbe::Unreachable(sqlx_reason(&e)),
    };
    match PgConnection::connect_with(&options).await {
        Ok(conn) => {
            let _ = conn.close().await;
            PgProbe::Reachable
        }
        Err(sea_orm::sqlx::Error::Database(e)) if e.code().as_deref() == Some(PG_INVALID_CATALOG) => {
            let name = options.get_database().unwrap_or_default().to_owned();
            let createdb = format!(
                "createdb -h {} -p {} -U {} {name}",
                options.get_host(),
                options.get_port(),
                options.get_username()
            );
            PgProbe::Missing {
                name,
                createdb,
                options: Box::new(options),
            }
        }
        Err(e) => PgProbe::Unreachable(sqlx_reason(&e)),
    }
}

/// The server's own message for a database error (sqlx's text adds the
/// line of PostgreSQL's C source it came from), else the error's first line.
fn sqlx_reason(e: &sea_orm::sqlx::Error) -> String {
    match e {
        sea_orm::sqlx::Error::Database(d) => d.message().to_owned(),
        other => first_line(&other.to_string()).to_owned(),
    }
}

/// SQLSTATE 3D000: the database named in the connection does not exist.
const PG_INVALID_CATALOG: &str = "3D000";
/// SQLSTATE 42P04: `CREATE DATABASE` of a name that exists.
const PG_DUPLICATE_DATABASE: &str = "42P04";

pub fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The connection that write transactions run on. SQLite has one writer at
/// a time: with eight pooled connections, writers that find the lock taken
/// sleep in `busy_timeout`'s back-off (1, 2, 5 … 100 ms) instead of queueing,
/// and most of the pool ends up asleep under load. So on SQLite writes get a
/// pool of their own with one connection, which hands the lock on in
/// arrival order (the pool's waiters are served first come, first served)
/// and keeps its prepared statements warm; reads stay on the main pool
/// (WAL: readers never wait for the writer). PostgreSQL locks rows, not the
/// database: there the writer is the main pool itself.
pub async fn connect_writer(settings: &Settings, main: &DatabaseConnection) -> anyhow::Result<DatabaseConnection> {
    if settings.is_sqlite() {
        open(settings, 1).await
    } else {
        Ok(main.clone())
    }
}

async fn open(settings: &Settings, connections: u32) -> anyhow::Result<DatabaseConnection> {
    let url = settings.effective_database_url();
    if settings.is_sqlite() && settings.database_url.is_empty() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating data dir {}", settings.data_dir.display()))?;
    }
    let statement = Duration::from_secs(settings.db_statement_timeout_secs.max(1));
    let lock = Duration::from_secs(settings.db_lock_timeout_secs.max(1));
    let mut opt = ConnectOptions::new(url.clone());
    opt.max_connections(connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(settings.db_acquire_timeout_secs))
        .sqlx_logging(false)
        // No statement runs without end and no lock is waited for without
        // end: one slow thing answers 503 instead of holding its connection.
        .map_sqlx_postgres_opts(move |o| {
            o.options([
                ("statement_timeout", format!("{}s", statement.as_secs())),
                ("lock_timeout", format!("{}s", lock.as_secs())),
            ])
        })
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(lock)
                .foreign_keys(true)
                .create_if_missing(true)
        });
    Database::connect(opt)
        .await
        .with_context(|| format!("connecting to {}", redact(&url)))
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("running migrations")
}

/// Hides a password in a database URL for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://./data/linli.db"), "sqlite://./data/linli.db");
    }
}
