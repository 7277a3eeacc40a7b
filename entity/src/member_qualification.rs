//! 资质 — a qualification a member recorded (licence or certificate), pending
//! until an admin of their community verifies or rejects it.
use crate::enums::{QualificationKind, QualificationStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_qualifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member's user id.
    pub member_id: i64,
    /// The member's community when recorded (whose admins review it).
    pub community_id: i64,
    pub kind: QualificationKind,
    /// 证书编号
    pub number: String,
    /// 发证机关
    pub issuer: String,
    /// 有效期至 (inclusive); none for kinds without an expiry.
    pub expires_on: Option<Date>,
    pub note: Option<String>,
    pub status: QualificationStatus,
    /// Why it was rejected (shown to the member).
    pub reject_reason: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// Bumped by every change (matching's roster stamp).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
