//! Typed ids: a request id cannot be passed where a user id is expected.
//! Serialised as the bare number, so the JSON API is unchanged.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                $name(v)
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> i64 {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An account: resident, member, admin or street admin.
    UserId
);
id_type!(
    /// 社区
    CommunityId
);
id_type!(
    /// 网格
    GridId
);
id_type!(
    /// A service request (群众点单).
    RequestId
);
id_type!(
    /// An item of the 爱心超市.
    RewardId
);
id_type!(
    /// One redemption at the 爱心超市.
    RedemptionId
);
id_type!(
    /// One row of the service-record ledger (hours).
    RecordId
);
id_type!(
    /// One row of the points ledger.
    EntryId
);
id_type!(
    /// A service category of the menu (服务清单).
    CategoryId
);
id_type!(
    /// A member's recorded qualification (资质).
    QualificationId
);
