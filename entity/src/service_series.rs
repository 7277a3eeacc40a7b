//! 周期服务 / 结对帮扶 — a recurring need and, optionally, the member paired with it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service_series")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub resident_id: i64,
    pub created_by: i64,
    pub category_id: i64,
    pub title: String,
    pub description: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// weekly | biweekly | monthly
    pub pattern: String,
    /// 1 (Monday) – 7, for weekly and biweekly.
    pub weekday: Option<i16>,
    /// 1 – 31 (a shorter month uses its last day), for monthly.
    pub day_of_month: Option<i16>,
    /// Local time of day, minutes after midnight.
    pub minute_of_day: i32,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    /// The paired member (结对); occurrences are dispatched to them.
    pub member_id: Option<i64>,
    /// active | paused | ended
    pub status: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
