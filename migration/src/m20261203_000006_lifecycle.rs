//! The lifecycle people actually live (issue 13): a no-show (爽约) is a row
//! of its own, one per timeline event that recorded it, so a member's
//! reliability is counted, never edited; a member whom repeated no-shows
//! flagged for review carries `member_profiles.flagged_at` until an admin
//! clears it.

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
        // One ALTER per statement (SQLite).
        m.alter_table(
            Table::alter()
                .table("member_profiles")
                .add_column(timestamp_with_time_zone_null("flagged_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
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
