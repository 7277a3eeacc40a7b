//! Service hours, points and what they buy: per-community rating rules
//! (versioned), the append-only service-record and points ledgers with each
//! member's running balance, the 爱心超市 (rewards and redemptions), service
//! certificates, the admins' audit log, and members' consent to appear by
//! name on honor boards.

use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn unique(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = index(table, name, cols);
    idx.unique();
    idx
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rating_rules")
                .col(big_pk_auto("id"))
                .col(big_integer("community_id"))
                // 1, 2, 3… per community; a change is a new row.
                .col(integer("version"))
                // The rule as JSON (see `linli::domain::rating_rule`).
                .col(text("rule"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("rating_rules", "community_id", "communities"))
                .foreign_key(&mut fk("rating_rules", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "rating_rules",
            "uq_rating_rules_community_version",
            &["community_id", "version"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("service_records")
                .col(big_pk_auto("id"))
                .col(big_integer("member_id"))
                .col(big_integer("community_id"))
                .col(big_integer_null("request_id"))
                // The request id on the one record its close made, NULL on every
                // other row: the unique index lets a request credit once.
                .col(big_integer_null("credit_of"))
                .col(big_integer_null("reverses_id"))
                // `service` | `reversal` | `correction`
                .col(string_len("kind", 20))
                // +1 for a record, −1 for the reversal of one: sums give the
                // number of services, hours and ratings net of corrections.
                .col(small_integer("sign"))
                .col(integer("minutes"))
                .col(integer_null("reported_minutes"))
                .col(small_integer_null("rating"))
                .col(big_integer_null("category_id"))
                .col(string_len("activity", 200))
                .col(date("service_date"))
                .col(string_len("place", 300))
                .col(text("content"))
                .col(string_len("organiser", 100))
                .col(string_len("person_in_charge", 100))
                .col(big_integer_null("rule_id"))
                .col(text_null("reason"))
                .col(big_integer("actor_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("service_records", "member_id", "users"))
                .foreign_key(&mut fk("service_records", "community_id", "communities"))
                .foreign_key(&mut fk("service_records", "request_id", "help_requests"))
                .foreign_key(&mut fk("service_records", "credit_of", "help_requests"))
                .foreign_key(&mut fk("service_records", "reverses_id", "service_records"))
                .foreign_key(&mut fk("service_records", "category_id", "service_categories"))
                .foreign_key(&mut fk("service_records", "rule_id", "rating_rules"))
                .foreign_key(&mut fk("service_records", "actor_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "service_records",
            "uq_service_records_credit_of",
            &["credit_of"],
        ))
        .await?;
        // A record is reversed at most once (two corrections at once: one wins).
        m.create_index(unique(
            "service_records",
            "uq_service_records_reverses",
            &["reverses_id"],
        ))
        .await?;
        m.create_index(index(
            "service_records",
            "idx_service_records_member_date",
            &["member_id", "service_date"],
        ))
        .await?;
        m.create_index(index(
            "service_records",
            "idx_service_records_community_date",
            &["community_id", "service_date", "member_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("rewards")
                .col(big_pk_auto("id"))
                .col(big_integer("community_id"))
                .col(string_len("name", 100))
                .col(text("description"))
                .col(big_integer("points_price"))
                .col(integer("stock"))
                .col(boolean("active").default(true))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("rewards", "community_id", "communities"))
                .foreign_key(&mut fk("rewards", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("rewards", "idx_rewards_community", &["community_id", "active"]))
            .await?;
        m.create_table(
            Table::create()
                .table("redemptions")
                .col(big_pk_auto("id"))
                .col(big_integer("reward_id"))
                .col(big_integer("member_id"))
                .col(big_integer("community_id"))
                .col(big_integer("points"))
                // `pending` | `fulfilled` | `cancelled`
                .col(string_len("status", 20))
                .col(text_null("note"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("redemptions", "reward_id", "rewards"))
                .foreign_key(&mut fk("redemptions", "member_id", "users"))
                .foreign_key(&mut fk("redemptions", "community_id", "communities"))
                .foreign_key(&mut fk("redemptions", "decided_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "redemptions",
            "idx_redemptions_community_status",
            &["community_id", "status"],
        ))
        .await?;
        m.create_index(index("redemptions", "idx_redemptions_member", &["member_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("points_entries")
                .col(big_pk_auto("id"))
                .col(big_integer("member_id"))
                .col(big_integer("community_id"))
                // `service` | `award` | `deduction` | `void` | `correction` | `redemption` | `refund`
                .col(string_len("kind", 20))
                .col(big_integer("points"))
                // Counts on honor boards (everything but spending and refunds).
                .col(boolean("earned"))
                .col(big_integer_null("request_id"))
                // As on service_records: set on a close's own entry only.
                .col(big_integer_null("credit_of"))
                .col(big_integer_null("record_id"))
                .col(big_integer_null("redemption_id"))
                .col(big_integer_null("reverses_id"))
                .col(date("occurred_on"))
                .col(text_null("reason"))
                .col(big_integer("actor_id"))
                .col(big_integer_null("rule_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("points_entries", "member_id", "users"))
                .foreign_key(&mut fk("points_entries", "community_id", "communities"))
                .foreign_key(&mut fk("points_entries", "request_id", "help_requests"))
                .foreign_key(&mut fk("points_entries", "credit_of", "help_requests"))
                .foreign_key(&mut fk("points_entries", "record_id", "service_records"))
                .foreign_key(&mut fk("points_entries", "redemption_id", "redemptions"))
                .foreign_key(&mut fk("points_entries", "reverses_id", "points_entries"))
                .foreign_key(&mut fk("points_entries", "actor_id", "users"))
                .foreign_key(&mut fk("points_entries", "rule_id", "rating_rules"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("points_entries", "uq_points_entries_credit_of", &["credit_of"]))
            .await?;
        // A redemption spends once and is refunded at most once.
        m.create_index(unique(
            "points_entries",
            "uq_points_entries_redemption_kind",
            &["redemption_id", "kind"],
        ))
        .await?;
        // An entry is voided (or otherwise reversed) at most once per kind.
        m.create_index(unique(
            "points_entries",
            "uq_points_entries_reverses_kind",
            &["reverses_id", "kind"],
        ))
        .await?;
        m.create_index(index(
            "points_entries",
            "idx_points_entries_member",
            &["member_id", "id"],
        ))
        .await?;
        m.create_index(index("points_entries", "idx_points_entries_request", &["request_id"]))
            .await?;
        // Honor boards' SQL path: a covering index over one community's period.
        m.create_index(index(
            "points_entries",
            "idx_points_entries_board",
            &["community_id", "occurred_on", "earned", "member_id", "points"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("member_balances")
                // Running totals of the two ledgers, written in the same
                // transaction as every entry; the entries stay the truth.
                .col(big_integer("member_id").primary_key())
                .col(big_integer("points").default(0))
                .col(big_integer("minutes").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("member_balances", "member_id", "users"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("certificates")
                .col(big_pk_auto("id"))
                .col(string_len("number", 32))
                .col(big_integer("member_id"))
                .col(big_integer("community_id"))
                .col(string_len("member_name", 100))
                .col(big_integer("minutes"))
                .col(big_integer("services"))
                .col(date_null("first_service"))
                .col(date_null("last_service"))
                // What the services were: JSON lines of content, minutes, count.
                .col(text("content"))
                .col(timestamp_with_time_zone("issued_at"))
                .foreign_key(&mut fk("certificates", "member_id", "users"))
                .foreign_key(&mut fk("certificates", "community_id", "communities"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("certificates", "uq_certificates_number", &["number"]))
            .await?;
        m.create_index(index("certificates", "idx_certificates_member", &["member_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(big_integer("actor_id"))
                .col(big_integer_null("community_id"))
                .col(string_len("action", 50))
                .col(string_len("target_type", 30))
                .col(big_integer_null("target_id"))
                .col(text("detail"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("audit_log", "actor_id", "users"))
                .foreign_key(&mut fk("audit_log", "community_id", "communities"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", "idx_audit_log_community", &["community_id", "id"]))
            .await?;

        m.alter_table(
            Table::alter()
                .table("member_profiles")
                .add_column(boolean("publish_consent").default(false))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("member_profiles")
                .drop_column("publish_consent")
                .to_owned(),
        )
        .await?;
        for t in [
            "audit_log",
            "certificates",
            "member_balances",
            "points_entries",
            "redemptions",
            "rewards",
            "service_records",
            "rating_rules",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
