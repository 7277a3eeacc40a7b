//! A community's rating rule (星级与积分规则): how verified service turns into
//! points and star levels. Localities differ (see DOMAIN.md), so every field
//! is a setting; [`RatingRule::default`] is the national default — stars at
//! 100/300/600/1000/1500 h counted all-time, 1 point per hour, no cap.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which hours count towards a star.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// Every verified hour since registration (national rule).
    #[default]
    AllTime,
    /// Only this calendar year's hours (e.g. Qidong): stars start again each year.
    CalendarYear,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RatingRule {
    /// Hours for 1★, 2★, … ascending (1 to 10 levels).
    pub star_thresholds_hours: Vec<u32>,
    pub counting: Counting,
    /// Stars are taken one after another (Sichuan): a star's minimum tenure
    /// runs from the previous star rather than from registration.
    pub stars_in_order: bool,
    /// Days of membership before each star can be reached (Shenzhen Longgang:
    /// 180, 180, 365, 365). Shorter than the thresholds = no wait for the rest.
    pub min_tenure_days: Vec<u32>,
    /// Points for one credited hour.
    pub points_per_hour: u32,
    /// At most this many minutes of one activity are credited (Hailin: 120).
    pub activity_cap_minutes: Option<u32>,
    /// Points multiplier in percent by service-category code; categories not
    /// listed use the menu's own multiplier (100 = ×1).
    pub category_multipliers_pct: BTreeMap<String, u32>,
    /// A review at or below this many stars earns no points (hours still count).
    pub void_points_at_or_below_stars: Option<u8>,
    /// Points a member must hold before redeeming at the 爱心超市 (Wuzhong: 10).
    pub min_balance_to_redeem: i64,
    /// Days the resident has to rate a completed request; after them an
    /// admin may verify it without a rating (reminded a day before).
    pub review_days: u32,
    /// This many no-shows (爽约) within `no_show_window_days` flag a member
    /// for the admins' review.
    pub no_show_limit: u32,
    pub no_show_window_days: u32,
    /// Days a member has to appeal a rating or a deduction (申诉期限).
    pub appeal_days: u32,
    /// 签到: a start and a completion need proof (the resident's code, a
    /// position, or an admin's confirmation); otherwise proof is optional
    /// and its absence is shown to the verifier.
    pub check_in_required: bool,
    /// A position within this many metres of the request's proves the visit.
    pub check_in_radius_m: u32,
    /// Reported minutes beyond the time on site plus this are flagged.
    pub hours_tolerance_minutes: u32,
}

impl Default for RatingRule {
    fn default() -> Self {
        RatingRule {
            star_thresholds_hours: vec![100, 300, 600, 1000, 1500],
            counting: Counting::AllTime,
            stars_in_order: false,
            min_tenure_days: Vec::new(),
            points_per_hour: 1,
            activity_cap_minutes: None,
            category_multipliers_pct: BTreeMap::new(),
            void_points_at_or_below_stars: None,
            min_balance_to_redeem: 0,
            review_days: 7,
            no_show_limit: 2,
            no_show_window_days: 30,
            appeal_days: 7,
            check_in_required: false,
            check_in_radius_m: 300,
            hours_tolerance_minutes: 30,
        }
    }
}

/// What is wrong with a rule, and on which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleProblem {
    /// 1 to `MAX_LEVELS` thresholds.
    ThresholdCount,
    /// Positive, strictly increasing, at most `MAX_THRESHOLD_HOURS`.
    ThresholdOrder,
    /// At most one tenure per star, each up to 3650 days.
    Tenure,
    PointsPerHour,
    ActivityCap,
    /// A category multiplier outside 10–1000 % (or a bad code).
    Multiplier(String),
    VoidStars,
    MinBalance,
    /// 1 to 60 days to rate.
    ReviewDays,
    /// A limit of 1 to 10 no-shows in a window of 1 to 365 days.
    NoShow,
    /// 1 to 60 days to appeal.
    AppealDays,
    /// A radius of 20 to 5000 m and a tolerance of 0 to 240 minutes.
    CheckIn,
}

impl RuleProblem {
    /// The field of the rule it is about.
    pub fn field(&self) -> String {
        match self {
            RuleProblem::ThresholdCount | RuleProblem::ThresholdOrder => "star_thresholds_hours".into(),
            RuleProblem::Tenure => "min_tenure_days".into(),
            RuleProblem::PointsPerHour => "points_per_hour".into(),
            RuleProblem::ActivityCap => "activity_cap_minutes".into(),
            RuleProblem::Multiplier(code) => format!("category_multipliers_pct.{code}"),
            RuleProblem::VoidStars => "void_points_at_or_below_stars".into(),
            RuleProblem::MinBalance => "min_balance_to_redeem".into(),
            RuleProblem::ReviewDays => "review_days".into(),
            RuleProblem::NoShow => "no_show_limit".into(),
            RuleProblem::AppealDays => "appeal_days".into(),
            RuleProblem::CheckIn => "check_in_radius_m".into(),
        }
    }

    /// What kind of problem (`length`, `order`, `range`).
    pub fn code(&self) -> &'static str {
        match self {
            RuleProblem::ThresholdCount => "length",
            RuleProblem::ThresholdOrder => "order",
            _ => "range",
        }
    }
}

/// What one verified service is credited with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    /// Minutes on the service record: reported minutes up to the cap.
    pub minutes: i32,
    pub points: i64,
    /// Points were withheld by the rating rule.
    pub voided_by_rating: bool,
}

impl RatingRule {
    pub const MAX_LEVELS: usize = 10;
    /// 10 000 h: far above any real threshold, low enough to keep sums small.
    pub const MAX_THRESHOLD_HOURS: u32 = 10_000;

    /// Every problem with the rule (empty = valid).
    pub fn problems(&self) -> Vec<RuleProblem> {
        let mut out = Vec::new();
        let t = &self.star_thresholds_hours;
        if t.is_empty() || t.len() > Self::MAX_LEVELS {
            out.push(RuleProblem::ThresholdCount);
        } else if t[0] == 0 || t.windows(2).any(|w| w[0] >= w[1]) || t.iter().any(|h| *h > Self::MAX_THRESHOLD_HOURS) {
            out.push(RuleProblem::ThresholdOrder);
        }
        if self.min_tenure_days.len() > t.len() || self.min_tenure_days.iter().any(|d| *d > 3650) {
            out.push(RuleProblem::Tenure);
        }
        if !(1..=100).contains(&self.points_per_hour) {
            out.push(RuleProblem::PointsPerHour);
        }
        if self.activity_cap_minutes.is_some_and(|c| !(30..=1440).contains(&c)) {
            out.push(RuleProblem::ActivityCap);
        }
        for (code, pct) in &self.category_multipliers_pct {
            if code.trim().is_empty() || code.len() > 50 || !(10..=1000).contains(pct) {
                out.push(RuleProblem::Multiplier(code.clone()));
            }
        }
        if self
            .void_points_at_or_below_stars
            .is_some_and(|s| !(1..=4).contains(&s))
        {
            out.push(RuleProblem::VoidStars);
        }
        if !(0..=1_000_000).contains(&self.min_balance_to_redeem) {
            out.push(RuleProblem::MinBalance);
        }
        if !(1..=60).contains(&self.review_days) {
            out.push(RuleProblem::ReviewDays);
        }
        if !(1..=10).contains(&self.no_show_limit) || !(1..=365).contains(&self.no_show_window_days) {
            out.push(RuleProblem::NoShow);
        }
        if !(1..=60).contains(&self.appeal_days) {
            out.push(RuleProblem::AppealDays);
        }
        if !(20..=5000).contains(&self.check_in_radius_m) || self.hours_tolerance_minutes > 240 {
            out.push(RuleProblem::CheckIn);
        }
        out
    }

    /// The multiplier (percent) for a category: the rule's own, else the menu's.
    pub fn multiplier_pct(&self, category_code: &str, menu_pct: i32) -> u32 {
        self.category_multipliers_pct
            .get(category_code)
            .copied()
            .unwrap_or_else(|| u32::try_from(menu_pct).unwrap_or(100))
    }

    /// Credit for one verified service of `reported` minutes, rated `stars`.
    /// Points are rounded half up: 30 min at 1 point/h is 1 point, 20 min is 0.
    pub fn credit(&self, reported: i32, multiplier_pct: u32, stars: Option<i16>) -> Credit {
        let minutes = match self.activity_cap_minutes {
            Some(cap) => reported.min(i32::try_from(cap).unwrap_or(i32::MAX)),
            None => reported,
        }
        .max(0);
        let voided = match (self.void_points_at_or_below_stars, stars) {
            (Some(limit), Some(s)) => s <= i16::from(limit),
            _ => false,
        };
        let points = if voided {
            0
        } else {
            // minutes × points/h × pct / (60 × 100), rounded half up.
            let scaled = i64::from(minutes) * i64::from(self.points_per_hour) * i64::from(multiplier_pct);
            (scaled + 3000) / 6000
        };
        Credit {
            minutes,
            points,
            voided_by_rating: voided,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn default_is_the_national_rule_and_valid() {
        let r = RatingRule::default();
        assert_eq!(r.star_thresholds_hours, vec![100, 300, 600, 1000, 1500]);
        assert!(r.problems().is_empty());
    }

    #[test]
    fn one_point_per_hour_rounded_half_up() {
        let r = RatingRule::default();
        assert_eq!(r.credit(60, 100, Some(5)).points, 1);
        assert_eq!(r.credit(90, 100, Some(5)).points, 2);
        assert_eq!(r.credit(30, 100, None).points, 1);
        assert_eq!(r.credit(29, 100, None).points, 0);
        assert_eq!(r.credit(120, 150, Some(4)).points, 3);
    }

    #[test]
    fn cap_limits_minutes_and_points() {
        let r = RatingRule {
            activity_cap_minutes: Some(120),
            ..RatingRule::default()
        };
        let c = r.credit(300, 100, Some(5));
        assert_eq!((c.minutes, c.points), (120, 2));
    }

    #[test]
    fn low_rating_voids_points_not_hours() {
        let r = RatingRule {
            void_points_at_or_below_stars: Some(2),
            ..RatingRule::default()
        };
        let c = r.credit(120, 100, Some(2));
        assert_eq!((c.minutes, c.points, c.voided_by_rating), (120, 0, true));
        assert_eq!(r.credit(120, 100, Some(3)).points, 2);
    }

    #[test]
    fn rule_multiplier_overrides_menu() {
        let mut r = RatingRule::default();
        r.category_multipliers_pct.insert("legal".into(), 200);
        assert_eq!(r.multiplier_pct("legal", 100), 200);
        assert_eq!(r.multiplier_pct("repair", 150), 150);
    }

    #[test]
    fn problems_name_the_fields() {
        let r = RatingRule {
            star_thresholds_hours: vec![300, 100],
            points_per_hour: 0,
            void_points_at_or_below_stars: Some(5),
            min_tenure_days: vec![1; 6],
            ..RatingRule::default()
        };
        let fields: Vec<String> = r.problems().iter().map(RuleProblem::field).collect();
        assert_eq!(
            fields,
            [
                "star_thresholds_hours",
                "min_tenure_days",
                "points_per_hour",
                "void_points_at_or_below_stars"
            ]
        );
    }

    #[test]
    fn json_names_are_stable() {
        let json = serde_json::to_value(RatingRule::default()).unwrap_or_default();
        assert_eq!(json["counting"], "all_time");
        let parsed: RatingRule =
            serde_json::from_str(r#"{"star_thresholds_hours":[30,60,100,200,300],"counting":"calendar_year"}"#)
                .unwrap_or_default();
        assert_eq!(parsed.counting, Counting::CalendarYear);
        assert_eq!(parsed.points_per_hour, 1);
    }

    proptest! {
        #[test]
        fn credit_never_exceeds_cap_or_goes_negative(
            reported in 1i32..=1440,
            cap in proptest::option::of(30u32..=1440),
            pph in 1u32..=100,
            pct in 10u32..=1000,
            stars in proptest::option::of(1i16..=5),
        ) {
            let r = RatingRule { activity_cap_minutes: cap, points_per_hour: pph, ..RatingRule::default() };
            let c = r.credit(reported, pct, stars);
            prop_assert!(c.minutes >= 0 && c.minutes <= reported);
            if let Some(cap) = cap { prop_assert!(c.minutes as u32 <= cap); }
            prop_assert!(c.points >= 0);
            // Never more than the exact value rounded up.
            prop_assert!(c.points * 6000 <= i64::from(c.minutes) * i64::from(pph) * i64::from(pct) + 3000);
        }
    }
}
