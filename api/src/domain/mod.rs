//! Pure domain rules: no database, no HTTP. Everything here is unit- and
//! property-tested on its own.

/// A fieldless enum that is stored and sent as its snake_case name
/// (`in_progress`): serde and strum agree on the words, `as_str` gives
/// them, `iter()` lists the variants.
macro_rules! code_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize,
            strum::EnumString, strum::IntoStaticStr, strum::EnumIter,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
}

pub mod appeal;
pub mod board;
pub mod check;
pub mod check_in;
pub mod delivery;
pub mod ids;
pub mod ledger;
pub mod mask;
pub mod matching;
pub mod member;
pub mod notify;
pub mod password;
pub mod phone;
pub mod photo;
pub mod qualification;
pub mod rating_rule;
pub mod redemption;
pub mod reminder;
pub mod request;
pub mod role;
pub mod scope;
pub mod series;
pub mod similarity;
pub mod sla;
pub mod source;
pub mod stars;
pub mod stats;
pub mod throttle;
pub mod values;

pub use ids::{
    CategoryId, CommunityId, EntryId, GridId, QualificationId, RecordId, RedemptionId, RequestId, RewardId, UserId,
};
pub use phone::Phone;
pub use role::Role;
