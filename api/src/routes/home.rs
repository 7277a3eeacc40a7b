//! `/`: the web UI (`frontend/dist`, built by `npm run build`) with SPA
//! fallback — any path that is not a file gets `index.html`, except under
//! `/assets/`, where a missing file is a 404 (a page still running the
//! previous build asks for its old chunks during a rolling deploy: HTML in
//! their place would break it, and cached for a year, for good) — and cache
//! headers: hashed `/assets/*` found are immutable for a year, everything
//! else is revalidated. Without a built UI, a plain page says the service
//! is up.

use crate::error::ApiError;
use actix_files::{Files, NamedFile};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpResponse, ResponseError, web};
use std::path::{Path, PathBuf};

/// Where Vite puts the hashed build output.
const ASSETS: &str = "/assets/";

/// Serves the UI from `dir` if it was built, else the status page.
pub fn configure(cfg: &mut web::ServiceConfig, dir: &Path) {
    let index = dir.join("index.html");
    if !index.is_file() {
        cfg.route("/", web::get().to(home));
        return;
    }
    let files = Files::new("/", dir)
        .index_file("index.html")
        .prefer_utf8(true)
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index: PathBuf = index.clone();
            async move {
                let (req, _) = req.into_parts();
                if req.path().starts_with(ASSETS) {
                    return Ok(ServiceResponse::new(req, ApiError::NotFound("route").error_response()));
                }
                let res = NamedFile::open_async(&index).await?.into_response(&req);
                Ok(ServiceResponse::new(req, res))
            }
        }));
    cfg.service(
        web::scope("")
            .wrap_fn(|req, srv| {
                let asset = req.path().starts_with(ASSETS);
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    // Found (or unchanged since the copy the browser has).
                    let found = res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED;
                    let value = if asset && found {
                        "public, max-age=31536000, immutable"
                    } else {
                        "no-cache"
                    };
                    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(value));
                    Ok(res)
                }
            })
            .service(files),
    );
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>邻里 Linli</title>
<style>body{font:18px/1.6 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style>
</head><body>
<h1>邻里 · Linli</h1>
<p>群众点单、组织派单、党员接单 —— 社区服务需求闭环平台。服务已启动，网页界面尚未构建（<code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>，或用 <code>./scripts/run.sh</code> 启动）。</p>
<p>Residents order, the community dispatches, party members and volunteers accept. The service is running; the web UI is not built yet (<code>./scripts/run.sh</code> builds it).</p>
<ul>
<li>API: <code>/api/v1</code> （例如 <a href="/api/v1/categories">/api/v1/categories</a> 服务清单）</li>
<li>健康检查 Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li>
</ul>
</body></html>"#;

async fn home() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(PAGE)
}
