//! 组织派单 with help: ranked candidates for one request, batch
//! auto-dispatch, and each community's matching weights. The scoring and the
//! assignment are the pure `domain::matching`; this layer loads the facts
//! (a fixed number of queries, see [`facts`]) and applies plans through the
//! ordinary dispatch transition.

mod auto;
mod candidates;
mod facts;

pub use auto::{AutoDispatch, AutoDispatchView, auto_dispatch};
pub use candidates::{CandidatesView, candidates};
pub use facts::RECENT_DAYS;

use crate::auth::CurrentUser;
use crate::domain::CommunityId;
use crate::domain::matching::Weights;
use crate::error::ApiError;
use crate::msg;
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store;

/// The weights in effect for a community (its own, or the defaults).
pub async fn get_weights(app: &AppState, me: &CurrentUser, community_id: CommunityId) -> Result<Weights, ApiError> {
    scope::require_admin_of(&app.db, me, community_id).await?;
    facts::weights(&app.db, community_id).await
}

pub async fn set_weights(
    app: &AppState,
    me: &CurrentUser,
    community_id: CommunityId,
    w: Weights,
) -> Result<Weights, ApiError> {
    scope::require_admin(me)?;
    directory::community(&app.db, community_id).await?;
    scope::require_admin_of(&app.db, me, community_id).await?;
    if !w.is_valid() {
        return Err(ApiError::field("weights", "range", msg!("field.weights.range")));
    }
    store::directory::set_matching_weights(&app.db, community_id, &w).await?;
    directory::changed(app).await;
    tracing::info!(admin = %me.id, community = %community_id, ?w, "matching weights changed");
    Ok(w)
}
