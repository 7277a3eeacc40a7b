//! `GET /requests`: who sees what, filters, and stable keyset pagination.

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashSet;

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_i64()).collect())
        .unwrap_or_default()
}

async fn pagination_is_stable(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let r = app.resident().await;
    let mut posted = Vec::new();
    for _ in 0..7 {
        posted.push(app.post_request(&r).await["id"].as_i64().expect("id"));
    }
    let mut seen = Vec::new();
    let mut cursor: Option<i64> = None;
    let mut pages = 0;
    loop {
        let path = match cursor {
            Some(c) => format!("/requests?limit=3&cursor={c}"),
            None => "/requests?limit=3".to_owned(),
        };
        let (s, page) = app.get(&r.token, &path).await;
        assert_eq!(s, StatusCode::OK);
        if pages == 0 {
            // New requests arriving between pages must not shift later pages.
            app.post_request(&r).await;
        }
        seen.extend(ids(&page));
        pages += 1;
        match page["next_cursor"].as_i64() {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    posted.reverse();
    assert_eq!(seen, posted, "newest first, each exactly once");
}
both_backends!(pagination_is_stable);

async fn visibility_and_filters(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let alice = app.resident().await;
    let bob = app.resident().await;
    let member = app.member().await;
    let a1 = app.post_request(&alice).await["id"].as_i64().expect("id");
    let a2 = app.post_request(&alice).await["id"].as_i64().expect("id");
    let (s, b1) = app
        .post(
            &bob.token,
            "/requests",
            json!({"category": "mediation", "title": "调解", "address": "1号楼", "grid_id": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let b1 = b1["id"].as_i64().expect("id");
    app.ok(&app.admin, a2, "publish", json!({})).await;
    app.ok(&app.admin, b1, "dispatch", json!({"assignee_id": member.id}))
        .await;

    let set = |v: &Value| ids(v).into_iter().collect::<HashSet<_>>();
    let (_, mine) = app.get(&alice.token, "/requests").await;
    assert_eq!(set(&mine), HashSet::from([a1, a2]), "residents see their own");
    let (_, hall) = app.get(&member.token, "/requests").await;
    assert_eq!(
        set(&hall),
        HashSet::from([a2, b1]),
        "members see the hall and what they hold"
    );
    let (_, held) = app.get(&member.token, "/requests?mine=true").await;
    assert_eq!(set(&held), HashSet::from([b1]));
    let (_, all) = app.get(&app.admin.token, "/requests").await;
    assert_eq!(set(&all), HashSet::from([a1, a2, b1]));
    let (_, f) = app.get(&app.admin.token, "/requests?status=pending").await;
    assert_eq!(set(&f), HashSet::from([a1]));
    let (_, f) = app.get(&app.admin.token, "/requests?category=mediation").await;
    assert_eq!(set(&f), HashSet::from([b1]));
    let (_, f) = app.get(&app.admin.token, "/requests?grid_id=2").await;
    assert_eq!(set(&f), HashSet::from([b1]));
    let (_, f) = app
        .get(&app.admin.token, &format!("/requests?assignee_id={}", member.id))
        .await;
    assert_eq!(set(&f), HashSet::from([b1]));
    assert_eq!(
        all["items"][0]["contact_phone"].as_str().map(|p| p.contains('*')),
        Some(false),
        "admins see contacts"
    );
}
both_backends!(visibility_and_filters);

/// Admins act only inside their community; street admins across their street.
async fn street_admin_scope(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let street = app.street_admin().await;
    let (_, c) = app
        .post(
            &street.token,
            "/communities",
            json!({"name": "第二社区", "grids": ["A"]}),
        )
        .await;
    let c2 = c["community"]["id"].as_i64().expect("id");
    assert_eq!(c["community"]["street"], "和平街道");
    let admin2 = app.user_by(&street, "admin", c2).await;
    let r2 = app.resident_in(c2).await;
    let r1 = app.resident().await;
    let x1 = app.post_request(&r1).await["id"].as_i64().expect("id");
    let x2 = app.post_request(&r2).await["id"].as_i64().expect("id");

    let (_, seen) = app.get(&admin2.token, "/requests").await;
    assert_eq!(ids(&seen), vec![x2], "a community admin sees only their community");
    let (_, seen) = app.get(&street.token, "/requests").await;
    assert_eq!(ids(&seen), vec![x2, x1], "a street admin sees the whole street");
    let (_, seen) = app.get(&street.token, &format!("/requests?community_id={c2}")).await;
    assert_eq!(ids(&seen), vec![x2]);
    app.ok(&street, x1, "publish", json!({})).await;
    let (s, _) = app.act(&admin2, x1, "cancel", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(&app.admin.token, "/communities", json!({"name": "越权社区"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only street admins open communities");
    let (s, _) = app.post(&admin2.token, "/users", json!({"phone": app.fresh_phone(), "password": "quiet-garden-42", "name": "x", "role": "member", "community_id": 1})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no accounts in another community");
}
both_backends!(street_admin_scope);

async fn found(app: &crate::helpers::TestApp, token: &str, path: &str) -> Vec<i64> {
    let (s, page) = app.get(token, path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {page}");
    ids(&page)
}

/// The desk's filters: words (title, description, address, number),
/// posting dates, overdue and urgent; a LIKE wildcard is taken literally.
async fn text_date_overdue_and_urgent_filters(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let r = app.resident().await;
    let mut posted = Vec::new();
    for body in [
        json!({"category": "appliance_repair", "title": "厨房水龙头漏水", "address": "3号楼101"}),
        json!({"category": "environment", "title": "楼道灯坏了", "description": "晚上100%看不见", "address": "5号楼", "urgency": "urgent"}),
    ] {
        let (s, v) = app.post(&r.token, "/requests", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        posted.push(v["id"].as_i64().expect("id"));
    }
    let (tap, light) = (posted[0], posted[1]);
    let admin = app.admin.token.clone();
    assert_eq!(found(&app, &admin, "/requests?q=水龙头").await, vec![tap]);
    assert_eq!(found(&app, &admin, "/requests?q=5号楼").await, vec![light]);
    assert_eq!(found(&app, &admin, &format!("/requests?q=%23{tap}")).await, vec![tap]);
    assert_eq!(found(&app, &admin, "/requests?q=100%25").await, vec![light]);
    assert_eq!(
        found(&app, &admin, "/requests?q=%25").await,
        vec![light],
        "a % is literal"
    );
    assert_eq!(found(&app, &admin, "/requests?urgent=true").await, vec![light]);
    // The filter's dates are the community's local dates (+08:00): from
    // 16:00 UTC on, the UTC date is a day behind.
    let today = app
        .state
        .clock
        .now()
        .with_timezone(&app.state.local_offset)
        .date_naive();
    let (yesterday, tomorrow) = (today.pred_opt().expect("d"), today.succ_opt().expect("d"));
    let both = found(&app, &admin, &format!("/requests?from={yesterday}&to={tomorrow}")).await;
    assert!(both.contains(&tap) && both.contains(&light), "{both:?}");
    assert!(
        found(&app, &admin, &format!("/requests?from={tomorrow}"))
            .await
            .is_empty()
    );
    let before = yesterday.pred_opt().expect("d");
    assert!(found(&app, &admin, &format!("/requests?to={before}")).await.is_empty());
    // Nothing is late yet; a week on, both are past their dispatch deadline.
    assert!(found(&app, &admin, "/requests?overdue=true").await.is_empty());
    crate::helpers::clock_to(&app, app.state.clock.now() + chrono::Duration::days(7));
    let admin = app.login(&app.admin.phone, crate::helpers::ADMIN_PASSWORD).await.token;
    let late = found(&app, &admin, "/requests?overdue=true").await;
    assert!(late.contains(&tap) && late.contains(&light), "{late:?}");
    let (s, e) = app.get(&admin, "/requests?from=2026-13-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}
both_backends!(text_date_overdue_and_urgent_filters);
