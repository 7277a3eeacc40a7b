#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on set-up failure
//! Criterion benchmarks of the matching engine, in the pure domain layer:
//! - `rank/50k_members`: score 50 000 active members for one request and
//!   keep the best 20 (`GET /requests/{id}/candidates` minus the I/O);
//! - `auto_dispatch/1000x5000`: score 1 000 pending requests against 5 000
//!   members and solve the optimal assignment under capacities, and the
//!   same for the greedy baseline. Prints how much optimal beats greedy.
//!
//! Run: `cargo bench -p linli --bench matching`.

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use linli::domain::matching::{
    Availability, GeoPoint, MemberFacts, RequestFacts, Skill, Slot, Weights, Window, greedy, market, optimal, rank,
};
use linli::domain::member::MemberStatus;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;

/// Ten categories in four groups, like the seeded service menu.
fn category(i: i64) -> Skill {
    Skill {
        category_id: i,
        group: (i % 4) as u32,
    }
}

fn members(n: usize, rng: &mut StdRng) -> Vec<MemberFacts> {
    (0..n)
        .map(|i| {
            let max = rng.random_range(1..=4);
            let windows = (0..rng.random_range(0..3))
                .filter_map(|_| {
                    let h = rng.random_range(7..18);
                    Window::new(
                        rng.random_range(1..=7),
                        &format!("{h:02}:00"),
                        &format!("{:02}:00", h + 4),
                    )
                })
                .collect();
            let rated = rng.random_range(0..20);
            MemberFacts {
                user_id: i as i64 + 1000,
                status: MemberStatus::Active,
                grid_id: Some(rng.random_range(0..20)),
                location: rng
                    .random_bool(0.7)
                    .then(|| {
                        GeoPoint::new(
                            30.0 + rng.random_range(-0.02..0.02),
                            120.0 + rng.random_range(-0.02..0.02),
                        )
                    })
                    .flatten(),
                availability: Availability::new(windows),
                skills: (0..rng.random_range(1..4))
                    .map(|_| category(rng.random_range(0..10)))
                    .collect(),
                max_active: max,
                active: rng.random_range(0..max),
                rating_sum: rated * rng.random_range(3..=5),
                rating_count: rated,
                recent: rng.random_range(0..5),
                no_shows: 0,
                qualifications: Vec::new(),
            }
        })
        .collect()
}

fn requests(n: usize, rng: &mut StdRng) -> Vec<RequestFacts> {
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (0..n)
        .map(|i| RequestFacts {
            id: i as i64,
            category: category(rng.random_range(0..10)),
            grid_id: Some(rng.random_range(0..20)),
            location: rng
                .random_bool(0.5)
                .then(|| {
                    GeoPoint::new(
                        30.0 + rng.random_range(-0.02..0.02),
                        120.0 + rng.random_range(-0.02..0.02),
                    )
                })
                .flatten(),
            when: rng
                .random_bool(0.5)
                .then(|| Slot::of(monday + Duration::minutes(rng.random_range(0..7 * 24 * 60)))),
            requesters: [1, 1],
            requires: None,
            declined: vec![],
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let w = Weights::default();
    let mut rng = StdRng::seed_from_u64(42);
    let pool = members(50_000, &mut rng);
    let one = requests(1, &mut rng).remove(0);
    c.bench_function("rank/50k_members", |b| b.iter(|| black_box(rank(&w, &one, &pool, 20))));

    let pool = members(5_000, &mut rng);
    let batch = requests(1_000, &mut rng);
    let m = market(&w, &batch, &pool);
    let (best, quick) = (optimal(&m), greedy(&m));
    println!(
        "auto_dispatch 1000x5000: optimal total {:.3} ({} assigned), greedy total {:.3} ({} assigned), optimal − greedy = {:.3} points ({:+.2}%)",
        best.total as f64 / 1000.0,
        best.assigned(),
        quick.total as f64 / 1000.0,
        quick.assigned(),
        (best.total - quick.total) as f64 / 1000.0,
        (best.total - quick.total) as f64 * 100.0 / quick.total.max(1) as f64,
    );
    let mut g = c.benchmark_group("auto_dispatch");
    g.sample_size(10);
    g.bench_function("score_1000x5000", |b| b.iter(|| black_box(market(&w, &batch, &pool))));
    g.bench_function("optimal_1000x5000", |b| b.iter(|| black_box(optimal(&m))));
    g.bench_function("greedy_1000x5000", |b| b.iter(|| black_box(greedy(&m))));
    g.bench_function("score_and_optimal_1000x5000", |b| {
        b.iter(|| black_box(optimal(&market(&w, &batch, &pool))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
