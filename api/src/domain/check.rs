//! The ledger invariants `linli check` verifies, as comparisons of what
//! was read: balance = Σ points entries, hours = Σ service records, no
//! negative balance, at most one credit per request round (and a closed
//! request credited), Redis boards = the boards the ledgers give. Pure:
//! `services::check` reads, these decide.

use crate::domain::board::Totals;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

code_enum! {
    /// Which invariant a finding breaks (the catalogue has `check.<code>`).
    pub enum Code {
        /// `member_balances.points` ≠ Σ points entries.
        PointsBalance,
        /// `member_balances.minutes` ≠ Σ service-record minutes.
        HoursBalance,
        /// Points below zero (the balance or Σ entries).
        NegativeBalance,
        /// More credits than rounds, or two in one round.
        CreditedTwice,
        /// Closed, and no credit at all.
        ClosedUncredited,
        /// A Redis board's totals for a member differ from the ledgers'.
        BoardMismatch,
        /// Redis is configured but did not answer: boards not compared.
        RedisUnavailable,
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    Member {
        member_id: i64,
    },
    Request {
        request_id: i64,
    },
    /// `board` is `c{community}:{period}` or `s{street}:{period}`.
    Board {
        board: String,
        member_id: i64,
    },
    Redis,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub subject: Subject,
    pub expected: String,
    pub found: String,
}

/// How a request was credited: its service records and service points
/// entries, and the distinct rounds among each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Credits {
    pub records: i64,
    pub record_rounds: i64,
    pub entries: i64,
    pub entry_rounds: i64,
}

/// A request as the check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestRound {
    pub community_id: i64,
    pub round: i32,
    pub closed: bool,
}

/// Balances against the ledgers. `sums` and `balances` map a member to
/// (points, minutes); a member missing from one has zeros there.
pub fn balances(sums: &HashMap<i64, (i64, i64)>, balances: &HashMap<i64, (i64, i64)>) -> Vec<Finding> {
    let members: BTreeSet<i64> = sums.keys().chain(balances.keys()).copied().collect();
    let mut out = Vec::new();
    for member_id in members {
        let (points, minutes) = sums.get(&member_id).copied().unwrap_or_default();
        let (held, held_minutes) = balances.get(&member_id).copied().unwrap_or_default();
        let subject = Subject::Member { member_id };
        let mut finding = |code, expected: String, found: String| {
            out.push(Finding {
                code,
                subject: subject.clone(),
                expected,
                found,
            })
        };
        if held != points {
            finding(Code::PointsBalance, points.to_string(), held.to_string());
        }
        if held_minutes != minutes {
            finding(Code::HoursBalance, minutes.to_string(), held_minutes.to_string());
        }
        if points < 0 || held < 0 {
            finding(Code::NegativeBalance, "≥ 0".into(), points.min(held).to_string());
        }
    }
    out
}

/// One credit per round of each request, and a closed request credited.
pub fn credits(requests: &HashMap<i64, RequestRound>, credits: &HashMap<i64, Credits>) -> Vec<Finding> {
    let ordered: BTreeMap<i64, &RequestRound> = requests.iter().map(|(id, r)| (*id, r)).collect();
    let mut out = Vec::new();
    for (request_id, r) in ordered {
        let c = credits.get(&request_id).copied().unwrap_or_default();
        let rounds = i64::from(r.round);
        // Service records / service points entries.
        let found = format!("{}/{}", c.records, c.entries);
        let twice =
            c.records > c.record_rounds || c.entries > c.entry_rounds || c.records > rounds || c.entries > rounds;
        let subject = Subject::Request { request_id };
        if twice {
            out.push(Finding {
                code: Code::CreditedTwice,
                subject,
                expected: rounds.to_string(),
                found,
            });
        } else if r.closed && (c.records == 0 || c.entries == 0) {
            out.push(Finding {
                code: Code::ClosedUncredited,
                subject,
                expected: "1/1".into(),
                found,
            });
        }
    }
    out
}

/// `p=… m=… s=… r=sum/count`: points, minutes, services, stars.
fn totals_text(t: &Totals) -> String {
    format!(
        "p={} m={} s={} r={}/{}",
        t.points, t.minutes, t.services, t.rating_sum, t.rating_count
    )
}

/// Redis boards (`found`) against the ledgers' (`expected`), member by
/// member; a member absent from one side has zeros there.
pub fn boards(
    expected: &HashMap<String, HashMap<i64, Totals>>,
    found: &HashMap<String, HashMap<i64, Totals>>,
) -> Vec<Finding> {
    let names: BTreeSet<&String> = expected.keys().chain(found.keys()).collect();
    let empty = HashMap::new();
    let mut out = Vec::new();
    for board in names {
        let e = expected.get(board).unwrap_or(&empty);
        let f = found.get(board).unwrap_or(&empty);
        let members: BTreeSet<i64> = e.keys().chain(f.keys()).copied().collect();
        for member_id in members {
            let (want, got) = (
                e.get(&member_id).copied().unwrap_or_default(),
                f.get(&member_id).copied().unwrap_or_default(),
            );
            if want != got {
                out.push(Finding {
                    code: Code::BoardMismatch,
                    subject: Subject::Board {
                        board: board.clone(),
                        member_id,
                    },
                    expected: totals_text(&want),
                    found: totals_text(&got),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balances_agree_or_say_what_differs() {
        let sums = HashMap::from([(1, (10, 60)), (2, (-3, 0)), (3, (5, 30))]);
        let held = HashMap::from([(1, (10, 60)), (2, (-3, 0)), (3, (6, 0)), (4, (1, 0))]);
        let found = balances(&sums, &held);
        let codes: Vec<(Code, i64)> = found
            .iter()
            .map(|f| match f.subject {
                Subject::Member { member_id } => (f.code, member_id),
                _ => (f.code, 0),
            })
            .collect();
        assert_eq!(
            codes,
            [
                (Code::NegativeBalance, 2),
                (Code::PointsBalance, 3),
                (Code::HoursBalance, 3),
                (Code::PointsBalance, 4),
            ]
        );
        assert_eq!((found[1].expected.as_str(), found[1].found.as_str()), ("5", "6"));
        assert!(balances(&sums, &sums).iter().all(|f| f.code == Code::NegativeBalance));
    }

    #[test]
    fn one_credit_per_round() {
        let r = |round, closed| RequestRound {
            community_id: 1,
            round,
            closed,
        };
        let c = |records, record_rounds, entries, entry_rounds| Credits {
            records,
            record_rounds,
            entries,
            entry_rounds,
        };
        let requests = HashMap::from([
            (1, r(1, true)),
            (2, r(2, true)),
            (3, r(1, true)),
            (4, r(1, true)),
            (5, r(1, false)),
        ]);
        let credited = HashMap::from([
            (1, c(1, 1, 1, 1)),
            (2, c(2, 2, 2, 2)), // reopened once: a credit per round
            (3, c(2, 1, 1, 1)), // a second record in round 1
            // 4: closed, never credited
            (5, c(0, 0, 0, 0)),
        ]);
        let found: Vec<(Code, Subject)> = credits(&requests, &credited)
            .into_iter()
            .map(|f| (f.code, f.subject))
            .collect();
        assert_eq!(
            found,
            [
                (Code::CreditedTwice, Subject::Request { request_id: 3 }),
                (Code::ClosedUncredited, Subject::Request { request_id: 4 }),
            ]
        );
    }

    #[test]
    fn boards_compare_member_by_member() {
        let t = |points, minutes| Totals {
            points,
            minutes,
            ..Totals::default()
        };
        let expected = HashMap::from([("c1:all".to_owned(), HashMap::from([(7, t(5, 60)), (8, t(1, 0))]))]);
        let mut found = expected.clone();
        assert!(boards(&expected, &found).is_empty());
        found.insert("c1:all".into(), HashMap::from([(7, t(10, 60))]));
        let f = boards(&expected, &found);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].found, "p=10 m=60 s=0 r=0/0");
        assert_eq!(f[1].found, "p=0 m=0 s=0 r=0/0");
    }
}
