//! 网格 — a grid inside a community, the unit grid workers look after.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "grids")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub households: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
