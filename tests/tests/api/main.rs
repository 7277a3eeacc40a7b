//! All integration tests build into this one binary. Each test runs against
//! SQLite and PostgreSQL (see `helpers::both_backends!`).

mod abuse;
mod appeals;
mod auth;
mod authz_matrix;
mod boards;
mod bulkhead;
mod capacity_race;
mod check_in;
mod concurrency;
mod documents;
mod duplicates;
mod english;
mod errors;
mod forbidden;
mod frontend;
mod hardening;
mod helpers;
mod hostile_input;
mod ledger;
mod ledger_props;
mod lifecycle;
mod listing;
mod market;
mod matching;
mod members;
mod notices;
mod operations;
mod photos;
mod qualifications;
mod redemption_race;
mod redis_outage;
mod request_loop;
mod revocation;
mod series;
mod supervision;
