//! Bad input gets a clear JSON error with a stable code, never a 500.

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn bad_input_is_named_not_500(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let r = app.resident().await;
    let t = &r.token;

    // Missing, unknown and wrongly typed fields name the field.
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"title": "x", "address": "y"}), "category", "required"),
        (
            json!({"category": "nope", "title": "x", "address": "y"}),
            "category",
            "unknown",
        ),
        (
            json!({"category": "health", "title": "", "address": "y"}),
            "title",
            "length",
        ),
        (
            json!({"category": "health", "title": "   ", "address": "y"}),
            "title",
            "blank",
        ),
        (
            json!({"category": "health", "title": "x", "address": "y", "colour": "red"}),
            "colour",
            "unknown",
        ),
        (
            json!({"category": "health", "title": "x", "address": "y", "urgency": "asap"}),
            "urgency",
            "invalid",
        ),
        (
            json!({"category": "health", "title": "x", "address": "y", "contact_phone": "12345"}),
            "contact_phone",
            "phone",
        ),
        (
            json!({"category": "health", "title": "x", "address": "y", "grid_id": 99999}),
            "grid_id",
            "unknown",
        ),
        (
            json!({"category": "health", "title": "x", "address": "y", "preferred_time": "tomorrow"}),
            "preferred_time",
            "invalid",
        ),
        (
            json!({"category": "health", "title": "x".repeat(101), "address": "y"}),
            "title",
            "length",
        ),
        (
            json!({"category": 5, "title": "x", "address": "y"}),
            "category",
            "invalid",
        ),
    ];
    for (body, field, code) in cases {
        let (s, e) = app.post(t, "/requests", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {e}");
        assert_eq!(e["code"], "validation.failed");
        assert_eq!(e["fields"][0]["field"], field, "{body} → {e}");
        assert_eq!(e["fields"][0]["code"], code, "{body} → {e}");
        assert!(
            e["message"].as_str().is_some_and(|m| m.starts_with("提交的信息有误")),
            "{e}"
        );
    }

    // Not JSON at all, wrong content type, query errors, bad path segments.
    let resp = app
        .client
        .post(app.url("/requests"))
        .bearer_auth(t)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let e: Value = resp.json().await.expect("json");
    assert_eq!(e["code"], "request.malformed_body");

    let resp = app
        .client
        .post(app.url("/auth/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("phone=1&password=2")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let e: Value = resp.json().await.expect("json");
    assert_eq!(e["code"], "request.unsupported_media_type");

    let huge = json!({"category": "health", "title": "x", "address": "y", "description": "长".repeat(200_000)});
    let (s, e) = app.post(t, "/requests", huge).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("request.payload_too_large"))
    );

    let (s, e) = app.get(t, "/requests?status=flying").await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status"))
    );
    let (s, e) = app.get(t, "/requests?limit=1000").await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
    let (s, e) = app.get(t, "/requests?limit=abc").await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("limit"))
    );
    let (s, e) = app.get(t, "/requests?category=a%00b").await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("category"))
    );
    let (s, e) = app.get(t, "/requests/abc").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("resource.not_found"))
    );
    let (s, e) = app.get(t, "/requests/99999").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("request.not_found"))
    );
    let (s, e) = app.get(t, "/no/such/route").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("route.not_found"))
    );
    let (s, e) = app.get(t, "/communities/99999/grids").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("community.not_found"))
    );
    let (s, e) = app
        .post(
            "",
            "/auth/register",
            json!({"phone": "13712345678", "password": "quiet-garden-7", "name": "x", "community_id": 42}),
        )
        .await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("community_id"))
    );

    // English on request.
    let resp = app
        .client
        .post(app.url("/auth/login"))
        .header("accept-language", "en-US,en;q=0.9")
        .json(&json!({"phone": "13712345678", "password": "whatever"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let e: Value = resp.json().await.expect("json");
    assert_eq!(e["message"], "Wrong phone number or password");

    // Huge numbers, odd unicode, nulls: still answered, never a 500.
    for body in [
        json!({"category": "health", "title": "😀", "address": "y", "grid_id": i64::MAX}),
        json!({"category": "health", "title": null, "address": "y"}),
        json!([1, 2, 3]),
        json!("string"),
    ] {
        let (s, e) = app.post(t, "/requests", body.clone()).await;
        assert!(s.is_client_error(), "{body} → {s} {e}");
        assert!(e["code"].is_string());
    }
    let (s, e) = app
        .post(t, "/requests/1/complete", json!({"hours": 1e308, "summary": "x"}))
        .await;
    assert!(s.is_client_error(), "{s} {e}");
}
both_backends!(bad_input_is_named_not_500);

async fn health_and_reference_data(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    for path in ["/healthz", "/readyz", "/api/v1/readyz"] {
        let resp = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
    }
    let (s, cats) = app.get("", "/categories").await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> = cats
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(codes.len() >= 10, "{codes:?}");
    for name in [
        "助老助残",
        "家电维修",
        "法律咨询",
        "矛盾调解",
        "环境整治",
        "代购代办",
        "心理疏导",
        "医疗健康",
        "巡逻值守",
        "政策宣讲",
    ] {
        assert!(codes.contains(&name), "{name} missing");
    }
    let (_, communities) = app.get("", "/communities").await;
    assert_eq!(communities[0]["name"], "幸福里社区");
    let (_, grids) = app.get("", "/communities/1/grids").await;
    assert_eq!(grids.as_array().map(Vec::len), Some(3));
    let home = app.client.get(&app.base).send().await.expect("sent");
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.expect("text").contains("邻里"));
}
both_backends!(health_and_reference_data);

/// A state the code does not know, written behind its back, is an internal
/// error (500 `internal`, logged) wherever the row is read — never quietly
/// taken for another state.
async fn an_unknown_stored_state_is_an_error_not_a_default(b: Backend) {
    use sea_orm::{ConnectionTrait, Database};
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");
    let db = Database::connect(&app.database_url).await.expect("db");
    db.execute_unprepared(&format!("UPDATE help_requests SET status = 'lost' WHERE id = {id}"))
        .await
        .expect("update");
    db.close().await.expect("close");
    let (s, body) = app.get(&resident.token, &format!("/requests/{id}")).await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("internal")),
        "{body}"
    );
    let (s, body) = app.get(&app.admin.token, "/requests").await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("internal")),
        "{body}"
    );
}
both_backends!(an_unknown_stored_state_is_an_error_not_a_default);
