//! 报到 — a party member or volunteer registered at their residential community.
//! Keyed by the member's user id, the same id a request's `assignee_id` holds.
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "member_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    /// `party_member` (党员) | `volunteer` (志愿者).
    pub kind: MemberKind,
    /// `pending` → `active` (approved) → `suspended`.
    pub status: MemberStatus,
    /// 工作单位 — for in-service party members (在职党员).
    pub employer: Option<String>,
    /// 所在党支部.
    pub party_branch: Option<String>,
    /// 认领岗位 — JSON array of strings.
    pub preferred_posts: String,
    /// JSON array of `{weekday, start, end}` windows in community local time.
    pub availability: String,
    /// How many requests they may hold at once (dispatched, accepted, in progress).
    pub max_active: i32,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// Why it was suspended (or any note from the last review).
    pub status_note: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// Bumped by every change (matching caches the roster by it).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Agreed to appear by name on honor boards (光荣榜); otherwise masked (PIPL art. 25).
    pub publish_consent: bool,
    /// Repeated no-shows (爽约) flagged the member for the admins' review;
    /// cleared by an admin.
    pub flagged_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}
