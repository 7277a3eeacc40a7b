//! Hardening (issue 15, the smaller items): NUL characters in URLs, request
//! bodies that stop arriving, missing UI assets, the password policy,
//! `?access_token=` only on the event stream, security headers, literal
//! `%`/`_` in the employer filter, unknown categories in rating rules.

use crate::both_backends;
use crate::helpers::{ADMIN_PASSWORD, ADMIN_PHONE, Backend, PASSWORD, reset_mail, spawn_app, spawn_app_configured};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A path or query holding `%00` is a clear 404 / 422, never a 500
/// (PostgreSQL refuses NUL in text).
async fn nul_in_a_url_is_refused_clearly(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let member = app.member().await;
    for (token, path) in [
        ("", "/certificates/%00"),
        ("", "/certificates/LL%00X"),
        (member.token.as_str(), "/certificates/%00/pdf"),
        (app.admin.token.as_str(), "/requests/%00"),
    ] {
        let (s, e) = app.get(token, path).await;
        assert_eq!(
            (s, e["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("resource.not_found")),
            "{path}: {e}"
        );
    }
    for (path, field) in [("/requests?q=%00", "q"), ("/members?employer=a%00", "employer")] {
        let (s, e) = app.get(&app.admin.token, path).await;
        assert_eq!(
            (s, e["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{path}: {e}"
        );
    }
}
both_backends!(nul_in_a_url_is_refused_clearly);

/// A body shorter than its `Content-Length` is answered 408 once nothing
/// arrived for `body_read_timeout_secs`, and the connection is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_is_answered_408_and_closed() {
    let Some(app) = spawn_app_configured(Backend::Sqlite, None, |s| s.body_read_timeout_secs = 1).await else {
        return;
    };
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"phone\": \"13800000000\""
    );
    conn.write_all(head.as_bytes()).await.expect("send half a request");
    let started = Instant::now();
    let mut answer = Vec::new();
    // Until the server closes the connection; well within 5 s when the
    // timeout works, never without it.
    tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut answer))
        .await
        .expect("an answer and a closed connection within 5 s")
        .expect("read");
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request.body_timeout"), "{text}");
    assert!(
        elapsed >= Duration::from_millis(900),
        "not before the timeout: {elapsed:?}"
    );

    // A whole body is not affected.
    let (s, _) = app
        .post(
            "",
            "/auth/login",
            json!({"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

/// A file missing under `/assets/` is a 404 that is not cached for a year
/// (during a rolling deploy a page of the previous build asks for its old
/// chunks); other paths still fall back to the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_asset_is_404_and_not_immutable() {
    let dir = crate::frontend::built_ui();
    let ui = dir.clone();
    let Some(app) = spawn_app_configured(Backend::Sqlite, None, move |s| s.frontend_dir = ui).await else {
        return;
    };
    let get = |path: &str| app.client.get(format!("{}{path}", app.base)).send();
    for path in ["/assets/app-0ld0.js", "/assets/nested/style-0ld0.css"] {
        let r = get(path).await.expect("missing asset");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
        assert!(!r.text().await.unwrap_or_default().contains("id=app"), "{path}");
    }
    let r = get("/assets/app-1a2b.js").await.expect("asset");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    let r = get("/requests/12").await.expect("spa");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(security_headers_in(r.headers()).is_empty(), "the UI page has them");
    let _ = std::fs::remove_dir_all(dir);
}

/// The headers every answer carries; returns those missing or wrong.
fn security_headers_in(h: &reqwest::header::HeaderMap) -> Vec<&'static str> {
    let has = |name: &str, want: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(want))
    };
    let mut missing = Vec::new();
    for (name, want) in [
        ("content-security-policy", "default-src 'self'"),
        ("content-security-policy", "frame-ancestors 'none'"),
        ("content-security-policy", "object-src 'none'"),
        ("content-security-policy", "base-uri 'self'"),
        (
            "content-security-policy",
            "img-src 'self' data: blob: https://tile.openstreetmap.org",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        if !has(name, want) {
            missing.push(name);
        }
    }
    missing
}

/// Security headers on answers of every kind: data, errors, health, 404s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    for (path, status) in [
        ("/api/v1/categories", StatusCode::OK),
        ("/api/v1/me", StatusCode::UNAUTHORIZED),
        ("/api/v1/no-such-thing", StatusCode::NOT_FOUND),
        ("/api/v1/certificates/%00", StatusCode::NOT_FOUND),
        ("/healthz", StatusCode::OK),
        ("/", StatusCode::OK),
    ] {
        let r = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(security_headers_in(r.headers()), Vec::<&str>::new(), "{path}");
    }
}

/// `?access_token=` opens the event stream and nothing else.
async fn a_token_in_the_url_counts_only_on_the_event_stream(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let u = app.resident().await;
    let url = |path: &str| format!("{}?access_token={}", app.url(path), u.token);
    for path in ["/me", "/requests", "/notifications"] {
        let r = app.client.get(url(path)).send().await.expect("sent");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let r = app.client.post(url("/auth/logout")).send().await.expect("sent");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no logout by link");
    let (s, _) = app.get(&u.token, "/me").await;
    assert_eq!(s, StatusCode::OK, "the header still works");
    let r = app.client.get(url("/events/stream")).send().await.expect("sent");
    assert_eq!(r.status(), StatusCode::OK, "the stream takes it");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/event-stream")
    );
}
both_backends!(a_token_in_the_url_counts_only_on_the_event_stream);

/// The refusal of a weak password: 422 `password.weak` naming the field and
/// saying why, in Chinese (or English when asked).
fn weak(s: StatusCode, e: &Value, field: &str, why: &str) {
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "password.weak", "{e}");
    assert_eq!(e["fields"][0]["field"], field, "{e}");
    assert_eq!(e["fields"][0]["code"], why, "{e}");
    let message = e["fields"][0]["message"].as_str().unwrap_or("");
    assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{e}");
}

async fn weak_passwords_are_refused_everywhere(b: Backend) {
    // The reset mail stays in the outbox (no worker writing .eml files here).
    let Some(app) = spawn_app_configured(b, None, |s| s.background_jobs = false).await else {
        return;
    };
    let phone = app.fresh_phone();
    let register = |password: String| {
        app.post(
            "",
            "/auth/register",
            json!({"phone": phone, "password": password, "name": "王秀英", "community_id": 1}),
        )
    };
    for (password, why) in [
        ("12345678".to_owned(), "common"),
        ("11111111".to_owned(), "repeats"),
        ("password".to_owned(), "common"),
        ("password-123".to_owned(), "common"),
        (phone.clone(), "contains_phone"),
        (format!("wang{phone}!"), "contains_phone"),
    ] {
        let (s, e) = register(password).await;
        weak(s, &e, "password", why);
    }
    let (s, e) = register("password".into()).await;
    assert!(
        e["fields"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("常用密码")),
        "{s} {e}"
    );
    let (s, _) = register(PASSWORD.into()).await;
    assert_eq!(s, StatusCode::CREATED, "a real password passes");

    // In English when asked.
    let r = app
        .client
        .post(app.url("/auth/register"))
        .header("accept-language", "en")
        .json(&json!({"phone": app.fresh_phone(), "password": "qwerty123", "name": "x", "community_id": 1}))
        .send()
        .await
        .expect("sent");
    let e: Value = r.json().await.expect("json");
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("common password")),
        "{e}"
    );

    // An admin opening an account.
    let fresh = app.fresh_phone();
    let (s, e) = app
        .post(
            &app.admin.token,
            "/users",
            json!({"phone": fresh, "password": fresh, "name": "陈志强", "role": "member", "community_id": 1}),
        )
        .await;
    weak(s, &e, "password", "contains_phone");

    // Changing one's own password.
    let u = app.resident().await;
    let (s, e) = app
        .post(
            &u.token,
            "/auth/password",
            json!({"old_password": PASSWORD, "new_password": format!("{}abc", u.phone)}),
        )
        .await;
    weak(s, &e, "new_password", "contains_phone");
    let (s, e) = app
        .post(
            &u.token,
            "/auth/password",
            json!({"old_password": PASSWORD, "new_password": "abcdefgh"}),
        )
        .await;
    weak(s, &e, "new_password", "sequence");

    // Setting one by a mailed link.
    let (s, _) = app.put(&u.token, "/me", json!({"email": "wang@example.com"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.post("", "/auth/password/forgot", json!({"phone": u.phone})).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (_, token) = reset_mail(&app, u.id).await;
    let (s, e) = app
        .post(
            "",
            "/auth/password/reset",
            json!({"token": token, "password": "11111111"}),
        )
        .await;
    weak(s, &e, "password", "repeats");
    let (s, _) = app
        .post(
            "",
            "/auth/password/reset",
            json!({"token": token, "password": "tea-garden-7"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "the link still works after a refusal");
    let u = app.login(&u.phone, "tea-garden-7").await;

    // An admin's temporary password passes the policy itself.
    let (s, t) = app
        .post(&app.admin.token, &format!("/users/{}/password/reset", u.id), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let temp = t["password"].as_str().expect("password");
    assert_eq!(linli::domain::password::check(temp, &u.phone, "王秀英"), Ok(()));
    app.login(&u.phone, temp).await;
}
both_backends!(weak_passwords_are_refused_everywhere);

/// A weak `LINLI_ADMIN_PASSWORD` stops the first start with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weak_first_admin_password_stops_the_first_start() {
    let path = std::env::temp_dir().join(format!("linli-test-{}.db", uuid::Uuid::new_v4().simple()));
    let settings = linli::config::Settings {
        port: 0,
        database_url: format!("sqlite://{}?mode=rwc", path.display()).into(),
        admin_phone: ADMIN_PHONE.into(),
        admin_password: "12345678".into(),
        background_jobs: false,
        frontend_dir: "/nonexistent".into(),
        ..Default::default()
    };
    let refused = linli::startup::Application::build(settings.clone(), Default::default()).await;
    let e = refused.err().map(|e| format!("{e:#}")).unwrap_or_default();
    assert!(e.contains("LINLI_ADMIN_PASSWORD") && e.contains("常用密码"), "{e}");
    // Nothing was written: the next start, with a good password, makes the admin.
    let good = linli::config::Settings {
        admin_password: ADMIN_PASSWORD.into(),
        ..settings
    };
    let app = linli::startup::Application::build(good, Default::default())
        .await
        .expect("starts");
    assert!(app.bootstrap.is_some(), "the first admin is made on this start");
    drop(app);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// `%` and `_` in the employer filter match themselves.
async fn the_employer_filter_takes_wildcards_literally(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    for employer in ["百分百_供电", "市供电公司"] {
        app.registered_member(json!({"kind": "party_member", "employer": employer, "skills": ["health"]}))
            .await;
    }
    let app = &app;
    let count = |q: &'static str| async move {
        let (s, v) = app
            .get(&app.admin.token, &format!("/members?limit=100&employer={q}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["items"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(count("%25").await, 0, "% is no wildcard");
    assert_eq!(count("_").await, 1, "_ is no wildcard");
    assert_eq!(count("%E4%BE%9B%E7%94%B5").await, 2, "供电");
}
both_backends!(the_employer_filter_takes_wildcards_literally);

/// A rating rule naming a category the menu does not have is refused,
/// naming the field.
async fn a_rule_with_an_unknown_category_is_refused(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let (s, e) = app
        .put(
            &app.admin.token,
            "/communities/1/rating-rule",
            json!({"rule": {"category_multipliers_pct": {"elderly_care": 150, "no_such_service": 200}}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        e["fields"][0]["field"], "category_multipliers_pct.no_such_service",
        "{e}"
    );
    assert_eq!(e["fields"][0]["code"], "unknown", "{e}");
    let (_, rule) = app.get(&app.admin.token, "/communities/1/rating-rule").await;
    assert_eq!(rule["version"], 1, "nothing saved: {rule}");
}
both_backends!(a_rule_with_an_unknown_category_is_refused);
