//! Use cases. Each takes the application state (or, when it composes into
//! someone else's transaction, a connection) and the caller, owns its
//! transaction, and talks to the database only through `store`. Handlers
//! call these and never touch the schema themselves.

pub mod appeals;
pub mod audit;
pub mod auth;
pub mod boards;
pub mod bulkhead;
pub mod certificates;
pub mod check;
pub mod directory;
pub mod exports;
pub mod family;
pub mod grids;
pub mod ledger;
pub mod limits;
pub mod market;
pub mod matching;
pub mod members;
pub mod notify;
pub mod passwords;
pub mod qualifications;
pub mod requests;
pub mod rules;
pub mod scope;
pub mod series;
pub mod setup;
pub mod stats;
pub mod supervision;
pub mod users;
