//! 星级 — star levels from verified hours under a community's rule, with the
//! date each star was reached. Pure: the caller passes the member's dated
//! service minutes (reversals carry the date of what they reverse, so a
//! correction rewrites history instead of adding a dip).

use super::rating_rule::{Counting, RatingRule};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StarReached {
    pub star: u8,
    pub on: NaiveDate,
}

/// The next star and what it still takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextStar {
    pub star: u8,
    pub threshold_hours: u32,
    /// Counted minutes still missing (0 when only the tenure is).
    pub minutes_to_go: i64,
    /// Set when a minimum tenure holds the star back until this date.
    pub not_before: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StarStatus {
    /// 0 = no star yet.
    pub star: u8,
    /// Minutes that count under the rule (all-time or this calendar year).
    pub counted_minutes: i64,
    /// `None` at the top level.
    pub next: Option<NextStar>,
    /// When each star held now was reached, lowest first.
    pub history: Vec<StarReached>,
}

/// Star level on `today` for a member registered on `registered_on` whose
/// verified service is `service` (date, minutes; any order, negatives allowed).
pub fn star_status(
    rule: &RatingRule,
    registered_on: NaiveDate,
    today: NaiveDate,
    service: &[(NaiveDate, i64)],
) -> StarStatus {
    let window_start = match rule.counting {
        Counting::AllTime => None,
        Counting::CalendarYear => NaiveDate::from_ymd_opt(today.year(), 1, 1),
    };
    let mut days: Vec<(NaiveDate, i64)> = service
        .iter()
        .copied()
        .filter(|(d, _)| *d <= today && window_start.is_none_or(|s| *d >= s))
        .collect();
    days.sort_by_key(|(d, _)| *d);
    // Net the minutes per day, then walk the running total.
    let mut running: Vec<(NaiveDate, i64)> = Vec::with_capacity(days.len());
    let mut total = 0i64;
    for (d, m) in days {
        total += m;
        match running.last_mut() {
            Some((last, t)) if *last == d => *t = total,
            _ => running.push((d, total)),
        }
    }
    // The day the total reached a threshold for good (a correction that
    // takes it back below moves that day later).
    let hours_met = |minutes: i64| -> Option<NaiveDate> {
        let mut since = None;
        for (d, t) in &running {
            if *t >= minutes {
                since.get_or_insert(*d);
            } else {
                since = None;
            }
        }
        since
    };
    // A star is held once its hours are met, its tenure has passed and the
    // star below it is held. Tenure runs from registration, or — stars taken
    // in order — from the day the star below was reached.
    let mut history: Vec<StarReached> = Vec::new();
    let mut next = None;
    for (i, hours) in rule.star_thresholds_hours.iter().enumerate() {
        let star = u8::try_from(i + 1).unwrap_or(u8::MAX);
        let need = i64::from(*hours) * 60;
        let below = history.last().map(|h| h.on);
        let clock = match below {
            Some(on) if rule.stars_in_order => on,
            _ => registered_on,
        };
        let tenure = u64::from(rule.min_tenure_days.get(i).copied().unwrap_or(0));
        let not_before = clock.checked_add_days(Days::new(tenure)).unwrap_or(NaiveDate::MAX);
        let on = hours_met(need).map(|met| met.max(not_before).max(below.unwrap_or(met)));
        match on {
            Some(on) if on <= today => history.push(StarReached { star, on }),
            _ => {
                next = Some(NextStar {
                    star,
                    threshold_hours: *hours,
                    minutes_to_go: (need - total).max(0),
                    not_before: (not_before > today).then_some(not_before),
                });
                break;
            }
        }
    }
    let star = history.last().map_or(0, |h| h.star);
    StarStatus {
        star,
        counted_minutes: total,
        next,
        history,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn hours(on: NaiveDate, h: i64) -> (NaiveDate, i64) {
        (on, h * 60)
    }

    #[test]
    fn national_default_thresholds() {
        let rule = RatingRule::default();
        let reg = d(2020, 1, 1);
        let s = star_status(&rule, reg, d(2026, 1, 1), &[hours(d(2021, 3, 1), 99)]);
        assert_eq!(s.star, 0);
        assert_eq!(s.next.as_ref().map(|n| (n.star, n.minutes_to_go)), Some((1, 60)));

        let service = [
            hours(d(2021, 3, 1), 99),
            hours(d(2021, 4, 1), 1),
            hours(d(2022, 5, 1), 200),
            hours(d(2023, 6, 1), 300),
        ];
        let s = star_status(&rule, reg, d(2026, 1, 1), &service);
        assert_eq!(s.star, 3);
        assert_eq!(s.counted_minutes, 600 * 60);
        assert_eq!(
            s.history,
            vec![
                StarReached {
                    star: 1,
                    on: d(2021, 4, 1)
                },
                StarReached {
                    star: 2,
                    on: d(2022, 5, 1)
                },
                StarReached {
                    star: 3,
                    on: d(2023, 6, 1)
                },
            ]
        );
        let next = s.next.unwrap();
        assert_eq!(
            (next.star, next.threshold_hours, next.minutes_to_go),
            (4, 1000, 400 * 60)
        );

        let top = star_status(&rule, reg, d(2026, 1, 1), &[hours(d(2022, 1, 1), 1500)]);
        assert_eq!(top.star, 5);
        assert!(top.next.is_none());
        // Reached all at once: every star on the same day.
        assert!(top.history.iter().all(|h| h.on == d(2022, 1, 1)));
    }

    #[test]
    fn zhangjiagang_counted_within_a_year() {
        let rule = RatingRule {
            star_thresholds_hours: vec![30, 60, 100, 200, 300],
            counting: Counting::CalendarYear,
            ..RatingRule::default()
        };
        let reg = d(2024, 6, 1);
        let service = [
            hours(d(2025, 3, 1), 250),
            hours(d(2026, 2, 1), 40),
            hours(d(2026, 5, 1), 25),
        ];
        // In 2025: 250 h → 4★.
        let s2025 = star_status(&rule, reg, d(2025, 12, 31), &service);
        assert_eq!((s2025.star, s2025.counted_minutes), (4, 250 * 60));
        // In 2026 the count starts again: 65 h → 2★, reached on 5 May.
        let s2026 = star_status(&rule, reg, d(2026, 6, 1), &service);
        assert_eq!((s2026.star, s2026.counted_minutes), (2, 65 * 60));
        assert_eq!(s2026.history.last().map(|h| h.on), Some(d(2026, 5, 1)));
        assert_eq!(s2026.next.map(|n| (n.star, n.minutes_to_go)), Some((3, 35 * 60)));
    }

    #[test]
    fn tenure_holds_a_star_back() {
        // Longgang: 6 months for 1–2★, 1 year for 3–4★.
        let rule = RatingRule {
            min_tenure_days: vec![180, 180, 365, 365],
            ..RatingRule::default()
        };
        let reg = d(2026, 1, 1);
        let service = [hours(d(2026, 2, 1), 350)];
        let s = star_status(&rule, reg, d(2026, 3, 1), &service);
        assert_eq!(s.star, 0);
        let next = s.next.unwrap();
        assert_eq!(
            (next.star, next.minutes_to_go, next.not_before),
            (1, 0, Some(d(2026, 6, 30)))
        );
        let later = star_status(&rule, reg, d(2026, 7, 1), &service);
        assert_eq!(later.star, 2);
        assert!(later.history.iter().all(|h| h.on == d(2026, 6, 30)));
    }

    #[test]
    fn in_order_tenure_runs_from_the_previous_star() {
        let rule = RatingRule {
            stars_in_order: true,
            min_tenure_days: vec![0, 90, 90],
            ..RatingRule::default()
        };
        let reg = d(2026, 1, 1);
        let service = [hours(d(2026, 1, 10), 700)];
        let s = star_status(&rule, reg, d(2026, 12, 31), &service);
        assert_eq!(s.star, 3);
        assert_eq!(
            s.history.iter().map(|h| h.on).collect::<Vec<_>>(),
            vec![d(2026, 1, 10), d(2026, 4, 10), d(2026, 7, 9)]
        );
        // On 1 May only the first two are held.
        assert_eq!(star_status(&rule, reg, d(2026, 5, 1), &service).star, 2);
    }

    #[test]
    fn a_correction_moves_the_day_a_star_was_reached() {
        let rule = RatingRule::default();
        let reg = d(2020, 1, 1);
        // 100 h on 1 March, then 20 h of it reversed (same date), 30 h more in April.
        let service = [
            hours(d(2026, 3, 1), 100),
            hours(d(2026, 3, 1), -20),
            hours(d(2026, 4, 1), 30),
        ];
        let s = star_status(&rule, reg, d(2026, 6, 1), &service);
        assert_eq!(
            s.history,
            vec![StarReached {
                star: 1,
                on: d(2026, 4, 1)
            }]
        );
        assert_eq!(s.counted_minutes, 110 * 60);
    }

    proptest! {
        #[test]
        fn more_hours_never_lower_the_star(
            mut chunks in proptest::collection::vec((0u32..1000, 1i64..400), 0..20),
            extra in 1i64..500,
            in_order in any::<bool>(),
        ) {
            let rule = RatingRule { stars_in_order: in_order, ..RatingRule::default() };
            let reg = d(2020, 1, 1);
            let to_service = |c: &[(u32, i64)]| -> Vec<(NaiveDate, i64)> {
                c.iter().map(|(day, h)| (reg + Days::new(u64::from(*day)), h * 60)).collect()
            };
            let today = d(2026, 1, 1);
            let before = star_status(&rule, reg, today, &to_service(&chunks));
            chunks.push((500, extra));
            let after = star_status(&rule, reg, today, &to_service(&chunks));
            prop_assert!(after.star >= before.star);
            prop_assert_eq!(after.history.len(), usize::from(after.star));
            for w in after.history.windows(2) { prop_assert!(w[0].on <= w[1].on); }
            let thresholds = &rule.star_thresholds_hours;
            let expected = thresholds.iter().filter(|h| after.counted_minutes >= i64::from(**h) * 60).count();
            prop_assert_eq!(usize::from(after.star), expected);
        }
    }
}
