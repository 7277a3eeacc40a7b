//! Connections to the outside world (database, Redis; later mail, events).

pub mod db;
pub mod redis;
