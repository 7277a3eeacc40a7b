//! 签到 / 签退 (issue 13.4) over HTTP on both backends: by the resident's
//! one-time code and by position (wrong code, too many tries, far away, no
//! location → clear errors), an admin's confirmation of a visit without
//! proof, the community rule that asks for proof, hours reported beyond
//! the time on site flagged, and a code used once when two starts race.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, clock_to, spawn_app, spawn_app_configured};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// 30.2741, 120.1551: the request's place.
const LAT: f64 = 30.2741;
const LNG: f64 = 120.1551;

async fn accepted(app: &TestApp, resident: &User, member: &User, located: bool) -> i64 {
    let mut body = json!({"category": "elderly_care", "title": "陪老人散步", "address": "3号楼2单元501"});
    if located {
        body["lat"] = json!(LAT);
        body["lng"] = json!(LNG);
    }
    let (s, b) = app.post(&resident.token, "/requests", body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().expect("id");
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    app.ok(member, id, "accept", json!({})).await;
    id
}

async fn view(app: &TestApp, who: &User, id: i64) -> Value {
    let (s, b) = app.get(&who.token, &format!("/requests/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn code_of(app: &TestApp, resident: &User, id: i64) -> String {
    view(app, resident, id).await["visit_code"]["code"]
        .as_str()
        .expect("the requester sees a code")
        .to_owned()
}

fn field(b: &Value) -> (&str, &str) {
    (
        b["fields"][0]["field"].as_str().unwrap_or(""),
        b["fields"][0]["code"].as_str().unwrap_or(""),
    )
}

fn wrong(code: &str) -> String {
    let n: u32 = code.parse().expect("digits");
    format!("{:04}", (n + 1) % 10_000)
}

/// The resident's code proves both visits; a wrong one is refused with the
/// tries left; hours beyond the time on site are flagged for the verifier.
async fn check_in_and_out_by_the_residents_code(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted(&app, &resident, &member, true).await;
    let seen = view(&app, &resident, id).await;
    assert_eq!(seen["visit_code"]["kind"], "in", "{seen}");
    let code = code_of(&app, &resident, id).await;
    assert_eq!(code.len(), 4);
    assert!(
        view(&app, &member, id).await.get("visit_code").is_none(),
        "the member never sees it"
    );

    let (s, bad) = app
        .act(
            &member,
            id,
            "start",
            json!({"proof": {"method": "code", "code": wrong(&code)}}),
        )
        .await;
    assert_eq!(
        (s, field(&bad)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("code", "wrong")),
        "{bad}"
    );
    assert!(
        bad["message"].as_str().is_some_and(|m| m.contains("还可以再试 4 次")),
        "{bad}"
    );
    let started = app
        .ok(&member, id, "start", json!({"proof": {"method": "code", "code": code}}))
        .await;
    assert_eq!(started["check_in"]["check_in"]["method"], "code", "{started}");
    let events = app.events(&resident, id).await;
    let note = events.last().and_then(|e| e["note"].as_str()).unwrap_or("");
    assert!(note.contains("已签到（居民验证码）"), "{events:?}");

    // The check-out code is a new one; an hour on site, three reported: flagged.
    let out = code_of(&app, &resident, id).await;
    assert_eq!(view(&app, &resident, id).await["visit_code"]["kind"], "out");
    clock_to(&app, app.state.clock.now() + Duration::minutes(60));
    let done = app
        .ok(
            &member,
            id,
            "complete",
            json!({"hours": 3, "summary": "陪同散步", "proof": {"method": "code", "code": out}}),
        )
        .await;
    let c = &done["check_in"];
    assert_eq!(c["check_out"]["method"], "code", "{done}");
    let on_site = c["on_site_minutes"].as_i64().expect("on site");
    assert!((59..=61).contains(&on_site), "{done}");
    assert_eq!(c["hours_flagged"].as_bool(), Some(true));
    let admin_view = view(&app, &app.admin, id).await;
    assert_eq!(admin_view["check_in"]["hours_flagged"], true, "the verifier sees it");
}
both_backends!(check_in_and_out_by_the_residents_code);

/// Five wrong tries replace the code; position near proves, far or no
/// location is refused in words; within the tolerance nothing is flagged.
async fn wrong_tries_position_and_tolerance(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted(&app, &resident, &member, true).await;
    let code = code_of(&app, &resident, id).await;
    let mut last = Value::Null;
    for _ in 0..5 {
        let (_, b) = app
            .act(
                &member,
                id,
                "start",
                json!({"proof": {"method": "code", "code": wrong(&code)}}),
            )
            .await;
        last = b;
    }
    assert_eq!(field(&last), ("code", "replaced"), "{last}");
    let (s, stale) = app
        .act(&member, id, "start", json!({"proof": {"method": "code", "code": code}}))
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the old code no longer works: {stale}"
    );
    assert_ne!(code_of(&app, &resident, id).await, code, "the resident sees a new one");

    // About 1.1 km away: too far, the message names both distances.
    let (s, far) = app
        .act(
            &member,
            id,
            "start",
            json!({"proof": {"method": "position", "lat": LAT + 0.01, "lng": LNG}}),
        )
        .await;
    assert_eq!(
        (s, field(&far)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("proof", "too_far")),
        "{far}"
    );
    assert!(far["message"].as_str().is_some_and(|m| m.contains("300 米")), "{far}");
    let started = app
        .ok(
            &member,
            id,
            "start",
            json!({"proof": {"method": "position", "lat": LAT + 0.0005, "lng": LNG}}),
        )
        .await;
    let d = started["check_in"]["check_in"]["distance_m"]
        .as_i64()
        .expect("distance");
    assert!((40..=70).contains(&d), "{started}");
    clock_to(&app, app.state.clock.now() + Duration::minutes(50));
    let done = app
        .ok(&member, id, "complete", json!({"hours": 1, "summary": "陪同散步"}))
        .await;
    assert_eq!(
        done["check_in"]["hours_flagged"], false,
        "60 reported, 50 on site, 30 tolerated"
    );
    assert_eq!(done["check_in"]["check_out"]["method"], "none");

    // No location on the request: position cannot prove it.
    let other = accepted(&app, &resident, &member, false).await;
    let (s, none) = app
        .act(
            &member,
            other,
            "start",
            json!({"proof": {"method": "position", "lat": LAT, "lng": LNG}}),
        )
        .await;
    assert_eq!(
        (s, field(&none)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("proof", "no_location")),
        "{none}"
    );
}
both_backends!(wrong_tries_position_and_tolerance);

/// Without proof the step still happens (unless the rule asks), the
/// verifier sees 未签到, and an admin may confirm it; a code is used once.
async fn proof_rules_admin_confirmation_and_races(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member_with_places(5).await;
    let id = accepted(&app, &resident, &member, true).await;
    let started = app.ok(&member, id, "start", json!({})).await;
    assert_eq!(started["check_in"]["check_in"]["method"], "none");
    let (s, _) = app
        .post(
            &member.token,
            &format!("/requests/{id}/check-in/confirm"),
            json!({"kind": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, confirmed) = app
        .post(
            &app.admin.token,
            &format!("/requests/{id}/check-in/confirm"),
            json!({"kind": "in", "note": "电话回访居民，确认已上门"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{confirmed}");
    assert_eq!(confirmed["check_in"]["check_in"]["method"], "admin");
    let (s, again) = app
        .post(
            &app.admin.token,
            &format!("/requests/{id}/check-in/confirm"),
            json!({"kind": "in"}),
        )
        .await;
    assert_eq!(
        (s, field(&again)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("kind", "proved")),
        "{again}"
    );

    // The community asks for proof.
    let (s, body) = app
        .put(
            &app.admin.token,
            "/communities/1/rating-rule",
            json!({"rule": {"check_in_required": true}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let second = accepted(&app, &resident, &member, true).await;
    let (s, refused) = app.act(&member, second, "start", json!({})).await;
    assert_eq!(
        (s, field(&refused)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("proof", "required")),
        "{refused}"
    );

    // Two starts with the same code at once: one wins.
    let code = code_of(&app, &resident, second).await;
    let body = json!({"proof": {"method": "code", "code": code}});
    let (x, y) = tokio::join!(
        app.act(&member, second, "start", body.clone()),
        app.act(&member, second, "start", body)
    );
    let wins = [x.0, y.0].iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(wins, 1, "{x:?} {y:?}");
    assert!([x.0, y.0].iter().all(|s| *s != StatusCode::INTERNAL_SERVER_ERROR));
}
both_backends!(proof_rules_admin_confirmation_and_races);

/// The verify queue shows each job's check-in to the admins without
/// opening it — flagged hours, and 未签到 for work done without proof —
/// and to nobody else.
async fn the_verify_queue_shows_visits_to_the_verifier(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member_with_places(5).await;
    let proved = accepted(&app, &resident, &member, true).await;
    let code = code_of(&app, &resident, proved).await;
    app.ok(
        &member,
        proved,
        "start",
        json!({"proof": {"method": "code", "code": code}}),
    )
    .await;
    let out = code_of(&app, &resident, proved).await;
    clock_to(&app, app.state.clock.now() + Duration::minutes(70));
    app.ok(
        &member,
        proved,
        "complete",
        json!({"hours": 3, "summary": "陪同散步", "proof": {"method": "code", "code": out}}),
    )
    .await;
    let bare = accepted(&app, &resident, &member, true).await;
    app.ok(&member, bare, "start", json!({})).await;
    app.ok(&member, bare, "complete", json!({"hours": 1, "summary": "陪同散步"}))
        .await;
    for id in [proved, bare] {
        app.ok(&resident, id, "review", json!({"stars": 5})).await;
    }

    let (s, queue) = app.get(&app.admin.token, "/requests?status=reviewed&limit=50").await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    let item = |id: i64| {
        queue["items"]
            .as_array()
            .and_then(|l| l.iter().find(|r| r["id"].as_i64() == Some(id)))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let p = item(proved);
    assert_eq!(
        (
            p["check_in"]["hours_flagged"].as_bool(),
            p["check_in"]["reported_minutes"].as_i64(),
            p["check_in"]["check_in"]["method"].as_str()
        ),
        (Some(true), Some(180), Some("code")),
        "{p}"
    );
    let on_site = p["check_in"]["on_site_minutes"].as_i64().unwrap_or(0);
    assert!((69..=71).contains(&on_site), "{p}");
    let n = item(bare);
    assert_eq!(n["check_in"]["check_in"]["method"], "none", "未签到: {n}");
    // Started and completed in the same minute without proof, an hour
    // reported: the times of the steps still count, so it is flagged too.
    assert_eq!(
        (
            n["check_in"]["hours_flagged"].as_bool(),
            n["check_in"]["on_site_minutes"].as_i64()
        ),
        (Some(true), Some(0)),
        "{n}"
    );
    assert!(p.get("visit_code").is_none(), "never a code in lists");

    let (s, mine) = app.get(&member.token, "/requests?mine=true&limit=50").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert!(
        mine["items"]
            .as_array()
            .is_some_and(|l| !l.is_empty() && l.iter().all(|r| r.get("check_in").is_none())),
        "only admins' lists carry it: {mine}"
    );
    // The admin still verifies (or corrects): a flag informs, it does not block.
    app.ok(&app.admin, proved, "verify", json!({})).await;
}
both_backends!(the_verify_queue_shows_visits_to_the_verifier);

/// Work sent back by an upheld dispute is checked out again with a fresh
/// code; the earlier check-out no longer shows while it is redone.
async fn redone_work_gets_a_fresh_check_out_code(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted(&app, &resident, &member, true).await;
    let code = code_of(&app, &resident, id).await;
    app.ok(&member, id, "start", json!({"proof": {"method": "code", "code": code}}))
        .await;
    let first = code_of(&app, &resident, id).await;
    app.ok(
        &member,
        id,
        "complete",
        json!({"hours": 0.5, "summary": "陪同散步", "proof": {"method": "code", "code": first}}),
    )
    .await;
    assert!(
        view(&app, &resident, id).await.get("visit_code").is_none(),
        "no code once completed"
    );
    let (s, dispute) = app
        .post(
            &resident.token,
            "/appeals",
            json!({"kind": "completion", "request_id": id, "reason": "没有陪够时间"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{dispute}");
    let appeal = dispute["id"].as_i64().expect("id");
    let (s, ruled) = app
        .post(
            &app.admin.token,
            &format!("/appeals/{appeal}/rule"),
            json!({"outcome": "upheld", "reason": "返工"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{ruled}");

    let seen = view(&app, &resident, id).await;
    assert_eq!(seen["status"], "in_progress", "{seen}");
    assert_eq!(seen["visit_code"]["kind"], "out", "{seen}");
    let again = code_of(&app, &resident, id).await;
    let held = view(&app, &member, id).await;
    assert!(held["check_in"]["check_out"].is_null(), "{held}");
    assert_eq!(held["check_in"]["check_in"]["method"], "code", "{held}");
    // The used code is gone (a new one could repeat it by chance: 1 in 10,000).
    if first != again {
        let (s, used) = app
            .act(
                &member,
                id,
                "complete",
                json!({"hours": 0.5, "summary": "补足", "proof": {"method": "code", "code": first}}),
            )
            .await;
        assert_eq!(
            (s, field(&used)),
            (StatusCode::UNPROCESSABLE_ENTITY, ("code", "wrong")),
            "{used}"
        );
    }
    let done = app
        .ok(
            &member,
            id,
            "complete",
            json!({"hours": 0.5, "summary": "补足", "proof": {"method": "code", "code": again}}),
        )
        .await;
    assert_eq!(done["check_in"]["check_out"]["method"], "code", "{done}");
}
both_backends!(redone_work_gets_a_fresh_check_out_code);

/// The demo (`linli serve --demo`) shows check-in by code on its jobs, and
/// one report in the verify queue flagged against the time on site.
async fn the_demo_shows_check_ins_and_a_flag(b: Backend) {
    // The demo's people have mail addresses: their mail goes to a directory of this test's own.
    let dir = std::env::temp_dir().join(format!("linli-demo-{}", uuid::Uuid::new_v4().simple()));
    let data = dir.clone();
    let Some(app) = spawn_app_configured(b, None, move |s| s.data_dir = data).await else {
        return;
    };
    assert!(linli::cli::demo::demo(&app.state).await.expect("demo"));
    let admin = app.login("13900000000", linli::cli::demo::DEMO_PASSWORD).await;
    let (s, queue) = app.get(&admin.token, "/requests?status=reviewed&limit=50").await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    let items = queue["items"].as_array().cloned().unwrap_or_default();
    assert!(
        items.iter().all(|r| r["check_in"]["check_in"]["method"] == "code"),
        "{queue}"
    );
    let flagged: Vec<&Value> = items
        .iter()
        .filter(|r| r["check_in"]["hours_flagged"] == true)
        .collect();
    assert_eq!(flagged.len(), 1, "{queue}");
    assert_eq!(
        (
            flagged[0]["check_in"]["reported_minutes"].as_i64(),
            flagged[0]["check_in"]["on_site_minutes"].as_i64()
        ),
        (Some(240), Some(70)),
        "{queue}"
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
}
both_backends!(the_demo_shows_check_ins_and_a_flag);

/// A request accepted before codes existed (none stored) gets its code on
/// the requester's first look, and it proves the visit.
async fn a_missing_code_is_made_on_the_requesters_first_look(b: Backend) {
    use sea_orm::{ConnectionTrait, Database};
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted(&app, &resident, &member, false).await;
    let db = Database::connect(&app.database_url).await.expect("db");
    db.execute_unprepared(&format!("DELETE FROM visit_codes WHERE request_id = {id}"))
        .await
        .expect("delete");
    db.close().await.expect("close");
    let (s, none) = app
        .act(
            &member,
            id,
            "start",
            json!({"proof": {"method": "code", "code": "1234"}}),
        )
        .await;
    assert_eq!(
        (s, field(&none)),
        (StatusCode::UNPROCESSABLE_ENTITY, ("code", "none")),
        "{none}"
    );
    let code = code_of(&app, &resident, id).await;
    assert_eq!(code, code_of(&app, &resident, id).await, "made once, then kept");
    let started = app
        .ok(&member, id, "start", json!({"proof": {"method": "code", "code": code}}))
        .await;
    assert_eq!(started["check_in"]["check_in"]["method"], "code", "{started}");
}
both_backends!(a_missing_code_is_made_on_the_requesters_first_look);

/// Tries made at the same moment are counted before they are compared: a
/// burst of wrong codes gets no more than the limit's guesses at one code
/// (later ones are tries at its replacement).
async fn a_burst_of_guesses_cannot_outnumber_the_limit(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = accepted(&app, &resident, &member, false).await;
    let code = code_of(&app, &resident, id).await;
    let n: u32 = code.parse().expect("digits");
    let guesses: Vec<String> = (1..=12).map(|k| format!("{:04}", (n + k) % 10_000)).collect();
    let answers = futures::future::join_all(
        guesses
            .iter()
            .map(|g| app.act(&member, id, "start", json!({"proof": {"method": "code", "code": g}}))),
    )
    .await;
    assert!(
        answers.iter().all(|(s, _)| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{answers:?}"
    );
    let replaced = answers.iter().filter(|(_, b)| field(b).1 == "replaced").count();
    assert!(replaced >= 1, "{answers:?}");
    // Each code takes five tries, told 4, 3, 2, 1 left, then replaced: a
    // count of tries left is told at most once per code.
    let left = |n: u32| {
        answers
            .iter()
            .filter(|(_, b)| {
                field(b).1 == "wrong"
                    && b["message"]
                        .as_str()
                        .is_some_and(|m| m.contains(&format!("再试 {n} 次")))
            })
            .count()
    };
    for n in 1..=4 {
        assert!(left(n) <= replaced + 1, "{n} left told {} times: {answers:?}", left(n));
    }
    assert_ne!(code_of(&app, &resident, id).await, code, "a new code after the burst");
}
both_backends!(a_burst_of_guesses_cannot_outnumber_the_limit);
