//! A service request (群众点单) posted by or for a resident. Called `HelpRequest`
//! in Rust because actix already has `ServiceRequest`.
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "help_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    /// The resident the service is for.
    pub resident_id: i64,
    /// Who typed it in: the resident, or a grid worker / family member on their behalf.
    pub entered_by: i64,
    pub category_id: i64,
    pub title: String,
    pub description: String,
    pub address: String,
    pub contact_phone: String,
    pub preferred_time: Option<DateTimeUtc>,
    /// `normal` | `urgent`.
    pub urgency: Urgency,
    /// See `linli::domain::request::Status`.
    pub status: RequestStatus,
    pub assignee_id: Option<i64>,
    pub due_at: Option<DateTimeUtc>,
    /// Verified service time in minutes, travel excluded.
    pub service_minutes: Option<i32>,
    pub summary: Option<String>,
    /// 1–5 stars from the resident.
    pub rating: Option<i16>,
    pub review_comment: Option<String>,
    /// Bumped by every transition; transitions are `UPDATE … WHERE version = ?`.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// Where the service is, when the resident shared it (WGS-84 degrees).
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// When the current holder got it (dispatch or claim); feeds fairness.
    pub assigned_at: Option<DateTimeUtc>,
    /// 1, then 2… after each reopening by a dissatisfied follow-up (回访).
    pub round: i32,
    /// A resident disputes the reported completion; `verify` waits for the ruling.
    pub disputed: bool,
    /// At posting: the earlier request that looked the same (疑似重复).
    pub similar_to: Option<i64>,
    /// Merged into this request (the duplicate is cancelled as merged).
    pub merged_into: Option<i64>,
    /// An occurrence of this recurring need (周期服务).
    pub series_id: Option<i64>,
    /// The local date of that occurrence (unique per series).
    pub occurrence_on: Option<Date>,
    /// 来源: `app`, `proxy` (代下单), `phone`, `walk_in`, `hotline` (12345), `open311`.
    pub source: String,
    /// The work order's number where it came from (12345), unique per community and source.
    pub external_ref: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
