//! 争议与申诉 (issue 13.5) over HTTP on both backends: a resident's dispute
//! holds verification until an admin rules (upheld → the work goes back;
//! partly upheld → the ruled hours are credited); a member's appeal of a
//! rating or a deduction changes the ledgers only by appending, the honor
//! boards (Redis) stay equal to SQL, the audit log lists it, both parties
//! are told, a ruling happens once, and the time to appeal is kept.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, clock_to, inbox, kinds, spawn_app, spawn_app_with};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn file(app: &TestApp, who: &User, body: Value) -> (StatusCode, Value) {
    app.post(&who.token, "/appeals", body).await
}

async fn rule(app: &TestApp, who: &User, id: i64, body: Value) -> (StatusCode, Value) {
    app.post(&who.token, &format!("/appeals/{id}/rule"), body).await
}

async fn get(app: &TestApp, who: &User, id: i64) -> Value {
    let (s, b) = app.get(&who.token, &format!("/requests/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

fn allowed(r: &Value) -> Vec<String> {
    r["allowed_actions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn code(b: &Value) -> &str {
    b["code"].as_str().unwrap_or("")
}

/// A request of `resident`'s that `member` reported done with `hours`.
async fn completed(app: &TestApp, resident: &User, member: &User, hours: f64) -> i64 {
    let id = app.post_request(resident).await["id"].as_i64().expect("id");
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    app.ok(member, id, "accept", json!({})).await;
    app.ok(member, id, "start", json!({})).await;
    app.ok(member, id, "complete", json!({"hours": hours, "summary": "已打扫"}))
        .await;
    id
}

async fn ledger(app: &TestApp, who: &User, member: i64, what: &str) -> Vec<Value> {
    let (s, b) = app
        .get(&who.token, &format!("/members/{member}/{what}?limit=100"))
        .await;
    assert_eq!(s, StatusCode::OK, "{what}: {b}");
    b["items"].as_array().cloned().unwrap_or_default()
}

/// Balance = Σ entries and hours = Σ records, as the member's summary says.
async fn assert_reconciles(app: &TestApp, member: &User) -> (i64, i64) {
    let entries = ledger(app, &app.admin, member.id, "points").await;
    let records = ledger(app, &app.admin, member.id, "records").await;
    let points: i64 = entries.iter().filter_map(|e| e["points"].as_i64()).sum();
    let minutes: i64 = records.iter().filter_map(|r| r["minutes"].as_i64()).sum();
    let s = app.service(&app.admin, member.id).await;
    assert_eq!(s["points"].as_i64(), Some(points), "balance = Σ entries: {s}");
    assert_eq!(s["entries_total"].as_i64(), Some(points), "{s}");
    assert_eq!(s["minutes"].as_i64(), Some(minutes), "hours = Σ records: {s}");
    (points, minutes)
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    let (s, log) = app.get(&app.admin.token, "/audit-log?limit=100").await;
    assert_eq!(s, StatusCode::OK, "{log}");
    log["items"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|e| e["action"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// 有异议 → 返工: verification waits for the ruling; upheld, the work goes
/// back to the member, who completes it again and is credited once.
async fn an_upheld_dispute_sends_the_work_back(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = completed(&app, &resident, &member, 2.0).await;

    // Only the requester disputes, with a reason.
    let (s, body) = file(
        &app,
        &member,
        json!({"kind": "completion", "request_id": id, "reason": "没做"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, body) = file(
        &app,
        &resident,
        json!({"kind": "completion", "request_id": id, "reason": "  "}),
    )
    .await;
    assert_eq!(
        (s, body["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")),
        "{body}"
    );
    let (s, dispute) = file(
        &app,
        &resident,
        json!({"kind": "completion", "request_id": id, "reason": "厨房根本没打扫"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{dispute}");
    assert_eq!(
        (dispute["status"].as_str(), dispute["kind_label"].as_str()),
        (Some("open"), Some("服务异议"))
    );
    let appeal = dispute["id"].as_i64().expect("id");
    let (s, again) = file(
        &app,
        &resident,
        json!({"kind": "completion", "request_id": id, "reason": "再说一次"}),
    )
    .await;
    assert_eq!((s, code(&again)), (StatusCode::CONFLICT, "appeal.exists"), "{again}");

    // The member and the admins hear of it; nobody verifies meanwhile.
    assert!(kinds(&app, &member).await.contains(&"dispute".to_owned()));
    assert!(kinds(&app, &app.admin).await.contains(&"dispute".to_owned()));
    let r = get(&app, &app.admin, id).await;
    assert_eq!(
        (r["status"].as_str(), r["disputed"].as_bool()),
        (Some("completed"), Some(true))
    );
    assert_eq!(allowed(&r), vec!["redo", "settle"], "{r}");
    app.ok(&resident, id, "review", json!({"stars": 1})).await;
    let (s, refused) = app.act(&app.admin, id, "verify", json!({})).await;
    assert_eq!(
        (s, code(&refused)),
        (StatusCode::CONFLICT, "request.disputed"),
        "{refused}"
    );
    assert!(
        refused["message"].as_str().is_some_and(|m| m.contains("异议")),
        "{refused}"
    );

    // A member cannot rule; the admin upholds it.
    let (s, _) = rule(&app, &member, appeal, json!({"outcome": "upheld", "reason": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, ruled) = rule(
        &app,
        &app.admin,
        appeal,
        json!({"outcome": "upheld", "reason": "经核实未打扫，返工"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{ruled}");
    assert_eq!(ruled["status_label"], "成立");
    let r = get(&app, &member, id).await;
    assert_eq!(
        (
            r["status"].as_str(),
            r["disputed"].as_bool(),
            r["hours"].as_f64(),
            r["rating"].as_i64()
        ),
        (Some("in_progress"), Some(false), None, None),
        "{r}"
    );
    assert!(kinds(&app, &member).await.contains(&"redo".to_owned()));
    let steps: Vec<String> = app
        .events(&resident, id)
        .await
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    assert!(
        steps.ends_with(&["dispute".into(), "review".into(), "redo".into()]),
        "{steps:?}"
    );
    let (s, twice) = rule(
        &app,
        &app.admin,
        appeal,
        json!({"outcome": "overturned", "reason": "改判"}),
    )
    .await;
    assert_eq!(
        (s, code(&twice)),
        (StatusCode::CONFLICT, "appeal.already_ruled"),
        "{twice}"
    );

    // The work done again is credited once, as reported the second time.
    app.ok(&member, id, "complete", json!({"hours": 1.0, "summary": "已重新打扫"}))
        .await;
    app.ok(&resident, id, "review", json!({"stars": 5})).await;
    app.ok(&app.admin, id, "verify", json!({})).await;
    let records = ledger(&app, &app.admin, member.id, "records").await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["minutes"], 60);
    assert_reconciles(&app, &member).await;
    assert!(audit_actions(&app).await.contains(&"appeal.rule".to_owned()));
}
both_backends!(an_upheld_dispute_sends_the_work_back);

/// Partly upheld: verification goes on and credits the ruled hours; the
/// record keeps what the member reported.
async fn a_partly_upheld_dispute_credits_the_ruled_hours(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = completed(&app, &resident, &member, 3.0).await;
    let (s, d) = file(
        &app,
        &resident,
        json!({"kind": "completion", "request_id": id, "reason": "只干了一个多小时"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let appeal = d["id"].as_i64().expect("id");
    // More than reported, or nothing, is refused with the field named.
    for hours in [json!(3.0), json!(null)] {
        let (s, bad) = rule(
            &app,
            &app.admin,
            appeal,
            json!({"outcome": "partial", "reason": "部分认可", "hours": hours}),
        )
        .await;
        assert_eq!(
            (s, bad["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("hours")),
            "{bad}"
        );
    }
    let (s, ruled) = rule(
        &app,
        &app.admin,
        appeal,
        json!({"outcome": "partial", "reason": "按 1.5 小时认定", "hours": 1.5}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{ruled}");
    assert_eq!(ruled["ruling"]["hours"], 1.5);
    let r = get(&app, &app.admin, id).await;
    assert_eq!(
        (r["status"].as_str(), r["disputed"].as_bool()),
        (Some("completed"), Some(false))
    );
    app.ok(&resident, id, "review", json!({"stars": 4})).await;
    app.ok(&app.admin, id, "verify", json!({})).await;
    let records = ledger(&app, &app.admin, member.id, "records").await;
    assert_eq!(
        (records[0]["minutes"].as_i64(), records[0]["reported_minutes"].as_i64()),
        (Some(90), Some(180)),
        "{records:?}"
    );
    assert_eq!(assert_reconciles(&app, &member).await, (2, 90));
    // Both parties heard of the ruling.
    assert!(kinds(&app, &member).await.contains(&"settle".to_owned()));
    assert!(kinds(&app, &resident).await.contains(&"settle".to_owned()));
}
both_backends!(a_partly_upheld_dispute_credits_the_ruled_hours);

/// A rating appeal upheld: the rating stops counting — by a reversal and a
/// correction, never an edit — the points a low rating withheld come back,
/// and the honor boards in Redis stay equal to SQL.
async fn an_upheld_rating_appeal_takes_the_rating_out(b: Backend) {
    let Some(app) = spawn_app_with(b, true).await else {
        return;
    };
    let (s, body) = app
        .put(
            &app.admin.token,
            "/communities/1/rating-rule",
            json!({"rule": {"void_points_at_or_below_stars": 2, "appeal_days": 7}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let resident = app.resident().await;
    let member = app.member().await;
    let other = app.member().await;
    let id = app.closed_request(&resident, &member, 120, 1).await;
    assert_eq!(assert_reconciles(&app, &member).await, (0, 120), "a 1★ earns nothing");

    let (s, body) = file(
        &app,
        &other,
        json!({"kind": "rating", "request_id": id, "reason": "不公平"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the member credited appeals: {body}");
    let (s, appeal) = file(
        &app,
        &member,
        json!({"kind": "rating", "request_id": id, "reason": "居民误以为我没来，其实按时上门了"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{appeal}");
    assert_eq!(appeal["stars"], 1);
    let appeal_id = appeal["id"].as_i64().expect("id");
    let (s, again) = file(
        &app,
        &member,
        json!({"kind": "rating", "request_id": id, "reason": "再申诉"}),
    )
    .await;
    assert_eq!((s, code(&again)), (StatusCode::CONFLICT, "appeal.exists"));
    assert!(kinds(&app, &app.admin).await.contains(&"appeal.filed".to_owned()));
    assert!(kinds(&app, &resident).await.contains(&"appeal.filed".to_owned()));
    // The resident sees it as the other party; the admin as one to rule.
    let (_, theirs) = app.get(&resident.token, "/appeals").await;
    assert_eq!(theirs["items"][0]["id"], appeal_id, "{theirs}");
    assert_eq!(theirs["items"][0]["can_rule"], false);
    let (_, open) = app.get(&app.admin.token, "/appeals?open=true").await;
    assert_eq!(open["items"][0]["can_rule"], true, "{open}");

    let (s, ruled) = rule(
        &app,
        &app.admin,
        appeal_id,
        json!({"outcome": "upheld", "reason": "门禁记录显示按时到达"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{ruled}");
    let records = ledger(&app, &app.admin, member.id, "records").await;
    let kinds_of: Vec<&str> = records.iter().filter_map(|r| r["kind"].as_str()).collect();
    assert_eq!(kinds_of.len(), 3, "{records:?}");
    assert!(
        kinds_of.contains(&"reversal") && kinds_of.contains(&"correction"),
        "{kinds_of:?}"
    );
    let corrected = records.iter().find(|r| r["kind"] == "correction").expect("correction");
    assert_eq!(
        (corrected["rating"].as_i64(), corrected["minutes"].as_i64()),
        (None, Some(120))
    );
    // The original row is as it was.
    assert!(records.iter().any(|r| r["kind"] == "service" && r["rating"] == 1));
    assert_eq!(
        assert_reconciles(&app, &member).await,
        (2, 120),
        "the withheld points came back"
    );
    assert!(kinds(&app, &member).await.contains(&"appeal.ruled".to_owned()));
    assert!(kinds(&app, &resident).await.contains(&"appeal.ruled".to_owned()));
    assert!(audit_actions(&app).await.contains(&"appeal.rating".to_owned()));

    // Boards: no rating counts for the member now, Redis equal to SQL.
    for metric in ["points", "hours", "services", "rating"] {
        let q = format!("/honor-board?scope=community&period=all&metric={metric}&limit=50");
        let (_, redis) = app.get(&app.admin.token, &q).await;
        let (_, sql) = app.get(&app.admin.token, &format!("{q}&source=sql")).await;
        assert_eq!(redis["source"], "redis", "{redis}");
        assert_eq!(redis["entries"], sql["entries"], "{metric}");
    }
    let (_, board) = app
        .get(
            &app.admin.token,
            "/honor-board?scope=community&period=all&metric=rating&limit=50",
        )
        .await;
    let listed = board["entries"]
        .as_array()
        .is_some_and(|e| e.iter().any(|x| x["member_id"] == member.id));
    assert!(!listed, "an appealed-away rating does not rank: {board}");
}
both_backends!(an_upheld_rating_appeal_takes_the_rating_out);

/// A deduction appeal: partly upheld gives some points back once; two
/// admins ruling at once have one winner; after `appeal_days` it is too
/// late; only deductions can be appealed.
async fn deduction_appeals_are_ruled_once_and_in_time(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let member = app.member().await;
    let street = app.street_admin().await;
    app.award(member.id, 20).await;
    let deduction = app.award(member.id, -10).await;
    let award_entry = ledger(&app, &member, member.id, "points")
        .await
        .into_iter()
        .find(|e| e["kind"] == "award")
        .expect("award");
    let (s, bad) = file(
        &app,
        &member,
        json!({"kind": "deduction", "entry_id": award_entry["id"], "reason": "x"}),
    )
    .await;
    assert_eq!(
        (s, bad["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_deduction")),
        "{bad}"
    );
    let (s, appeal) = file(
        &app,
        &member,
        json!({"kind": "deduction", "entry_id": deduction["id"], "reason": "那天临时住院，已提前请假"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{appeal}");
    let id = appeal["id"].as_i64().expect("id");
    let (s, bad) = rule(
        &app,
        &app.admin,
        id,
        json!({"outcome": "partial", "reason": "部分", "points": 10}),
    )
    .await;
    assert_eq!(
        (s, bad["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("points")),
        "{bad}"
    );

    // The community admin and the street admin rule at once: one wins.
    let body = json!({"outcome": "partial", "reason": "请假属实，但未通知服务对象", "points": 6});
    let (a, b2) = tokio::join!(rule(&app, &app.admin, id, body.clone()), rule(&app, &street, id, body));
    let statuses = [a.0, b2.0];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(
        statuses.contains(&StatusCode::CONFLICT),
        "{statuses:?} {} {}",
        a.1,
        b2.1
    );
    let entries = ledger(&app, &member, member.id, "points").await;
    let back: Vec<i64> = entries
        .iter()
        .filter(|e| e["kind"] == "correction")
        .filter_map(|e| e["points"].as_i64())
        .collect();
    assert_eq!(back, vec![6], "{entries:?}");
    assert_eq!(assert_reconciles(&app, &member).await.0, 20 - 10 + 6);
    assert!(
        inbox(&app, &member)
            .await
            .iter()
            .any(|n| n["kind"] == "appeal.ruled" && n["title"].as_str().is_some_and(|t| t.contains("部分成立")))
    );

    // Another deduction, appealed after the community's 7 days: too late.
    let late = app.award(member.id, -3).await;
    clock_to(&app, app.state.clock.now() + Duration::days(8));
    let (s, body) = file(
        &app,
        &member,
        json!({"kind": "deduction", "entry_id": late["id"], "reason": "迟到的申诉"}),
    )
    .await;
    assert_eq!((s, code(&body)), (StatusCode::CONFLICT, "appeal.too_late"), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains('7')), "{body}");
    // Someone else's entry is not theirs to appeal.
    let other = app.member().await;
    let (s, _) = file(
        &app,
        &other,
        json!({"kind": "deduction", "entry_id": deduction["id"], "reason": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_backends!(deduction_appeals_are_ruled_once_and_in_time);
