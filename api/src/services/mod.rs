//! Use cases. Each owns its transaction and takes the connection it needs;
//! handlers call these and never touch entities themselves.

pub mod audit;
pub mod auth;
pub mod boards;
pub mod certificates;
pub mod directory;
pub mod exports;
pub mod ledger;
pub mod market;
pub mod matching;
pub mod members;
pub mod requests;
pub mod rules;
pub mod seed;
pub mod users;

/// Is this database error a unique-constraint violation (on either backend)?
pub(crate) fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
