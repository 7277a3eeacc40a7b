//! Service requests: post, read, list, timeline, and every transition.

mod check_in;
mod create;
mod duplicates;
mod hall;
mod list;
mod no_show;
pub mod photos;
mod proxy;
mod transition;
mod view;
pub mod work_orders;

pub use check_in::{Proof, confirm as confirm_visit};
pub use create::{Created, NewRequest, create};
pub use duplicates::{Draft, SimilarView, follow, merge, similar};
pub use hall::{CAP as HALL_CAP, MAX_AGE as HALL_MAX_AGE, forget as forget_hall};
pub use list::{RequestFilter, list};
pub use transition::{Acting, Env, Note, Outcome, act_as, act_in, after_commit};

/// A person's action on a request; a start or completion may carry a
/// proof of the visit (签到 / 签退).
pub use check_in::act as act_with_proof;
pub use transition::act;
pub use view::{CategoryRef, EventView, PersonRef, RequestView};

use crate::auth::CurrentUser;
use crate::domain::RequestId;
use crate::error::ApiError;
use crate::services::scope;
use crate::state::AppState;
use crate::store::{self, requests::HelpRequest};
use sea_orm::ConnectionTrait;

pub(crate) async fn load(db: &impl ConnectionTrait, id: RequestId) -> Result<HelpRequest, ApiError> {
    store::requests::find(db, id)
        .await?
        .ok_or(ApiError::NotFound("request"))
}

/// One request as the caller may see it (403 if they may not).
pub async fn get(app: &AppState, me: &CurrentUser, id: RequestId) -> Result<RequestView, ApiError> {
    let req = load(&app.db, id).await?;
    let viewer = scope::viewer(&app.db, me).await?;
    if !viewer.can_view(&req.visibility()) {
        return Err(ApiError::Forbidden);
    }
    view::one(app, &viewer, &req, app.clock.now()).await
}

/// Tells of committed request changes: this replica drops its task-hall
/// pages of those communities at once, then the events go out (every other
/// replica drops its pages when they arrive).
pub async fn announce(app: &AppState, live: Vec<crate::infra::live::LiveEvent>) {
    hall::forget(app, &live);
    app.hub.publish(live).await;
}

/// The timeline (信息收集 → … → 综合评价), oldest first.
pub async fn events(app: &AppState, me: &CurrentUser, id: RequestId) -> Result<Vec<EventView>, ApiError> {
    let req = load(&app.db, id).await?;
    let viewer = scope::viewer(&app.db, me).await?;
    if !viewer.can_view(&req.visibility()) {
        return Err(ApiError::Forbidden);
    }
    let rows = store::requests::events(&app.db, id).await?;
    view::events(&app.db, &viewer, &req, rows).await
}
