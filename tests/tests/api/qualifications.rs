//! 资质 (issue 13.7): categories that need a qualification refuse members
//! without a valid one — in the candidate list (reason `qualification`),
//! in auto-dispatch, and on dispatch and claim (`member.qualification_required`);
//! members record, admins verify or reject (audited); an expired one stops
//! counting on its own, and the member and their admins are reminded 30
//! days before, once, however many sweepers run. Over HTTP, on both
//! backends, under the one moved clock.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, clock_to, kinds, spawn_app, spawn_app_configured};
use chrono::{Duration, NaiveDate};
use linli::workers::sweeper::sweep;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

async fn repair_request(app: &TestApp, resident: &User, title: &str) -> i64 {
    let (s, r) = app
        .post(
            &resident.token,
            "/requests",
            json!({"category": "electrical_repair", "title": title, "address": "2号楼"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["category"]["qualification"]["code"], "electrician_certificate", "{r}");
    assert_eq!(r["category"]["qualification"]["name"], "电工证", "{r}");
    r["id"].as_i64().expect("id")
}

async fn candidates(app: &TestApp, request: i64, member: &User) -> Value {
    let (s, c) = app
        .get(
            &app.admin.token,
            &format!("/requests/{request}/candidates?member_id={}", member.id),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c
}

/// The code and message of a refused dispatch of `request` to `member`.
async fn dispatch_refusal(app: &TestApp, request: i64, member: &User) -> (StatusCode, Value) {
    app.act(&app.admin, request, "dispatch", json!({"assignee_id": member.id}))
        .await
}

async fn qualification(app: &TestApp, who: &User, id: i64) -> Value {
    let (s, q) = app.get(&who.token, &format!("/qualifications/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{q}");
    q
}

/// The community's local date on the app's clock.
fn today(app: &TestApp) -> NaiveDate {
    app.state.clock.today(app.state.local_offset)
}

/// Noon (local) of `day`, in UTC: outside everyone's default quiet hours.
fn noon(app: &TestApp, day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_hms_opt(12, 0, 0)
        .and_then(|t| t.and_local_timezone(app.state.local_offset).single())
        .expect("local noon")
        .with_timezone(&chrono::Utc)
}

/// Gating: without a valid certificate a member is excluded from the
/// candidates and refused on dispatch and claim; recorded but pending is
/// not enough; verified counts; a change sends it back to review; a
/// rejection says why. Validation names its fields; others cannot review.
async fn qualification_gates_matching_dispatch_and_claim(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let electrician = app
        .registered_member(json!({"kind": "volunteer", "skills": ["electrical_repair"]}))
        .await;

    // The catalogue and the menu say what is needed.
    let (s, cats) = app.get("", "/categories").await;
    assert_eq!(s, StatusCode::OK);
    let need = |code: &str| {
        cats.as_array()
            .and_then(|a| a.iter().find(|c| c["code"] == code))
            .map(|c| c["qualification"]["code"].clone())
            .unwrap_or_default()
    };
    assert_eq!(need("electrical_repair"), "electrician_certificate");
    assert_eq!(need("legal_advice"), "lawyer_licence");
    assert_eq!(need("health"), "medical_licence");
    assert_eq!(need("elderly_care"), Value::Null);
    let (s, kinds_list) = app.get("", "/qualification-kinds").await;
    assert_eq!(s, StatusCode::OK);
    let lawyer = kinds_list
        .as_array()
        .and_then(|a| a.iter().find(|k| k["code"] == "lawyer_licence"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (&lawyer["name"], &lawyer["expires"], &lawyer["categories"][0]["code"]),
        (&json!("律师执业证"), &json!(true), &json!("legal_advice")),
        "{kinds_list}"
    );

    let repair = repair_request(&app, &resident, "热水器打不着火").await;
    let hall = repair_request(&app, &resident, "空调不制冷").await;
    app.ok(&app.admin, hall, "publish", json!({})).await;

    // Nothing recorded: excluded, refused.
    let c = candidates(&app, repair, &electrician).await;
    assert_eq!(c["member"]["reason"], "qualification", "{c}");
    assert_eq!(c["member"]["message"], "没有有效的电工证", "{c}");
    assert_eq!(c["excluded_by_reason"]["qualification"], 1, "{c}");
    assert_eq!(c["eligible"], 0, "{c}");
    let (s, e) = dispatch_refusal(&app, repair, &electrician).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("member.qualification_required")),
        "{e}"
    );
    assert!(e["message"].as_str().is_some_and(|m| m.contains("电工证")), "{e}");
    let resp = app
        .client
        .post(app.url(&format!("/requests/{hall}/claim")))
        .bearer_auth(&electrician.token)
        .header("Accept-Language", "en")
        .json(&json!({}))
        .send()
        .await
        .expect("claim");
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let e: Value = resp.json().await.expect("json");
    assert_eq!(e["code"], "member.qualification_required", "{e}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("electrician's certificate")),
        "{e}"
    );
    let (_, plan) = app
        .post(&app.admin.token, "/dispatch/auto", json!({"community_id": 1}))
        .await;
    assert!(
        plan["plan"]
            .as_array()
            .is_some_and(|p| p.iter().all(|x| x["request_id"] != json!(repair))),
        "auto-dispatch skips the unqualified: {plan}"
    );

    // Bad input names its field, never a 500.
    let year = today(&app) + Duration::days(365);
    for (body, field, code) in [
        (
            json!({"kind": "electrician_certificate", "number": "T1", "issuer": "应急管理局"}),
            "expires_on",
            "required",
        ),
        (
            json!({"kind": "electrician_certificate", "number": "T1", "issuer": "应急管理局",
                "expires_on": today(&app) - Duration::days(1)}),
            "expires_on",
            "past",
        ),
        (
            json!({"kind": "electrician_certificate", "number": "  ", "issuer": "应急管理局", "expires_on": year}),
            "number",
            "blank",
        ),
        (
            json!({"kind": "pilot_licence", "number": "T1", "issuer": "民航局", "expires_on": year}),
            "kind",
            "invalid",
        ),
    ] {
        let (s, e) = app.post(&electrician.token, "/qualifications", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {e}");
        assert_eq!(e["fields"][0]["field"], field, "{body} → {e}");
        if code != "invalid" {
            assert_eq!(e["fields"][0]["code"], code, "{body} → {e}");
        }
    }
    // A resident who never reported in has nothing to record.
    let (s, _) = app
        .post(
            &resident.token,
            "/qualifications",
            json!({"kind": "medical_licence", "number": "1", "issuer": "卫健委"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Recorded: pending is not enough.
    let (s, q) = app
        .post(
            &electrician.token,
            "/qualifications",
            json!({"kind": "electrician_certificate", "number": "T110101199001011234",
                "issuer": "北京市应急管理局", "expires_on": year, "note": "特种作业操作证"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{q}");
    assert_eq!((&q["status"], &q["valid"]), (&json!("pending"), &json!(false)), "{q}");
    assert_eq!(q["kind_name"], "电工证");
    let id = q["id"].as_i64().expect("id");
    let (s, _) = dispatch_refusal(&app, repair, &electrician).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, mine) = app.get(&electrician.token, "/qualifications").await;
    assert_eq!(mine["items"][0]["id"], id, "{mine}");
    // Nobody else reads or reviews it.
    let (s, _) = app.get(&resident.token, &format!("/qualifications/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(&electrician.token, &format!("/qualifications/{id}/verify"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .put(
            &resident.token,
            &format!("/qualifications/{id}"),
            json!({"kind": "electrician_certificate", "number": "X", "issuer": "Y", "expires_on": year}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The admin's queue, then verified: counted, audited, told.
    let (s, pending) = app.get(&app.admin.token, "/qualifications?status=pending").await;
    assert_eq!(s, StatusCode::OK, "{pending}");
    assert_eq!(pending["items"][0]["id"], id, "{pending}");
    assert_eq!(pending["items"][0]["member"]["id"], electrician.id);
    let (s, v) = app
        .post(&app.admin.token, &format!("/qualifications/{id}/verify"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((&v["status"], &v["valid"]), (&json!("verified"), &json!(true)), "{v}");
    let (s, e) = app
        .post(&app.admin.token, &format!("/qualifications/{id}/verify"), json!({}))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("qualification.invalid_transition")),
        "{e}"
    );
    let (_, log) = app.get(&app.admin.token, "/audit-log").await;
    assert!(
        log["items"].as_array().is_some_and(|l| l
            .iter()
            .any(|x| x["action"] == "qualification.verify" && x["target_id"] == id)),
        "{log}"
    );
    assert!(
        kinds(&app, &electrician)
            .await
            .contains(&"qualification.verify".to_owned())
    );
    let c = candidates(&app, repair, &electrician).await;
    assert_eq!(c["member"]["rank"], 1, "{c}");
    app.ok(&app.admin, repair, "dispatch", json!({"assignee_id": electrician.id}))
        .await;
    app.ok(&electrician, hall, "claim", json!({})).await;

    // A change goes back to review (and stops counting until then); the
    // same details change nothing.
    let same = json!({"kind": "electrician_certificate", "number": "T110101199001011234",
        "issuer": "北京市应急管理局", "expires_on": year, "note": "特种作业操作证"});
    let (s, q) = app
        .put(&electrician.token, &format!("/qualifications/{id}"), same)
        .await;
    assert_eq!((s, &q["status"]), (StatusCode::OK, &json!("verified")), "{q}");
    let (s, q) = app
        .put(
            &electrician.token,
            &format!("/qualifications/{id}"),
            json!({"kind": "electrician_certificate", "number": "T110101199001019999",
                "issuer": "北京市应急管理局", "expires_on": year}),
        )
        .await;
    assert_eq!((s, &q["status"]), (StatusCode::OK, &json!("pending")), "{q}");
    let third = repair_request(&app, &resident, "洗衣机漏电").await;
    let c = candidates(&app, third, &electrician).await;
    assert_eq!(c["member"]["reason"], "qualification", "{c}");

    // Rejected, with the reason the member reads.
    let (s, e) = app
        .post(&app.admin.token, &format!("/qualifications/{id}/reject"), json!({}))
        .await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (s, r) = app
        .post(
            &app.admin.token,
            &format!("/qualifications/{id}/reject"),
            json!({"reason": "证书编号与照片不符"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (&r["status"], &r["status_label"], &r["reject_reason"]),
        (&json!("rejected"), &json!("未通过"), &json!("证书编号与照片不符"))
    );
    let (s, _) = dispatch_refusal(&app, third, &electrician).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The member withdraws it.
    let (s, _) = app.delete(&electrician.token, &format!("/qualifications/{id}")).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get(&electrician.token, &format!("/qualifications/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_backends!(qualification_gates_matching_dispatch_and_claim);

/// Expiry: the member and the admin are reminded once, 30 days before
/// (two sweeps and a second replica send nothing more; the admin's mail
/// goes through the outbox once); the qualification counts through its
/// expiry date and stops the day after, with nobody acting; a renewal is
/// checked again and counts once verified.
async fn expiry_reminds_once_and_stops_counting(b: Backend) {
    // Sessions outlive the months the clock moves; the admin's mail stays
    // in the outbox (no worker sends it into the working directory).
    let Some(app) = spawn_app_configured(b, None, |s| {
        s.token_ttl_hours = 24 * 3650;
        s.background_jobs = false;
    })
    .await
    else {
        return;
    };
    let resident = app.resident().await;
    let electrician = app
        .registered_member(json!({"kind": "volunteer", "skills": ["electrical_repair"]}))
        .await;
    let (s, me) = app
        .put(&app.admin.token, "/me", json!({"email": "admin@example.org"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{me}");
    let day0 = today(&app);
    let expires_on = day0 + Duration::days(40);
    let id = app
        .qualify(&electrician, "electrician_certificate", Some(expires_on))
        .await;
    let sweep_count = |app: &TestApp| {
        let state = app.state.clone();
        async move { sweep(&state).await.expect("sweep").qualification_reminders }
    };

    clock_to(&app, noon(&app, day0 + Duration::days(9))); // 31 days left
    assert_eq!(sweep_count(&app).await, 0, "too early");
    clock_to(&app, noon(&app, day0 + Duration::days(10))); // 30 days left
    assert_eq!(sweep_count(&app).await, 2, "the member and the admin");
    assert_eq!(sweep_count(&app).await, 0, "once");
    let replica = app.replica(|_| {}).await;
    replica
        .state
        .clock
        .advance(app.state.clock.now() - replica.state.clock.now());
    assert_eq!(sweep_count(&replica).await, 0, "once across replicas");
    for who in [&electrician, &app.admin] {
        let k = kinds(&app, who).await;
        assert_eq!(k.iter().filter(|k| *k == "qualification.expiring").count(), 1, "{k:?}");
    }
    let db = Database::connect(&app.database_url).await.expect("db");
    let mails = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::UserId.eq(app.admin.id))
        .filter(entity::outbox::Column::EventKey.like(format!("qualification:{id}:expiring:%")))
        .count(&db)
        .await
        .expect("outbox");
    assert_eq!(mails, 1, "one mail to the admin");
    db.close().await.expect("close");
    let (_, soon) = app
        .get(&app.admin.token, "/qualifications?expiring_within_days=30")
        .await;
    assert_eq!(soon["items"][0]["id"], id, "{soon}");
    assert_eq!(
        (&soon["items"][0]["days_left"], &soon["items"][0]["expiring_soon"]),
        (&json!(30), &json!(true))
    );

    // It counts through its expiry date …
    let repair = repair_request(&app, &resident, "插座冒火花").await;
    clock_to(&app, noon(&app, expires_on));
    let c = candidates(&app, repair, &electrician).await;
    assert_eq!(c["member"]["rank"], 1, "{c}");
    // … and stops the day after, on its own.
    clock_to(&app, noon(&app, expires_on + Duration::days(1)));
    let c = candidates(&app, repair, &electrician).await;
    assert_eq!(c["member"]["reason"], "qualification", "{c}");
    let (s, e) = dispatch_refusal(&app, repair, &electrician).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("member.qualification_required")),
        "{e}"
    );
    let q = qualification(&app, &electrician, id).await;
    assert_eq!(
        (&q["status"], &q["valid"], &q["expired"], &q["days_left"]),
        (&json!("verified"), &json!(false), &json!(true), &json!(-1)),
        "{q}"
    );
    assert_eq!(sweep_count(&app).await, 0, "nothing more once expired");

    // Renewed: a new date is checked again, then counts.
    let renewed = expires_on + Duration::days(6 * 365);
    let (s, q) = app
        .put(
            &electrician.token,
            &format!("/qualifications/{id}"),
            json!({"kind": "electrician_certificate", "number": "T-2", "issuer": "应急管理局", "expires_on": renewed}),
        )
        .await;
    assert_eq!((s, &q["status"]), (StatusCode::OK, &json!("pending")), "{q}");
    let (s, _) = dispatch_refusal(&app, repair, &electrician).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = app
        .post(&app.admin.token, &format!("/qualifications/{id}/verify"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    app.ok(&app.admin, repair, "dispatch", json!({"assignee_id": electrician.id}))
        .await;
}
both_backends!(expiry_reminds_once_and_stops_counting);
