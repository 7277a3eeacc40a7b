//! What the load generators share: loopback-only targets, demo logins,
//! percentiles.

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
