//! Property: for any sequence of closes, awards, deductions, redemptions,
//! cancellations, corrections and voids, every member's balance equals the
//! sum of their points entries and is never negative, their hours equal the
//! sum of their service records, and each request credits exactly once.
//! Driven over HTTP against one app (SQLite) shared by all cases; each case
//! gets new members, so cases do not see each other's ledgers.

use crate::helpers::{Backend, TestApp, User, spawn_app};
use proptest::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[derive(Debug, Clone)]
enum Op {
    Close { m: usize, minutes: i64, stars: i64 },
    Award { m: usize, points: i64 },
    Deduct { m: usize, points: i64 },
    Redeem { m: usize, dear: bool },
    Cancel { k: usize },
    Correct { m: usize, k: usize, minutes: i64 },
    Void { k: usize },
    VerifyAgain { k: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let m = 0usize..2;
    prop_oneof![
        3 => (m.clone(), 15i64..600, 1i64..=5).prop_map(|(m, minutes, stars)| Op::Close { m, minutes, stars }),
        1 => (m.clone(), 1i64..30).prop_map(|(m, points)| Op::Award { m, points }),
        1 => (m.clone(), 1i64..30).prop_map(|(m, points)| Op::Deduct { m, points }),
        2 => (m.clone(), any::<bool>()).prop_map(|(m, dear)| Op::Redeem { m, dear }),
        1 => (0usize..8).prop_map(|k| Op::Cancel { k }),
        1 => (m, 0usize..8, 1i64..900).prop_map(|(m, k, minutes)| Op::Correct { m, k, minutes }),
        1 => (0usize..8).prop_map(|k| Op::Void { k }),
        1 => (0usize..8).prop_map(|k| Op::VerifyAgain { k }),
    ]
}

struct World {
    rt: tokio::runtime::Runtime,
    app: TestApp,
    cheap: i64,
    dear: i64,
}

/// One app for every case (building one per case would dominate the run);
/// made by the single test below and dropped at its end, so its database
/// file goes with it.
fn world() -> World {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (app, cheap, dear) = rt.block_on(async {
        let app = spawn_app(Backend::Sqlite).await.expect("sqlite always runs");
        let mut ids = Vec::new();
        for price in [3, 25] {
            let (s, r) = app
                .post(
                    &app.admin.token,
                    "/rewards",
                    json!({"name": "食用油", "points_price": price, "stock": 100000}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
            ids.push(r["id"].as_i64().expect("id"));
        }
        (app, ids[0], ids[1])
    });
    World { rt, app, cheap, dear }
}

fn pick<T: Clone>(items: &[T], k: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[k % items.len()].clone())
}

/// Allowed outcomes of an op: success, or a clear refusal — never a 5xx.
fn expect(status: StatusCode, body: &Value, ok: &[StatusCode], refusals: &[&str]) {
    assert!(
        ok.contains(&status) || refusals.contains(&body["code"].as_str().unwrap_or("")),
        "unexpected {status}: {body}"
    );
}

async fn all_items(app: &TestApp, who: &User, path: &str) -> Vec<Value> {
    let (s, b) = app.get(&who.token, &format!("{path}?limit=100")).await;
    assert_eq!(s, StatusCode::OK, "{path}: {b}");
    b["items"].as_array().cloned().unwrap_or_default()
}

async fn run(w: &World, ops: Vec<Op>) {
    let app = &w.app;
    let resident = app.resident().await;
    let members = [app.member().await, app.member().await];
    let mut closed: Vec<i64> = Vec::new();
    let mut redemptions: Vec<i64> = Vec::new();
    let conflict = [StatusCode::CONFLICT];
    for op in &ops {
        match op.clone() {
            Op::Close { m, minutes, stars } => {
                closed.push(app.closed_request(&resident, &members[m], minutes, stars).await);
            }
            Op::Award { m, points } => {
                app.award(members[m].id, points).await;
            }
            Op::Deduct { m, points } => {
                let (s, b) = app
                    .post(
                        &app.admin.token,
                        "/points/awards",
                        json!({"member_id": members[m].id, "kind": "deduction", "points": points, "reason": "扣分"}),
                    )
                    .await;
                expect(s, &b, &[StatusCode::CREATED], &["points.insufficient"]);
            }
            Op::Redeem { m, dear } => {
                let item = if dear { w.dear } else { w.cheap };
                let (s, b) = app
                    .post(&members[m].token, &format!("/rewards/{item}/redeem"), json!({}))
                    .await;
                expect(s, &b, &[StatusCode::CREATED], &["points.insufficient"]);
                if s == StatusCode::CREATED {
                    redemptions.push(b["id"].as_i64().expect("id"));
                }
            }
            Op::Cancel { k } => {
                if let Some(r) = pick(&redemptions, k) {
                    let (s, b) = app
                        .post(&app.admin.token, &format!("/redemptions/{r}/cancel"), json!({}))
                        .await;
                    expect(s, &b, &[StatusCode::OK], &["redemption.invalid_transition"]);
                }
            }
            Op::Correct { m, k, minutes } => {
                let records = all_items(app, &members[m], &format!("/members/{}/records", members[m].id)).await;
                if let Some(r) = pick(&records, k) {
                    let (s, b) = app
                        .post(
                            &app.admin.token,
                            &format!("/records/{}/correct", r["id"]),
                            json!({"hours": minutes as f64 / 60.0, "reason": "更正"}),
                        )
                        .await;
                    // Already reversed (409), a reversal (422), or points already spent (409).
                    expect(
                        s,
                        &b,
                        &[StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY],
                        &["request.conflict", "points.insufficient"],
                    );
                }
            }
            Op::Void { k } => {
                if let Some(id) = pick(&closed, k) {
                    let (s, b) = app
                        .post(
                            &app.admin.token,
                            &format!("/requests/{id}/credit/void"),
                            json!({"reason": "投诉属实"}),
                        )
                        .await;
                    expect(
                        s,
                        &b,
                        &[StatusCode::CREATED],
                        &["points.already_voided", "points.insufficient"],
                    );
                }
            }
            Op::VerifyAgain { k } => {
                if let Some(id) = pick(&closed, k) {
                    let (s, b) = app.act(&app.admin, id, "verify", json!({})).await;
                    assert!(conflict.contains(&s), "verifying twice is refused: {b}");
                }
            }
        }
    }
    for m in &members {
        let svc = app.service(m, m.id).await;
        let points = svc["points"].as_i64().expect("points");
        assert!(points >= 0, "balance never negative: {svc}");
        assert_eq!(svc["entries_total"].as_i64(), Some(points), "balance = Σ entries");
        let entries = all_items(app, m, &format!("/members/{}/points", m.id)).await;
        let sum: i64 = entries.iter().filter_map(|e| e["points"].as_i64()).sum();
        assert_eq!(sum, points, "Σ of the listed entries");
        let records = all_items(app, m, &format!("/members/{}/records", m.id)).await;
        let minutes: i64 = records.iter().filter_map(|r| r["minutes"].as_i64()).sum();
        assert_eq!(svc["minutes"].as_i64(), Some(minutes), "hours = Σ records");
        for id in &closed {
            let credits = entries
                .iter()
                .filter(|e| e["request_id"] == *id && e["kind"] == "service")
                .count();
            let served = records
                .iter()
                .filter(|r| r["request_id"] == *id && r["kind"] == "service")
                .count();
            assert!(credits <= 1 && credits == served, "request {id} credited once");
        }
    }
    for id in &closed {
        let n: usize = {
            let mut n = 0;
            for m in &members {
                let entries = all_items(app, m, &format!("/members/{}/points", m.id)).await;
                n += entries
                    .iter()
                    .filter(|e| e["request_id"] == *id && e["kind"] == "service")
                    .count();
            }
            n
        };
        assert_eq!(n, 1, "request {id} credited exactly once");
    }
}

#[test]
fn ledgers_reconcile() {
    let w = world();
    let config = ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&proptest::collection::vec(op(), 1..14), |ops| {
        w.rt.block_on(run(&w, ops));
        Ok(())
    });
    let World { rt, app, .. } = w;
    // The app (and its database file) goes before its runtime does.
    drop(app);
    drop(rt);
    if let Err(e) = result {
        panic!("{e}");
    }
}
