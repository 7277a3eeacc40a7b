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
    open(settings, settings.db_max_connections.max(1)).await
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
