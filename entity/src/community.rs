//! 社区 — a residential community, inside a street (街道) and a district.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "communities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// 街道 — the sub-district; street admins act across all communities of one street.
    pub street: String,
    pub district: String,
    pub created_at: DateTimeUtc,
    /// JSON matching weights for this community; `None` = the defaults.
    pub matching_weights: Option<String>,
    /// The community's service phone (打电话给社区).
    pub phone: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
