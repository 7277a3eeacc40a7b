//! A member's places (`max_active`) hold under races across replicas: the
//! same member claiming ten requests at once, or ten dispatches to them at
//! once, half on each of two servers over one database — exactly as many
//! win as there are places, and nobody gets a 5xx.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_app_with};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Counts winners and checks every loser was told plainly why.
fn winners(results: &[(StatusCode, Value)]) -> usize {
    for (s, body) in results.iter().filter(|(s, _)| !s.is_success()) {
        assert_eq!(*s, StatusCode::CONFLICT, "{body}");
        assert!(
            matches!(body["code"].as_str(), Some("member.full" | "request.conflict")),
            "{body}"
        );
    }
    results.iter().filter(|(s, _)| s.is_success()).count()
}

async fn held_by(app: &TestApp, m: &User) -> usize {
    let (s, list) = app.get(&m.token, "/requests?mine=true&limit=100").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .map(|items| items.iter().filter(|r| r["assignee"]["id"] == m.id).count())
        .unwrap_or(0)
}

async fn one_place_one_winner_across_replicas(b: Backend) {
    let Some(a) = spawn_app_with(b, b == Backend::Postgres).await else {
        return;
    };
    let replica = a.replica(|_| {}).await;
    let resident = a.resident().await;

    // Claims: ten open requests, one member with one place.
    let m = a.member_with_places(1).await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        let id = a.post_request(&resident).await["id"].as_i64().expect("id");
        a.ok(&a.admin, id, "publish", json!({})).await;
        ids.push(id);
    }
    let results = join_all(ids.iter().enumerate().map(|(i, id)| {
        let app = if i % 2 == 0 { &a } else { &replica };
        app.act(&m, *id, "claim", json!({}))
    }))
    .await;
    assert_eq!(
        winners(&results),
        1,
        "{:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    assert_eq!(held_by(&a, &m).await, 1);

    // Dispatches: ten pending requests to one member with one place.
    let m2 = a.member_with_places(1).await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(a.post_request(&resident).await["id"].as_i64().expect("id"));
    }
    let results = join_all(ids.iter().enumerate().map(|(i, id)| {
        let (app, admin) = if i % 2 == 0 {
            (&a, &a.admin)
        } else {
            (&replica, &replica.admin)
        };
        app.act(admin, *id, "dispatch", json!({"assignee_id": m2.id}))
    }))
    .await;
    assert_eq!(
        winners(&results),
        1,
        "{:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    assert_eq!(held_by(&a, &m2).await, 1);
    if b == Backend::Postgres {
        crate::helpers::redis_flush_prefix(&a.redis_prefix).await;
    }
}
both_backends!(one_place_one_winner_across_replicas);

/// 1 000 claims at once on one task-hall request, half on each of two
/// replicas over PostgreSQL (200 members, five tries each): one winner,
/// every other answer a plain 409, no 5xx.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_claims_on_two_replicas_have_one_winner() {
    let Some(a) = spawn_app_with(Backend::Postgres, true).await else {
        return;
    };
    let replica = a.replica(|_| {}).await;
    let resident = a.resident().await;
    let mut members: Vec<User> = Vec::new();
    for _ in 0..10 {
        members.extend(join_all((0..20).map(|_| a.member())).await);
    }
    let id = a.post_request(&resident).await["id"].as_i64().expect("id");
    a.ok(&a.admin, id, "publish", json!({})).await;

    let results = join_all((0..1000).map(|i| {
        let app = if i % 2 == 0 { &a } else { &replica };
        app.act(&members[i % members.len()], id, "claim", json!({}))
    }))
    .await;
    let statuses: Vec<u16> = results.iter().map(|r| r.0.as_u16()).collect();
    assert!(statuses.iter().all(|s| *s < 500), "no 5xx: {:?}", {
        let mut five: Vec<_> = results
            .iter()
            .filter(|r| r.0.as_u16() >= 500)
            .map(|r| r.1.clone())
            .collect();
        five.truncate(3);
        five
    });
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1);
    for (s, body) in results.iter().filter(|(s, _)| !s.is_success()) {
        assert_eq!(*s, StatusCode::CONFLICT, "{body}");
    }
    let claims = a
        .events(&a.admin, id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "claim")
        .count();
    assert_eq!(claims, 1);
    crate::helpers::redis_flush_prefix(&a.redis_prefix).await;
}
