//! 网格员 (issue 17.1): `grid_workers` says which grids each grid worker
//! looks after (one or more of their community's); `grid_visits` is their
//! 走访 log — a household visited on a date, what was said, the needs
//! found and, when one was posted, the request it became.

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
                .table("grid_workers")
                .col(big_integer("user_id"))
                .col(big_integer("grid_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("user_id").col("grid_id"))
                .foreign_key(&mut fk("grid_workers", "user_id", "users"))
                .foreign_key(&mut fk("grid_workers", "grid_id", "grids"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("grid_workers", "idx_grid_workers_grid", &["grid_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("grid_visits")
                .col(big_pk_auto("id"))
                .col(big_integer("community_id"))
                .col(big_integer("grid_id"))
                .col(big_integer("worker_id"))
                .col(big_integer_null("resident_id"))
                .col(string_len("household", 200))
                .col(date("visited_on"))
                .col(string_len("note", 2000))
                .col(string_len("needs", 500))
                .col(big_integer_null("request_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("grid_visits", "community_id", "communities"))
                .foreign_key(&mut fk("grid_visits", "grid_id", "grids"))
                .foreign_key(&mut fk("grid_visits", "worker_id", "users"))
                .foreign_key(&mut fk("grid_visits", "resident_id", "users"))
                .foreign_key(&mut fk("grid_visits", "request_id", "help_requests"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("grid_visits", "idx_grid_visits_grid", &["grid_id", "visited_on"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("grid_visits").to_owned()).await?;
        m.drop_table(Table::drop().table("grid_workers").to_owned()).await
    }
}
