//! sea-orm entities for Linli. Entities only: behaviour lives in `linli::services`,
//! and HTTP bodies never deserialize into these types.

pub mod appeal;
pub mod audit_log;
pub mod certificate;
pub mod community;
pub mod enums;
pub mod follow_up;
pub mod grid;
pub mod grid_visit;
pub mod grid_worker;
pub mod help_request;
pub mod member_balance;
pub mod member_profile;
pub mod member_qualification;
pub mod member_skill;
pub mod no_show;
pub mod notification;
pub mod outbox;
pub mod password_reset;
pub mod points_entry;
pub mod qualification_reminder;
pub mod rating_rule;
pub mod redemption;
pub mod reminder_sent;
pub mod request_event;
pub mod request_follower;
pub mod request_photo;
pub mod reward;
pub mod service_category;
pub mod service_record;
pub mod service_series;
pub mod session;
pub mod supervision_mark;
pub mod user;
pub mod visit;
pub mod visit_code;
