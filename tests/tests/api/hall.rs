//! 任务大厅 kept per replica (issue 16): a member's `GET /requests?status=open`
//! answers from the community's kept page, which shows exactly what the
//! query would, and follows every change — at once on the replica that
//! made it, within a second on the others.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_replicas};
use serde_json::{Value, json};
use std::time::Duration;

/// The hall as `who` sees it: ids and what they may do.
async fn hall(app: &TestApp, who: &User, query: &str) -> Vec<(i64, Value)> {
    let (s, b) = app.get(&who.token, &format!("/requests?status=open{query}")).await;
    assert!(s.is_success(), "{s} {b}");
    b["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| (r["id"].as_i64().expect("id"), r["allowed_actions"].clone()))
        .collect()
}

/// Past the kept page: a cursor makes it the plain query.
const UNKEPT: &str = "&cursor=9223372036854775807";

async fn ids_within(app: &TestApp, who: &User, want: &[i64], within: Duration) -> bool {
    let end = tokio::time::Instant::now() + within;
    loop {
        let got: Vec<i64> = hall(app, who, "").await.into_iter().map(|(id, _)| id).collect();
        if got == want {
            return true;
        }
        if tokio::time::Instant::now() > end {
            eprintln!("hall shows {got:?}, want {want:?}");
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn the_kept_hall_is_the_query_and_follows_every_change(b: Backend) {
    let Some((a, other)) = spawn_replicas(b).await else {
        return;
    };
    let redis = other.is_some();
    let there = other.as_ref().unwrap_or(&a);
    let resident = a.resident().await;
    let (m1, m2) = (a.member().await, a.member().await);
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(a.post_request(&resident).await["id"].as_i64().expect("id"));
    }
    a.ok(&a.admin, ids[0], "publish", json!({})).await;
    a.ok(&a.admin, ids[1], "publish", json!({})).await;

    // Kept on both replicas, and the same as the query.
    for app in [&a, there] {
        let kept = hall(app, &m1, "").await;
        assert_eq!(kept, hall(app, &m1, UNKEPT).await, "the kept page is the query");
        assert_eq!(kept.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![ids[1], ids[0]]);
        assert!(
            kept.iter()
                .all(|(_, acts)| acts.as_array().is_some_and(|a| a.contains(&json!("claim"))))
        );
        assert_eq!(
            hall(app, &m2, "").await,
            kept,
            "every member of the community sees the same"
        );
    }
    // The resident (not a member) and the admin see their own lists, not the page.
    let (_, mine) = a.get(&resident.token, "/requests?status=open").await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(2));

    // A publish: at once where it was made, within a second elsewhere.
    a.ok(&a.admin, ids[2], "publish", json!({})).await;
    assert!(ids_within(&a, &m1, &[ids[2], ids[1], ids[0]], Duration::ZERO).await);
    assert!(ids_within(there, &m1, &[ids[2], ids[1], ids[0]], Duration::from_secs(1)).await);

    // A claim on the other replica leaves both halls.
    there.ok(&m2, ids[1], "claim", json!({})).await;
    assert!(ids_within(there, &m1, &[ids[2], ids[0]], Duration::ZERO).await);
    assert!(ids_within(&a, &m1, &[ids[2], ids[0]], Duration::from_secs(1)).await);

    // A page size is its own page.
    assert_eq!(hall(&a, &m1, "&limit=1").await.len(), 1);
    assert_eq!(hall(&a, &m1, "").await.len(), 2);
    if redis {
        crate::helpers::redis_flush_prefix(&a.redis_prefix).await;
    }
}
both_backends!(the_kept_hall_is_the_query_and_follows_every_change);
