//! Hot paths (issue 16): `help_requests.entered_by` gets an index, so that
//! "what this person may see" (posted by, posted for, held by, or open in
//! their community's task hall) is a union of index lookups on both
//! databases instead of a scan of every request.

use crate::util::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("help_requests", "idx_help_requests_entered_by", &["entered_by"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_help_requests_entered_by")
                .table("help_requests")
                .to_owned(),
        )
        .await
    }
}
