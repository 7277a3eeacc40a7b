use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Every assignment, tried: the true optimum for small markets.
fn brute_force(m: &Market) -> i64 {
    fn go(m: &Market, r: usize, left: &mut Vec<u32>) -> i64 {
        if r == m.edges.len() {
            return 0;
        }
        let mut best = go(m, r + 1, left); // leave request r out
        for &(j, s) in &m.edges[r] {
            if left[j] > 0 {
                left[j] -= 1;
                best = best.max(s + go(m, r + 1, left));
                left[j] += 1;
            }
        }
        best
    }
    go(m, 0, &mut m.capacity.clone())
}

/// The plan uses only listed edges, respects capacity and adds up.
fn check_valid(m: &Market, p: &Plan) -> Result<(), TestCaseError> {
    prop_assert_eq!(p.picks.len(), m.edges.len());
    let mut used = vec![0u32; m.capacity.len()];
    let mut total = 0;
    for (r, pick) in p.picks.iter().enumerate() {
        if let Some(j) = pick {
            let edge = m.edges[r].iter().find(|(k, _)| k == j);
            prop_assert!(edge.is_some(), "request {} given to member {} without an edge", r, j);
            total += edge.map_or(0, |e| e.1);
            used[*j] += 1;
        }
    }
    for (j, u) in used.iter().enumerate() {
        prop_assert!(
            *u <= m.capacity[j],
            "member {} over capacity: {} > {}",
            j,
            u,
            m.capacity[j]
        );
    }
    prop_assert_eq!(total, p.total);
    Ok(())
}

fn markets(max_requests: usize, max_members: usize, max_cap: u32) -> impl Strategy<Value = Market> {
    (1..=max_members, 0..=max_requests).prop_flat_map(move |(members, requests)| {
        let capacity = proptest::collection::vec(0..=max_cap, members);
        let row = proptest::collection::btree_map(0..members, 0i64..100_000, 0..=members)
            .prop_map(|e: BTreeMap<usize, i64>| e.into_iter().collect::<Vec<_>>());
        let edges = proptest::collection::vec(row, requests);
        (edges, capacity).prop_map(|(edges, capacity)| Market { edges, capacity })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn optimal_equals_brute_force_on_small_markets(m in markets(6, 5, 3)) {
        let best = optimal(&m);
        check_valid(&m, &best)?;
        prop_assert_eq!(best.total, brute_force(&m));
    }

    #[test]
    fn optimal_is_valid_and_never_below_greedy(m in markets(40, 25, 4)) {
        let best = optimal(&m);
        let quick = greedy(&m);
        check_valid(&m, &best)?;
        check_valid(&m, &quick)?;
        prop_assert!(best.total >= quick.total, "optimal {} < greedy {}", best.total, quick.total);
    }
}

#[test]
fn optimal_beats_greedy_where_greedy_is_short_sighted() {
    // Request 0 takes member 0 greedily (90 > 80), leaving request 1 only 10.
    let m = Market {
        edges: vec![vec![(0, 90), (1, 80)], vec![(0, 85), (1, 10)]],
        capacity: vec![1, 1],
    };
    assert_eq!(greedy(&m).total, 100);
    let best = optimal(&m);
    assert_eq!(best.picks, vec![Some(1), Some(0)]);
    assert_eq!(best.total, 165);
}

#[test]
fn capacity_is_shared_out_and_zero_capacity_is_never_used() {
    let m = Market {
        edges: vec![vec![(0, 50), (1, 40)]; 3],
        capacity: vec![2, 0],
    };
    let p = optimal(&m);
    assert_eq!(p.assigned(), 2);
    assert!(p.picks.iter().flatten().all(|j| *j == 0));
}

#[test]
fn prefers_dispatching_more_when_totals_tie() {
    // Both plans total 10; the one that dispatches two requests wins.
    let m = Market {
        edges: vec![vec![(0, 10)], vec![(0, 0), (1, 0)]],
        capacity: vec![1, 1],
    };
    let p = optimal(&m);
    assert_eq!(p.total, 10);
    assert_eq!(p.assigned(), 2);
}

#[test]
fn empty_markets() {
    assert_eq!(optimal(&Market::default()).total, 0);
    let m = Market {
        edges: vec![vec![], vec![]],
        capacity: vec![],
    };
    assert_eq!(optimal(&m).picks, vec![None, None]);
    assert_eq!(greedy(&m).picks, vec![None, None]);
}
