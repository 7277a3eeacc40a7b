//! Linli (邻里): residents order (群众点单), the community dispatches
//! (组织派单), party members and volunteers accept (党员接单).
//!
//! Dependencies point one way: `routes → services → domain`, and
//! `services → infra, documents`. `domain` is pure; `documents` renders
//! PDF certificates and xlsx exports from plain data.

pub mod auth;
pub mod clock;
pub mod config;
pub mod documents;
pub mod domain;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod infra;
pub mod routes;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
