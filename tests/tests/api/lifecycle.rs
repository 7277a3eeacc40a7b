//! The lifecycle when service does not go well (issue 13): no request gets
//! stuck (reclaim, verify without a rating, suspension returns tasks),
//! withdraw, no-show with its matching factor and review flag, the
//! confirmation the resident sees — over HTTP, on both backends, under the
//! one moved clock.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, clock_to, inbox, kinds, spawn_app, spawn_replicas};
use chrono::{Duration, SecondsFormat};
use linli::workers::sweeper::sweep;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn allowed(r: &Value) -> Vec<String> {
    r["allowed_actions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn get(app: &TestApp, who: &User, id: i64) -> Value {
    let (s, b) = app.get(&who.token, &format!("/requests/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// A request for `hours_ahead` hours from the app's clock, dispatched to and
/// accepted by `member`.
async fn accepted_at(app: &TestApp, resident: &User, member: &User, hours_ahead: i64) -> i64 {
    let when = (app.state.clock.now() + Duration::hours(hours_ahead)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (s, b) = app
        .post(
            &resident.token,
            "/requests",
            json!({"category": "elderly_care", "title": "陪老人去医院复查", "address": "5号楼1单元302", "preferred_time": when}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().expect("id");
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    app.ok(member, id, "accept", json!({})).await;
    id
}

fn field_error(b: &Value) -> (&str, &str) {
    (
        b["code"].as_str().unwrap_or(""),
        b["fields"][0]["field"].as_str().unwrap_or(""),
    )
}

/// 收回: an admin takes an accepted or in-progress request back (a reason
/// is required); the member is told and holds nothing any more.
async fn an_admin_reclaims_a_held_request(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted_at(&app, &resident, &member, 24).await;
    app.ok(&member, id, "start", json!({})).await;
    assert!(allowed(&get(&app, &app.admin, id).await).contains(&"reclaim".to_owned()));

    let (s, e) = app.act(&app.admin, id, "reclaim", json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(field_error(&e), ("validation.failed", "note"), "{e}");
    assert_eq!(e["fields"][0]["message"], "请写明原因", "{e}");
    let (s, _) = app.act(&resident, id, "reclaim", json!({"note": "想换人"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.act(&member, id, "reclaim", json!({"note": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let back = app
        .ok(&app.admin, id, "reclaim", json!({"note": "党员临时出差，改派他人"}))
        .await;
    assert_eq!(
        (back["status"].as_str(), &back["assignee"]),
        (Some("pending"), &Value::Null)
    );
    assert!(kinds(&app, &member).await.contains(&"reclaim".to_owned()));
    let last = app.events(&app.admin, id).await.pop().expect("event");
    assert_eq!(
        (last["action"].as_str(), last["note"].as_str()),
        (Some("reclaim"), Some("党员临时出差，改派他人"))
    );
    // The member's hands are free: the request can go to someone else.
    let (s, _) = app
        .act(&member, id, "complete", json!({"hours": 1, "summary": "x"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = app.member().await;
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": other.id}))
        .await;
}
both_backends!(an_admin_reclaims_a_held_request);

/// 退单: the holder gives an accepted request back before starting, saying
/// why; the admins are told. Decline is for dispatches not yet accepted.
async fn a_member_withdraws_before_starting(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted_at(&app, &resident, &member, 24).await;
    assert!(allowed(&get(&app, &member, id).await).contains(&"withdraw".to_owned()));
    let (s, e) = app.act(&member, id, "decline", json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("request.invalid_transition"))
    );
    let (s, e) = app.act(&member, id, "withdraw", json!({"note": "  "})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(field_error(&e).1, "note");

    let back = app.ok(&member, id, "withdraw", json!({"note": "家里老人住院"})).await;
    assert_eq!(back["status"], "pending");
    assert!(kinds(&app, &app.admin).await.contains(&"withdraw".to_owned()));

    // Once started, withdrawing is no longer the member's to do.
    let id = accepted_at(&app, &resident, &member, 24).await;
    app.ok(&member, id, "start", json!({})).await;
    let (s, _) = app.act(&member, id, "withdraw", json!({"note": "x"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
}
both_backends!(a_member_withdraws_before_starting);

/// 爽约: after the agreed time the resident records that nobody came; the
/// request goes back to the pool as urgent, the member's no-show counts
/// against them in matching, and a second one within the window flags them.
async fn a_no_show_counts_against_the_member(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted_at(&app, &resident, &member, 2).await;

    // The confirmation the resident sees names the time.
    let accept = inbox(&app, &resident).await;
    let title = accept
        .iter()
        .find(|n| n["kind"] == "accept")
        .and_then(|n| n["title"].as_str())
        .unwrap_or("");
    assert!(title.starts_with("已确认，将于 "), "{title}");

    let (s, _) = app.act(&resident, id, "no_show", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "not before the agreed time");
    assert!(!allowed(&get(&app, &resident, id).await).contains(&"no_show".to_owned()));
    app.state.clock.advance(Duration::hours(3));
    assert!(allowed(&get(&app, &resident, id).await).contains(&"no_show".to_owned()));
    let (s, _) = app.act(&member, id, "no_show", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not the member's to record");

    let back = app.ok(&resident, id, "no_show", json!({})).await;
    assert_eq!(
        (back["status"].as_str(), back["urgency"].as_str()),
        (Some("pending"), Some("urgent")),
        "{back}"
    );
    assert!(kinds(&app, &member).await.contains(&"no_show".to_owned()));
    assert!(kinds(&app, &app.admin).await.contains(&"no_show".to_owned()));
    let (_, m) = app.get(&app.admin.token, &format!("/members/{}", member.id)).await;
    assert_eq!(
        (m["no_shows"].as_i64(), &m["flagged_at"]),
        (Some(1), &Value::Null),
        "{m}"
    );

    // Matching sees it: the same member with a no-show scores lower on reliability.
    let twin = app.member().await;
    let (s, c) = app.get(&app.admin.token, &format!("/requests/{id}/candidates")).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let of = |who: i64| {
        c["candidates"]
            .as_array()
            .and_then(|l| l.iter().find(|x| x["member"]["user_id"] == who).cloned())
            .unwrap_or_else(|| panic!("{who} not a candidate: {c}"))
    };
    let (late, fresh) = (of(member.id), of(twin.id));
    assert_eq!(late["breakdown"]["recent_no_shows"], 1, "{late}");
    assert!(
        late["breakdown"]["rating"]["points"].as_f64() < fresh["breakdown"]["rating"]["points"].as_f64(),
        "{late} vs {fresh}"
    );

    // A second no-show within the window (rule: 2 in 30 days) flags them; an admin clears it.
    let again = accepted_at(&app, &resident, &member, 1).await;
    app.state.clock.advance(Duration::hours(2));
    app.ok(&app.admin, again, "no_show", json!({})).await;
    let (_, m) = app.get(&app.admin.token, &format!("/members/{}", member.id)).await;
    assert_eq!(m["no_shows"], 2);
    assert!(m["flagged_at"].is_string(), "{m}");
    let (s, m) = app
        .post(
            &app.admin.token,
            &format!("/members/{}/clear-flag", member.id),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, &m["flagged_at"], m["no_shows"].as_i64()),
        (StatusCode::OK, &Value::Null, Some(2))
    );
}
both_backends!(a_no_show_counts_against_the_member);

/// A completed request the resident never rates: reminded on the last day
/// (once, however often the sweeper runs), then verifiable without a
/// rating; the credit is made and the member's rating average is untouched.
async fn an_unrated_request_is_verified_after_the_time_to_rate(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted_at(&app, &resident, &member, 1).await;
    app.ok(&member, id, "start", json!({})).await;
    app.ok(
        &member,
        id,
        "complete",
        json!({"hours": 2, "summary": "陪同复查并取药"}),
    )
    .await;
    let (s, e) = app.act(&app.admin, id, "verify", json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("request.invalid_transition"))
    );
    assert!(!allowed(&get(&app, &app.admin, id).await).contains(&"verify".to_owned()));

    // Default rule: 7 days to rate; the reminder comes on the last day.
    app.state.clock.advance(Duration::days(5));
    assert_eq!(sweep(&app.state).await.expect("sweep").rate_reminders, 0);
    app.state.clock.advance(Duration::days(1) + Duration::hours(1));
    assert_eq!(sweep(&app.state).await.expect("sweep").rate_reminders, 1);
    assert_eq!(sweep(&app.state).await.expect("sweep").rate_reminders, 0, "once");
    let replica = app.replica(|_| {}).await;
    replica.state.clock.advance(Duration::days(6) + Duration::hours(1));
    assert_eq!(
        sweep(&replica.state).await.expect("sweep").rate_reminders,
        0,
        "once across replicas"
    );
    let reminders: Vec<Value> = inbox(&app, &resident)
        .await
        .into_iter()
        .filter(|n| n["kind"] == "late.review.at_risk")
        .collect();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert!(
        reminders[0]["title"].as_str().unwrap_or("").starts_with("请为服务评价"),
        "{reminders:?}"
    );

    app.state.clock.advance(Duration::days(1));
    assert!(allowed(&get(&app, &app.admin, id).await).contains(&"verify".to_owned()));
    let (_, list) = app.get(&app.admin.token, "/supervision").await;
    assert!(
        list.as_array()
            .is_some_and(|l| l.iter().any(|x| x["request_id"] == id && x["stage"] == "review")),
        "{list}"
    );
    let closed = app.ok(&app.admin, id, "verify", json!({})).await;
    assert_eq!(
        (closed["status"].as_str(), &closed["rating"]),
        (Some("closed"), &Value::Null)
    );
    let service = app.service(&member, member.id).await;
    assert_eq!(
        (service["points"].as_i64(), service["services"].as_i64()),
        (Some(2), Some(1)),
        "{service}"
    );
    // The resident can no longer rate a closed request.
    let (s, _) = app.act(&resident, id, "review", json!({"stars": 1})).await;
    assert_eq!(s, StatusCode::CONFLICT);
}
both_backends!(an_unrated_request_is_verified_after_the_time_to_rate);

/// Suspending a member returns every request they hold to the pool in the
/// same commit, and they can act on nothing after.
async fn suspension_returns_open_tasks(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let dispatched = app.post_request(&resident).await["id"].as_i64().expect("id");
    app.ok(&app.admin, dispatched, "dispatch", json!({"assignee_id": member.id}))
        .await;
    let started = accepted_at(&app, &resident, &member, 24).await;
    app.ok(&member, started, "start", json!({})).await;

    let (s, b) = app
        .post(
            &app.admin.token,
            &format!("/members/{}/suspend", member.id),
            json!({"note": "多次投诉"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["active_requests"], 0, "{b}");
    for id in [dispatched, started] {
        let r = get(&app, &app.admin, id).await;
        assert_eq!(
            (r["status"].as_str(), &r["assignee"]),
            (Some("pending"), &Value::Null),
            "{r}"
        );
        let last = app.events(&app.admin, id).await.pop().expect("event");
        assert_eq!(last["action"], "reclaim");
        assert_eq!(last["note"], "党员/志愿者已暂停服务，社区收回");
    }
    // Even a request dispatched to them just before cannot be worked on.
    let (s, _) = app
        .act(&member, started, "complete", json!({"hours": 24, "summary": "x"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.act(&member, dispatched, "accept", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.service(&app.admin, member.id).await["points"], 0);
}
both_backends!(suspension_returns_open_tasks);

/// The admin saves community 1's rule `current` (as read) with `review_days` changed.
async fn put_review_days(app: &TestApp, current: &Value, days: i64) -> (StatusCode, Value) {
    let mut rule = current["rule"].clone();
    rule["review_days"] = json!(days);
    app.put(
        &app.admin.token,
        "/communities/1/rating-rule",
        json!({"rule": rule, "base_version": current["version"]}),
    )
    .await
}

/// A rule outside its bounds is refused with the field named.
async fn lifecycle_rule_bounds(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let (s, r) = app.get(&app.admin.token, "/communities/1/rating-rule").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["rule"]["review_days"].as_i64(), r["rule"]["no_show_limit"].as_i64()),
        (Some(7), Some(2))
    );
    let (s, e) = put_review_days(&app, &r, 0).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["fields"][0]["field"], "review_days", "{e}");
}
both_backends!(lifecycle_rule_bounds);

/// 评价期限 from the kept rules: each replica keeps the rule in force, and a
/// change drops every copy, so a shorter time to rate lets the admin verify
/// an unrated request at once here and within a second on the other replica.
async fn a_rule_change_moves_the_review_deadline_on_every_replica(b: Backend) {
    let Some((app, other)) = spawn_replicas(b).await else {
        return;
    };
    let there = other.as_ref().unwrap_or(&app);
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.completed_request(&resident, &member, 60).await;
    // Two days on, on both clocks: within the default seven days to rate.
    let later = app.state.clock.now() + Duration::days(2);
    clock_to(&app, later);
    clock_to(there, later);
    for replica in [&app, there] {
        // Read once, so each replica keeps the rule in force.
        let r = get(replica, &app.admin, id).await;
        assert!(!allowed(&r).contains(&"verify".to_owned()), "{r}");
    }
    let (s, r) = app.get(&app.admin.token, "/communities/1/rating-rule").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, e) = put_review_days(&app, &r, 1).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let r = get(&app, &app.admin, id).await;
    assert!(allowed(&r).contains(&"verify".to_owned()), "at once here: {r}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let r = get(there, &app.admin, id).await;
        if allowed(&r).contains(&"verify".to_owned()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "within a second there: {r}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    there.ok(&app.admin, id, "verify", json!({})).await;
}
both_backends!(a_rule_change_moves_the_review_deadline_on_every_replica);

async fn remind_count(app: &TestApp) -> usize {
    sweep(&app.state).await.expect("sweep").reminders
}

async fn count_kind(app: &TestApp, who: &User, kind: &str) -> usize {
    kinds(app, who).await.iter().filter(|k| *k == kind).count()
}

/// 提醒: the holder the day before and on the morning, the resident on the
/// day, the admins when a hall request is still unclaimed — each once, even
/// with two sweepers, and never in the person's quiet hours.
async fn reminders_come_once_and_wait_out_quiet_hours(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let offset = app.state.local_offset;
    let resident = app.resident().await;
    let member = app.member().await;
    // The day after tomorrow at 14:30 local time.
    let day = (app.state.clock.now().with_timezone(&offset) + Duration::days(2)).date_naive();
    let local = |h, m| {
        day.and_hms_opt(h, m, 0)
            .and_then(|t| t.and_local_timezone(offset).single())
            .expect("local time")
            .with_timezone(&chrono::Utc)
    };
    let when = local(14, 30);
    let iso = when.to_rfc3339_opts(SecondsFormat::Secs, true);
    let post = |title: &'static str| {
        let (app, resident, iso) = (&app, &resident, iso.clone());
        async move {
            let (s, b) = app
                .post(
                    &resident.token,
                    "/requests",
                    json!({"category": "elderly_care", "title": title, "address": "5号楼", "preferred_time": iso}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
            b["id"].as_i64().expect("id")
        }
    };
    let visit = post("陪老人复查").await;
    app.ok(&app.admin, visit, "dispatch", json!({"assignee_id": member.id}))
        .await;
    app.ok(&member, visit, "accept", json!({})).await;
    let hall = post("帮忙搬煤气罐").await;
    app.ok(&app.admin, hall, "publish", json!({})).await;
    // The member keeps 06:00–09:00 quiet; the others have the default 21:00–08:00.
    let (s, me) = app
        .put(
            &member.token,
            "/me",
            json!({"quiet_start": "06:00", "quiet_end": "09:00"}),
        )
        .await;
    assert_eq!(
        (s, &me["quiet_hours"]),
        (StatusCode::OK, &json!({"start": "06:00", "end": "09:00"}))
    );
    let (s, e) = app.put(&member.token, "/me", json!({"quiet_start": "6点"})).await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("quiet_start"))
    );

    clock_to(&app, when - Duration::hours(25));
    assert_eq!(remind_count(&app).await, 0, "too early");
    clock_to(&app, when - Duration::hours(24) + Duration::minutes(1)); // 14:31 the day before
    assert_eq!(remind_count(&app).await, 1, "the holder, the day before");
    assert_eq!(remind_count(&app).await, 0, "once");
    let replica = app.replica(|_| {}).await;
    replica
        .state
        .clock
        .advance(app.state.clock.now() - replica.state.clock.now());
    assert_eq!(remind_count(&replica).await, 0, "once across replicas");

    // 02:30: the hall request is 12 h away and unclaimed, but the admin sleeps.
    clock_to(&app, local(2, 30));
    assert_eq!(remind_count(&app).await, 0, "quiet hours");
    // 08:00: the resident (and the admin) hear; the member's quiet hours last until 09:00.
    clock_to(&app, local(8, 0) + Duration::seconds(30));
    remind_count(&app).await;
    assert_eq!(count_kind(&app, &resident, "remind.resident_day").await, 1);
    assert_eq!(count_kind(&app, &app.admin, "remind.unclaimed").await, 1);
    assert_eq!(
        count_kind(&app, &member, "remind.holder_morning").await,
        0,
        "still quiet"
    );
    clock_to(&app, local(9, 1));
    assert_eq!(remind_count(&app).await, 1, "the member, once their quiet hours end");
    assert_eq!(remind_count(&app).await, 0);
    assert_eq!(count_kind(&app, &member, "remind.holder_day_before").await, 1);
    assert_eq!(count_kind(&app, &member, "remind.holder_morning").await, 1);
    let title = inbox(&app, &member)
        .await
        .iter()
        .find(|n| n["kind"] == "remind.holder_morning")
        .and_then(|n| n["title"].as_str().map(str::to_owned))
        .unwrap_or_default();
    assert!(title.starts_with("今天 ") && title.contains("14:30"), "{title}");
    // After the agreed time nothing more is sent.
    clock_to(&app, when + Duration::minutes(1));
    assert_eq!(remind_count(&app).await, 0);
}
both_backends!(reminders_come_once_and_wait_out_quiet_hours);
