//! Account roles.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 居民 — posts service requests.
    Resident,
    /// 党员 / 志愿者 — accepts and claims requests (also a resident where they live).
    Member,
    /// 社区管理员 — reviews, dispatches and verifies inside one community.
    Admin,
    /// 街道管理员 — an admin across every community of one street.
    StreetAdmin,
    /// 网格员 — looks after one or more grids of a community: posts
    /// requests for residents (代下单), follows every request of their
    /// grids, does their 回访 and keeps a 走访 log. Not an administrator.
    GridWorker,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Resident,
        Role::Member,
        Role::Admin,
        Role::StreetAdmin,
        Role::GridWorker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Member => "member",
            Role::Admin => "admin",
            Role::StreetAdmin => "street_admin",
            Role::GridWorker => "grid_worker",
        }
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Role::Admin | Role::StreetAdmin)
    }

    /// Staff: administrators and grid workers — those who order for
    /// residents by phone and are named in full as having done so.
    pub fn is_staff(self) -> bool {
        self.is_admin() || self == Role::GridWorker
    }

    /// A resident or member: someone who lives in the community (报到,
    /// consent codes, family links, temporary passwords are theirs).
    pub fn is_neighbour(self) -> bool {
        matches!(self, Role::Resident | Role::Member)
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_str() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn staff_and_neighbours_split_the_roles() {
        for r in Role::ALL {
            assert_ne!(r.is_staff(), r.is_neighbour(), "{r:?} is one or the other");
        }
        assert!(Role::GridWorker.is_staff() && !Role::GridWorker.is_admin());
    }
}
