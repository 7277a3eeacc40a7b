//! 群众点单 — posting a request, by the resident or on their behalf.

use super::view::{self, RequestView};
use crate::auth::CurrentUser;
use crate::domain::matching::GeoPoint;
use crate::domain::request::{Status, Step, Urgency};
use crate::domain::source::Source;
use crate::domain::{GridId, Phone, UserId};
use crate::error::ApiError;
use crate::msg;
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store::{self, requests::NewEvent};
use chrono::{DateTime, Duration, Utc};

pub struct NewRequest {
    pub category: String,
    pub title: String,
    pub description: String,
    pub address: String,
    pub contact_phone: Option<Phone>,
    /// Where the service is, if the resident shares it (matching uses it).
    pub location: Option<GeoPoint>,
    pub preferred_time: Option<DateTime<Utc>>,
    pub urgency: Urgency,
    pub grid_id: Option<GridId>,
    /// Set when an admin or grid worker enters it for a resident (代下单).
    pub resident_id: Option<UserId>,
    /// 来源 of an entry for a resident: `proxy` (default), `phone` or
    /// `walk_in`. A resident's own request is always `app`.
    pub source: Option<Source>,
}

#[tracing::instrument(skip(app, me, new), fields(user = %me.id))]
pub async fn create(app: &AppState, me: &CurrentUser, new: NewRequest) -> Result<Created, ApiError> {
    let db = &app.db;
    // Who the request is for: the caller, or (代下单) a resident of a community they administer.
    let resident = match new.resident_id.filter(|r| *r != me.id) {
        None => None,
        Some(rid) => {
            let r = store::users::find(db, rid)
                .await?
                .ok_or_else(|| ApiError::field("resident_id", "unknown", msg!("field.resident_id.unknown")))?;
            scope::require_admin_of(db, me, r.community_id).await?;
            Some(r)
        }
    };
    let (resident_id, phone, community_id, grid_id) = match &resident {
        None => (me.id, me.phone.clone(), me.community_id, me.grid_id),
        Some(r) => (r.id, r.phone.clone(), r.community_id, r.grid_id),
    };
    let category = directory::category_by_code(app, &new.category, "category").await?;
    let grid_id = new.grid_id.or(grid_id);
    directory::check_placement(app, community_id, grid_id).await?;
    let env = super::Env::of(app);
    let now = env.now;
    let on_behalf = resident_id != me.id;
    let source = match (on_behalf, new.source) {
        (false, _) => Source::App,
        (true, None) => Source::Proxy,
        (true, Some(s @ (Source::Proxy | Source::Phone | Source::WalkIn))) => s,
        // 12345 orders and Open311 come in through their own doors.
        (true, Some(_)) => return Err(ApiError::field("source", "invalid", msg!("field.source.invalid"))),
    };
    // 邻居已反映过类似问题: compared on the pool, before the write lock.
    let similar = super::duplicates::find_similar(
        db,
        env,
        community_id,
        category.id,
        &super::duplicates::Draft {
            title: new.title.trim(),
            description: new.description.trim(),
            address: new.address.trim(),
            grid_id,
            location: new.location,
        },
    )
    .await?;
    let txn = store::begin_write(&app.writer).await?;
    let row = store::requests::insert(
        &txn,
        store::requests::NewRequest {
            community_id,
            grid_id,
            resident_id,
            entered_by: me.id,
            category_id: category.id,
            title: new.title.trim(),
            description: new.description.trim(),
            address: new.address.trim(),
            contact_phone: new.contact_phone.as_ref().map_or(phone.as_str(), Phone::as_str),
            preferred_time: new.preferred_time,
            urgency: new.urgency,
            due_at: Some(now + Duration::hours(i64::from(category.sla_hours))),
            location: new.location,
            similar_to: similar.first().map(|(r, _)| r.id),
            occurrence: None,
            source,
            external_ref: None,
        },
        now,
    )
    .await?;
    store::requests::insert_event(
        &txn,
        NewEvent {
            request_id: row.id,
            actor_id: Some(me.id),
            step: Step::Create,
            from_status: None,
            to_status: Status::Pending,
            note: None,
            note_key: on_behalf.then_some("timeline.on_behalf"),
        },
        now,
    )
    .await?;
    let live = match similar.first() {
        Some((like, _)) => super::duplicates::flag(&txn, env, &row, like.id).await?,
        None => Vec::new(),
    };
    txn.commit().await?;
    super::announce(app, live).await;
    let viewer = scope::viewer(db, me).await?;
    Ok(Created {
        request: view::one(app, &viewer, &row, now).await?,
        similar: super::duplicates::views(&similar),
    })
}

/// A posted request, and what neighbours reported already that looks the
/// same (邻居已反映过类似问题).
#[derive(Debug, serde::Serialize)]
pub struct Created {
    #[serde(flatten)]
    pub request: RequestView,
    pub similar: Vec<super::duplicates::SimilarView>,
}

impl std::ops::Deref for Created {
    type Target = RequestView;
    fn deref(&self) -> &RequestView {
        &self.request
    }
}
