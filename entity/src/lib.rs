//! sea-orm entities for Linli. Entities only: behaviour lives in `linli::services`,
//! and HTTP bodies never deserialize into these types.

pub mod community;
pub mod grid;
pub mod help_request;
pub mod member_profile;
pub mod member_skill;
pub mod request_event;
pub mod service_category;
pub mod session;
pub mod user;
