//! Communities, grids and the service menu: the reference data everyone reads.

use crate::error::ApiError;
use entity::{community, grid, service_category};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CommunityView {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub district: String,
}

#[derive(Debug, Serialize)]
pub struct GridView {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub households: i32,
}

impl From<community::Model> for CommunityView {
    fn from(c: community::Model) -> Self {
        CommunityView {
            id: c.id,
            name: c.name,
            street: c.street,
            district: c.district,
        }
    }
}

impl From<grid::Model> for GridView {
    fn from(g: grid::Model) -> Self {
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
}

pub async fn communities(db: &impl ConnectionTrait) -> Result<Vec<CommunityView>, ApiError> {
    Ok(community::Entity::find()
        .order_by_asc(community::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(CommunityView::from)
        .collect())
}

pub async fn community(db: &impl ConnectionTrait, id: i64) -> Result<community::Model, ApiError> {
    community::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("community"))
}

pub async fn grids(db: &impl ConnectionTrait, community_id: i64) -> Result<Vec<GridView>, ApiError> {
    community(db, community_id).await?;
    Ok(grid::Entity::find()
        .filter(grid::Column::CommunityId.eq(community_id))
        .order_by_asc(grid::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(GridView::from)
        .collect())
}

pub fn category_view(c: &service_category::Model, lang: crate::i18n::Lang) -> CategoryView {
    CategoryView {
        code: c.code.clone(),
        name: lang.pick(&c.name_zh, &c.name_en).to_owned(),
        name_zh: c.name_zh.clone(),
        name_en: c.name_en.clone(),
        group: c.group_name.clone(),
        sla_hours: c.sla_hours,
        dispatch_hours: c.dispatch_hours,
        accept_hours: c.accept_hours,
    }
}

pub async fn categories(db: &impl ConnectionTrait, lang: crate::i18n::Lang) -> Result<Vec<CategoryView>, ApiError> {
    Ok(service_category::Entity::find()
        .filter(service_category::Column::Active.eq(true))
        .order_by_asc(service_category::Column::SortOrder)
        .all(db)
        .await?
        .iter()
        .map(|c| category_view(c, lang))
        .collect())
}

/// Does `me` administer community `id` — as its admin, or as the admin of
/// its street? Only street admins need the community looked up.
pub async fn administers(db: &impl ConnectionTrait, me: &crate::auth::CurrentUser, id: i64) -> Result<bool, ApiError> {
    use crate::domain::Role;
    match me.role {
        Role::Admin => Ok(me.community_id == id),
        Role::StreetAdmin => Ok(community::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_some_and(|c| me.can_admin(c.id, &c.street))),
        Role::Resident | Role::Member => Ok(false),
    }
}

/// `administers`, or 403.
pub async fn require_admin_of(
    db: &impl ConnectionTrait,
    me: &crate::auth::CurrentUser,
    id: i64,
) -> Result<(), ApiError> {
    if administers(db, me, id).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// A body names a community and maybe a grid: both must exist and belong
/// together. Reported as field errors (422), since they come from the body.
pub async fn check_placement(
    db: &impl ConnectionTrait,
    community_id: i64,
    grid_id: Option<i64>,
) -> Result<(), ApiError> {
    if community::Entity::find_by_id(community_id).one(db).await?.is_none() {
        return Err(ApiError::field(
            "community_id",
            "unknown",
            "社区不存在",
            "no such community",
        ));
    }
    if let Some(g) = grid_id {
        let found = grid::Entity::find_by_id(g).one(db).await?;
        if found.is_none_or(|g| g.community_id != community_id) {
            return Err(ApiError::field(
                "grid_id",
                "unknown",
                "该社区没有这个网格",
                "no such grid in this community",
            ));
        }
    }
    Ok(())
}

/// A street admin opens a new community in their street, with its grids.
pub async fn create_community(
    db: &sea_orm::DatabaseConnection,
    me: &crate::auth::CurrentUser,
    name: &str,
    district: &str,
    grid_names: &[String],
) -> Result<(CommunityView, Vec<GridView>), ApiError> {
    use sea_orm::{ActiveModelTrait, Set, TransactionTrait};
    if me.role != crate::domain::Role::StreetAdmin {
        return Err(ApiError::Forbidden);
    }
    let txn = db.begin().await?;
    let c = community::ActiveModel {
        name: Set(name.trim().to_owned()),
        street: Set(me.street.clone()),
        district: Set(district.trim().to_owned()),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut grids = Vec::new();
    for g in grid_names {
        let g = grid::ActiveModel {
            community_id: Set(c.id),
            name: Set(g.trim().to_owned()),
            households: Set(0),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        grids.push(g.into());
    }
    txn.commit().await?;
    Ok((c.into(), grids))
}
