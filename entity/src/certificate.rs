//! 志愿服务证明 — a numbered certificate of a member's verified service,
//! frozen at issue so that verifying it later shows what was certified.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub number: String,
    pub member_id: i64,
    pub community_id: i64,
    pub member_name: String,
    pub minutes: i64,
    pub services: i64,
    pub first_service: Option<Date>,
    pub last_service: Option<Date>,
    /// JSON: `[{"content": …, "minutes": …, "services": …}]`.
    pub content: String,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
