//! 提醒 — reminders before the agreed time (`preferred_time`). Pure: the
//! sweeper gives a request's status and time, the clock's reading and the
//! community's offset; this says which reminders are due now and to whom,
//! and whether a person's quiet hours hold them back.
//!
//! | kind | to | from | until |
//! |---|---|---|---|
//! | `holder_day_before` | the holder (dispatched or accepted) | 24 h before | the morning reminder |
//! | `holder_morning` | the holder | 08:00 on the day (or 1 h before, if earlier) | the agreed time |
//! | `resident_day` | the resident (accepted) | as the morning reminder | the agreed time |
//! | `unclaimed` | the community's admins (still in the task hall) | `unclaimed_hours` before | the agreed time |
//!
//! Each is sent inside its window only — a request accepted an hour before
//! gets the morning reminder, not yesterday's — and once per person (the
//! store's unique key). A reminder that falls in a person's quiet hours
//! waits for them to end, while its window lasts.

use super::notify::Audience;
use super::request::Status;
use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone, Timelike, Utc};

code_enum! {
    pub enum ReminderKind {
        HolderDayBefore,
        HolderMorning,
        ResidentDay,
        Unclaimed,
    }
}

/// The local hour of the morning reminders.
pub const MORNING_HOUR: u32 = 8;

/// A reminder due now: to whom, and the time it was due (part of its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub kind: ReminderKind,
    pub audience: Audience,
    pub at: DateTime<Utc>,
}

/// The morning reminder of a visit at `when`: 08:00 local that day, or an
/// hour before when the visit is earlier than 09:00.
fn morning(when: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
    let local = when.with_timezone(&offset);
    let eight = local
        .date_naive()
        .and_hms_opt(MORNING_HOUR, 0, 0)
        .and_then(|t| offset.from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(when);
    eight.min(when - Duration::hours(1))
}

/// The reminders due at `now` for a request in `status` agreed for `when`.
pub fn due(
    status: Status,
    when: DateTime<Utc>,
    now: DateTime<Utc>,
    offset: FixedOffset,
    unclaimed_hours: i64,
) -> Vec<Due> {
    let morning = morning(when, offset);
    let day_before = when - Duration::hours(24);
    let mut windows: Vec<(ReminderKind, Audience, DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    if matches!(status, Status::Dispatched | Status::Accepted) {
        windows.push((ReminderKind::HolderDayBefore, Audience::Holder, day_before, morning));
        windows.push((ReminderKind::HolderMorning, Audience::Holder, morning, when));
    }
    if status == Status::Accepted {
        windows.push((ReminderKind::ResidentDay, Audience::Resident, morning, when));
    }
    if status == Status::Open {
        windows.push((
            ReminderKind::Unclaimed,
            Audience::Admins,
            when - Duration::hours(unclaimed_hours),
            when,
        ));
    }
    windows
        .into_iter()
        .filter(|(_, _, from, until)| *from <= now && now < *until)
        .map(|(kind, audience, at, _)| Due { kind, audience, at })
        .collect()
}

/// A person's quiet hours, in local minutes after midnight: `[start, end)`,
/// across midnight when `start > end`; none when they are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: u16,
    pub end: u16,
}

impl QuietHours {
    pub const DEFAULT: QuietHours = QuietHours {
        start: 21 * 60,
        end: 8 * 60,
    };

    /// From stored minutes; out-of-range values mean none.
    pub fn new(start: i16, end: i16) -> QuietHours {
        let ok = |m: i16| u16::try_from(m).ok().filter(|m| *m < 24 * 60);
        match (ok(start), ok(end)) {
            (Some(start), Some(end)) => QuietHours { start, end },
            _ => QuietHours { start: 0, end: 0 },
        }
    }

    pub fn contains(&self, t: NaiveTime) -> bool {
        let m = u16::try_from(t.hour() * 60 + t.minute()).unwrap_or(0);
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => self.start <= m && m < self.end,
            std::cmp::Ordering::Greater => m >= self.start || m < self.end,
        }
    }

    /// Is `now` quiet for this person, in the community's local time?
    pub fn holds(&self, now: DateTime<Utc>, offset: FixedOffset) -> bool {
        self.contains(now.with_timezone(&offset).time())
    }

    /// `"HH:MM"` of a minute count.
    pub fn hhmm(m: u16) -> String {
        format!("{:02}:{:02}", m / 60, m % 60)
    }

    /// Minutes of `"HH:MM"` (00:00–23:59).
    pub fn parse(s: &str) -> Option<u16> {
        let t = NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()?;
        u16::try_from(t.hour() * 60 + t.minute()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).expect("offset")
    }

    /// 2026-12-10 at `h`:`m` in Beijing time.
    fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        cst()
            .with_ymd_and_hms(2026, 12, day, h, m, 0)
            .single()
            .expect("time")
            .with_timezone(&Utc)
    }

    fn kinds(d: &[Due]) -> Vec<ReminderKind> {
        d.iter().map(|d| d.kind).collect()
    }

    #[test]
    fn an_accepted_visit_reminds_the_holder_twice_and_the_resident_once() {
        let visit = at(10, 14, 30);
        let due = |now| due(Status::Accepted, visit, now, cst(), 12);
        assert!(due(at(9, 14, 0)).is_empty());
        assert_eq!(kinds(&due(at(9, 14, 30))), [ReminderKind::HolderDayBefore]);
        assert_eq!(kinds(&due(at(10, 7, 59))), [ReminderKind::HolderDayBefore]);
        assert_eq!(
            kinds(&due(at(10, 8, 0))),
            [ReminderKind::HolderMorning, ReminderKind::ResidentDay]
        );
        assert_eq!(due(at(10, 9, 0))[0].at, at(10, 8, 0), "keyed by when it was due");
        assert!(due(at(10, 14, 30)).is_empty(), "nothing once the time has come");
    }

    #[test]
    fn an_early_visit_is_reminded_an_hour_before() {
        let visit = at(10, 8, 30);
        let d = due(Status::Dispatched, visit, at(10, 7, 30), cst(), 12);
        assert_eq!(kinds(&d), [ReminderKind::HolderMorning]);
        assert_eq!(d[0].at, at(10, 7, 30));
    }

    #[test]
    fn an_unclaimed_hall_request_alerts_the_admins() {
        let visit = at(10, 14, 0);
        assert!(due(Status::Open, visit, at(10, 1, 59), cst(), 12).is_empty());
        let d = due(Status::Open, visit, at(10, 2, 0), cst(), 12);
        assert_eq!((d[0].kind, d[0].audience), (ReminderKind::Unclaimed, Audience::Admins));
        assert!(due(Status::Pending, visit, at(10, 9, 0), cst(), 12).is_empty());
    }

    #[test]
    fn quiet_hours_cross_midnight() {
        let q = QuietHours::DEFAULT;
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("time");
        assert!(q.contains(t(21, 0)) && q.contains(t(23, 59)) && q.contains(t(0, 0)) && q.contains(t(7, 59)));
        assert!(!q.contains(t(8, 0)) && !q.contains(t(20, 59)) && !q.contains(t(12, 0)));
        let day = QuietHours {
            start: 12 * 60,
            end: 14 * 60,
        };
        assert!(day.contains(t(13, 0)) && !day.contains(t(14, 0)));
        assert!(!QuietHours::new(0, 0).contains(t(3, 0)), "equal = none");
        assert_eq!(QuietHours::parse("21:30"), Some(21 * 60 + 30));
        assert_eq!(QuietHours::parse("25:00"), None);
        assert_eq!(QuietHours::hhmm(8 * 60 + 5), "08:05");
    }
}
