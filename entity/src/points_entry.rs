//! One row of the append-only points ledger (积分).
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "points_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub member_id: i64,
    pub community_id: i64,
    /// `service` | `award` | `deduction` | `void` | `correction` | `redemption` | `refund`
    pub kind: EntryKind,
    /// Signed: spending and deductions are negative.
    pub points: i64,
    /// Counts on honor boards (all but `redemption` and `refund`).
    pub earned: bool,
    pub request_id: Option<i64>,
    /// The request id on the entry its close made (unique), else NULL.
    pub credit_of: Option<i64>,
    /// The request's round for that entry (unique with `credit_of`).
    pub credit_round: Option<i32>,
    pub record_id: Option<i64>,
    pub redemption_id: Option<i64>,
    pub reverses_id: Option<i64>,
    /// The local date the entry counts for on boards and statements.
    pub occurred_on: Date,
    pub reason: Option<String>,
    pub actor_id: i64,
    pub rule_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
