//! 争议与申诉 — disputes and appeals, and what a ruling does. Pure.
//!
//! | kind | who files | when | upheld | partial | overturned |
//! |---|---|---|---|---|---|
//! | `completion` | the requester | completed / reviewed, before verify | 返工: back to in progress (`redo`) | verify goes on, crediting the ruled minutes | verify goes on as reported |
//! | `rating` | the credited member | within `appeal_days` of the credit | the rating no longer counts | the rating becomes the ruled stars | nothing changes |
//! | `deduction` | the member deducted | within `appeal_days` of the entry | the points come back | the ruled points come back | nothing changes |
//!
//! Every effect is a new row (a transition, a ledger reversal and
//! correction, a correction entry); nothing is edited in place.

use chrono::{DateTime, Duration, Utc};

code_enum! {
    /// What is appealed.
    pub enum AppealKind {
        /// 有异议 — the resident says the work was not done (as reported).
        Completion,
        /// 申诉评价 — the member thinks a rating unfair.
        Rating,
        /// 申诉扣分 — the member thinks a deduction unfair.
        Deduction,
    }
}

code_enum! {
    /// Where an appeal stands.
    pub enum AppealStatus {
        Open,
        /// 申诉成立
        Upheld,
        /// 驳回
        Overturned,
        /// 部分成立
        Partial,
    }
}

code_enum! {
    /// An admin's ruling.
    pub enum Outcome {
        Upheld,
        Overturned,
        Partial,
    }
}

impl Outcome {
    pub fn status(self) -> AppealStatus {
        match self {
            Outcome::Upheld => AppealStatus::Upheld,
            Outcome::Overturned => AppealStatus::Overturned,
            Outcome::Partial => AppealStatus::Partial,
        }
    }
}

/// What the appeal is about, as read when ruling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The minutes the member reported.
    Completion { reported_minutes: i32 },
    /// The stars the resident gave (`None`: the credit carries no rating).
    Rating { stars: Option<i16> },
    /// The points deducted (positive).
    Deduction { points: i64 },
}

/// The figure a partial ruling gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    pub minutes: Option<i32>,
    pub stars: Option<i16>,
    pub points: Option<i64>,
}

/// What a ruling does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The completion goes back to the member (`redo`).
    Redo,
    /// The dispute is settled; verification credits these minutes (`None`: as reported).
    Settle { minutes: Option<i32> },
    /// The service record is amended to this rating (`None`: no rating counts).
    Rerate { stars: Option<i16> },
    /// These points come back to the member.
    Refund { points: i64 },
    /// Nothing changes.
    Nothing,
}

/// Why a ruling cannot be made as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulingProblem {
    /// A partial completion ruling needs minutes between 1 and the reported minutes − 1.
    Minutes { max: i32 },
    /// A partial rating ruling needs stars 1–5 other than the given ones.
    Stars,
    /// A partial deduction ruling gives back 1 to the deducted points − 1.
    Points { max: i64 },
    /// The subject does not match the appeal's kind (a rating appeal with no rating).
    Nothing,
}

/// What `outcome` (with `figures` for a partial one) does to `subject`.
pub fn effect(subject: Subject, outcome: Outcome, figures: Figures) -> Result<Effect, RulingProblem> {
    use Outcome::*;
    Ok(match (subject, outcome) {
        (Subject::Completion { .. }, Upheld) => Effect::Redo,
        (Subject::Completion { .. }, Overturned) => Effect::Settle { minutes: None },
        (Subject::Completion { reported_minutes }, Partial) => match figures.minutes {
            Some(m) if (1..reported_minutes).contains(&m) => Effect::Settle { minutes: Some(m) },
            _ => {
                return Err(RulingProblem::Minutes {
                    max: reported_minutes - 1,
                });
            }
        },
        (Subject::Rating { stars: None }, _) => return Err(RulingProblem::Nothing),
        (Subject::Rating { .. }, Upheld) => Effect::Rerate { stars: None },
        (Subject::Rating { stars: Some(given) }, Partial) => match figures.stars {
            Some(s) if (1..=5).contains(&s) && s != given => Effect::Rerate { stars: Some(s) },
            _ => return Err(RulingProblem::Stars),
        },
        (Subject::Deduction { points }, Upheld) => Effect::Refund { points },
        (Subject::Deduction { points }, Partial) => match figures.points {
            Some(p) if (1..points).contains(&p) => Effect::Refund { points: p },
            _ => return Err(RulingProblem::Points { max: points - 1 }),
        },
        (Subject::Rating { .. } | Subject::Deduction { .. }, Overturned) => Effect::Nothing,
    })
}

/// Is an appeal filed at `now` within `days` of `since`?
pub fn in_time(since: DateTime<Utc>, now: DateTime<Utc>, days: u32) -> bool {
    now <= since + Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const F: Figures = Figures {
        minutes: None,
        stars: None,
        points: None,
    };

    #[test]
    fn an_upheld_dispute_sends_the_work_back_and_an_overturned_one_lets_verify_go_on() {
        let s = Subject::Completion { reported_minutes: 120 };
        assert_eq!(effect(s, Outcome::Upheld, F), Ok(Effect::Redo));
        assert_eq!(effect(s, Outcome::Overturned, F), Ok(Effect::Settle { minutes: None }));
        let part = Figures { minutes: Some(60), ..F };
        assert_eq!(
            effect(s, Outcome::Partial, part),
            Ok(Effect::Settle { minutes: Some(60) })
        );
    }

    #[test]
    fn a_partial_ruling_must_give_less_than_was_asked() {
        let s = Subject::Completion { reported_minutes: 120 };
        for m in [None, Some(0), Some(120), Some(500)] {
            assert_eq!(
                effect(s, Outcome::Partial, Figures { minutes: m, ..F }),
                Err(RulingProblem::Minutes { max: 119 })
            );
        }
        let d = Subject::Deduction { points: 10 };
        assert_eq!(
            effect(d, Outcome::Partial, Figures { points: Some(10), ..F }),
            Err(RulingProblem::Points { max: 9 })
        );
        let r = Subject::Rating { stars: Some(2) };
        assert_eq!(
            effect(r, Outcome::Partial, Figures { stars: Some(2), ..F }),
            Err(RulingProblem::Stars)
        );
        assert_eq!(
            effect(r, Outcome::Partial, Figures { stars: Some(6), ..F }),
            Err(RulingProblem::Stars)
        );
    }

    #[test]
    fn upheld_rating_and_deduction_appeals_take_them_back() {
        assert_eq!(
            effect(Subject::Rating { stars: Some(1) }, Outcome::Upheld, F),
            Ok(Effect::Rerate { stars: None })
        );
        assert_eq!(
            effect(
                Subject::Rating { stars: Some(1) },
                Outcome::Partial,
                Figures { stars: Some(4), ..F }
            ),
            Ok(Effect::Rerate { stars: Some(4) })
        );
        assert_eq!(
            effect(Subject::Deduction { points: 8 }, Outcome::Upheld, F),
            Ok(Effect::Refund { points: 8 })
        );
        assert_eq!(
            effect(Subject::Deduction { points: 8 }, Outcome::Overturned, F),
            Ok(Effect::Nothing)
        );
        assert_eq!(
            effect(Subject::Rating { stars: None }, Outcome::Upheld, F),
            Err(RulingProblem::Nothing)
        );
    }

    #[test]
    fn the_window_includes_its_last_moment() {
        let t = DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert!(in_time(t, t + Duration::days(7), 7));
        assert!(!in_time(t, t + Duration::days(7) + Duration::seconds(1), 7));
    }

    proptest! {
        /// A refund never exceeds what was deducted, and a settled minute
        /// count never exceeds what was reported.
        #[test]
        fn a_ruling_never_gives_more_than_the_subject(
            reported in 1i32..10_000, points in 1i64..10_000,
            m in proptest::option::of(-10i32..20_000), p in proptest::option::of(-10i64..20_000),
            outcome in prop_oneof![Just(Outcome::Upheld), Just(Outcome::Overturned), Just(Outcome::Partial)],
        ) {
            let f = Figures { minutes: m, stars: None, points: p };
            if let Ok(Effect::Settle { minutes: Some(x) }) = effect(Subject::Completion { reported_minutes: reported }, outcome, f) {
                prop_assert!(x >= 1 && x < reported);
            }
            if let Ok(Effect::Refund { points: x }) = effect(Subject::Deduction { points }, outcome, f) {
                prop_assert!(x >= 1 && x <= points);
            }
        }
    }
}
