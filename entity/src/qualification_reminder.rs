//! A reminder that a qualification expires soon, sent once per
//! qualification, person and expiry date (unique), however many sweepers run.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "qualification_reminders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub qualification_id: i64,
    pub user_id: i64,
    pub expires_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
