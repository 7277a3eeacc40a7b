//! 督查 — the sweeper found a request late at a stage (once per stage start
//! and level: the unique key makes the sweeper safe on several replicas).
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_marks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    /// `dispatch` | `accept` | `complete` | `follow_up`
    pub stage: Stage,
    /// `overdue` | `escalated`
    pub level: Level,
    pub since: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
