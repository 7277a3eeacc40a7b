//! 家电维修 (fixing a household appliance) no longer needs an electrician's
//! certificate: neighbours' everyday repairs stay open to every volunteer.
//! Wiring work does — the menu's new 电路维修 (`electrical_repair`), which
//! the start-up menu check adds with that requirement.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "UPDATE service_categories SET qualification = NULL \
                 WHERE code = 'appliance_repair' AND qualification = 'electrician_certificate'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "UPDATE service_categories SET qualification = 'electrician_certificate' \
                 WHERE code = 'appliance_repair' AND qualification IS NULL",
            )
            .await?;
        Ok(())
    }
}
