//! All integration tests build into this one binary. Each test runs against
//! SQLite and PostgreSQL (see `helpers::both_backends!`).

mod appeals;
mod auth;
mod authz_matrix;
mod boards;
mod check_in;
mod concurrency;
mod documents;
mod duplicates;
mod english;
mod errors;
mod forbidden;
mod frontend;
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
mod photos;
mod qualifications;
mod redemption_race;
mod request_loop;
mod series;
mod supervision;
