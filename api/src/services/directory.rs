//! Communities, grids and the service menu: the reference data everyone reads.

use crate::auth::CurrentUser;
use crate::domain::{CategoryId, CommunityId, GridId, Role};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::infra::live::LiveEvent;
use crate::msg;
use crate::services::qualifications::QualificationRef;
use crate::state::{AppState, Reference};
use crate::store::{self, directory::Category, directory::Community};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::sync::Arc;

/// After a write of communities or the menu: this replica drops its copy
/// at once, the others hear it through the hub.
pub async fn changed(app: &AppState) {
    app.reference.changed();
    app.hub.publish(vec![LiveEvent::Reference]).await;
}

/// The whole service menu (inactive entries too), in menu order.
pub async fn menu(app: &AppState) -> Result<Arc<Vec<Category>>, ApiError> {
    kept_menu(&app.reference, &app.db).await
}

/// [`menu`] for code that holds a connection (perhaps a transaction's)
/// rather than the state: the kept copy, or read with `db`.
pub async fn kept_menu(reference: &Reference, db: &impl ConnectionTrait) -> Result<Arc<Vec<Category>>, ApiError> {
    reference
        .menu
        .get_or_load(async || store::directory::categories(db, false).await)
        .await
}

/// A category by id from the kept menu (one newer than the copy is read alone).
pub async fn kept_category(
    reference: &Reference,
    db: &impl ConnectionTrait,
    id: CategoryId,
) -> Result<Option<Category>, ApiError> {
    match kept_menu(reference, db).await?.iter().find(|c| c.id == id) {
        Some(c) => Ok(Some(c.clone())),
        None => store::directory::category(db, id).await,
    }
}

/// A community, or 404, from the kept copy (a community too new for the
/// copy is read from the database).
pub async fn community_kept(app: &AppState, id: CommunityId) -> Result<Community, ApiError> {
    kept_community(&app.reference, &app.db, id).await
}

/// [`community_kept`] with a connection of the caller's.
pub async fn kept_community(
    reference: &Reference,
    db: &impl ConnectionTrait,
    id: CommunityId,
) -> Result<Community, ApiError> {
    let all = reference
        .communities
        .get_or_load(async || {
            Ok::<_, ApiError>(
                store::directory::communities(db)
                    .await?
                    .into_iter()
                    .map(|c| (c.id, c))
                    .collect(),
            )
        })
        .await?;
    match all.get(&id) {
        Some(c) => Ok(c.clone()),
        None => community(db, id).await,
    }
}

#[derive(Debug, Serialize)]
pub struct CommunityView {
    pub id: CommunityId,
    pub name: String,
    pub street: String,
    pub district: String,
    /// The community's service phone (打电话给社区), if it gave one.
    pub phone: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GridView {
    pub id: GridId,
    pub community_id: CommunityId,
    pub name: String,
    pub households: i32,
}

impl From<Community> for CommunityView {
    fn from(c: Community) -> Self {
        CommunityView {
            id: c.id,
            name: c.name,
            street: c.street,
            district: c.district,
            phone: c.phone,
        }
    }
}

impl From<store::directory::Grid> for GridView {
    fn from(g: store::directory::Grid) -> Self {
        GridView {
            id: g.id,
            community_id: g.community_id,
            name: g.name,
            households: g.households,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CategoryView {
    pub code: String,
    pub name: String,
    pub name_zh: String,
    pub name_en: String,
    pub group: String,
    /// 督查 deadlines: hours from posting to done, to dispatch, and from
    /// dispatch to accept.
    pub sla_hours: i32,
    pub dispatch_hours: i32,
    pub accept_hours: i32,
    /// 资质: what a member needs to serve it (null: nothing).
    pub qualification: Option<QualificationRef>,
}

pub fn category_view(c: &Category, lang: Lang) -> CategoryView {
    CategoryView {
        code: c.code.clone(),
        name: lang.pick(&c.name_zh, &c.name_en).to_owned(),
        name_zh: c.name_zh.clone(),
        name_en: c.name_en.clone(),
        group: c.group_name.clone(),
        sla_hours: c.sla_hours,
        dispatch_hours: c.dispatch_hours,
        accept_hours: c.accept_hours,
        qualification: c.qualification.map(|k| QualificationRef::of(k, lang)),
    }
}

pub async fn communities(db: &impl ConnectionTrait) -> Result<Vec<CommunityView>, ApiError> {
    Ok(store::directory::communities(db)
        .await?
        .into_iter()
        .map(CommunityView::from)
        .collect())
}

/// A community, or 404.
pub async fn community(db: &impl ConnectionTrait, id: CommunityId) -> Result<Community, ApiError> {
    store::directory::community(db, id)
        .await?
        .ok_or(ApiError::NotFound("community"))
}

pub async fn grids(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Vec<GridView>, ApiError> {
    community(db, community_id).await?;
    Ok(store::directory::grids(db, community_id)
        .await?
        .into_iter()
        .map(GridView::from)
        .collect())
}

/// The active menu, in menu order.
pub async fn categories(app: &AppState, lang: Lang) -> Result<Vec<CategoryView>, ApiError> {
    Ok(menu(app)
        .await?
        .iter()
        .filter(|c| c.active)
        .map(|c| category_view(c, lang))
        .collect())
}

/// An active menu entry by code, or a field error on `field`.
pub async fn category_by_code(app: &AppState, code: &str, field: &str) -> Result<Category, ApiError> {
    menu(app)
        .await?
        .iter()
        .find(|c| c.active && c.code == code)
        .cloned()
        .ok_or_else(|| ApiError::field(field, "unknown", msg!("field.category.unknown")))
}

/// A body names a community and maybe a grid: both must exist and belong
/// together. Reported as field errors (422), since they come from the body.
pub async fn check_placement(
    app: &AppState,
    community_id: CommunityId,
    grid_id: Option<GridId>,
) -> Result<(), ApiError> {
    let db = &app.db;
    match community_kept(app, community_id).await {
        Ok(_) => {}
        Err(ApiError::NotFound(_)) => {
            return Err(ApiError::field(
                "community_id",
                "unknown",
                msg!("field.community_id.unknown"),
            ));
        }
        Err(e) => return Err(e),
    }
    if let Some(g) = grid_id {
        let found = store::directory::grid(db, g).await?;
        if found.is_none_or(|g| g.community_id != community_id) {
            return Err(ApiError::field("grid_id", "unknown", msg!("field.grid_id.unknown")));
        }
    }
    Ok(())
}

/// A street admin opens a new community in their street, with its grids.
pub async fn create_community(
    app: &AppState,
    me: &CurrentUser,
    name: &str,
    district: &str,
    grid_names: &[String],
) -> Result<(CommunityView, Vec<GridView>), ApiError> {
    if me.role != Role::StreetAdmin {
        return Err(ApiError::Forbidden);
    }
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let c = store::directory::insert_community(&txn, name.trim(), &me.street, district.trim(), now).await?;
    let mut grids = Vec::new();
    for g in grid_names {
        grids.push(store::directory::insert_grid(&txn, c.id, g.trim(), 0).await?.into());
    }
    txn.commit().await?;
    changed(app).await;
    Ok((c.into(), grids))
}
