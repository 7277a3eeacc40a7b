//! One version of a community's rating rule (star thresholds, points per
//! hour, caps, multipliers…). A change adds a version; credits keep the id of
//! the version they were made under.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rating_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub version: i32,
    /// JSON of `linli::domain::rating_rule::RatingRule`.
    pub rule: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
