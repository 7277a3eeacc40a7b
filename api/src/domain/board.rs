//! 光荣榜 — honor-board periods, metrics and ranking. Pure: both the Redis
//! and the SQL implementation produce `(member, value)` pairs and rank them
//! here, so they agree on order and ties by construction.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Whose board.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Community(i64),
    /// 街道 — every community with this street name.
    Street(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Month,
    Quarter,
    Year,
    All,
}

impl Period {
    pub const ALL: [Period; 5] = [Period::Week, Period::Month, Period::Quarter, Period::Year, Period::All];

    /// The period containing `day`: its key (`2026-W48`, `2026-11`, `2026-Q4`,
    /// `2026`, `all`) and first and last day (`None` for all time).
    pub fn span(self, day: NaiveDate) -> Span {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let (key, range) = match self {
            Period::Week => {
                let iso = day.iso_week();
                let first = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
                (
                    format!("{}-W{:02}", iso.year(), iso.week()),
                    Some((first, first + Days::new(6))),
                )
            }
            Period::Month => {
                let first = day.with_day(1);
                let next = if day.month() == 12 {
                    ymd(day.year() + 1, 1, 1)
                } else {
                    ymd(day.year(), day.month() + 1, 1)
                };
                (
                    format!("{}-{:02}", day.year(), day.month()),
                    first.zip(next.and_then(|n| n.pred_opt())),
                )
            }
            Period::Quarter => {
                let q = day.month0() / 3;
                let first = ymd(day.year(), q * 3 + 1, 1);
                let next = if q == 3 {
                    ymd(day.year() + 1, 1, 1)
                } else {
                    ymd(day.year(), q * 3 + 4, 1)
                };
                (
                    format!("{}-Q{}", day.year(), q + 1),
                    first.zip(next.and_then(|n| n.pred_opt())),
                )
            }
            Period::Year => (
                day.year().to_string(),
                ymd(day.year(), 1, 1).zip(ymd(day.year(), 12, 31)),
            ),
            Period::All => ("all".to_owned(), None),
        };
        Span {
            period: self,
            key,
            range,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub period: Period,
    pub key: String,
    /// First and last day, inclusive; `None` = all time.
    #[serde(skip)]
    pub range: Option<(NaiveDate, NaiveDate)>,
}

impl Span {
    pub fn from(&self) -> Option<NaiveDate> {
        self.range.map(|r| r.0)
    }
    pub fn to(&self) -> Option<NaiveDate> {
        self.range.map(|r| r.1)
    }
}

/// What a board ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Points earned (awards and deductions included, spending not).
    Points,
    /// Verified service hours (ranked in minutes).
    Hours,
    /// Number of verified services.
    Services,
    /// Average rating of verified services.
    Rating,
}

impl Metric {
    pub const ALL: [Metric; 4] = [Metric::Points, Metric::Hours, Metric::Services, Metric::Rating];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Points => "points",
            Metric::Hours => "hours",
            Metric::Services => "services",
            Metric::Rating => "rating",
        }
    }
}

/// One member's line on a board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Standard competition ranking: equal values share a rank (1, 2, 2, 4).
    pub rank: u32,
    pub member_id: i64,
    pub value: f64,
}

/// The order every board uses: higher value first, then higher member id
/// (Redis orders equal scores by member, descending, in `ZREVRANGE`; ids are
/// stored zero-padded so that is numeric order too).
pub fn compare(a: &(i64, f64), b: &(i64, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(b.0.cmp(&a.0))
}

/// Ranks `(member, value)` pairs, keeping the top `limit`. Members with
/// nothing to show (value ≤ 0) are left off.
pub fn rank(mut rows: Vec<(i64, f64)>, limit: usize) -> Vec<Ranked> {
    rows.retain(|(_, v)| *v > 0.0);
    // Only the top `limit` need ordering: partition around it first.
    // `compare` is a total order (ids are unique), so the cut is exact.
    if limit == 0 {
        return Vec::new();
    }
    if rows.len() > limit {
        rows.select_nth_unstable_by(limit - 1, compare);
        rows.truncate(limit);
    }
    rows.sort_by(compare);
    let mut out: Vec<Ranked> = Vec::with_capacity(rows.len());
    for (i, (member_id, value)) in rows.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.value == value => prev.rank,
            _ => u32::try_from(i + 1).unwrap_or(u32::MAX),
        };
        out.push(Ranked { rank, member_id, value });
    }
    out
}

/// What one ledger write adds to the boards of its member's community and
/// street on its day: every metric at once (zeros where it changes nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    pub member_id: i64,
    pub community_id: i64,
    pub street: String,
    pub day: NaiveDate,
    pub points: i64,
    pub minutes: i64,
    pub services: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
    /// The points entry behind `points`, and the service record behind the
    /// other metrics (`None` for a sum over many rows). A board rebuilt from
    /// the ledgers up to a watermark skips rows at or below it, so a write
    /// and a rebuild never count one row twice.
    pub entry_id: Option<i64>,
    pub record_id: Option<i64>,
}

/// The ledgers' highest row ids a rebuild read up to: every row at or
/// below them was committed when it read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Watermark {
    pub entry: i64,
    pub record: i64,
}

impl Delta {
    /// Nothing yet for this member, community and day.
    pub fn zero(member_id: i64, community_id: i64, street: String, day: NaiveDate) -> Self {
        Delta {
            member_id,
            community_id,
            street,
            day,
            points: 0,
            minutes: 0,
            services: 0,
            rating_sum: 0,
            rating_count: 0,
            entry_id: None,
            record_id: None,
        }
    }
}

/// One member's integer totals on one board: what Redis keeps (the rating
/// is `rating_sum / rating_count`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub points: i64,
    pub minutes: i64,
    pub services: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
}

impl Totals {
    /// `(name, value)` of each total, by the names Redis keys use.
    pub fn named(&self) -> [(&'static str, i64); 5] {
        [
            ("points", self.points),
            ("minutes", self.minutes),
            ("services", self.services),
            ("rsum", self.rating_sum),
            ("rcnt", self.rating_count),
        ]
    }

    fn add(&mut self, d: &Delta) {
        self.points += d.points;
        self.minutes += d.minutes;
        self.services += d.services;
        self.rating_sum += d.rating_sum;
        self.rating_count += d.rating_count;
    }
}

/// A board: whose, and which period (by its key, e.g. `2026-11`).
pub type BoardId = (Scope, String);

/// Every board one delta lands on: its community's and its street's, in
/// each period containing its day.
pub fn boards_of(d: &Delta) -> Vec<BoardId> {
    let scopes = [Scope::Community(d.community_id), Scope::Street(d.street.clone())];
    let mut out = Vec::with_capacity(scopes.len() * Period::ALL.len());
    for s in scopes {
        for p in Period::ALL {
            out.push((s.clone(), p.span(d.day).key));
        }
    }
    out
}

/// Deltas added up per board and member.
pub fn fold(deltas: &[Delta]) -> HashMap<BoardId, HashMap<i64, Totals>> {
    let mut out: HashMap<BoardId, HashMap<i64, Totals>> = HashMap::new();
    for d in deltas {
        for board in boards_of(d) {
            out.entry(board).or_default().entry(d.member_id).or_default().add(d);
        }
    }
    out
}

/// Average of a sum of stars over a count, as both implementations compute it.
pub fn average(sum: f64, count: f64) -> f64 {
    if count > 0.0 { sum / count } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn spans() {
        let day = d(2026, 11, 26);
        let w = Period::Week.span(day);
        assert_eq!(
            (w.key.as_str(), w.from(), w.to()),
            ("2026-W48", Some(d(2026, 11, 23)), Some(d(2026, 11, 29)))
        );
        let m = Period::Month.span(day);
        assert_eq!(
            (m.key.as_str(), m.from(), m.to()),
            ("2026-11", Some(d(2026, 11, 1)), Some(d(2026, 11, 30)))
        );
        let q = Period::Quarter.span(day);
        assert_eq!(
            (q.key.as_str(), q.from(), q.to()),
            ("2026-Q4", Some(d(2026, 10, 1)), Some(d(2026, 12, 31)))
        );
        let y = Period::Year.span(day);
        assert_eq!((y.key.as_str(), y.to()), ("2026", Some(d(2026, 12, 31))));
        assert_eq!(Period::All.span(day).range, None);
        // ISO weeks cross years: 2026-12-31 is in 2026-W53, 2027-01-01 too.
        assert_eq!(Period::Week.span(d(2027, 1, 1)).key, "2026-W53");
        assert_eq!(Period::Month.span(d(2026, 12, 5)).to(), Some(d(2026, 12, 31)));
        assert_eq!(Period::Month.span(d(2028, 2, 5)).to(), Some(d(2028, 2, 29)));
    }

    #[test]
    fn ties_share_a_rank_and_order_by_member_descending() {
        let r = rank(vec![(1, 5.0), (2, 7.0), (3, 5.0), (4, 0.0), (5, 1.0)], 10);
        let got: Vec<(u32, i64)> = r.iter().map(|x| (x.rank, x.member_id)).collect();
        assert_eq!(got, vec![(1, 2), (2, 3), (2, 1), (4, 5)]);
        assert_eq!(rank(vec![(1, 5.0), (2, 7.0)], 1).len(), 1);
    }

    proptest! {
        #[test]
        fn top_n_is_the_head_of_the_full_order(
            rows in proptest::collection::vec((1i64..500, 0u8..20), 0..300),
            limit in 0usize..60,
        ) {
            let mut seen = std::collections::HashSet::new();
            let rows: Vec<(i64, f64)> = rows
                .into_iter()
                .filter(|(m, _)| seen.insert(*m))
                .map(|(m, v)| (m, f64::from(v)))
                .collect();
            let mut full: Vec<(i64, f64)> = rows.iter().copied().filter(|(_, v)| *v > 0.0).collect();
            full.sort_by(compare);
            let top: Vec<(i64, f64)> = rank(rows, limit).iter().map(|r| (r.member_id, r.value)).collect();
            prop_assert_eq!(top, full.into_iter().take(limit).collect::<Vec<_>>());
        }

        #[test]
        fn every_day_is_inside_its_span(days in 0u64..20_000) {
            let day = d(2000, 1, 1) + Days::new(days);
            for p in Period::ALL {
                let span = p.span(day);
                if let Some((from, to)) = span.range {
                    prop_assert!(from <= day && day <= to);
                    prop_assert_eq!(p.span(from).key, span.key.clone());
                    prop_assert_eq!(p.span(to).key, span.key.clone());
                    prop_assert_ne!(p.span(to + Days::new(1)).key, span.key);
                }
            }
        }
    }
}
