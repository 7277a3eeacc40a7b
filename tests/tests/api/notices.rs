//! Mail through the outbox against a real SMTP listener (aiosmtpd), the
//! in-app inbox, and live updates (SSE) across two replicas.

use crate::both_backends;
use crate::helpers::{Backend, SmtpListener, TestApp, User, next_frame, spawn_app_configured, spawn_app_with};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;
use std::time::Duration;

fn fast_mail(url: String) -> impl FnOnce(&mut linli::config::Settings) {
    move |s| {
        s.smtp_url = url.into();
        s.outbox_poll_ms = 30;
        s.outbox_retry_base_ms = 100;
    }
}

async fn with_email(app: &TestApp, u: &User, email: &str) {
    let (s, b) = app.put(&u.token, "/me", json!({"email": email})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["email"], email);
}

async fn dispatch_new(app: &TestApp, resident: &User, member: &User) -> i64 {
    let id = app.post_request(resident).await["id"].as_i64().expect("id");
    app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
        .await;
    id
}

fn parse(raw: &str) -> (String, String, String) {
    let m = mailparse::parse_mail(raw.as_bytes()).expect("a mail");
    let h = |n: &str| {
        m.headers
            .iter()
            .find(|h| h.get_key().eq_ignore_ascii_case(n))
            .map(|h| h.get_value())
    };
    (
        h("To").unwrap_or_default(),
        h("Subject").unwrap_or_default(),
        m.get_body().unwrap_or_default(),
    )
}

async fn outbox_rows(app: &TestApp) -> Vec<(String, i32, Option<String>)> {
    let db = Database::connect(&app.database_url).await.expect("db");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT status, attempts, last_error FROM outbox ORDER BY id",
        ))
        .await
        .expect("outbox");
    let out = rows
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "status").expect("status"),
                r.try_get::<i32>("", "attempts").expect("attempts"),
                r.try_get::<Option<String>>("", "last_error").expect("last_error"),
            )
        })
        .collect();
    db.close().await.expect("close");
    out
}

/// A dispatch mails the member exactly once, and lands in their inbox.
async fn dispatch_mails_the_member_once(b: Backend) {
    let Some(smtp) = SmtpListener::start().await else {
        return;
    };
    let Some(app) = spawn_app_configured(b, None, fast_mail(smtp.url())).await else {
        return;
    };
    let resident = app.resident().await;
    let member = app.member().await;
    with_email(&app, &member, "volunteer@example.com").await;
    let id = dispatch_new(&app, &resident, &member).await;

    let mails = smtp.wait_for(1, 10).await;
    assert_eq!(mails.len(), 1);
    let (to, subject, body) = parse(&mails[0]);
    assert!(to.contains("volunteer@example.com"), "{to}");
    assert!(
        subject.contains("新派单") && subject.contains("帮老人买菜"),
        "{subject}"
    );
    assert!(
        body.contains(&format!("#{id}")) && body.contains("3号楼2单元501"),
        "{body}"
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(smtp.messages().len(), 1, "never twice");
    let rows = outbox_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("sent", 1));

    // The inbox: one unread line; reading it clears the count.
    let (_, inbox) = app.get(&member.token, "/notifications").await;
    assert_eq!(inbox["unread"], 1, "{inbox}");
    assert_eq!(inbox["items"][0]["kind"], "dispatch");
    assert_eq!(inbox["items"][0]["request_id"], id);
    let nid = inbox["items"][0]["id"].as_i64().expect("id");
    let (s, _) = app
        .post(&resident.token, &format!("/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not someone else's");
    let (s, _) = app
        .post(&member.token, &format!("/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, inbox) = app.get(&member.token, "/notifications?unread=true").await;
    assert_eq!(
        (inbox["unread"].as_u64(), inbox["items"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );

    // The resident (no e-mail) hears of the accept in the inbox only.
    app.ok(&member, id, "accept", json!({})).await;
    let (_, inbox) = app.get(&resident.token, "/notifications").await;
    assert_eq!(inbox["items"][0]["kind"], "accept", "{inbox}");
    let (s, e) = app.put(&member.token, "/me", json!({"email": "not-an-address"})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation.failed"))
    );
}
both_backends!(dispatch_mails_the_member_once);

/// With the listener down, mails wait and are retried; when it comes back,
/// every one arrives, once.
async fn mail_is_retried_until_the_listener_is_back(b: Backend) {
    let mut smtp = SmtpListener::reserved();
    let Some(app) = spawn_app_configured(b, None, fast_mail(smtp.url())).await else {
        return;
    };
    let resident = app.resident().await;
    let member = app.member().await;
    with_email(&app, &member, "volunteer@example.com").await;
    for _ in 0..3 {
        dispatch_new(&app, &resident, &member).await;
    }
    // Let the worker fail a few times.
    let mut failed = false;
    for _ in 0..100 {
        let rows = outbox_rows(&app).await;
        if rows.len() == 3 && rows.iter().all(|(s, a, e)| s == "pending" && *a >= 2 && e.is_some()) {
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed, "attempts and errors recorded: {:?}", outbox_rows(&app).await);
    if !smtp.up().await {
        return;
    }
    let mails = smtp.wait_for(3, 15).await;
    assert_eq!(mails.len(), 3, "all arrive");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(smtp.messages().len(), 3, "none twice");
    assert!(
        outbox_rows(&app)
            .await
            .iter()
            .all(|(s, _, e)| s == "sent" && e.is_none())
    );
}
both_backends!(mail_is_retried_until_the_listener_is_back);

/// Two replicas' workers drain one outbox: every message once.
async fn two_workers_never_send_twice(b: Backend) {
    let Some(smtp) = SmtpListener::start().await else {
        return;
    };
    let Some(app) = spawn_app_configured(b, None, fast_mail(smtp.url())).await else {
        return;
    };
    let other = app.replica(fast_mail(smtp.url())).await;
    let resident = app.resident().await;
    let mut members = Vec::new();
    for i in 0..4 {
        let m = app.member().await;
        with_email(&app, &m, &format!("m{i}@example.com")).await;
        members.push(m);
    }
    let n = 24;
    for i in 0..n {
        let m = &members[i % members.len()];
        // Free a place as we go: each member holds at most 3.
        let id = dispatch_new(&app, &resident, m).await;
        app.ok(m, id, "decline", json!({})).await;
    }
    let mails = smtp.wait_for(n, 20).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails_after = smtp.messages();
    assert_eq!(mails.len(), n);
    assert_eq!(mails_after.len(), n, "nothing sent twice");
    let mut ids: Vec<String> = mails_after
        .iter()
        .filter_map(|m| {
            mailparse::parse_mail(m.as_bytes())
                .ok()?
                .headers
                .iter()
                .find(|h| h.get_key().eq_ignore_ascii_case("Message-ID"))
                .map(|h| h.get_value())
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "distinct messages");
    let rows = outbox_rows(&app).await;
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|(s, a, _)| s == "sent" && *a == 1), "{rows:?}");
    drop(other);
}
both_backends!(two_workers_never_send_twice);

/// A member connected to replica B sees the dispatch made on replica A.
async fn live_updates_cross_replicas(b: Backend) {
    let Some(a) = spawn_app_with(b, true).await else { return };
    let replica = a.replica(|_| {}).await;
    let resident = a.resident().await;
    let member = a.member().await;
    let bystander = a.member().await;

    let open = |who: &User| {
        let url = replica.url(&format!("/events/stream?access_token={}", who.token));
        let client = replica.client.clone();
        async move {
            let resp = client.get(url).send().await.expect("stream");
            assert_eq!(resp.status(), StatusCode::OK);
            assert_eq!(
                resp.headers().get("content-type").and_then(|v| v.to_str().ok()),
                Some("text/event-stream")
            );
            resp
        }
    };
    let mut mine = open(&member).await;
    let mut theirs = open(&bystander).await;
    let (mut buf, mut buf2) = (String::new(), String::new());
    let ready = next_frame(&mut mine, &mut buf, |e, _| e == "ready", Duration::from_secs(5)).await;
    assert!(ready.is_some(), "stream opened");
    next_frame(&mut theirs, &mut buf2, |e, _| e == "ready", Duration::from_secs(5)).await;

    let id = dispatch_new(&a, &resident, &member).await;
    let note = next_frame(
        &mut mine,
        &mut buf,
        |e, v| e == "notification" && v["kind"] == "dispatch",
        Duration::from_secs(10),
    )
    .await
    .expect("the dispatch notification reaches replica B");
    assert_eq!(note.1["request_id"], id);
    let change = next_frame(
        &mut mine,
        &mut buf,
        |e, v| e == "request" && v["request"]["id"] == id,
        Duration::from_secs(10),
    )
    .await
    .expect("the request change too");
    assert_eq!(change.1["request"]["status"], "dispatched");
    // Someone it does not concern hears nothing of it.
    let leak = next_frame(
        &mut theirs,
        &mut buf2,
        |e, v| (e == "notification" || e == "request") && (v["request_id"] == id || v["request"]["id"] == id),
        Duration::from_millis(1500),
    )
    .await;
    assert!(leak.is_none(), "not visible to another member: {leak:?}");
    let (s, _) = replica.get("", "/events/stream").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    crate::helpers::redis_flush_prefix(&a.redis_prefix).await;
}
both_backends!(live_updates_cross_replicas);
