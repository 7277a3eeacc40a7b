//! 12345 工单: importing the hotline's work orders (idempotent by order
//! number, a changed row updates an untaken request only, one bad row
//! rejects the file), the order's own deadline under the sweeper, the
//! requests' source, and the results file for back-reporting.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, spawn_app};
use calamine::{Reader, Xlsx};
use chrono::{Datelike, Duration, FixedOffset, SecondsFormat};
use linli::workers::sweeper::sweep;
use reqwest::StatusCode;
use serde_json::{Value, json};

const HEAD: &str = "工单编号,受理时间,诉求类别,地址,诉求内容,联系人,联系电话,办理时限";

/// A work-order line, received now and due in `days` (local time, as exports write it).
fn line(app: &TestApp, no: &str, content: &str, phone: &str, days: i64) -> String {
    let offset: FixedOffset = app.state.local_offset;
    let now = app.state.clock.now().with_timezone(&offset);
    let fmt = |t: chrono::DateTime<FixedOffset>| t.format("%Y-%m-%d %H:%M").to_string();
    format!(
        "{no},{},助老助残,阳光小区3号楼2单元501,{content},王阿姨,{phone},{}",
        fmt(now - Duration::hours(1)),
        fmt(now + Duration::days(days))
    )
}

fn file(lines: &[String]) -> String {
    format!("{HEAD}\n{}\n", lines.join("\n"))
}

async fn import(app: &TestApp, csv: &str) -> (StatusCode, Value) {
    app.post_csv(&app.admin.token, "/work-orders/import", csv).await
}

fn counts(r: &Value) -> [i64; 4] {
    ["created", "updated", "unchanged", "kept"].map(|k| r[k].as_i64().unwrap_or(-1))
}

async fn request_count(app: &TestApp) -> usize {
    let (s, list) = app.get(&app.admin.token, "/requests?limit=100").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    list["items"].as_array().map_or(0, Vec::len)
}

async fn work_orders_import_once_and_follow_changes(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let known = app.resident().await;
    let new_phone = app.fresh_phone();
    let first = vec![
        line(&app, "GD001", "独居老人需要代买菜", &new_phone, 3),
        line(&app, "GD002", "楼道灯坏了无人修", &new_phone, 5),
        line(&app, "GD003", "老人想了解高龄津贴", &known.phone, 7),
    ];
    let (s, r) = import(&app, &file(&first)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(counts(&r), [3, 0, 0, 0], "{r}");
    assert_eq!(r["new_accounts"], 1, "one new contact, twice: {r}");
    let rows = r["rows"].as_array().expect("rows");
    let id_of = |no: &str| {
        rows.iter()
            .find(|x| x["order_no"] == no)
            .and_then(|x| x["request_id"].as_i64())
            .expect("row")
    };
    let password = rows
        .iter()
        .find_map(|x| x["initial_password"].as_str())
        .expect("the new contact's one-time password");
    // The new contact can sign in and sees their two orders.
    let contact = app.login(&new_phone, password).await;
    let (_, mine) = app.get(&contact.token, "/requests?mine=true").await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(2), "{mine}");
    // The known resident sees theirs, as a 12345 order; only admins see its number.
    let (s, seen) = app.get(&known.token, &format!("/requests/{}", id_of("GD003"))).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    assert_eq!(
        (&seen["source"], &seen["source_label"], &seen["external_ref"]),
        (&json!("hotline"), &json!("12345热线"), &Value::Null)
    );
    let (_, seen) = app
        .get(&app.admin.token, &format!("/requests/{}", id_of("GD003")))
        .await;
    assert_eq!(seen["external_ref"], "GD003", "{seen}");
    let total = request_count(&app).await;

    // The same file again: nothing new, nothing changed.
    let (s, r) = import(&app, &file(&first)).await;
    assert_eq!((s, counts(&r)), (StatusCode::OK, [0, 0, 3, 0]), "{r}");
    assert_eq!(request_count(&app).await, total);

    // GD001 is dispatched; then the hotline changes GD001 and GD002.
    let member = app.member().await;
    app.ok(
        &app.admin,
        id_of("GD001"),
        "dispatch",
        json!({"assignee_id": member.id}),
    )
    .await;
    let changed = vec![
        line(&app, "GD001", "独居老人需要代买菜和药", &new_phone, 3),
        line(&app, "GD002", "楼道灯坏了，老人夜里摔倒", &new_phone, 2),
        first[2].clone(),
    ];
    let (s, r) = import(&app, &file(&changed)).await;
    assert_eq!((s, counts(&r)), (StatusCode::OK, [0, 1, 1, 1]), "{r}");
    let (_, gd2) = app
        .get(&app.admin.token, &format!("/requests/{}", id_of("GD002")))
        .await;
    assert_eq!(gd2["description"], "楼道灯坏了，老人夜里摔倒", "{gd2}");
    let (_, gd1) = app
        .get(&app.admin.token, &format!("/requests/{}", id_of("GD001")))
        .await;
    assert_eq!(
        gd1["description"], "独居老人需要代买菜",
        "a taken request keeps what it was given"
    );
    assert_eq!(request_count(&app).await, total);

    // The order's own deadline (two days) is what the sweeper holds GD002 to.
    let due = gd2["due_at"].as_str().expect("due_at").to_owned();
    let expected = (app.state.clock.now() + Duration::days(2)).to_rfc3339_opts(SecondsFormat::Secs, true);
    assert_eq!(due[..16], expected[..16], "deadline from the file: {gd2}");
    app.ok(
        &app.admin,
        id_of("GD002"),
        "dispatch",
        json!({"assignee_id": member.id}),
    )
    .await;
    app.ok(&member, id_of("GD002"), "accept", json!({})).await;
    app.state.clock.advance(Duration::days(2) + Duration::hours(1));
    sweep(&app.state).await.expect("sweep");
    let (_, list) = app.get(&app.admin.token, "/supervision").await;
    let late = list
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|x| x["request_id"].as_i64() == Some(id_of("GD002")))
                .cloned()
        })
        .unwrap_or_else(|| panic!("GD002 under supervision: {list}"));
    assert_eq!(
        (&late["stage"], &late["level"]),
        (&json!("complete"), &json!("overdue")),
        "{late}"
    );

    // The results file for the hotline, one line per order.
    let resp = app
        .client
        .get(app.url("/work-orders/results.csv"))
        .bearer_auth(&app.admin.token)
        .send()
        .await
        .expect("results");
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.expect("text");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("工单编号,邻里编号,状态"), "{text}");
    assert!(lines[1].starts_with(&format!("GD001,{},", id_of("GD001"))), "{text}");
    assert!(
        lines[2].starts_with(&format!("GD002,{},已接单,", id_of("GD002"))),
        "{text}"
    );
}
both_backends!(work_orders_import_once_and_follow_changes);

/// Two admins import the same sheet at the same moment: every order is made
/// once, both are told what happened, neither gets an error.
async fn the_same_sheet_twice_at_once_makes_each_order_once(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let phone = app.fresh_phone();
    let sheet = file(
        &(1..=5)
            .map(|i| line(&app, &format!("RACE{i}"), "代买菜", &phone, 3))
            .collect::<Vec<_>>(),
    );
    let before = request_count(&app).await;
    let (a, b2) = tokio::join!(import(&app, &sheet), import(&app, &sheet));
    for (s, r) in [&a, &b2] {
        assert_eq!(*s, StatusCode::OK, "{r}");
    }
    let made = a.1["created"].as_i64().unwrap_or(0) + b2.1["created"].as_i64().unwrap_or(0);
    let seen = a.1["unchanged"].as_i64().unwrap_or(0) + b2.1["unchanged"].as_i64().unwrap_or(0);
    assert_eq!((made, seen), (5, 5), "{} / {}", a.1, b2.1);
    assert_eq!(request_count(&app).await, before + 5);
}
both_backends!(the_same_sheet_twice_at_once_makes_each_order_once);

async fn a_bad_work_order_file_writes_nothing(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let before = request_count(&app).await;
    // A column missing: named, in Chinese.
    let (s, e) = import(&app, "工单编号,地址\nGD1,3号楼\n").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["message"].as_str().is_some_and(|m| m.contains("受理时间")), "{e}");
    // Good rows beside bad ones: every problem with its line, nothing written.
    let phone = app.fresh_phone();
    let bad = file(&[
        line(&app, "GD1", "代买菜", &phone, 3),
        line(&app, "GD2", "修水管", "12345", 3),
        line(&app, "GD1", "重复编号", &phone, 3),
        line(&app, "GD4", "取药", &phone, 3).replace("助老助残", "不存在的类别"),
    ]);
    let (s, e) = import(&app, &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let problems: Vec<(i64, String)> = e["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["line"].as_i64().unwrap_or(0),
                f["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [(3, "invalid".into()), (4, "duplicate".into()), (5, "unknown".into())],
        "{e}"
    );
    assert!(
        e["fields"][0]["message"].as_str().is_some_and(|m| m.contains("手机号")),
        "a bad phone is said as such: {e}"
    );
    assert_eq!(request_count(&app).await, before);
    let (s, _) = app
        .post(&app.admin.token, "/work-orders/import", json!({"orders": []}))
        .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Residents and members cannot import.
    let resident = app.resident().await;
    let (s, _) = app.post_csv(&resident.token, "/work-orders/import", &bad).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(a_bad_work_order_file_writes_nothing);

async fn an_admin_entry_says_where_it_came_from(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let post = |source: Value| {
        let (app, rid) = (&app, resident.id);
        async move {
            app.post(
                &app.admin.token,
                "/requests",
                json!({"category": "elderly_care", "title": "电话求助", "address": "5号楼", "resident_id": rid, "source": source}),
            )
            .await
        }
    };
    let (s, r) = post(json!("phone")).await;
    assert_eq!(
        (s, &r["source"], &r["source_label"]),
        (StatusCode::CREATED, &json!("phone"), &json!("电话")),
        "{r}"
    );
    let (s, r) = post(Value::Null).await;
    assert_eq!((s, &r["source"]), (StatusCode::CREATED, &json!("proxy")), "{r}");
    let (s, e) = post(json!("hotline")).await;
    assert_eq!(
        (s, &e["fields"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("source")),
        "{e}"
    );
    let (_, own) = app
        .post(
            &resident.token,
            "/requests",
            json!({"category": "elderly_care", "title": "自己报", "address": "5号楼"}),
        )
        .await;
    assert_eq!(own["source"], "app", "{own}");
}
both_backends!(an_admin_entry_says_where_it_came_from);

/// 街道总览: 12345 orders this month against last month (环比), per
/// community and for the street, by hand: 5 orders one month, 4 the next,
/// −20 %.
async fn the_street_overview_counts_12345_orders_month_on_month(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let phone = app.fresh_phone();
    let lines: Vec<String> = (1..=5)
        .map(|i| line(&app, &format!("M1-{i}"), "上月的工单", &phone, 5))
        .collect();
    let (s, r) = import(&app, &file(&lines)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    // The first of next month, 10:00 local time.
    let offset: FixedOffset = app.state.local_offset;
    let today = app.state.clock.today(offset);
    let next = (today.with_day(1).expect("day 1") + chrono::Months::new(1))
        .and_hms_opt(10, 0, 0)
        .expect("time")
        .and_local_timezone(offset)
        .single()
        .expect("local")
        .with_timezone(&chrono::Utc);
    crate::helpers::clock_to(&app, next);
    let lines: Vec<String> = (1..=4)
        .map(|i| line(&app, &format!("M2-{i}"), "本月的工单", &phone, 5))
        .collect();
    let (s, r) = import(&app, &file(&lines)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    // An app request this month is not a 12345 order.
    let resident = app.resident().await;
    app.post_request(&resident).await;

    let (s, v) = app.get(&app.admin.token, "/street/overview").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ours = &v["communities"][0];
    assert_eq!(
        (
            &ours["hotline_month"],
            &ours["hotline_last_month"],
            &ours["hotline_change"]
        ),
        (&json!(4), &json!(5), &json!(-0.2)),
        "{v}"
    );
    assert_eq!(
        (&ours["received_month"], &ours["completion_rate"]),
        (&json!(5), &json!(0.0)),
        "{v}"
    );
    assert_eq!(
        v["hotline"],
        json!({"hotline_month": 4, "hotline_last_month": 5, "hotline_change": -0.2})
    );

    // The same as a spreadsheet: the community's row, then the street's.
    let (s, ct, bytes) = app.get_bytes(&app.admin.token, "/exports/street-overview.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let sheet = book.worksheet_range("街道总览").expect("sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0][6..],
        ["本月12345工单", "上月12345工单", "12345环比（%）"],
        "{rows:?}"
    );
    assert_eq!(rows[1][6..], ["4", "5", "-20"], "{rows:?}");
    assert_eq!(
        (rows[2][0].as_str(), &rows[2][8]),
        ("合计", &"-20".to_owned()),
        "{rows:?}"
    );
    let (s, _, _) = app.get_bytes(&resident.token, "/exports/street-overview.xlsx").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_backends!(the_street_overview_counts_12345_orders_month_on_month);

/// The hotline's export as a workbook (.xlsx) imports as its CSV would: the
/// phone typed into a number cell, the deadline a date cell; an upload that
/// is not a workbook is refused in words.
async fn a_work_order_workbook_imports_like_its_csv(b: Backend) {
    use linli::documents::xlsx::{Cell, Sheet, workbook};
    let Some(app) = spawn_app(b).await else { return };
    let offset: FixedOffset = app.state.local_offset;
    let now = app.state.clock.now().with_timezone(&offset);
    let due = (now + Duration::days(3)).date_naive();
    let sheet = Sheet {
        name: "工单".into(),
        headers: HEAD.split(',').map(str::to_owned).collect(),
        rows: vec![vec![
            Cell::Text("XL001".into()),
            Cell::Text((now - Duration::hours(1)).format("%Y-%m-%d %H:%M").to_string()),
            Cell::Text("助老助残".into()),
            Cell::Text("阳光小区3号楼2单元501".into()),
            Cell::Text("独居老人需要代买菜".into()),
            Cell::Text("王阿姨".into()),
            Cell::Int(13_822_229_901),
            Cell::Date(due),
        ]],
    };
    let bytes = workbook(&[sheet]).expect("workbook");
    let upload = |path: &'static str, token: String, body: Vec<u8>| {
        app.send(
            app.client
                .post(app.url(path))
                .bearer_auth(token)
                .header("content-type", linli::routes::XLSX)
                .body(body),
        )
    };
    let send = |body: Vec<u8>| upload("/work-orders/import", app.admin.token.clone(), body);
    // What the import screen shows in its box first: the sheet as CSV.
    let (s, seen) = upload("/sheets/csv", app.admin.token.clone(), bytes.clone()).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    let text = seen["text"].as_str().expect("text");
    assert!(text.starts_with(HEAD) && text.contains(",13822229901,"), "{text}");
    let resident = app.resident().await;
    let (s, _) = upload("/sheets/csv", resident.token.clone(), bytes.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, r) = send(bytes).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((counts(&r), &r["new_accounts"]), ([1, 0, 0, 0], &json!(1)), "{r}");
    let id = r["rows"][0]["request_id"].as_i64().expect("id");
    let (_, seen) = app.get(&app.admin.token, &format!("/requests/{id}")).await;
    assert_eq!(seen["contact_phone"], "13822229901", "{seen}");
    // Due at the end of that day, local time.
    let end = due.and_hms_opt(23, 59, 59).expect("time");
    let due_at = chrono::DateTime::parse_from_rfc3339(seen["due_at"].as_str().expect("due_at")).expect("rfc3339");
    assert_eq!(due_at.with_timezone(&offset).naive_local().date(), end.date(), "{seen}");

    let (s, e) = send(b"not a workbook".to_vec()).await;
    assert_eq!(
        (s, &e["fields"][0]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("file")),
        "{e}"
    );
}
both_backends!(a_work_order_workbook_imports_like_its_csv);
