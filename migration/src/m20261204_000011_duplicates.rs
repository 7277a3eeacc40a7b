//! 重复反映 (issue 13.6): `help_requests.similar_to` notes, at posting, the
//! earlier request of the same community and category that looked the same
//! (admins see 疑似重复); `merged_into` is set when an admin merges a
//! duplicate into the main request (the duplicate is cancelled as merged).
//! `request_followers`: people who follow a request they did not post — the
//! merged duplicate's resident, or a neighbour who chose to follow instead of
//! posting again; unique per (request, person).

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
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(big_integer_null("similar_to"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(big_integer_null("merged_into"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("request_followers")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(big_integer("user_id"))
                .col(big_integer_null("merged_from"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("request_followers", "request_id", "help_requests"))
                .foreign_key(&mut fk("request_followers", "user_id", "users"))
                .foreign_key(&mut fk("request_followers", "merged_from", "help_requests"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_request_followers")
                .table("request_followers")
                .col("request_id")
                .col("user_id")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("request_followers", "idx_request_followers_user", &["user_id"]))
            .await?;
        m.create_index(index(
            "help_requests",
            "idx_help_requests_similar",
            &["community_id", "category_id", "created_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("request_followers").to_owned())
            .await?;
        for col in ["merged_into", "similar_to"] {
            m.alter_table(Table::alter().table("help_requests").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
