//! `/`: a plain page that says the service is up and how to use it, until
//! the web UI (frontend/) is served here.

use actix_web::{HttpResponse, web};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home));
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>邻里 Linli</title>
<style>body{font:18px/1.6 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style>
</head><body>
<h1>邻里 · Linli</h1>
<p>群众点单、组织派单、党员接单 —— 社区服务需求闭环平台。服务已启动。</p>
<p>Residents order, the community dispatches, party members and volunteers accept. The service is running.</p>
<ul>
<li>API: <code>/api/v1</code> （例如 <a href="/api/v1/categories">/api/v1/categories</a> 服务清单）</li>
<li>健康检查 Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li>
<li>使用说明见 README.md · See README.md for a walk-through.</li>
</ul>
</body></html>"#;

async fn home() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(PAGE)
}
