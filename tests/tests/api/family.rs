//! 家人代下单: a resident gives a family member their consent code; the
//! family member then posts for them (the resident sees it, named as who
//! entered it), may cancel before anyone takes it and rate the service,
//! and nothing more; a wrong code is refused and the fifth wrong try voids
//! it; a code works once however many try it at the same moment; either of
//! the two ends the link.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn code_of(app: &TestApp, who: &User) -> String {
    let (s, c) = app.post(&who.token, "/me/consent-code", json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["code"].as_str().expect("code").to_owned()
}

async fn link(app: &TestApp, who: &User, relative: &User, code: &str) -> (StatusCode, Value) {
    app.post(
        &who.token,
        "/me/relatives",
        json!({"phone": relative.phone, "code": code}),
    )
    .await
}

fn post_for(relative: &User, title: &str) -> Value {
    json!({"category": "elderly_care", "title": title, "address": "幸福里3号楼", "resident_id": relative.id})
}

async fn a_family_member_orders_for_a_relative_who_consented(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let (mother, son) = (app.resident().await, app.resident().await);
    // Without consent: refused, by account or by phone number.
    let (s, _) = app.post(&son.token, "/requests", post_for(&mother, "帮妈妈买药")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let by_phone = json!({"category": "elderly_care", "title": "帮妈妈买药", "address": "幸福里3号楼", "resident_phone": mother.phone});
    let (s, _) = app.post(&son.token, "/requests", by_phone).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A wrong code, then the right one.
    let code = code_of(&app, &mother).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (s, e) = link(&app, &son, &mother, wrong).await;
    assert_eq!(
        (s, &e["fields"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("code")),
        "{e}"
    );
    let (s, fam) = link(&app, &son, &mother, &code).await;
    assert_eq!(s, StatusCode::OK, "{fam}");
    assert_eq!(fam["relatives"][0]["id"], json!(mother.id), "{fam}");
    let (_, hers) = app.get(&mother.token, "/me/relatives").await;
    assert_eq!(
        hers["family"][0]["id"],
        json!(son.id),
        "she sees who may order for her: {hers}"
    );
    // Used once: the same code again is refused.
    let (s, _) = link(&app, &son, &mother, &code).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // He posts for her; she sees it, entered by him.
    let (s, r) = app.post(&son.token, "/requests", post_for(&mother, "帮妈妈买药")).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_i64().expect("id");
    assert_eq!(
        (&r["resident"]["id"], &r["source"]),
        (&json!(mother.id), &json!("proxy")),
        "{r}"
    );
    let (_, mine) = app.get(&mother.token, "/requests?mine=true").await;
    assert_eq!(mine["items"][0]["id"], json!(id), "{mine}");
    assert_eq!(mine["items"][0]["entered_by"]["id"], json!(son.id), "{mine}");
    // He may cancel before anyone takes it…
    let (s, c) = app
        .post(&son.token, "/requests", post_for(&mother, "帮妈妈取快递"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    app.ok(
        &son,
        c["id"].as_i64().expect("id"),
        "cancel",
        json!({"note": "已经取到了"}),
    )
    .await;
    // …and rate it; not cancel once taken, nor dispute.
    let member = app.member().await;
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    app.ok(&member, id, "accept", json!({})).await;
    let (s, _) = app.act(&son, id, "cancel", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    app.ok(&member, id, "start", json!({})).await;
    app.ok(&member, id, "complete", json!({"hours": 1.0, "summary": "药已送到"}))
        .await;
    let (s, _) = app
        .post(
            &son.token,
            "/appeals",
            json!({"kind": "completion", "request_id": id, "reason": "药买错了"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    app.ok(&son, id, "review", json!({"stars": 5})).await;

    // Either ends it: she does, and he may no longer post for her.
    let (s, left) = app
        .post(&mother.token, "/me/relatives/unlink", json!({"user_id": son.id}))
        .await;
    assert_eq!((s, &left["family"]), (StatusCode::OK, &json!([])), "{left}");
    let (s, _) = app.post(&son.token, "/requests", post_for(&mother, "帮妈妈买菜")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Admins have no consent code to give.
    let (s, _) = app.post(&app.admin.token, "/me/consent-code", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(a_family_member_orders_for_a_relative_who_consented);

async fn a_consent_code_works_once_and_five_wrong_tries_void_it(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let mother = app.resident().await;
    let code = code_of(&app, &mother).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let guesser = app.resident().await;
    for _ in 0..5 {
        let (s, _) = link(&app, &guesser, &mother, wrong).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (s, _) = link(&app, &guesser, &mother, &code).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the fifth wrong try voided the code"
    );

    // A new code, tried by four people at once: one link.
    let code = code_of(&app, &mother).await;
    let mut family = Vec::new();
    for _ in 0..4 {
        family.push(app.resident().await);
    }
    let tries = family.iter().map(|f| link(&app, f, &mother, &code));
    let answers = futures::future::join_all(tries).await;
    let won = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(won, 1, "{answers:?}");
    let (_, hers) = app.get(&mother.token, "/me/relatives").await;
    assert_eq!(hers["family"].as_array().map(Vec::len), Some(1), "{hers}");
}
both_backends!(a_consent_code_works_once_and_five_wrong_tries_void_it);
