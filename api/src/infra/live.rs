//! Live updates: what happened, fanned out to every connected screen.
//! In-process a broadcast channel; with `REDIS_URL` every replica publishes
//! to one Redis channel and relays what it hears to its own subscribers,
//! so a member connected to replica B sees a dispatch made on replica A.
//! Publishing goes through the Redis breaker: while Redis is down (or this
//! replica's relay is not subscribed) events are delivered locally at once.

use super::redis::Redis;
use crate::domain::request::Status;
use crate::domain::scope::{Viewer, Visibility};
use crate::domain::{CommunityId, GridId, RequestId, UserId};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::broadcast;

/// The part of a request a screen needs to decide whether to refresh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBrief {
    pub id: RequestId,
    pub community_id: CommunityId,
    #[serde(default)]
    pub grid_id: Option<GridId>,
    pub status: Status,
    pub resident_id: UserId,
    pub entered_by: UserId,
    pub assignee_id: Option<UserId>,
    /// Who held it before this change (so a declined member's list updates).
    pub former_assignee_id: Option<UserId>,
    /// It was in the task hall before this change (so every member's hall
    /// drops a request someone just claimed).
    #[serde(default)]
    pub was_open: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A new inbox line for `user_id`.
    Notification {
        user_id: UserId,
        id: i64,
        kind: String,
        title: String,
        request_id: Option<RequestId>,
    },
    /// A request changed (`action` is the timeline's action).
    Request { action: String, request: RequestBrief },
    /// A user's sign-ins changed: one session revoked (`token_hash`), or
    /// all of them, or what they may see (role, community). Never sent to a
    /// screen: each open stream of that user checks its session again and
    /// closes if it no longer stands as it did (see `routes::notices`).
    Session {
        user_id: UserId,
        token_hash: Option<String>,
    },
    /// Reference data (communities, the service menu) changed: every
    /// replica drops its kept copy (`services::directory::Reference`).
    /// Never sent to a screen.
    Reference,
}

impl LiveEvent {
    /// May this viewer see this event? The same rule as reading the request
    /// ([`Viewer::can_view`]), and a former holder hears that it left them.
    pub fn visible_to(&self, viewer: &Viewer) -> bool {
        match self {
            LiveEvent::Notification { user_id, .. } => *user_id == viewer.id,
            LiveEvent::Session { .. } | LiveEvent::Reference => false,
            LiveEvent::Request { request: r, .. } => {
                r.former_assignee_id == Some(viewer.id)
                    || (r.was_open && viewer.sees_hall_of() == Some(r.community_id))
                    || viewer.can_view(&Visibility {
                        id: r.id,
                        community_id: r.community_id,
                        grid_id: r.grid_id,
                        status: r.status,
                        resident_id: r.resident_id,
                        entered_by: r.entered_by,
                        assignee_id: r.assignee_id,
                    })
            }
        }
    }

    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Notification { .. } => "notification",
            LiveEvent::Request { .. } => "request",
            LiveEvent::Session { .. } => "session",
            LiveEvent::Reference => "reference",
        }
    }
}

/// Redis pub/sub: the connection, the channel, and whether this process's
/// relay is subscribed (if not, Redis would not bring our events back).
#[derive(Clone)]
struct Shared {
    redis: Redis,
    channel: String,
    relay_up: Arc<AtomicBool>,
}

#[derive(Clone)]
pub struct Hub {
    local: broadcast::Sender<LiveEvent>,
    redis: Option<Shared>,
}

impl Hub {
    /// In-process only.
    pub fn local() -> Self {
        let (local, _) = broadcast::channel(1024);
        Hub { local, redis: None }
    }

    /// Across replicas through Redis pub/sub on `{prefix}:events`: starts
    /// the relay from Redis to this process's subscribers.
    pub fn with_redis(redis: Redis, url: &str, prefix: &str) -> anyhow::Result<Self> {
        let (local, _) = broadcast::channel(1024);
        let channel = format!("{prefix}:events");
        let client = redis::Client::open(url)?;
        let relay_up = Arc::new(AtomicBool::new(false));
        tokio::spawn(relay(client, channel.clone(), local.clone(), relay_up.clone()));
        Ok(Hub {
            local,
            redis: Some(Shared {
                redis,
                channel,
                relay_up,
            }),
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.local.subscribe()
    }

    /// Publishes after a commit. Never fails the caller: a lost live event
    /// only delays a screen until its next refresh.
    pub async fn publish(&self, events: Vec<LiveEvent>) {
        if events.is_empty() {
            return;
        }
        let Some(shared) = &self.redis else {
            return self.deliver(events);
        };
        let mut pipe = redis::pipe();
        for e in &events {
            if let Ok(payload) = serde_json::to_string(e) {
                pipe.cmd("PUBLISH").arg(&shared.channel).arg(payload).ignore();
            }
        }
        let sent = shared
            .redis
            .run(|mut c| async move { pipe.query_async::<()>(&mut c).await })
            .await;
        match sent {
            Ok(()) if shared.relay_up.load(Ordering::Acquire) => {}
            Ok(()) => self.deliver(events),
            Err(err) => {
                tracing::debug!(error = %err, "live events not published to Redis; delivering locally");
                self.deliver(events);
            }
        }
    }

    fn deliver(&self, events: Vec<LiveEvent>) {
        for e in events {
            let _ = self.local.send(e);
        }
    }
}

/// Redis → local subscribers, reconnecting with a pause when Redis goes away.
async fn relay(client: redis::Client, channel: String, local: broadcast::Sender<LiveEvent>, up: Arc<AtomicBool>) {
    use futures::StreamExt;
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if let Err(e) = pubsub.subscribe(&channel).await {
                    tracing::warn!(error = %e, "live relay: subscribe failed");
                } else {
                    up.store(true, Ordering::Release);
                    let mut messages = pubsub.on_message();
                    while let Some(msg) = messages.next().await {
                        let Ok(payload) = msg.get_payload::<String>() else {
                            continue;
                        };
                        if let Ok(event) = serde_json::from_str::<LiveEvent>(&payload) {
                            let _ = local.send(event);
                        }
                    }
                    up.store(false, Ordering::Release);
                }
            }
            Err(e) => tracing::warn!(error = %e, "live relay: Redis unreachable"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn member(id: i64, community: i64) -> Viewer {
        Viewer {
            id: UserId(id),
            role: Role::Member,
            community_id: CommunityId(community),
            administers: Vec::new(),
            follows: Vec::new(),
            grids: Vec::new(),
        }
    }

    #[test]
    fn a_claim_reaches_every_member_whose_hall_showed_the_request() {
        let claimed = |was_open| LiveEvent::Request {
            action: "claim".into(),
            request: RequestBrief {
                id: RequestId(7),
                community_id: CommunityId(1),
                grid_id: None,
                status: Status::Accepted,
                resident_id: UserId(2),
                entered_by: UserId(2),
                assignee_id: Some(UserId(3)),
                former_assignee_id: None,
                was_open,
            },
        };
        assert!(
            claimed(true).visible_to(&member(4, 1)),
            "another member's hall drops it"
        );
        assert!(
            !claimed(true).visible_to(&member(4, 9)),
            "not another community's members"
        );
        assert!(
            !claimed(false).visible_to(&member(4, 1)),
            "a request that was not in the hall"
        );
        assert!(claimed(false).visible_to(&member(3, 1)), "the holder");
    }
}
