//! The web UI is served from `frontend_dir` with SPA fallback and cache
//! headers; the API and health checks are unaffected.

use crate::helpers::{Backend, spawn_app_configured};
use reqwest::StatusCode;

/// A built UI in a temporary directory: `index.html` and one hashed asset,
/// `/assets/app-1a2b.js`.
pub fn built_ui() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("linli-ui-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("assets")).expect("dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><div id=app>邻里</div>").expect("index");
    std::fs::write(dir.join("assets/app-1a2b.js"), "console.log(1)").expect("asset");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_built_ui_with_fallback_and_cache_headers() {
    let dir = built_ui();
    let ui = dir.clone();
    let Some(app) = spawn_app_configured(Backend::Sqlite, None, move |s| s.frontend_dir = ui).await else {
        return;
    };
    let get = |path: &str| app.client.get(format!("{}{path}", app.base)).send();

    let r = get("/").await.expect("/");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.text().await.unwrap_or_default().contains("邻里"));
    let r = get("/assets/app-1a2b.js").await.expect("asset");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    // A client-side route falls back to the app.
    let r = get("/requests/12").await.expect("spa");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap_or_default().contains("id=app"));
    // The API and health checks are untouched.
    let r = get("/api/v1/no-such-thing").await.expect("api 404");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap_or_default()["code"],
        "route.not_found"
    );
    assert_eq!(get("/healthz").await.expect("health").status(), StatusCode::OK);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_built_ui_the_root_says_so() {
    let Some(app) = spawn_app_configured(Backend::Sqlite, None, |s| s.frontend_dir = "/nonexistent".into()).await
    else {
        return;
    };
    let r = app.client.get(format!("{}/", app.base)).send().await.expect("/");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap_or_default().contains("npm run build"));
}
