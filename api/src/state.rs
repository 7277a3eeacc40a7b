//! Shared application state, built once at start-up (outside the
//! `HttpServer::new` closure, which runs once per worker) from `infra` and
//! configuration alone.

use crate::auth::password::Hasher;
use crate::clock::Clock;
use crate::config::Settings;
use crate::domain::CommunityId;
use crate::domain::matching::{Pool, Roster};
use crate::domain::rating_rule::RatingRule;
use crate::infra::boards::RedisBoards;
use crate::infra::cache::StampedCache;
use crate::infra::live::Hub;
use crate::infra::mail::Mailer;
use crate::infra::snapshot::{KeptMap, Snapshot};
use crate::store::directory::{Category, Community};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// `(row count, Σ version)` of a community's rows: changes on every write.
pub type Stamp = (i64, i64);

/// What a cached roster depends on: the profiles' and the qualifications'
/// stamps, and the local date (a qualification stops counting when its
/// expiry date passes, with no row changing).
pub type RosterStamp = (Stamp, Stamp, chrono::NaiveDate);

/// 参考数据: the service menu and the communities, read on almost every
/// request and written almost never, kept whole in each replica. A change
/// on any replica drops every replica's copy at once (`services::directory::changed`); a copy
/// is also read again after [`Reference::MAX_AGE`] in case such a signal
/// was lost.
pub struct Reference {
    pub(crate) menu: Snapshot<Vec<Category>>,
    pub(crate) communities: Snapshot<HashMap<CommunityId, Community>>,
    /// Each community's rating rule in force (评价规则), for the deadlines
    /// that views and the state machine judge by. Credits read the rule
    /// from the database, since they record which version they used.
    pub(crate) rules: KeptMap<CommunityId, RatingRule>,
}

impl Reference {
    pub const MAX_AGE: Duration = Duration::from_secs(60);

    /// Drops this replica's copies.
    pub fn changed(&self) {
        self.menu.drop_kept();
        self.communities.drop_kept();
        self.rules.clear();
    }
}

impl Default for Reference {
    fn default() -> Self {
        Reference {
            menu: Snapshot::new(Self::MAX_AGE),
            communities: Snapshot::new(Self::MAX_AGE),
            rules: KeptMap::new(Self::MAX_AGE, 4096),
        }
    }
}

pub struct AppState {
    /// Reads, and writes that are one statement.
    pub db: DatabaseConnection,
    /// Write transactions (`store::begin_write(&app.writer)`): SQLite's one
    /// writer connection, or the main pool on PostgreSQL (see `infra::db::connect_writer`).
    pub writer: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub hasher: Hasher,
    /// `settings.utc_offset`, parsed once.
    pub local_offset: chrono::FixedOffset,
    /// Matching: each community's roster (profiles, skills, qualifications
    /// that count today), kept while its profiles and qualifications are
    /// unchanged and the day is the same …
    pub rosters: StampedCache<i64, RosterStamp, Roster>,
    /// … and the whole pool with everyone's standing, while its requests are too.
    pub pools: StampedCache<i64, (RosterStamp, Stamp), Pool>,
    /// 光荣榜 in Redis (`REDIS_URL`); without it boards are SQL over the ledgers.
    pub redis_boards: Option<RedisBoards>,
    /// The CJK font for certificates, found on first use.
    pub font: tokio::sync::OnceCell<crate::documents::CjkFont>,
    /// Live updates (SSE), across replicas with Redis.
    pub hub: Hub,
    /// 分流: turns for heavy reads (see `services::bulkhead`).
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// Live sessions by token digest, for a short while (see `infra::sessions`).
    pub sessions: Arc<crate::infra::sessions::SessionCache<crate::store::sessions::SessionUser>>,
    /// Accounts by user id (`GET /me`), dropped with the user's sessions.
    pub accounts: KeptMap<crate::domain::UserId, crate::store::users::User>,
    /// Communities and the service menu, kept per replica (see [`Reference`]).
    pub reference: Reference,
    /// 任务大厅: each community's first page of open requests, for a
    /// moment (see `services::requests::hall`).
    pub hall: KeptMap<(CommunityId, u64), crate::store::requests::HallPage>,
    /// 防刷: strike counts and locks for logins, sign-ups and lookups,
    /// across replicas with Redis.
    pub throttle: crate::infra::throttle::Throttle,
    /// Delivers the outbox (SMTP, or files under `data_dir/mail/`).
    pub mailer: Mailer,
    /// The one notion of now; tests move it forward.
    pub clock: Clock,
}
