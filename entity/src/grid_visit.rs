//! 走访 — a grid worker's visit to a household: when, what was said, the
//! needs found and, when one was posted, the request it became.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grid_visits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub grid_id: i64,
    pub worker_id: i64,
    /// The resident visited, when they have an account.
    pub resident_id: Option<i64>,
    /// The household: an address or a name, as the worker writes it.
    pub household: String,
    pub visited_on: Date,
    pub note: String,
    /// 需求: what the household needs, in words (empty: nothing found).
    pub needs: String,
    /// The request posted for a need found on this visit.
    pub request_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
