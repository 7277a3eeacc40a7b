//! 周期服务 / 结对帮扶 (issue 13.3) over HTTP on both backends: a weekly
//! series makes each occurrence's request once — across two replicas
//! sweeping at once and across a restart — dispatched to the paired member
//! as 系统; pausing stops it (no back-filling on resume), editing changes
//! only occurrences not yet made, ending cancels those not started; the
//! pair's history counts visits done and missed.

use crate::both_backends;
use crate::helpers::{ADMIN_PASSWORD, ADMIN_PHONE, Backend, PASSWORD, TestApp, User, kinds, spawn_app};
use chrono::{Datelike, Duration, NaiveDate};
use linli::workers::sweeper::sweep;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today(app: &TestApp) -> NaiveDate {
    app.state.clock.today(app.state.local_offset)
}

async fn series(app: &TestApp, who: &User, id: i64) -> Value {
    let (s, b) = app.get(&who.token, &format!("/series/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

fn occurrences(s: &Value) -> Vec<Value> {
    s["occurrences"].as_array().cloned().unwrap_or_default()
}

async fn sweep_all(apps: &[&TestApp]) -> usize {
    let mut made = 0;
    for a in apps {
        made += sweep(&a.state).await.expect("sweep").series_occurrences;
    }
    made
}

fn advance(apps: &[&TestApp], by: Duration) {
    for a in apps {
        a.state.clock.advance(by);
    }
}

async fn weekly(app: &TestApp, resident: &User, member: Option<&User>, title: &str) -> Value {
    let tomorrow = today(app) + Duration::days(1);
    let (s, b) = app
        .post(
            &app.admin.token,
            "/series",
            json!({
                "resident_id": resident.id, "category": "elderly_care", "title": title,
                "description": "陪老人聊天、量血压", "address": "3号楼2单元501",
                "pattern": "weekly", "weekday": tomorrow.weekday().number_from_monday(),
                "time": "09:00", "starts_on": today(app), "member_id": member.map(|m| m.id),
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

/// One request per occurrence, whoever sweeps and however often.
async fn each_occurrence_is_made_once(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member_with_places(10).await;
    let made = weekly(&app, &resident, Some(&member), "每周陪老人聊天").await;
    let id = made["id"].as_i64().expect("id");
    assert!(
        made["schedule_label"]
            .as_str()
            .is_some_and(|l| l.starts_with("每周") && l.ends_with("09:00")),
        "{made}"
    );
    let s = series(&app, &app.admin, id).await;
    let occ = occurrences(&s);
    assert_eq!(occ.len(), 1, "the first occurrence is made at once: {s}");
    let tomorrow = today(&app) + Duration::days(1);
    assert_eq!(occ[0]["on"], json!(tomorrow));
    assert_eq!(
        (occ[0]["status"].as_str(), occ[0]["assignee"]["id"].as_i64()),
        (Some("dispatched"), Some(member.id))
    );
    assert!(kinds(&app, &member).await.contains(&"dispatch".to_owned()));
    let first = occ[0]["request_id"].as_i64().expect("request");
    let events = app.events(&resident, first).await;
    assert_eq!(events[0]["actor"]["name"], "系统", "{events:?}");
    assert_eq!(events[1]["note"], "派给结对成员");
    let (_, r) = app.get(&resident.token, &format!("/requests/{first}")).await;
    assert_eq!(r["occurrence"]["series_id"], id, "{r}");

    // Two replicas sweep at once a week later: one new occurrence.
    let replica = app.replica(|_| {}).await;
    advance(&[&app, &replica], Duration::days(7));
    let (x, y) = tokio::join!(sweep(&app.state), sweep(&replica.state));
    let made = x.expect("sweep").series_occurrences + y.expect("sweep").series_occurrences;
    assert_eq!(made, 1, "once across replicas");
    // A restart (a fresh server on the same database) makes nothing more.
    let restarted = app.replica(|_| {}).await;
    advance(&[&restarted], Duration::days(7));
    assert_eq!(sweep_all(&[&restarted, &app]).await, 0);
    let s = series(&app, &app.admin, id).await;
    let days: Vec<Value> = occurrences(&s).iter().map(|o| o["on"].clone()).collect();
    assert_eq!(days, vec![json!(tomorrow), json!(tomorrow + Duration::days(7))], "{s}");

    // Who sees it: the resident and the pair; another resident does not.
    let (_, mine) = app.get(&resident.token, "/series").await;
    assert_eq!(mine[0]["id"], id, "{mine}");
    let (_, pairs) = app.get(&member.token, "/series").await;
    assert_eq!(pairs[0]["member"]["id"], member.id, "{pairs}");
    let stranger = app.resident().await;
    let (s, _) = app.get(&stranger.token, &format!("/series/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(each_occurrence_is_made_once);

/// Sessions expire as the clock moves on by weeks: sign in again.
async fn relogin(app: &mut TestApp, member: &mut User) {
    app.admin = app.login(ADMIN_PHONE, ADMIN_PASSWORD).await;
    *member = app.login(&member.phone, PASSWORD).await;
}

/// Pause, resume without back-filling, edit the future only, end; the
/// pair's history counts what was done and what was missed.
async fn pause_edit_end_and_history(b: Backend) {
    let Some(mut app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let mut member = app.member_with_places(10).await;
    let id = weekly(&app, &resident, Some(&member), "每周上门量血压").await["id"]
        .as_i64()
        .expect("id");
    let first = occurrences(&series(&app, &app.admin, id).await)[0]["request_id"]
        .as_i64()
        .expect("request");
    // The first visit is done; the second is missed (its day passes unserved).
    app.ok(&member, first, "accept", json!({})).await;
    app.ok(&member, first, "start", json!({})).await;
    app.ok(&member, first, "complete", json!({"hours": 1, "summary": "血压正常"}))
        .await;
    advance(&[&app], Duration::days(7));
    assert_eq!(sweep_all(&[&app]).await, 1);
    advance(&[&app], Duration::days(3));
    relogin(&mut app, &mut member).await;
    let s = series(&app, &member, id).await;
    assert_eq!(
        (s["history"]["done"].as_u64(), s["history"]["missed"].as_u64()),
        (Some(1), Some(1)),
        "{s}"
    );

    // Paused: nothing is made; resumed: only from now on.
    let (st, p) = app
        .post(&app.admin.token, &format!("/series/{id}/pause"), json!({}))
        .await;
    assert_eq!(
        (st, p["status_label"].as_str()),
        (StatusCode::OK, Some("已暂停")),
        "{p}"
    );
    advance(&[&app], Duration::days(14));
    assert_eq!(sweep_all(&[&app]).await, 0);
    let (st, _) = app
        .post(&app.admin.token, &format!("/series/{id}/resume"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let occ = occurrences(&series(&app, &app.admin, id).await);
    assert!(occ.len() <= 3, "no back-filling of the paused weeks: {occ:?}");
    assert!(occ.iter().all(|o| {
        let on: NaiveDate = serde_json::from_value(o["on"].clone()).expect("date");
        on <= today(&app) - Duration::days(14) || on >= today(&app)
    }));

    // Edit: the next occurrences say the new title; those made keep theirs.
    let s = series(&app, &app.admin, id).await;
    let (st, edited) = app
        .put(
            &app.admin.token,
            &format!("/series/{id}"),
            json!({
                "category": "health", "title": "每周上门测血压（新）", "address": "3号楼2单元501",
                "pattern": "weekly", "weekday": s["weekday"], "time": "10:00",
                "starts_on": s["starts_on"], "member_id": member.id, "base_version": s["version"],
            }),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{edited}");
    let (st, stale) = app
        .put(
            &app.admin.token,
            &format!("/series/{id}"),
            json!({"category": "health", "title": "旧版本", "address": "x", "pattern": "weekly",
                   "weekday": 1, "time": "10:00", "starts_on": s["starts_on"], "base_version": s["version"]}),
        )
        .await;
    assert_eq!(
        (st, stale["code"].as_str()),
        (StatusCode::CONFLICT, Some("request.conflict")),
        "{stale}"
    );
    // Three days on, the next weekday is within the lead time.
    advance(&[&app], Duration::days(3));
    assert_eq!(sweep_all(&[&app]).await, 1);
    relogin(&mut app, &mut member).await;
    let occ = occurrences(&series(&app, &app.admin, id).await);
    let newest = occ.last().and_then(|o| o["request_id"].as_i64()).expect("newest");
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{newest}")).await;
    assert_eq!(r["title"], "每周上门测血压（新）", "{r}");
    let (_, oldest) = app.get(&app.admin.token, &format!("/requests/{first}")).await;
    assert_eq!(oldest["title"], "每周上门量血压");

    // End: what was made for later and not started is cancelled; nothing more is made.
    let (st, ended) = app
        .post(&app.admin.token, &format!("/series/{id}/end"), json!({}))
        .await;
    assert_eq!(
        (st, ended["status"].as_str()),
        (StatusCode::OK, Some("ended")),
        "{ended}"
    );
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{newest}")).await;
    assert_eq!(r["status"], "cancelled", "{r}");
    advance(&[&app], Duration::days(7));
    assert_eq!(sweep_all(&[&app]).await, 0);
    relogin(&mut app, &mut member).await;
    let (st, again) = app
        .post(&app.admin.token, &format!("/series/{id}/resume"), json!({}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
}
both_backends!(pause_edit_end_and_history);

/// Clear refusals: a schedule without its day, a bad time, a resident
/// choosing a pair; a resident may set up their own series.
async fn refusals_and_a_residents_own_series(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let base = json!({"category": "errands", "title": "每月代缴水电费", "address": "5号楼",
                      "pattern": "monthly", "time": "09:00", "starts_on": today(&app)});
    let (s, bad) = app.post(&resident.token, "/series", base.clone()).await;
    assert_eq!(
        (s, bad["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("day_of_month")),
        "{bad}"
    );
    let mut b2 = base.clone();
    b2["day_of_month"] = json!(31);
    b2["time"] = json!("25:00");
    let (s, bad) = app.post(&resident.token, "/series", b2.clone()).await;
    assert_eq!(
        (s, bad["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("time")),
        "{bad}"
    );
    b2["time"] = json!("09:30");
    b2["member_id"] = json!(member.id);
    let (s, bad) = app.post(&resident.token, "/series", b2.clone()).await;
    assert_eq!(
        (s, bad["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("admin_only")),
        "{bad}"
    );
    b2["member_id"] = Value::Null;
    let (s, own) = app.post(&resident.token, "/series", b2).await;
    assert_eq!(s, StatusCode::CREATED, "{own}");
    assert_eq!(
        (own["resident"]["id"].as_i64(), own["can_manage"].as_bool()),
        (Some(resident.id), Some(true))
    );
    let (s, _) = app.post(&member.token, "/series", base).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(refusals_and_a_residents_own_series);
