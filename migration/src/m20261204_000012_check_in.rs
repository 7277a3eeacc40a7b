//! 签到 / 签退 (issue 13.4): `visits` records each check-in (when the
//! member starts) and check-out (when they complete) with its proof — the
//! resident's one-time code, a position near the request's, an admin's
//! confirmation, or none — and, on check-out, the minutes on site against
//! those reported (`hours_flagged` when more were reported than spent plus
//! the community's tolerance). Rows are appended, never edited: an admin's
//! later confirmation is a row of its own.
//! `visit_codes`: the resident's one-time 4-digit codes, one for check-in
//! (made when the request is accepted or claimed) and one for check-out
//! (made at the start); used once, replaced after five wrong tries.

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
                .table("visits")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(string_len("kind", 10))
                .col(string_len("method", 20))
                .col(double_null("lat"))
                .col(double_null("lng"))
                .col(integer_null("distance_m"))
                .col(integer_null("on_site_minutes"))
                .col(integer_null("reported_minutes"))
                .col(boolean("hours_flagged").default(false))
                .col(big_integer("actor_id"))
                .col(string_len_null("note", 500))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("visits", "request_id", "help_requests"))
                .foreign_key(&mut fk("visits", "actor_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("visits", "idx_visits_request", &["request_id", "kind"]))
            .await?;
        m.create_table(
            Table::create()
                .table("visit_codes")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(string_len("kind", 10))
                .col(string_len("code", 8))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("visit_codes", "request_id", "help_requests"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("visit_codes", "idx_visit_codes_request", &["request_id", "kind"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("visit_codes").to_owned()).await?;
        m.drop_table(Table::drop().table("visits").to_owned()).await
    }
}
