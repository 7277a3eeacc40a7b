//! 志愿服务记录 — one row of the append-only service-hours ledger, with the
//! fields the 2021 records rule lists. Corrections are a reversal (sign −1)
//! plus a new record; nothing is updated in place.
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub member_id: i64,
    pub community_id: i64,
    pub request_id: Option<i64>,
    /// The request id on the record its close made (unique), else NULL.
    pub credit_of: Option<i64>,
    /// The request's round for that record (unique with `credit_of`).
    pub credit_round: Option<i32>,
    pub reverses_id: Option<i64>,
    /// `service` | `reversal` | `correction`
    pub kind: RecordKind,
    /// +1 for a record, −1 for a reversal.
    pub sign: i16,
    /// Credited minutes (after the rule's cap), negative on a reversal.
    pub minutes: i32,
    /// What the member reported, before the cap.
    pub reported_minutes: Option<i32>,
    pub rating: Option<i16>,
    pub category_id: Option<i64>,
    pub activity: String,
    pub service_date: Date,
    pub place: String,
    pub content: String,
    pub organiser: String,
    pub person_in_charge: String,
    pub rule_id: Option<i64>,
    pub reason: Option<String>,
    pub actor_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
