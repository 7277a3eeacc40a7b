//! The inbox (`/notifications`) and live updates (`/events/stream`, SSE).

use super::DEFAULT_LIMIT;
use super::access::Access::{Owner, SignedIn};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::infra::live::LiveEvent;
use crate::services::{notify, scope};
use crate::state::AppState;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/notifications", SignedIn, list)
        .post("/notifications/read-all", SignedIn, read_all)
        .post("/notifications/{id}/read", Owner, read_one)
        // The matrix reads only its status (the stream never ends); which
        // events it carries is `Viewer::can_view`'s, tested in `notices`.
        .get("/events/stream", SignedIn, stream);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    #[serde(default)]
    unread: bool,
    cursor: Option<i64>,
    #[validate(range(min = 1, max = 100))]
    limit: Option<u64>,
}

#[derive(Serialize)]
struct Inbox {
    items: Vec<notify::NotificationView>,
    next_cursor: Option<i64>,
    unread: u64,
}

async fn list(state: web::Data<AppState>, me: CurrentUser, q: ValidQuery<ListQuery>) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let (items, next_cursor, unread) =
        notify::inbox(&state, &me, q.unread, q.cursor, q.limit.unwrap_or(DEFAULT_LIMIT)).await?;
    Ok(HttpResponse::Ok().json(Inbox {
        items,
        next_cursor,
        unread,
    }))
}

async fn read_one(state: web::Data<AppState>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let n = notify::mark_read(&state, &me, Some(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "marked": n })))
}

async fn read_all(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    let n = notify::mark_read(&state, &me, None).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "marked": n })))
}

fn frame(event: &LiveEvent) -> Option<web::Bytes> {
    let data = serde_json::to_string(event).ok()?;
    Some(web::Bytes::from(format!("event: {}\ndata: {data}\n\n", event.name())))
}

/// `GET /events/stream`: Server-Sent Events — the caller's new
/// notifications and changes to requests they can see, a comment every
/// 15 s to keep proxies from closing the connection. The token comes as
/// usual, or as `?access_token=` (moved into the header before logging,
/// see `auth::query_token`).
async fn stream(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    let me = scope::viewer(&state.db, &me).await?;
    let rx = state.hub.subscribe();
    let hello = web::Bytes::from(": connected\n\nevent: ready\ndata: {}\n\n");
    let every = Duration::from_secs(15);
    let ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let events = futures::stream::unfold((rx, ticker, me), |(mut rx, mut ticker, me)| async move {
        loop {
            tokio::select! {
                got = rx.recv() => match got {
                    Ok(e) if e.visible_to(&me) => {
                        if let Some(b) = frame(&e) {
                            return Some((Ok::<_, actix_web::Error>(b), (rx, ticker, me)));
                        }
                    }
                    Ok(_) => {}
                    // Fell behind: tell the screen to reload, then carry on.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let b = web::Bytes::from("event: resync\ndata: {}\n\n");
                        return Some((Ok(b), (rx, ticker, me)));
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                },
                _ = ticker.tick() => {
                    return Some((Ok(web::Bytes::from(": keep-alive\n\n")), (rx, ticker, me)));
                }
            }
        }
    });
    let body = futures::StreamExt::chain(futures::stream::iter([Ok::<_, actix_web::Error>(hello)]), events);
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/event-stream"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
