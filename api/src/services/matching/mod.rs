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
pub use facts::{PoolCache, RECENT_DAYS};

use crate::auth::CurrentUser;
use crate::domain::matching::Weights;
use crate::error::ApiError;
use crate::services::directory;
use entity::community;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// The weights in effect for a community (its own, or the defaults).
pub async fn get_weights(db: &DatabaseConnection, me: &CurrentUser, community_id: i64) -> Result<Weights, ApiError> {
    directory::require_admin_of(db, me, community_id).await?;
    facts::weights(db, community_id).await
}

pub async fn set_weights(
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: i64,
    w: Weights,
) -> Result<Weights, ApiError> {
    me.require_admin()?;
    directory::community(db, community_id).await?;
    directory::require_admin_of(db, me, community_id).await?;
    if !w.is_valid() {
        return Err(ApiError::field(
            "weights",
            "range",
            "每项权重须在 0 到 100 之间，且不能全为 0",
            "each weight is 0–100 and not all may be 0",
        ));
    }
    let json = serde_json::to_string(&w).map_err(anyhow::Error::from)?;
    community::Entity::update_many()
        .col_expr(community::Column::MatchingWeights, Expr::value(Some(json)))
        .filter(community::Column::Id.eq(community_id))
        .exec(db)
        .await?;
    tracing::info!(admin = me.id, community = community_id, ?w, "matching weights changed");
    Ok(w)
}
