//! 争议与申诉 (issue 13.5): a resident disputes a reported completion before
//! it is verified; a member appeals a rating or a deduction within the
//! community's `appeal_days`. An admin rules (upheld / overturned /
//! partial) with a reason. The ruling's effect is written elsewhere, as new
//! ledger rows or a new transition; this table keeps who asked, why, and
//! what was ruled.
//!
//! `subject_id` is what the appeal is about — the `complete` event on the
//! request's timeline (a completion), the service record (a rating), the
//! points entry (a deduction) — and `(kind, subject_id)` is unique: one
//! appeal per subject, whoever files twice or at once.
//!
//! `help_requests.disputed` is the state machine's flag: set by `dispute`,
//! cleared by the ruling (`redo` or `settle`); `verify` waits for it.

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
                .table("appeals")
                .col(big_pk_auto("id"))
                .col(big_integer("community_id"))
                .col(string_len("kind", 20))
                .col(big_integer("subject_id"))
                .col(big_integer_null("request_id"))
                .col(big_integer_null("entry_id"))
                .col(big_integer_null("record_id"))
                .col(big_integer("appellant_id"))
                .col(big_integer_null("respondent_id"))
                .col(string_len("reason", 500))
                .col(string_len("status", 20))
                .col(integer_null("ruled_minutes"))
                .col(small_integer_null("ruled_stars"))
                .col(big_integer_null("ruled_points"))
                .col(string_len_null("ruling", 500))
                .col(big_integer_null("ruled_by"))
                .col(timestamp_with_time_zone_null("ruled_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("appeals", "community_id", "communities"))
                .foreign_key(&mut fk("appeals", "request_id", "help_requests"))
                .foreign_key(&mut fk("appeals", "entry_id", "points_entries"))
                .foreign_key(&mut fk("appeals", "record_id", "service_records"))
                .foreign_key(&mut fk("appeals", "appellant_id", "users"))
                .foreign_key(&mut fk("appeals", "respondent_id", "users"))
                .foreign_key(&mut fk("appeals", "ruled_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_appeals_subject")
                .table("appeals")
                .col("kind")
                .col("subject_id")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "appeals",
            "idx_appeals_community",
            &["community_id", "status", "created_at"],
        ))
        .await?;
        m.create_index(index("appeals", "idx_appeals_request", &["request_id"]))
            .await?;
        m.create_index(index("appeals", "idx_appeals_appellant", &["appellant_id"]))
            .await?;
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(boolean("disputed").default(false))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("help_requests").drop_column("disputed").to_owned())
            .await?;
        m.drop_table(Table::drop().table("appeals").to_owned()).await
    }
}
