//! 爱心超市 under concurrency: a member redeeming an item while redemptions
//! of the same item are cancelled. Both touch the item's stock and the
//! member's balance; taken in opposite orders they deadlocked on
//! PostgreSQL, and the loser answered 500 (found by the authorization
//! matrix, which makes redemptions side by side).

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

/// Pairs of (cancel one, redeem one) sent at once.
const PAIRS: usize = 24;

async fn redeem_and_cancel_side_by_side(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let m = app.member().await;
    app.award(m.id, 1000).await;
    let (s, r) = app
        .post(
            &app.admin.token,
            "/rewards",
            json!({"name": "大米 5kg", "points_price": 1, "stock": 1000}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let reward = r["id"].as_i64().expect("id");
    let redeem = format!("/rewards/{reward}/redeem");
    let mut pending = Vec::new();
    for _ in 0..PAIRS {
        let (s, r) = app.post(&m.token, &redeem, json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        pending.push(r["id"].as_i64().expect("id"));
    }
    let cancels = pending.iter().map(|id| {
        let path = format!("/redemptions/{id}/cancel");
        let app = &app;
        async move { app.post(&app.admin.token, &path, json!({})).await }
    });
    let redeems = (0..PAIRS).map(|_| app.post(&m.token, &redeem, json!({})));
    let (cancelled, redeemed) = futures::join!(futures::future::join_all(cancels), futures::future::join_all(redeems));
    for (s, body) in cancelled.iter().chain(&redeemed) {
        assert!(s.is_success(), "{s} {body}");
    }
    // Every cancelled item came back; every new one went out.
    let balance = app.service(&m, m.id).await["points"].as_i64();
    assert_eq!(balance, Some(1000 - PAIRS as i64));
    let (_, list) = app.get(&app.admin.token, "/rewards").await;
    let stock = list
        .as_array()
        .and_then(|l| l.iter().find(|r| r["id"] == reward))
        .and_then(|r| r["stock"].as_i64());
    assert_eq!(stock, Some(1000 - PAIRS as i64));
}
both_backends!(redeem_and_cancel_side_by_side);
