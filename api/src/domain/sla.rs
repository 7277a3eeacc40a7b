//! 督查 — where a request stands against its deadlines. Pure: the caller
//! gives the request's timestamps, the category's deadlines and the time.
//!
//! | status | stage | clock starts | deadline |
//! |---|---|---|---|
//! | pending, open | dispatch | when it last became pending/open | `dispatch_hours` |
//! | dispatched | accept | when it was dispatched | `accept_hours` |
//! | accepted, in progress | complete | when it was posted | `due_at` (`sla_hours`) |
//! | closed, no follow-up this round | follow-up | when it closed | `follow_up_days` |
//!
//! Late = past the deadline; escalated = past `factor` × the allowance;
//! at risk = three quarters of the allowance used.

use super::request::Status;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Stage {
    Dispatch,
    Accept,
    Complete,
    FollowUp,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Dispatch => "dispatch",
            Stage::Accept => "accept",
            Stage::Complete => "complete",
            Stage::FollowUp => "follow_up",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Level {
    AtRisk,
    Overdue,
    Escalated,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::AtRisk => "at_risk",
            Level::Overdue => "overdue",
            Level::Escalated => "escalated",
        }
    }
}

/// 回访 — how an admin followed a closed request up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, strum::EnumString, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FollowUpMethod {
    /// 电话回访
    Call,
    /// 上门回访
    Visit,
}

impl FollowUpMethod {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A category's allowances (and the community-wide follow-up window).
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    pub dispatch_hours: i64,
    pub accept_hours: i64,
    pub follow_up_days: i64,
    /// Escalate at this many times the allowance.
    pub escalate_factor: i32,
}

/// What the sweeper reads of a request.
#[derive(Debug, Clone, Copy)]
pub struct Facts {
    pub status: Status,
    pub created_at: DateTime<Utc>,
    /// The last transition (when it became pending/open again).
    pub updated_at: DateTime<Utc>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// A follow-up was recorded for the current round.
    pub followed_up: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub stage: Stage,
    /// When the stage's clock started (marks are unique per stage start).
    pub since: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub escalate_at: DateTime<Utc>,
    /// `None`: on time.
    pub level: Option<Level>,
}

/// The request's current stage and how late it is, or `None` when no clock runs.
pub fn standing(f: &Facts, d: &Deadlines, now: DateTime<Utc>) -> Option<Standing> {
    use Status::*;
    let (stage, since, deadline) = match f.status {
        Pending | Open => (
            Stage::Dispatch,
            f.updated_at,
            f.updated_at + Duration::hours(d.dispatch_hours),
        ),
        Dispatched => {
            let since = f.assigned_at.unwrap_or(f.updated_at);
            (Stage::Accept, since, since + Duration::hours(d.accept_hours))
        }
        Accepted | InProgress => (Stage::Complete, f.created_at, f.due_at?),
        Closed if !f.followed_up => {
            let since = f.closed_at?;
            (Stage::FollowUp, since, since + Duration::days(d.follow_up_days))
        }
        _ => return None,
    };
    let allowance = deadline - since;
    let escalate_at = since + allowance * d.escalate_factor.max(1);
    let level = if stage != Stage::FollowUp && now >= escalate_at {
        Some(Level::Escalated)
    } else if now >= deadline {
        Some(Level::Overdue)
    } else if now >= since + allowance * 3 / 4 {
        Some(Level::AtRisk)
    } else {
        None
    };
    Some(Standing {
        stage,
        since,
        deadline,
        escalate_at,
        level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::hours(h)
    }

    const D: Deadlines = Deadlines {
        dispatch_hours: 24,
        accept_hours: 12,
        follow_up_days: 7,
        escalate_factor: 2,
    };

    fn facts(status: Status) -> Facts {
        Facts {
            status,
            created_at: t(0),
            updated_at: t(0),
            assigned_at: None,
            due_at: Some(t(72)),
            closed_at: None,
            followed_up: false,
        }
    }

    #[test]
    fn dispatch_stage_goes_at_risk_overdue_escalated() {
        let f = facts(Status::Pending);
        let at = |h| standing(&f, &D, t(h)).and_then(|s| s.level);
        assert_eq!(at(1), None);
        assert_eq!(at(18), Some(Level::AtRisk));
        assert_eq!(at(24), Some(Level::Overdue));
        assert_eq!(at(47), Some(Level::Overdue));
        assert_eq!(at(48), Some(Level::Escalated));
    }

    #[test]
    fn accept_clock_starts_at_dispatch() {
        let f = Facts {
            assigned_at: Some(t(30)),
            updated_at: t(30),
            ..facts(Status::Dispatched)
        };
        let s = standing(&f, &D, t(43)).unwrap();
        assert_eq!(
            (s.stage, s.since, s.deadline, s.level),
            (Stage::Accept, t(30), t(42), Some(Level::Overdue))
        );
        assert_eq!(standing(&f, &D, t(54)).unwrap().level, Some(Level::Escalated));
    }

    #[test]
    fn complete_uses_due_at_and_follow_up_never_escalates() {
        let s = standing(&facts(Status::InProgress), &D, t(73)).unwrap();
        assert_eq!((s.stage, s.level), (Stage::Complete, Some(Level::Overdue)));
        let closed = Facts {
            closed_at: Some(t(10)),
            ..facts(Status::Closed)
        };
        let s = standing(&closed, &D, t(10 + 24 * 30)).unwrap();
        assert_eq!((s.stage, s.level), (Stage::FollowUp, Some(Level::Overdue)));
        let done = Facts {
            followed_up: true,
            ..closed
        };
        assert!(standing(&done, &D, t(10 + 24 * 30)).is_none());
        assert!(standing(&facts(Status::Cancelled), &D, t(1000)).is_none());
        assert!(standing(&facts(Status::Completed), &D, t(1000)).is_none());
    }
}
