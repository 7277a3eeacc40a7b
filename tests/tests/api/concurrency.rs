//! Concurrent actions on one request have exactly one winner.

use crate::both_backends;
use crate::helpers::{Backend, User, spawn_app};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

/// 50 members claim the same open request at once: one 200, 49 × 409
/// `request.already_taken`, no 5xx, one claim in the timeline.
async fn fifty_members_claim_one_request(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let mut members: Vec<User> = Vec::new();
    for chunk in 0..5 {
        let batch = join_all((0..10).map(|_| app.member())).await;
        assert_eq!(batch.len(), 10, "chunk {chunk}");
        members.extend(batch);
    }
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");
    app.ok(&app.admin, id, "publish", json!({})).await;

    let results = join_all(members.iter().map(|m| app.act(m, id, "claim", json!({})))).await;
    let winners: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.is_success())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one winner: {:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    for (s, body) in results.iter().filter(|(s, _)| !s.is_success()) {
        assert_eq!(*s, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["code"], "request.already_taken");
        assert_eq!(body["message"], "该需求已被他人接单");
    }
    let winner = &members[winners[0]];
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert_eq!(
        (r["status"].as_str(), r["assignee"]["id"].as_i64()),
        (Some("accepted"), Some(winner.id))
    );
    let claims = app
        .events(&app.admin, id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "claim")
        .count();
    assert_eq!(claims, 1);
}
both_backends!(fifty_members_claim_one_request);

/// Two admins dispatch to different members while the resident cancels, all
/// at once. At most one dispatch wins; every success is in the timeline and
/// nothing else is; the final state agrees with who won.
async fn dispatch_races_cancel(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let second_admin = app.user_by(&app.admin, "admin", 1).await;
    let (m1, m2) = (app.member().await, app.member().await);
    for _ in 0..5 {
        let id = app.post_request(&resident).await["id"].as_i64().expect("id");
        let (d1, d2, c) = tokio::join!(
            app.act(&app.admin, id, "dispatch", json!({"assignee_id": m1.id})),
            app.act(&second_admin, id, "dispatch", json!({"assignee_id": m2.id})),
            app.act(&resident, id, "cancel", json!({})),
        );
        for (s, body) in [&d1, &d2, &c] {
            assert!(s.is_success() || *s == StatusCode::CONFLICT, "{s}: {body}");
        }
        let dispatched: Vec<i64> = [(&d1, m1.id), (&d2, m2.id)]
            .iter()
            .filter(|((s, _), _)| s.is_success())
            .map(|(_, m)| *m)
            .collect();
        assert!(dispatched.len() <= 1, "two dispatches won");
        let successes = dispatched.len() + usize::from(c.0.is_success());
        assert!(successes >= 1);
        assert_eq!(app.events(&app.admin, id).await.len(), 1 + successes);
        let (_, r) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
        if c.0.is_success() {
            assert_eq!(r["status"], "cancelled");
            assert!(r["assignee"].is_null());
        } else {
            assert_eq!(r["status"], "dispatched");
            assert_eq!(r["assignee"]["id"].as_i64(), dispatched.first().copied());
        }
    }
}
both_backends!(dispatch_races_cancel);
