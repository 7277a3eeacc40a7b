//! An account: resident, member (party member / volunteer), admin or street admin.
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub phone: String,
    pub name: String,
    pub password_hash: String,
    /// `resident` | `member` | `admin` | `street_admin` (see `linli::domain::Role`).
    pub role: Role,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    /// Preferred language for messages: `zh` or `en`.
    pub lang: Lang,
    /// For notices by mail; none = in-app only.
    pub email: Option<String>,
    /// Quiet hours (no reminders), minutes after local midnight; equal = none.
    pub quiet_start: i16,
    pub quiet_end: i16,
    /// 适老化: the large, plain layout of the web UI.
    pub elder_mode: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
