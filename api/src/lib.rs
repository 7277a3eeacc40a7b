//! Linli (邻里): residents order (群众点单), the community dispatches
//! (组织派单), party members and volunteers accept (党员接单).
//!
//! Dependencies point one way: `routes → services → store / domain`, with
//! `infra` (database, Redis, mail, live updates, caches), `workers` (the
//! outbox sender, the 督查 sweeper) and `documents` (PDF, xlsx) beside
//! them. `domain` is pure; `store` is the only module that knows the
//! schema; `AppState` is built from `infra` alone.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod documents;
pub mod domain;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod infra;
pub mod messages;
pub mod middleware;
pub mod routes;
pub mod services;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod workers;

// The message catalogue (`api/locales/linli.yml`), see `messages`.
rust_i18n::i18n!("locales", fallback = "zh");
