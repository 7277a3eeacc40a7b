//! 群众点单 — posting a request, by the resident or on their behalf.

use super::view::{self, RequestView};
use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::Phone;
use crate::domain::matching::GeoPoint;
use crate::domain::request::Status;
use crate::error::ApiError;
use crate::services::directory;
use chrono::{DateTime, Duration, Utc};
use entity::{help_request, request_event, service_category, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    #[default]
    Normal,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
        }
    }
}

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
    pub grid_id: Option<i64>,
    /// Set when an admin or grid worker enters it for a resident (代下单).
    pub resident_id: Option<i64>,
}

/// The resident a request is for.
struct Resident {
    id: i64,
    phone: String,
    community_id: i64,
    grid_id: Option<i64>,
}

#[tracing::instrument(skip(db, me, new), fields(user = me.id))]
pub async fn create(db: &DatabaseConnection, me: &CurrentUser, new: NewRequest) -> Result<RequestView, ApiError> {
    // Who the request is for: the caller, or (代下单) a resident of a community they administer.
    let resident = match new.resident_id.filter(|r| *r != me.id) {
        None => Resident {
            id: me.id,
            phone: me.phone.clone(),
            community_id: me.community_id,
            grid_id: me.grid_id,
        },
        Some(rid) => {
            let r = user::Entity::find_by_id(rid)
                .one(db)
                .await?
                .ok_or_else(|| ApiError::field("resident_id", "unknown", "居民不存在", "no such resident"))?;
            if !directory::administers(db, me, r.community_id).await? {
                return Err(ApiError::Forbidden);
            }
            Resident {
                id: r.id,
                phone: r.phone,
                community_id: r.community_id,
                grid_id: r.grid_id,
            }
        }
    };
    let category = service_category::Entity::find()
        .filter(service_category::Column::Code.eq(new.category.trim()))
        .filter(service_category::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::field("category", "unknown", "没有这个服务类别", "no such service category"))?;
    let grid_id = new.grid_id.or(resident.grid_id);
    directory::check_placement(db, resident.community_id, grid_id).await?;
    let now = clock::now();
    let txn = db.begin().await?;
    let row = help_request::ActiveModel {
        community_id: Set(resident.community_id),
        grid_id: Set(grid_id),
        resident_id: Set(resident.id),
        entered_by: Set(me.id),
        category_id: Set(category.id),
        title: Set(new.title.trim().to_owned()),
        description: Set(new.description.trim().to_owned()),
        address: Set(new.address.trim().to_owned()),
        contact_phone: Set(new
            .contact_phone
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| resident.phone.clone())),
        preferred_time: Set(new.preferred_time),
        urgency: Set(new.urgency.as_str().to_owned()),
        status: Set(Status::Pending.as_str().to_owned()),
        assignee_id: Set(None),
        due_at: Set(Some(now + Duration::hours(i64::from(category.sla_hours)))),
        service_minutes: Set(None),
        summary: Set(None),
        rating: Set(None),
        review_comment: Set(None),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        lat: Set(new.location.map(GeoPoint::lat)),
        lng: Set(new.location.map(GeoPoint::lng)),
        assigned_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    request_event::ActiveModel {
        request_id: Set(row.id),
        actor_id: Set(me.id),
        action: Set("create".into()),
        from_status: Set(None),
        to_status: Set(Status::Pending.as_str().into()),
        note: Set((resident.id != me.id).then(|| "代下单".to_owned())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let admin_here = directory::administers(db, me, row.community_id).await?;
    view::one(db, me, &row, admin_here).await
}
