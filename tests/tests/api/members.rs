//! 报到 records: bulk CSV import (all or nothing, errors by line), listing
//! with filters, updates and who may do what.

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

const GOOD: &str = "\
phone,name,kind,employer,party_branch,skills,grid,max_active,availability,lat,lng
13711110001,刘建国,党员,市供电公司,机关第一支部,elderly_care;appliance_repair,第一网格,2,6 09:00-12:00;7 14:00-17:00,30.27,120.15
13711110002,周丽,volunteer,,,errands,第二网格,,,,
";

async fn count(app: &crate::helpers::TestApp, query: &str) -> usize {
    let (s, b) = app.get(&app.admin.token, &format!("/members?limit=100&{query}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().map_or(0, Vec::len)
}

async fn csv_import_all_or_nothing(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    // An existing resident is registered as they are, keeping their password.
    let existing = app.resident().await;
    let good = format!("{GOOD}{},王秀英,volunteer,,,health,,,,,\n", existing.phone);

    // A bad file: every problem reported with its line, nothing written.
    let bad = format!(
        "{good}\
12345,坏号码,volunteer,,,,,,,,
13711110004,无单位,party_member,,,,,,,,
13711110005,乱技能,volunteer,,,no_such_skill,,,,,
13711110006,乱时段,volunteer,,,,,,周六上午,,
13711110001,重复,volunteer,,,,,,,,
13711110007,远方,volunteer,,,,第九网格,,,,
13711110008,半个坐标,volunteer,,,,,,,30.1,
"
    );
    let (s, e) = app.post_csv(&app.admin.token, "/members/import", &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let found: Vec<(i64, String, String)> = e["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["line"].as_i64().expect("line"),
                f["field"].as_str().expect("field").to_owned(),
                f["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect();
    for expected in [
        (5, "phone", "phone"),
        (6, "employer", "required"),
        (7, "skills", "unknown"),
        (8, "availability", "invalid"),
        (9, "phone", "duplicate"),
        (10, "grid", "unknown"),
        (11, "lat", "invalid"),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_owned(), expected.2.to_owned())),
            "missing {expected:?} in {found:?}"
        );
    }
    assert!(
        e["fields"][0]["message"].as_str().expect("msg").starts_with("第 5 行"),
        "{e}"
    );
    assert_eq!(count(&app, "").await, 0, "a rejected file writes nothing");
    let (s, _) = app
        .post("", "/auth/login", json!({"phone": "13711110001", "password": "x"}))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "no account was created either");

    // Header problems are line 1.
    let (s, e) = app
        .post_csv(&app.admin.token, "/members/import", "phone,name,colour\n1,2,3\n")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["fields"]
            .as_array()
            .expect("f")
            .iter()
            .any(|f| f["line"] == 1 && f["code"] == "unknown_column")
    );
    assert!(
        e["fields"]
            .as_array()
            .expect("f")
            .iter()
            .any(|f| f["field"] == "kind" && f["code"] == "required")
    );
    let (s, e) = app
        .post(&app.admin.token, "/members/import", json!({"csv": GOOD}))
        .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{e}");

    // The good file: three active members, two new accounts with passwords.
    let (s, r) = app.post_csv(&app.admin.token, "/members/import", &good).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!((r["imported"].as_i64(), r["new_accounts"].as_i64()), (Some(3), Some(2)));
    let first = &r["rows"][0];
    assert_eq!(
        (first["line"].as_i64(), first["new_account"].as_bool()),
        (Some(2), Some(true))
    );
    let password = first["initial_password"].as_str().expect("password");
    let liu = app.login("13711110001", password).await;
    let (_, me) = app.get(&liu.token, "/me").await;
    assert_eq!(me["role"], "member");
    let (_, mine) = app.get(&liu.token, "/members/me").await;
    assert_eq!(mine["status"], "active");
    assert_eq!(mine["kind"], "party_member");
    assert_eq!(mine["employer"], "市供电公司");
    assert_eq!(mine["skills"], json!(["appliance_repair", "elderly_care"]));
    assert_eq!(mine["max_active"], 2);
    assert_eq!(
        mine["availability"][1],
        json!({"weekday": 7, "start": "14:00", "end": "17:00"})
    );
    assert_eq!(mine["location"], json!({"lat": 30.27, "lng": 120.15}));
    let third = &r["rows"][2];
    assert_eq!(
        (third["new_account"].as_bool(), third["initial_password"].clone()),
        (Some(false), Value::Null)
    );
    app.login(&existing.phone, crate::helpers::PASSWORD).await;

    // Importing the same people again: each row says why.
    let (s, e) = app.post_csv(&app.admin.token, "/members/import", &good).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["fields"].as_array().map(Vec::len), Some(3), "{e}");
    assert!(
        e["fields"]
            .as_array()
            .expect("f")
            .iter()
            .all(|f| f["code"] == "already_registered")
    );
}
both_backends!(csv_import_all_or_nothing);

async fn listing_filters_and_permissions(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let (s, r) = app.post_csv(&app.admin.token, "/members/import", GOOD).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let pending = app.resident().await;
    let (s, _) = app
        .post(
            &pending.token,
            "/members",
            json!({"kind": "volunteer", "skills": ["legal_advice"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    assert_eq!(count(&app, "").await, 3);
    assert_eq!(count(&app, "status=pending").await, 1);
    assert_eq!(count(&app, "status=active").await, 2);
    assert_eq!(count(&app, "kind=party_member").await, 1);
    assert_eq!(count(&app, "skill=elderly_care").await, 1);
    assert_eq!(count(&app, "skill=legal_advice").await, 1);
    assert_eq!(count(&app, "employer=供电").await, 1);
    let (_, grids) = app.get("", "/communities/1/grids").await;
    let second = grids[1]["id"].as_i64().expect("grid");
    assert_eq!(count(&app, &format!("grid_id={second}")).await, 1);
    let (s, e) = app.get(&app.admin.token, "/members?skill=nope").await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("skill"))
    );
    let (s, _) = app.get(&app.admin.token, "/members?status=sleeping").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Keyset pages cover everyone once.
    let (_, p1) = app.get(&app.admin.token, "/members?limit=2").await;
    let cursor = p1["next_cursor"].as_i64().expect("cursor");
    let (_, p2) = app
        .get(&app.admin.token, &format!("/members?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(p1["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(p2["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(p2["next_cursor"], Value::Null);

    // Members edit their own details; others may not; residents cannot list.
    let (s, upd) = app
        .put(
            &pending.token,
            &format!("/members/{}", pending.id),
            json!({"kind": "volunteer", "skills": ["legal_advice", "mediation"], "max_active": 4}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{upd}");
    assert_eq!(
        (upd["status"].as_str(), upd["max_active"].as_i64()),
        (Some("pending"), Some(4))
    );
    let (s, e) = app
        .put(
            &pending.token,
            &format!("/members/{}", pending.id),
            json!({"kind": "volunteer", "max_active": 99}),
        )
        .await;
    assert_eq!(
        (s, e["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("max_active"))
    );
    let nosy = app.resident().await;
    let (s, _) = app.get(&nosy.token, &format!("/members/{}", pending.id)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get(&nosy.token, "/members").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.post_csv(&nosy.token, "/members/import", GOOD).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(&nosy.token, &format!("/members/{}/approve", pending.id), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = app.get(&nosy.token, "/members/me").await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("member.not_found"))
    );
    // Admins do not report in; an admin of another community cannot approve.
    let (s, _) = app
        .post(&app.admin.token, "/members", json!({"kind": "volunteer"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let street = app.street_admin().await;
    let (s, c) = app
        .post(
            &street.token,
            "/communities",
            json!({"name": "第二社区", "district": "区", "grids": ["一网格"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let other_admin = app
        .user_by(&street, "admin", c["community"]["id"].as_i64().expect("id"))
        .await;
    let (s, _) = app
        .post(
            &other_admin.token,
            &format!("/members/{}/approve", pending.id),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Reinstating works only from suspended; approve then suspend then reinstate.
    for (action, want) in [
        ("reinstate", 409),
        ("approve", 200),
        ("suspend", 200),
        ("reinstate", 200),
    ] {
        let (s, b) = app
            .post(
                &app.admin.token,
                &format!("/members/{}/{action}", pending.id),
                json!({}),
            )
            .await;
        assert_eq!(s.as_u16(), want, "{action}: {b}");
    }
    let (_, me) = app.get(&pending.token, "/me").await;
    assert_eq!(me["role"], "member");
}
both_backends!(listing_filters_and_permissions);
