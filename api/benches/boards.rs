#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on set-up failure
//! Criterion benchmarks of the honor boards' pure parts:
//! - `rank/2000_members_top50`: order a community's totals and keep the top
//!   50 (what both the Redis and the SQL path do after fetching);
//! - `rank/100k_members_top50`: the same for a very large street;
//! - `spans/5_periods`: the period keys one ledger write touches.
//!
//! The end-to-end figure (a million ledger rows, through the API, Redis and
//! SQL) comes from `tests/examples/boardload.rs`; see docs/benchmarks.md.
//!
//! Run: `cargo bench -p linli --bench boards`.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use linli::domain::board::{Period, rank};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::hint::black_box;

fn totals(n: i64, rng: &mut StdRng) -> Vec<(i64, f64)> {
    // Few distinct values, so ties are common as on real boards.
    (1..=n).map(|m| (m, f64::from(rng.random_range(0..500u32)))).collect()
}

fn boards(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(7);
    for (name, n) in [("rank/2000_members_top50", 2_000), ("rank/100k_members_top50", 100_000)] {
        let rows = totals(n, &mut rng);
        c.bench_function(name, |b| b.iter(|| black_box(rank(rows.clone(), 50))));
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    c.bench_function("spans/5_periods", |b| {
        b.iter(|| {
            for p in Period::ALL {
                black_box(p.span(black_box(day)));
            }
        })
    });
}

criterion_group!(benches, boards);
criterion_main!(benches);
