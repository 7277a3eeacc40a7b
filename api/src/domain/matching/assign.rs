//! Batch dispatch (一键派单): give each pending request to one member so
//! that the total score is as high as possible, no member gets more than
//! their spare capacity, and nobody excluded is ever picked.
//!
//! Solved exactly as a maximum-weight bipartite matching on a
//! capacity-expanded matrix (one column per free slot of a member) with the
//! Kuhn–Munkres algorithm from the `pathfinding` crate. [`greedy`] is the
//! baseline a dispatcher gets by working down the queue and giving each
//! request its best free member.

use super::score::{MemberFacts, RequestFacts, Weights, evaluate};
use pathfinding::prelude::{Weights as KmWeights, kuhn_munkres};

/// Who may take which request, and how well they fit.
#[derive(Debug, Clone, Default)]
pub struct Market {
    /// Per request, in queue order: `(member index, score in milli-points)`
    /// for every eligible member. Scores are `>= 0`.
    pub edges: Vec<Vec<(usize, i64)>>,
    /// Spare capacity per member.
    pub capacity: Vec<u32>,
}

/// Build the market by scoring every member for every request; excluded
/// members get no edge.
pub fn market(w: &Weights, requests: &[RequestFacts], members: &[MemberFacts]) -> Market {
    Market {
        edges: requests
            .iter()
            .map(|r| {
                members
                    .iter()
                    .enumerate()
                    .filter_map(|(i, m)| evaluate(w, r, m).ok().map(|b| (i, b.milli())))
                    .collect()
            })
            .collect(),
        capacity: members.iter().map(MemberFacts::spare).collect(),
    }
}

/// Which member each request goes to, and the summed score in milli-points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub picks: Vec<Option<usize>>,
    pub total: i64,
}

impl Plan {
    pub fn assigned(&self) -> usize {
        self.picks.iter().flatten().count()
    }
}

/// The dispatcher's way: down the queue, each request takes its best member
/// who still has room (ties to the lower index).
pub fn greedy(m: &Market) -> Plan {
    let mut left = m.capacity.clone();
    let mut total = 0;
    let picks = m
        .edges
        .iter()
        .map(|edges| {
            let best = edges
                .iter()
                .filter(|(j, _)| left.get(*j).copied().unwrap_or(0) > 0)
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
            left[best.0] -= 1;
            total += best.1;
            Some(best.0)
        })
        .collect();
    Plan { picks, total }
}

/// Dense scores for the rows that take part, read through a slot → member
/// table so a member with three free places is three identical columns
/// without being stored three times.
struct Expanded {
    rows: usize,
    /// Members taking part, plus one always-zero column at the end.
    width: usize,
    scores: Vec<i64>,
    slots: Vec<u32>,
}

impl KmWeights<i64> for Expanded {
    fn rows(&self) -> usize {
        self.rows
    }

    fn columns(&self) -> usize {
        self.slots.len()
    }

    fn at(&self, row: usize, col: usize) -> i64 {
        self.scores[row * self.width + self.slots[col] as usize]
    }

    fn neg(&self) -> Self {
        Self {
            rows: self.rows,
            width: self.width,
            scores: self.scores.iter().map(|s| -s).collect(),
            slots: self.slots.clone(),
        }
    }
}

/// The assignment with the highest total score; among equal totals, the one
/// that dispatches the most requests.
pub fn optimal(m: &Market) -> Plan {
    let mut picks = vec![None; m.edges.len()];
    // Only requests with a member who has room take part. Each keeps its best
    // `n` edges: with `n` requests, at most `n - 1` others can fill places, so
    // one of a request's top `n` members always has room for it — an optimum
    // never needs an edge further down.
    let room = |j: usize| m.capacity.get(j).copied().unwrap_or(0) > 0;
    let mut rows: Vec<(usize, Vec<(usize, i64)>)> = m
        .edges
        .iter()
        .enumerate()
        .map(|(r, e)| (r, e.iter().copied().filter(|(j, _)| room(*j)).collect::<Vec<_>>()))
        .filter(|(_, e)| !e.is_empty())
        .collect();
    let n = rows.len();
    if n == 0 {
        return Plan { picks, total: 0 };
    }
    for (_, e) in &mut rows {
        if e.len() > n {
            e.select_nth_unstable_by(n - 1, |a, b| b.1.cmp(&a.1));
            e.truncate(n);
        }
    }

    // Compact the members that appear at all.
    const UNUSED: u32 = u32::MAX;
    let mut column_of = vec![UNUSED; m.capacity.len()];
    let mut members = Vec::new();
    for (_, e) in &rows {
        for &(j, _) in e {
            if column_of[j] == UNUSED {
                column_of[j] = members.len() as u32;
                members.push(j);
            }
        }
    }
    let width = members.len() + 1;
    // Scaled so that one milli-point outweighs any number of the +1s, which
    // only break ties in favour of dispatching more requests; 0 = no edge.
    let scale = n as i64 + 1;
    let mut scores = vec![0i64; n * width];
    for (row, (_, e)) in rows.iter().enumerate() {
        for &(j, s) in e {
            scores[row * width + column_of[j] as usize] = s * scale + 1;
        }
    }
    let mut slots = Vec::new();
    for (c, &j) in members.iter().enumerate() {
        let places = (m.capacity[j] as usize).min(n);
        slots.extend(std::iter::repeat_n(c as u32, places));
    }
    if slots.len() < n {
        slots.extend(std::iter::repeat_n(members.len() as u32, n - slots.len()));
    }
    let matrix = Expanded {
        rows: n,
        width,
        scores,
        slots,
    };
    let (_, cols) = kuhn_munkres(&matrix);

    let mut total = 0;
    for (row, col) in cols.into_iter().enumerate() {
        let c = matrix.slots[col] as usize;
        if c < members.len() && matrix.scores[row * width + c] > 0 {
            let (r, edges) = &rows[row];
            let j = members[c];
            total += edges.iter().find(|(k, _)| *k == j).map_or(0, |e| e.1);
            picks[*r] = Some(j);
        }
    }
    Plan { picks, total }
}

#[cfg(test)]
#[path = "assign_tests.rs"]
mod tests;
