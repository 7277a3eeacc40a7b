//! Every forbidden transition — wrong role, wrong community, wrong state —
//! answers 403/409/422 and changes nothing: same status, version, holder and
//! timeline afterwards.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct World {
    resident: User,
    other_resident: User,
    member_a: User,
    member_b: User,
    admin2: User,
    member2: User,
}

async fn world(app: &TestApp) -> World {
    let street = app.street_admin().await;
    let (s, c) = app
        .post(
            &street.token,
            "/communities",
            json!({"name": "第二社区", "grids": ["一网格"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let c2 = c["community"]["id"].as_i64().expect("id");
    let admin2 = app.user_by(&street, "admin", c2).await;
    let member2 = app.user_by(&admin2, "member", c2).await;
    World {
        resident: app.resident().await,
        other_resident: app.resident().await,
        member_a: app.member_with_places(20).await,
        member_b: app.member_with_places(20).await,
        admin2,
        member2,
    }
}

/// A request by `w.resident` taken to `state` through real transitions (holder: member A).
async fn request_in(app: &TestApp, w: &World, state: &str) -> i64 {
    let id = app.post_request(&w.resident).await["id"].as_i64().expect("id");
    let a = &w.member_a;
    let admin = &app.admin;
    let path: Vec<(&User, &str, Value)> = match state {
        "pending" => vec![],
        "open" => vec![(admin, "publish", json!({}))],
        "dispatched" => vec![(admin, "dispatch", json!({"assignee_id": a.id}))],
        "cancelled" => vec![(&w.resident, "cancel", json!({}))],
        _ => {
            let all = vec![
                (admin, "dispatch", json!({"assignee_id": a.id})),
                (a, "accept", json!({})),
                (a, "start", json!({})),
                (a, "complete", json!({"hours": 1, "summary": "done"})),
                (&w.resident, "review", json!({"stars": 3})),
                (admin, "verify", json!({})),
            ];
            let n = ["accepted", "in_progress", "completed", "reviewed", "closed"]
                .iter()
                .position(|s| *s == state)
                .expect("known state")
                + 2;
            all.into_iter().take(n).collect()
        }
    };
    for (who, action, body) in path {
        app.ok(who, id, action, body).await;
    }
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert_eq!(r["status"], state);
    id
}

async fn snapshot(app: &TestApp, id: i64) -> (Value, Value, Value, usize) {
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    let n = app.events(&app.admin, id).await.len();
    (r["status"].clone(), r["version"].clone(), r["assignee"].clone(), n)
}

async fn refused(app: &TestApp, who: &User, id: i64, action: &str, body: Value, status: StatusCode, code: &str) {
    let before = snapshot(app, id).await;
    let (s, b) = app.act(who, id, action, body).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (status, Some(code)),
        "{action} on {:?}: {b}",
        before.0
    );
    assert!(b["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(snapshot(app, id).await, before, "{action} changed something");
}

async fn forbidden_transitions_change_nothing(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let w = world(&app).await;
    let (forbidden, conflict, invalid) = (
        StatusCode::FORBIDDEN,
        StatusCode::CONFLICT,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let deny = "auth.forbidden";
    let wrong = "request.invalid_transition";

    let pending = request_in(&app, &w, "pending").await;
    let ma = json!({"assignee_id": w.member_a.id});
    // Wrong role.
    refused(&app, &w.resident, pending, "dispatch", ma.clone(), forbidden, deny).await;
    refused(&app, &w.member_a, pending, "publish", json!({}), forbidden, deny).await;
    refused(&app, &w.member_a, pending, "verify", json!({}), forbidden, deny).await;
    refused(&app, &w.member_a, pending, "cancel", json!({}), forbidden, deny).await;
    refused(&app, &w.other_resident, pending, "cancel", json!({}), forbidden, deny).await;
    // Wrong community.
    refused(&app, &w.admin2, pending, "publish", json!({}), forbidden, deny).await;
    refused(&app, &w.admin2, pending, "dispatch", ma.clone(), forbidden, deny).await;
    // Wrong state.
    refused(&app, &w.member_a, pending, "claim", json!({}), conflict, wrong).await;
    refused(&app, &app.admin, pending, "verify", json!({}), conflict, wrong).await;
    // Bad dispatch targets: a resident, a member of another community, nobody.
    let code = "validation.failed";
    refused(
        &app,
        &app.admin,
        pending,
        "dispatch",
        json!({"assignee_id": w.resident.id}),
        invalid,
        code,
    )
    .await;
    refused(
        &app,
        &app.admin,
        pending,
        "dispatch",
        json!({"assignee_id": w.member2.id}),
        invalid,
        code,
    )
    .await;
    refused(
        &app,
        &app.admin,
        pending,
        "dispatch",
        json!({"assignee_id": 999_999}),
        invalid,
        code,
    )
    .await;
    refused(&app, &app.admin, pending, "dispatch", json!({}), invalid, code).await;

    let open = request_in(&app, &w, "open").await;
    refused(&app, &w.member2, open, "claim", json!({}), forbidden, deny).await;
    refused(&app, &w.resident, open, "claim", json!({}), forbidden, deny).await;
    refused(&app, &app.admin, open, "claim", json!({}), forbidden, deny).await;
    refused(&app, &app.admin, open, "publish", json!({}), conflict, wrong).await;

    let dispatched = request_in(&app, &w, "dispatched").await;
    refused(&app, &w.member_b, dispatched, "accept", json!({}), forbidden, deny).await;
    refused(&app, &w.member_b, dispatched, "decline", json!({}), forbidden, deny).await;
    refused(&app, &w.member_a, dispatched, "start", json!({}), conflict, wrong).await;

    let accepted = request_in(&app, &w, "accepted").await;
    refused(
        &app,
        &w.member_b,
        accepted,
        "claim",
        json!({}),
        conflict,
        "request.already_taken",
    )
    .await;
    refused(&app, &w.resident, accepted, "cancel", json!({}), conflict, wrong).await;
    refused(&app, &app.admin, accepted, "cancel", json!({}), conflict, wrong).await;
    refused(
        &app,
        &w.member_a,
        accepted,
        "complete",
        json!({"hours": 1, "summary": "x"}),
        conflict,
        wrong,
    )
    .await;

    let in_progress = request_in(&app, &w, "in_progress").await;
    refused(
        &app,
        &w.resident,
        in_progress,
        "review",
        json!({"stars": 5}),
        conflict,
        wrong,
    )
    .await;
    refused(
        &app,
        &w.member_b,
        in_progress,
        "complete",
        json!({"hours": 1, "summary": "x"}),
        forbidden,
        deny,
    )
    .await;
    refused(
        &app,
        &w.member_a,
        in_progress,
        "complete",
        json!({"hours": 0, "summary": "x"}),
        invalid,
        code,
    )
    .await;
    refused(
        &app,
        &w.member_a,
        in_progress,
        "complete",
        json!({"hours": 25, "summary": "x"}),
        invalid,
        code,
    )
    .await;
    refused(
        &app,
        &w.member_a,
        in_progress,
        "complete",
        json!({"hours": 1}),
        invalid,
        code,
    )
    .await;

    let completed = request_in(&app, &w, "completed").await;
    refused(
        &app,
        &w.member_a,
        completed,
        "review",
        json!({"stars": 5}),
        forbidden,
        deny,
    )
    .await;
    refused(
        &app,
        &w.other_resident,
        completed,
        "review",
        json!({"stars": 5}),
        forbidden,
        deny,
    )
    .await;
    refused(
        &app,
        &w.resident,
        completed,
        "review",
        json!({"stars": 6}),
        invalid,
        code,
    )
    .await;
    refused(
        &app,
        &w.resident,
        completed,
        "review",
        json!({"stars": 0}),
        invalid,
        code,
    )
    .await;
    refused(&app, &app.admin, completed, "verify", json!({}), conflict, wrong).await;

    let reviewed = request_in(&app, &w, "reviewed").await;
    refused(&app, &w.admin2, reviewed, "verify", json!({}), forbidden, deny).await;
    refused(&app, &w.resident, reviewed, "verify", json!({}), forbidden, deny).await;

    let closed = request_in(&app, &w, "closed").await;
    for (who, action) in [
        (&app.admin, "publish"),
        (&app.admin, "verify"),
        (&w.member_a, "start"),
        (&w.member_b, "claim"),
    ] {
        refused(&app, who, closed, action, json!({}), conflict, wrong).await;
    }
    let cancelled = request_in(&app, &w, "cancelled").await;
    refused(&app, &w.resident, cancelled, "cancel", json!({}), conflict, wrong).await;
    refused(&app, &app.admin, cancelled, "publish", json!({}), conflict, wrong).await;

    // Reading is scoped too.
    for who in [&w.other_resident, &w.member_b, &w.admin2, &w.member2] {
        let (s, _) = app.get(&who.token, &format!("/requests/{pending}")).await;
        assert_eq!(s, forbidden);
        let (s, _) = app.get(&who.token, &format!("/requests/{pending}/events")).await;
        assert_eq!(s, forbidden);
    }
    // Unknown request, unknown action, no token.
    let (s, b) = app.act(&app.admin, 999_999, "publish", json!({})).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("request.not_found"))
    );
    let (s, b) = app.act(&app.admin, pending, "teleport", json!({})).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("route.not_found"))
    );
    let (s, b) = app.post("", &format!("/requests/{pending}/publish"), json!({})).await;
    assert_eq!(
        (s, b["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("auth.unauthenticated"))
    );
}
both_backends!(forbidden_transitions_change_nothing);
