//! A bounded load generator for a running Linli server, loopback only.
//!
//! It logs in as the demo accounts (`linli serve --demo`), then runs
//! `--concurrency` workers until `--requests` full loops are done or
//! `--seconds` pass, whichever comes first. Each loop: a resident posts a
//! request, the admin dispatches it, the member accepts, starts, completes,
//! the resident reviews, the admin verifies — plus a list of the hall and a
//! read of the request. Prints count, throughput, p50/p99 per endpoint.
//!
//! `cargo run --release -p linli-tests --example loadgen -- --base http://127.0.0.1:8080`

mod support;

use clap::Parser;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Full loops to run at most.
    #[arg(long, default_value_t = 300)]
    requests: u64,
    /// Seconds to run at most.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
}

type Samples = Arc<Mutex<BTreeMap<&'static str, Vec<Duration>>>>;

struct Ctx {
    client: reqwest::Client,
    api: String,
    admin: String,
    resident: String,
    member: String,
    member_id: i64,
    samples: Samples,
}

impl Ctx {
    async fn call(
        &self,
        name: &'static str,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Value {
        let mut rb = self
            .client
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(token);
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let (took, v) = support::timed(rb, &format!("{name} {path}")).await;
        self.samples.lock().await.entry(name).or_default().push(took);
        v
    }

    async fn full_loop(&self) {
        use reqwest::Method as M;
        let r = self
            .call(
                "POST /requests",
                &self.resident,
                M::POST,
                "/requests",
                Some(json!({"category": "health", "title": "测血压", "address": "1号楼"})),
            )
            .await;
        let id = r["id"].as_i64().expect("id");
        let act = |a: &'static str| format!("/requests/{id}/{a}");
        self.call(
            "POST dispatch",
            &self.admin,
            M::POST,
            &act("dispatch"),
            Some(json!({"assignee_id": self.member_id})),
        )
        .await;
        self.call("POST accept", &self.member, M::POST, &act("accept"), None)
            .await;
        self.call("POST start", &self.member, M::POST, &act("start"), None)
            .await;
        self.call(
            "POST complete",
            &self.member,
            M::POST,
            &act("complete"),
            Some(json!({"hours": 1, "summary": "ok"})),
        )
        .await;
        self.call(
            "POST review",
            &self.resident,
            M::POST,
            &act("review"),
            Some(json!({"stars": 5})),
        )
        .await;
        self.call("POST verify", &self.admin, M::POST, &act("verify"), None)
            .await;
        self.call(
            "GET /requests/{id}",
            &self.resident,
            M::GET,
            &format!("/requests/{id}"),
            None,
        )
        .await;
        self.call(
            "GET /requests?limit=20",
            &self.admin,
            M::GET,
            "/requests?limit=20",
            None,
        )
        .await;
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let client = reqwest::Client::new();
    let api = support::loopback_api(&args.base);
    let (admin, _) = support::login(&client, &api, "13900000000").await;
    let (resident, _) = support::login(&client, &api, "13900000001").await;
    let (member, member_id) = support::login(&client, &api, "13900000011").await;
    // Every worker dispatches to this one member: give them room for all.
    let s = client
        .put(format!("{api}/members/{member_id}"))
        .bearer_auth(&admin)
        .json(&json!({"kind": "party_member", "employer": "区人民医院", "skills": ["health"], "max_active": 20}))
        .send()
        .await
        .expect("raise places")
        .status();
    assert!(s.is_success(), "raising the demo member's places: {s}");
    let ctx = Arc::new(Ctx {
        client,
        api,
        admin,
        resident,
        member,
        member_id,
        samples: Arc::default(),
    });
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (ctx, done) = (ctx.clone(), done.clone());
            let limit = args.requests;
            tokio::spawn(async move {
                while Instant::now() < deadline && done.fetch_add(1, Ordering::SeqCst) < limit {
                    ctx.full_loop().await;
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let samples = ctx.samples.lock().await;
    let total: usize = samples.values().map(Vec::len).sum();
    let loops = samples.get("POST verify").map_or(0, Vec::len);
    println!(
        "{loops} full loops, {total} HTTP calls in {elapsed:.1} s with {} workers: {:.0} calls/s, {:.1} loops/s",
        args.concurrency,
        total as f64 / elapsed,
        loops as f64 / elapsed
    );
    println!("| endpoint | n | p50 ms | p99 ms |\n|---|---|---|---|");
    for (name, v) in samples.iter() {
        support::report(name, v.clone());
    }
}
