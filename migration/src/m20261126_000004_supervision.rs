//! Telling people and watching deadlines: the transactional outbox (mail),
//! in-app notifications, supervision marks (督查) left by the SLA sweeper,
//! follow-ups (回访), per-category deadlines to dispatch and to accept,
//! e-mail addresses, and request rounds (a dissatisfied follow-up reopens a
//! request; its next close credits again, once per round).

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
        // SQLite takes one ALTER per statement.
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(string_len_null("email", 254))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(integer("round").default(1))
                .to_owned(),
        )
        .await?;
        for col in ["dispatch_hours", "accept_hours"] {
            m.alter_table(
                Table::alter()
                    .table("service_categories")
                    .add_column(integer(col).default(24))
                    .to_owned(),
            )
            .await?;
        }
        // A request credits once per round: (credit_of, credit_round) is the key.
        for t in ["service_records", "points_entries"] {
            m.alter_table(
                Table::alter()
                    .table(t)
                    .add_column(integer_null("credit_round"))
                    .to_owned(),
            )
            .await?;
            m.get_connection()
                .execute_unprepared(&format!("UPDATE {t} SET credit_round = 1 WHERE credit_of IS NOT NULL"))
                .await?;
        }
        for (t, old, new) in [
            (
                "service_records",
                "uq_service_records_credit_of",
                "uq_service_records_credit_round",
            ),
            (
                "points_entries",
                "uq_points_entries_credit_of",
                "uq_points_entries_credit_round",
            ),
        ] {
            m.drop_index(Index::drop().name(old).table(t).to_owned()).await?;
            let mut idx = index(t, new, &["credit_of", "credit_round"]);
            idx.unique();
            m.create_index(idx).await?;
        }

        m.create_table(
            Table::create()
                .table("notifications")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("kind", 40))
                .col(string_len("title", 200))
                .col(text("body"))
                .col(big_integer_null("request_id"))
                .col(timestamp_with_time_zone_null("read_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("notifications", "user_id", "users"))
                .foreign_key(&mut fk("notifications", "request_id", "help_requests"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notifications", "idx_notifications_user", &["user_id", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("outbox")
                .col(big_pk_auto("id"))
                // What caused it and for whom: one message per event and person.
                .col(string_len("event_key", 200))
                .col(string_len("channel", 20))
                .col(big_integer_null("user_id"))
                .col(string_len("to_address", 254))
                .col(string_len("subject", 300))
                .col(text("body"))
                // `pending` | `sent` | `dead` (gave up after the last attempt)
                .col(string_len("status", 20))
                .col(integer("attempts").default(0))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                // A worker's claim: nobody else takes the row before this.
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("outbox", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        let mut uq = index("outbox", "uq_outbox_event_key", &["event_key"]);
        uq.unique();
        m.create_index(uq).await?;
        m.create_index(index("outbox", "idx_outbox_due", &["status", "next_attempt_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("supervision_marks")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                // `dispatch` | `accept` | `complete` | `follow_up`
                .col(string_len("stage", 20))
                // `overdue` | `escalated`
                .col(string_len("level", 20))
                // When the stage began: a new round of the same stage is new.
                .col(timestamp_with_time_zone("since"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("supervision_marks", "request_id", "help_requests"))
                .to_owned(),
        )
        .await?;
        let mut uq = index(
            "supervision_marks",
            "uq_supervision_marks_once",
            &["request_id", "stage", "level", "since"],
        );
        uq.unique();
        m.create_index(uq).await?;

        m.create_table(
            Table::create()
                .table("follow_ups")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(integer("round"))
                .col(big_integer("admin_id"))
                // `call` | `visit`
                .col(string_len("method", 10))
                .col(boolean("satisfied"))
                .col(text("note"))
                .col(boolean("reopened"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("follow_ups", "request_id", "help_requests"))
                .foreign_key(&mut fk("follow_ups", "admin_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("follow_ups", "idx_follow_ups_request", &["request_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["follow_ups", "supervision_marks", "outbox", "notifications"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for (t, old, new) in [
            (
                "service_records",
                "uq_service_records_credit_of",
                "uq_service_records_credit_round",
            ),
            (
                "points_entries",
                "uq_points_entries_credit_of",
                "uq_points_entries_credit_round",
            ),
        ] {
            m.drop_index(Index::drop().name(new).table(t).to_owned()).await?;
            let mut idx = index(t, old, &["credit_of"]);
            idx.unique();
            m.create_index(idx).await?;
            m.alter_table(Table::alter().table(t).drop_column("credit_round").to_owned())
                .await?;
        }
        for col in ["accept_hours", "dispatch_hours"] {
            m.alter_table(Table::alter().table("service_categories").drop_column(col).to_owned())
                .await?;
        }
        m.alter_table(Table::alter().table("help_requests").drop_column("round").to_owned())
            .await?;
        m.alter_table(Table::alter().table("users").drop_column("email").to_owned())
            .await?;
        Ok(())
    }
}
