//! 周期服务 — when a recurring need falls due. Pure: local dates in, local
//! dates out (China keeps no daylight saving; the community's offset turns
//! a date and a time of day into an instant).

use chrono::{Datelike, Duration, NaiveDate};

code_enum! {
    /// How often.
    pub enum Pattern {
        /// 每周
        Weekly,
        /// 每两周 (counted from the start date's week)
        Biweekly,
        /// 每月
        Monthly,
    }
}

code_enum! {
    /// Where a series stands.
    pub enum SeriesStatus {
        Active,
        /// 暂停: nothing is generated until resumed (no back-filling).
        Paused,
        /// 结束
        Ended,
    }
}

/// The schedule of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub pattern: Pattern,
    /// 1 (Monday) – 7, for weekly and biweekly.
    pub weekday: Option<u32>,
    /// 1 – 31, for monthly (a shorter month uses its last day).
    pub day_of_month: Option<u32>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// What is wrong with a schedule, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleProblem {
    /// Weekly and biweekly need a weekday 1–7.
    Weekday,
    /// Monthly needs a day 1–31.
    DayOfMonth,
    /// The end is before the start.
    Ends,
}

impl ScheduleProblem {
    pub fn field(self) -> &'static str {
        match self {
            ScheduleProblem::Weekday => "weekday",
            ScheduleProblem::DayOfMonth => "day_of_month",
            ScheduleProblem::Ends => "ends_on",
        }
    }
}

fn last_day(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

impl Schedule {
    pub fn check(&self) -> Result<(), ScheduleProblem> {
        match self.pattern {
            Pattern::Weekly | Pattern::Biweekly if !self.weekday.is_some_and(|w| (1..=7).contains(&w)) => {
                return Err(ScheduleProblem::Weekday);
            }
            Pattern::Monthly if !self.day_of_month.is_some_and(|d| (1..=31).contains(&d)) => {
                return Err(ScheduleProblem::DayOfMonth);
            }
            _ => {}
        }
        if self.ends_on.is_some_and(|e| e < self.starts_on) {
            return Err(ScheduleProblem::Ends);
        }
        Ok(())
    }

    /// Does the series fall due on `day`?
    pub fn falls_on(&self, day: NaiveDate) -> bool {
        if day < self.starts_on || self.ends_on.is_some_and(|e| day > e) {
            return false;
        }
        match self.pattern {
            Pattern::Weekly => Some(day.weekday().number_from_monday()) == self.weekday,
            Pattern::Biweekly => {
                let monday = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
                let weeks = (monday(day) - monday(self.starts_on)).num_days() / 7;
                Some(day.weekday().number_from_monday()) == self.weekday && weeks % 2 == 0
            }
            Pattern::Monthly => self
                .day_of_month
                .is_some_and(|d| day.day() == d.min(last_day(day.year(), day.month()))),
        }
    }

    /// The days it falls due from `from` to `to`, both included, in order.
    pub fn occurrences(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.falls_on(*d))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn weekly(weekday: u32) -> Schedule {
        Schedule {
            pattern: Pattern::Weekly,
            weekday: Some(weekday),
            day_of_month: None,
            starts_on: d(2026, 12, 1),
            ends_on: None,
        }
    }

    #[test]
    fn weekly_falls_on_its_weekday() {
        // 2026-12-01 is a Tuesday.
        let s = weekly(2);
        assert_eq!(
            s.occurrences(d(2026, 12, 1), d(2026, 12, 20)),
            vec![d(2026, 12, 1), d(2026, 12, 8), d(2026, 12, 15)]
        );
    }

    #[test]
    fn biweekly_counts_from_the_start_week_and_monthly_clamps() {
        let s = Schedule {
            pattern: Pattern::Biweekly,
            weekday: Some(5),
            ..weekly(5)
        };
        assert_eq!(
            s.occurrences(d(2026, 12, 1), d(2026, 12, 31)),
            vec![d(2026, 12, 4), d(2026, 12, 18)]
        );
        let m = Schedule {
            pattern: Pattern::Monthly,
            weekday: None,
            day_of_month: Some(31),
            starts_on: d(2027, 1, 1),
            ends_on: Some(d(2027, 4, 30)),
        };
        assert_eq!(
            m.occurrences(d(2027, 1, 1), d(2027, 12, 31)),
            vec![d(2027, 1, 31), d(2027, 2, 28), d(2027, 3, 31), d(2027, 4, 30)]
        );
    }

    #[test]
    fn schedules_are_checked() {
        assert_eq!(
            Schedule {
                weekday: Some(8),
                ..weekly(1)
            }
            .check(),
            Err(ScheduleProblem::Weekday)
        );
        assert_eq!(
            Schedule {
                pattern: Pattern::Monthly,
                day_of_month: None,
                ..weekly(1)
            }
            .check(),
            Err(ScheduleProblem::DayOfMonth)
        );
        assert_eq!(
            Schedule {
                ends_on: Some(d(2026, 11, 1)),
                ..weekly(1)
            }
            .check(),
            Err(ScheduleProblem::Ends)
        );
    }

    proptest! {
        /// Occurrences are in order, inside the bounds, on the weekday, and
        /// a biweekly one is exactly 14 days after the one before.
        #[test]
        fn occurrences_keep_the_pattern(wd in 1u32..=7, start in 0i64..400, span in 0i64..200, bi in any::<bool>()) {
            let starts_on = d(2026, 1, 1) + Duration::days(start);
            let s = Schedule {
                pattern: if bi { Pattern::Biweekly } else { Pattern::Weekly },
                weekday: Some(wd),
                day_of_month: None,
                starts_on,
                ends_on: Some(starts_on + Duration::days(span)),
            };
            let got = s.occurrences(d(2026, 1, 1), d(2028, 1, 1));
            let step = if bi { 14 } else { 7 };
            for w in got.windows(2) {
                prop_assert_eq!((w[1] - w[0]).num_days(), step);
            }
            for day in &got {
                prop_assert!(*day >= starts_on && Some(*day) <= s.ends_on);
                prop_assert_eq!(day.weekday().number_from_monday(), wd);
            }
        }
    }
}
