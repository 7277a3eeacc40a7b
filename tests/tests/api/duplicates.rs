//! 重复反映 (issue 13.6) over HTTP on both backends: a neighbour posting the
//! same problem is shown what was reported already, admins see it flagged,
//! and an admin merges the duplicate — its resident then follows the main
//! request's timeline and notices, and acts on nothing. Refusals are clear
//! and concurrent merges have one winner, never a cycle. (Precision and
//! recall on 30 labelled pairs: `domain::similarity` unit tests.)

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, clock_to, kinds, spawn_app};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post(app: &TestApp, who: &User, title: &str, description: &str, address: &str) -> Value {
    let (s, b) = app
        .post(
            &who.token,
            "/requests",
            json!({"category": "environment", "title": title, "description": description, "address": address}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

async fn similar(app: &TestApp, who: &User, query: &str) -> Vec<Value> {
    let (s, b) = app.get(&who.token, &format!("/requests/similar?{query}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b.as_array().cloned().unwrap_or_default()
}

fn ids(v: &[Value]) -> Vec<i64> {
    v.iter().filter_map(|x| x["id"].as_i64()).collect()
}

async fn merge(app: &TestApp, who: &User, id: i64, into: i64) -> (StatusCode, Value) {
    app.post(&who.token, &format!("/requests/{id}/merge"), json!({"into": into}))
        .await
}

fn field(b: &Value) -> (&str, &str) {
    (
        b["fields"][0]["field"].as_str().unwrap_or(""),
        b["fields"][0]["code"].as_str().unwrap_or(""),
    )
}

/// 邻居已反映过类似问题: shown before and after posting, without who or
/// where; another building, another category or an old report is not.
async fn neighbours_see_what_was_reported_already(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let first = app.resident().await;
    let second = app.resident().await;
    let main = post(
        &app,
        &first,
        "3号楼楼道灯坏了",
        "晚上很黑，老人上下楼不安全",
        "阳光社区3号楼1单元",
    )
    .await;
    let main_id = main["id"].as_i64().expect("id");
    assert_eq!(main["similar"], json!([]), "nothing before it: {main}");

    let q = "category=environment&title=三号楼楼道的灯不亮了&description=一单元楼道灯坏了好几天&address=3号楼1单元";
    let found = similar(&app, &second, q).await;
    assert_eq!(ids(&found), vec![main_id], "{found:?}");
    assert_eq!(found[0]["status_label"], "待派单");
    assert!(
        found[0].get("resident").is_none() && found[0].get("address").is_none(),
        "{found:?}"
    );
    // Another building, another category: not the same report.
    let other_building = "category=environment&title=楼道灯坏了&description=晚上很黑&address=6号楼2单元";
    assert!(similar(&app, &second, other_building).await.is_empty());
    let other_category = "category=patrol&title=三号楼楼道的灯不亮了&address=3号楼1单元";
    assert!(similar(&app, &second, other_category).await.is_empty());

    // Posted anyway: the poster is shown it, the admins see it flagged.
    let dup = post(
        &app,
        &second,
        "三号楼楼道的灯不亮了",
        "一单元楼道灯坏了好几天",
        "3号楼1单元",
    )
    .await;
    let dup_id = dup["id"].as_i64().expect("id");
    assert_eq!(ids(dup["similar"].as_array().expect("similar")), vec![main_id]);
    assert_eq!(dup["similar_to"], Value::Null, "only admins see the flag");
    let (_, seen) = app.get(&app.admin.token, &format!("/requests/{dup_id}")).await;
    assert_eq!(seen["similar_to"], main_id, "{seen}");
    assert!(kinds(&app, &app.admin).await.contains(&"similar".to_owned()));

    // Beyond the window (14 days) it no longer counts.
    clock_to(&app, app.state.clock.now() + Duration::days(15));
    assert!(similar(&app, &second, q).await.is_empty());
}
both_backends!(neighbours_see_what_was_reported_already);

/// 合并: the duplicate ends as merged; its resident follows the main
/// request — sees its timeline, hears its notices, acts on nothing.
async fn a_merged_duplicate_follows_the_main_request(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let first = app.resident().await;
    let second = app.resident().await;
    let member = app.member().await;
    let main_id = post(&app, &first, "5号楼电梯坏了", "电梯停在5楼不动", "5号楼").await["id"]
        .as_i64()
        .expect("id");
    let dup_id = post(
        &app,
        &second,
        "五号楼电梯故障",
        "电梯不动了，老人下不了楼",
        "5号楼2单元",
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let (s, _) = app.get(&second.token, &format!("/requests/{main_id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not theirs before the merge");

    let (s, body) = merge(&app, &second, dup_id, main_id).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, body) = merge(&app, &app.admin, dup_id, dup_id).await;
    assert_eq!(
        (s, field(&body)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("into", "self")),
        "{body}"
    );
    let (s, merged) = merge(&app, &app.admin, dup_id, main_id).await;
    assert_eq!(s, StatusCode::OK, "{merged}");
    assert_eq!(
        (
            merged["status"].as_str(),
            merged["status_label"].as_str(),
            merged["merged_into"].as_i64()
        ),
        (Some("cancelled"), Some("已合并"), Some(main_id))
    );
    // Merging again, or into the merged one: refused in words.
    let (s, again) = merge(&app, &app.admin, dup_id, main_id).await;
    assert_eq!(s, StatusCode::CONFLICT, "{again}");
    let third = post(&app, &first, "5号楼电梯又坏了", "电梯停在5楼", "5号楼").await["id"]
        .as_i64()
        .expect("id");
    let (s, chain) = merge(&app, &app.admin, third, dup_id).await;
    assert_eq!(
        (s, field(&chain)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("into", "closed")),
        "{chain}"
    );

    // The duplicate's resident follows the main request now.
    let (s, seen) = app.get(&second.token, &format!("/requests/{main_id}")).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    assert_eq!(
        (seen["following"].as_bool(), seen["allowed_actions"].clone()),
        (Some(true), json!([]))
    );
    assert!(kinds(&app, &second).await.contains(&"merged".to_owned()));
    let (_, mine) = app.get(&second.token, "/requests?mine=true").await;
    assert!(
        ids(mine["items"].as_array().expect("items")).contains(&main_id),
        "{mine}"
    );
    let steps: Vec<String> = app
        .events(&second, main_id)
        .await
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    assert!(steps.contains(&"merge".to_owned()), "{steps:?}");
    let (s, _) = app.act(&second, main_id, "cancel", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a follower acts on nothing");

    // What the resident hears, the follower hears.
    app.ok(&app.admin, main_id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    app.ok(&member, main_id, "accept", json!({})).await;
    assert!(kinds(&app, &second).await.contains(&"accept".to_owned()));

    // A held request is not a duplicate to merge away.
    let (s, held) = merge(&app, &app.admin, main_id, third).await;
    assert_eq!(
        (s, held["code"].as_str()),
        (StatusCode::CONFLICT, Some("request.invalid_transition")),
        "{held}"
    );

    // A neighbour may follow instead of posting the same problem; knowing a
    // request's number opens nothing; a member may not follow.
    let neighbour = app.resident().await;
    let other = json!({"title": "楼道灯坏了", "address": "9号楼"});
    let (s, f) = app
        .post(&neighbour.token, &format!("/requests/{third}/follow"), other)
        .await;
    assert_eq!(
        (s, f["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_similar")),
        "{f}"
    );
    let (s, _) = app.get(&neighbour.token, &format!("/requests/{third}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let same = json!({"title": "五号楼电梯又坏了", "description": "电梯停在五楼", "address": "5号楼"});
    let (s, f) = app
        .post(&neighbour.token, &format!("/requests/{third}/follow"), same.clone())
        .await;
    assert_eq!((s, f["following"].as_bool()), (StatusCode::OK, Some(true)), "{f}");
    let (s, _) = app
        .post(&member.token, &format!("/requests/{third}/follow"), same)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(a_merged_duplicate_follows_the_main_request);

/// Two merges of one duplicate at once, and two requests merged into each
/// other at once: one winner each time, never a cycle.
async fn concurrent_merges_have_one_winner(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let r = app.resident().await;
    let a = post(&app, &r, "8号楼路面塌陷", "路上有个坑", "8号楼").await["id"]
        .as_i64()
        .expect("id");
    let c = post(&app, &r, "8号楼前路面塌了", "晚上容易摔", "8号楼").await["id"]
        .as_i64()
        .expect("id");
    let d = post(&app, &r, "8号楼门前塌陷", "很危险", "8号楼").await["id"]
        .as_i64()
        .expect("id");
    let (x, y) = tokio::join!(merge(&app, &app.admin, c, a), merge(&app, &app.admin, c, d));
    let wins = [x.0, y.0].iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(wins, 1, "{x:?} {y:?}");
    for _ in 0..3 {
        let p = post(&app, &r, "8号楼路灯坏了", "路灯不亮", "8号楼").await["id"]
            .as_i64()
            .expect("id");
        let q = post(&app, &r, "8号楼路灯不亮", "晚上很黑", "8号楼").await["id"]
            .as_i64()
            .expect("id");
        let (x, y) = tokio::join!(merge(&app, &app.admin, p, q), merge(&app, &app.admin, q, p));
        let ok: Vec<bool> = [&x, &y].iter().map(|r| r.0 == StatusCode::OK).collect();
        assert_eq!(ok.iter().filter(|w| **w).count(), 1, "{x:?} {y:?}");
        for (loser, _) in [&x, &y] {
            assert_ne!(*loser, StatusCode::INTERNAL_SERVER_ERROR);
        }
        let (_, pv) = app.get(&app.admin.token, &format!("/requests/{p}")).await;
        let (_, qv) = app.get(&app.admin.token, &format!("/requests/{q}")).await;
        let merged = [pv["merged_into"].is_i64(), qv["merged_into"].is_i64()];
        assert_eq!(merged.iter().filter(|m| **m).count(), 1, "no cycle: {pv} {qv}");
    }
}
both_backends!(concurrent_merges_have_one_winner);
