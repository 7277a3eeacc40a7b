//! What the web UI of issue 14 needs from the database:
//! - `users.elder_mode`: 适老化 — the large, plain layout, remembered per person;
//! - `communities.phone`: the community's service phone (打电话给社区);
//! - `request_photos`: photos of a request (EXIF stripped before they are
//!   stored), in the database so every replica serves them;
//! - `password_resets`: one-time links to set a new password (only the
//!   token's digest is kept), used at most once, expiring.

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
                .table("users")
                .add_column(boolean("elder_mode").default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("communities")
                .add_column(string_len_null("phone", 30))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("request_photos")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(big_integer("uploaded_by"))
                .col(string_len("content_type", 40))
                .col(integer("size"))
                .col(blob("bytes"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("request_photos", "request_id", "help_requests"))
                .foreign_key(&mut fk("request_photos", "uploaded_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("request_photos", "idx_request_photos_request", &["request_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("password_resets")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("password_resets", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("password_resets", "idx_password_resets_user", &["user_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("password_resets").to_owned()).await?;
        m.drop_table(Table::drop().table("request_photos").to_owned()).await?;
        m.alter_table(Table::alter().table("users").drop_column("elder_mode").to_owned())
            .await?;
        m.alter_table(Table::alter().table("communities").drop_column("phone").to_owned())
            .await?;
        Ok(())
    }
}
