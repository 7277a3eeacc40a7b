//! 家人代下单 (issue 17.1): a resident lets a family member order for them.
//! `consent_codes` holds one short-lived code per person (they read it to
//! the family member; five wrong tries void it); `family_links` says who may
//! order for whom, once the code was given.

use crate::util::fk;
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
                .table("consent_codes")
                .col(big_integer("user_id").primary_key())
                .col(string_len("code", 12))
                .col(small_integer("attempts").default(0))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk("consent_codes", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("family_links")
                .col(big_integer("user_id"))
                .col(big_integer("relative_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("user_id").col("relative_id"))
                .foreign_key(&mut fk("family_links", "user_id", "users"))
                .foreign_key(&mut fk("family_links", "relative_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(crate::util::index(
            "family_links",
            "idx_family_links_relative",
            &["relative_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("family_links").to_owned()).await?;
        m.drop_table(Table::drop().table("consent_codes").to_owned()).await
    }
}
