//! 爽约 — what a no-show writes besides the transition: the member's
//! no-show row (append-only; counted by matching's reliability and shown to
//! admins), the request back in the pool as urgent (急, dispatched first),
//! and the member flagged for review when the community's rule says they
//! have missed too often lately.

use super::transition::Env;
use crate::domain::UserId;
use crate::domain::request::Urgency;
use crate::error::ApiError;
use crate::services::rules;
use crate::store::{self, no_shows::NewNoShow, requests::HelpRequest};
use sea_orm::ConnectionTrait;

/// Records the no-show of `member` on `req` (as just written by the
/// transition of timeline event `event_id`); returns the request as it now is.
pub(super) async fn record(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    mut req: HelpRequest,
    member: UserId,
    event_id: i64,
    recorded_by: Option<UserId>,
) -> Result<HelpRequest, ApiError> {
    store::no_shows::insert(
        db,
        NewNoShow {
            request_id: req.id,
            member_id: member,
            community_id: req.community_id,
            event_id,
            recorded_by,
        },
        env.now,
    )
    .await?;
    if req.urgency != Urgency::Urgent {
        store::requests::mark_urgent(db, req.id).await?;
        req.urgency = Urgency::Urgent;
    }
    let rule = rules::kept(env.reference, db, req.community_id).await?;
    let since = env.now - chrono::Duration::days(i64::from(rule.no_show_window_days));
    if store::no_shows::count_since(db, member, since).await? >= u64::from(rule.no_show_limit) {
        store::no_shows::flag(db, member, env.now).await?;
    }
    Ok(req)
}
