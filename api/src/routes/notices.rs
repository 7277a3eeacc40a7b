//! The inbox (`/notifications`) and live updates (`/events/stream`, SSE).

use super::DEFAULT_LIMIT;
use super::access::Access::{Owner, SignedIn};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::scope::Viewer;
use crate::error::ApiError;
use crate::extract::ValidQuery;
use crate::infra::live::LiveEvent;
use crate::services::{self, notify, scope};
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
///
/// A stream lasts only as long as its authority: when the user's sessions
/// change (logout, password change or reset, role or community change — a
/// `LiveEvent::Session` from any replica) and at every keep-alive, it checks
/// its session again; if it is gone or no longer stands as it did, the
/// stream sends `event: session` and closes (the screen then signs out or
/// reconnects as what the user now is).
async fn stream(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    let viewer = scope::viewer(&state.db, &me).await?;
    let rx = state.hub.subscribe();
    let hello = web::Bytes::from(": connected\n\nevent: ready\ndata: {}\n\n");
    let every = Duration::from_secs(15);
    let ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    let live = Live {
        rx,
        ticker,
        viewer,
        me,
        state,
        open: true,
    };
    let events = futures::stream::unfold(live, |mut live| async move {
        let frame = live.next().await?;
        Some((Ok::<_, actix_web::Error>(frame), live))
    });
    let body = futures::StreamExt::chain(futures::stream::iter([Ok::<_, actix_web::Error>(hello)]), events);
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/event-stream"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

/// One open stream.
struct Live {
    rx: tokio::sync::broadcast::Receiver<LiveEvent>,
    ticker: tokio::time::Interval,
    viewer: Viewer,
    /// Who opened it, as they stood then.
    me: CurrentUser,
    state: web::Data<AppState>,
    /// False once the closing frame went out.
    open: bool,
}

impl Live {
    /// The next frame to send, or `None` to close.
    async fn next(&mut self) -> Option<web::Bytes> {
        use tokio::sync::broadcast::error::RecvError;
        if !self.open {
            return None;
        }
        loop {
            tokio::select! {
                got = self.rx.recv() => match got {
                    Ok(LiveEvent::Session { user_id, token_hash }) => {
                        let mine = user_id == self.me.id
                            && token_hash.as_ref().is_none_or(|t| *t == self.me.token_hash);
                        if mine && !self.still_stands().await {
                            return Some(self.close());
                        }
                    }
                    Ok(e) if e.visible_to(&self.viewer) => {
                        if let Some(b) = frame(&e) {
                            return Some(b);
                        }
                    }
                    Ok(_) => {}
                    // Fell behind: tell the screen to reload, then carry on
                    // (a missed revocation is caught at the next keep-alive).
                    Err(RecvError::Lagged(_)) => return Some(web::Bytes::from("event: resync\ndata: {}\n\n")),
                    Err(RecvError::Closed) => return None,
                },
                _ = self.ticker.tick() => {
                    if !self.still_stands().await {
                        return Some(self.close());
                    }
                    return Some(web::Bytes::from(": keep-alive\n\n"));
                }
            }
        }
    }

    /// Is the session still there, for the same role, community and grid?
    /// A database hiccup keeps the stream (the next check decides).
    async fn still_stands(&self) -> bool {
        match services::auth::authenticate_fresh(&self.state, self.me.token_hash.clone()).await {
            Ok(now) => {
                now.role == self.me.role
                    && now.community_id == self.me.community_id
                    && now.grid_id == self.me.grid_id
                    // A grid worker whose grids changed sees other requests now.
                    && (now.role != crate::domain::Role::GridWorker
                        || crate::store::grids::of_worker(&self.state.db, now.id)
                            .await
                            .map_or(true, |g| g == self.viewer.grids))
            }
            Err(ApiError::Unauthenticated) => false,
            Err(_) => true,
        }
    }

    fn close(&mut self) -> web::Bytes {
        self.open = false;
        web::Bytes::from("event: session\ndata: {}\n\n")
    }
}
