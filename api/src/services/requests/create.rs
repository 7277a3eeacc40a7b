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
    /// 代下单 by phone number: the resident with this phone, or a new
    /// resident's account (named `resident_name`) made on the spot.
    pub resident_phone: Option<Phone>,
    pub resident_name: Option<String>,
    /// 来源 of an entry for a resident: `proxy` (default), `phone` or
    /// `walk_in`. A resident's own request is always `app`.
    pub source: Option<Source>,
}

#[tracing::instrument(skip(app, me, new), fields(user = %me.id))]
pub async fn create(app: &AppState, me: &CurrentUser, new: NewRequest) -> Result<Created, ApiError> {
    let db = &app.db;
    // Who the request is for: the caller, or (代下单) a resident of a
    // community they administer or of a grid they look after.
    let ordered_for = super::proxy::resident(app, me, &new).await?;
    let category = directory::category_by_code(app, &new.category, "category").await?;
    let (resident_id, phone, community_id, grid_id) = match &ordered_for {
        None => (me.id, me.phone.clone(), me.community_id, new.grid_id.or(me.grid_id)),
        Some(f) => (f.id, f.phone.clone(), f.community_id, f.grid_id),
    };
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
    let (resident_id, new_account) = match &ordered_for {
        Some(f) => super::proxy::open_account(&txn, f, now).await?,
        None => (resident_id, None),
    };
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
        new_account,
    })
}

/// A posted request, and what neighbours reported already that looks the
/// same (邻居已反映过类似问题).
#[derive(Debug, serde::Serialize)]
pub struct Created {
    #[serde(flatten)]
    pub request: RequestView,
    pub similar: Vec<super::duplicates::SimilarView>,
    /// 代下单 for someone new to Linli: the account made for them, with its
    /// one-time password to pass on (shown this once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_account: Option<super::proxy::MadeAccount>,
}

impl std::ops::Deref for Created {
    type Target = RequestView;
    fn deref(&self) -> &RequestView {
        &self.request
    }
}
