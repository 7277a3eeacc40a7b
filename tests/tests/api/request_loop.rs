//! The closed loop, end to end over HTTP.

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

async fn dispatch_loop(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let other_member = app.member().await;

    // 群众点单
    let r = app.post_request(&resident).await;
    let id = r["id"].as_i64().expect("id");
    assert_eq!(r["status"], "pending");
    assert_eq!(r["status_label"], "待派单");
    assert_eq!(
        r["contact_phone"],
        resident.phone.as_str(),
        "the resident sees their own number"
    );
    assert!(r["due_at"].is_string(), "due time from the category SLA");

    // 组织派单 → 党员接单
    let d = app
        .ok(
            &app.admin,
            id,
            "dispatch",
            json!({"assignee_id": member.id, "note": "就近安排"}),
        )
        .await;
    assert_eq!(
        (d["status"].as_str(), d["assignee"]["id"].as_i64()),
        (Some("dispatched"), Some(member.id))
    );
    let seen = app.get(&member.token, &format!("/requests/{id}")).await.1;
    assert_eq!(
        seen["contact_phone"],
        format!("{}****{}", &resident.phone[..3], &resident.phone[7..]),
        "masked before accepting"
    );
    app.ok(&member, id, "accept", json!({})).await;
    let seen = app.get(&member.token, &format!("/requests/{id}")).await.1;
    assert_eq!(
        seen["contact_phone"],
        resident.phone.as_str(),
        "the holder sees the number while serving"
    );
    let (s, _) = app.get(&other_member.token, &format!("/requests/{id}")).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "another member cannot read a request they do not hold"
    );

    app.ok(&member, id, "start", json!({})).await;
    let c = app
        .ok(
            &member,
            id,
            "complete",
            json!({"hours": 1.5, "summary": "已买菜送到家"}),
        )
        .await;
    assert_eq!(
        (c["status"].as_str(), c["hours"].as_f64()),
        (Some("completed"), Some(1.5))
    );
    let rv = app
        .ok(&resident, id, "review", json!({"stars": 5, "comment": "非常感谢"}))
        .await;
    assert_eq!(
        (rv["status"].as_str(), rv["rating"].as_i64()),
        (Some("reviewed"), Some(5))
    );
    let closed = app.ok(&app.admin, id, "verify", json!({})).await;
    assert_eq!(closed["status"], "closed");
    assert!(closed["closed_at"].is_string());
    let seen = app.get(&member.token, &format!("/requests/{id}")).await.1;
    assert!(
        seen["contact_phone"].as_str().is_some_and(|p| p.contains("****")),
        "masked again once closed"
    );

    // The timeline records every step with actor and time.
    let ev = app.events(&resident, id).await;
    let steps: Vec<(&str, &str)> = ev
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or(""),
                e["to_status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("create", "pending"),
            ("dispatch", "dispatched"),
            ("accept", "accepted"),
            ("start", "in_progress"),
            ("complete", "completed"),
            ("review", "reviewed"),
            ("verify", "closed"),
        ]
    );
    assert_eq!(ev[1]["note"], "就近安排");
    assert_eq!(ev[1]["actor"]["id"], app.admin.id);
    assert_eq!(ev[2]["actor"]["id"], member.id);
    assert!(
        ev.windows(2).all(|w| w[0]["at"].as_str() <= w[1]["at"].as_str()),
        "in time order"
    );
}
both_backends!(dispatch_loop);

async fn task_hall_loop(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");

    // Not in the hall until published.
    let (_, hall) = app.get(&member.token, "/requests?status=open").await;
    assert_eq!(hall["items"].as_array().map(Vec::len), Some(0));
    app.ok(&app.admin, id, "publish", json!({})).await;
    let (_, hall) = app.get(&member.token, "/requests?status=open").await;
    assert_eq!(hall["items"][0]["id"], id);
    assert!(
        hall["items"][0]["contact_phone"]
            .as_str()
            .is_some_and(|p| p.contains("****"))
    );
    assert!(
        hall["items"][0]["resident"]["name"]
            .as_str()
            .is_some_and(|n| n.ends_with('*')),
        "masked name in the hall"
    );

    let claimed = app.ok(&member, id, "claim", json!({})).await;
    assert_eq!(
        (claimed["status"].as_str(), claimed["assignee"]["id"].as_i64()),
        (Some("accepted"), Some(member.id))
    );
    app.ok(&member, id, "start", json!({})).await;
    app.ok(&member, id, "complete", json!({"hours": 2, "summary": "打扫完毕"}))
        .await;
    app.ok(&resident, id, "review", json!({"stars": 4})).await;
    let closed = app.ok(&app.admin, id, "verify", json!({})).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(app.events(&app.admin, id).await.len(), 7);
}
both_backends!(task_hall_loop);

async fn decline_and_cancel(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    let back = app.ok(&member, id, "decline", json!({"note": "本周出差"})).await;
    assert_eq!(back["status"], "pending");
    assert!(back["assignee"].is_null());
    app.ok(&app.admin, id, "publish", json!({})).await;
    let cancelled = app.ok(&resident, id, "cancel", json!({"note": "已自行解决"})).await;
    assert_eq!(cancelled["status"], "cancelled");
    let ev = app.events(&resident, id).await;
    assert_eq!(ev.last().map(|e| e["note"].clone()), Some(json!("已自行解决")));
}
both_backends!(decline_and_cancel);

/// 代下单: an admin enters a request for a resident who phoned in.
async fn ordering_on_behalf(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let (s, r) = app
        .post(
            &app.admin.token,
            "/requests",
            json!({"category": "health", "title": "上门测血压", "address": "5号楼", "resident_id": resident.id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["resident"]["id"], resident.id);
    assert_eq!(r["on_behalf"], true);
    let id = r["id"].as_i64().expect("id");
    // The resident sees it as theirs and can cancel it.
    let (_, mine) = app.get(&resident.token, "/requests?mine=true").await;
    assert_eq!(mine["items"][0]["id"], id);
    // A resident cannot order for somebody else.
    let other = app.resident().await;
    let (s, _) = app
        .post(
            &other.token,
            "/requests",
            json!({"category": "health", "title": "x", "address": "y", "resident_id": resident.id}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(ordering_on_behalf);

/// The resident may call whoever serves them, while they serve: the
/// holder's phone is in the request once accepted, not before, not after.
async fn the_resident_sees_the_holders_phone_while_served(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    let phone_seen = |v: &serde_json::Value| v["assignee"]["phone"].as_str().map(str::to_owned);
    let (_, v) = app.get(&resident.token, &format!("/requests/{id}")).await;
    assert_eq!(phone_seen(&v), None, "not before they accept: {v}");
    app.ok(&member, id, "accept", json!({})).await;
    let (_, v) = app.get(&resident.token, &format!("/requests/{id}")).await;
    assert_eq!(phone_seen(&v), Some(member.phone.clone()), "{v}");
    let (_, v) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert_eq!(phone_seen(&v), Some(member.phone.clone()));
    app.ok(&member, id, "withdraw", json!({"note": "临时有事"})).await;
    let (_, v) = app.get(&resident.token, &format!("/requests/{id}")).await;
    assert!(v["assignee"].is_null() || phone_seen(&v).is_none(), "{v}");
}
both_backends!(the_resident_sees_the_holders_phone_while_served);

/// 退回返工: the verifier returns a reported completion (with a reason) —
/// the report and rating are set aside, the member is told and works on,
/// and the request is credited once, for the hours finally reported.
async fn the_verifier_returns_work_for_more(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.completed_request(&resident, &member, 60).await;
    app.ok(&resident, id, "review", json!({"stars": 2})).await;
    let (_, v) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert!(
        v["allowed_actions"]
            .as_array()
            .expect("allowed")
            .contains(&json!("rework")),
        "{v}"
    );

    let (s, e) = app.act(&app.admin, id, "rework", json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {e}");
    let (s, e) = app.act(&member, id, "rework", json!({"note": "自己退回"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let back = app
        .ok(&app.admin, id, "rework", json!({"note": "楼道灯仍不亮，请检查线路"}))
        .await;
    assert_eq!(back["status"], "in_progress");
    assert!(back["hours"].is_null() && back["rating"].is_null(), "{back}");
    let kinds = crate::helpers::kinds(&app, &member).await;
    assert_eq!(kinds.first().map(String::as_str), Some("rework"), "{kinds:?}");
    let events = app.events(&app.admin, id).await;
    let last = events.last().expect("event");
    assert_eq!(
        (last["action"].as_str(), last["note"].as_str()),
        (Some("rework"), Some("楼道灯仍不亮，请检查线路"))
    );

    app.ok(&member, id, "complete", json!({"hours": 2, "summary": "更换了开关"}))
        .await;
    app.ok(&resident, id, "review", json!({"stars": 5})).await;
    app.ok(&app.admin, id, "verify", json!({})).await;
    let service = app.service(&app.admin, member.id).await;
    assert_eq!(service["minutes"], 120, "{service}");
    assert_eq!(
        (service["services"].as_i64(), service["points"].as_i64()),
        (Some(1), Some(2)),
        "credited once, for 2 h: {service}"
    );
}
both_backends!(the_verifier_returns_work_for_more);
