//! 报到 — party members and volunteers registered at their residential
//! community, and how their registration moves between states.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// 党员 or 志愿者.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    /// 在职党员 — an in-service party member reporting to where they live.
    PartyMember,
    /// 志愿者 — a registered volunteer (may or may not be a party member).
    Volunteer,
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::PartyMember => "party_member",
            MemberKind::Volunteer => "volunteer",
        }
    }
}

impl FromStr for MemberKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "party_member" => Ok(MemberKind::PartyMember),
            "volunteer" => Ok(MemberKind::Volunteer),
            _ => Err(()),
        }
    }
}

/// pending (待审核) → active (已报到) ⇄ suspended (已暂停).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Pending,
    Active,
    Suspended,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Pending => "pending",
            MemberStatus::Active => "active",
            MemberStatus::Suspended => "suspended",
        }
    }
}

impl FromStr for MemberStatus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "pending" => Ok(MemberStatus::Pending),
            "active" => Ok(MemberStatus::Active),
            "suspended" => Ok(MemberStatus::Suspended),
            _ => Err(()),
        }
    }
}

/// What an admin does to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// 审核通过 — pending → active.
    Approve,
    /// 暂停 — active → suspended (with a reason).
    Suspend,
    /// 恢复 — suspended → active.
    Reinstate,
}

impl Review {
    pub fn name(self) -> &'static str {
        match self {
            Review::Approve => "approve",
            Review::Suspend => "suspend",
            Review::Reinstate => "reinstate",
        }
    }

    /// The status after this review, or `None` if it does not apply here.
    pub fn apply(self, from: MemberStatus) -> Option<MemberStatus> {
        use MemberStatus::*;
        match (self, from) {
            (Review::Approve, Pending) => Some(Active),
            (Review::Suspend, Active | Pending) => Some(Suspended),
            (Review::Reinstate, Suspended) => Some(Active),
            _ => None,
        }
    }
}

/// Bounds on how many requests one member may hold at once.
pub const MAX_ACTIVE_RANGE: std::ops::RangeInclusive<i32> = 1..=20;
/// Held at once when the member does not say.
pub const DEFAULT_MAX_ACTIVE: i32 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviews_follow_the_lifecycle() {
        use MemberStatus::*;
        assert_eq!(Review::Approve.apply(Pending), Some(Active));
        assert_eq!(Review::Approve.apply(Active), None);
        assert_eq!(Review::Approve.apply(Suspended), None);
        assert_eq!(Review::Suspend.apply(Active), Some(Suspended));
        assert_eq!(Review::Suspend.apply(Pending), Some(Suspended));
        assert_eq!(Review::Suspend.apply(Suspended), None);
        assert_eq!(Review::Reinstate.apply(Suspended), Some(Active));
        assert_eq!(Review::Reinstate.apply(Active), None);
        for s in [Pending, Active, Suspended] {
            assert_eq!(s.as_str().parse(), Ok(s));
        }
        for k in [MemberKind::PartyMember, MemberKind::Volunteer] {
            assert_eq!(k.as_str().parse(), Ok(k));
        }
    }
}
