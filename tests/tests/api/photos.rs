//! Photos of a request: added by the requester, EXIF taken out before they
//! are stored, size / type / count limits with clear errors, shown only to
//! those who may see the resident's contact details.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_app};
use linli::domain::photo::{Format, has_exif, sample_jpeg_with_exif};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn upload(app: &TestApp, who: &User, id: i64, content_type: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let resp = app
        .client
        .post(app.url(&format!("/requests/{id}/photos")))
        .bearer_auth(&who.token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn photos_are_stripped_limited_and_private(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let neighbour = app.resident().await;
    let id = app.post_request(&resident).await["id"].as_i64().expect("id");

    let jpeg = sample_jpeg_with_exif();
    assert!(has_exif(Format::Jpeg, &jpeg));
    let (s, added) = upload(&app, &resident, id, "image/jpeg", jpeg.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{added}");
    let url = added["url"].as_str().expect("url").to_owned();
    let path = url.trim_start_matches("/api/v1");

    // Stored without EXIF, the comment or the GPS bytes; served as a JPEG.
    let (s, ct, stored) = app.get_bytes(&resident.token, path).await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, "image/jpeg"));
    assert!(!has_exif(Format::Jpeg, &stored));
    let text = String::from_utf8_lossy(&stored);
    assert!(!text.contains("GPS") && !text.contains("shot at home"));
    let (_, view) = app.get(&resident.token, &format!("/requests/{id}")).await;
    assert_eq!(view["photos"], json!([{"id": added["id"], "url": url}]));

    // The admin sees it; a neighbour may neither see nor add.
    let (s, _, _) = app.get_bytes(&app.admin.token, path).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = app.get_bytes(&neighbour.token, path).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = upload(&app, &neighbour, id, "image/jpeg", jpeg.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Type, content and size, each refused in words.
    let (s, e) = upload(&app, &resident, id, "image/gif", b"GIF89a".to_vec()).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("photo.unsupported"))
    );
    assert_eq!(e["message"], "只能上传 JPG、PNG 或 WebP 格式的照片");
    let (s, e) = upload(&app, &resident, id, "image/png", b"not a png at all".to_vec()).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("photo.unsupported"))
    );
    let (s, e) = upload(&app, &resident, id, "image/jpeg", vec![0u8; 5 * 1024 * 1024 + 1]).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("photo.too_large")),
        "{e}"
    );
    assert_eq!(e["message"], "照片太大了，请选择 5 MB 以内的照片");

    // Six at most, even when they arrive at once: exactly five more succeed.
    let tries = (0..8).map(|_| upload(&app, &resident, id, "image/jpeg", jpeg.clone()));
    let results = futures::future::join_all(tries).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(created, 5, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|(s, _)| *s != StatusCode::CREATED)
            .all(|(s, e)| *s == StatusCode::CONFLICT && e["code"] == "photo.too_many")
    );
    let (_, view) = app.get(&resident.token, &format!("/requests/{id}")).await;
    assert_eq!(view["photos"].as_array().map(Vec::len), Some(6));
}
both_backends!(photos_are_stripped_limited_and_private);
