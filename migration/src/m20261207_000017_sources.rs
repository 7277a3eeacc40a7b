//! Where a request came in (issue 17): `help_requests.source` (来源: the
//! resident's app, 代下单 by an admin, a phone call, a walk-in, a 12345
//! hotline work order, Open311) and `external_ref` (the work order's number
//! in the system it came from). One order number is one request per
//! community and source: the unique index makes re-importing a file safe.

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
                .table("help_requests")
                .add_column(string_len("source", 20).default("app"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(string_len_null("external_ref", 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_help_requests_external_ref")
                .table("help_requests")
                .col("community_id")
                .col("source")
                .col("external_ref")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("uq_help_requests_external_ref")
                .table("help_requests")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .drop_column("external_ref")
                .to_owned(),
        )
        .await?;
        m.alter_table(Table::alter().table("help_requests").drop_column("source").to_owned())
            .await
    }
}
