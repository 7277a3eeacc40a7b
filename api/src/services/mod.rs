//! Use cases. Each owns its transaction and takes the connection it needs;
//! handlers call these and never touch entities themselves.

pub mod audit;
pub mod auth;
pub mod boards;
pub mod certificates;
pub mod directory;
pub mod exports;
pub mod ledger;
pub mod live;
pub mod market;
pub mod matching;
pub mod members;
pub mod notify;
pub mod outbox;
pub mod requests;
pub mod rules;
pub mod seed;
pub mod stats;
pub mod supervision;
pub mod users;

/// Is this database error a unique-constraint violation (on either backend)?
pub(crate) fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// One page of `rows`, which were fetched with `LIMIT limit + 1`: the first
/// `limit`, and the cursor (`key` of the last one kept) when there are more.
pub(crate) fn page<T>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(key) } else { None };
    (rows, next)
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
