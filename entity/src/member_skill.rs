//! A skill of a member: one entry of the service menu they can serve.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_skills")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::member_profile::Entity",
        from = "Column::UserId",
        to = "super::member_profile::Column::UserId"
    )]
    Profile,
}

impl ActiveModelBehavior for ActiveModel {}
