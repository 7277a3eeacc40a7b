//! 督查 — where a request stands against its deadlines. Pure: the caller
//! gives the request's timestamps, the category's deadlines and the time.
//!
//! | status | stage | clock starts | deadline |
//! |---|---|---|---|
//! | pending, open | dispatch | when it last became pending/open | `dispatch_hours` |
//! | dispatched | accept | when it was dispatched | `accept_hours` |
//! | accepted, in progress | complete | when it was posted | `due_at` (`sla_hours`) |
//! | completed | review (the resident rates) | when it was reported done | `review_days` (community rule) |
//! | reviewed | verify (an admin verifies) | when it was rated | `verify_days` |
//! | closed, no follow-up this round | follow-up | when it closed | `follow_up_days` |
//!
//! The review stage is the resident's, not a worker's: at risk (a day
//! before, or at three quarters of a short allowance) the resident is
//! reminded; once it is over an admin may verify without a rating.
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
    /// 待评价: the resident's time to rate.
    Review,
    /// 待审核: the admin's time to verify.
    Verify,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Dispatch,
        Stage::Accept,
        Stage::Complete,
        Stage::FollowUp,
        Stage::Review,
        Stage::Verify,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Dispatch => "dispatch",
            Stage::Accept => "accept",
            Stage::Complete => "complete",
            Stage::FollowUp => "follow_up",
            Stage::Review => "review",
            Stage::Verify => "verify",
        }
    }

    /// Stages that never escalate: nobody is failing at their job
    /// (a follow-up is the admins' own routine; rating is the resident's choice).
    fn escalates(self) -> bool {
        !matches!(self, Stage::FollowUp | Stage::Review)
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
    /// The resident's time to rate (community rule).
    pub review_days: i64,
    /// The admin's time to verify a rated request.
    pub verify_days: i64,
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
        Completed => (
            Stage::Review,
            f.updated_at,
            f.updated_at + Duration::days(d.review_days),
        ),
        Reviewed => (
            Stage::Verify,
            f.updated_at,
            f.updated_at + Duration::days(d.verify_days),
        ),
        Closed if !f.followed_up => {
            let since = f.closed_at?;
            (Stage::FollowUp, since, since + Duration::days(d.follow_up_days))
        }
        _ => return None,
    };
    let allowance = deadline - since;
    let escalate_at = since + allowance * d.escalate_factor.max(1);
    // At risk from three quarters of the allowance; the resident is warned
    // on the last day of their time to rate, not after five of seven.
    let at_risk = match stage {
        Stage::Review => Ord::max(since + allowance * 3 / 4, deadline - Duration::days(1)),
        _ => since + allowance * 3 / 4,
    };
    let level = if stage.escalates() && now >= escalate_at {
        Some(Level::Escalated)
    } else if now >= deadline {
        Some(Level::Overdue)
    } else if now >= at_risk {
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
        review_days: 7,
        verify_days: 3,
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
    }

    #[test]
    fn every_open_state_has_a_clock() {
        for s in Status::ALL {
            let f = Facts {
                assigned_at: Some(t(0)),
                closed_at: Some(t(0)),
                ..facts(s)
            };
            assert_eq!(
                standing(&f, &D, t(1)).is_some(),
                !s.is_terminal() || s == Status::Closed,
                "{s:?}"
            );
        }
    }

    #[test]
    fn the_resident_is_warned_a_day_before_the_time_to_rate_ends() {
        let f = Facts {
            updated_at: t(10),
            ..facts(Status::Completed)
        };
        let at = |h| standing(&f, &D, t(h)).map(|s| (s.stage, s.level));
        assert_eq!(at(10 + 24 * 5), Some((Stage::Review, None)));
        assert_eq!(at(10 + 24 * 6), Some((Stage::Review, Some(Level::AtRisk))));
        assert_eq!(at(10 + 24 * 7), Some((Stage::Review, Some(Level::Overdue))));
        // Rating is the resident's choice: it never escalates to the street.
        assert_eq!(at(10 + 24 * 30), Some((Stage::Review, Some(Level::Overdue))));
        let rated = Facts {
            updated_at: t(10),
            ..facts(Status::Reviewed)
        };
        let s = standing(&rated, &D, t(10 + 24 * 6)).unwrap();
        assert_eq!((s.stage, s.level), (Stage::Verify, Some(Level::Escalated)));
    }
}
