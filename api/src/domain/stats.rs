//! Statistics over requests: received, closed, 办结率, time to accept and to
//! close, overdue, rating. Pure: the service loads one [`Row`] per request.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// One received request, as the figures need it.
#[derive(Debug, Clone)]
pub struct Row {
    pub created_at: DateTime<Utc>,
    /// First accept or claim.
    pub accepted_at: Option<DateTime<Utc>>,
    /// Set when closed now.
    pub closed_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub rating: Option<i16>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub received: u64,
    pub closed: u64,
    /// 办结率: closed ÷ received (0 when nothing was received), to three
    /// places — a percentage with one decimal, as street reports print it
    /// (544 of 563 is 0.966: 96.6 %, not 97 %).
    pub completion_rate: f64,
    /// Mean hours from posting to the first accept, over accepted requests.
    pub avg_hours_to_accept: Option<f64>,
    /// Mean hours from posting to close, over closed requests.
    pub avg_hours_to_close: Option<f64>,
    /// Requests the sweeper found overdue at some stage.
    pub overdue: u64,
    pub avg_rating: Option<f64>,
    pub rated: u64,
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| round2(v.iter().sum::<f64>() / v.len() as f64))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / 3600.0
}

pub fn figures<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Figures {
    let mut f = Figures::default();
    let (mut accept, mut close, mut stars) = (Vec::new(), Vec::new(), Vec::new());
    for r in rows {
        f.received += 1;
        if let Some(c) = r.closed_at {
            f.closed += 1;
            close.push(hours(r.created_at, c));
        }
        if let Some(a) = r.accepted_at {
            accept.push(hours(r.created_at, a));
        }
        if r.overdue {
            f.overdue += 1;
        }
        if let Some(s) = r.rating {
            stars.push(f64::from(s));
        }
    }
    f.completion_rate = if f.received == 0 {
        0.0
    } else {
        (f.closed as f64 / f.received as f64 * 1000.0).round() / 1000.0
    };
    f.avg_hours_to_accept = mean(&accept);
    f.avg_hours_to_close = mean(&close);
    f.rated = stars.len() as u64;
    f.avg_rating = mean(&stars);
    f
}

/// 环比: the change from `last` to `now` as a share of `last`, to four
/// places (a percentage with two decimals: 12345 orders falling from 1 000
/// to 797 is −0.2030, −20.30 %); none when there was nothing before.
pub fn change(now: u64, last: u64) -> Option<f64> {
    (last > 0).then(|| ((now as f64 - last as f64) / last as f64 * 10_000.0).round() / 10_000.0)
}

/// Figures per key (category code, grid, month…), keys in order.
pub fn grouped<K: Ord + Clone>(rows: &[(K, Row)]) -> BTreeMap<K, Figures> {
    let mut by: BTreeMap<K, Vec<&Row>> = BTreeMap::new();
    for (k, r) in rows {
        by.entry(k.clone()).or_default().push(r);
    }
    by.into_iter().map(|(k, v)| (k, figures(v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn hand_computed() {
        let rows = [
            Row {
                created_at: t(0),
                accepted_at: Some(t(2)),
                closed_at: Some(t(10)),
                overdue: false,
                rating: Some(5),
            },
            Row {
                created_at: t(0),
                accepted_at: Some(t(4)),
                closed_at: Some(t(20)),
                overdue: true,
                rating: Some(4),
            },
            Row {
                created_at: t(0),
                accepted_at: Some(t(6)),
                closed_at: None,
                overdue: true,
                rating: None,
            },
            Row {
                created_at: t(0),
                accepted_at: None,
                closed_at: None,
                overdue: false,
                rating: None,
            },
        ];
        let f = figures(&rows);
        assert_eq!(f.received, 4);
        assert_eq!(f.closed, 2);
        assert_eq!(f.completion_rate, 0.5);
        assert_eq!(f.avg_hours_to_accept, Some(4.0));
        assert_eq!(f.avg_hours_to_close, Some(15.0));
        assert_eq!(f.overdue, 2);
        assert_eq!((f.avg_rating, f.rated), (Some(4.5), 2));
        assert_eq!(figures(&[]), Figures::default());
    }

    #[test]
    fn completion_rate_keeps_one_decimal_of_a_percent() {
        let row = |closed: bool| Row {
            created_at: t(0),
            accepted_at: None,
            closed_at: closed.then(|| t(1)),
            overdue: false,
            rating: None,
        };
        // 天水郡街道: 544 of 563 events closed, 96.6 %.
        let rows: Vec<Row> = (0..563).map(|i| row(i < 544)).collect();
        assert_eq!(figures(&rows).completion_rate, 0.966);
        assert_eq!(figures(&[row(true), row(true), row(false)]).completion_rate, 0.667);
        assert_eq!(figures(&[]).completion_rate, 0.0);
    }

    #[test]
    fn month_on_month_change() {
        assert_eq!(change(797, 1000), Some(-0.203));
        assert_eq!(change(12, 10), Some(0.2));
        assert_eq!(change(2, 3), Some(-0.3333));
        assert_eq!(change(5, 0), None);
        assert_eq!(change(0, 4), Some(-1.0));
    }
}
