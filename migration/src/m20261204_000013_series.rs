//! 周期服务 / 结对帮扶 (issue 13.3): `service_series` is a recurring need —
//! a resident, a category, a weekly / biweekly / monthly pattern in local
//! time between two dates, and optionally the member paired with them. The
//! generator makes each occurrence's request a few days ahead;
//! `help_requests.series_id` + `occurrence_on` is unique, so each occurrence
//! exists once whatever replicas or restarts do.

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
                .table("service_series")
                .col(big_pk_auto("id"))
                .col(big_integer("community_id"))
                .col(big_integer_null("grid_id"))
                .col(big_integer("resident_id"))
                .col(big_integer("created_by"))
                .col(big_integer("category_id"))
                .col(string_len("title", 100))
                .col(string_len("description", 2000))
                .col(string_len("address", 200))
                .col(double_null("lat"))
                .col(double_null("lng"))
                .col(string_len("pattern", 20))
                .col(small_integer_null("weekday"))
                .col(small_integer_null("day_of_month"))
                .col(integer("minute_of_day"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .col(big_integer_null("member_id"))
                .col(string_len("status", 20))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("service_series", "community_id", "communities"))
                .foreign_key(&mut fk("service_series", "resident_id", "users"))
                .foreign_key(&mut fk("service_series", "created_by", "users"))
                .foreign_key(&mut fk("service_series", "category_id", "service_categories"))
                .foreign_key(&mut fk("service_series", "member_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "service_series",
            "idx_service_series_status",
            &["status", "community_id"],
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(big_integer_null("series_id"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(date_null("occurrence_on"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_help_requests_occurrence")
                .table("help_requests")
                .col("series_id")
                .col("occurrence_on")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("uq_help_requests_occurrence")
                .table("help_requests")
                .to_owned(),
        )
        .await?;
        for col in ["occurrence_on", "series_id"] {
            m.alter_table(Table::alter().table("help_requests").drop_column(col).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table("service_series").to_owned()).await
    }
}
