//! Load for the matching endpoints of a running Linli server (`--demo`),
//! loopback only.
//!
//! 1. Imports `--members` members into the demo community (阳光社区) by CSV,
//!    with random skills, grids, availability and positions (skipped when
//!    the community already has that many).
//! 2. Posts one request and calls `GET /requests/{id}/candidates?limit=20`
//!    `--calls` times from `--concurrency` workers: count, p50, p99.
//! 3. Posts `--pending` more requests and times `POST /dispatch/auto`
//!    (dry run) over all pending ones, `--auto-runs` times.
//!
//! Start the server with a cheap password hash, or the import spends
//! minutes hashing initial passwords:
//! `LINLI_ARGON2_MEMORY_KIB=1024 LINLI_ARGON2_ITERATIONS=1 linli serve --demo`
//!
//! `cargo run --release -p linli-tests --example matchload -- --base http://127.0.0.1:8080`

mod support;

use clap::Parser;
use serde_json::{Value, json};
use std::time::Instant;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    #[arg(long, default_value_t = 5_000)]
    members: usize,
    #[arg(long, default_value_t = 2_000)]
    calls: usize,
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    #[arg(long, default_value_t = 200)]
    pending: usize,
    #[arg(long, default_value_t = 5)]
    auto_runs: usize,
}

const SKILLS: [&str; 10] = [
    "elderly_care",
    "appliance_repair",
    "legal_advice",
    "mediation",
    "environment",
    "errands",
    "counseling",
    "health",
    "patrol",
    "policy_outreach",
];

/// A small deterministic generator: the same roster every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        self.below(1_000_000) as f64 / 1_000_000.0
    }
}

fn roster(n: usize) -> String {
    let mut rng = Lcg(7);
    let mut csv = String::from("phone,name,kind,employer,skills,grid,max_active,availability,lat,lng\n");
    for i in 0..n {
        let skills: Vec<&str> = (0..1 + rng.below(3)).map(|_| SKILLS[rng.below(10) as usize]).collect();
        let windows: Vec<String> = (0..rng.below(3))
            .map(|_| {
                let h = 7 + rng.below(10);
                format!("{} {h:02}:00-{:02}:00", 1 + rng.below(7), h + 4)
            })
            .collect();
        let party = rng.below(2) == 0;
        csv.push_str(&format!(
            "{},成员{i},{},{},{},{},{},{},{:.6},{:.6}\n",
            15_000_000_000u64 + i as u64,
            if party { "party_member" } else { "volunteer" },
            if party { "某单位" } else { "" },
            skills.join(";"),
            if rng.below(2) == 0 {
                "东区网格"
            } else {
                "西区网格"
            },
            1 + rng.below(4),
            windows.join(";"),
            30.27 + rng.unit() * 0.02,
            120.15 + rng.unit() * 0.02,
        ));
    }
    csv
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let api = support::loopback_api(&args.base);
    let client = reqwest::Client::new();
    let (admin, _) = support::login(&client, &api, "13900000000").await;
    let (resident, _) = support::login(&client, &api, "13900000001").await;
    let (_, me) = support::timed(client.get(format!("{api}/me")).bearer_auth(&admin), "GET /me").await;
    let community = me["community"]["id"].as_i64().expect("community");

    let (_, existing) = support::timed(
        client
            .get(format!("{api}/members?limit=100&community_id={community}&cursor=0"))
            .bearer_auth(&admin),
        "GET /members",
    )
    .await;
    if existing["next_cursor"].is_null() {
        let t = Instant::now();
        let (_, r) = support::timed(
            client
                .post(format!("{api}/members/import"))
                .bearer_auth(&admin)
                .header("content-type", "text/csv")
                .body(roster(args.members)),
            "POST /members/import",
        )
        .await;
        println!(
            "imported {} members in {:.1} s",
            r["imported"],
            t.elapsed().as_secs_f64()
        );
    }

    let post = |title: String| {
        let (client, api, resident) = (client.clone(), api.clone(), resident.clone());
        async move {
            let mut rng = Lcg(title.len() as u64 + 11);
            let (_, r) = support::timed(
                client
                    .post(format!("{api}/requests"))
                    .bearer_auth(&resident)
                    .json(&json!({
                        "category": SKILLS[rng.below(10) as usize], "title": title, "address": "1号楼",
                        "lat": 30.28, "lng": 120.16, "preferred_time": "2026-12-05T02:00:00Z"
                    })),
                "POST /requests",
            )
            .await;
            r["id"].as_i64().expect("id")
        }
    };
    let id = post("测血压".into()).await;
    let (_, c) = support::timed(
        client
            .get(format!("{api}/requests/{id}/candidates?limit=20"))
            .bearer_auth(&admin),
        "GET candidates",
    )
    .await;
    println!(
        "candidates: {} eligible, excluded {}, best {} ({})",
        c["eligible"], c["excluded_by_reason"], c["candidates"][0]["member"]["name"], c["candidates"][0]["score"]
    );

    let started = Instant::now();
    let url = format!("{api}/requests/{id}/candidates?limit=20");
    let samples = support::hammer(&client, &url, &admin, args.calls, args.concurrency, "GET candidates").await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} candidate calls in {secs:.1} s ({:.0}/s)",
        samples.len(),
        samples.len() as f64 / secs
    );
    println!("| endpoint | n | p50 ms | p99 ms |\n|---|---|---|---|");
    support::report("GET /requests/{id}/candidates?limit=20", samples);

    for i in 0..args.pending {
        post(format!("待派单{i}")).await;
    }
    let mut auto = Vec::new();
    let mut last = Value::Null;
    for _ in 0..args.auto_runs {
        let (t, v) = support::timed(
            client
                .post(format!("{api}/dispatch/auto"))
                .bearer_auth(&admin)
                .json(&json!({"community_id": community, "dry_run": true})),
            "POST /dispatch/auto",
        )
        .await;
        auto.push(t);
        last = v;
    }
    support::report("POST /dispatch/auto (dry run)", auto);
    println!(
        "auto-dispatch plan: {} requests, {} assigned, total {} vs greedy {} (+{})",
        last["requests"], last["assigned"], last["total_score"], last["greedy_total_score"], last["gain_over_greedy"]
    );
}
