//! 督查 under a controllable clock, 回访 (follow-ups, reopening), and the
//! statistics against a hand-computed fixture.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, spawn_app};
use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::enums::{EventStep, Level, RequestStatus, Stage, Urgency};
use linli::workers::sweeper::{SweepReport, sweep};
use reqwest::StatusCode;
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, Database, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

async fn sweep_now(app: &TestApp) -> SweepReport {
    sweep(&app.state).await.expect("sweep")
}

fn report(overdue: usize, escalated: usize, repooled: usize) -> SweepReport {
    SweepReport {
        marked_overdue: overdue,
        escalated,
        repooled,
        ..SweepReport::default()
    }
}

async fn marks(app: &TestApp, request: i64) -> Vec<(String, String)> {
    let db = Database::connect(&app.database_url).await.expect("db");
    let mut m: Vec<(String, String)> = entity::supervision_mark::Entity::find()
        .filter(entity::supervision_mark::Column::RequestId.eq(request))
        .all(&db)
        .await
        .expect("marks")
        .into_iter()
        .map(|m| (m.stage.to_value(), m.level.to_value()))
        .collect();
    m.sort();
    db.close().await.expect("close");
    m
}

async fn kinds(app: &TestApp, who: &crate::helpers::User) -> Vec<String> {
    let (_, inbox) = app.get(&who.token, "/notifications?limit=100").await;
    inbox["items"]
        .as_array()
        .map(|l| l.iter().filter_map(|n| n["kind"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// elderly_care: 48 h to complete, 16 h to dispatch, 8 h to accept; escalation at twice.
async fn sweeper_marks_escalates_and_repools_once(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");

    assert_eq!(sweep_now(&app).await, report(0, 0, 0), "on time");
    app.state.clock.advance(Duration::hours(13));
    let (_, list) = app.get(&app.admin.token, "/supervision").await;
    assert_eq!(list[0]["level"], "at_risk", "{list}");
    assert_eq!(sweep_now(&app).await, report(0, 0, 0), "at risk is listed, not marked");

    app.state.clock.advance(Duration::hours(4)); // 17 h: past the 16 h to dispatch
    assert_eq!(sweep_now(&app).await, report(1, 0, 0));
    assert_eq!(sweep_now(&app).await, report(0, 0, 0), "once");
    assert_eq!(marks(&app, id).await, [("dispatch".into(), "overdue".into())]);
    assert!(
        kinds(&app, &app.admin)
            .await
            .contains(&"late.dispatch.overdue".to_owned())
    );
    let (_, list) = app.get(&app.admin.token, "/supervision").await;
    assert_eq!(
        (list[0]["request_id"].as_i64(), list[0]["stage"].as_str()),
        (Some(id), Some("dispatch"))
    );

    // One clock: the dispatch is stamped at the moved time. 17 h later it is
    // past 8 h to accept and past twice that — overdue, escalated, repooled.
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    assert_eq!(sweep_now(&app).await, report(0, 0, 0), "just dispatched");
    app.state.clock.advance(Duration::hours(17));
    assert_eq!(sweep_now(&app).await, report(1, 1, 1));
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert_eq!(
        (r["status"].as_str(), r["assignee"].is_null()),
        (Some("pending"), true),
        "{r}"
    );
    let events = app.events(&app.admin, id).await;
    assert_eq!(events.last().map(|e| e["action"].clone()), Some(json!("repool")));
    assert!(
        kinds(&app, &member).await.contains(&"repool".to_owned()),
        "the member is told"
    );
    // The repool is stamped on the one clock the sweeper judged by, not on
    // the real time (which is 34 h behind it here).
    let repooled_at = events
        .last()
        .and_then(|e| e["at"].as_str())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .expect("repool time");
    assert!(
        (app.state.clock.now() - repooled_at).num_seconds().abs() < 60,
        "repool at {repooled_at}, clock at {}",
        app.state.clock.now()
    );
    assert!(repooled_at - Utc::now() > Duration::hours(30), "{repooled_at}");
    assert_eq!(
        events
            .last()
            .map(|e| (e["actor"]["id"].clone(), e["actor_role"].clone())),
        Some((json!(null), json!("system"))),
        "系统 repools, not an admin"
    );
    // Back in the pool, a new dispatch stage started: 17 h later it is late
    // again (17 h > 16 h), once.
    app.state.clock.advance(Duration::hours(17));
    assert_eq!(sweep_now(&app).await, report(1, 0, 0));
    assert_eq!(sweep_now(&app).await, report(0, 0, 0));
    let m = marks(&app, id).await;
    assert_eq!(
        m.iter().filter(|(s, l)| s == "accept" && l == "escalated").count(),
        1,
        "{m:?}"
    );
    assert_eq!(
        m.iter().filter(|(s, _)| s == "dispatch").count(),
        2,
        "one per stage start: {m:?}"
    );

    // Members cannot read supervision; the sweep endpoint is for admins.
    let (s, _) = app.get(&member.token, "/supervision").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, r) = app.post(&app.admin.token, "/supervision/sweep", json!({})).await;
    assert_eq!((s, r["marked_overdue"].as_u64()), (StatusCode::OK, Some(0)));
}
both_backends!(sweeper_marks_escalates_and_repools_once);

/// 回访: closed requests wait for a follow-up; a dissatisfied one reopens
/// the request, and its next close credits the member again (round 2).
async fn follow_ups_and_reopening(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.closed_request(&resident, &member, 60, 2).await;
    let fine = app.closed_request(&resident, &member, 60, 5).await;

    app.state.clock.advance(Duration::days(8));
    let (_, list) = app.get(&app.admin.token, "/supervision").await;
    let waiting: Vec<i64> = list
        .as_array()
        .expect("list")
        .iter()
        .filter(|x| x["stage"] == "follow_up")
        .filter_map(|x| x["request_id"].as_i64())
        .collect();
    assert_eq!(waiting, [id, fine], "closed 8 days ago without a follow-up");
    let r = sweep_now(&app).await;
    assert_eq!(r, report(2, 0, 0));

    let (s, f) = app
        .post(
            &app.admin.token,
            &format!("/requests/{fine}/follow-ups"),
            json!({"method": "call", "satisfied": true, "note": "居民表示满意"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let (s, e) = app
        .post(
            &app.admin.token,
            &format!("/requests/{fine}/follow-ups"),
            json!({"method": "call", "satisfied": true, "reopen": true}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, f) = app
        .post(
            &app.admin.token,
            &format!("/requests/{id}/follow-ups"),
            json!({"method": "visit", "satisfied": false, "note": "水龙头又漏了", "reopen": true}),
        )
        .await;
    assert_eq!((s, f["reopened"].as_bool()), (StatusCode::CREATED, Some(true)), "{f}");
    let (_, list) = app.get(&app.admin.token, "/supervision").await;
    assert!(
        list.as_array().expect("list").iter().all(|x| x["stage"] != "follow_up"),
        "followed up: {list}"
    );
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert_eq!(r["status"], "pending");
    assert!(kinds(&app, &member).await.contains(&"reopen".to_owned()));
    let (s, _) = app
        .post(
            &member.token,
            &format!("/requests/{id}/follow-ups"),
            json!({"method": "call", "satisfied": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Round 2: served again, credited again — once per round.
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    app.ok(&member, id, "accept", json!({})).await;
    app.ok(&member, id, "start", json!({})).await;
    app.ok(
        &member,
        id,
        "complete",
        json!({"hours": 2, "summary": "更换了整个龙头"}),
    )
    .await;
    app.ok(&resident, id, "review", json!({"stars": 5})).await;
    app.ok(&app.admin, id, "verify", json!({})).await;
    let (_, entries) = app
        .get(&member.token, &format!("/members/{}/points?limit=100", member.id))
        .await;
    let credits: Vec<i64> = entries["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["request_id"] == id && e["kind"] == "service")
        .filter_map(|e| e["points"].as_i64())
        .collect();
    assert_eq!(credits, [2, 1], "round 2 (2 h), round 1 (1 h)");
    let (_, ups) = app.get(&app.admin.token, &format!("/requests/{id}/follow-ups")).await;
    assert_eq!(ups.as_array().map(Vec::len), Some(1));
}
both_backends!(follow_ups_and_reopening);

fn at(h: i64) -> DateTime<Utc> {
    // 2026-03-02 08:00 in +08:00.
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).single().expect("time") + Duration::hours(h)
}

/// Four requests with known times, written straight into the database.
async fn fixture(app: &TestApp, resident: i64, member: i64) -> Vec<i64> {
    let db = Database::connect(&app.database_url).await.expect("db");
    let category = |code: &'static str| {
        let db = db.clone();
        async move {
            entity::service_category::Entity::find()
                .filter(entity::service_category::Column::Code.eq(code))
                .one(&db)
                .await
                .expect("category")
                .expect("seeded")
                .id
        }
    };
    let (care, errands) = (category("elderly_care").await, category("errands").await);
    // (category, accepted after h, closed after h, rating, overdue)
    type Line = (i64, Option<i64>, Option<i64>, Option<i16>, bool);
    let rows: [Line; 4] = [
        (care, Some(2), Some(10), Some(5), false),
        (care, Some(4), Some(20), Some(4), true),
        (errands, Some(6), None, None, true),
        (errands, None, None, None, false),
    ];
    let mut ids = Vec::new();
    for (cat, accepted, closed, rating, overdue) in rows {
        let status = match (accepted, closed) {
            (_, Some(_)) => RequestStatus::Closed,
            (Some(_), None) => RequestStatus::Accepted,
            _ => RequestStatus::Pending,
        };
        let r = entity::help_request::ActiveModel {
            community_id: Set(1),
            grid_id: Set(None),
            resident_id: Set(resident),
            entered_by: Set(resident),
            category_id: Set(cat),
            title: Set("统计样例".into()),
            description: Set(String::new()),
            address: Set("1号楼".into()),
            contact_phone: Set("13100000000".into()),
            preferred_time: Set(None),
            urgency: Set(Urgency::Normal),
            status: Set(status),
            assignee_id: Set(accepted.map(|_| member)),
            due_at: Set(Some(at(48))),
            service_minutes: Set(closed.map(|_| 60)),
            summary: Set(closed.map(|_| "完成".to_owned())),
            rating: Set(rating),
            review_comment: Set(None),
            version: Set(1),
            created_at: Set(at(0)),
            updated_at: Set(at(0)),
            closed_at: Set(closed.map(at)),
            lat: Set(None),
            lng: Set(None),
            assigned_at: Set(accepted.map(at)),
            round: Set(1),
            ..Default::default()
        }
        .insert(&db)
        .await
        .expect("request");
        if let Some(h) = accepted {
            entity::request_event::ActiveModel {
                request_id: Set(r.id),
                actor_id: Set(Some(member)),
                action: Set(EventStep::Accept),
                from_status: Set(Some(RequestStatus::Dispatched)),
                to_status: Set(RequestStatus::Accepted),
                note: Set(None),
                created_at: Set(at(h)),
                ..Default::default()
            }
            .insert(&db)
            .await
            .expect("event");
        }
        if overdue {
            entity::supervision_mark::ActiveModel {
                request_id: Set(r.id),
                stage: Set(Stage::Complete),
                level: Set(Level::Overdue),
                since: Set(at(0)),
                created_at: Set(at(49)),
                ..Default::default()
            }
            .insert(&db)
            .await
            .expect("mark");
        }
        ids.push(r.id);
    }
    db.close().await.expect("close");
    ids
}

fn group<'a>(stats: &'a Value, by: &str, key: &str) -> &'a Value {
    stats[by]
        .as_array()
        .and_then(|g| g.iter().find(|x| x["key"] == key))
        .unwrap_or(&Value::Null)
}

async fn stats_match_a_hand_computed_fixture(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    fixture(&app, resident.id, member.id).await;
    let (s, st) = app.get(&app.admin.token, "/stats?from=2026-03-01&to=2026-03-31").await;
    assert_eq!(s, StatusCode::OK, "{st}");
    // By hand: 4 received, 2 closed (50%), accepted after 2, 4, 6 h (mean 4),
    // closed after 10 and 20 h (mean 15), 2 overdue, ratings 5 and 4 (4.5).
    assert_eq!(
        st["total"],
        json!({"received": 4, "closed": 2, "completion_rate": 0.5, "avg_hours_to_accept": 4.0,
               "avg_hours_to_close": 15.0, "overdue": 2, "avg_rating": 4.5, "rated": 2})
    );
    let care = group(&st, "by_category", "elderly_care");
    assert_eq!((care["received"].as_u64(), care["closed"].as_u64()), (Some(2), Some(2)));
    assert_eq!(
        (care["completion_rate"].as_f64(), care["avg_hours_to_accept"].as_f64()),
        (Some(1.0), Some(3.0))
    );
    assert_eq!(
        (care["overdue"].as_u64(), care["name"].as_str()),
        (Some(1), Some("助老助残"))
    );
    let errands = group(&st, "by_category", "errands");
    assert_eq!(
        (
            errands["completion_rate"].as_f64(),
            errands["avg_hours_to_close"].clone()
        ),
        (Some(0.0), Value::Null)
    );
    assert_eq!(group(&st, "by_month", "2026-03")["received"], 4);
    assert_eq!(st["by_grid"].as_array().map(Vec::len), Some(1), "all without a grid");
    // Outside the window: nothing.
    let (_, none) = app.get(&app.admin.token, "/stats?from=2026-04-01&to=2026-04-30").await;
    assert_eq!(none["total"]["received"], 0);
    let (s, _) = app.get(&member.token, "/stats").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(stats_match_a_hand_computed_fixture);

/// A community with no admin at all (a street admin runs it) still has its
/// late dispatches repooled: the system acts, no person has to exist.
async fn a_community_without_an_admin_still_repools(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let street = app.street_admin().await;
    let (s, c) = app
        .post(
            &street.token,
            "/communities",
            json!({"name": "无管理员社区", "grids": ["一网格"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let c2 = c["community"]["id"].as_i64().expect("id");
    let resident = app.resident_in(c2).await;
    let member = app.user_by(&street, "member", c2).await;
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");
    app.ok(&street, id, "dispatch", json!({"assignee_id": member.id})).await;
    app.state.clock.advance(Duration::hours(17));
    assert_eq!(sweep_now(&app).await, report(1, 1, 1));
    let (_, r) = app.get(&street.token, &format!("/requests/{id}")).await;
    assert_eq!(r["status"], "pending", "{r}");
    let last = app.events(&street, id).await.pop().expect("event");
    assert_eq!(
        (last["action"].clone(), last["actor_role"].clone()),
        (json!("repool"), json!("system"))
    );
    assert_eq!(last["actor"]["name"], "系统");
}
both_backends!(a_community_without_an_admin_still_repools);

/// Two admins record a dissatisfied follow-up at once: one reopens the
/// request; the other's follow-up is refused and leaves no row behind (the
/// row and the reopen are one transaction).
async fn racing_reopens_leave_no_orphan_follow_up(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.closed_request(&resident, &member, 60, 2).await;
    let second = app.user_by(&app.admin, "admin", 1).await;
    let body = json!({"method": "call", "satisfied": false, "reopen": true, "note": "仍然漏水"});
    let path = format!("/requests/{id}/follow-ups");
    let tries = (0..6).map(|i| {
        let who = if i % 2 == 0 { &app.admin } else { &second };
        app.post(&who.token, &path, body.clone())
    });
    let results = futures::future::join_all(tries).await;
    let won = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(won, 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|(s, _)| *s != StatusCode::CREATED)
            .all(|(s, b)| *s == StatusCode::CONFLICT && b["code"] == "request.invalid_transition"),
        "{results:?}"
    );
    let (_, rows) = app.get(&app.admin.token, &path).await;
    let rows = rows.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 1, "exactly the winner's row: {rows:?}");
    assert_eq!(rows[0]["reopened"], true);
    let (_, r) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert_eq!(r["status"], "pending");
}
both_backends!(racing_reopens_leave_no_orphan_follow_up);

/// 街道总览: a street admin sees each community of the street side by side
/// (open, overdue, this month's received / closed, active members); a
/// community admin sees only their own; residents none.
async fn street_overview_side_by_side(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let street = app.street_admin().await;
    let (s, c) = app
        .post(
            &street.token,
            "/communities",
            json!({"name": "明月社区", "grids": ["一网格"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let c2 = c["community"]["id"].as_i64().expect("second community");
    let (here, there) = (app.resident().await, app.resident_in(c2).await);
    let member = app.member().await;
    app.closed_request(&here, &member, 60, 5).await;
    app.post_request(&here).await;
    for _ in 0..2 {
        app.post_request(&there).await;
    }
    let row = |v: &Value, id: i64| {
        v["communities"]
            .as_array()
            .expect("communities")
            .iter()
            .find(|c| c["id"] == json!(id))
            .cloned()
            .expect("the community's row")
    };
    let (s, v) = app.get(&street.token, "/street/overview").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["communities"].as_array().map(Vec::len), Some(2), "{v}");
    let one = row(&v, 1);
    assert_eq!(
        (
            one["open"].as_u64(),
            one["received_month"].as_u64(),
            one["closed_month"].as_u64()
        ),
        (Some(1), Some(2), Some(1)),
        "{one}"
    );
    assert_eq!(one["completion_rate"].as_f64(), Some(0.5));
    assert_eq!(one["avg_rating"].as_f64(), Some(5.0));
    assert!(one["members_active"].as_u64() >= Some(1));
    let two = row(&v, c2);
    assert_eq!(
        (two["name"].as_str(), two["open"].as_u64()),
        (Some("明月社区"), Some(2))
    );
    assert_eq!(
        (two["overdue"].as_u64(), two["members_active"].as_u64()),
        (Some(0), Some(0))
    );

    // A week on, the second community's two are overdue, per 督查.
    crate::helpers::clock_to(&app, app.state.clock.now() + Duration::days(7));
    let street = app.login(&street.phone, crate::helpers::PASSWORD).await;
    let (_, v) = app.get(&street.token, "/street/overview").await;
    assert_eq!(row(&v, c2)["overdue"].as_u64(), Some(2), "{v}");

    let admin = app.login(&app.admin.phone, crate::helpers::ADMIN_PASSWORD).await;
    let (s, v) = app.get(&admin.token, "/street/overview").await;
    assert_eq!(
        (s, v["communities"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1))
    );
    let resident = app.login(&here.phone, crate::helpers::PASSWORD).await;
    let (s, _) = app.get(&resident.token, "/street/overview").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(street_overview_side_by_side);
