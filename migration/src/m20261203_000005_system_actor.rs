//! 系统 on the timeline: a request event may have no person behind it (the
//! sweeper's repool, and later reminders, generators and imports), so
//! `request_events.actor_id` becomes nullable. PostgreSQL drops the NOT
//! NULL; SQLite cannot alter a column, so the table is rebuilt with the same
//! columns, keys and index, and its rows copied.
//!
//! Notes the system writes (代下单, 自动派单, …) become a `note_key` into
//! the message catalogue, rendered in the reader's language; `note` keeps
//! what a person typed. Notifications keep their title and body as
//! catalogue messages too (`notifications.message`).

use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        m.alter_table(
            Table::alter()
                .table("notifications")
                .add_column(text_null("message"))
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            db.execute_unprepared("ALTER TABLE request_events ALTER COLUMN actor_id DROP NOT NULL")
                .await?;
            m.alter_table(
                Table::alter()
                    .table("request_events")
                    .add_column(string_len_null("note_key", 60))
                    .to_owned(),
            )
            .await?;
            return legacy_notes(m).await;
        }
        m.create_table(
            Table::create()
                .table("request_events_new")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(big_integer_null("actor_id"))
                .col(string_len("action", 20))
                .col(string_len_null("from_status", 20))
                .col(string_len("to_status", 20))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string_len_null("note_key", 60))
                .foreign_key(&mut fk("request_events", "request_id", "help_requests"))
                .foreign_key(&mut fk("request_events", "actor_id", "users"))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO request_events_new (id, request_id, actor_id, action, from_status, to_status, note, created_at) \
             SELECT id, request_id, actor_id, action, from_status, to_status, note, created_at FROM request_events",
        )
        .await?;
        db.execute_unprepared("DROP TABLE request_events").await?;
        db.execute_unprepared("ALTER TABLE request_events_new RENAME TO request_events")
            .await?;
        m.create_index(index(
            "request_events",
            "idx_request_events_request",
            &["request_id", "id"],
        ))
        .await?;
        legacy_notes(m).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Events without a person cannot be given one back.
        Err(DbErr::Migration("irreversible: system events have no actor".into()))
    }
}

/// The fixed notes earlier versions wrote as text become catalogue keys.
async fn legacy_notes(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    for (text, key) in [
        ("代下单", "timeline.on_behalf"),
        ("自动派单", "timeline.auto_dispatch"),
        ("auto-dispatch", "timeline.auto_dispatch"),
        (
            "超时未接单，督查退回待派 / not accepted in time, back to the pool",
            "timeline.repooled",
        ),
    ] {
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            m.get_database_backend(),
            match m.get_database_backend() {
                sea_orm::DbBackend::Postgres => "UPDATE request_events SET note_key = $1, note = NULL WHERE note = $2",
                _ => "UPDATE request_events SET note_key = ?, note = NULL WHERE note = ?",
            },
            [key.into(), text.into()],
        ))
        .await?;
    }
    Ok(())
}
