//! 防刷 under attack: wrong passwords, sign-up floods, reset-mail floods,
//! certificate-number guessing and a flood of password hashes. Each limit
//! answers 429 with `Retry-After` and a Chinese message; a lock holds even
//! for the right password until it ends, on every replica (Redis).

use crate::both_backends;
use crate::helpers::{ADMIN_PASSWORD, ADMIN_PHONE, Backend, PASSWORD, TestApp, spawn_app_configured, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// `POST /auth/login` with the raw response (status, Retry-After, body).
async fn login(app: &TestApp, phone: &str, password: &str) -> (StatusCode, Option<u64>, Value) {
    let resp = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"phone": phone, "password": password}))
        .send()
        .await
        .expect("login sent");
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (status, retry, resp.json().await.unwrap_or_default())
}

/// Thirty wrong passwords for one phone: locked after the fifth, and the
/// right password is refused until the lock ends; then it works and the
/// count starts again. With Redis (PostgreSQL run) the lock holds on a
/// second replica too.
async fn wrong_passwords_lock_the_phone(b: Backend) {
    let redis = b == Backend::Postgres;
    let Some(app) = spawn_app_with(b, redis).await else {
        return;
    };
    let member = app.member().await;
    let mut codes = Vec::new();
    for _ in 0..30 {
        let (s, retry, body) = login(&app, &member.phone, "not-my-password").await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            assert!(retry.is_some_and(|r| (1..=3600).contains(&r)), "Retry-After {retry:?}");
            assert_eq!(body["code"], "auth.too_many_attempts");
            let text = body["message"].as_str().unwrap_or_default();
            assert!(text.contains("分钟") || text.contains("秒"), "{text}");
        }
        codes.push(s.as_u16());
    }
    assert_eq!(&codes[..4], &[401; 4], "{codes:?}");
    assert!(codes[4..].iter().all(|c| *c == 429), "{codes:?}");

    // The right password does not open a locked phone, here or elsewhere.
    let (s, _, _) = login(&app, &member.phone, crate::helpers::PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    if redis {
        let replica = app.replica(|_| {}).await;
        let (s, _, _) = login(&replica, &member.phone, PASSWORD).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "the lock is shared through Redis");
    }
    // Other people are not locked out by it.
    let (s, _, _) = login(&app, ADMIN_PHONE, ADMIN_PASSWORD).await;
    assert_eq!(s, StatusCode::OK);

    // A minute later the lock is over: the right password works.
    app.state.clock.advance(chrono::Duration::seconds(61));
    let (s, _, _) = login(&app, &member.phone, PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
    // And the count starts again from nothing.
    let (s, _, _) = login(&app, &member.phone, "not-my-password").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    if redis {
        crate::helpers::redis_flush_prefix(&app.redis_prefix).await;
    }
}
both_backends!(wrong_passwords_lock_the_phone);

/// One address guessing many phones is locked after 50 wrong passwords,
/// whatever the phone.
async fn one_address_spraying_phones_is_locked(b: Backend) {
    let Some(app) = spawn_app_with(b, false).await else {
        return;
    };
    let mut last = StatusCode::OK;
    for i in 0..50 {
        let (s, _, _) = login(&app, &format!("1370000{i:04}"), "guess-123456").await;
        last = s;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let (s, _, _) = login(&app, ADMIN_PHONE, ADMIN_PASSWORD).await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is locked, not only the phones"
    );
}
both_backends!(one_address_spraying_phones_is_locked);

/// Sign-ups, reset mails, certificate guesses and wrong current passwords
/// each have their limit.
async fn every_guessable_form_has_a_limit(b: Backend) {
    let Some(app) = spawn_app_configured(b, None, |s| s.register_per_hour = 3).await else {
        return;
    };
    // Sign-ups: three an hour from one address.
    let mut codes = Vec::new();
    for _ in 0..4 {
        let phone = app.fresh_phone();
        let (s, _) = app
            .post(
                "",
                "/auth/register",
                json!({"phone": phone, "password": PASSWORD, "name": "王秀英", "community_id": 1}),
            )
            .await;
        codes.push(s.as_u16());
    }
    assert_eq!(codes, [201, 201, 201, 429]);

    // 忘记密码: three an hour for one number.
    let codes: Vec<u16> = futures::future::join_all(
        (0..4).map(|_| app.post("", "/auth/password/forgot", json!({"phone": "13912345678"}))),
    )
    .await
    .into_iter()
    .map(|(s, _)| s.as_u16())
    .collect();
    assert_eq!(codes.iter().filter(|c| **c == 202).count(), 3, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 429).count(), 1, "{codes:?}");

    // Reset links that do not work: ten from one address.
    let mut last = StatusCode::OK;
    for i in 0..11 {
        let (s, _) = app
            .post(
                "",
                "/auth/password/reset",
                json!({"token": format!("no-such-token-{i}"), "password": "a-new-password-9"}),
            )
            .await;
        last = s;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);

    // Certificate numbers that do not exist: thirty from one address.
    let mut codes = Vec::new();
    for i in 0..31 {
        let (s, _) = app.get("", &format!("/certificates/LL2026-GUESS{i:05}")).await;
        codes.push(s.as_u16());
    }
    assert!(codes[..29].iter().all(|c| *c == 404), "{codes:?}");
    assert_eq!(codes[30], 429, "{codes:?}");

    // Wrong current passwords: five, then locked even with the right one.
    let m = app.member().await;
    for _ in 0..5 {
        app.post(
            &m.token,
            "/auth/password",
            json!({"old_password": "wrong-old-pass", "new_password": "a-new-password-9"}),
        )
        .await;
    }
    let (s, body) = app
        .post(
            &m.token,
            "/auth/password",
            json!({"old_password": PASSWORD, "new_password": "a-new-password-9"}),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
}
both_backends!(every_guessable_form_has_a_limit);

/// More hashes than the cores and the queue take: the rest are refused at
/// once with 503 and `Retry-After`, never queued without end; the admitted
/// ones are answered.
async fn a_flood_of_hashes_is_refused_beyond_the_queue(b: Backend) {
    let Some(app) = spawn_app_configured(b, None, |s| {
        // The real cost, and no queue beyond the cores.
        s.argon2_memory_kib = 19 * 1024;
        s.argon2_iterations = 2;
        s.hash_queue = 0;
    })
    .await
    else {
        return;
    };
    let answers = futures::future::join_all((0..24).map(|i| {
        let app = &app;
        async move { login(app, &format!("1371111{i:04}"), "wrong-password-1").await }
    }))
    .await;
    let busy: Vec<_> = answers
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(!busy.is_empty(), "nobody refused");
    for (_, retry, body) in &busy {
        assert!(retry.is_some_and(|r| r >= 1), "Retry-After");
        assert_eq!(body["code"], "service.busy");
    }
    assert!(
        answers.iter().all(|(s, _, _)| matches!(s.as_u16(), 401 | 503)),
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    assert!(app.state.hasher.peak_parallel() <= cores, "at most one hash per core");
}
both_backends!(a_flood_of_hashes_is_refused_beyond_the_queue);
