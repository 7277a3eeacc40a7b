//! Pure domain rules: no database, no HTTP. Everything here is unit- and
//! property-tested on its own.

pub mod board;
pub mod delivery;
pub mod ids;
pub mod ledger;
pub mod mask;
pub mod matching;
pub mod member;
pub mod notify;
pub mod phone;
pub mod rating_rule;
pub mod redemption;
pub mod request;
pub mod role;
pub mod scope;
pub mod sla;
pub mod stars;
pub mod stats;
pub mod values;

pub use ids::{CategoryId, CommunityId, EntryId, GridId, RecordId, RedemptionId, RequestId, RewardId, UserId};
pub use phone::Phone;
pub use role::Role;
