//! 签到 / 签退 — a check-in (start) or check-out (complete) with its proof.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "visits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    /// in | out
    pub kind: String,
    /// code | position | admin | none
    pub method: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub distance_m: Option<i32>,
    pub on_site_minutes: Option<i32>,
    pub reported_minutes: Option<i32>,
    pub hours_flagged: bool,
    pub actor_id: i64,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
