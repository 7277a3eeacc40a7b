//! When a member can serve: weekly windows in the community's local time.

use chrono::{Datelike, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

/// One weekly window, e.g. Saturday 09:00–12:00. `weekday` is 1 (Monday) to
/// 7 (Sunday); the window covers `start <= t < end`, within one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WindowRepr", into = "WindowRepr")]
pub struct Window {
    weekday: u8,
    start: u16,
    end: u16,
}

/// The wire form: `{"weekday": 6, "start": "09:00", "end": "12:00"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowRepr {
    weekday: u8,
    start: String,
    end: String,
}

/// Minutes since midnight from `HH:MM`; `24:00` is the end of the day.
fn parse_hhmm(s: &str) -> Option<u16> {
    if s == "24:00" {
        return Some(24 * 60);
    }
    let t = NaiveTime::parse_from_str(s, "%H:%M").ok()?;
    Some((t.hour() * 60 + t.minute()) as u16)
}

fn fmt_hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

impl Window {
    pub fn new(weekday: u8, start: &str, end: &str) -> Option<Self> {
        let (start, end) = (parse_hhmm(start)?, parse_hhmm(end)?);
        ((1..=7).contains(&weekday) && start < end).then_some(Self { weekday, start, end })
    }

    fn covers(&self, slot: Slot) -> bool {
        self.weekday == slot.weekday && self.start <= slot.minute && slot.minute < self.end
    }
}

impl TryFrom<WindowRepr> for Window {
    type Error = &'static str;
    fn try_from(r: WindowRepr) -> Result<Self, Self::Error> {
        Window::new(r.weekday, &r.start, &r.end).ok_or("weekday must be 1–7 and start/end HH:MM with start before end")
    }
}

impl From<Window> for WindowRepr {
    fn from(w: Window) -> Self {
        WindowRepr {
            weekday: w.weekday,
            start: fmt_hhmm(w.start),
            end: fmt_hhmm(w.end),
        }
    }
}

/// A moment in community local time, as the windows see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    weekday: u8,
    minute: u16,
}

impl Slot {
    pub fn of(local: NaiveDateTime) -> Self {
        Self {
            weekday: local.weekday().number_from_monday() as u8,
            minute: (local.hour() * 60 + local.minute()) as u16,
        }
    }
}

/// All of a member's windows. Empty means "not stated": no time is ruled out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Availability(Vec<Window>);

/// What the windows say about one requested time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// The requested time falls in a window.
    Covered,
    /// No time requested, or no windows stated: nothing to go by.
    Unknown,
    /// Windows are stated and the time is outside all of them.
    Outside,
}

impl Availability {
    pub fn new(windows: Vec<Window>) -> Self {
        Self(windows)
    }

    pub fn windows(&self) -> &[Window] {
        &self.0
    }

    pub fn fit(&self, when: Option<Slot>) -> Fit {
        match when {
            None => Fit::Unknown,
            Some(_) if self.0.is_empty() => Fit::Unknown,
            Some(s) if self.0.iter().any(|w| w.covers(s)) => Fit::Covered,
            Some(_) => Fit::Outside,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Slot {
        Slot::of(
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, min, 0)
                .unwrap(),
        )
    }

    #[test]
    fn windows_cover_their_half_open_range() {
        // 2026-11-28 is a Saturday.
        let a = Availability::new(vec![Window::new(6, "09:00", "12:00").unwrap()]);
        assert_eq!(a.fit(Some(at(2026, 11, 28, 9, 0))), Fit::Covered);
        assert_eq!(a.fit(Some(at(2026, 11, 28, 11, 59))), Fit::Covered);
        assert_eq!(a.fit(Some(at(2026, 11, 28, 12, 0))), Fit::Outside);
        assert_eq!(a.fit(Some(at(2026, 11, 27, 10, 0))), Fit::Outside);
        assert_eq!(a.fit(None), Fit::Unknown);
        assert_eq!(Availability::default().fit(Some(at(2026, 11, 28, 3, 0))), Fit::Unknown);
    }

    #[test]
    fn wire_form_round_trips_and_rejects_nonsense() {
        let json = r#"[{"weekday":7,"start":"18:30","end":"24:00"}]"#;
        let a: Availability = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), json);
        for bad in [
            r#"[{"weekday":0,"start":"09:00","end":"10:00"}]"#,
            r#"[{"weekday":8,"start":"09:00","end":"10:00"}]"#,
            r#"[{"weekday":1,"start":"10:00","end":"09:00"}]"#,
            r#"[{"weekday":1,"start":"9am","end":"10:00"}]"#,
            r#"[{"weekday":1,"start":"09:00","end":"25:00"}]"#,
            r#"[{"weekday":1,"start":"09:00"}]"#,
        ] {
            assert!(serde_json::from_str::<Availability>(bad).is_err(), "{bad}");
        }
    }
}
