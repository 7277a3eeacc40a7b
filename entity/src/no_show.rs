//! 爽约 — the agreed time passed and the holder never started: recorded by
//! the resident or an admin, one row per timeline event (append-only).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "no_shows")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    /// The member who did not come.
    pub member_id: i64,
    pub community_id: i64,
    /// The `no_show` event on the request's timeline.
    #[sea_orm(unique)]
    pub event_id: i64,
    /// Who recorded it (the resident, whoever entered the request, or an admin).
    pub recorded_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
