//! Connections to the outside world: the database, Redis (honor boards and
//! live updates across replicas), mail, and in-process caches. `AppState`
//! is built from these alone.

pub mod boards;
pub mod breaker;
pub mod cache;
pub mod db;
pub mod live;
pub mod mail;
pub mod redis;
pub mod sessions;
pub mod snapshot;
pub mod throttle;
