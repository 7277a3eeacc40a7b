//! 资质 (issue 13.7): some services need a qualification — a lawyer's
//! licence for 法律咨询, an electrician's certificate for 家电维修, a medical
//! licence for 医疗健康. `service_categories.qualification` names the kind a
//! category needs (null: none); `member_qualifications` holds what members
//! recorded (number, issuer, expiry date), pending until an admin of their
//! community verifies or rejects it, with a `version` every change bumps
//! (matching's cached roster is stamped with it).
//!
//! Reminders before expiry are sent once per qualification, person and
//! expiry date — `qualification_reminders` is unique on those, so two
//! sweepers agree on one, and a renewed date is reminded again.

use crate::util::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The demo menu's requirements, for databases made before this migration
/// (a new database gets them when the menu is first written).
const REQUIRED: [(&str, &str); 3] = [
    ("legal_advice", "lawyer_licence"),
    ("appliance_repair", "electrician_certificate"),
    ("health", "medical_licence"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("member_qualifications")
                .col(big_pk_auto("id"))
                .col(big_integer("member_id"))
                .col(big_integer("community_id"))
                .col(string_len("kind", 40))
                .col(string_len("number", 60))
                .col(string_len("issuer", 100))
                .col(date_null("expires_on"))
                .col(string_len_null("note", 500))
                .col(string_len("status", 20))
                .col(string_len_null("reject_reason", 200))
                .col(big_integer_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .col(integer("version").default(1))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("member_qualifications", "member_id", "users"))
                .foreign_key(&mut fk("member_qualifications", "community_id", "communities"))
                .foreign_key(&mut fk("member_qualifications", "reviewed_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "member_qualifications",
            "idx_member_qualifications_member",
            &["member_id", "kind"],
        ))
        .await?;
        m.create_index(index(
            "member_qualifications",
            "idx_member_qualifications_community",
            &["community_id", "status", "expires_on"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("qualification_reminders")
                .col(big_pk_auto("id"))
                .col(big_integer("qualification_id"))
                .col(big_integer("user_id"))
                .col(date("expires_on"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "qualification_reminders",
                    "qualification_id",
                    "member_qualifications",
                ))
                .foreign_key(&mut fk("qualification_reminders", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_qualification_reminders")
                .table("qualification_reminders")
                .col("qualification_id")
                .col("user_id")
                .col("expires_on")
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("service_categories")
                .add_column(string_len_null("qualification", 40))
                .to_owned(),
        )
        .await?;
        for (category, kind) in REQUIRED {
            m.get_connection()
                .execute_unprepared(&format!(
                    "UPDATE service_categories SET qualification = '{kind}' WHERE code = '{category}'"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("service_categories")
                .drop_column("qualification")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("qualification_reminders").to_owned())
            .await?;
        m.drop_table(Table::drop().table("member_qualifications").to_owned())
            .await
    }
}
