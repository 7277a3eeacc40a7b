//! Accounts: sign-up, login, logout and password change revoke tokens, roles.

use crate::both_backends;
use crate::helpers::{Backend, PASSWORD, reset_mail, spawn_app, spawn_app_configured};
use reqwest::StatusCode;
use serde_json::json;

async fn register_login_logout(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let u = app.resident().await;
    let (s, me) = app.get(&u.token, "/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (me["role"].as_str(), me["community"]["id"].as_i64()),
        (Some("resident"), Some(1))
    );
    assert_eq!(me["community"]["street"], "和平街道");

    // Same phone again, in another spelling.
    let spaced = format!("{} {} {}", &u.phone[..3], &u.phone[3..7], &u.phone[7..]);
    let (s, body) = app
        .post(
            "",
            "/auth/register",
            json!({"phone": spaced, "password": PASSWORD, "name": "x", "community_id": 1}),
        )
        .await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("auth.phone_taken"))
    );

    let (s, body) = app
        .post(
            "",
            "/auth/login",
            json!({"phone": u.phone, "password": "wrong-password"}),
        )
        .await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("auth.invalid_credentials"))
    );
    let (s, _) = app
        .post("", "/auth/login", json!({"phone": "13999999999", "password": PASSWORD}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let second = app.login(&u.phone, PASSWORD).await;
    let (s, _) = app.post(&u.token, "/auth/logout", json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, body) = app.get(&u.token, "/me").await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("auth.unauthenticated"))
    );
    let (s, _) = app.get(&second.token, "/me").await;
    assert_eq!(s, StatusCode::OK, "logout revokes only that session");

    // Password change revokes every session and returns a fresh token.
    let (s, body) = app
        .post(
            &second.token,
            "/auth/password",
            json!({"old_password": "nope-nope", "new_password": "new-password-1"}),
        )
        .await;
    assert_eq!(
        (s, body["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("old_password"))
    );
    let (s, body) = app
        .post(
            &second.token,
            "/auth/password",
            json!({"old_password": PASSWORD, "new_password": "new-password-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let fresh = body["token"].as_str().expect("token").to_owned();
    assert_eq!(app.get(&second.token, "/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get(&fresh, "/me").await.0, StatusCode::OK);
    let (s, _) = app
        .post("", "/auth/login", json!({"phone": u.phone, "password": PASSWORD}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    app.login(&u.phone, "new-password-1").await;
    assert_eq!(app.get("not-a-token", "/me").await.0, StatusCode::UNAUTHORIZED);
}
both_backends!(register_login_logout);

async fn roles_are_granted_by_admins_only(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let u = app.resident().await;
    let other = app.resident().await;
    let (s, _) = app
        .put(
            &u.token,
            &format!("/users/{}/role", other.id),
            json!({"role": "member"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .put(
            &app.admin.token,
            &format!("/users/{}/role", u.id),
            json!({"role": "street_admin"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "street admins are made on the command line");
    let (s, body) = app
        .put(
            &app.admin.token,
            &format!("/users/{}/role", u.id),
            json!({"role": "member"}),
        )
        .await;
    assert_eq!((s, body["role"].as_str()), (StatusCode::OK, Some("member")));
    let (s, body) = app.get(&app.admin.token, "/users?role=member").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["id"] == u.id))
    );
    let (s, _) = app.get(&u.token, "/users").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "members do not list people");
    let (s, body) = app
        .put(
            &app.admin.token,
            &format!("/users/{}/role", u.id),
            json!({"role": "king"}),
        )
        .await;
    assert_eq!(
        (s, body["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role"))
    );
}
both_backends!(roles_are_granted_by_admins_only);

/// 忘记密码: a link mailed to the address on file sets a new password once,
/// signs every device out, and the form answers alike for unknown numbers;
/// an admin's temporary password works for a resident and is audit-logged.
async fn forgotten_and_admin_reset_passwords(b: Backend) {
    // The mail stays in the outbox (no worker writing .eml files here).
    let Some(app) = spawn_app_configured(b, None, |s| s.background_jobs = false).await else {
        return;
    };
    let u = app.resident().await;
    let (s, _) = app.put(&u.token, "/me", json!({"email": "wang@example.com"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app
        .post("", "/auth/password/forgot", json!({"phone": "13712345678"}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "unknown numbers get the same answer: {v}");
    let (s, e) = app.post("", "/auth/password/forgot", json!({"phone": "123"})).await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("phone"))
    );
    let (s, _) = app.post("", "/auth/password/forgot", json!({"phone": u.phone})).await;
    assert_eq!(s, StatusCode::ACCEPTED);

    let (to, token) = reset_mail(&app, u.id).await;
    assert_eq!(to, "wang@example.com");

    let (s, e) = app
        .post(
            "",
            "/auth/password/reset",
            json!({"token": "nope", "password": "new-pass-123"}),
        )
        .await;
    assert_eq!(
        (s, e["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reset_invalid"))
    );
    let (s, _) = app
        .post(
            "",
            "/auth/password/reset",
            json!({"token": token, "password": "new-pass-123"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get(&u.token, "/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "signed out everywhere");
    let again = app.login(&u.phone, "new-pass-123").await;
    let (s, e) = app
        .post(
            "",
            "/auth/password/reset",
            json!({"token": token, "password": "other-pass-123"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "once only: {e}");

    // The admin hands over a temporary password; the audit log says so.
    let (s, t) = app
        .post(&app.admin.token, &format!("/users/{}/password/reset", u.id), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let temp = t["password"].as_str().expect("password").to_owned();
    assert_eq!(temp.len(), 10);
    let (s, _) = app.get(&again.token, "/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    app.login(&u.phone, &temp).await;
    let (_, log) = app.get(&app.admin.token, "/audit-log").await;
    assert!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|l| l["action"] == "user.password_reset" && l["target_id"] == json!(u.id)),
        "{log}"
    );
    // Not for someone else's admin, nor by a resident.
    let other = app.resident().await;
    let (s, _) = app
        .post(&other.token, &format!("/users/{}/password/reset", u.id), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            &app.admin.token,
            &format!("/users/{}/password/reset", app.admin.id),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(forgotten_and_admin_reset_passwords);
