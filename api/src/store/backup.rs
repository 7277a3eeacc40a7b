//! A consistent copy of the SQLite database while it is in use: `VACUUM
//! INTO` reads one snapshot (writers go on, in WAL mode) and writes it,
//! compacted, to a new file.

use crate::error::ApiError;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// Writes the database to `path`, which must not exist (SQLite refuses a
/// file that is there and not empty).
pub async fn vacuum_into(db: &DatabaseConnection, path: &str) -> Result<(), ApiError> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [path.into()],
    ))
    .await?;
    Ok(())
}
