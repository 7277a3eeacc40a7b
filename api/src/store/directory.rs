//! Reference data: communities, their grids, the service menu.

use super::json::Json;
use crate::domain::matching::Weights;
use crate::domain::qualification::QualificationKind;
use crate::domain::{CategoryId, CommunityId, GridId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{community, grid, service_category};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// 社区
#[derive(Debug, Clone)]
pub struct Community {
    pub id: CommunityId,
    pub name: String,
    /// 街道 — a street admin's scope.
    pub street: String,
    pub district: String,
    pub created_at: DateTime<Utc>,
    /// The community's own matching weights, if it set any.
    pub matching_weights: Option<Weights>,
    /// The community's service phone (打电话给社区).
    pub phone: Option<String>,
}

/// 网格
#[derive(Debug, Clone)]
pub struct Grid {
    pub id: GridId,
    pub community_id: CommunityId,
    pub name: String,
    pub households: i32,
}

/// One entry of the service menu (服务清单), with its 督查 deadlines.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: CategoryId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub group_name: String,
    pub points_multiplier_pct: i32,
    /// Hours from posting to done …
    pub sla_hours: i32,
    /// … to dispatch …
    pub dispatch_hours: i32,
    /// … and from dispatch to accept.
    pub accept_hours: i32,
    pub sort_order: i32,
    pub active: bool,
    /// 资质 a member needs to serve it, if any.
    pub qualification: Option<QualificationKind>,
}

fn community_of(c: community::Model) -> Result<Community, ApiError> {
    // Weights that no longer decode are reported, not silently replaced.
    let matching_weights = match c.matching_weights.as_deref() {
        Some(text) => Some(Json::<Weights>::decode(text, "communities", "matching_weights", c.id)?),
        None => None,
    };
    Ok(Community {
        id: CommunityId(c.id),
        name: c.name,
        street: c.street,
        district: c.district,
        created_at: c.created_at,
        matching_weights,
        phone: c.phone,
    })
}

fn grid_of(g: grid::Model) -> Grid {
    Grid {
        id: GridId(g.id),
        community_id: CommunityId(g.community_id),
        name: g.name,
        households: g.households,
    }
}

fn category_of(c: service_category::Model) -> Category {
    Category {
        id: CategoryId(c.id),
        code: c.code,
        name_zh: c.name_zh,
        name_en: c.name_en,
        group_name: c.group_name,
        points_multiplier_pct: c.points_multiplier_pct,
        sla_hours: c.sla_hours,
        dispatch_hours: c.dispatch_hours,
        accept_hours: c.accept_hours,
        sort_order: c.sort_order,
        active: c.active,
        qualification: c.qualification.map(Into::into),
    }
}

pub async fn communities(db: &impl ConnectionTrait) -> Result<Vec<Community>, ApiError> {
    community::Entity::find()
        .order_by_asc(community::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(community_of)
        .collect()
}

pub async fn community(db: &impl ConnectionTrait, id: CommunityId) -> Result<Option<Community>, ApiError> {
    community::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(community_of)
        .transpose()
}

/// The street a community lies in (`None`: no such community).
pub async fn street_of(db: &impl ConnectionTrait, id: CommunityId) -> Result<Option<String>, ApiError> {
    Ok(community::Entity::find_by_id(id.0)
        .select_only()
        .column(community::Column::Street)
        .into_tuple()
        .one(db)
        .await?)
}

/// Every community of a street.
pub async fn communities_of_street(db: &impl ConnectionTrait, street: &str) -> Result<Vec<CommunityId>, ApiError> {
    let ids: Vec<i64> = community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .filter(community::Column::Street.eq(street))
        .order_by_asc(community::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(CommunityId).collect())
}

pub async fn insert_community(
    db: &impl ConnectionTrait,
    name: &str,
    street: &str,
    district: &str,
    now: DateTime<Utc>,
) -> Result<Community, ApiError> {
    community_of(
        community::ActiveModel {
            name: Set(name.to_owned()),
            street: Set(street.to_owned()),
            district: Set(district.to_owned()),
            created_at: Set(now),
            matching_weights: Set(None),
            phone: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?,
    )
}

/// The community's service phone (打电话给社区); `None` removes it.
pub async fn set_phone(db: &impl ConnectionTrait, id: CommunityId, phone: Option<&str>) -> Result<(), ApiError> {
    community::Entity::update_many()
        .col_expr(community::Column::Phone, Expr::value(phone.map(str::to_owned)))
        .filter(community::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_matching_weights(db: &impl ConnectionTrait, id: CommunityId, w: &Weights) -> Result<(), ApiError> {
    community::Entity::update_many()
        .col_expr(community::Column::MatchingWeights, Expr::value(Some(Json::encode(w)?)))
        .filter(community::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn grids(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Vec<Grid>, ApiError> {
    Ok(grid::Entity::find()
        .filter(grid::Column::CommunityId.eq(community_id.0))
        .order_by_asc(grid::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(grid_of)
        .collect())
}

pub async fn grid(db: &impl ConnectionTrait, id: GridId) -> Result<Option<Grid>, ApiError> {
    Ok(grid::Entity::find_by_id(id.0).one(db).await?.map(grid_of))
}

pub async fn insert_grid(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    name: &str,
    households: i32,
) -> Result<Grid, ApiError> {
    Ok(grid_of(
        grid::ActiveModel {
            community_id: Set(community_id.0),
            name: Set(name.to_owned()),
            households: Set(households),
            ..Default::default()
        }
        .insert(db)
        .await?,
    ))
}

/// The menu in its order; `active_only` leaves out withdrawn entries.
pub async fn categories(db: &impl ConnectionTrait, active_only: bool) -> Result<Vec<Category>, ApiError> {
    let mut q = service_category::Entity::find().order_by_asc(service_category::Column::SortOrder);
    if active_only {
        q = q.filter(service_category::Column::Active.eq(true));
    }
    Ok(q.all(db).await?.into_iter().map(category_of).collect())
}

pub async fn category(db: &impl ConnectionTrait, id: CategoryId) -> Result<Option<Category>, ApiError> {
    Ok(service_category::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(category_of))
}

/// What a new menu entry needs.
pub struct NewCategory<'a> {
    pub code: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    pub group_name: &'a str,
    pub sla_hours: i32,
    pub dispatch_hours: i32,
    pub accept_hours: i32,
    pub sort_order: i32,
    pub qualification: Option<QualificationKind>,
}

pub async fn insert_category(db: &impl ConnectionTrait, c: NewCategory<'_>) -> Result<(), ApiError> {
    service_category::ActiveModel {
        code: Set(c.code.to_owned()),
        name_zh: Set(c.name_zh.to_owned()),
        name_en: Set(c.name_en.to_owned()),
        group_name: Set(c.group_name.to_owned()),
        points_multiplier_pct: Set(100),
        sla_hours: Set(c.sla_hours),
        dispatch_hours: Set(c.dispatch_hours),
        accept_hours: Set(c.accept_hours),
        sort_order: Set(c.sort_order),
        active: Set(true),
        qualification: Set(c.qualification.map(Into::into)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
