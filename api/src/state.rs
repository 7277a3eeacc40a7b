//! Shared application state, built once at start-up (outside the
//! `HttpServer::new` closure, which runs once per worker).

use crate::auth::password::Hasher;
use crate::config::Settings;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub hasher: Hasher,
    /// `settings.utc_offset`, parsed once.
    pub local_offset: chrono::FixedOffset,
    /// Matching's per-community member rosters, checked against the database.
    pub pools: crate::services::matching::PoolCache,
    /// 光荣榜: Redis sorted sets with `REDIS_URL`, else SQL over the ledgers.
    pub boards: crate::services::boards::Boards,
    /// The CJK font for certificates, found on first use.
    pub font: tokio::sync::OnceCell<crate::documents::CjkFont>,
    /// Live updates (SSE), across replicas with Redis.
    pub hub: crate::services::live::Hub,
    /// Delivers the outbox (SMTP, or files under `data_dir/mail/`).
    pub mailer: crate::services::outbox::Mailer,
    /// The sweeper's notion of now; tests move it forward.
    pub clock: crate::clock::Clock,
}
