//! Certificates (PDF, public verification) and xlsx exports.

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use calamine::{Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::json;

/// Row `n` (0 = headers) of a sheet, as text.
fn row(sheet: &calamine::Range<calamine::Data>, n: usize) -> Vec<String> {
    sheet
        .rows()
        .nth(n)
        .expect("row")
        .iter()
        .map(|c| c.to_string())
        .collect()
}

async fn certificate_issue_download_verify(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let m = app.member().await;

    let (s, e) = app.post(&m.token, "/certificates", json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "nothing to certify yet: {e}");
    app.closed_request(&resident, &m, 150, 5).await;
    app.closed_request(&resident, &m, 60, 4).await;

    let (s, c) = app.post(&m.token, "/certificates", json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let number = c["number"].as_str().expect("number").to_owned();
    assert!(number.starts_with("LL20"), "{number}");
    // The public verification page (what the PDF's QR code opens), not an API path.
    let page = c["verify_url"].as_str().expect("verify_url").to_owned();
    assert!(page.ends_with(&format!("/#/verify/{number}")), "{page}");
    assert_eq!((c["minutes"].as_i64(), c["services"].as_i64()), (Some(210), Some(2)));

    // Anyone can verify the number, without signing in — and learns little.
    let (s, v) = app.get("", &format!("/certificates/{number}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], true);
    assert_eq!(v["hours"], 3.5);
    assert!(v["name"].as_str().is_some_and(|n| n.ends_with('*')), "masked: {v}");
    let keys: Vec<&String> = v.as_object().map(|o| o.keys().collect()).unwrap_or_default();
    assert_eq!(keys, ["hours", "issued_on", "name", "number", "valid"], "nothing more");
    let (s, _) = app.get("", "/certificates/LL2026-NOSUCHNUM0").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The owner downloads the PDF; its text states the number and the hours.
    let (s, ct, pdf) = app.get_bytes(&m.token, &format!("/certificates/{number}/pdf")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "application/pdf");
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("pdf text");
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains(&number), "number in {flat}");
    assert!(flat.contains("志愿服务证明"), "{flat}");
    assert!(flat.contains("3.5"), "hours in {flat}");
    assert!(flat.contains("陈志强"), "the member's own copy has their name: {flat}");
    assert!(
        flat.contains(&format!("/#/verify/{number}")),
        "the verification page: {flat}"
    );
    assert!(flat.contains("二维码"), "{flat}");
    // Another member may not; the community admin may.
    let other = app.member().await;
    let (s, _, _) = app
        .get_bytes(&other.token, &format!("/certificates/{number}/pdf"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = app
        .get_bytes(&app.admin.token, &format!("/certificates/{number}/pdf"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, mine) = app.get(&m.token, "/certificates/mine").await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
}
both_backends!(certificate_issue_download_verify);

async fn xlsx_exports(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let party = app
        .registered_member(json!({"kind": "party_member", "employer": "市供电公司", "party_branch": "营销党支部"}))
        .await;
    let idle = app
        .registered_member(json!({"kind": "party_member", "employer": "市第一医院"}))
        .await;
    app.closed_request(&resident, &party, 120, 5).await;
    let _ = idle;

    let (s, ct, bytes) = app.get_bytes(&app.admin.token, "/exports/service-records.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("xlsx");
    let sheet = book.worksheet_range("志愿服务记录").expect("sheet");
    assert_eq!(sheet.rows().count(), 2, "header + one record");
    assert_eq!(row(&sheet, 0)[1], "姓名");
    assert_eq!(row(&sheet, 1)[3], "帮老人买菜");
    assert_eq!(row(&sheet, 1)[7], "2");

    let (s, _, bytes) = app.get_bytes(&app.admin.token, "/exports/employer-report.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("xlsx");
    let names = book.sheet_names();
    assert!(names.iter().any(|n| n.ends_with("汇总")), "{names:?}");
    assert!(
        names.contains(&"市供电公司".to_owned()) && names.contains(&"市第一医院".to_owned()),
        "{names:?}"
    );
    let power = row(&book.worksheet_range("市供电公司").expect("sheet"), 1);
    assert_eq!((power[1].as_str(), power[3].as_str()), ("营销党支部", "2"));
    let hospital = row(&book.worksheet_range("市第一医院").expect("sheet"), 1);
    assert_eq!(hospital[7], "未参加服务", "members who did not serve are reported too");

    let (s, _, _) = app.get_bytes(&party.token, "/exports/service-records.xlsx").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = app
        .get(&app.admin.token, "/exports/employer-report.xlsx?quarter=2026-Q5")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}
both_backends!(xlsx_exports);

/// No CJK font: a clear 503 that says what to do; issuing still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_without_a_font_says_how_to_fix_it() {
    let Some(app) = crate::helpers::spawn_app_configured(Backend::Sqlite, None, |s| {
        s.cjk_font = Some("/nonexistent/fonts/missing.ttc".into());
    })
    .await
    else {
        return;
    };
    let resident = app.resident().await;
    let m = app.member().await;
    app.closed_request(&resident, &m, 60, 5).await;
    let (s, c) = app.post(&m.token, "/certificates", json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let number = c["number"].as_str().expect("number");
    let (s, e) = app.get(&m.token, &format!("/certificates/{number}/pdf")).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(e["code"], "certificate.font_missing");
    let msg = e["message"].as_str().unwrap_or("");
    assert!(msg.contains("/nonexistent/fonts/missing.ttc"), "{msg}");
}
