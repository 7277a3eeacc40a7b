//! The lifecycle people actually live (issue 13): a no-show (爽约) is a row
//! of its own, one per timeline event that recorded it, so a member's
//! reliability is counted, never edited; a member whom repeated no-shows
//! flagged for review carries `member_profiles.flagged_at` until an admin
//! clears it.
//!
//! Reminders (提醒) before the agreed time are sent once per request, kind,
//! person and due time — `reminders_sent` is unique on those, so two
//! sweepers agree on one — and wait out each person's quiet hours
//! (`users.quiet_start` / `quiet_end`, minutes after local midnight;
//! 21:00–08:00 unless they change it; equal = none).

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
        m.create_table(
            Table::create()
                .table("no_shows")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(big_integer("member_id"))
                .col(big_integer("community_id"))
                .col(big_integer_uniq("event_id"))
                .col(big_integer_null("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("no_shows", "request_id", "help_requests"))
                .foreign_key(&mut fk("no_shows", "member_id", "users"))
                .foreign_key(&mut fk("no_shows", "community_id", "communities"))
                .foreign_key(&mut fk("no_shows", "event_id", "request_events"))
                .foreign_key(&mut fk("no_shows", "recorded_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("no_shows", "idx_no_shows_member", &["member_id", "created_at"]))
            .await?;
        m.create_index(index(
            "no_shows",
            "idx_no_shows_community",
            &["community_id", "created_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("reminders_sent")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(string_len("kind", 30))
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("due_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("reminders_sent", "request_id", "help_requests"))
                .foreign_key(&mut fk("reminders_sent", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_reminders_sent")
                .table("reminders_sent")
                .col("request_id")
                .col("kind")
                .col("user_id")
                .col("due_at")
                .unique()
                .to_owned(),
        )
        .await?;
        // One ALTER per statement (SQLite).
        m.alter_table(
            Table::alter()
                .table("member_profiles")
                .add_column(timestamp_with_time_zone_null("flagged_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(small_integer("quiet_start").default(21 * 60))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(small_integer("quiet_end").default(8 * 60))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["quiet_start", "quiet_end"] {
            m.alter_table(Table::alter().table("users").drop_column(col).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table("reminders_sent").to_owned()).await?;
        m.alter_table(
            Table::alter()
                .table("member_profiles")
                .drop_column("flagged_at")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("no_shows").to_owned()).await
    }
}
