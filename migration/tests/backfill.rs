#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic
//! Upgrading a database from before 报到: members keep serving.

use migration::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::{ConnectionTrait, Database, Statement};

#[tokio::test]
async fn members_made_before_registration_get_an_active_profile() {
    let path = std::env::temp_dir().join(format!("linli-migrate-{}.db", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = Database::connect(&url).await.unwrap();
    Migrator::up(&db, Some(1)).await.unwrap();
    db.execute_unprepared(
        "INSERT INTO communities (id, name, street, district, created_at) VALUES (1, '幸福里', '和平街道', '区', '2026-01-01 00:00:00+00:00');
         INSERT INTO users (id, phone, name, password_hash, role, community_id, lang, created_at, updated_at) VALUES
           (1, '13800000001', '甲', 'x', 'member', 1, 'zh', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00'),
           (2, '13800000002', '乙', 'x', 'resident', 1, 'zh', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00');",
    )
    .await
    .unwrap();
    Migrator::up(&db, None).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT user_id, status, kind, max_active FROM member_profiles ORDER BY user_id",
        ))
        .await
        .unwrap();
    let got: Vec<(i64, String, String, i32)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "user_id").unwrap(),
                r.try_get("", "status").unwrap(),
                r.try_get("", "kind").unwrap(),
                r.try_get("", "max_active").unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![(1, "active".into(), "volunteer".into(), 3)]);
    db.close().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
