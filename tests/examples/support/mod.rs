//! What the load generators share: loopback-only targets, demo logins,
//! timed calls, percentiles. Each example compiles its own copy, and not
//! every one uses every helper.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The API base for `base`, refusing anything but a loopback address.
pub fn loopback_api(base: &str) -> String {
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    assert!(
        host == "localhost" || host.starts_with("127.") || host == "[" || host == "::1",
        "load generators only target loopback addresses, not {host}"
    );
    format!("{}/api/v1", base.trim_end_matches('/'))
}

/// Logs in a demo account (`linli serve --demo`): `(token, user id)`.
pub async fn login(client: &reqwest::Client, api: &str, phone: &str) -> (String, i64) {
    let v: Value = client
        .post(format!("{api}/auth/login"))
        .json(&json!({"phone": phone, "password": "linli-demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    let token = v["token"]
        .as_str()
        .expect("token (is the server running with --demo?)")
        .to_owned();
    (token, v["user"]["id"].as_i64().expect("user id"))
}

/// The `p` quantile of sorted samples, in milliseconds.
pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Sends `rb`, times it until the body is read, and insists on success
/// (`what` names the call in the panic message).
pub async fn timed(rb: reqwest::RequestBuilder, what: &str) -> (Duration, Value) {
    let t = Instant::now();
    let resp = rb.send().await.expect("send");
    let status = resp.status();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    let took = t.elapsed();
    assert!(status.is_success(), "{what}: {status} {v}");
    (took, v)
}

/// `calls` GETs of `url` spread over `concurrency` workers, each timed:
/// the samples, sorted.
pub async fn hammer(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    calls: usize,
    concurrency: usize,
    what: &'static str,
) -> Vec<Duration> {
    let per_worker = calls / concurrency.max(1);
    let url = std::sync::Arc::new(url.to_owned());
    let token = std::sync::Arc::new(token.to_owned());
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|_| {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            tokio::spawn(async move {
                let mut v = Vec::with_capacity(per_worker);
                for _ in 0..per_worker {
                    v.push(
                        timed(client.get(url.as_str()).bearer_auth(token.as_str()), what)
                            .await
                            .0,
                    );
                }
                v
            })
        })
        .collect();
    let mut samples = Vec::new();
    for w in workers {
        samples.extend(w.await.expect("worker"));
    }
    samples.sort();
    samples
}

/// One markdown table row: `| name | n | p50 ms | p99 ms |`.
pub fn report(name: &str, mut v: Vec<Duration>) {
    v.sort();
    println!("| {name} | {} | {:.2} | {:.2} |", v.len(), pct(&v, 0.5), pct(&v, 0.99));
}
