//! 报到 and matching: member profiles with their skills, per-community
//! matching weights, and the request facts the matching engine scores on
//! (location, when it was last assigned).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: &'static str, col: &'static str, to: &'static str, to_col: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(from, col)
        .to(to, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("member_profiles")
                // One profile per account: the member is addressed by their user id,
                // the same id a request's `assignee_id` holds.
                .col(big_integer("user_id").primary_key())
                .col(big_integer("community_id"))
                .col(big_integer_null("grid_id"))
                .col(string_len("kind", 20))
                .col(string_len("status", 20))
                .col(string_len_null("employer", 100))
                .col(string_len_null("party_branch", 100))
                .col(text("preferred_posts"))
                .col(text("availability"))
                .col(integer("max_active"))
                .col(double_null("lat"))
                .col(double_null("lng"))
                .col(text_null("status_note"))
                .col(big_integer_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                // Bumped by every change: matching's cache checks it.
                .col(integer("version").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("member_profiles", "user_id", "users", "id"))
                .foreign_key(&mut fk("member_profiles", "community_id", "communities", "id"))
                .foreign_key(&mut fk("member_profiles", "grid_id", "grids", "id"))
                .foreign_key(&mut fk("member_profiles", "reviewed_by", "users", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_member_profiles_community_status")
                .table("member_profiles")
                .col("community_id")
                .col("status")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("member_skills")
                .col(big_integer("user_id"))
                .col(big_integer("category_id"))
                .primary_key(Index::create().col("user_id").col("category_id"))
                .foreign_key(&mut fk("member_skills", "user_id", "member_profiles", "user_id"))
                .foreign_key(&mut fk("member_skills", "category_id", "service_categories", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_member_skills_category")
                .table("member_skills")
                .col("category_id")
                .to_owned(),
        )
        .await?;
        // Members made before 报到 existed keep serving: each gets an approved
        // volunteer profile with defaults (plain SQL, the same on both backends).
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO member_profiles (user_id, community_id, grid_id, kind, status, preferred_posts, \
                 availability, max_active, version, created_at, updated_at) \
                 SELECT id, community_id, grid_id, 'volunteer', 'active', '[]', '[]', 3, 0, created_at, updated_at \
                 FROM users WHERE role = 'member'",
            )
            .await?;
        // SQLite takes one ALTER per statement.
        m.alter_table(
            Table::alter()
                .table("communities")
                .add_column(text_null("matching_weights"))
                .to_owned(),
        )
        .await?;
        for col in [double_null("lat"), double_null("lng")] {
            m.alter_table(Table::alter().table("help_requests").add_column(col).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("help_requests")
                .add_column(timestamp_with_time_zone_null("assigned_at"))
                .to_owned(),
        )
        .await?;
        // Matching reads every member's standing by assignee within a
        // community, and checks its cached copies by (count, sum of version):
        // covering indexes keep those checks to an index scan.
        for (table, name, cols) in [
            (
                "help_requests",
                "idx_help_requests_community_assignee",
                ["community_id", "assignee_id"],
            ),
            (
                "help_requests",
                "idx_help_requests_community_version",
                ["community_id", "version"],
            ),
            (
                "member_profiles",
                "idx_member_profiles_community_version",
                ["community_id", "version"],
            ),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(table);
            for c in cols {
                idx.col(c);
            }
            m.create_index(idx.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("help_requests", "idx_help_requests_community_assignee"),
            ("help_requests", "idx_help_requests_community_version"),
            ("member_profiles", "idx_member_profiles_community_version"),
        ] {
            m.drop_index(Index::drop().name(name).table(table).to_owned()).await?;
        }
        for col in ["assigned_at", "lng", "lat"] {
            m.alter_table(Table::alter().table("help_requests").drop_column(col).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("communities")
                .drop_column("matching_weights")
                .to_owned(),
        )
        .await?;
        for t in ["member_skills", "member_profiles"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
