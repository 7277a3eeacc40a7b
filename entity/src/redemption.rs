//! A member's redemption of one reward: `pending` until the community hands
//! it over (`fulfilled`) or it is `cancelled` (points refunded by a new entry).
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "redemptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub reward_id: i64,
    pub member_id: i64,
    pub community_id: i64,
    pub points: i64,
    pub status: RedemptionStatus,
    pub note: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
