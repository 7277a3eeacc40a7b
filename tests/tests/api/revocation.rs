//! An open live stream lasts only as long as its authority: logout, a
//! password change, an admin's demotion or a grid worker's new grids
//! closes it within a second — on
//! the replica it is connected to, whichever replica the change was made on.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, next_frame, spawn_replicas};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

async fn open(app: &TestApp, who: &User) -> (reqwest::Response, String) {
    let resp = app
        .client
        .get(app.url("/events/stream"))
        .bearer_auth(&who.token)
        .send()
        .await
        .expect("stream");
    assert_eq!(resp.status(), StatusCode::OK);
    let mut resp = resp;
    let mut buf = String::new();
    let ready = next_frame(&mut resp, &mut buf, |e, _| e == "ready", Duration::from_secs(5)).await;
    assert!(ready.is_some(), "stream opened");
    (resp, buf)
}

/// The stream sends `event: session` and ends within `within`.
async fn closes_within(stream: &mut reqwest::Response, buf: &mut String, within: Duration) -> bool {
    let signed = next_frame(stream, buf, |e, _| e == "session", within).await;
    if signed.is_none() {
        return false;
    }
    // Then the body ends.
    matches!(
        tokio::time::timeout(Duration::from_millis(500), stream.chunk()).await,
        Ok(Ok(None))
    )
}

async fn streams_close_when_their_authority_ends(b: Backend) {
    // With Redis the revocation reaches the other replica.
    let Some((app, other)) = spawn_replicas(b).await else {
        return;
    };
    let redis = other.is_some();
    let there = other.as_ref().unwrap_or(&app);
    let second = Duration::from_secs(1);

    // Logout on this replica closes the stream on the other.
    let m = app.member().await;
    let (mut s, mut buf) = open(there, &m).await;
    let (code, _) = app.post(&m.token, "/auth/logout", json!({})).await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    assert!(
        closes_within(&mut s, &mut buf, second).await,
        "logout closes the stream"
    );

    // Another session of the same person is not touched by a logout.
    let m2 = app.member().await;
    let phone_session = app.login(&m2.phone, crate::helpers::PASSWORD).await;
    let (mut kept, mut kept_buf) = open(there, &m2).await;
    app.post(&phone_session.token, "/auth/logout", json!({})).await;
    let cut = next_frame(
        &mut kept,
        &mut kept_buf,
        |e, _| e == "session",
        Duration::from_millis(800),
    )
    .await;
    assert!(cut.is_none(), "only the revoked session's stream closes");

    // A password change closes every stream of the old sessions.
    let (code, _) = app
        .post(
            &m2.token,
            "/auth/password",
            json!({"old_password": crate::helpers::PASSWORD, "new_password": "another-pass-42"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        closes_within(&mut kept, &mut kept_buf, second).await,
        "a password change closes it"
    );

    // An admin demoted to resident: their stream (which saw the whole
    // community's requests) closes; the session itself still works.
    let street = app.street_admin().await;
    let admin = app.user_by(&street, "admin", 1).await;
    let (mut s, mut buf) = open(there, &admin).await;
    let (code, body) = app
        .put(
            &street.token,
            &format!("/users/{}/role", admin.id),
            json!({"role": "resident"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert!(closes_within(&mut s, &mut buf, second).await, "a demotion closes it");
    let (code, me) = there.get(&admin.token, "/me").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(me["role"], "resident");

    // A grid worker's grids changed: their stream reopens to see the new ones.
    let (_, grids) = app.get("", "/communities/1/grids").await;
    let grid = |i: usize| grids[i]["id"].as_i64().expect("grid");
    let phone = app.fresh_phone();
    let body = json!({"phone": phone, "password": crate::helpers::PASSWORD, "name": "网格员", "role": "grid_worker", "grid_ids": [grid(0)]});
    let (code, made) = app.post(&app.admin.token, "/users", body).await;
    assert_eq!(code, StatusCode::CREATED, "{made}");
    let worker = app.login(&phone, crate::helpers::PASSWORD).await;
    let (mut s, mut buf) = open(there, &worker).await;
    let (code, _) = app
        .put(
            &app.admin.token,
            &format!("/users/{}/grids", worker.id),
            json!({"grid_ids": [grid(1)]}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        closes_within(&mut s, &mut buf, second).await,
        "new grids close the old stream"
    );
    if redis {
        crate::helpers::redis_flush_prefix(&app.redis_prefix).await;
    }
}
both_backends!(streams_close_when_their_authority_ends);

/// Polls `GET /me` with `token` until it answers 401, for up to `within`.
async fn refused_within(app: &TestApp, token: &str, within: Duration) -> bool {
    let end = tokio::time::Instant::now() + within;
    loop {
        let (s, _) = app.get(token, "/me").await;
        if s == StatusCode::UNAUTHORIZED {
            return true;
        }
        if tokio::time::Instant::now() > end {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sessions are cached per replica, and a revocation on one replica reaches
/// the cache of the other at once: logout, a password change and a demotion.
async fn a_revoked_token_fails_on_every_replica(b: Backend) {
    let Some((a, other)) = spawn_replicas(b).await else {
        return;
    };
    let redis = other.is_some();
    let there = other.as_ref().unwrap_or(&a);
    let second = Duration::from_secs(1);

    let m = a.member().await;
    // Cached on the other replica.
    for _ in 0..3 {
        assert_eq!(there.get(&m.token, "/me").await.0, StatusCode::OK);
    }
    a.post(&m.token, "/auth/logout", json!({})).await;
    assert!(refused_within(there, &m.token, second).await, "logout");

    let m = a.member().await;
    let old = a.login(&m.phone, crate::helpers::PASSWORD).await;
    assert_eq!(there.get(&old.token, "/me").await.0, StatusCode::OK);
    let (s, _) = a
        .post(
            &m.token,
            "/auth/password",
            json!({"old_password": crate::helpers::PASSWORD, "new_password": "another-pass-42"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(refused_within(there, &old.token, second).await, "password change");

    // A demotion is seen at once too: the admin's next call is a resident's.
    let street = a.street_admin().await;
    let admin = a.user_by(&street, "admin", 1).await;
    assert_eq!(there.get(&admin.token, "/members").await.0, StatusCode::OK);
    a.put(
        &street.token,
        &format!("/users/{}/role", admin.id),
        json!({"role": "resident"}),
    )
    .await;
    let end = tokio::time::Instant::now() + second;
    loop {
        let (s, _) = there.get(&admin.token, "/members").await;
        if s == StatusCode::FORBIDDEN {
            break;
        }
        assert!(tokio::time::Instant::now() < end, "demotion not seen: {s}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if redis {
        crate::helpers::redis_flush_prefix(&a.redis_prefix).await;
    }
}
both_backends!(a_revoked_token_fails_on_every_replica);

/// What a replica keeps besides sessions follows changes made on any other
/// replica: the account behind `GET /me` (name, elder mode) at once, and a
/// community made a moment ago elsewhere is found although this replica's
/// copy of the communities predates it.
async fn kept_copies_follow_changes_on_any_replica(b: Backend) {
    let Some((a, other)) = spawn_replicas(b).await else {
        return;
    };
    let redis = other.is_some();
    let there = other.as_ref().unwrap_or(&a);
    let second = Duration::from_secs(1);

    let m = a.member().await;
    for _ in 0..3 {
        let (s, me) = there.get(&m.token, "/me").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(me["elder_mode"], false);
    }
    let (s, body) = a
        .put(&m.token, "/me", json!({"name": "新名字", "elder_mode": true}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "新名字", "the answer itself is fresh");
    let end = tokio::time::Instant::now() + second;
    loop {
        let (_, me) = there.get(&m.token, "/me").await;
        if me["name"] == "新名字" && me["elder_mode"] == true {
            break;
        }
        assert!(tokio::time::Instant::now() < end, "the other replica still shows {me}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The other replica has kept the communities (its admin read /me) …
    assert_eq!(there.get(&a.admin.token, "/me").await.0, StatusCode::OK);
    // … then a street admin opens a new one there and appoints its admin.
    let street = a.street_admin().await;
    let (s, c) = a
        .post(
            &street.token,
            "/communities",
            json!({"name": "新开社区", "district": "示范区", "grids": ["一网格"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["community"]["id"]
        .as_i64()
        .or_else(|| c["id"].as_i64())
        .expect("community id");
    let admin = a.user_by(&street, "admin", cid).await;
    let (s, me) = there.get(&admin.token, "/me").await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["community"]["name"], "新开社区");
    if redis {
        crate::helpers::redis_flush_prefix(&a.redis_prefix).await;
    }
}
both_backends!(kept_copies_follow_changes_on_any_replica);
