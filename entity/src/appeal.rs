//! 争议与申诉 — a resident's dispute of a completion, a member's appeal of a
//! rating or a deduction, and an admin's ruling. One per subject
//! (`kind`, `subject_id` unique); the ruling's effects are new ledger rows
//! or transitions, never edits.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// completion | rating | deduction
    pub kind: String,
    /// The `complete` event, the service record or the points entry appealed.
    pub subject_id: i64,
    pub request_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub record_id: Option<i64>,
    pub appellant_id: i64,
    /// The other party (the member for a dispute, the resident or the admin for an appeal).
    pub respondent_id: Option<i64>,
    pub reason: String,
    /// open | upheld | overturned | partial
    pub status: String,
    pub ruled_minutes: Option<i32>,
    pub ruled_stars: Option<i16>,
    pub ruled_points: Option<i64>,
    pub ruling: Option<String>,
    pub ruled_by: Option<i64>,
    pub ruled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
