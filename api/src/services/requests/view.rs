//! What callers see of requests and their timelines, masked per viewer.

use super::access::{is_requester, reveals_contact};
use crate::auth::CurrentUser;
use crate::domain::mask::mask_name;
use crate::domain::phone::mask_phone;
use crate::domain::request::Status;
use crate::error::{ApiError, status_zh};
use crate::i18n::Lang;
use crate::services::members::Location;
use crate::services::users::users_by_id;
use chrono::{DateTime, Utc};
use entity::{help_request, request_event, service_category, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct CategoryRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct RequestView {
    pub id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub category: CategoryRef,
    pub title: String,
    pub description: String,
    pub address: String,
    pub resident: PersonRef,
    /// Masked (`138****1234`) unless the viewer needs it.
    pub contact_phone: String,
    /// Where the service is (`{lat, lng}`), to those who may see the contact.
    pub location: Option<Location>,
    /// True when someone else (grid worker, family) entered it for the resident.
    pub on_behalf: bool,
    pub status: String,
    pub status_label: String,
    pub assignee: Option<PersonRef>,
    pub preferred_time: Option<DateTime<Utc>>,
    pub urgency: String,
    pub due_at: Option<DateTime<Utc>>,
    pub hours: Option<f64>,
    pub summary: Option<String>,
    pub rating: Option<i16>,
    pub review_comment: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub id: i64,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub to_label: String,
    pub actor: PersonRef,
    pub actor_role: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

pub(super) fn status_label(s: &str) -> String {
    match s.parse::<Status>() {
        Ok(st) => Lang::current().pick(status_zh(st), st.as_str()).to_owned(),
        Err(_) => s.to_owned(),
    }
}

/// The categories these rows use, in one query.
pub(super) async fn categories_by_id(
    db: &impl ConnectionTrait,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, service_category::Model>, ApiError> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(service_category::Entity::find()
        .filter(service_category::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

fn person(users: &HashMap<i64, user::Model>, id: i64, reveal: bool) -> PersonRef {
    let name = users.get(&id).map(|u| u.name.as_str()).unwrap_or("");
    PersonRef {
        id,
        name: if reveal { name.to_owned() } else { mask_name(name) },
    }
}

/// Builds views for many requests with two queries (users, categories), no N+1.
/// `admin_here(community_id)` says whether the viewer administers it.
pub(super) async fn many(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    rows: &[help_request::Model],
    admin_here: impl Fn(i64) -> bool,
) -> Result<Vec<RequestView>, ApiError> {
    let ids = rows
        .iter()
        .flat_map(|r| [Some(r.resident_id), r.assignee_id])
        .flatten()
        .collect();
    let users = users_by_id(db, ids).await?;
    let cats = categories_by_id(db, rows.iter().map(|r| r.category_id).collect()).await?;
    let lang = Lang::current();
    Ok(rows
        .iter()
        .map(|r| {
            let admin = admin_here(r.community_id);
            let reveal = reveals_contact(me, r, admin);
            let requester = is_requester(r, me.id);
            let cat = cats.get(&r.category_id);
            RequestView {
                id: r.id,
                community_id: r.community_id,
                grid_id: r.grid_id,
                category: CategoryRef {
                    code: cat.map(|c| c.code.clone()).unwrap_or_default(),
                    name: cat
                        .map(|c| lang.pick(&c.name_zh, &c.name_en).to_owned())
                        .unwrap_or_default(),
                },
                title: r.title.clone(),
                description: r.description.clone(),
                address: r.address.clone(),
                resident: person(&users, r.resident_id, reveal),
                location: if reveal {
                    r.lat.zip(r.lng).map(|(lat, lng)| Location { lat, lng })
                } else {
                    None
                },
                contact_phone: if reveal {
                    r.contact_phone.clone()
                } else {
                    mask_phone(&r.contact_phone)
                },
                on_behalf: r.entered_by != r.resident_id,
                status: r.status.clone(),
                status_label: status_label(&r.status),
                assignee: r
                    .assignee_id
                    .map(|a| person(&users, a, admin || requester || a == me.id)),
                preferred_time: r.preferred_time,
                urgency: r.urgency.clone(),
                due_at: r.due_at,
                hours: r.service_minutes.map(|m| f64::from(m) / 60.0),
                summary: r.summary.clone(),
                rating: r.rating,
                review_comment: r.review_comment.clone(),
                version: r.version,
                created_at: r.created_at,
                updated_at: r.updated_at,
                closed_at: r.closed_at,
            }
        })
        .collect())
}

pub(super) async fn one(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    r: &help_request::Model,
    admin_here: bool,
) -> Result<RequestView, ApiError> {
    many(db, me, std::slice::from_ref(r), |_| admin_here)
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("empty view")))
}

pub(super) async fn events(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    req: &help_request::Model,
    admin_here: bool,
    rows: Vec<request_event::Model>,
) -> Result<Vec<EventView>, ApiError> {
    let users = users_by_id(db, rows.iter().map(|e| e.actor_id).collect()).await?;
    let requester = is_requester(req, me.id);
    Ok(rows
        .into_iter()
        .map(|e| {
            let reveal = admin_here || requester || e.actor_id == me.id;
            EventView {
                id: e.id,
                to_label: status_label(&e.to_status),
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                actor: person(&users, e.actor_id, reveal),
                actor_role: users.get(&e.actor_id).map(|u| u.role.clone()).unwrap_or_default(),
                note: e.note,
                at: e.created_at,
            }
        })
        .collect())
}
