//! The store: the only module that knows the schema (`entity`). It holds
//! the queries and writes, and hands services typed records — domain enums
//! and ids, decoded JSON — never sea-orm models. Finders that serve a
//! caller take what the caller may see (their scope) as an argument, so a
//! query cannot forget it (in the spirit of svix's `secure_find`).
//!
//! Functions take `&impl ConnectionTrait`, so a service can run several of
//! them in one transaction; timestamps come in as arguments from the
//! service's clock.

pub mod appeals;
pub mod audit;
pub mod backup;
pub mod boards;
pub mod certificates;
pub mod check;
pub mod directory;
pub mod enums;
pub mod exports;
pub mod family;
pub mod followers;
pub mod grids;
pub mod json;
pub mod ledger;
pub mod market;
pub mod matching;
pub mod members;
pub mod no_shows;
pub mod notices;
pub mod outbox;
pub mod photos;
pub mod qualifications;
pub mod reminders;
pub mod requests;
pub mod rules;
pub mod series;
pub mod sessions;
pub mod stats;
pub mod supervision;
pub mod users;
pub mod visits;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, TransactionOptions, TransactionTrait};

/// Is this database error a unique-constraint violation (on either backend)?
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Opens a transaction that will write. On SQLite it takes the write lock
/// at `BEGIN` (`IMMEDIATE`), so reads inside it cannot be overtaken by
/// another writer and fail to upgrade later; on PostgreSQL it is an
/// ordinary transaction.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A transaction that is already open, to name in signatures.
pub type Txn = DatabaseTransaction;

/// One page of `rows`, which were fetched with `LIMIT limit + 1`: the first
/// `limit`, and the cursor (`key` of the last one kept) when there are more.
pub fn page<T>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(key) } else { None };
    (rows, next)
}

/// `LIKE '%text%' ESCAPE '\'`: `text` anywhere, its `%`, `_` and `\`
/// matched as themselves (a search for `100%` is not a wildcard). Both
/// backends honour the escape clause.
pub fn like_contains(text: &str) -> sea_orm::sea_query::LikeExpr {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    sea_orm::sea_query::LikeExpr::new(p).escape('\\')
}

/// Which backend a connection talks to, for the few statements that differ.
pub fn is_postgres(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == sea_orm::DbBackend::Postgres
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_cut_at_the_limit_and_point_past_the_last_row() {
        assert_eq!(super::page(vec![5, 4, 3], 2, |x| *x), (vec![5, 4], Some(4)));
        assert_eq!(super::page(vec![5, 4], 2, |x| *x), (vec![5, 4], None));
        assert_eq!(super::page(Vec::<i64>::new(), 2, |x| *x), (vec![], None));
    }
}
