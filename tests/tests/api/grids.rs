//! 网格员: a grid worker sees every request of the grids they look after and
//! nothing of another grid's; posts for residents by phone (代下单, a new
//! resident gets an account and sees the request); does the 回访 of their
//! grids (not the reopening); keeps a 走访 log; and the statistics count
//! what each grid worker entered and where requests came from.

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, TestApp, User, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Community 1's grids, by id.
async fn grids(app: &TestApp) -> Vec<i64> {
    let (s, g) = app.get("", "/communities/1/grids").await;
    assert_eq!(s, StatusCode::OK, "{g}");
    let items = g.as_array().or_else(|| g["items"].as_array()).expect("grids").clone();
    items.iter().map(|x| x["id"].as_i64().expect("id")).collect()
}

async fn grid_worker(app: &TestApp, grids: &[i64]) -> User {
    let phone = app.fresh_phone();
    let (s, b) = app
        .post(
            &app.admin.token,
            "/users",
            json!({"phone": phone, "password": PASSWORD, "name": "网格员小周", "role": "grid_worker", "grid_ids": grids}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    app.login(&phone, PASSWORD).await
}

/// A resident's own request in `grid`.
async fn post_in(app: &TestApp, resident: &User, grid: i64, title: &str) -> i64 {
    let (s, r) = app
        .post(
            &resident.token,
            "/requests",
            json!({"category": "elderly_care", "title": title, "address": "幸福里2号楼", "grid_id": grid}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["id"].as_i64().expect("id")
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|x| x["id"].as_i64().expect("id"))
        .collect()
}

fn field(e: &Value) -> (&Value, &Value) {
    (&e["fields"][0]["field"], &e["fields"][0]["code"])
}

async fn a_grid_worker_sees_their_grids_and_orders_for_residents(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let g = grids(&app).await;
    let (g1, g2) = (g[0], g[1]);
    // A grid worker looks after at least one grid.
    let (s, e) = app
        .post(
            &app.admin.token,
            "/users",
            json!({"phone": app.fresh_phone(), "password": PASSWORD, "name": "无网格", "role": "grid_worker"}),
        )
        .await;
    assert_eq!(
        (s, field(&e).0),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("grid_ids")),
        "{e}"
    );
    let worker = grid_worker(&app, &[g1]).await;
    let (ra, rb) = (app.resident().await, app.resident().await);
    let in_g1 = post_in(&app, &ra, g1, "一网格的诉求").await;
    let in_g2 = post_in(&app, &rb, g2, "二网格的诉求").await;

    let (s, list) = app.get(&worker.token, "/requests?limit=100").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(ids(&list), vec![in_g1], "only their grid's: {list}");
    let (s, one) = app.get(&worker.token, &format!("/requests/{in_g1}")).await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(one["contact_phone"], json!(ra.phone), "they call for the 回访: {one}");
    let (s, _) = app.get(&worker.token, &format!("/requests/{in_g2}")).await;
    assert!(matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{s}");

    // 代下单 for someone new: an account, its one-time password, the request in their grid.
    let phone = app.fresh_phone();
    let order = |phone: &str, name: Option<&str>, grid: Option<i64>| {
        let mut body = json!({"category": "elderly_care", "title": "独居老人需要代买菜", "address": "幸福里5号楼301",
                              "resident_phone": phone, "source": "walk_in"});
        if let Some(n) = name {
            body["resident_name"] = json!(n);
        }
        if let Some(g) = grid {
            body["grid_id"] = json!(g);
        }
        body
    };
    let (s, e) = app.post(&worker.token, "/requests", order(&phone, None, None)).await;
    assert_eq!(
        (s, field(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            (&json!("resident_name"), &json!("required"))
        ),
        "{e}"
    );
    let (s, made) = app
        .post(&worker.token, "/requests", order(&phone, Some("李奶奶"), None))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    assert_eq!(
        (
            &made["grid_id"],
            &made["source"],
            &made["entered_by"]["name"],
            &made["new_account"]["phone"]
        ),
        (&json!(g1), &json!("walk_in"), &json!("网格员小周"), &json!(phone)),
        "{made}"
    );
    let password = made["new_account"]["password"].as_str().expect("one-time password");
    let grandma = app.login(&phone, password).await;
    let (_, mine) = app.get(&grandma.token, "/requests?mine=true").await;
    assert_eq!(ids(&mine), vec![made["id"].as_i64().expect("id")], "{mine}");
    assert_eq!(mine["items"][0]["entered_by"]["name"], "网格员小周", "{mine}");
    // The same phone again: the same account, no second password.
    let (s, again) = app
        .post(&worker.token, "/requests", order(&phone, Some("李奶奶"), None))
        .await;
    assert_eq!(
        (s, &again["resident"]["id"]),
        (StatusCode::CREATED, &json!(grandma.id)),
        "{again}"
    );
    assert!(again.get("new_account").is_none(), "{again}");
    // Not in a grid they do not look after.
    let (s, e) = app
        .post(&worker.token, "/requests", order(&rb.phone, None, Some(g2)))
        .await;
    assert_eq!(
        (s, field(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            (&json!("grid_id"), &json!("not_yours"))
        ),
        "{e}"
    );
    // Not for a resident of another community.
    let street = app.street_admin().await;
    let (_, c) = app
        .post(
            &street.token,
            "/communities",
            json!({"name": "明月社区", "grids": ["一网格"]}),
        )
        .await;
    let elsewhere = app.resident_in(c["community"]["id"].as_i64().expect("id")).await;
    let (s, e) = app
        .post(&worker.token, "/requests", order(&elsewhere.phone, None, None))
        .await;
    assert_eq!(
        (s, field(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            (&json!("resident_phone"), &json!("elsewhere"))
        ),
        "{e}"
    );

    // Their grids change: what they see follows.
    let (s, w) = app
        .put(
            &app.admin.token,
            &format!("/users/{}/grids", worker.id),
            json!({"grid_ids": [g2]}),
        )
        .await;
    assert_eq!((s, &w["grid_ids"]), (StatusCode::OK, &json!([g2])), "{w}");
    let (_, list) = app.get(&worker.token, "/requests?limit=100").await;
    let seen = ids(&list);
    assert!(seen.contains(&in_g2) && !seen.contains(&in_g1), "{list}");
    // Only a grid worker has grids; only admins set them.
    let (s, e) = app
        .put(
            &app.admin.token,
            &format!("/users/{}/grids", ra.id),
            json!({"grid_ids": [g1]}),
        )
        .await;
    assert_eq!(
        (s, field(&e).0),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("role")),
        "{e}"
    );
    let (s, _) = app
        .put(
            &worker.token,
            &format!("/users/{}/grids", worker.id),
            json!({"grid_ids": [g1, g2]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, list) = app.get(&app.admin.token, "/grid-workers").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let listed = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|x| x["id"] == json!(worker.id))
        .cloned()
        .expect("the worker is listed");
    assert_eq!(listed["grid_ids"], json!([g2]), "{list}");
}
both_backends!(a_grid_worker_sees_their_grids_and_orders_for_residents);

async fn a_grid_worker_follows_up_and_keeps_a_visit_log(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let g = grids(&app).await;
    let (g1, g2) = (g[0], g[1]);
    let worker = grid_worker(&app, &[g1]).await;
    let member = app.member().await;
    let resident = app.resident().await;
    // A closed request in their grid, and one in another grid.
    let close = |id: i64| {
        let (app, member, resident) = (&app, &member, &resident);
        async move {
            app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
                .await;
            app.ok(member, id, "accept", json!({})).await;
            app.ok(member, id, "start", json!({})).await;
            app.ok(member, id, "complete", json!({"hours": 1.0, "summary": "上门陪伴聊天"}))
                .await;
            app.ok(resident, id, "review", json!({"stars": 5})).await;
            app.ok(&app.admin, id, "verify", json!({})).await;
        }
    };
    let ours = post_in(&app, &resident, g1, "陪老人聊天").await;
    close(ours).await;
    let theirs = post_in(&app, &resident, g2, "陪老人散步").await;
    close(theirs).await;

    let path = format!("/requests/{ours}/follow-ups");
    let (s, f) = app
        .post(
            &worker.token,
            &path,
            json!({"method": "visit", "satisfied": true, "note": "老人很满意"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let (s, e) = app
        .post(
            &worker.token,
            &path,
            json!({"method": "call", "satisfied": false, "reopen": true}),
        )
        .await;
    assert_eq!(
        (s, field(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            (&json!("reopen"), &json!("admins_only"))
        ),
        "{e}"
    );
    let (s, list) = app.get(&worker.token, &path).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{list}");
    let (s, _) = app
        .post(
            &worker.token,
            &format!("/requests/{theirs}/follow-ups"),
            json!({"method": "call", "satisfied": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(&member.token, &path, json!({"method": "call", "satisfied": true}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // 走访: a visit with nothing found, one whose need became a request.
    let (s, v) = app
        .post(
            &worker.token,
            "/grid-visits",
            json!({"household": "幸福里2号楼101", "note": "身体还好"}),
        )
        .await;
    assert_eq!(
        (s, &v["grid_id"], &v["needs"]),
        (StatusCode::CREATED, &json!(g1), &json!("")),
        "{v}"
    );
    let (_, need) = app
        .post(
            &worker.token,
            "/requests",
            json!({"category": "elderly_care", "title": "需要助浴", "address": "幸福里2号楼102", "resident_phone": resident.phone}),
        )
        .await;
    let need_id = need["id"].as_i64().expect("id");
    let (s, v) = app
        .post(
            &worker.token,
            "/grid-visits",
            json!({"household": "幸福里2号楼102", "resident_id": resident.id, "needs": "需要助浴", "request_id": need_id}),
        )
        .await;
    assert_eq!((s, &v["request_id"]), (StatusCode::CREATED, &json!(need_id)), "{v}");
    for (body, what) in [
        (json!({"household": "x", "grid_id": g2}), "grid_id"),
        (json!({"household": "x", "visited_on": "2999-01-01"}), "visited_on"),
        (json!({"household": "x", "request_id": theirs}), "request_id"),
    ] {
        let (s, e) = app.post(&worker.token, "/grid-visits", body).await;
        assert_eq!(
            (s, field(&e).0),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!(what)),
            "{e}"
        );
    }
    let (s, _) = app.post(&member.token, "/grid-visits", json!({"household": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for who in [&worker, &app.admin] {
        let (s, list) = app.get(&who.token, "/grid-visits").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let households: Vec<&str> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|x| x["household"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(households, ["幸福里2号楼102", "幸福里2号楼101"], "{list}");
    }
    let (s, _) = app.get(&resident.token, "/grid-visits").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The statistics: one request entered by the grid worker, 代下单 by source.
    let (s, stats) = app.get(&app.admin.token, "/stats").await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    let group = |list: &str, key: &str| {
        stats[list]
            .as_array()
            .and_then(|l| l.iter().find(|x| x["key"] == json!(key)))
            .map(|x| x["received"].as_i64().unwrap_or(-1))
    };
    assert_eq!(group("by_grid_worker", &worker.id.to_string()), Some(1), "{stats}");
    assert_eq!(group("by_source", "proxy"), Some(1), "{stats}");
    assert_eq!(group("by_source", "app"), Some(2), "{stats}");
    assert_eq!(group("by_grid", &g1.to_string()), Some(2), "{stats}");
}
both_backends!(a_grid_worker_follows_up_and_keeps_a_visit_log);
