//! 爱心超市: rewards, redemption (points, never hours), the last item of
//! stock under concurrency, fulfil and cancel with refund.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn reward(app: &TestApp, price: i64, stock: i64) -> i64 {
    let (s, r) = app
        .post(
            &app.admin.token,
            "/rewards",
            json!({"name": "大米 5kg", "description": "东北大米", "points_price": price, "stock": stock}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["id"].as_i64().expect("id")
}

async fn member_with_points(app: &TestApp, points: i64) -> User {
    let m = app.member().await;
    app.award(m.id, points).await;
    m
}

async fn stock_of(app: &TestApp, id: i64) -> i64 {
    let (_, list) = app.get(&app.admin.token, "/rewards").await;
    list.as_array()
        .and_then(|l| l.iter().find(|r| r["id"] == id))
        .and_then(|r| r["stock"].as_i64())
        .expect("reward listed")
}

async fn redeem_spend_fulfil_cancel(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let m = app.member().await;
    app.closed_request(&resident, &m, 600, 5).await; // 10 h → 10 points
    let rice = reward(&app, 8, 3).await;

    // Residents who are not members cannot redeem; members see the catalogue.
    let (s, _) = app
        .post(&resident.token, &format!("/rewards/{rice}/redeem"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, list) = app.get(&m.token, "/rewards").await;
    assert_eq!((s, list.as_array().map(Vec::len)), (StatusCode::OK, Some(1)));

    let (s, r) = app.post(&m.token, &format!("/rewards/{rice}/redeem"), json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!((r["status"].as_str(), r["points"].as_i64()), (Some("pending"), Some(8)));
    let svc = app.service(&m, m.id).await;
    assert_eq!(
        (svc["points"].as_i64(), svc["minutes"].as_i64()),
        (Some(2), Some(600)),
        "points spent, hours kept"
    );
    assert_eq!(svc["points"], svc["entries_total"]);
    assert_eq!(stock_of(&app, rice).await, 2);
    // Not enough left for another.
    let (s, e) = app.post(&m.token, &format!("/rewards/{rice}/redeem"), json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("points.insufficient")),
        "{e}"
    );
    assert_eq!(
        stock_of(&app, rice).await,
        2,
        "a refused redemption takes nothing from stock"
    );

    // The member cancels: points back by a refund entry, item back in stock.
    let rid = r["id"].as_i64().expect("id");
    let (s, c) = app
        .post(
            &m.token,
            &format!("/redemptions/{rid}/cancel"),
            json!({"note": "不需要了"}),
        )
        .await;
    assert_eq!((s, c["status"].as_str()), (StatusCode::OK, Some("cancelled")), "{c}");
    let svc = app.service(&m, m.id).await;
    assert_eq!(svc["points"], 10);
    assert_eq!(stock_of(&app, rice).await, 3);
    let (_, entries) = app.get(&m.token, &format!("/members/{}/points", m.id)).await;
    let kinds: Vec<&str> = entries["items"]
        .as_array()
        .map(|l| l.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["refund", "redemption", "service"]);
    let (s, e) = app
        .post(&m.token, &format!("/redemptions/{rid}/cancel"), json!({}))
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("redemption.invalid_transition"))
    );

    // Redeem again; the admin hands it over; it can no longer be cancelled.
    let (_, r2) = app.post(&m.token, &format!("/rewards/{rice}/redeem"), json!({})).await;
    let rid2 = r2["id"].as_i64().expect("id");
    let (s, _) = app
        .post(&m.token, &format!("/redemptions/{rid2}/fulfil"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only admins hand items over");
    let (s, f) = app
        .post(&app.admin.token, &format!("/redemptions/{rid2}/fulfil"), json!({}))
        .await;
    assert_eq!((s, f["status"].as_str()), (StatusCode::OK, Some("fulfilled")), "{f}");
    let (s, _) = app
        .post(&m.token, &format!("/redemptions/{rid2}/cancel"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, pending) = app.get(&app.admin.token, "/redemptions?status=fulfilled").await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1));
    let (_, mine) = app.get(&m.token, "/redemptions?mine=true").await;
    assert_eq!(mine.as_array().map(Vec::len), Some(2));

    // A minimum balance to redeem (Wuzhong: 10).
    let (s, body) = app
        .put(
            &app.admin.token,
            "/communities/1/rating-rule",
            json!({"rule": {"min_balance_to_redeem": 10}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let cheap = reward(&app, 1, 5).await;
    let (s, e) = app.post(&m.token, &format!("/rewards/{cheap}/redeem"), json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("points.below_minimum")),
        "{e}"
    );

    // Withdrawn items are hidden from members and cannot be redeemed.
    let (s, _) = app
        .put(
            &app.admin.token,
            &format!("/rewards/{cheap}"),
            json!({"name": "大米 5kg", "points_price": 1, "stock": 5, "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, list) = app.get(&m.token, "/rewards").await;
    assert!(list.as_array().is_some_and(|l| l.iter().all(|r| r["id"] != cheap)));
    let (s, e) = app.post(&m.token, &format!("/rewards/{cheap}/redeem"), json!({})).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("reward.out_of_stock"))
    );

    // Bad input: clear errors.
    let (s, e) = app
        .post(
            &app.admin.token,
            "/rewards",
            json!({"name": "", "points_price": 0, "stock": -1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = app
        .post(
            &m.token,
            "/rewards",
            json!({"name": "x", "points_price": 1, "stock": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(redeem_spend_fulfil_cancel);

/// Two members after the last item: exactly one gets it.
async fn last_item_has_one_winner(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    for round in 0..3 {
        let buyers: Vec<User> = futures::future::join_all((0..6).map(|_| member_with_points(&app, 50))).await;
        let last = reward(&app, 20, 1).await;
        let path = format!("/rewards/{last}/redeem");
        let results: Vec<(StatusCode, Value)> =
            futures::future::join_all(buyers.iter().map(|m| app.post(&m.token, &path, json!({})))).await;
        let winners = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(winners, 1, "round {round}: {results:?}");
        for (s, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
            assert_eq!(
                (*s, body["code"].as_str()),
                (StatusCode::CONFLICT, Some("reward.out_of_stock")),
                "{body}"
            );
        }
        assert_eq!(stock_of(&app, last).await, 0);
        let mut total = 0;
        for m in &buyers {
            let svc = app.service(m, m.id).await;
            assert_eq!(svc["points"], svc["entries_total"]);
            total += svc["points"].as_i64().unwrap_or(0);
        }
        assert_eq!(total, 6 * 50 - 20, "exactly one paid");
    }

    // One member, two redemptions at once, points for one: one wins.
    let m = member_with_points(&app, 20).await;
    let item = reward(&app, 20, 5).await;
    let path = format!("/rewards/{item}/redeem");
    let results: Vec<(StatusCode, Value)> =
        futures::future::join_all((0..4).map(|_| app.post(&m.token, &path, json!({})))).await;
    assert_eq!(
        results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count(),
        1,
        "{results:?}"
    );
    assert_eq!(stock_of(&app, item).await, 4, "losers put nothing aside");
    let svc = app.service(&m, m.id).await;
    assert_eq!(
        (svc["points"].as_i64(), svc["entries_total"].as_i64()),
        (Some(0), Some(0))
    );
}
both_backends!(last_item_has_one_winner);
