//! The core loop: communities, grids, accounts, sessions, the service menu,
//! service requests and their timeline.

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
                .table("communities")
                .col(big_pk_auto("id"))
                .col(string_len("name", 100))
                .col(string_len("street", 100))
                .col(string_len("district", 100))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("grids")
                .col(big_pk_auto("id"))
                .col(big_integer("community_id"))
                .col(string_len("name", 100))
                .col(integer("households").default(0))
                .foreign_key(&mut fk("grids", "community_id", "communities"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("phone", 20))
                .col(string_len("name", 50))
                .col(string_len("password_hash", 200))
                .col(string_len("role", 20))
                .col(big_integer("community_id"))
                .col(big_integer_null("grid_id"))
                .col(string_len("lang", 8).default("zh"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("users", "community_id", "communities"))
                .foreign_key(&mut fk("users", "grid_id", "grids"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("users", "idx_users_community_role", &["community_id", "role"]))
            .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(string_len("token_hash", 64).primary_key())
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    &mut fk("sessions", "user_id", "users")
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", "idx_sessions_user", &["user_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("service_categories")
                .col(big_pk_auto("id"))
                .col(string_len_uniq("code", 40))
                .col(string_len("name_zh", 50))
                .col(string_len("name_en", 80))
                .col(string_len("group_name", 50))
                .col(integer("points_multiplier_pct").default(100))
                .col(integer("sla_hours").default(72))
                .col(integer("sort_order").default(0))
                .col(boolean("active").default(true))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("help_requests")
                .col(big_pk_auto("id"))
                .col(big_integer("community_id"))
                .col(big_integer_null("grid_id"))
                .col(big_integer("resident_id"))
                .col(big_integer("entered_by"))
                .col(big_integer("category_id"))
                .col(string_len("title", 100))
                .col(text("description"))
                .col(string_len("address", 200))
                .col(string_len("contact_phone", 20))
                .col(timestamp_with_time_zone_null("preferred_time"))
                .col(string_len("urgency", 10))
                .col(string_len("status", 20))
                .col(big_integer_null("assignee_id"))
                .col(timestamp_with_time_zone_null("due_at"))
                .col(integer_null("service_minutes"))
                .col(text_null("summary"))
                .col(small_integer_null("rating"))
                .col(text_null("review_comment"))
                .col(integer("version").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .foreign_key(&mut fk("help_requests", "community_id", "communities"))
                .foreign_key(&mut fk("help_requests", "grid_id", "grids"))
                .foreign_key(&mut fk("help_requests", "resident_id", "users"))
                .foreign_key(&mut fk("help_requests", "entered_by", "users"))
                .foreign_key(&mut fk("help_requests", "category_id", "service_categories"))
                .foreign_key(&mut fk("help_requests", "assignee_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "help_requests",
            "idx_help_requests_community_status",
            &["community_id", "status", "id"],
        ))
        .await?;
        m.create_index(index(
            "help_requests",
            "idx_help_requests_assignee",
            &["assignee_id", "status"],
        ))
        .await?;
        m.create_index(index("help_requests", "idx_help_requests_resident", &["resident_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("request_events")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(big_integer("actor_id"))
                .col(string_len("action", 20))
                .col(string_len_null("from_status", 20))
                .col(string_len("to_status", 20))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("request_events", "request_id", "help_requests"))
                .foreign_key(&mut fk("request_events", "actor_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "request_events",
            "idx_request_events_request",
            &["request_id", "id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "request_events",
            "help_requests",
            "service_categories",
            "sessions",
            "users",
            "grids",
            "communities",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
