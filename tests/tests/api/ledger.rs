//! Hours and points: crediting on verify, rules per community, awards and
//! deductions, voids and corrections, star levels.

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

async fn records_of(app: &crate::helpers::TestApp, who: &crate::helpers::User, member: i64) -> Vec<Value> {
    let (s, b) = app
        .get(&who.token, &format!("/members/{member}/records?limit=100"))
        .await;
    assert_eq!(s, StatusCode::OK, "records: {b}");
    b["items"].as_array().cloned().unwrap_or_default()
}

async fn entries_of(app: &crate::helpers::TestApp, who: &crate::helpers::User, member: i64) -> Vec<Value> {
    let (s, b) = app
        .get(&who.token, &format!("/members/{member}/points?limit=100"))
        .await;
    assert_eq!(s, StatusCode::OK, "points: {b}");
    b["items"].as_array().cloned().unwrap_or_default()
}

async fn verify_credits_once(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.closed_request(&resident, &member, 90, 4).await;

    // One record with the fields of the 2021 records rule, one points entry.
    let records = records_of(&app, &member, member.id).await;
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    assert_eq!(r["kind"], "service");
    assert_eq!(r["request_id"], id);
    assert_eq!(r["minutes"], 90);
    assert_eq!(r["rating"], 4);
    assert_eq!(r["activity"], "帮老人买菜");
    assert_eq!(r["place"], "3号楼2单元501");
    assert_eq!(r["content"], "陪同就医并代取药品");
    assert!(!r["organiser"].as_str().unwrap_or("").is_empty(), "organiser: {r}");
    assert!(
        !r["person_in_charge"].as_str().unwrap_or("").is_empty(),
        "person in charge: {r}"
    );
    assert!(r["service_date"].is_string());
    let entries = entries_of(&app, &member, member.id).await;
    assert_eq!(entries.len(), 1);
    // 1.5 h × 1 point/h × 100% = 1.5, rounded half up.
    assert_eq!(
        (entries[0]["kind"].as_str(), entries[0]["points"].as_i64()),
        (Some("service"), Some(2))
    );

    let s = app.service(&member, member.id).await;
    assert_eq!((s["points"].as_i64(), s["entries_total"].as_i64()), (Some(2), Some(2)));
    assert_eq!((s["minutes"].as_i64(), s["services"].as_i64()), (Some(90), Some(1)));
    // The member's profile shows the same standing.
    let (_, me) = app.get(&member.token, "/members/me").await;
    assert_eq!(me["service"]["points"], 2);
    assert_eq!(me["service"]["stars"]["star"], 0);
    assert_eq!(me["service"]["stars"]["next"]["minutes_to_go"], 100 * 60 - 90);

    // Verifying again is refused by the state machine…
    let (st, body) = app.act(&app.admin, id, "verify", json!({})).await;
    assert_eq!(st, StatusCode::CONFLICT, "{body}");
    assert_eq!(entries_of(&app, &member, member.id).await.len(), 1);
    // …and a second credit of the same request by the database itself.
    let db = Database::connect(&app.database_url).await.expect("db");
    let dup = db
        .execute_unprepared(&format!(
            "INSERT INTO points_entries (member_id, community_id, kind, points, earned, request_id, credit_of, \
             credit_round, occurred_on, actor_id, created_at) VALUES ({m}, 1, 'service', 5, true, {id}, {id}, 1, \
             '2026-01-01', {m}, '2026-01-01T00:00:00Z')",
            m = member.id
        ))
        .await;
    assert!(dup.is_err(), "(credit_of, credit_round) is unique");
    let dup = db
        .execute_unprepared(&format!(
            "INSERT INTO service_records (member_id, community_id, request_id, credit_of, credit_round, kind, sign, \
             minutes, activity, service_date, place, content, organiser, person_in_charge, actor_id, created_at) \
             VALUES ({m}, 1, {id}, {id}, 1, 'service', 1, 60, 'x', '2026-01-01', 'x', 'x', 'x', 'x', {m}, \
             '2026-01-01T00:00:00Z')",
            m = member.id
        ))
        .await;
    assert!(dup.is_err(), "credit_of is unique on records too");
    db.close().await.expect("close");

    // Other people cannot read the statement.
    let other = app.member().await;
    let (st, _) = app.get(&other.token, &format!("/members/{}/points", member.id)).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app
        .get(&app.admin.token, &format!("/members/{}/points", member.id))
        .await;
    assert_eq!(st, StatusCode::OK, "the community admin can");
}
both_backends!(verify_credits_once);

async fn rules_are_versioned_per_community(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;

    let (s, v1) = app.get(&member.token, "/communities/1/rating-rule").await;
    assert_eq!(s, StatusCode::OK, "{v1}");
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["rule"]["star_thresholds_hours"], json!([100, 300, 600, 1000, 1500]));
    let first = app.closed_request(&resident, &member, 180, 5).await;

    // A Zhangjiagang-style rule: 30/60/100/200/300 h within a year, 2 h cap,
    // legal advice counts double, a 1–2★ review earns nothing.
    let zjg = json!({
        "star_thresholds_hours": [30, 60, 100, 200, 300],
        "counting": "calendar_year",
        "activity_cap_minutes": 120,
        "category_multipliers_pct": {"elderly_care": 200},
        "void_points_at_or_below_stars": 2,
        "min_balance_to_redeem": 10
    });
    let (s, body) = app
        .put(&member.token, "/communities/1/rating-rule", json!({"rule": zjg}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "members cannot change the rule: {body}");
    let (s, bad) = app
        .put(
            &app.admin.token,
            "/communities/1/rating-rule",
            json!({"rule": {"star_thresholds_hours": [300, 100], "points_per_hour": 0}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let fields: Vec<&str> = bad["fields"]
        .as_array()
        .map(|f| f.iter().filter_map(|x| x["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["star_thresholds_hours", "points_per_hour"]);
    let (s, v2) = app
        .put(
            &app.admin.token,
            "/communities/1/rating-rule",
            json!({"rule": zjg, "base_version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v2}");
    assert_eq!(v2["version"], 2);
    // Someone who edited version 1 meanwhile is told to reload.
    let (s, stale) = app
        .put(
            &app.admin.token,
            "/communities/1/rating-rule",
            json!({"rule": zjg, "base_version": 1}),
        )
        .await;
    assert_eq!(
        (s, stale["code"].as_str()),
        (StatusCode::CONFLICT, Some("rule.conflict"))
    );

    // 3 h capped at 2 h, ×2 for the category → 4 points; a 2★ one earns none.
    let capped = app.closed_request(&resident, &member, 180, 5).await;
    let low = app.closed_request(&resident, &member, 60, 2).await;
    let entries = entries_of(&app, &member, member.id).await;
    let points_of = |req: i64| {
        entries
            .iter()
            .find(|e| e["request_id"] == req)
            .and_then(|e| e["points"].as_i64())
    };
    assert_eq!(points_of(first), Some(3), "made under version 1");
    assert_eq!(points_of(capped), Some(4));
    assert_eq!(points_of(low), Some(0));
    let low_entry = entries.iter().find(|e| e["request_id"] == low).expect("entry");
    assert!(
        low_entry["reason"].as_str().unwrap_or("").contains("不计积分"),
        "{low_entry}"
    );
    let records = records_of(&app, &member, member.id).await;
    let rule_of = |req: i64| {
        records
            .iter()
            .find(|r| r["request_id"] == req)
            .map(|r| r["rule_id"].clone())
    };
    assert_eq!(rule_of(first), Some(v1["id"].clone()), "past credits keep their rule");
    assert_eq!(rule_of(capped), Some(v2["id"].clone()));
    let minutes_of = |req: i64| {
        records
            .iter()
            .find(|r| r["request_id"] == req)
            .and_then(|r| r["minutes"].as_i64())
    };
    assert_eq!(minutes_of(capped), Some(120), "the cap applies to credited hours");

    // Stars under the new rule: 3 + 2 + 1 h this year is under 30 h.
    let s = app.service(&member, member.id).await;
    assert_eq!(s["rule_version"], 2);
    assert_eq!(s["stars"]["star"], 0);
    assert_eq!(s["stars"]["next"]["threshold_hours"], 30);
    let (_, history) = app.get(&app.admin.token, "/communities/1/rating-rule/history").await;
    assert_eq!(history.as_array().map(Vec::len), Some(2));
    let (_, log) = app.get(&app.admin.token, "/audit-log").await;
    assert!(
        log["items"]
            .as_array()
            .is_some_and(|l| l.iter().any(|e| e["action"] == "rule.update")),
        "{log}"
    );
}
both_backends!(rules_are_versioned_per_community);

async fn stars_follow_verified_hours(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let rule = json!({"star_thresholds_hours": [30, 60, 100, 200, 300], "counting": "calendar_year"});
    let (s, body) = app
        .put(&app.admin.token, "/communities/1/rating-rule", json!({"rule": rule}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    app.closed_request(&resident, &member, 16 * 60, 5).await;
    let s = app.service(&member, member.id).await;
    assert_eq!(s["stars"]["star"], 0);
    app.closed_request(&resident, &member, 16 * 60, 5).await;
    let s = app.service(&member, member.id).await;
    assert_eq!(s["stars"]["star"], 1, "{s}");
    assert_eq!(s["stars"]["history"].as_array().map(Vec::len), Some(1));
    assert_eq!(s["stars"]["next"]["star"], 2);
    assert_eq!(s["stars"]["next"]["minutes_to_go"], 28 * 60);
}
both_backends!(stars_follow_verified_hours);

async fn awards_deductions_voids_and_corrections(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let member = app.member().await;
    let id = app.closed_request(&resident, &member, 120, 5).await;

    // A reason is required; a deduction cannot take the balance below zero.
    let (s, body) = app
        .post(
            &app.admin.token,
            "/points/awards",
            json!({"member_id": member.id, "kind": "award", "points": 5, "reason": "  "}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    app.award(member.id, 10).await;
    let (s, body) = app
        .post(
            &app.admin.token,
            "/points/awards",
            json!({"member_id": member.id, "kind": "deduction", "points": 50, "reason": "未按约定上门"}),
        )
        .await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("points.insufficient")),
        "{body}"
    );
    app.award(member.id, -3).await;
    let (s, _) = app
        .post(
            &member.token,
            "/points/awards",
            json!({"member_id": member.id, "kind": "award", "points": 100, "reason": "自己给自己"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let s = app.service(&member, member.id).await;
    assert_eq!(
        (s["points"].as_i64(), s["entries_total"].as_i64()),
        (Some(2 + 10 - 3), Some(9))
    );

    // An upheld complaint voids the service's points, once; hours stay.
    let (s, v) = app
        .post(
            &app.admin.token,
            &format!("/requests/{id}/credit/void"),
            json!({"reason": "投诉属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["points"], -2);
    let (s, again) = app
        .post(
            &app.admin.token,
            &format!("/requests/{id}/credit/void"),
            json!({"reason": "再次"}),
        )
        .await;
    assert_eq!(
        (s, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("points.already_voided"))
    );
    let s = app.service(&member, member.id).await;
    assert_eq!((s["points"].as_i64(), s["minutes"].as_i64()), (Some(7), Some(120)));

    // Correct another service's hours: reversal + new record, points follow.
    let other = app.closed_request(&resident, &member, 60, 5).await;
    let rec = records_of(&app, &member, member.id)
        .await
        .into_iter()
        .find(|r| r["request_id"] == other)
        .expect("record");
    let rec_id = rec["id"].as_i64().expect("id");
    let (s, fixed) = app
        .post(
            &app.admin.token,
            &format!("/records/{rec_id}/correct"),
            json!({"hours": 3, "reason": "漏记了往返医院的陪诊时间"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fixed}");
    assert_eq!(
        (fixed["kind"].as_str(), fixed["minutes"].as_i64()),
        (Some("correction"), Some(180))
    );
    // The same record cannot be corrected twice (correct the new one instead).
    let (s, _) = app
        .post(
            &app.admin.token,
            &format!("/records/{rec_id}/correct"),
            json!({"hours": 2, "reason": "再改"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let records = records_of(&app, &member, member.id).await;
    let kinds: Vec<&str> = records
        .iter()
        .filter(|r| r["request_id"] == other)
        .filter_map(|r| r["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["correction", "reversal", "service"],
        "newest first; nothing changed in place"
    );
    let s = app.service(&member, member.id).await;
    assert_eq!(s["minutes"], 120 + 180);
    assert_eq!(s["services"], 2, "a correction is not another service");
    assert_eq!(s["points"], 7 + 3, "1 point became 3");
    assert_eq!(s["points"], s["entries_total"]);

    // The audit log has every admin action; a street admin sees it too.
    let street = app.street_admin().await;
    let (_, awards) = app.get(&street.token, "/points/awards").await;
    assert_eq!(awards["items"].as_array().map(Vec::len), Some(2), "{awards}");
    let (_, log) = app.get(&street.token, "/audit-log?limit=100").await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .map(|l| l.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    for a in ["points.award", "points.deduction", "points.void", "record.correct"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let (s, _) = app.get(&member.token, "/audit-log").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(awards_deductions_voids_and_corrections);
