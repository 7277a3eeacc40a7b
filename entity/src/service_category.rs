//! 服务清单 — one entry of the service menu residents order from.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_categories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub group_name: String,
    /// Points multiplier in percent (100 = ×1.0); used by the points ledger.
    pub points_multiplier_pct: i32,
    /// Hours from posting until the request is due (supervision deadline).
    pub sla_hours: i32,
    pub sort_order: i32,
    /// 督查: hours to dispatch a new request, and to accept a dispatched one.
    pub dispatch_hours: i32,
    pub accept_hours: i32,
    pub active: bool,
    /// 资质: the qualification kind a member needs to serve it, if any.
    pub qualification: Option<crate::enums::QualificationKind>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
