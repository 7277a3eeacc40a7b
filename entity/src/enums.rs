//! Every state and kind the schema stores, as string-backed enums: a value
//! the code does not know fails to load (a logged internal error), it is
//! never quietly taken for another. `linli::store` maps each one to the
//! domain's own enum of the same variants (exhaustive both ways).

use sea_orm::entity::prelude::*;

/// The request's state (see `linli::domain::request::Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RequestStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "dispatched")]
    Dispatched,
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "accepted")]
    Accepted,
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "reviewed")]
    Reviewed,
    #[sea_orm(string_value = "closed")]
    Closed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// How soon the resident needs help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Urgency {
    #[sea_orm(string_value = "normal")]
    Normal,
    #[sea_orm(string_value = "urgent")]
    Urgent,
}

/// What a timeline row records: creation, then each action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EventStep {
    #[sea_orm(string_value = "create")]
    Create,
    #[sea_orm(string_value = "dispatch")]
    Dispatch,
    #[sea_orm(string_value = "publish")]
    Publish,
    #[sea_orm(string_value = "accept")]
    Accept,
    #[sea_orm(string_value = "claim")]
    Claim,
    #[sea_orm(string_value = "decline")]
    Decline,
    #[sea_orm(string_value = "start")]
    Start,
    #[sea_orm(string_value = "complete")]
    Complete,
    #[sea_orm(string_value = "review")]
    Review,
    #[sea_orm(string_value = "verify")]
    Verify,
    #[sea_orm(string_value = "cancel")]
    Cancel,
    #[sea_orm(string_value = "reopen")]
    Reopen,
    #[sea_orm(string_value = "repool")]
    Repool,
    #[sea_orm(string_value = "reclaim")]
    Reclaim,
    #[sea_orm(string_value = "withdraw")]
    Withdraw,
    #[sea_orm(string_value = "no_show")]
    NoShow,
    #[sea_orm(string_value = "dispute")]
    Dispute,
    #[sea_orm(string_value = "redo")]
    Redo,
    #[sea_orm(string_value = "settle")]
    Settle,
    #[sea_orm(string_value = "rework")]
    Rework,
    #[sea_orm(string_value = "merge")]
    Merge,
}

/// Account role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Role {
    #[sea_orm(string_value = "resident")]
    Resident,
    #[sea_orm(string_value = "member")]
    Member,
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "street_admin")]
    StreetAdmin,
    #[sea_orm(string_value = "grid_worker")]
    GridWorker,
}

/// Language of notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Lang {
    #[sea_orm(string_value = "zh")]
    Zh,
    #[sea_orm(string_value = "en")]
    En,
}

/// 党员 or 志愿者.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MemberKind {
    #[sea_orm(string_value = "party_member")]
    PartyMember,
    #[sea_orm(string_value = "volunteer")]
    Volunteer,
}

/// 报到 review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum MemberStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "suspended")]
    Suspended,
}

/// How an outbox message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Channel {
    #[sea_orm(string_value = "mail")]
    Mail,
}

/// Where an outbox message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DeliveryStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "dead")]
    Dead,
}

/// Kind of points entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum EntryKind {
    #[sea_orm(string_value = "service")]
    Service,
    #[sea_orm(string_value = "award")]
    Award,
    #[sea_orm(string_value = "deduction")]
    Deduction,
    #[sea_orm(string_value = "void")]
    Void,
    #[sea_orm(string_value = "correction")]
    Correction,
    #[sea_orm(string_value = "redemption")]
    Redemption,
    #[sea_orm(string_value = "refund")]
    Refund,
}

/// Kind of service record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RecordKind {
    #[sea_orm(string_value = "service")]
    Service,
    #[sea_orm(string_value = "reversal")]
    Reversal,
    #[sea_orm(string_value = "correction")]
    Correction,
}

/// 爱心超市 redemption state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RedemptionStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "fulfilled")]
    Fulfilled,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// 督查 stage of a late request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Stage {
    #[sea_orm(string_value = "dispatch")]
    Dispatch,
    #[sea_orm(string_value = "accept")]
    Accept,
    #[sea_orm(string_value = "complete")]
    Complete,
    #[sea_orm(string_value = "follow_up")]
    FollowUp,
    #[sea_orm(string_value = "review")]
    Review,
    #[sea_orm(string_value = "verify")]
    Verify,
}

/// How late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Level {
    #[sea_orm(string_value = "at_risk")]
    AtRisk,
    #[sea_orm(string_value = "overdue")]
    Overdue,
    #[sea_orm(string_value = "escalated")]
    Escalated,
}

/// 回访 by phone or visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum FollowUpMethod {
    #[sea_orm(string_value = "call")]
    Call,
    #[sea_orm(string_value = "visit")]
    Visit,
}

/// 资质类别 (see `linli::domain::qualification::QualificationKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum QualificationKind {
    #[sea_orm(string_value = "lawyer_licence")]
    LawyerLicence,
    #[sea_orm(string_value = "electrician_certificate")]
    ElectricianCertificate,
    #[sea_orm(string_value = "medical_licence")]
    MedicalLicence,
    #[sea_orm(string_value = "nurse_licence")]
    NurseLicence,
    #[sea_orm(string_value = "counselor_certificate")]
    CounselorCertificate,
}

/// 资质审核 state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum QualificationStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "verified")]
    Verified,
    #[sea_orm(string_value = "rejected")]
    Rejected,
}
