//! `linli backup PATH`: a consistent online copy of the SQLite database,
//! taken while the server runs. PostgreSQL has its own tool for that.

use crate::config::Settings;
use anyhow::{Context, bail};
use std::path::Path;

/// What to say instead of a copy on PostgreSQL.
pub const USE_PG_DUMP: &str = "数据库为 PostgreSQL：请用 pg_dump 备份，例如 \
     pg_dump --format=custom --file=linli.dump \"$DATABASE_URL\"（恢复：pg_restore --clean --dbname=…）\n\
     The database is PostgreSQL: back it up with pg_dump, e.g. \
     pg_dump --format=custom --file=linli.dump \"$DATABASE_URL\" (restore with pg_restore --clean --dbname=…)";

/// Copies the database to `path` (a new file); returns its size in bytes.
pub async fn backup(settings: &Settings, path: &Path) -> anyhow::Result<u64> {
    if !settings.is_sqlite() {
        bail!(USE_PG_DUMP);
    }
    if path.exists() {
        bail!(
            "{} 已存在，不会覆盖；请换一个文件名 / {} exists and is not overwritten: choose a new name",
            path.display(),
            path.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        bail!("目录 {} 不存在 / no directory {}", dir.display(), dir.display());
    }
    let target = path
        .to_str()
        .with_context(|| format!("not a UTF-8 path: {}", path.display()))?;
    let db = crate::infra::db::connect(settings).await?;
    crate::store::backup::vacuum_into(&db, target)
        .await
        .map_err(|e| anyhow::anyhow!("VACUUM INTO {target}: {e}"))?;
    db.close().await.ok();
    Ok(std::fs::metadata(path)?.len())
}
