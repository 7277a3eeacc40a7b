//! 报到 → approval → ranked candidates → auto-dispatch, over HTTP.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A request for `who` in `category` at a position, waiting to be dispatched.
async fn request_at(app: &TestApp, who: &User, category: &str, lat: f64, lng: f64) -> i64 {
    let (s, b) = app
        .post(
            &who.token,
            "/requests",
            json!({"category": category, "title": "上门服务", "address": "5号楼", "lat": lat, "lng": lng}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "post: {b}");
    b["id"].as_i64().expect("id")
}

fn candidate_ids(v: &Value) -> Vec<i64> {
    v["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["member"]["user_id"].as_i64().expect("id"))
        .collect()
}

async fn register_approve_rank_and_auto_dispatch(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;

    // 报到: a party member near the resident, good at elder care.
    let near = app.resident().await;
    let (s, reg) = app
        .post(
            &near.token,
            "/members",
            json!({
                "kind": "party_member", "employer": "区税务局", "party_branch": "第二支部",
                "skills": ["elderly_care", "errands"], "preferred_posts": ["楼栋长"],
                "availability": [{"weekday": 6, "start": "08:00", "end": "12:00"}],
                "max_active": 2, "lat": 30.2741, "lng": 120.1551
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{reg}");
    assert_eq!(reg["status"], "pending");
    assert_eq!(reg["skills"], json!(["elderly_care", "errands"]));
    let (s, again) = app.post(&near.token, "/members", json!({"kind": "volunteer"})).await;
    assert_eq!(
        (s, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("member.already_registered"))
    );
    // A party member must name their employer.
    let other = app.resident().await;
    let (s, e) = app
        .post(&other.token, "/members", json!({"kind": "party_member"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["fields"][0]["field"], "employer");

    let req = request_at(&app, &resident, "elderly_care", 30.2745, 120.1555).await;

    // Before approval: left out, with the reason; and not yet allowed to serve.
    let (s, c) = app
        .get(
            &app.admin.token,
            &format!("/requests/{req}/candidates?member_id={}", near.id),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["member"]["reason"], "not_approved", "{c}");
    assert!(c["excluded_by_reason"]["not_approved"].as_i64() >= Some(1));
    let (s, _) = app.act(&near, req, "claim", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Approval makes them a member; approving twice is refused.
    let (s, ok) = app
        .post(&app.admin.token, &format!("/members/{}/approve", near.id), json!({}))
        .await;
    assert_eq!((s, ok["status"].as_str()), (StatusCode::OK, Some("active")), "{ok}");
    let (_, me) = app.get(&near.token, "/me").await;
    assert_eq!(me["role"], "member");
    let (s, e) = app
        .post(&app.admin.token, &format!("/members/{}/approve", near.id), json!({}))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("member.invalid_transition"))
    );

    // A volunteer far away with no matching skill, and one to be suspended.
    let far = app
        .registered_member(json!({"kind": "volunteer", "skills": ["patrol"], "lat": 30.30, "lng": 120.20}))
        .await;
    let gone = app
        .registered_member(json!({"kind": "volunteer", "skills": ["elderly_care"]}))
        .await;
    let (s, sus) = app
        .post(
            &app.admin.token,
            &format!("/members/{}/suspend", gone.id),
            json!({"note": "长期不在本地"}),
        )
        .await;
    assert_eq!(
        (s, sus["status"].as_str()),
        (StatusCode::OK, Some("suspended")),
        "{sus}"
    );
    assert_eq!(sus["status_note"], "长期不在本地");
    let (_, me) = app.get(&gone.token, "/me").await;
    assert_eq!(me["role"], "resident", "suspension withdraws the member role");

    // Ranked with a visible breakdown: the near, skilled member first.
    let (s, c) = app.get(&app.admin.token, &format!("/requests/{req}/candidates")).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let ids = candidate_ids(&c);
    assert_eq!(ids.first(), Some(&near.id), "{c}");
    assert!(ids.contains(&far.id) && !ids.contains(&gone.id), "{c}");
    let top = &c["candidates"][0];
    let bd = &top["breakdown"];
    assert_eq!(bd["skill_fit"], "exact");
    assert!(bd["distance_km"].as_f64().expect("km") < 0.1, "{bd}");
    assert_eq!(bd["max_active"], 2);
    let parts: f64 = ["skill", "distance", "availability", "load", "rating", "fairness"]
        .iter()
        .map(|p| bd[p]["points"].as_f64().expect("points"))
        .sum();
    assert!((parts - bd["total"].as_f64().expect("total")).abs() < 1e-9);
    assert!(top["score"].as_f64() > c["candidates"][1]["score"].as_f64());
    assert!(
        c["excluded"]
            .as_array()
            .expect("excluded")
            .iter()
            .any(|e| e["member"]["user_id"] == json!(gone.id) && e["reason"] == "suspended")
    );

    // Auto-dispatch: the dry run plans without touching anything.
    let (s, plan) = app
        .post(&app.admin.token, "/dispatch/auto", json!({"dry_run": true}))
        .await;
    assert_eq!(s, StatusCode::OK, "{plan}");
    assert_eq!(plan["dry_run"], true);
    assert!(
        plan["total_score"].as_f64() >= plan["greedy_total_score"].as_f64(),
        "{plan}"
    );
    let planned = plan["plan"]
        .as_array()
        .expect("plan")
        .iter()
        .find(|p| p["request_id"] == json!(req))
        .cloned()
        .expect("request planned");
    assert_eq!(planned["member"]["user_id"], json!(near.id));
    let (_, still) = app.get(&app.admin.token, &format!("/requests/{req}")).await;
    assert_eq!(still["status"], "pending");

    // Applied: dispatched through the ordinary transition, with its event.
    let (s, done) = app
        .post(&app.admin.token, "/dispatch/auto", json!({"dry_run": false}))
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let applied = done["applied"].as_array().expect("applied");
    assert!(applied.iter().all(|a| a["ok"] == true), "{done}");
    let (s, mine) = app.get(&near.token, "/requests?mine=true").await;
    assert_eq!(s, StatusCode::OK);
    let got = mine["items"].as_array().expect("items");
    assert!(
        got.iter().any(|r| r["id"] == json!(req) && r["status"] == "dispatched"),
        "{mine}"
    );
    let events = app.events(&app.admin, req).await;
    let last = events.last().expect("event");
    assert_eq!(
        (last["action"].as_str(), last["note"].as_str()),
        (Some("dispatch"), Some("自动派单"))
    );
    app.ok(&near, req, "accept", json!({})).await;

    // Nothing pending is left; a second run plans nothing.
    let (_, again) = app.post(&app.admin.token, "/dispatch/auto", json!({})).await;
    assert_eq!(again["dry_run"], true);
    assert!(
        again["plan"]
            .as_array()
            .expect("plan")
            .iter()
            .all(|p| p["request_id"] != json!(req))
    );
}
both_backends!(register_approve_rank_and_auto_dispatch);

/// A queue where giving the first request its best member costs the second
/// one dearly: auto-dispatch must do better than greedy, and respect places.
async fn auto_dispatch_beats_greedy_and_respects_capacity(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    // Both can care for the elderly; only `handy` repairs appliances. `handy`
    // is a little closer, so greedy gives them the first (elder-care) request.
    let handy = app
        .registered_member(
            json!({"kind": "volunteer", "skills": ["elderly_care", "appliance_repair"],
            "max_active": 1, "lat": 30.2741, "lng": 120.1551}),
        )
        .await;
    let carer = app
        .registered_member(json!({"kind": "volunteer", "skills": ["elderly_care"],
            "max_active": 1, "lat": 30.2790, "lng": 120.1551}))
        .await;
    // Repairs need an electrician's certificate (资质): `handy` holds one.
    app.qualify(
        &handy,
        "electrician_certificate",
        chrono::NaiveDate::from_ymd_opt(2099, 12, 31),
    )
    .await;
    let care = request_at(&app, &resident, "elderly_care", 30.2741, 120.1551).await;
    let repair = request_at(&app, &resident, "appliance_repair", 30.2741, 120.1551).await;
    // Worse for everyone than `care` (errands only share the group), so it is the one left over.
    let third = request_at(&app, &resident, "errands", 30.2741, 120.1551).await;

    let (s, plan) = app
        .post(&app.admin.token, "/dispatch/auto", json!({"community_id": 1}))
        .await;
    assert_eq!(s, StatusCode::OK, "{plan}");
    let who = |id: i64| {
        plan["plan"]
            .as_array()
            .expect("plan")
            .iter()
            .find(|p| p["request_id"] == json!(id))
            .map(|p| p["member"]["user_id"].as_i64().expect("id"))
    };
    assert_eq!(who(repair), Some(handy.id), "{plan}");
    assert_eq!(who(care), Some(carer.id), "{plan}");
    assert_eq!(who(third), None, "two members with one place each: {plan}");
    assert_eq!(plan["assigned"], 2);
    let unassigned = &plan["unassigned"][0];
    assert_eq!(
        (unassigned["request_id"].as_i64(), unassigned["reason"].as_str()),
        (Some(third), Some("no_capacity_left"))
    );
    let (opt, greedy) = (
        plan["total_score"].as_f64().expect("total"),
        plan["greedy_total_score"].as_f64().expect("greedy"),
    );
    assert!(opt > greedy + 1.0, "optimal {opt} should beat greedy {greedy}: {plan}");
    assert!((plan["gain_over_greedy"].as_f64().expect("gain") - (opt - greedy)).abs() < 1e-6);

    // Applied, then full: a manual dispatch to a full member is refused.
    let (s, done) = app
        .post(&app.admin.token, "/dispatch/auto", json!({"dry_run": false}))
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    let (s, e) = app
        .act(&app.admin, third, "dispatch", json!({"assignee_id": handy.id}))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("member.full")),
        "{e}"
    );
    // Full members are left out of the ranking, with the reason.
    let (_, c) = app
        .get(
            &app.admin.token,
            &format!("/requests/{third}/candidates?member_id={}", handy.id),
        )
        .await;
    assert_eq!(c["member"]["reason"], "full", "{c}");
    assert_eq!(c["eligible"], 0);
}
both_backends!(auto_dispatch_beats_greedy_and_respects_capacity);

/// Availability windows rule members out at the requested time, and
/// community weights change the ranking.
async fn availability_and_weights(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    // Saturday mornings only, local time (+08:00).
    let weekend = app
        .registered_member(json!({"kind": "volunteer", "skills": ["counseling"],
            "availability": [{"weekday": 6, "start": "08:00", "end": "12:00"}]}))
        .await;
    let anytime = app.registered_member(json!({"kind": "volunteer"})).await;
    let post = |when: &'static str| {
        let app = &app;
        let resident = &resident;
        async move {
            let (s, b) = app
                .post(
                    &resident.token,
                    "/requests",
                    json!({"category": "counseling", "title": "陪老人聊天", "address": "1号楼", "preferred_time": when}),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
            b["id"].as_i64().expect("id")
        }
    };
    // 2026-11-28 is a Saturday: 02:00Z is 10:00 in Beijing, 06:00Z is 14:00.
    let morning = post("2026-11-28T02:00:00Z").await;
    let afternoon = post("2026-11-28T06:00:00Z").await;
    let (_, c) = app
        .get(&app.admin.token, &format!("/requests/{morning}/candidates"))
        .await;
    assert_eq!(candidate_ids(&c).first(), Some(&weekend.id), "{c}");
    assert_eq!(c["candidates"][0]["breakdown"]["availability_fit"], "covered");
    let (_, c) = app
        .get(&app.admin.token, &format!("/requests/{afternoon}/candidates"))
        .await;
    assert_eq!(candidate_ids(&c), vec![anytime.id], "{c}");
    assert_eq!(c["excluded_by_reason"]["unavailable"], 1);

    // Weights: only skill counts → the skilled one scores 100, the other 0.
    let (s, w) = app.get(&app.admin.token, "/communities/1/matching-weights").await;
    assert_eq!((s, w["skill"].as_i64()), (StatusCode::OK, Some(35)));
    let only_skill = json!({"skill": 100, "distance": 0, "availability": 0, "load": 0, "rating": 0, "fairness": 0});
    let (s, _) = app
        .put(&app.admin.token, "/communities/1/matching-weights", only_skill.clone())
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, c) = app
        .get(&app.admin.token, &format!("/requests/{morning}/candidates"))
        .await;
    assert_eq!(c["weights"], only_skill);
    assert_eq!(c["candidates"][0]["score"], 100.0, "{c}");
    assert_eq!(c["candidates"][1]["score"], 0.0, "{c}");
    for bad in [
        json!({"skill": 0, "distance": 0, "availability": 0, "load": 0, "rating": 0, "fairness": 0}),
        json!({"skill": 101, "distance": 0, "availability": 0, "load": 0, "rating": 0, "fairness": 0}),
        json!({"skill": 10}),
    ] {
        let (s, e) = app
            .put(&app.admin.token, "/communities/1/matching-weights", bad.clone())
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad} → {e}");
    }
    // Only admins in scope see candidates or change weights.
    let (s, _) = app
        .get(&resident.token, &format!("/requests/{morning}/candidates"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .put(&weekend.token, "/communities/1/matching-weights", only_skill)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.post(&weekend.token, "/dispatch/auto", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(availability_and_weights);

/// Who declined (退回) or gave back (退单) a request is never offered it
/// again: the candidate list says why, auto-dispatch picks someone else.
async fn a_decliner_is_not_offered_the_request_again(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let first = app
        .registered_member(json!({"kind": "volunteer", "skills": ["elderly_care"], "lat": 30.2741, "lng": 120.1551}))
        .await;
    let second = app
        .registered_member(json!({"kind": "volunteer", "skills": ["errands"], "lat": 30.29, "lng": 120.17}))
        .await;
    let req = request_at(&app, &resident, "elderly_care", 30.2745, 120.1555).await;
    let (_, c) = app.get(&app.admin.token, &format!("/requests/{req}/candidates")).await;
    assert_eq!(candidate_ids(&c).first(), Some(&first.id), "{c}");

    app.ok(&app.admin, req, "dispatch", json!({"assignee_id": first.id}))
        .await;
    app.ok(&first, req, "decline", json!({"note": "这周出差"})).await;

    let (s, c) = app.get(&app.admin.token, &format!("/requests/{req}/candidates")).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(!candidate_ids(&c).contains(&first.id), "{c}");
    let left_out = c["excluded"]
        .as_array()
        .expect("excluded")
        .iter()
        .find(|e| e["member"]["user_id"] == json!(first.id))
        .cloned()
        .expect("the decliner is listed as excluded");
    assert_eq!(left_out["reason"], "declined");
    assert_eq!(left_out["message"], "已退回或退单过这条需求", "{left_out}");

    let (_, plan) = app
        .post(&app.admin.token, "/dispatch/auto", json!({"dry_run": true}))
        .await;
    let planned = plan["plan"]
        .as_array()
        .expect("plan")
        .iter()
        .find(|p| p["request_id"] == json!(req))
        .cloned()
        .expect("still planned");
    assert_eq!(planned["member"]["user_id"], json!(second.id), "{plan}");
}
both_backends!(a_decliner_is_not_offered_the_request_again);
